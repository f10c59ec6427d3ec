"""Issue 13's first proof, as one story through the real routes of a real `fresque serve` (SQLite and
PostgreSQL): a team signs in and makes a study with three neighbourhoods; three residents' workshops are made
in it, their residents join with their code and fill their exploration boards through the boards' sockets;
60 street-survey responses reach the server, some sent twice, some again after the connection was cut
mid-request and after the server process was killed and started again; a partners' workshop's action links
solutions of two residents' workshops. Then:

- exactly 60 responses are stored, the resent ones once;
- the action's fiche names the two neighbourhoods and the residents behind its ideas (recomputed from the
  boards' exports);
- every figure of the diagnostic is recomputed from the boards' exports and the responses
  (tests/support/diagnostic_reference.py), « < 5 » wherever fewer than 5 people are behind it;
- export → import → export gives the same document but for ids and times (tests/support/study_roundtrip.py);
- the study's erase leaves no row of it (tests/support/study_erase_checks.py); once its imported copy is
  erased too, no byte of its words is left in the database (nor, on SQLite, in any file).
"""

from __future__ import annotations

import asyncio
import json
import random
import socket
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from support.accounts import Member, new_member
from support.client import BoardClient
from support.diagnostic_reference import SUPPRESSED, check_across, check_against, reference_groups
from support.server import ServerProcess
from support.study_erase_checks import left_of, needles, rows_holding
from support.study_export_seed import files_holding
from support.study_partners import ActionsClient
from support.study_roundtrip import comparable, differences, renamed
from support.study_seed import SeededStudy, survey_answers
from support.workshop import activity, difficulty, thread

ACTIVITIES = ("school-run", "doctor", "shopping")  # few, so that some cells reach 5 people
DIFFICULTIES = ("equipment", "skills", "cost")
TOUCHPOINTS = ("caf", "ameli")
SOLUTIONS = ("digital-help-desk", "group-workshops")
SEVERITIES = ("ok", "difficile", "bloque")
RESIDENTS = (8, 6, 3)  # the third neighbourhood's workshop is too small to show anything of it
RESPONSES = (25, 22, 9, 4)  # per neighbourhood, then without one: 60


@pytest.fixture
def server(database_url: str, tmp_path: Path) -> Iterator[ServerProcess]:
    proc = ServerProcess(
        database_url, log_path=tmp_path / "server.log", env={"FRESQUE_DATA_DIR": str(tmp_path / "data")}
    )
    proc.start()
    try:
        yield proc
    finally:
        proc.stop()


def ok(response: httpx.Response, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json()


# -- the residents' boards, filled by their residents through the sockets ------------------------------


def join(server: ServerProcess, workshop: dict[str, Any], rng: random.Random, number: int) -> dict[str, Any]:
    profile: dict[str, Any] = {"age_band": rng.choice(("18_25", "26_40", "41_60")), "language": "fr"}
    if rng.random() < 0.8:
        profile["fragility"] = rng.choice(("N0", "N1", "N2", "N3", "N4"))
    if number == 1:
        profile["consent"] = False  # this resident's cards stay out of the diagnostic
    body = {"code": workshop["join_code_display"], "alias": f"Habitant {number}", **profile}
    joined: dict[str, Any] = ok(server.post("/api/join", body), 201)
    return joined


async def fill_board(
    server: ServerProcess, workshop: dict[str, Any], tokens: list[str], rng: random.Random, mark: str
) -> None:
    """Each resident (and the facilitator, who must not count) places activities with difficulties, some
    through an online service, and ideas; then everyone spends their dots on the board's ideas."""
    board = workshop["board"]["id"]
    people = [workshop["facilitator"]["token"], *tokens]
    clients = [BoardClient(server.ws_url(board), server.origin, token) for token in people]
    for client in clients:
        await client.connect()
    ideas: list[str] = []
    try:
        for n, client in enumerate(clients):
            for k in range(rng.randint(2, 3)):
                act, dif, sol = (f"{kind}-{n}-{k}-{uuid.uuid4().hex[:6]}" for kind in ("act", "dif", "sol"))
                ops = [activity(act, ref=rng.choice(ACTIVITIES), day=rng.choice(("mon", "weekend")))]
                if rng.random() < 0.8:
                    ops.append(difficulty(dif, ref=rng.choice(DIFFICULTIES), severity=rng.choice(SEVERITIES)))
                    if rng.random() < 0.4:
                        ops[-1]["text"] = f"Trop compliqué {mark}"
                    if rng.random() < 0.5:
                        ops.append(thread(f"thr-{dif}", act, dif))
                    else:
                        tp = f"tpt-{dif}"
                        ops.append(
                            {"op": "item.create", "id": tp, "kind": "touchpoint", "x": 200, "y": 100,
                             "ref": rng.choice(TOUCHPOINTS)}
                        )  # fmt: skip
                        ops += [thread(f"thr-a-{dif}", act, tp), thread(f"thr-b-{dif}", tp, dif)]
                if rng.random() < 0.5:
                    idea: dict[str, Any] = {
                        "op": "item.create",
                        "id": sol,
                        "kind": "solution",
                        "x": 500,
                        "y": 100,
                    }
                    if rng.random() < 0.5:
                        idea["ref"] = rng.choice(SOLUTIONS)
                    else:
                        idea["text"] = (
                            rng.choice(("Un atelier le samedi", "Une permanence en arabe")) + f" {mark}"
                        )
                    ops.append(idea)
                    ideas.append(sol)
                answer = await client.commit(ops)
                assert answer["type"] == "ack", answer
        for client in clients:
            budget = 3
            for sol in rng.sample(ideas, min(len(ideas), 2)):
                count = rng.randint(1, budget)
                budget -= count
                answer = await client.commit([{"op": "vote.add", "item": sol}] * count)
                assert answer["type"] == "ack", answer
                if budget == 0:
                    break
    finally:
        for client in clients:
            await client.close()


# -- the street survey: a phone's resends, a cut connection, a server killed and started again -----------


def response_body(client_id: str, answers: dict[str, Any]) -> dict[str, Any]:
    return {
        "client_id": client_id,
        "questionnaire_version": 1,
        "answers": answers,
        "consent": True,
        "answered_at": "2026-10-03T09:30:00+02:00",
    }


def phone_answers(rng: random.Random, neighbourhood: str | None) -> dict[str, Any]:
    """The seed's answers, as the surveyor's page sends them: a multiple-choice question left without a
    ticked answer is not sent (an empty list is refused)."""
    return {k: v for k, v in survey_answers(rng, neighbourhood).items() if v != []}


def unordered(answers: dict[str, Any]) -> dict[str, Any]:
    return {k: sorted(v) if isinstance(v, list) else v for k, v in answers.items()}


def post_and_drop(
    server: ServerProcess, member: Member, path: str, body: dict[str, Any], *, whole: bool
) -> None:
    """A phone losing the network: after the headers and half the body (`whole=False`: the request never
    arrives), or after the whole request but before the answer came back (`whole=True`)."""
    data = json.dumps(body).encode()
    head = (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\nAuthorization: Bearer {member.token}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(data)}\r\n\r\n"
    ).encode()
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        sock.sendall(head + (data if whole else data[: len(data) // 2]))
        sock.shutdown(socket.SHUT_WR)


def survey(
    server: ServerProcess, member: Member, study_id: str, hoods: list[str], rng: random.Random
) -> list[str]:
    """60 responses; returns the client ids in the order they were made."""
    path = f"/api/studies/{study_id}/surveys/responses"
    bodies: list[dict[str, Any]] = []
    for hood, count in zip([*hoods, None], RESPONSES, strict=True):
        bodies += [
            response_body(f"phone-{uuid.uuid4().hex[:16]}", phone_answers(rng, hood)) for _ in range(count)
        ]
    rng.shuffle(bodies)
    stored: dict[str, str] = {}  # client id → response id

    def send(phone: httpx.Client, body: dict[str, Any], status: int) -> None:
        got = ok(phone.post(path, json=body), status)
        assert got["created"] is (status == 201)
        if status == 201:
            stored[body["client_id"]] = got["response"]["id"]
        assert got["response"]["id"] == stored[body["client_id"]]  # a resend gets the stored one back

    with httpx.Client(base_url=server.base_url, headers=member.bearer(), timeout=30) as phone:
        for body in bodies[:30]:
            send(phone, body, 201)
        for body in bodies[:5]:  # acknowledgements lost: sent twice
            send(phone, body, 200)
    # the network drops while a response is on its way: nothing of it arrived, the next try stores it
    post_and_drop(server, member, path, bodies[30], whole=False)
    # another one arrived, but its answer was lost with the connection: the next try is acknowledged
    post_and_drop(server, member, path, bodies[31], whole=True)
    with httpx.Client(base_url=server.base_url, headers=member.bearer(), timeout=30) as phone:
        send(phone, bodies[30], 201)
        again = phone.post(path, json=bodies[31])
        assert again.status_code in (200, 201), again.text
        stored.setdefault(bodies[31]["client_id"], again.json()["response"]["id"])
        for body in bodies[32:45]:
            send(phone, body, 201)
    # the server dies (a power cut for the process) and comes back on the same address: the phone, which
    # never heard back about its last five, sends them again on a new connection, then the rest
    server.kill()
    server.start()
    with httpx.Client(base_url=server.base_url, headers=member.bearer(), timeout=30) as phone:
        for body in bodies[40:45]:
            send(phone, body, 200)
        for body in bodies[45:]:
            send(phone, body, 201)
        for body in bodies[55:]:
            send(phone, body, 200)
    listed = ok(httpx.get(server.base_url + path, headers=member.bearer(), timeout=30))
    assert listed["count"] == 60 == len(listed["responses"])
    assert sorted(r["client_id"] for r in listed["responses"]) == sorted(b["client_id"] for b in bodies)
    by_client = {r["client_id"]: r for r in listed["responses"]}
    for body in bodies:
        row = by_client[body["client_id"]]
        assert unordered(row["answers"]) == unordered(body["answers"])  # kept in the questionnaire's order
        assert row["id"] == stored[body["client_id"]]
        assert row["neighbourhood_id"] == body["answers"].get("neighbourhood")
    return [b["client_id"] for b in bodies]


# -- the story ------------------------------------------------------------------------------------------


def test_a_study_from_its_first_workshop_to_its_erase(server: ServerProcess, tmp_path: Path) -> None:
    rng = random.Random(2026)
    mark = f"Zq{uuid.uuid4().hex[:12]}Marché"
    owner = new_member(server, "cheffe-de-projet")  # made as `fresque admin create-user`, signed in by HTTP
    made = ok(
        owner.send(
            "POST",
            "/api/studies",
            {
                "title": f"Diagnostic {mark}",
                "territory": "Aix-en-Provence",
                "period_start": "2026-09-01",
                "period_end": "2027-03-31",
                "neighbourhoods": [
                    {"name": f"Jas-de-Bouffan {mark}", "qpv_code": "QN01301M"},
                    {"name": "Encagnane", "qpv_code": "QN01302M"},
                    {"name": "Corsy"},
                ],
            },
        ),
        201,
    )
    study_id = made["study"]["id"]
    hoods = [n["id"] for n in made["neighbourhoods"]]
    assert len(hoods) == 3

    # three residents' workshops, one per neighbourhood, their residents joining with the typed code
    workshops: list[dict[str, Any]] = []
    for i, hood in enumerate(hoods):
        body = {"title": f"Atelier {i} {mark}", "neighbourhood_id": hood, "date": f"2026-10-{10 + i}"}
        workshop = ok(owner.send("POST", f"/api/studies/{study_id}/workshops", body), 201)
        assert workshop["board"]["kind"] == "exploration"
        tokens = [join(server, workshop, rng, n)["token"] for n in range(RESIDENTS[i])]
        asyncio.run(fill_board(server, workshop, tokens, rng, mark))
        workshops.append(workshop)

    client_ids = survey(server, owner, study_id, hoods, rng)

    # the partners' workshop: an action fresco whose action draws on ideas of two residents' workshops
    partners = ok(
        owner.send(
            "POST", f"/api/studies/{study_id}/workshops", {"title": f"Partenaires {mark}", "partners": True}
        ),
        201,
    )
    assert partners["board"]["kind"] == "actions"
    listed = ok(
        server.get(f"/api/workshops/{partners['workshop']['id']}/solutions", partners["facilitator"]["token"])
    )
    by_board: dict[str, list[dict[str, Any]]] = {}
    for row in listed["solutions"]:
        by_board.setdefault(row["board"], []).append(row)
    assert set(by_board) == {w["board"]["id"] for w in workshops}  # every residents' board, and no other
    linked = [by_board[workshops[0]["board"]["id"]][0], by_board[workshops[1]["board"]["id"]][0]]
    assert [row["neighbourhood"]["id"] for row in linked] == hoods[:2]

    async def link() -> None:
        client = ActionsClient(
            server.ws_url(partners["board"]["id"]), server.origin, partners["facilitator"]["token"]
        )
        await client.connect()
        action = {
            "op": "action.create", "id": "act-story", "lane": "create", "start": "2027-01", "end": "2027-06",
            "fiche": {"title": f"Permanence numérique {mark}"},
            "links": [{"board": row["board"], "item": row["item"]} for row in linked],
        }  # fmt: skip
        answer = await client.commit([action])
        assert answer["type"] == "ack", answer
        await client.close()

    asyncio.run(link())

    # the diagnostic, every figure recomputed from the boards' exports and the responses
    responses = ok(owner.get(f"/api/studies/{study_id}/surveys/responses"))["responses"]
    seeded = SeededStudy(
        server,
        owner.token,
        study_id,
        hoods,
        workshops=workshops,
        boards={w["workshop"]["id"]: [w["board"]["id"]] for w in workshops},
        responses=[(r["neighbourhood_id"], r["answers"], r["fragility"]) for r in responses],
    )
    exports = seeded.exports()
    diagnostic = ok(seeded.diagnostic())
    assert [h["id"] for h in diagnostic["neighbourhoods"]] == hoods
    assert {w["id"] for w in diagnostic["workshops"]} == {w["workshop"]["id"] for w in [*workshops, partners]}
    assert diagnostic["territory"]["surveys"]["respondents"]["value"] == 60
    shown, hidden, complementary = check_against(diagnostic, reference_groups(seeded, exports))
    assert shown > 80 and hidden > 30, (shown, hidden, complementary)
    check_across(diagnostic["territory"], diagnostic["by_neighbourhood"], "neighbourhoods")
    small = diagnostic["by_neighbourhood"][2]
    assert small["workshops"]["people"] == SUPPRESSED and small["workshops"]["words"] == []
    # 60 − 25 − 22 − 9 would give away the 4 respondents without a neighbourhood: one of the three
    # neighbourhoods' counts is hidden too, though from 5 people or more
    respondents = [g["surveys"]["respondents"] for g in diagnostic["by_neighbourhood"]]
    assert [r["value"] for r in respondents if not r["suppressed"]] != list(RESPONSES[:3])
    assert complementary > 0
    # one filter, recomputed the same way
    by_workshop = ok(seeded.diagnostic(workshop=workshops[0]["workshop"]["id"]))
    check_against(by_workshop, reference_groups(seeded, exports, workshop=workshops[0]["workshop"]["id"]))

    # the fiche: the two neighbourhoods, and the residents behind the linked ideas (their authors and voters)
    sources = ok(
        server.get(
            f"/api/boards/{partners['board']['id']}/sources?action=act-story",
            partners["facilitator"]["token"],
        )
    )
    behind = sources["behind_actions"]["act-story"]
    assert [n["name"] for n in behind["neighbourhoods"]] == [n["name"] for n in made["neighbourhoods"][:2]]
    documents = {d["board"]["id"]: d for d in exports}
    residents: set[str] = set()
    for row in linked:
        document = documents[row["board"]]
        who = {i["author"] for i in document["items"] if i["id"] == row["item"]}
        who |= {v["participant"] for v in document["votes"]["by_participant"] if v["item"] == row["item"]}
        residents |= who & {p["id"] for p in document["participants"] if p["role"] == "participant"}
    assert (behind["residents"], behind["workshops"]) == (len(residents), 2) and len(residents) >= 2

    # export → import → export: the same study but for ids and times
    first = ok(owner.get(f"/api/studies/{study_id}/export"))
    assert sorted(r["client_id"] for r in first["responses"]) == sorted(client_ids)
    [partners_entry] = [
        e for e in first["workshops"] if e["export"]["workshop"]["id"] == partners["workshop"]["id"]
    ]
    [action] = [a for b in partners_entry["export"]["boards"] for a in b.get("actions", [])]
    assert [(x["board"], x["item"]) for x in action["links"]] == [(r["board"], r["item"]) for r in linked]
    imported = ok(owner.send("POST", "/api/studies/import", first), 201)
    copy_id, ids = imported["study"]["id"], imported["ids"]
    assert imported["counts"]["responses"] == 60 and imported["counts"]["workshops"] == 4
    again = ok(owner.get(f"/api/studies/{copy_id}/export"))
    diffs = differences(comparable(again), comparable(renamed(first, ids)))
    assert not diffs, "\n".join(diffs)

    # the erase: nothing of the study is left; its imported copy is whole
    workshop_ids = [e["export"]["workshop"]["id"] for e in first["workshops"]]
    participant_ids = [p["id"] for e in first["workshops"] for p in e["export"]["participants"]]
    before = asyncio.run(left_of(server.database_url, study_id, workshop_ids, participant_ids))
    assert on_disk(server, tmp_path, mark)  # the words the erase must take away are there
    assert before["survey_responses"] == 60 and before["workshops"] == 4 and before["neighbourhoods"] == 3
    erased = ok(owner.send("DELETE", f"/api/studies/{study_id}"))["erased"]
    assert erased["survey_responses"] == 60 and erased["workshops"] == 4 and erased["studies"] == 1
    assert asyncio.run(
        left_of(server.database_url, study_id, workshop_ids, participant_ids)
    ) == dict.fromkeys(before, 0)
    assert owner.get(f"/api/studies/{study_id}/diagnostic").status_code == 404
    for workshop in workshops:
        refused = server.post("/api/join", {"code": workshop["join_code_display"], "alias": "Tard"})
        assert refused.status_code == 404, refused.text
    assert comparable(ok(owner.get(f"/api/studies/{copy_id}/export"))) == comparable(again)

    # the copy erased too: no byte of the study's words is left
    ok(owner.send("DELETE", f"/api/studies/{copy_id}"))
    server.stop()  # the database's files as they rest
    assert not on_disk(server, tmp_path, mark)


def on_disk(server: ServerProcess, tmp_path: Path, mark: str) -> list[str]:
    """Where the marker is: rows of any table (PostgreSQL), or files of the SQLite database and the data
    directory (the server's log aside)."""
    if server.database_url.startswith("postgresql"):
        return ["row"] * asyncio.run(rows_holding(server.database_url, mark))
    found: list[str] = []
    for path in tmp_path.iterdir():
        if path.is_dir():
            found += files_holding(path, needles(mark))
        elif path.name != "server.log":
            data = path.read_bytes()
            found += [f"{path.name}: {form!r}" for form in needles(mark) if form in data]
    return found

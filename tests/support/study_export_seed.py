"""A live study with everything a study holds, on a running server, for the study export, import and erase
tests (tests/test_study_export.py, tests/test_study_erase.py).

Made the way the study's own routes would make it, but straight through the stores where those routes are
other parts' (accounts and their sessions, the study and its workshops' links: `fresque.db.studies`; survey
responses: `fresque.db.surveys`; questions de travail: their table). Workshops, boards, residents, pictures
and every card go through the HTTP API and the boards' sockets, as in a real study.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from fresque.auth import new_id
from fresque.db.models import WorkQuestion
from fresque.db.store import Store
from fresque.db.studies import StudyStore
from fresque.db.surveys import NewResponse, SurveyStore
from fresque.survey.questionnaire import default_questionnaire
from PIL import Image
from sqlalchemy import insert

from .accounts import account_with_session, in_own_thread
from .server import ServerProcess
from .workshop import Workshop, activity, difficulty, new_item_id, solution, thread

PASSWORD_HASH_MARK = "argon2id"  # every stored hash starts `$argon2id$`: never in an export
_run = in_own_thread


@dataclass
class Account:
    id: str
    username: str
    token: str  # a live account session's token

    def bearer(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


def make_account(server: ServerProcess, username: str) -> Account:
    """An account, signed in: a session inserted as sign-in would (the account routes are another part's)."""
    account_id, token = account_with_session(server, username, "un mot de passe assez long")
    return Account(account_id, username, token)


@dataclass
class SeededStudy:
    id: str
    mark: str
    neighbourhoods: list[str]  # ids: Jas-de-Bouffan, Encagnane, Corsy
    workshops: list[Workshop]  # two residents' workshops, then the partners'
    exploration: list[str]  # the residents' workshops' boards
    actions_board: str  # the partners' action fresco
    solutions: list[str]  # one solution per residents' workshop, linked by the action
    questions: list[str]  # questions de travail
    pictogram: dict[str, Any]
    responses: int


def picture_png() -> bytes:
    image = Image.new("RGB", (40, 30), "red")
    image.paste(Image.new("RGB", (20, 30), "blue"), (20, 0))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def _post(server: ServerProcess, path: str, body: Any, token: str | None) -> dict[str, Any]:
    response = server.post(path, body, token)
    assert response.status_code == 201, response.text
    found: dict[str, Any] = response.json()
    return found


async def _study_rows(
    server: ServerProcess, owner: Account, member: Account | None, mark: str
) -> tuple[str, list[str]]:
    store = Store.from_url(server.database_url)
    try:
        studies, surveys = StudyStore(store), SurveyStore(store)
        study_id = new_id()
        neighbourhoods = [new_id(), new_id(), new_id()]
        await studies.create_study(
            study_id=study_id,
            title=f"Diagnostic {mark}",
            territory="Aix-en-Provence",
            period_start="2026-09-01",
            period_end="2027-03-31",
            owner_account_id=owner.id,
            neighbourhoods_=[
                (neighbourhoods[0], f"Jas-de-Bouffan {mark}", "QN01301M"),
                (neighbourhoods[1], "Encagnane", "QN01302M"),
                (neighbourhoods[2], "Corsy", None),
            ],
            questionnaire=json.dumps(default_questionnaire(), ensure_ascii=False),
        )
        if member is not None:
            await studies.add_member(study_id, member.id, "member")
        edited = default_questionnaire()
        edited["questions"] = edited["questions"][:-1]
        await surveys.add_questionnaire_version(study_id, json.dumps(edited, ensure_ascii=False))
        return study_id, neighbourhoods
    finally:
        await store.close()


def _canonical(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


async def _after_workshops(
    server: ServerProcess,
    study_id: str,
    links: list[tuple[str, str | None]],
    neighbourhoods: list[str],
    seeded: dict[str, Any],
    mark: str,
) -> int:
    """Attach the workshops; add survey responses (one sent twice) and questions de travail."""
    store = Store.from_url(server.database_url)
    try:
        studies, surveys = StudyStore(store), SurveyStore(store)
        for workshop_id, neighbourhood in links:
            await studies.attach_workshop(workshop_id, study_id, neighbourhood)
        start = datetime(2026, 10, 3, 9, 30, tzinfo=UTC)
        made = 0
        for index in range(12):
            answers: dict[str, Any] = {
                "neighbourhood": neighbourhoods[index % 3],
                "age_band": ["18_25", "26_40", "61_75"][index % 3],
                "equipment": ["smartphone", "computer"] if index % 2 else ["none"],
            }
            if index == 0:
                answers["other"] = f"réponse libre {mark}"
            response = NewResponse(
                id=new_id(),
                study_id=study_id,
                client_id=f"phone-{index:03d}-{new_id()[:8]}",
                questionnaire_version=1 if index < 8 else 2,
                neighbourhood_id=neighbourhoods[index % 3] if index != 5 else None,
                answers=_canonical(answers),
                fragility=["N0", "N1", "N2", "N3", "N4", None][index % 6],
                source="paper" if index % 4 == 3 else "phone",
                answered_at=None if index == 7 else start + timedelta(minutes=7 * index),
            )
            _, created = await surveys.add_response(response)
            assert created
            made += 1
            if index == 2:  # a resend: acknowledged, not stored twice
                assert not (await surveys.add_response(response))[1]
        questions = seeded["questions"]
        finding = {
            "kind": "idea",
            "board": seeded["exploration"][0],
            "item": seeded["solutions"][0],
            "neighbourhood": neighbourhoods[0],
        }
        rows = [
            (questions[0], 0, finding, f"Comment ouvrir un lieu d'aide le samedi ? {mark}"),
            (questions[1], 1, seeded["heatmap"], "Et le marché ?"),
        ]
        async with store.write() as conn:
            for qid, position, found, question in rows:
                await conn.execute(
                    insert(WorkQuestion.__table__).values(
                        id=qid,
                        study_id=study_id,
                        position=position,
                        finding=_canonical(found),
                        question=question,
                        created_at=datetime.now(UTC),
                    )
                )
        return made
    finally:
        await store.close()


async def _fill_residents(workshop: Workshop, board_id: str, mark: str, pictogram_ref: str | None) -> str:
    """Cards, threads, a deleted card, dots; a card on the workshop's own picture. Returns the solution."""
    amina, karim = workshop.client("Amina", board_id), workshop.client("Karim", board_id)
    await amina.connect()
    await karim.connect()
    amina.replica = karim.replica = None  # the test client's replica knows the catalogue's refs only
    act, dif, sol, gone = new_item_id(), new_item_id(), new_item_id(), new_item_id()
    batches = [
        (amina, [activity(act, ref="school-run", day="mon"),
                 difficulty(dif, ref="lost-login", severity="bloque"), thread(new_item_id(), act, dif)]),
        (karim, [solution(sol, text=f"Un atelier le samedi {mark}"), thread(new_item_id(), dif, sol)]),
        (karim, [{"op": "item.create", "id": gone, "kind": "note", "x": 5, "y": 5, "text": "à effacer"}]),
        (karim, [{"op": "item.delete", "id": gone}]),
        (amina, [{"op": "vote.add", "item": sol}, {"op": "vote.add", "item": sol}]),
        (karim, [{"op": "vote.add", "item": sol}]),
    ]  # fmt: skip
    if pictogram_ref is not None:
        batches.append((amina, [activity(new_item_id(), ref=pictogram_ref, day="tue", x=220)]))
    for client, ops in batches:
        answer = await client.commit(ops)
        assert answer["type"] == "ack", answer
    await amina.close()
    await karim.close()
    return sol


async def _fill_partners(
    workshop: Workshop, board_id: str, links: list[tuple[str, str]], question: str, mark: str
) -> None:
    facilitator = workshop.client(None, board_id)
    await facilitator.connect()
    year = date.today().year
    act = new_item_id("act")
    fiche = {"title": f"Permanence numérique {mark}", "findings": "Le samedi matin"}
    card = {"op": "action.create", "id": act, "lane": "create", "start": f"{year}-01", "end": f"{year}-06"}
    batches = [
        [{**card, "fiche": fiche, "links": [{"board": b, "item": i} for b, i in links]}],
        [{"op": "action.question", "id": act, "question": question}],
        [{"op": "vote.add", "item": act}],
    ]
    for ops in batches:
        answer = await facilitator.commit(ops)
        assert answer["type"] == "ack", answer
    await facilitator.close()


def seed_study(
    server: ServerProcess, owner: Account, mark: str, member: Account | None = None
) -> SeededStudy:
    """Three neighbourhoods; two residents' workshops (one with its own picture on a card, a resident with a
    profile, one removed); the partners' workshop, whose action links a solution of each and answers a
    question de travail; two questionnaire versions; survey responses; two questions de travail."""
    study_id, neighbourhoods = _run(_study_rows(server, owner, member, mark))
    workshops = [
        Workshop(server, server.create_workshop(title=title))
        for title in (f"Atelier Jas {mark}", "Atelier Encagnane", "Atelier des partenaires")
    ]
    for workshop in workshops[:2]:
        workshop.residents["Amina"] = _post(
            server,
            "/api/join",
            {"code": workshop.data["join_code"], "alias": "Amina", "age_band": "26_40", "language": "ar"},
            None,
        )
        workshop.residents["Karim"] = server.join(workshop.data["join_code_display"], "Karim")
    gone = server.join(workshops[0].data["join_code_display"], f"Parti {mark}")
    removed = httpx.delete(
        f"{server.base_url}/api/workshops/{workshops[0].id}/participants/{gone['participant']}",
        headers={"Authorization": f"Bearer {workshops[0].facilitator_token}"},
        timeout=30,
    )
    assert removed.status_code == 204, removed.text
    uploaded = httpx.post(
        f"{server.base_url}/api/workshops/{workshops[0].id}/pictograms",
        headers={"Authorization": f"Bearer {workshops[0].facilitator_token}"},
        files={"file": ("photo.png", picture_png(), "image/png")},
        data={"label_fr": f"Le marché {mark}"[:60], "label_en": "The market", "category": "work"},
        timeout=30,
    )
    assert uploaded.status_code == 201, uploaded.text
    pictogram = uploaded.json()
    actions = _post(
        server,
        f"/api/workshops/{workshops[2].id}/boards",
        {"kind": "actions", "title": f"Plan d'actions {mark}"},
        workshops[2].facilitator_token,
    )
    links = [
        (workshops[0].id, neighbourhoods[0]),
        (workshops[1].id, neighbourhoods[1]),
        (workshops[2].id, None),
    ]
    questions = [new_id(), new_id()]
    exploration = [workshops[0].board_id, workshops[1].board_id]
    solutions: list[str] = []

    async def boards() -> None:
        solutions.append(await _fill_residents(workshops[0], exploration[0], mark, pictogram["ref"]))
        solutions.append(await _fill_residents(workshops[1], exploration[1], mark, None))

    _run(boards())
    # a heat-map cell of the workshop's own picture, in a neighbourhood (`fresque.api.work_questions`)
    heatmap = {
        "kind": "heatmap",
        "activity": pictogram["ref"],
        "severity": "bloque",
        "neighbourhood": neighbourhoods[0],
    }
    seeded = {"questions": questions, "exploration": exploration, "solutions": solutions, "heatmap": heatmap}
    responses = _run(_after_workshops(server, study_id, links, neighbourhoods, seeded, mark))
    # links across workshops need the workshops in the study, and the question its row: after both
    linked = list(zip(exploration, solutions, strict=True))
    _run(_fill_partners(workshops[2], str(actions["id"]), linked, questions[0], mark))
    return SeededStudy(
        id=study_id,
        mark=mark,
        neighbourhoods=neighbourhoods,
        workshops=workshops,
        exploration=exploration,
        actions_board=str(actions["id"]),
        solutions=solutions,
        questions=questions,
        pictogram=pictogram,
        responses=responses,
    )


def files_holding(folder: Path, needles: list[bytes]) -> list[str]:
    found = []
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            data = path.read_bytes()
            found += [f"{path.name}: {needle!r}" for needle in needles if needle in data]
    return found

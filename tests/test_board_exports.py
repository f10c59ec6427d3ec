"""What leaves a board, against a real `fresque serve` (SQLite and PostgreSQL): the CSV of an action fresco
checked against what stakeholders entered through real ops (formula cells defused, Arabic byte-exact, hidden
votes counted since only the facilitator has it), the exploration tables, the capabilities web as a PNG
(size, colours of the series, ETag), and the JSON export of an action fresco: schema, links with the
resident solution's words, and export → import → export equal."""

from __future__ import annotations

import copy
import csv
import io
import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from fresque.radar import SERIES_COLOURS
from jsonschema import Draft202012Validator
from PIL import Image
from support.client import BoardClient
from support.server import ServerProcess
from support.workshop import Workshop, new_item_id, solution

REPO = Path(__file__).resolve().parents[1]
ARABIC_TITLE = "ورشة رقمية للأمهات في الحي"
FORMULA = '=HYPERLINK("http://example.org";"cliquez")'


@pytest.fixture
def workshop(server: ServerProcess) -> Workshop:
    return Workshop.create(server)


def add_actions_board(workshop: Workshop, title: str = "Plan d'inclusion numérique 2025-2027") -> str:
    response = workshop.server.post(
        f"/api/workshops/{workshop.id}/boards",
        {"kind": "actions", "title": title},
        workshop.facilitator_token,
    )
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


async def ack(client: BoardClient, ops: list[dict[str, Any]]) -> dict[str, Any]:
    answer = await client.commit(ops)
    assert answer["type"] == "ack", answer
    return answer


class Plan:
    """An action fresco filled by a facilitator and a stakeholder, with a resident solution linked."""

    def __init__(self, workshop: Workshop) -> None:
        self.workshop = workshop
        self.board = add_actions_board(workshop)
        self.solution = new_item_id("sol")
        self.first = new_item_id("act")
        self.second = new_item_id("act")

    async def fill(self) -> None:
        w = self.workshop
        resident = w.client("Amina")  # on the residents' board: a solution to answer
        await resident.connect()
        await ack(resident, [solution(self.solution, text="Un atelier numérique le samedi matin")])
        await resident.close()

        fac, karim = w.client(board_id=self.board), w.client("Karim", board_id=self.board)
        amina = w.client("Amina", board_id=self.board)
        for c in (fac, karim, amina):
            await c.connect()
        await ack(fac, [{"op": "board.update", "timeline": {"start": "2025-01", "end": "2028-12"}}])
        await ack(
            fac,
            [
                {
                    "op": "action.create",
                    "id": self.first,
                    "lane": "create",
                    "start": "2025-02",  # snapped down to the quarter: 2025-01
                    "end": "2025-11",  # snapped up: 2025-12
                    "fiche": {"title": "Ateliers numériques au centre social"},
                    "links": [{"board": w.board_id, "item": self.solution}],
                },
                {"op": "list.add", "list": "organisations", "id": "amis-du-jas", "label": "Les Amis du Jas"},
            ],
        )
        await ack(
            karim,  # a stakeholder fills the fiche
            [
                {
                    "op": "action.update",
                    "id": self.first,
                    "set": {
                        "number": "A2.1",
                        "axis": "Accompagner les publics éloignés",
                        "findings": "Les seniors n'osent pas demander.\nLes démarches CAF bloquent.",
                        "general_objective": "Rendre autonomes les habitants dans leurs démarches",
                        "operational_objectives": ["Ouvrir 2 créneaux par semaine", "Former 4 bénévoles"],
                        "target_groups": ["seniors", "parents"],
                        "territory": ["Jas-de-Bouffan", "Encagnane"],
                        "lead": "ccas",
                        "partners": [
                            {"organisation": "caf", "role": "Cofinance"},
                            {"organisation": "amis-du-jas", "role": "Accueil des ateliers"},
                        ],
                        "human_means": "1 conseiller numérique, 4 bénévoles",
                        "material_means": "10 tablettes",
                        "budget": 50000,
                        "funding": [
                            {"source": "Ville", "amount": 20000, "state": "secured"},
                            {"source": "CAF", "amount": 15000, "state": "requested"},
                            {"source": "État (France Services)", "amount": 10000, "state": "planned"},
                        ],
                        "calendar": "Chaque mercredi hors vacances",
                        "priority": "high",
                        "indicators": [
                            {"kind": "output", "label": "Ateliers tenus", "target": "80", "source": "CCAS"}
                        ],
                        "risks": FORMULA,
                        "status": "validated",
                    },
                },
                {"op": "capability.set", "id": self.first, "series": "today", "axis": "rights", "level": 1},
                {"op": "capability.set", "id": self.first, "series": "today", "axis": "health", "level": 2},
                {
                    "op": "capability.set",
                    "id": self.first,
                    "series": "targeted",
                    "axis": "rights",
                    "level": 4,
                },
                {
                    "op": "capability.set",
                    "id": self.first,
                    "series": "targeted",
                    "axis": "health",
                    "level": 3,
                },
                {
                    "op": "milestone.add",
                    "id": self.first,
                    "milestone": "mile-000001",
                    "month": "2025-03",
                    "label": "Lancement",
                },
            ],
        )
        await ack(
            amina,
            [
                {
                    "op": "action.create",
                    "id": self.second,
                    "lane": "continue",
                    "start": "2025-04",
                    "end": "2026-06",
                    "fiche": {"title": ARABIC_TITLE, "territory": ["Jas-de-Bouffan"]},
                }
            ],
        )
        await ack(fac, [{"op": "board.update", "votes_hidden": True, "vote_budget": 3}])
        await ack(amina, [{"op": "vote.add", "item": self.first}, {"op": "vote.add", "item": self.first}])
        await ack(karim, [{"op": "vote.add", "item": self.second}])
        for c in (fac, karim, amina):
            await c.close()


def parse_csv(response: httpx.Response) -> list[dict[str, str]]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.content.startswith("\ufeff".encode())
    text = response.content.decode("utf-8").removeprefix("\ufeff")
    return list(csv.DictReader(io.StringIO(text, newline="")))


async def test_actions_csv_has_what_was_entered(workshop: Workshop) -> None:
    plan = Plan(workshop)
    await plan.fill()
    response = workshop.server.get(f"/api/boards/{plan.board}/export.csv", workshop.facilitator_token)
    assert response.headers["content-disposition"] == (
        'attachment; filename="fresque-plan-d-inclusion-numerique-2025-2027-actions.csv"'
    )
    rows = {row["id"]: row for row in parse_csv(response)}
    first, second = rows[plan.first], rows[plan.second]
    assert (first["number"], first["title"]) == ("A2.1", "Ateliers numériques au centre social")
    assert (first["lane"], first["lane_label"]) == ("create", "Nouvelle")
    assert (first["start"], first["end"]) == ("2025-01", "2025-12")  # snapped by the server
    assert (first["status"], first["priority"]) == ("validated", "high")
    assert first["lead"] == "CCAS"
    assert first["partners"] == "CAF (Cofinance) ; Les Amis du Jas (Accueil des ateliers)"
    assert first["target_groups"] == "Seniors ; Parents"
    assert first["territory"] == "Jas-de-Bouffan ; Encagnane"
    assert first["budget"] == "50000"
    assert first["funding_secured"] == "Ville: 20000"
    assert first["funding_requested"] == "CAF: 15000"
    assert first["funding_planned"] == "État (France Services): 10000"
    assert first["findings"] == "Les seniors n'osent pas demander.\nLes démarches CAF bloquent."
    assert first["operational_objectives"] == "Ouvrir 2 créneaux par semaine ; Former 4 bénévoles"
    assert first["milestones"] == "2025-03 Lancement"
    assert first["indicators"] == "output: Ateliers tenus → 80 (CCAS)"
    assert first["links"] == f"{workshop.board_id}/{plan.solution}"
    assert first["risks"] == "'" + FORMULA  # defused: a spreadsheet shows it as text
    assert (first["today:rights"], first["targeted:rights"], first["targeted:health"]) == ("1", "4", "3")
    assert first["today:work_training"] == ""  # not scored is not 0
    # Votes were hidden from participants; the export is the facilitator's, so it counts them all.
    assert (first["votes"], second["votes"]) == ("2", "1")
    assert (second["lane_label"], second["start"], second["end"]) == ("À poursuivre", "2025-04", "2026-06")
    # Arabic comes out byte for byte in UTF-8.
    assert ARABIC_TITLE.encode() in response.content
    assert second["title"] == ARABIC_TITLE

    english = workshop.server.get(f"/api/boards/{plan.board}/export.csv?lang=en", workshop.facilitator_token)
    assert {r["id"]: r["lane_label"] for r in parse_csv(english)} == {
        plan.first: "New",
        plan.second: "To continue",
    }
    semicolons = workshop.server.get(
        f"/api/boards/{plan.board}/export.csv?sep=semicolon", workshop.facilitator_token
    )
    assert semicolons.content.decode().splitlines()[0].startswith("\ufeffid;number;title;lane;")

    # Only the workshop's facilitator may have it (as the JSON export); other workshops never.
    assert (
        workshop.server.get(f"/api/boards/{plan.board}/export.csv", workshop.token("Amina")).json()["error"]
        == "facilitator_only"
    )
    other = Workshop.create(workshop.server, residents=())
    refused = workshop.server.get(f"/api/boards/{plan.board}/export.csv", other.facilitator_token)
    assert (refused.status_code, refused.json()["error"]) == (403, "not_your_workshop")
    assert (
        workshop.server.get(
            f"/api/boards/{plan.board}/export.csv?lang=de", workshop.facilitator_token
        ).status_code
        == 422
    )


async def test_exploration_csv_takes_a_table(workshop: Workshop) -> None:
    amina = workshop.client("Amina")
    await amina.connect()
    sol = new_item_id("sol")
    await ack(amina, [solution(sol, text="@SUM(A1:A9) une aide le soir")])
    await amina.close()
    url = f"/api/boards/{workshop.board_id}/export.csv"
    missing = workshop.server.get(url, workshop.facilitator_token)
    assert (missing.status_code, missing.json()["error"]) == (422, "unknown_table")
    tables = missing.json()["tables"]
    assert tables == [
        "activities",
        "difficulties",
        "touchpoints",
        "solutions",
        "notes",
        "threads",
        "votes",
        "participants",
    ]
    assert "solutions" in missing.json()["message"]
    unknown = workshop.server.get(f"{url}?table=items", workshop.facilitator_token)
    assert (unknown.status_code, unknown.json()["tables"]) == (422, tables)
    response = workshop.server.get(f"{url}?table=solutions", workshop.facilitator_token)
    assert (
        'filename="fresque-atelier-jas-de-bouffan-solutions.csv"' in response.headers["content-disposition"]
    )
    rows = parse_csv(response)
    assert [(r["id"], r["author"], r["text"]) for r in rows] == [
        (sol, "Amina", "'@SUM(A1:A9) une aide le soir")
    ]
    people = parse_csv(workshop.server.get(f"{url}?table=participants", workshop.facilitator_token))
    assert {p["alias"] for p in people} == {"Animation", "Amina", "Karim"}


def colour_near(pixel: tuple[int, ...], colour: tuple[int, int, int], tolerance: int = 40) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(pixel[:3], colour, strict=True))


async def test_the_capabilities_web_as_a_png(workshop: Workshop) -> None:
    plan = Plan(workshop)
    await plan.fill()
    url = f"/api/boards/{plan.board}/actions/{plan.first}/radar.png"
    # Any session of the workshop may have it: a stakeholder prints their fiche.
    response = workshop.server.get(f"{url}?size=400", workshop.token("Amina"))
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "image/png"
    assert response.content.startswith(b"\x89PNG\r\n\x1a\n")
    image = Image.open(io.BytesIO(response.content)).convert("RGB")
    assert image.size == (400, 400)
    colours = {c for _, c in image.getcolors(400 * 400) or []}
    for series in SERIES_COLOURS[:2]:  # today and targeted, each drawn in its colour
        assert any(colour_near(c, series, 8) for c in colours), series
    # targeted reaches level 4 on the first axis (up): its colour sits at the top of the web
    cx, top = 200, round(400 * 0.45 - 400 * 0.29)
    assert colour_near(image.getpixel((cx, top)), SERIES_COLOURS[1])
    default = workshop.server.get(url, workshop.token("Amina"))
    assert Image.open(io.BytesIO(default.content)).size == (600, 600)

    etag = response.headers["etag"]
    again = httpx.get(
        f"{workshop.server.base_url}{url}?size=400",
        headers={"Authorization": f"Bearer {workshop.token('Amina')}", "If-None-Match": etag},
    )
    assert (again.status_code, again.content) == (304, b"")
    fac = workshop.client(board_id=plan.board)
    await fac.connect()
    await ack(
        fac, [{"op": "capability.set", "id": plan.first, "series": "today", "axis": "rights", "level": 3}]
    )
    await fac.close()
    changed = httpx.get(
        f"{workshop.server.base_url}{url}?size=400",
        headers={"Authorization": f"Bearer {workshop.token('Amina')}", "If-None-Match": etag},
    )
    assert changed.status_code == 200 and changed.headers["etag"] != etag

    for size in ("100", "1601", "big"):
        assert workshop.server.get(f"{url}?size={size}", workshop.token("Amina")).status_code == 422
    missing = workshop.server.get(
        f"/api/boards/{plan.board}/actions/act-none00/radar.png", workshop.token("Amina")
    )
    assert (missing.status_code, missing.json()["error"]) == (404, "action_not_found")
    wrong_kind = workshop.server.get(
        f"/api/boards/{workshop.board_id}/actions/{plan.first}/radar.png", workshop.token("Amina")
    )
    assert (wrong_kind.status_code, wrong_kind.json()["error"]) == (409, "not_an_actions_board")
    other = Workshop.create(workshop.server, residents=())
    assert workshop.server.get(url, other.facilitator_token).status_code == 403
    assert workshop.server.get(url).status_code == 401


def comparable(document: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(document)
    out.pop("exported_at")
    out["board"].pop("id")
    out["board"].pop("seq")
    return out


async def test_actions_json_export_round_trips(workshop: Workshop) -> None:
    plan = Plan(workshop)
    await plan.fill()
    first = workshop.export(plan.board)
    schema = json.loads((REPO / "docs" / "export.schema.json").read_text())
    Draft202012Validator(schema).validate(first)
    assert first["board"]["kind"] == "actions"
    assert first["settings"]["votes_hidden"] is True
    assert first["settings"]["timeline"]["scale"] == "quarter"
    assert {"id": "amis-du-jas", "label": "Les Amis du Jas"} in first["settings"]["organisations"]
    actions = {a["id"]: a for a in first["actions"]}
    one = actions[plan.first]
    assert one["fiche"]["funding"][0] == {"source": "Ville", "amount": 20000, "state": "secured"}
    assert one["fiche"]["risks"] == FORMULA  # JSON keeps text as it was typed
    assert one["capabilities"] == {
        "targeted": {"health": 3, "rights": 4},
        "today": {"health": 2, "rights": 1},
    }
    assert one["milestones"] == [{"id": "mile-000001", "month": "2025-03", "label": "Lancement"}]
    assert one["links"] == [
        {
            "board": workshop.board_id,
            "item": plan.solution,
            "board_title": "Atelier Jas-de-Bouffan",
            "label": "Un atelier numérique le samedi matin",
        }
    ]
    assert actions[plan.second]["fiche"]["title"] == ARABIC_TITLE
    assert first["votes"]["totals"] == sorted(
        [{"item": plan.first, "count": 2}, {"item": plan.second, "count": 1}], key=lambda t: t["item"]
    )
    assert {p["alias"] for p in first["participants"]} == {"Animation", "Amina", "Karim"}

    # The whole workshop's export carries it too, beside the residents' board.
    whole = workshop.server.get(f"/api/workshops/{workshop.id}/export", workshop.facilitator_token)
    assert whole.status_code == 200, whole.text
    kinds = {b["board"]["id"]: b["board"]["kind"] for b in whole.json()["boards"]}
    assert kinds == {workshop.board_id: "exploration", plan.board: "actions"}

    imported = workshop.server.post("/api/boards/import", first, workshop.facilitator_token)
    assert imported.status_code == 201, imported.text
    assert imported.json()["kind"] == "actions"
    second = workshop.export(imported.json()["id"])
    assert comparable(second) == comparable(first)

    # The imported board is live: a stakeholder keeps working on it, and its rules hold.
    karim = workshop.client("Karim", board_id=imported.json()["id"])
    await karim.connect()
    await ack(karim, [{"op": "action.move", "id": plan.first, "lane": "reinforce"}])
    refused = await karim.commit(
        [{"op": "action.resize", "id": plan.first, "edge": "start", "month": "2025-06"}]
    )
    assert refused["code"] == "milestone_outside"
    await karim.close()

    # Into another workshop: participants come along, the links to this workshop's residents do not.
    other = Workshop.create(workshop.server, residents=())
    elsewhere = workshop.server.post("/api/boards/import", first, other.facilitator_token)
    assert elsewhere.status_code == 201, elsewhere.text
    moved = other.export(elsewhere.json()["id"])
    assert all(a["links"] == [] for a in moved["actions"])
    assert {a["fiche"]["title"] for a in moved["actions"]} == {a["fiche"]["title"] for a in first["actions"]}

    # A document the rules refuse is refused whole, with the rule's code.
    broken = copy.deepcopy(first)
    broken["actions"][0]["start"] = "2025-02"  # not a quarter's first month
    refused_import = workshop.server.post("/api/boards/import", broken, workshop.facilitator_token)
    assert (refused_import.status_code, refused_import.json()["error"]) == (422, "action_not_snapped")
    unknown = copy.deepcopy(first)
    unknown["actions"][0]["fiche"]["colour"] = "red"
    refused_import = workshop.server.post("/api/boards/import", unknown, workshop.facilitator_token)
    assert (refused_import.status_code, refused_import.json()["error"]) == (422, "invalid_document")

"""CSV tables of boards (`fresque.csv_export`): a real exploration export and a real actions board, read back
through `csv.reader` and checked against what was entered."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from fresque.catalogue import Catalogue, load_catalogue
from fresque.core.action_settings import default_settings
from fresque.core.actions import ActionBoard
from fresque.core.board import Board, Cell, Item, Settings, Thread
from fresque.core.choices import Choice
from fresque.csv_export import (
    ACTION_COLUMNS,
    BOM,
    EXPLORATION_COLUMNS,
    action_columns,
    action_rows,
    defuse,
    exploration_tables,
    to_csv,
)
from fresque.export import ExportDocument, build_export

ARABIC = "لا أستطيع الدخول إلى حسابي"
EMOJI = "Le bus 🚌 ne passe plus 😞"
MULTILINE = 'Première ligne\nDeuxième, avec virgule; et "guillemets"'


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return load_catalogue()


PARTICIPANTS: list[dict[str, Any]] = [
    {"id": "p-fati", "alias": "Fatima", "role": "participant", "colour": "teal", "language": "ar",
     "neighbourhood": "Encagnane", "age_band": "41_60", "fragility": "N2", "consent": True, "host": None,
     "removed": False},
    {"id": "p-anim", "alias": "Animatrice", "role": "facilitator", "colour": "orange", "host": None,
     "removed": False},
    {"id": "p-paper", "alias": "=Jean 😀", "role": "participant", "colour": "blue", "host": "p-anim",
     "removed": True},
]  # fmt: skip


@pytest.fixture(scope="module")
def document(catalogue: Catalogue) -> dict[str, Any]:
    refs = {kind: catalogue.ids(kind) for kind in ("activity", "difficulty", "touchpoint", "solution")}
    board = Board(Settings(title="Atelier Encagnane", vote_budget=3), refs)
    add = board.create_item
    add(Item("act-0001", "activity", "p-fati", 120.0, -40.5, ref="go-to-work", cell=Cell("mon", "morning")))
    add(Item("act-0002", "activity", "p-paper", 10.0, 20.0, ref="go-to-work", cell=Cell("weekend")))
    add(
        Item("dif-0001", "difficulty", "p-fati", 300.0, 40.0, ref="equipment", severity="bloque", text=ARABIC)
    )
    add(Item("dif-0002", "difficulty", "p-paper", 310.0, 50.0, ref="equipment", severity="ok", text="=1+2"))
    add(Item("tch-0001", "touchpoint", "p-fati", 200.0, 40.0, ref="caf", text=EMOJI))
    add(Item("sol-0001", "solution", "p-fati", 500.0, 40.0, ref="digital-help-desk", text=MULTILINE))
    add(Item("sol-0002", "solution", "p-anim", 520.0, 60.0, text="@SUM(A1) cours du soir"))
    add(Item("not-0001", "note", "p-anim", 0.0, 0.0, text="\tPenser au bus"))
    board.hide_item("act-0002", True)
    board.create_thread(Thread("thr-0001", "act-0001", "dif-0001", "p-fati"))
    board.create_thread(Thread("thr-0002", "dif-0001", "sol-0002", "p-anim"))
    board.create_thread(Thread("thr-0003", "tch-0001", "sol-0001", "p-fati"))
    for who, item in (("p-fati", "sol-0001"), ("p-fati", "sol-0001"), ("p-fati", "sol-0002")):
        board.add_vote(who, item)
    board.add_vote("p-paper", "sol-0001")
    doc = build_export(
        board=board,
        board_info={"id": "board-1", "kind": "exploration", "title": "Atelier Encagnane", "seq": 12},
        workshop={"id": "ws-1", "title": "Inclusion numérique", "neighbourhood": "Encagnane", "date": None},
        participants=PARTICIPANTS,
        catalogue=catalogue,
    )
    ExportDocument.model_validate(doc)  # a real, valid export document
    return doc


def read(text: str) -> list[list[str]]:
    assert text.startswith(BOM)
    return list(csv.reader(io.StringIO(text[len(BOM) :], newline="")))


def round_trip(rows: list[dict[str, str]], columns: Any) -> list[dict[str, str]]:
    """Rows through `to_csv`, encoded as UTF-8 bytes and read back as `csv.reader` would from the file."""
    data = to_csv(rows, columns).encode("utf-8")
    assert data.startswith(b"\xef\xbb\xbf")
    header, *body = read(data.decode("utf-8"))
    assert header == list(columns)
    return [dict(zip(header, line, strict=True)) for line in body]


# -- exploration boards -------------------------------------------------------------------------------------


def test_every_table_has_its_columns(document: dict[str, Any]) -> None:
    tables = exploration_tables(document)
    assert list(tables) == list(EXPLORATION_COLUMNS)
    for name, rows in tables.items():
        for row in rows:
            assert list(row) == list(EXPLORATION_COLUMNS[name]), name
    assert [len(tables[n]) for n in EXPLORATION_COLUMNS] == [2, 2, 1, 2, 1, 3, 3, 3]


def test_activities_rows(document: dict[str, Any], catalogue: Catalogue) -> None:
    entry = catalogue.get("go-to-work")
    assert entry is not None
    rows = round_trip(exploration_tables(document)["activities"], EXPLORATION_COLUMNS["activities"])
    assert rows[0] == {
        "id": "act-0001",
        "author": "Fatima",
        "author_id": "p-fati",
        "ref": "go-to-work",
        "picture": entry.picture,
        "label_fr": "Aller au travail",
        "label_en": entry.labels["en"],
        "label_ar": entry.labels["ar"],
        "day": "mon",
        "slot": "morning",
        "x": "120",
        "y": "-40",  # rounded (-40.5 on the board); a plain negative number is not defused
        "hidden": "false",
        "round": "",
    }
    assert rows[1]["author"] == "'=Jean 😀"  # an alias is text too: defused
    assert (rows[1]["day"], rows[1]["slot"], rows[1]["hidden"]) == ("weekend", "", "true")


def test_difficulties_touchpoints_solutions_notes(document: dict[str, Any], catalogue: Catalogue) -> None:
    tables = exploration_tables(document)
    difficulties = round_trip(tables["difficulties"], EXPLORATION_COLUMNS["difficulties"])
    equipment = catalogue.get("equipment")
    assert equipment is not None
    assert difficulties[0]["text"] == ARABIC
    assert (difficulties[0]["severity"], difficulties[0]["label_ar"]) == ("bloque", equipment.labels["ar"])
    assert difficulties[1]["text"] == "'=1+2"
    assert tables["difficulties"][1]["text"] == "=1+2"  # the guard is the file's, not the table's

    [touchpoint] = round_trip(tables["touchpoints"], EXPLORATION_COLUMNS["touchpoints"])
    assert (touchpoint["ref"], touchpoint["label_fr"], touchpoint["text"]) == ("caf", "CAF", EMOJI)

    solutions = round_trip(tables["solutions"], EXPLORATION_COLUMNS["solutions"])
    assert [(s["id"], s["votes"]) for s in solutions] == [("sol-0001", "3"), ("sol-0002", "1")]
    assert solutions[0]["text"] == MULTILINE
    assert solutions[0]["label_fr"] == "Permanence numérique"
    assert (solutions[1]["ref"], solutions[1]["label_fr"]) == ("", "")  # a free-text solution
    assert solutions[1]["text"] == "'@SUM(A1) cours du soir"

    [note] = round_trip(tables["notes"], EXPLORATION_COLUMNS["notes"])
    assert (note["author"], note["text"], note["x"]) == ("Animatrice", "'\tPenser au bus", "0")


def test_threads_votes_participants(document: dict[str, Any]) -> None:
    tables = exploration_tables(document)
    threads = round_trip(tables["threads"], EXPLORATION_COLUMNS["threads"])
    assert [(t["source"], t["source_kind"], t["target"], t["target_kind"]) for t in threads] == [
        ("act-0001", "activity", "dif-0001", "difficulty"),
        ("dif-0001", "difficulty", "sol-0002", "solution"),
        ("tch-0001", "touchpoint", "sol-0001", "solution"),
    ]
    assert (threads[0]["source_label_fr"], threads[0]["target_label_fr"]) == (
        "Aller au travail",
        "Pas d'appareil, en panne",
    )
    assert threads[1]["target_label_fr"] == "'@SUM(A1) cours du soir"  # no catalogue label: the text
    assert threads[1]["author"] == "Animatrice"

    votes = round_trip(tables["votes"], EXPLORATION_COLUMNS["votes"])
    assert sorted((v["participant"], v["item"], v["count"]) for v in votes) == [
        ("'=Jean 😀", "sol-0001", "1"),
        ("Fatima", "sol-0001", "2"),
        ("Fatima", "sol-0002", "1"),
    ]
    assert {v["item_label_fr"] for v in votes if v["item"] == "sol-0001"} == {"Permanence numérique"}

    people = round_trip(tables["participants"], EXPLORATION_COLUMNS["participants"])
    assert people[0] == {
        "id": "p-fati",
        "alias": "Fatima",
        "role": "participant",
        "colour": "teal",
        "language": "ar",
        "neighbourhood": "Encagnane",
        "age_band": "41_60",
        "fragility": "N2",
        "consent": "true",
        "host": "",
        "host_id": "",
        "removed": "false",
    }
    assert (people[1]["language"], people[1]["consent"]) == ("", "")  # no profile given
    assert (people[2]["host"], people[2]["removed"]) == ("Animatrice", "true")


# -- actions boards -----------------------------------------------------------------------------------------


@pytest.fixture
def snapshot() -> dict[str, Any]:
    board = ActionBoard(default_settings("Schéma d'inclusion numérique"))
    board.update_settings(
        lanes=[Choice("continue"), Choice("reinforce"), Choice("create", "Nouvelle action ✨")],
        organisations=[Choice("ccas"), Choice("caf"), Choice("asso-jas", "جمعية الجاس")],
        target_groups=[Choice("seniors"), Choice("parents", "Parents d'élèves")],
    )
    board.create_action(
        "act-plan-01",
        author="p-anim",
        lane="create",
        start="2025-02",
        end="2025-11",
        fiche={
            "title": "Permanence numérique au centre social",
            "number": "A2.1",
            "axis": "Accès aux droits",
            "findings": MULTILINE,
            "general_objective": ARABIC,
            "operational_objectives": ["Ouvrir 2 créneaux", "Former 3 bénévoles"],
            "target_groups": ["seniors", "parents"],
            "territory": ["Encagnane", "Jas de Bouffan"],
            "lead": "ccas",
            "partners": [{"organisation": "caf", "role": "Cofinance"}, {"organisation": "asso-jas"}],
            "human_means": "1 médiateur",
            "material_means": "-3 ordinateurs à recycler",
            "budget": 50000,
            "funding": [
                {"source": "Ville", "amount": 20000, "state": "secured"},
                {"source": "CAF", "amount": 15000, "state": "requested"},
                {"source": "Région", "amount": 10000},
            ],
            "calendar": "Tous les mercredis",
            "priority": "high",
            "indicators": [
                {"kind": "output", "label": "Personnes reçues", "target": "300", "source": "CCAS"},
                {"kind": "result", "label": "Démarches abouties"},
            ],
            "risks": EMOJI,
            "status": "validated",
        },
    )
    board.add_milestone("act-plan-01", "mile-0001", "2025-03", "Lancement")
    board.add_milestone("act-plan-01", "mile-0002", "2025-09", "Bilan")
    board.set_capability("act-plan-01", "today", "rights", 1)
    board.set_capability("act-plan-01", "targeted", "rights", 4)
    board.set_capability("act-plan-01", "targeted", "health", 0)
    board.add_link("act-plan-01", "board-1", "sol-0001")
    board.create_action(
        "act-plan-00",
        author="p-fati",
        lane="continue",
        start="2024-01",
        end="2024-03",
        fiche={"title": "Bus"},
    )
    return board.to_snapshot()


def test_action_columns_follow_series_and_axes(snapshot: dict[str, Any]) -> None:
    columns = action_columns(snapshot)
    assert columns[: len(ACTION_COLUMNS)] == list(ACTION_COLUMNS)
    caps = columns[len(ACTION_COLUMNS) :]
    assert len(caps) == 2 * 10
    assert caps[:2] == ["today:rights", "today:work_training"]
    assert caps[10] == "targeted:rights"


def test_one_row_per_action_every_field(snapshot: dict[str, Any]) -> None:
    words = {"actions.lane.continue": "À poursuivre", "actions.organisation.ccas": "CCAS"}
    rows = round_trip(action_rows(snapshot, words), action_columns(snapshot))
    assert [r["id"] for r in rows] == ["act-plan-00", "act-plan-01"]
    bus, plan = rows
    assert (bus["lane"], bus["lane_label"], bus["start"], bus["end"]) == (
        "continue",
        "À poursuivre",
        "2024-01",
        "2024-03",
    )
    assert (bus["status"], bus["priority"], bus["budget"], bus["partners"], bus["today:rights"]) == (
        "draft",
        "",
        "",
        "",
        "",
    )
    expected = {
        "id": "act-plan-01",
        "number": "A2.1",
        "title": "Permanence numérique au centre social",
        "lane": "create",
        "lane_label": "Nouvelle action ✨",
        "start": "2025-01",  # snapped down to its quarter
        "end": "2025-12",  # snapped up
        "status": "validated",
        "priority": "high",
        "axis": "Accès aux droits",
        "lead": "CCAS",
        "partners": "caf (Cofinance) ; جمعية الجاس",  # no translation given: the id; no role: the name
        "target_groups": "seniors ; Parents d'élèves",
        "territory": "Encagnane ; Jas de Bouffan",
        "budget": "50000",
        "funding_planned": "Région: 10000",
        "funding_requested": "CAF: 15000",
        "funding_secured": "Ville: 20000",
        "general_objective": ARABIC,
        "operational_objectives": "Ouvrir 2 créneaux ; Former 3 bénévoles",
        "findings": MULTILINE,
        "human_means": "1 médiateur",
        "material_means": "'-3 ordinateurs à recycler",
        "calendar": "Tous les mercredis",
        "milestones": "2025-03 Lancement ; 2025-09 Bilan",
        "indicators": "output: Personnes reçues → 300 (CCAS) ; result: Démarches abouties",
        "risks": EMOJI,
        "links": "board-1/sol-0001",
    }
    assert {k: plan[k] for k in ACTION_COLUMNS} == expected
    assert (plan["today:rights"], plan["targeted:rights"], plan["targeted:health"]) == ("1", "4", "0")
    assert plan["today:health"] == ""  # not scored is not 0


def test_default_labels_come_from_the_french_catalogue(snapshot: dict[str, Any]) -> None:
    [bus, _] = action_rows(snapshot)
    # Whatever the French page catalogue says, else the id: never the raw translation key.
    assert bus["lane_label"] and not bus["lane_label"].startswith("actions.")


# -- the file -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+33 6 12", "'+33 6 12"),
        ("-1+cmd|' /C calc'!A0", "'-1+cmd|' /C calc'!A0"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("-12.5", "-12.5"),
        ("+3", "+3"),
        ("a=b", "a=b"),
        ("", ""),
        ("'déjà", "'déjà"),
    ],
)
def test_formula_injection_guard(value: str, shown: str) -> None:
    assert defuse(value) == shown
    assert round_trip([{"c": value}], ["c"]) == [{"c": shown}]


def test_bom_line_ends_and_quoting() -> None:
    rows = [{"a": "x,y", "b": 'dit "bonjour"', "c": "l1\nl2"}, {"a": ARABIC, "b": "b;c"}]
    text = to_csv(rows, ["a", "b", "c"])
    data = text.encode("utf-8")
    assert data[:3] == b"\xef\xbb\xbf"
    assert text == BOM + 'a,b,c\r\n"x,y","dit ""bonjour""","l1\nl2"\r\n' + ARABIC + ",b;c,\r\n"
    assert read(data.decode("utf-8")) == [
        ["a", "b", "c"],
        ["x,y", 'dit "bonjour"', "l1\nl2"],
        [ARABIC, "b;c", ""],
    ]
    assert ARABIC.encode("utf-8") in data  # byte-exact, not escaped


def test_semicolon_separator_on_request() -> None:
    text = to_csv([{"a": "1;2", "b": "x,y"}], ["a", "b"], delimiter=";")
    assert text == BOM + 'a;b\r\n"1;2";x,y\r\n'
    with pytest.raises(ValueError):
        to_csv([], ["a"], delimiter="\t")


def test_whole_exploration_table_round_trips(document: dict[str, Any]) -> None:
    for name, rows in exploration_tables(document).items():
        back = round_trip(rows, EXPLORATION_COLUMNS[name])
        assert back == [{k: defuse(v) for k, v in row.items()} for row in rows]


def test_coordinates_are_whole_in_csv_and_exact_in_the_json_export(catalogue: Catalogue) -> None:
    """A dragged card sits at 760.000058662765: the spreadsheet gets 760 (whole units also read the same
    with a French decimal comma), the JSON export keeps every digit."""
    refs = {kind: catalogue.ids(kind) for kind in ("activity", "difficulty", "touchpoint", "solution")}
    board = Board(Settings(title="Atelier", vote_budget=3), refs)
    board.create_item(Item("act-1", "activity", "p-fati", 760.000058662765, 12.75, ref="go-to-work"))
    board.create_item(Item("not-1", "note", "p-fati", -3.4999, 1e-9, text="Bus"))
    doc = build_export(
        board=board,
        board_info={"id": "b", "kind": "exploration", "title": "Atelier", "seq": 2},
        workshop={"id": "w", "title": "Atelier", "neighbourhood": None, "date": None},
        participants=PARTICIPANTS,
        catalogue=catalogue,
    )
    tables = exploration_tables(doc)
    [activity] = round_trip(tables["activities"], EXPLORATION_COLUMNS["activities"])
    [note] = round_trip(tables["notes"], EXPLORATION_COLUMNS["notes"])
    assert (activity["x"], activity["y"]) == ("760", "13")
    assert (note["x"], note["y"]) == ("-3", "0")
    exact = {item["id"]: (item["x"], item["y"]) for item in doc["items"]}
    assert exact["act-1"] == (760.000058662765, 12.75)

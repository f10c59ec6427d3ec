"""The action fresco's rules (`fresque.core.actions`), one at a time: dates and snapping, lanes, moves and
resizes, the fiche action's fields, the capabilities web, milestones, links, batches and snapshots.

Pure rules only: no server, protocol or database (the wire ops come with the server room for kind `actions`).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from fresque.core.action_settings import default_settings
from fresque.core.actions import ActionBoard, ActionLimits
from fresque.core.choices import DEFAULT_AXES, DEFAULT_LANES, Choice, label_key
from fresque.core.errors import RuleError
from fresque.core.fiche import FICHE_FIELDS, LIST_LIMITS, TEXT_LIMITS
from fresque.core.timeline import (
    MAX_TIMELINE_MONTHS,
    format_month,
    is_snapped,
    months_between,
    parse_month,
    periods,
    snap,
    snap_end,
    span_months,
)
from hypothesis import given, settings
from hypothesis import strategies as st

REPO = Path(__file__).resolve().parents[1]


def M(value: str) -> int:
    return parse_month(value)


def new_board(scale: str = "quarter", start: str = "2024-01", end: str = "2027-12") -> ActionBoard:
    board = ActionBoard(default_settings("Schéma d'inclusion numérique"))
    if (scale, start, end) != ("quarter", "2024-01", "2027-12"):
        board.update_settings(scale=scale, start=start, end=end)
    return board


def add(
    board: ActionBoard,
    action_id: str = "action-1",
    lane: str = "create",
    start: str = "2024-04",
    end: str = "2024-12",
    **fiche: Any,
) -> None:
    board.create_action(
        action_id, author="alice", lane=lane, start=start, end=end, fiche={"title": "Aidants", **fiche}
    )


def refused(call: Any, *args: Any, **kwargs: Any) -> str:
    with pytest.raises(RuleError) as info:
        call(*args, **kwargs)
    return info.value.code


def span(board: ActionBoard, action_id: str = "action-1") -> tuple[str, str]:
    action = board.actions[action_id]
    return format_month(action.start), format_month(action.end)


# -- year-months and snapping ------------------------------------------------------------------------------


def test_parse_and_format_round_trip() -> None:
    assert parse_month("2024-01") == 2024 * 12
    assert format_month(parse_month("2027-12")) == "2027-12"
    assert months_between(M("2024-01"), M("2025-03")) == 14
    assert months_between(M("2025-03"), M("2024-01")) == -14
    assert span_months(M("2024-01"), M("2024-12")) == 12


@pytest.mark.parametrize(
    "value",
    ["2024-1", "2024-13", "2024-00", "24-01", "1999-12", "2100-01", "2024/01", "", None, 202401, " 2024-01"],
)
def test_invalid_months(value: Any) -> None:
    assert refused(parse_month, value) == "invalid_month"


@pytest.mark.parametrize(
    ("scale", "month", "start", "end"),
    [
        ("month", "2024-05", "2024-05", "2024-05"),
        ("quarter", "2024-01", "2024-01", "2024-03"),
        ("quarter", "2024-03", "2024-01", "2024-03"),
        ("quarter", "2024-05", "2024-04", "2024-06"),
        ("quarter", "2024-07", "2024-07", "2024-09"),
        ("quarter", "2024-12", "2024-10", "2024-12"),
        ("semester", "2024-01", "2024-01", "2024-06"),
        ("semester", "2024-06", "2024-01", "2024-06"),
        ("semester", "2024-07", "2024-07", "2024-12"),
        ("semester", "2024-12", "2024-07", "2024-12"),
    ],
)
def test_snap_each_scale(scale: Any, month: str, start: str, end: str) -> None:
    assert format_month(snap(M(month), scale)) == start
    assert format_month(snap_end(M(month), scale)) == end
    assert is_snapped(M(start), M(end), scale)


def test_quarters_start_in_jan_apr_jul_oct_and_semesters_in_jan_jul() -> None:
    starts = {format_month(snap(m, "quarter"))[5:] for m in range(M("2024-01"), M("2025-12") + 1)}
    assert starts == {"01", "04", "07", "10"}
    starts = {format_month(snap(m, "semester"))[5:] for m in range(M("2024-01"), M("2025-12") + 1)}
    assert starts == {"01", "07"}


def test_periods_are_the_timeline_ticks() -> None:
    assert [format_month(m) for m in periods(M("2024-01"), M("2024-12"), "quarter")] == [
        "2024-01",
        "2024-04",
        "2024-07",
        "2024-10",
    ]
    assert len(periods(M("2024-01"), M("2027-12"), "month")) == 48
    assert len(periods(M("2024-01"), M("2027-12"), "semester")) == 8


# -- the timeline ------------------------------------------------------------------------------------------


def test_default_board() -> None:
    board = new_board()
    snapshot = board.to_snapshot()
    assert snapshot["settings"]["timeline"] == {"start": "2024-01", "end": "2027-12", "scale": "quarter"}
    assert [c["id"] for c in snapshot["settings"]["lanes"]] == ["continue", "reinforce", "create"]
    assert len(snapshot["settings"]["axes"]) == 10
    assert [c["id"] for c in snapshot["settings"]["series"]] == ["today", "targeted"]
    assert all(c["label"] is None for c in snapshot["settings"]["lanes"])  # translated by key
    assert label_key("lane", "continue") == "actions.lane.continue"
    assert snapshot["actions"] == [] and snapshot["deleted"] == []


def test_timeline_bounds_snap_outward_to_the_scale() -> None:
    board = new_board()
    board.update_settings(start="2024-02", end="2026-05")
    assert (format_month(board.settings.start), format_month(board.settings.end)) == ("2024-01", "2026-06")
    board.update_settings(scale="semester")
    assert format_month(board.settings.end) == "2026-06"
    board.update_settings(end="2026-08")
    assert format_month(board.settings.end) == "2026-12"


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"start": "2028-01"}, "invalid_timeline"),  # after the end
        ({"start": "2024-01", "end": "2024-01", "scale": "month"}, "invalid_timeline"),  # end after start
        ({"end": "2039-01"}, "invalid_timeline"),  # more than 15 years
        ({"end": "2024-13"}, "invalid_month"),
        ({"scale": "week"}, "invalid_scale"),
        ({"title": " "}, "text_required"),
        ({"title": "x" * 201}, "text_too_long"),
    ],
)
def test_invalid_timeline(changes: dict[str, Any], code: str) -> None:
    board = new_board()
    before = board.to_snapshot()
    assert refused(board.update_settings, **changes) == code
    assert board.to_snapshot() == before


def test_fifteen_years_is_the_limit() -> None:
    board = new_board(scale="month", start="2024-01", end="2038-12")
    assert span_months(board.settings.start, board.settings.end) == MAX_TIMELINE_MONTHS


def test_the_timeline_cannot_cut_an_action() -> None:
    board = new_board()
    add(board, start="2027-01", end="2027-12")
    assert refused(board.update_settings, end="2027-06") == "timeline_cuts_actions"
    assert refused(board.update_settings, start="2027-04") == "timeline_cuts_actions"
    board.update_settings(start="2027-01")
    assert format_month(board.settings.start) == "2027-01"


def test_a_new_scale_snaps_every_card_outward() -> None:
    board = new_board(scale="month")
    add(board, start="2024-02", end="2024-08")
    board.add_milestone("action-1", "mile-01", "2024-02", "Lancement")
    board.update_settings(scale="semester")
    assert span(board) == ("2024-01", "2024-12")
    board.update_settings(scale="month")  # finer: nothing to snap, the card keeps its span
    assert span(board) == ("2024-01", "2024-12")


# -- lanes -------------------------------------------------------------------------------------------------


def test_lanes_are_configurable() -> None:
    board = new_board()
    board.update_settings(lanes=[*DEFAULT_LANES, Choice("pilot", "Expérimentation")])
    add(board, lane="pilot")
    assert board.actions["action-1"].lane == "pilot"
    assert refused(add, board, "action-2", lane="elsewhere") == "unknown_lane"


@pytest.mark.parametrize(
    "lanes",
    [
        [],
        [Choice(f"lane{n}") for n in range(7)],
        [Choice("a"), Choice("a")],
        [Choice("Upper")],
        [Choice("x" * 41)],
        [Choice("ok", "")],
        [Choice("ok", "x" * 81)],
        [Choice("ok", "nul\x00")],
    ],
)
def test_invalid_lanes(lanes: list[Choice]) -> None:
    assert refused(new_board().update_settings, lanes=lanes) == "invalid_lanes"


def test_a_lane_with_cards_cannot_go() -> None:
    board = new_board()
    add(board, lane="reinforce")
    assert refused(board.update_settings, lanes=[Choice("continue"), Choice("create")]) == "lane_in_use"
    board.update_settings(lanes=[Choice("reinforce", "Renforcer")])  # relabelled, still there
    assert board.settings.lanes == (Choice("reinforce", "Renforcer"),)


# -- creating, moving, resizing ----------------------------------------------------------------------------


def test_create_snaps_its_dates() -> None:
    board = new_board()
    add(board, start="2024-05", end="2024-11")
    assert span(board) == ("2024-04", "2024-12")
    action = board.actions["action-1"]
    assert action.author == "alice" and action.fiche.status == "draft" and action.fiche.title == "Aidants"


@pytest.mark.parametrize(
    ("start", "end", "code"),
    [
        ("2024-07", "2024-03", "action_dates_order"),
        ("2023-10", "2024-03", "action_outside_timeline"),
        ("2027-10", "2028-01", "action_outside_timeline"),
        ("2024-7", "2024-12", "invalid_month"),
    ],
)
def test_create_refused_dates(start: str, end: str, code: str) -> None:
    board = new_board()
    assert refused(add, board, start=start, end=end) == code
    assert board.actions == {}


def test_same_period_start_and_end_is_one_period() -> None:
    board = new_board()
    add(board, start="2024-05", end="2024-04")  # the same quarter once snapped
    assert span(board) == ("2024-04", "2024-06")


def test_ids_exist_reused_and_invalid() -> None:
    board = new_board()
    add(board)
    assert refused(add, board) == "id_exists"
    board.delete_action("action-1")
    assert refused(add, board) == "id_reused"
    assert refused(add, board, "bad id") == "invalid_id"
    assert refused(board.move_action, "action-1", lane="continue") == "action_deleted"
    assert refused(board.move_action, "nothing-9", lane="continue") == "action_missing"


def test_board_full() -> None:
    board = ActionBoard(default_settings("Plan"), limits=ActionLimits(max_actions=1))
    add(board)
    assert refused(add, board, "action-2") == "board_full"


def test_move_keeps_the_duration_and_carries_milestones() -> None:
    board = new_board()
    add(board, start="2024-01", end="2024-06")
    board.add_milestone("action-1", "mile-01", "2024-05", "Premier atelier")
    moved = board.move_action("action-1", start="2025-08")  # snapped down to 2025-07
    assert span(board) == ("2025-07", "2025-12")
    assert format_month(moved.milestones[0].month) == "2025-11"
    board.move_action("action-1", lane="continue")
    assert board.actions["action-1"].lane == "continue" and span(board) == ("2025-07", "2025-12")
    board.move_action("action-1", lane="reinforce", start="2024-01")
    assert board.actions["action-1"].lane == "reinforce" and span(board) == ("2024-01", "2024-06")


def test_refused_moves_change_nothing() -> None:
    board = new_board()
    add(board, start="2024-01", end="2024-12")
    before = board.to_snapshot()
    assert refused(board.move_action, "action-1", start="2027-04") == "action_outside_timeline"
    assert refused(board.move_action, "action-1", lane="nowhere") == "unknown_lane"
    assert refused(board.move_action, "action-1") == "invalid_move"
    assert refused(board.move_action, "action-1", start="soon") == "invalid_month"
    assert board.to_snapshot() == before


def test_resize_each_edge() -> None:
    board = new_board()
    add(board, start="2024-04", end="2024-06")
    board.resize_action("action-1", "end", "2025-02")
    assert span(board) == ("2024-04", "2025-03")
    board.resize_action("action-1", "start", "2024-02")
    assert span(board) == ("2024-01", "2025-03")
    board.resize_action("action-1", "start", "2025-03")  # down to one quarter
    assert span(board) == ("2025-01", "2025-03")


def test_refused_resizes() -> None:
    board = new_board()
    add(board, start="2024-04", end="2024-09")
    assert refused(board.resize_action, "action-1", "start", "2024-10") == "action_dates_order"
    assert refused(board.resize_action, "action-1", "end", "2024-03") == "action_dates_order"
    assert refused(board.resize_action, "action-1", "end", "2028-01") == "action_outside_timeline"
    assert refused(board.resize_action, "action-1", "middle", "2024-06") == "invalid_edge"
    board.add_milestone("action-1", "mile-01", "2024-08", "Bilan")
    assert refused(board.resize_action, "action-1", "end", "2024-06") == "milestone_outside"
    assert span(board) == ("2024-04", "2024-09")


# -- the fiche action --------------------------------------------------------------------------------------

FULL_FICHE: dict[str, Any] = {
    "title": "Aidants numériques de proximité",
    "number": "A2.1",
    "axis": "Accompagner",
    "findings": "Les habitants ne savent pas où trouver de l'aide.",
    "general_objective": "Un lieu d'aide dans chaque quartier",
    "operational_objectives": ["Ouvrir 3 permanences", "Former 10 aidants"],
    "target_groups": ["seniors", "parents"],
    "territory": ["Jas de Bouffan", "Encagnane"],
    "lead": "ccas",
    "partners": [{"organisation": "caf", "role": "Cofinance"}, {"organisation": "social_centres"}],
    "human_means": "2 médiateurs",
    "material_means": "10 tablettes",
    "budget": 50000,
    "funding": [
        {"source": "Ville", "amount": 20000, "state": "secured"},
        {"source": "CAF", "amount": 30000, "state": "requested"},
        {"source": "État", "amount": 30000},
    ],
    "calendar": "Chaque mercredi hors vacances",
    "priority": "high",
    "indicators": [
        {"kind": "output", "label": "Permanences ouvertes", "target": "3", "source": "CCAS"},
        {"kind": "impact", "label": "Habitants autonomes"},
    ],
    "risks": "Turnover des médiateurs",
    "status": "validated",
}


def test_every_fiche_field_round_trips() -> None:
    assert set(FULL_FICHE) == set(FICHE_FIELDS)
    board = new_board()
    add(board, **FULL_FICHE)
    fiche = board.to_snapshot()["actions"][0]["fiche"]
    expected = dict(FULL_FICHE)
    expected["partners"] = [
        {"organisation": "caf", "role": "Cofinance"},
        {"organisation": "social_centres", "role": ""},
    ]
    expected["funding"][2] = {"source": "État", "amount": 30000, "state": "planned"}
    expected["indicators"][1] = {"kind": "impact", "label": "Habitants autonomes", "target": "", "source": ""}
    assert fiche == expected
    assert list(fiche) == list(FICHE_FIELDS)


def test_a_new_fiche_shows_every_field_empty() -> None:
    board = new_board()
    add(board)
    fiche = board.to_snapshot()["actions"][0]["fiche"]
    assert fiche["title"] == "Aidants" and fiche["status"] == "draft"
    assert fiche["lead"] is None and fiche["budget"] is None and fiche["priority"] is None
    assert fiche["partners"] == [] and fiche["findings"] == ""


@pytest.mark.parametrize(("name", "limit"), sorted(TEXT_LIMITS.items()))
def test_each_text_field_has_its_limit_and_code(name: str, limit: int) -> None:
    board = new_board()
    add(board)
    board.update_fiche("action-1", {name: "é" * limit})
    assert refused(board.update_fiche, "action-1", {name: "é" * (limit + 1)}) == f"fiche_invalid_{name}"
    assert refused(board.update_fiche, "action-1", {name: "bell\x07"}) == f"fiche_invalid_{name}"
    assert refused(board.update_fiche, "action-1", {name: 12}) == f"fiche_invalid_{name}"
    assert getattr(board.actions["action-1"].fiche, name) == "é" * limit


@pytest.mark.parametrize(("name", "bounds"), sorted(LIST_LIMITS.items()))
def test_each_list_field_has_its_limits_and_code(name: str, bounds: tuple[int, int]) -> None:
    most, length = bounds
    board = new_board()
    board.update_settings(
        target_groups=[Choice(f"g{n}") for n in range(40)],  # the most a workshop lists
        organisations=[Choice(f"o{n}") for n in range(most + 1)],
    )
    add(board)
    entry: dict[str, Any] = {
        "operational_objectives": lambda n, text: text or f"obj {n}",
        "territory": lambda n, text: text or f"quartier {n}",
        "target_groups": lambda n, text: f"g{n % 40}",
        "partners": lambda n, text: {"organisation": f"o{n}", "role": text},
        "funding": lambda n, text: {"source": text or "Ville", "amount": 1},
        "indicators": lambda n, text: {"kind": "result", "label": text or "x"},
    }
    make = entry[name]
    board.update_fiche("action-1", {name: [make(n, "") for n in range(most)]})
    code = f"fiche_invalid_{name}"
    assert refused(board.update_fiche, "action-1", {name: [make(n, "") for n in range(most + 1)]}) == code
    assert refused(board.update_fiche, "action-1", {name: "not a list"}) == code
    if name != "target_groups":
        board.update_fiche("action-1", {name: [make(0, "x" * length)]})
        assert refused(board.update_fiche, "action-1", {name: [make(0, "x" * (length + 1))]}) == code
    board.update_fiche("action-1", {name: None})
    assert getattr(board.actions["action-1"].fiche, name) == ()


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"title": ""}, "fiche_invalid_title"),
        ({"title": "   "}, "fiche_invalid_title"),
        ({"title": None}, "fiche_invalid_title"),
        ({"status": "finished"}, "fiche_invalid_status"),
        ({"status": None}, "fiche_invalid_status"),
        ({"priority": "urgent"}, "fiche_invalid_priority"),
        ({"budget": -1}, "fiche_invalid_budget"),
        ({"budget": 1.5}, "fiche_invalid_budget"),
        ({"budget": True}, "fiche_invalid_budget"),
        ({"budget": 1_000_000_001}, "fiche_invalid_budget"),
        ({"lead": "unknown-org"}, "fiche_invalid_lead"),
        ({"target_groups": ["martians"]}, "fiche_invalid_target_groups"),
        ({"target_groups": ["seniors", "seniors"]}, "fiche_invalid_target_groups"),
        ({"territory": [""]}, "fiche_invalid_territory"),
        ({"operational_objectives": [3]}, "fiche_invalid_operational_objectives"),
        ({"partners": [{"organisation": "nope"}]}, "fiche_invalid_partners"),
        ({"partners": [{"organisation": "caf"}, {"organisation": "caf"}]}, "fiche_invalid_partners"),
        ({"partners": [{"role": "x"}]}, "fiche_invalid_partners"),
        ({"partners": ["caf"]}, "fiche_invalid_partners"),
        ({"funding": [{"source": "Ville", "amount": -5}]}, "fiche_invalid_funding"),
        ({"funding": [{"source": " ", "amount": 5}]}, "fiche_invalid_funding"),
        ({"funding": [{"source": "Ville", "amount": 5, "state": "maybe"}]}, "fiche_invalid_funding"),
        ({"funding": [{"source": "Ville", "amount": 5, "extra": 1}]}, "fiche_invalid_funding"),
        ({"indicators": [{"kind": "vanity", "label": "x"}]}, "fiche_invalid_indicators"),
        ({"indicators": [{"kind": "output", "label": ""}]}, "fiche_invalid_indicators"),
        ({"indicators": [{"kind": "output", "label": "x", "target": "x" * 121}]}, "fiche_invalid_indicators"),
        ({"positioning": "create"}, "fiche_unknown_field"),
        ({"start": "2024-01"}, "fiche_unknown_field"),
        ({"colour": "red"}, "fiche_unknown_field"),
        ({}, "fiche_unknown_field"),
    ],
)
def test_fiche_refusals_name_the_field(changes: dict[str, Any], code: str) -> None:
    board = new_board()
    add(board)
    before = board.to_snapshot()
    assert refused(board.update_fiche, "action-1", changes) == code
    assert board.to_snapshot() == before


def test_a_new_action_needs_a_title_and_known_fields() -> None:
    board = new_board()
    create = board.create_action
    assert refused(
        create, "action-1", author="a", lane="create", start="2024-01", end="2024-03", fiche={}
    ) == ("fiche_invalid_title")
    fiche = {"title": "x", "positioning": "create"}
    assert refused(
        create, "action-1", author="a", lane="create", start="2024-01", end="2024-03", fiche=fiche
    ) == ("fiche_unknown_field")
    assert board.actions == {}


def test_secured_funding_may_not_exceed_the_budget() -> None:
    board = new_board()
    add(board, budget=1000)
    planned = [
        {"source": "A", "amount": 800, "state": "planned"},
        {"source": "B", "amount": 800, "state": "requested"},
    ]
    board.update_fiche("action-1", {"funding": planned})  # asking more than the budget is fine
    secured = [
        {"source": "A", "amount": 600, "state": "secured"},
        {"source": "B", "amount": 500, "state": "secured"},
    ]
    assert refused(board.update_fiche, "action-1", {"funding": secured}) == "fiche_funding_over_budget"
    board.update_fiche("action-1", {"funding": secured[:1]})
    assert refused(board.update_fiche, "action-1", {"budget": 500}) == "fiche_funding_over_budget"
    board.update_fiche("action-1", {"budget": None})  # no budget stated: nothing to exceed
    board.update_fiche("action-1", {"funding": secured})


def test_fiche_numbers_are_unique() -> None:
    board = new_board()
    add(board, number="A1")
    assert refused(add, board, "action-2", number="A1") == "fiche_number_taken"
    add(board, "action-2", number="A2")
    assert refused(board.update_fiche, "action-2", {"number": "A1"}) == "fiche_number_taken"
    board.update_fiche("action-1", {"number": "A1"})  # its own number again


def test_update_is_a_patch_last_writer_wins_per_field() -> None:
    board = new_board()
    add(board, findings="Pas d'aide", risks="Aucun")
    board.update_fiche("action-1", {"findings": "Personne à appeler"})  # one stakeholder
    board.update_fiche("action-1", {"risks": "Financement"})  # another, on another field
    board.update_fiche("action-1", {"findings": "Pas de guichet"})  # the later write wins
    fiche = board.actions["action-1"].fiche
    assert (fiche.findings, fiche.risks, fiche.title) == ("Pas de guichet", "Financement", "Aidants")


def test_an_organisation_or_target_group_named_by_a_fiche_cannot_go() -> None:
    board = new_board()
    add(board, lead="ccas", partners=[{"organisation": "caf"}], target_groups=["seniors"])
    assert refused(board.update_settings, organisations=[Choice("caf")]) == "organisation_in_use"
    assert refused(board.update_settings, organisations=[Choice("ccas")]) == "organisation_in_use"
    assert refused(board.update_settings, target_groups=[Choice("parents")]) == "target_group_in_use"
    board.update_settings(organisations=[Choice("ccas"), Choice("caf"), Choice("asso-1", "Les Amis du Jas")])
    board.update_fiche("action-1", {"lead": "asso-1"})


# -- the capabilities web ----------------------------------------------------------------------------------


def test_capability_levels_and_partial_series() -> None:
    board = new_board()
    add(board)
    for level in range(5):
        board.set_capability("action-1", "today", "health", level)
    board.set_capability("action-1", "targeted", "health", 4)
    board.set_capability("action-1", "targeted", "rights", 3)
    assert board.to_snapshot()["actions"][0]["capabilities"] == {
        "targeted": {"health": 4, "rights": 3},
        "today": {"health": 4},
    }
    board.set_capability("action-1", "today", "health", None)  # cleared: the empty series is dropped
    assert board.actions["action-1"].capabilities == {"targeted": {"health": 4, "rights": 3}}


@pytest.mark.parametrize(
    ("series", "axis", "level", "code"),
    [
        ("today", "health", 5, "invalid_level"),
        ("today", "health", -1, "invalid_level"),
        ("today", "health", 2.0, "invalid_level"),
        ("today", "health", True, "invalid_level"),
        ("today", "flying", 2, "unknown_axis"),
        ("tomorrow", "health", 2, "unknown_series"),
    ],
)
def test_capability_refusals(series: str, axis: str, level: Any, code: str) -> None:
    board = new_board()
    add(board)
    assert refused(board.set_capability, "action-1", series, axis, level) == code
    assert board.actions["action-1"].capabilities == {}


def test_axes_and_series_are_configurable_but_not_while_scored() -> None:
    board = new_board()
    add(board)
    board.set_capability("action-1", "today", "online_safety", 1)
    assert refused(board.update_settings, axes=list(DEFAULT_AXES[:9])) == "axis_in_use"
    assert refused(board.update_settings, series=[Choice("targeted")]) == "series_in_use"
    assert refused(board.update_settings, axes=list(DEFAULT_AXES[:2])) == "invalid_axes"  # a radar needs 3
    assert refused(board.update_settings, series=[]) == "invalid_series"
    board.update_settings(axes=[*DEFAULT_AXES, Choice("language", "Langue française")])
    board.set_capability("action-1", "today", "language", 2)
    board.update_settings(series=[Choice("today"), Choice("targeted"), Choice("y2027", "En 2027")])
    board.set_capability("action-1", "y2027", "language", 3)


# -- milestones and links ----------------------------------------------------------------------------------


def test_milestones_inside_the_span_sorted_by_month() -> None:
    board = new_board()
    add(board, start="2024-04", end="2024-12")
    board.add_milestone("action-1", "mile-02", "2024-11", "Bilan")
    board.add_milestone("action-1", "mile-01", "2024-04", "Lancement")
    assert [m["id"] for m in board.to_snapshot()["actions"][0]["milestones"]] == ["mile-01", "mile-02"]
    assert refused(board.add_milestone, "action-1", "mile-03", "2025-01", "Après") == "milestone_outside"
    assert refused(board.add_milestone, "action-1", "mile-03", "2024-03", "Avant") == "milestone_outside"
    assert refused(board.add_milestone, "action-1", "mile-01", "2024-05", "Encore") == "milestone_exists"
    assert refused(board.add_milestone, "action-1", "mile-03", "2024-05", " ") == "invalid_milestone"
    assert refused(board.add_milestone, "action-1", "mile-03", "2024-05", "x" * 121) == "invalid_milestone"
    assert refused(board.add_milestone, "action-1", "m3", "2024-05", "Court") == "invalid_id"
    assert refused(board.add_milestone, "action-1", "mile-03", "mai", "Mai") == "invalid_month"
    board.remove_milestone("action-1", "mile-02")
    assert refused(board.remove_milestone, "action-1", "mile-02") == "milestone_missing"
    assert [m.id for m in board.actions["action-1"].milestones] == ["mile-01"]


def test_too_many_milestones() -> None:
    board = ActionBoard(default_settings("Plan"), limits=ActionLimits(max_milestones=2))
    add(board)
    board.add_milestone("action-1", "mile-01", "2024-05", "Un")
    board.add_milestone("action-1", "mile-02", "2024-06", "Deux")
    assert refused(board.add_milestone, "action-1", "mile-03", "2024-07", "Trois") == "too_many_milestones"


def test_links_to_exploration_solutions() -> None:
    board = ActionBoard(default_settings("Plan"), limits=ActionLimits(max_links=2))
    add(board)
    add(board, "action-2")
    board.add_link("action-1", "board-jas", "sol-0001")
    board.add_link("action-2", "board-jas", "sol-0001")
    board.add_link("action-1", "board-enc", "sol-0001")  # same item id on another board: another solution
    assert board.actions_linked_to("board-jas", "sol-0001") == ["action-1", "action-2"]
    assert refused(board.add_link, "action-1", "board-jas", "sol-0002") == "too_many_links"
    assert refused(board.add_link, "action-2", "board-jas", "sol-0001") == "link_exists"
    assert refused(board.add_link, "action-2", "board jas", "sol-0001") == "invalid_link"
    board.remove_link("action-1", "board-jas", "sol-0001")
    assert refused(board.remove_link, "action-1", "board-jas", "sol-0001") == "link_missing"
    assert board.to_snapshot()["actions"][0]["links"] == [{"board": "board-enc", "item": "sol-0001"}]


# -- batches and snapshots ---------------------------------------------------------------------------------


def test_a_failing_op_leaves_the_board_unchanged() -> None:
    board = new_board()
    add(board)
    before = board.to_snapshot()
    with pytest.raises(RuleError) as info, board.transaction():
        add(board, "action-2", lane="continue")
        board.move_action("action-1", lane="reinforce", start="2025-01")
        board.update_fiche("action-1", {"risks": "Aucun", "number": "B1"})
        board.set_capability("action-1", "today", "health", 2)
        board.add_milestone("action-1", "mile-01", "2025-02", "Début")
        board.add_link("action-1", "board-jas", "sol-0001")
        board.update_settings(scale="semester", lanes=[*DEFAULT_LANES, Choice("pilot")])
        board.delete_action("action-2")
        board.remove_milestone("action-1", "mile-01")
        board.resize_action("action-1", "end", "2029-01")  # outside: the whole batch goes
    assert info.value.code == "action_outside_timeline"
    assert board.to_snapshot() == before


def test_a_batch_that_passes_applies_everything() -> None:
    board = new_board()
    with board.transaction():
        add(board)
        board.move_action("action-1", start="2025-01")
    assert span(board) == ("2025-01", "2025-09")


def test_snapshot_round_trip() -> None:
    board = new_board(scale="month", start="2024-03", end="2028-02")
    board.update_settings(
        organisations=[Choice("ccas"), Choice("caf"), Choice("social_centres"), Choice("asso-1", "Les Amis")],
        lanes=[*DEFAULT_LANES, Choice("pilot", "Pilote")],
    )
    add(board, "action-2", lane="pilot", start="2025-02", end="2026-07", **FULL_FICHE)
    add(board, "action-1", start="2024-03", end="2024-03")
    add(board, "action-3")
    board.delete_action("action-3")
    board.add_milestone("action-2", "mile-01", "2025-03", "Lancement")
    board.set_capability("action-2", "today", "health", 1)
    board.set_capability("action-2", "targeted", "health", 3)
    board.add_link("action-2", "board-jas", "sol-0001")
    snapshot = board.to_snapshot()
    text = json.dumps(snapshot, ensure_ascii=False)
    again = ActionBoard.from_snapshot(json.loads(text))
    assert again.to_snapshot() == snapshot
    assert json.dumps(again.to_snapshot(), ensure_ascii=False) == text  # the same order, byte for byte
    assert [a["id"] for a in snapshot["actions"]] == ["action-1", "action-2"]
    assert snapshot["deleted"] == ["action-3"]


@pytest.mark.parametrize(
    ("path", "value", "code"),
    [
        (("actions", 0, "start"), "2024-05", "action_not_snapped"),
        (("actions", 0, "lane"), "nowhere", "unknown_lane"),
        (("actions", 0, "fiche", "budget"), -3, "fiche_invalid_budget"),
        (("actions", 0, "capabilities"), {"today": {"health": 9}}, "invalid_level"),
        (
            ("actions", 0, "milestones"),
            [{"id": "mile-01", "month": "2026-01", "label": "x"}],
            "milestone_outside",
        ),
        (("actions", 0, "colour"), "red", "field_not_allowed"),
        (("settings", "timeline", "scale"), "decade", "invalid_scale"),
        (("settings", "lanes"), [], "invalid_lanes"),
        (("settings", "timeline", "end"), "2050-12", "invalid_timeline"),
    ],
)
def test_from_snapshot_checks_every_rule(path: tuple[Any, ...], value: Any, code: str) -> None:
    board = new_board()
    add(board)
    snapshot = board.to_snapshot()
    target: Any = snapshot
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    assert refused(ActionBoard.from_snapshot, snapshot) == code


# -- the design note lists every code ----------------------------------------------------------------------


def test_every_code_of_the_module_is_in_the_protocol_doc() -> None:
    source = (REPO / "backend" / "fresque" / "core" / "actions.py").read_text()
    codes = set(re.findall(r'RuleError\(\s*"([a-z_]+)"', source))
    assert len(codes) > 25
    note = (REPO / "docs" / "protocol.md").read_text()
    assert sorted(code for code in codes if f"`{code}`" not in note) == []
    assert "`fiche_invalid_<field>`" in note


# -- properties --------------------------------------------------------------------------------------------

MONTHS = st.builds(lambda year, month: f"{year}-{month:02d}", st.integers(2022, 2030), st.integers(1, 12))
STEPS = st.lists(
    st.one_of(
        st.tuples(st.just("move"), st.sampled_from(["continue", "reinforce", "create", None]), MONTHS),
        st.tuples(st.just("resize"), st.sampled_from(["start", "end"]), MONTHS),
        st.tuples(st.just("milestone"), st.text("abcdef", min_size=6, max_size=6), MONTHS),
        st.tuples(st.just("scale"), st.sampled_from(["month", "quarter", "semester"]), MONTHS),
        st.tuples(st.just("timeline"), st.sampled_from(["start", "end"]), MONTHS),
    ),
    max_size=30,
)


def _apply(board: ActionBoard, step: tuple[str, Any, str]) -> None:
    kind, arg, month = step
    action_id = "action-1" if month.endswith(("1", "3", "5", "7", "9")) else "action-2"
    if kind == "move":
        board.move_action(action_id, lane=arg, start=month)
    elif kind == "resize":
        board.resize_action(action_id, arg, month)
    elif kind == "milestone":
        board.add_milestone(action_id, f"mile-{arg}", month, "Étape")
    elif kind == "scale":
        board.update_settings(scale=arg)
    else:
        board.update_settings(**{arg: month})


@settings(max_examples=200, deadline=None)
@given(STEPS)
def test_any_sequence_of_changes_keeps_every_card_whole_and_inside(steps: list[tuple[str, Any, str]]) -> None:
    board = new_board()
    add(board, "action-1", start="2024-01", end="2024-06")
    add(board, "action-2", lane="continue", start="2026-04", end="2027-12")
    for step in steps:
        before = board.to_snapshot()
        try:
            with board.transaction():
                _apply(board, step)
        except RuleError:
            assert board.to_snapshot() == before  # refused: nothing changed
        s = board.settings
        assert s.start < s.end and span_months(s.start, s.end) <= MAX_TIMELINE_MONTHS
        assert is_snapped(s.start, s.end, s.scale)
        for action in board.actions.values():
            assert s.start <= action.start <= action.end <= s.end
            assert is_snapped(action.start, action.end, s.scale)
            assert all(action.start <= m.month <= action.end for m in action.milestones)
    assert ActionBoard.from_snapshot(board.to_snapshot()).to_snapshot() == board.to_snapshot()


@given(st.integers(2000 * 12, 2099 * 12 + 11), st.sampled_from(["month", "quarter", "semester"]))
def test_snap_holds_the_month_in_one_whole_period(month: int, scale: Any) -> None:
    first, last = snap(month, scale), snap_end(month, scale)
    assert first <= month <= last
    assert span_months(first, last) == {"month": 1, "quarter": 3, "semester": 6}[scale]
    assert (first % 12) % span_months(first, last) == 0
    assert snap(first, scale) == first and snap_end(last, scale) == last

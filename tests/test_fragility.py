"""The fragility rule of docs/diagnostic.md, line by line: each row is a response's answers and the level the
rule written there gives it. And the note's rule and the code's are the same text (the steps are quoted)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fresque.survey.fragility import fragility
from fresque.survey.questionnaire import AUTONOMY_TASKS, default_questionnaire

DOC = Path(__file__).resolve().parents[1] / "docs" / "diagnostic.md"
ONLINE = ["smartphone", "mobile_data"]


CODES = {"A": "alone", "H": "with_help", "C": "cannot"}


def tasks(letters: str) -> dict[str, str]:
    """Autonomy answers in the order of the questionnaire's tasks: `A` alone, `H` with help, `C` cannot."""
    return {f"autonomy_{task}": CODES[c] for task, c in zip(AUTONOMY_TASKS, letters, strict=False)}


ROWS: list[tuple[str, dict[str, Any], str | None]] = [
    # step 1: no device or no connection of one's own: N0, whatever the rest
    ("nothing at all", {"equipment": ["none"]}, "N0"),
    ("« none » with autonomy answers", {"equipment": ["none"], **tasks("AA")}, "N0"),
    ("a phone but no data nor home internet", {"equipment": ["smartphone"], **tasks("A")}, "N0"),
    ("home internet but no device", {"equipment": ["internet_home"], **tasks("A")}, "N0"),
    (
        "a tablet and home internet: online",
        {"equipment": ["tablet", "internet_home"], **tasks("A")},
        "N4",
    ),
    (
        "a computer and mobile data: online",
        {"equipment": ["computer", "mobile_data"], **tasks("A")},
        "N4",
    ),
    # step 2: the autonomy answers decide
    ("equipment not answered, all alone", tasks("AAAAA"), "N4"),
    ("all alone", {"equipment": ONLINE, **tasks("AAAAA")}, "N4"),
    ("one task answered, alone", {"equipment": ONLINE, **tasks("A")}, "N4"),
    (
        "4 alone, 1 with help",
        {"equipment": ONLINE, **tasks("AAAAH")},
        "N3",
    ),
    (
        "half alone exactly (2 of 4)",
        {"equipment": ONLINE, **tasks("AAHC")},
        "N3",
    ),
    (
        "3 alone, 2 cannot",
        {"equipment": ONLINE, **tasks("AAACC")},
        "N3",
    ),
    (
        "2 alone of 5",
        {"equipment": ONLINE, **tasks("AAHHC")},
        "N2",
    ),
    (
        "1 alone, 4 cannot",
        {"equipment": ONLINE, **tasks("ACCCC")},
        "N2",
    ),
    ("all with help", {"equipment": ONLINE, **tasks("HHH")}, "N2"),
    ("none alone, help = cannot", {"equipment": ONLINE, **tasks("HC")}, "N2"),
    (
        "none alone, more cannot than help",
        {"equipment": ONLINE, **tasks("HCC")},
        "N1",
    ),
    ("cannot do any", {"equipment": ONLINE, **tasks("CCCCC")}, "N1"),
    # too little said: no level (the response is stored all the same)
    ("only the profile", {"age_band": "61_75", "language": "ar"}, None),
    ("online, no autonomy answered", {"equipment": ONLINE}, None),
    ("nothing answered", {}, None),
    # what the rule does not read
    (
        "help and barriers do not move the level",
        {"equipment": ONLINE, "help_from": ["nobody"], "barriers": ["cost"], **tasks("A")},
        "N4",
    ),
    ("an unknown autonomy answer is not counted", {"equipment": ONLINE, "autonomy_email": "maybe"}, None),
]


@pytest.mark.parametrize("answers, level", [(a, lv) for _, a, lv in ROWS], ids=[name for name, _, _ in ROWS])
def test_the_rule_gives_each_response_its_level(answers: dict[str, Any], level: str | None) -> None:
    assert fragility(answers) == level


def test_every_autonomy_question_of_the_default_questionnaire_is_read_by_the_rule() -> None:
    questions = {q["id"]: q for q in default_questionnaire()["questions"]}
    for task in AUTONOMY_TASKS:
        question = questions[f"autonomy_{task}"]
        assert [a["id"] for a in question["answers"]] == ["alone", "with_help", "cannot"]
        assert fragility({"equipment": ONLINE, f"autonomy_{task}": "cannot"}) == "N1"
    equipment = {a["id"] for a in questions["equipment"]["answers"]}
    assert {"smartphone", "computer", "tablet", "internet_home", "mobile_data", "none"} <= equipment


def test_the_note_states_the_rule_the_code_follows() -> None:
    note = DOC.read_text(encoding="utf-8")
    section = note[note.index("## The fragility level") :]
    for step in (
        "**N0**",
        "A = T",
        "**N4**",
        "2A ≥ T",
        "**N3**",
        "A = 0 and C > H",
        "**N1**",
        "**N2**",
        "T = 0",
    ):
        assert step in section, step
    for source in ("Coop de la médiation numérique", "Emmaüs Connect"):
        assert source in section

"""The fragility level of one street-survey response: N0 offline · N1 dependent · N2 fragile ·
N3 autonomous with support · N4 autonomous.

The rule, and the public scales it follows, are written in docs/diagnostic.md (« Le niveau de fragilité »);
this function is that text, step for step, and tests/test_fragility.py checks it table by table:

1. `equipment` answered and the person has no device (smartphone, computer, tablet) or no connection (internet
   at home, mobile data), or answered « none »: **N0**, whatever the rest.
2. Otherwise, over the `autonomy_*` questions answered (alone / with help / cannot), with A « alone »,
   H « with help », C « cannot » and T = A + H + C:
   - T = 0: no level (`None`): the response says too little; it is still stored, and counted as « unknown »;
   - A = T: **N4** (alone on every task);
   - 2A ≥ T: **N3** (alone on at least half, help for the rest);
   - A = 0 and C > H: **N1** (alone on none, and most are done by someone else or not at all);
   - else: **N2** (fewer than half alone, or everything with help).

Only the answers' ids are read (`fresque.survey.questionnaire`), so relabelled or reordered questionnaires
give the same level; a question a team removed simply counts as unanswered.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from .questionnaire import AUTONOMY

DEVICES: Final = frozenset({"smartphone", "computer", "tablet"})
CONNECTIONS: Final = frozenset({"internet_home", "mobile_data"})
AUTONOMY_PREFIX: Final = "autonomy_"


def fragility(answers: Mapping[str, object]) -> str | None:
    """The level (`N0`…`N4`) of a checked response's answers, or `None` when they do not say."""
    equipment = answers.get("equipment")
    if isinstance(equipment, list):
        owned = set(equipment)
        if "none" in owned or not owned & DEVICES or not owned & CONNECTIONS:
            return "N0"
    counts = dict.fromkeys(AUTONOMY, 0)
    for question, answer in answers.items():
        if question.startswith(AUTONOMY_PREFIX) and isinstance(answer, str) and answer in counts:
            counts[answer] += 1
    alone, helped, cannot = counts["alone"], counts["with_help"], counts["cannot"]
    total = alone + helped + cannot
    if total == 0:
        return None
    if alone == total:
        return "N4"
    if 2 * alone >= total:
        return "N3"
    if alone == 0 and cannot > helped:
        return "N1"
    return "N2"

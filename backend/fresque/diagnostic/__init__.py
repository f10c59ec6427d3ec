"""The study's diagnostic: figures from the boards' export documents and the street-survey responses.

Pure computation (no web, no database): `boards.board_facts` reads one board's export document, `compute.
diagnose` makes the figures (`shape.Diagnostic`) with « < 5 » settled by `suppression`. The API
(`fresque.api.diagnostic`) gathers the inputs.
"""

from .boards import BoardFacts, Person, board_facts, people_of, snapshot_facts
from .compute import THRESHOLD, Response, StudyInputs, diagnose, questions_of
from .shape import SUPPRESSED, Cell, Diagnostic, Filters

__all__ = [
    "SUPPRESSED",
    "THRESHOLD",
    "BoardFacts",
    "Cell",
    "Diagnostic",
    "Filters",
    "Person",
    "Response",
    "StudyInputs",
    "board_facts",
    "diagnose",
    "people_of",
    "questions_of",
    "snapshot_facts",
]

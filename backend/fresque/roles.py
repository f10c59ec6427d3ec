"""Who a participant is in a workshop: the one list of roles, and which of them facilitate.

- `facilitator`: the workshop's owner (made with the workshop; cannot be removed);
- `co_facilitator`: facilitates too (the console, moderation), but does not own the workshop;
- `participant`: a resident or a stakeholder who takes part;
- `observer`: reads only (a projector, a stakeholder watching).
"""

from __future__ import annotations

from typing import Final, Literal, get_args

Role = Literal["facilitator", "co_facilitator", "participant", "observer"]

FACILITATOR: Final = "facilitator"
CO_FACILITATOR: Final = "co_facilitator"
PARTICIPANT: Final = "participant"
OBSERVER: Final = "observer"

ROLES: Final[tuple[Role, ...]] = get_args(Role)
FACILITATING: Final[frozenset[str]] = frozenset({FACILITATOR, CO_FACILITATOR})


def facilitates(role: str) -> bool:
    """True for the roles that run a workshop (the console, its participants, moderation)."""
    return role in FACILITATING

"""The Redis keys several processes share, and their entries (docs/scale-out.md).

Everything here can be lost (Redis runs without persistence): PostgreSQL holds the truth, and a process that
finds a gap reads it there. Every key expires an hour after its last entry, so boards no longer used cost
Redis nothing.
"""

from __future__ import annotations

from ..db.store import LoggedChange

PREFIX = "fresque"
CONTROL = f"{PREFIX}:control"  # removals, erasures, custom pictures, renames: every process reads it
EXPIRE_MS = 3_600_000

# Caps, approximate (Redis trims by whole nodes): what a reader that fell this far behind finds in PostgreSQL
# (the changes) or no longer needs (pushes past `INBOX_MAX_AGE`, old cursors).
OUT_MAXLEN = 1000
INBOX_MAXLEN = 10_000
EPHEMERAL_MAXLEN = 200
REPLIES_MAXLEN = 10_000
CONTROL_MAXLEN = 1000


def outbox(board_id: str) -> str:
    """The board's committed changes, one entry per seq, its id `<seq>-0`: a reader asks for what follows
    the seq it has."""
    return f"{PREFIX}:board:{board_id}:out"


def inbox(board_id: str) -> str:
    """Pushes from sockets on processes that do not write the board, read by its writer."""
    return f"{PREFIX}:board:{board_id}:in"


def ephemeral(board_id: str) -> str:
    """Cursors, drags and who is here, from each process holding sockets of the board."""
    return f"{PREFIX}:board:{board_id}:eph"


def replies(process: str) -> str:
    """Answers a writer sends a process about its forwarded pushes, and the wake-ups of its reading loop."""
    return f"{PREFIX}:process:{process}"


def here(workshop_id: str) -> str:
    """A hash: each process's live sockets in the workshop (the console's « present »)."""
    return f"{PREFIX}:workshop:{workshop_id}:here"


def change_entry(change: LoggedChange) -> tuple[str, dict[str, str]]:
    return f"{change.seq}-0", {
        "op_id": change.op_id,
        "author": change.author_id,
        "ops": change.ops,
    }


def change_of(entry_id: str, fields: dict[str, str]) -> LoggedChange:
    return LoggedChange(int(entry_id.split("-", 1)[0]), fields["op_id"], fields["author"], fields["ops"])

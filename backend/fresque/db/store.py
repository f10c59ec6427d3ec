"""Every read and write Fresque makes to its database, behind one small class: `Store`, the one object the
app passes around, made of one part per subject so that a change finds its room by the module's name.

- `fresque.db.store_base`: the engine, SQLite's one write lock and its lanes, the tables, the clock;
- `fresque.db.workshops_store`: workshops and joining them (code, link token, open or closed);
- `fresque.db.people_store`: participants, profiles, hosted people, renaming, removing, "last seen";
- `fresque.db.sessions_store`: sessions and sign-in links;
- `fresque.db.boards_log`: boards, their op log and snapshot (the hot path, with `fresque.db.lane`);
- `fresque.db.pictures_store`: custom pictograms' rows;
- `fresque.db.erase`: erasing a whole workshop and reclaiming its bytes.

The other stores over the same engine (`fresque.db.studies`, `fresque.db.surveys`, `fresque.db.leases`…)
share its write lock through `Store.write`. The names importers across the app use are re-exported here.
"""

from __future__ import annotations

from .boards_log import BoardRow, BoardsLog, DuplicateOp, HeadMoved, LoggedChange, StoredBoard
from .engine import make_engine
from .erase import WorkshopErase
from .people_store import PeopleStore
from .pictures_store import PicturesStore
from .sessions_store import SessionInfo, SessionsStore
from .store_base import now
from .workshops_store import WorkshopsStore

__all__ = [
    "BoardRow",
    "DuplicateOp",
    "HeadMoved",
    "LoggedChange",
    "SessionInfo",
    "Store",
    "StoredBoard",
    "now",
]


class Store(WorkshopsStore, PeopleStore, SessionsStore, BoardsLog, PicturesStore, WorkshopErase):
    @classmethod
    def from_url(cls, url: str) -> Store:
        return cls(make_engine(url))

"""The open rooms of this process: a board is loaded when its first user comes, saved when the last leaves.

Every user of a board (a socket, an export) holds it through `use`, so a room is never closed under
someone's feet, and two arrivals at once load one room, not two.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager

from ..config import Settings
from ..db.store import Store
from .connection import CLOSE_SERVER_SHUTDOWN
from .room import Room

log = logging.getLogger(__name__)


class BoardNotFound(LookupError):
    pass


class Rooms:
    def __init__(self, store: Store, refs: Mapping[str, frozenset[str]], settings: Settings) -> None:
        self.store = store
        self.refs = refs
        self.settings = settings
        self._rooms: dict[str, Room] = {}
        self._users: dict[str, int] = {}
        self._lock = asyncio.Lock()
        self._erasing: set[str] = set()  # boards being erased: no room opens for them

    @asynccontextmanager
    async def use(self, board_id: str) -> AsyncIterator[Room]:
        room = await self._acquire(board_id)
        try:
            yield room
        finally:
            await self._release(board_id)

    async def _acquire(self, board_id: str) -> Room:
        async with self._lock:
            if board_id in self._erasing:
                raise BoardNotFound(board_id)
            room = self._rooms.get(board_id)
            if room is None or room.stale:
                room = await Room.open(self.store, board_id, self.refs, self.settings)
                if room is None:
                    raise BoardNotFound(board_id)
                self._rooms[board_id] = room
            self._users[board_id] = self._users.get(board_id, 0) + 1
            return room

    async def _release(self, board_id: str) -> None:
        async with self._lock:
            self._users[board_id] -= 1
            if self._users[board_id] > 0:
                return
            del self._users[board_id]
            room = self._rooms.pop(board_id)
            room.shutdown()
            try:
                await room.save_snapshot()
            except Exception:  # the op log still has every change: the next opening replays it
                log.exception("board %s: could not save its snapshot on close", board_id)

    @asynccontextmanager
    async def erasing(self, board_ids: list[str], code: int, reason: str) -> AsyncIterator[None]:
        """While the boards' rows are deleted: no room opens for them, and their open rooms are closed.

        Each open room is marked stale under its own lock (a change being stored finishes first; none is
        taken after), its sockets are closed with `code` and `reason`, and nothing of it is saved again.
        The room object itself goes away when its last user lets go (`_release`).
        """
        async with self._lock:
            self._erasing.update(board_ids)
            rooms = [self._rooms[b] for b in board_ids if b in self._rooms]
        for room in rooms:
            async with room.lock:
                room.stale = True
            room.shutdown()
            for conn in list(room.connections.values()):
                conn.close_soon(code, reason)
        try:
            yield
        finally:
            async with self._lock:
                self._erasing.difference_update(board_ids)

    async def close_all(self) -> None:
        async with self._lock:
            for room in self._rooms.values():
                room.shutdown()
                for conn in list(room.connections.values()):
                    conn.close_soon(CLOSE_SERVER_SHUTDOWN, "server_restart")
                try:
                    await room.save_snapshot()
                except Exception:
                    log.exception("board %s: could not save its snapshot at shutdown", room.id)

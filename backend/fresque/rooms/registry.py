"""The open rooms of this process: a board is loaded when its first user comes, saved when the last leaves.

Every user of a board (a socket, an export) holds it through `use`, so a room is never closed under
someone's feet, and two arrivals at once load one room, not two.

What a board may reference (`Board.refs`): the catalogue's ids, and for activities also its workshop's custom
pictograms (`custom:<id>`), read from the store when the room opens and given again to the workshop's open
rooms when a picture is added or deleted (`refresh_refs`, `withdrawing`).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Iterable, Mapping
from contextlib import AsyncExitStack, asynccontextmanager
from datetime import datetime
from typing import TYPE_CHECKING, Any

from ..config import Settings
from ..core.board import Board
from ..core.visibility import Viewer, item_visible
from ..db.store import Store
from ..last_seen import LastSeen
from ..study_scope import viewer_for, within_reach
from ..uploads import custom_ref
from .caps import SocketCaps, default_max_sockets
from .connection import CLOSE_REMOVED, CLOSE_SERVER_SHUTDOWN, CLOSE_WORKSHOP_ERASED, Connection
from .room import Room

if TYPE_CHECKING:
    from ..cluster.node import Node

log = logging.getLogger(__name__)


class BoardNotFound(LookupError):
    pass


class Rooms:
    def __init__(
        self,
        store: Store,
        refs: Mapping[str, frozenset[str]],
        settings: Settings,
        node: Node | None = None,
    ) -> None:
        self.store = store
        self.refs = refs
        self.settings = settings
        self._rooms: dict[str, Room] = {}
        self._users: dict[str, int] = {}
        self._lock = asyncio.Lock()
        # How many sockets may be open, per session, per address and in all (`api.ws` takes a slot per socket)
        self.caps = SocketCaps(
            per_session=settings.max_sockets_per_session,
            per_address=settings.max_sockets_per_address,
            total=settings.max_sockets or default_max_sockets(),
        )
        self._erasing: set[str] = set()  # boards being erased: no room opens for them
        self._withdrawn: set[str] = set()  # custom refs being deleted: no board takes them anew
        # When each participant's last socket left a board: the console's "last seen", written to the
        # database in batches (`fresque.last_seen`; the application starts and stops its flusher).
        self.departures = LastSeen(store)
        # Several processes (`fresque.cluster`): this process among the others; None for one process.
        self.node = node
        if node is not None:
            node.rooms = self
        # Told by another process (`on_control`): boards erased there, custom refs being deleted there; each
        # kept out of this process's rooms until the given monotonic time.
        self._erased_elsewhere: dict[str, float] = {}
        self._withdrawn_elsewhere: dict[str, float] = {}

    @asynccontextmanager
    async def use(self, board_id: str) -> AsyncIterator[Room]:
        room = await self._acquire(board_id)
        try:
            yield room
        finally:
            await self._release(board_id)

    async def _acquire(self, board_id: str) -> Room:
        async with self._lock:
            if board_id in self._erasing or self._erased_elsewhere.get(board_id, 0.0) > time.monotonic():
                raise BoardNotFound(board_id)
            room = self._rooms.get(board_id)
            if room is None or room.stale:
                if room is not None and self.node is not None:
                    await self.node.detach(room)
                room = await Room.open(self.store, board_id, self.refs_of, self.settings)
                if room is None:
                    raise BoardNotFound(board_id)
                room.on_leave = self.left
                room.solutions_for = self.solutions_for
                if self.node is not None:  # write it, or follow the process that does
                    await self.node.attach(room)
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
            if self.node is not None:  # after the snapshot: the lease is let go for the next writer
                await self.node.detach(room)

    async def solutions_for(self, workshop_id: str, board_id: str, viewer: Viewer) -> frozenset[str] | None:
        """The live solutions `viewer` sees on exploration board `board_id` of `workshop_id`, or of another
        workshop of its study (seen as a stranger sees it: `fresque.study_scope`); None when it is not one
        (a workshop out of reach, an action fresco, gone): what an action's link may name."""
        row = await self.store.board(board_id)
        if row is None or row.kind != "exploration":
            return None
        if not await within_reach(self.store, workshop_id, row.workshop_id):
            return None
        viewer = viewer_for(viewer, workshop_id, row.workshop_id)
        try:
            async with self.use(board_id) as room, room.lock:
                board = room.board
                if not isinstance(board, Board):  # pragma: no cover - the row said exploration
                    return None
                return frozenset(
                    item.id
                    for item in board.items.values()
                    if item.kind == "solution" and item_visible(board, item, viewer)
                )
        except BoardNotFound:  # erased meanwhile
            return None

    # -- what boards may reference -------------------------------------------------------------------------

    async def refs_of(self, workshop_id: str) -> Mapping[str, frozenset[str]]:
        """The refs of a board of this workshop: the catalogue's, and its custom pictograms as activities."""
        custom = {custom_ref(row.id) for row in await self.store.custom_pictograms(workshop_id)}
        now = time.monotonic()
        withdrawn = self._withdrawn | {ref for ref, until in self._withdrawn_elsewhere.items() if until > now}
        activities = self.refs.get("activity", frozenset()) | (custom - withdrawn)
        return {**self.refs, "activity": activities}

    async def refresh_refs(self, workshop_id: str) -> None:
        """The workshop's custom pictograms changed: its open rooms take the refs from the store again, on
        every process."""
        if self.node is not None:
            self.node.publish("refs", {"workshop": workshop_id})
        await self._refresh_refs_here(workshop_id)

    async def _refresh_refs_here(self, workshop_id: str) -> None:
        """Under the registry's lock, so a room being opened (which reads them too) is either done and
        updated here, or opens after and reads the new ones."""
        async with self._lock:
            refs = await self.refs_of(workshop_id)
            for room in self._rooms.values():
                if room.workshop_id == workshop_id and isinstance(room.board, Board):
                    room.board.refs = refs

    @asynccontextmanager
    async def withdrawing(self, workshop_id: str, ref: str, board_ids: list[str]) -> AsyncIterator[int]:
        """While a custom pictogram is being deleted: no board of the workshop takes `ref` anew, and this
        yields how many items of its boards use it now (a number that cannot grow meanwhile).

        When none does, each board's state is saved as its snapshot first, so that no opening ever replays a
        logged change that placed the picture (it would be refused once the picture is gone). On the way
        out the rooms read their refs from the store again: the ref is back if the picture was not deleted.
        """
        self._withdrawn.add(ref)
        if self.node is not None:  # the other processes' rooms stop taking it too
            self.node.publish("withdraw", {"workshop": workshop_id, "ref": ref})
        try:
            await self._refresh_refs_here(workshop_id)
            async with AsyncExitStack() as stack:
                rooms: list[Room] = []
                for board_id in board_ids:
                    try:
                        rooms.append(await stack.enter_async_context(self.use(board_id)))
                    except BoardNotFound:  # erased meanwhile
                        continue
                uses = 0
                for room in rooms:
                    async with room.lock:
                        if isinstance(room.board, Board):
                            uses += sum(1 for item in room.board.items.values() if item.ref == ref)
                if uses == 0:
                    for room in rooms:
                        await room.save_snapshot()
                yield uses
        finally:
            self._withdrawn.discard(ref)
            if self.node is not None:
                self.node.publish("withdrawn", {"workshop": workshop_id, "ref": ref})
            await self._refresh_refs_here(workshop_id)

    @asynccontextmanager
    async def erasing(self, board_ids: list[str], code: int, reason: str) -> AsyncIterator[None]:
        """While the boards' rows are deleted: no room opens for them, and their open rooms are closed.

        Each open room is marked stale under its own lock (a change being stored finishes first; none is
        taken after), its sockets are closed with `code` and `reason`, and nothing of it is saved again.
        The room object itself goes away when its last user lets go (`_release`).
        """
        async with self._lock:
            self._erasing.update(board_ids)
        if self.node is not None:  # the other processes close theirs and open none meanwhile
            self.node.publish("erase", {"boards": board_ids, "code": code, "reason": reason})
        await self._close_boards(board_ids, code, reason)
        try:
            yield
        finally:
            async with self._lock:
                self._erasing.difference_update(board_ids)

    async def _close_boards(self, board_ids: Iterable[str], code: int, reason: str) -> None:
        rooms = [self._rooms[b] for b in board_ids if b in self._rooms]
        for room in rooms:
            async with room.lock:
                room.stale = True
            room.shutdown()
            for conn in list(room.connections.values()):
                conn.close_soon(code, reason)

    # -- what the other processes tell (several processes, `fresque.cluster.node`) ---------------------------

    ELSEWHERE_SECONDS = 60.0  # how long an erasure or a withdrawal told by another process is kept here

    async def on_control(self, kind: str, body: dict[str, Any]) -> None:
        """A control message from another process: do here what it did there (never told on again)."""
        now = time.monotonic()
        until = now + self.ELSEWHERE_SECONDS
        for told in (self._erased_elsewhere, self._withdrawn_elsewhere):  # forget what has run out
            for key in [key for key, end in told.items() if end <= now]:
                del told[key]
        if kind == "disconnect":
            self._disconnect_here(body["participants"], int(body["code"]), str(body["reason"]))
        elif kind == "rename":
            self._rename_here(str(body["participant"]), str(body["alias"]))
        elif kind == "erase":
            for board_id in body["boards"]:
                self._erased_elsewhere[board_id] = until
            await self._close_boards(body["boards"], int(body["code"]), str(body["reason"]))
        elif kind in ("withdraw", "withdrawn", "refs"):
            if kind == "withdraw":
                self._withdrawn_elsewhere[str(body["ref"])] = until
            elif kind == "withdrawn":
                self._withdrawn_elsewhere.pop(str(body["ref"]), None)
            await self._refresh_refs_here(str(body["workshop"]))

    async def verify(self) -> None:
        """After Redis was unreachable (control messages may have been lost): close what PostgreSQL says is
        gone, the sockets of removed participants and the rooms of erased boards."""
        for room in list(self._rooms.values()):
            if await self.store.board(room.id) is None:
                await self._close_boards([room.id], CLOSE_WORKSHOP_ERASED, "workshop_erased")
        people = {conn.participant_id for conn in self._connections()}
        removed = []
        for participant_id in sorted(people):
            person = await self.store.person(participant_id)
            if person is None or person.removed_at is not None:
                removed.append(participant_id)
        if removed:
            self._disconnect_here(removed, CLOSE_REMOVED, "removed")

    # -- people across the rooms of a workshop (`fresque.api.participants`) --------------------------------

    def _connections(self, workshop_id: str | None = None) -> Iterable[Connection]:
        for room in list(self._rooms.values()):
            if workshop_id is None or room.workshop_id == workshop_id:
                yield from list(room.connections.values())

    def present(self, workshop_id: str) -> dict[str, list[str]]:
        """Who has a live socket on any open board of the workshop now: participant id → the device kinds of
        their sockets (one per socket that says its device, sorted; empty when none does)."""
        found: dict[str, list[str]] = {}
        for conn in self._connections(workshop_id):
            devices = found.setdefault(conn.participant_id, [])
            device = getattr(conn, "device", None)
            if device is not None:
                devices.append(str(device))
        return {pid: sorted(devices) for pid, devices in found.items()}

    async def present_everywhere(self, workshop_id: str) -> dict[str, list[str]]:
        """`present`, with the sockets the other processes hold (several processes)."""
        found = self.present(workshop_id)
        if self.node is None:
            return found
        for participant, devices in (await self.node.present_elsewhere(workshop_id)).items():
            found[participant] = sorted(found.get(participant, []) + devices)
        return found

    def left(self, conn: Connection) -> None:
        """A socket left its room (`Room.leave`): remember when, for the console's "last seen"."""
        self.departures.record(conn.participant_id)

    def last_seen(self, participant_id: str, stored: datetime | None = None) -> datetime | None:
        """When this participant's socket last left a board: the later of this process's departure not
        written yet and `stored` (the row's `last_seen`); None if neither knows."""
        return self.departures.latest(participant_id, stored)

    def disconnect_participants(self, participant_ids: Iterable[str], code: int, reason: str) -> int:
        """Close every live socket of these participants, on every board and every process, at once; returns
        how many on this process."""
        ids = set(participant_ids)
        if self.node is not None:
            self.node.publish("disconnect", {"participants": sorted(ids), "code": code, "reason": reason})
        return self._disconnect_here(ids, code, reason)

    def _disconnect_here(self, participant_ids: Iterable[str], code: int, reason: str) -> int:
        ids = set(participant_ids)
        closing = [conn for conn in self._connections() if conn.participant_id in ids]
        for conn in closing:
            conn.close_soon(code, reason)
        for conn in self._connections():  # a device that hosted them may no longer act for them (`as`)
            if conn.hosted & ids:
                conn.hosted = conn.hosted - ids
        return len(closing)

    def rename(self, participant_id: str, alias: str) -> int:
        """Live sockets of this participant take the new alias, and their rooms send the presence list again,
        on every process. Returns how many sockets were renamed on this one."""
        if self.node is not None:
            self.node.publish("rename", {"participant": participant_id, "alias": alias})
        return self._rename_here(participant_id, alias)

    def _rename_here(self, participant_id: str, alias: str) -> int:
        renamed = 0
        for room in list(self._rooms.values()):
            mine = [c for c in room.connections.values() if c.participant_id == participant_id]
            for conn in mine:
                conn.alias = alias
            if mine:
                room._list_pacer.request()
                renamed += len(mine)
        return renamed

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
                if self.node is not None:
                    await self.node.detach(room)

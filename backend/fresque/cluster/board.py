"""One open board's side of several-process mode: this process writes it (it holds the lease) or follows it.

- **Writing**: the room commits as with one process, each commit fenced by the lease's epoch
  (`Store.append_change(fence=…)`), then `committed` puts the change on the board's outbox stream for the
  other processes. Pushes forwarded by the other processes arrive on the board's inbox and are submitted as
  local ones, for a `Forwarded` stand-in of the socket.
- **Following**: a push from a local socket is put on the inbox, and its socket waits for the answer: the
  committed change itself (read from the outbox, it becomes the socket's ack), or a refusal sent back on this
  process's reply stream. Committed changes from the outbox are applied to this room's board as its opening
  replays the log, then sent to its sockets with each viewer's visibility.

PostgreSQL is the truth, Redis the fast path: a follower that finds a gap in the seqs, or whose board's head
stays ahead of it for a second (the writer died between its commit and its fan-out, Redis lost entries), reads
the missing changes from the op log. Changes are applied one at a time per board, in seq order (`_work`);
forwarded pushes are served in order per socket (`on_push`).
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections import deque
from typing import TYPE_CHECKING, Any

from ..db.leases import Held
from ..db.store import LoggedChange
from ..protocol import ProtocolError, Push, dumps, parse_client_message
from ..rooms.connection import CLOSE_SERVER_SHUTDOWN, CLOSE_WORKSHOP_ERASED, Connection
from ..rooms.forwarded import Forwarded
from ..rooms.room import Room
from . import streams
from .peers import frame

if TYPE_CHECKING:
    from .node import Node

log = logging.getLogger(__name__)

# A local socket's push waits this long for the writer's answer. Longer than a failover (the lease runs out
# 1.5 s after the writer's last renewal, then a process takes it within a tick) so that a push made while the
# writer dies is answered by the next one; past it the socket is closed and the client sends the push again
# when it reconnects (same op_id: applied once).
FORWARD_TIMEOUT = 5.0
# A pushed entry older than this is not applied: its socket was closed long ago and the client resends it.
INBOX_MAX_AGE_MS = 30_000
# How long a board's committed head may stay ahead of this room before the room reads the op log itself.
LAG_BEFORE_READ = 1.0
# Another process's list of who is here is forgotten when it has not been heard of for this long (it died).
ROSTER_EXPIRES = 10.0

Job = tuple[str, LoggedChange | None]  # ("change", the change) or ("catch_up", None)


class BoardLink:
    def __init__(self, node: Node, room: Room) -> None:
        self.node = node
        self.room = room
        self.writing = False
        self.fence: int | None = None  # the lease's epoch while writing
        self.held: Held | None = None
        self.read_after = room.seq  # the outbox's last seq read (following)
        self.inbox_after = "0-0"  # the inbox's last entry read (writing): from its start with a new lease
        self.ephemeral_after = node.stream_now()
        # Local sockets' pushes waiting for the writer, by (who made it, op_id): unique in the op log.
        self._pending: dict[tuple[str, str], tuple[Connection, asyncio.Future[None]]] = {}
        self._jobs: asyncio.Queue[Job] = asyncio.Queue()
        # Forwarded pushes waiting, per socket of another process (`on_push`), each served by its own task.
        self._senders: dict[tuple[str, str], deque[tuple[str, dict[str, str]]]] = {}
        self._sender_tasks: set[asyncio.Task[None]] = set()
        self._worker = asyncio.get_running_loop().create_task(self._work(), name=f"board-{room.id}")
        self._behind_since: float | None = None
        self._rosters: dict[str, tuple[float, list[dict[str, Any]]]] = {}  # process → (heard, entries)
        self._roster: list[dict[str, Any]] = []  # this process's, as last published
        self._sent = 0  # frames of cursors and drags this process sent for the board
        self._heard: dict[str, int] = {}  # process → the last of its frames passed on (`_fresh`)

    # -- writing or following --------------------------------------------------------------------------------

    def cursors(self) -> list[tuple[str, str]]:
        """The streams this board reads now, each with the last entry read."""
        mine = (
            (streams.inbox(self.room.id), self.inbox_after)
            if self.writing
            else (streams.outbox(self.room.id), f"{self.read_after}-0")
        )
        return [mine, (streams.ephemeral(self.room.id), self.ephemeral_after)]

    async def become_writer(self, held: Held) -> None:
        """The lease is ours: first everything committed before (the last writer can commit no more), then
        write."""
        async with self.room.lock:
            await self.catch_up()
            self.held, self.fence, self.writing = held, held.epoch, True
            self.inbox_after = "0-0"  # pushes the last writer left unanswered, as well as new ones
        log.info("board %s: writing it (epoch %d, seq %d)", self.room.id, held.epoch, self.room.seq)
        self.node.wake()

    async def lost(self) -> None:
        """The lease is someone else's now (a commit found the epoch moved on, or a renewal failed)."""
        if not self.writing:
            return
        self.writing, self.fence, self.held = False, None, None
        self.read_after = self.room.seq
        log.warning("board %s: lease lost at seq %d: following its new writer", self.room.id, self.room.seq)
        self.node.wake()

    def check_head(self, head: int) -> None:
        """The board's committed head, as PostgreSQL says (`Node`'s tick): read the op log when this room has
        stayed behind it for `LAG_BEFORE_READ`; a change in flight through Redis gets there first."""
        if self.writing or head <= self.room.seq:
            self._behind_since = None
            return
        now = time.monotonic()
        if self._behind_since is None:
            self._behind_since = now
        elif now - self._behind_since >= LAG_BEFORE_READ:
            self._behind_since = None
            self._jobs.put_nowait(("catch_up", None))

    # -- a push from a local socket, when another process writes ---------------------------------------------

    async def forward(self, conn: Connection | Forwarded, push: Push) -> None:
        if isinstance(conn, Forwarded):
            # Forwarded to us, and our lease moved on meanwhile: its entry stays in the inbox, where the new
            # writer reads it.
            return
        actor = push.as_ or conn.participant_id
        key = (actor, push.op_id)
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._pending[key] = (conn, future)
        self.node.xadd(
            streams.inbox(self.room.id),
            {
                "process": self.node.id,
                "conn": conn.id,
                "participant": conn.participant_id,
                "role": conn.role,
                "hosted": dumps({"ids": sorted(conn.hosted)}),
                "push": push.model_dump_json(by_alias=True, exclude_unset=True),
            },
            streams.INBOX_MAXLEN,
        )
        try:
            await asyncio.wait_for(asyncio.shield(future), FORWARD_TIMEOUT)
        except TimeoutError:
            log.warning("board %s: no writer answered push %s: the client will resend it", self.room.id, key)
            conn.close_soon(CLOSE_SERVER_SHUTDOWN, "board_moving")
        finally:
            if self._pending.get(key, (None, None))[1] is future:
                del self._pending[key]

    def on_reply(self, fields: dict[str, str]) -> None:
        """The writer's answer to a forwarded push that committed nothing: a refusal, a duplicate's ack."""
        waiting = self._pending.get((fields["actor"], fields["op_id"]))
        if waiting is None:
            return
        conn, future = waiting
        conn.send(fields["frame"])
        if not future.done():
            future.set_result(None)

    # -- what the streams bring, one job at a time -----------------------------------------------------------

    def on_change(self, entry_id: str, fields: dict[str, str]) -> None:
        change = streams.change_of(entry_id, fields)
        self.read_after = max(self.read_after, change.seq)
        self._jobs.put_nowait(("change", change))

    def on_push(self, entry_id: str, fields: dict[str, str]) -> None:
        """A forwarded push, queued behind the earlier ones of the same socket only: each remote socket waits
        for the room's lock in turn with the local ones, as on one process, rather than all of them behind
        one queue (after a failover, the pushes of every socket that had been forwarded came one commit in
        seven, local sockets taking the rest)."""
        self.inbox_after = entry_id
        sender = (fields.get("process", ""), fields.get("conn", ""))
        waiting = self._senders.get(sender)
        if waiting is None:
            waiting = self._senders[sender] = deque()
            task = asyncio.get_running_loop().create_task(self._serve_sender(sender, waiting))
            self._sender_tasks.add(task)
            task.add_done_callback(self._sender_tasks.discard)
        waiting.append((entry_id, fields))

    async def _serve_sender(
        self, sender: tuple[str, str], waiting: deque[tuple[str, dict[str, str]]]
    ) -> None:
        try:
            while waiting:
                entry_id, fields = waiting[0]
                try:
                    await self._on_push(entry_id, fields)
                except Exception:
                    log.exception("board %s: a forwarded push failed", self.room.id)
                waiting.popleft()
        finally:  # no await since the queue was seen empty: nothing was added meanwhile
            del self._senders[sender]

    async def _work(self) -> None:
        while True:
            kind, change = await self._jobs.get()
            try:
                if change is not None:
                    await self._on_change(change)
                else:
                    async with self.room.lock:
                        if not self.writing:
                            await self.catch_up()
            except Exception:
                log.exception("board %s: %s from another process failed", self.room.id, kind)

    async def _on_change(self, change: LoggedChange) -> None:
        async with self.room.lock:
            if self.writing or change.seq <= self.room.seq:
                return
            if change.seq > self.room.seq + 1:  # entries were lost or trimmed: the op log has them
                await self.catch_up()
                return
            self._apply(change)

    async def catch_up(self) -> None:
        """Read what this room misses from the op log (under the room's lock)."""
        changes = await self.node.leases.changes_after(self.room.id, self.room.seq)
        if changes is None:  # compacted under a newer snapshot: the board whole
            await self._reload()
            return
        for change in changes:
            self._apply(change)

    def _apply(self, change: LoggedChange) -> None:
        waiting = self._pending.get((change.author_id, change.op_id))
        origin = waiting[0] if waiting is not None and not waiting[0].closed else None
        self.room.apply_committed(change, origin)
        self.read_after = max(self.read_after, change.seq)
        if waiting is not None and not waiting[1].done():
            waiting[1].set_result(None)

    async def _reload(self) -> None:
        fresh = await Room.open(self.room.store, self.room.id, self.node.refs_of, self.room.settings)
        if fresh is None:  # erased
            self.room.stale = True
            for conn in list(self.room.connections.values()):
                conn.close_soon(CLOSE_WORKSHOP_ERASED, "board_erased")
            return
        fresh.shutdown()
        self.room.adopt(fresh)
        self.read_after = self.room.seq

    async def _on_push(self, entry_id: str, fields: dict[str, str]) -> None:
        if not self.writing:  # the lease moved on: the entry stays for the writer
            return
        if time.time() * 1000 - int(entry_id.split("-", 1)[0]) > INBOX_MAX_AGE_MS:
            self.node.forget(streams.inbox(self.room.id), entry_id)
            return
        try:
            push = parse_client_message(fields["push"])
            hosted = frozenset(json.loads(fields["hosted"])["ids"])
        except (ProtocolError, KeyError, ValueError):
            log.error("board %s: unreadable forwarded push %s dropped", self.room.id, entry_id)
            self.node.forget(streams.inbox(self.room.id), entry_id)
            return
        if not isinstance(push, Push):
            return
        process, actor = fields["process"], push.as_ or fields["participant"]

        def answer(frame: str) -> None:
            self.node.reply(process, self.room.id, actor, push.op_id, frame)

        sender = Forwarded(
            connection_id=fields["conn"],
            participant_id=fields["participant"],
            role=fields["role"],
            hosted=hosted,
            answer=answer,
        )
        await self.room.submit(sender, push)
        if self.writing:  # answered: no later writer needs to see it again
            self.node.forget(streams.inbox(self.room.id), entry_id)

    def committed(self, change: LoggedChange) -> None:
        """A change this process committed (writing): to the other processes, in seq order."""
        entry_id, fields = streams.change_entry(change)
        self.node.xadd(streams.outbox(self.room.id), fields, streams.OUT_MAXLEN, entry_id=entry_id)

    def origin_of(self, actor: str, op_id: str) -> Connection | None:
        """The local socket waiting for this push, if any (it was forwarded while another process wrote, and
        this one took the lease before its answer came): it is answered here, by the room, now."""
        waiting = self._pending.pop((actor, op_id), None)
        if waiting is None:
            return None
        conn, future = waiting
        if not future.done():
            future.set_result(None)
        return None if conn.closed else conn

    # -- who is here, cursors and drags ----------------------------------------------------------------------

    def ephemeral(self, updates: list[dict[str, Any]]) -> None:
        """Cursors and drags, to the processes with sockets on this board: straight to each when every one of
        them has a direct link (`peers.py`), else through the board's ephemeral stream (each process then
        keeps the first copy of a frame it gets twice, `_fresh`)."""
        self._sent += 1
        body = dumps({"updates": updates})
        peers = self.node.peers
        now = time.monotonic()
        # the processes with sockets on the board (one whose sockets all left said so: an empty roster)
        others = [p for p, (heard, here) in self._rosters.items() if here and now - heard < ROSTER_EXPIRES]
        if peers is not None and others:
            line = frame(self.room.id, self._sent, body)
            sent = [peers.send(process, line) for process in others]
            if all(sent):
                return
        self.node.xadd(
            streams.ephemeral(self.room.id),
            {"process": self.node.id, "kind": "updates", "n": str(self._sent), "body": body},
            streams.EPHEMERAL_MAXLEN,
        )

    def on_direct(self, process: str, n: int, updates: list[Any]) -> None:
        """A frame of cursors and drags from another process, over a direct link."""
        if self._fresh(process, n):
            self.room.send_ephemeral(updates)

    def _fresh(self, process: str, n: int) -> bool:
        """Whether frame `n` of `process` is newer than every one of its frames heard so far: an older one
        (a copy through Redis of a frame the direct link brought first) would move a cursor back."""
        if n <= self._heard.get(process, 0):
            return False
        self._heard[process] = n
        return True

    def roster(self, entries: list[dict[str, Any]], *, again: bool = False) -> None:
        """This process's sockets of the board (as the presence list names them), to the others: when it
        changes, and again now and then (`again`) so that the others can tell a process that died."""
        if entries == self._roster and not again:
            return
        self._roster = entries
        self.node.xadd(
            streams.ephemeral(self.room.id),
            {"process": self.node.id, "kind": "roster", "body": dumps({"here": entries})},
            streams.EPHEMERAL_MAXLEN,
        )
        self.node.here_changed(self.room.workshop_id)

    def remote_rosters(self) -> list[dict[str, Any]]:
        now = time.monotonic()
        fresh = [entries for heard, entries in self._rosters.values() if now - heard < ROSTER_EXPIRES]
        return [entry for entries in fresh for entry in entries]

    def on_ephemeral(self, entry_id: str, fields: dict[str, str]) -> None:
        self.ephemeral_after = entry_id
        if fields.get("process") == self.node.id:
            return
        try:
            body = json.loads(fields["body"])
        except (KeyError, ValueError):
            return
        if fields.get("kind") == "updates":
            n = fields.get("n", "")
            if not n.isdigit() or self._fresh(fields["process"], int(n)):
                self.room.send_ephemeral(body["updates"])
        elif fields.get("kind") == "roster":
            newcomer = fields["process"] not in self._rosters
            self._rosters[fields["process"]] = (time.monotonic(), body["here"])
            self.room._list_pacer.request()
            if newcomer and self._roster:  # it learns of this process now, not at the next heartbeat
                self.roster(self._roster, again=True)

    def heartbeat(self) -> None:
        """Now and then (`Node`'s tick): say again who is here, and forget processes not heard of."""
        if self._roster or self.room.connections:
            self.roster(self._roster, again=True)
        now = time.monotonic()
        gone = [p for p, (heard, _e) in self._rosters.items() if now - heard >= ROSTER_EXPIRES]
        for process in gone:
            del self._rosters[process]
        if gone:
            self.room._list_pacer.request()

    # -- closing ---------------------------------------------------------------------------------------------

    async def close(self) -> None:
        self._worker.cancel()
        for task in list(self._sender_tasks):
            task.cancel()
        for _conn, future in self._pending.values():
            if not future.done():
                future.cancel()
        if self._roster:
            self.roster([])
        if self.writing and self.held is not None:
            held, self.writing = self.held, False
            try:
                await self.node.leases.release(held)
            except Exception:  # it runs out by itself within the lease's length
                log.exception("board %s: could not release its lease", self.room.id)

"""A room: one open board, its connected sockets, and the single writer that sequences its changes.

A change's trip: `submit` takes the room's lock (one writer per board), applies the ops to the in-memory
board inside a transaction, commits them to the op log with the next seq, and only then acknowledges the
sender and queues the change for everyone else. If anything refuses (a board rule, the database), the
transaction undoes the in-memory change and nothing was sent to anyone.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable, Mapping
from typing import TYPE_CHECKING, Any

from ..boards import AnyBoard, state_from_snapshot
from ..changes import KnownSolutions, apply_batch, apply_op, linked_boards, names_question, reveals, stamp
from ..config import Settings
from ..core.errors import RuleError
from ..core.visibility import (
    Viewer,
    drag_visible,
    ephemeral_for,
    leaves_out_anything,
    op_visible,
    snapshot_for,
)
from ..db.store import BoardRow, DuplicateOp, HeadMoved, LoggedChange, Store
from ..protocol import (
    PROTOCOL_VERSION,
    BoardUpdate,
    Hello,
    Presence,
    Push,
    dumps,
    op_list_adapter,
    op_to_json,
)
from ..roles import facilitates
from ..study_scope import question_ids
from .connection import CLOSE_PROTOCOL_MISMATCH, Connection
from .forwarded import Forwarded

if TYPE_CHECKING:
    from ..cluster.board import BoardLink

log = logging.getLogger(__name__)

DELTA_MAX_BYTES = 256 * 1024
# Presence lists sent per second, counted in sockets served: a list goes to every socket and names everyone,
# so a room of N costs N frames of N names per list. Up to 33 sockets a room keeps `presence_hz`; a bigger
# room gets fewer lists a second (200 sockets: one every 0.2 s), so that a crowd arriving or leaving at once
# costs O(N) bytes a second rather than O(N²) (the reconnect storm's second cost, docs/performance.md).
LIST_SOCKETS_PER_SECOND = 1000
NOBODY = Viewer(people=frozenset())  # what anyone at all may be sent


def now_ms() -> int:
    return time.time_ns() // 1_000_000


def viewer_of(conn: Connection | Forwarded) -> Viewer:
    return Viewer(people=conn.hosted | {conn.participant_id}, facilitating=facilitates(conn.role))


def encode_change(change: LoggedChange) -> str:
    # `ops` is already canonical JSON text (as stored), so the frame is spliced rather than re-encoded.
    head = dumps({"type": "change", "seq": change.seq, "op_id": change.op_id, "author": change.author_id})
    return f'{head[:-1]},"ops":{change.ops}}}'


def resync_frame(seq: int, snapshot: str) -> str:
    """A viewer's whole board at `seq` (`snapshot`: JSON text, spliced rather than re-encoded)."""
    return f'{dumps({"type": "resync", "seq": seq})[:-1]},"snapshot":{snapshot}}}'


def replay(board: AnyBoard, change: LoggedChange) -> list[Any]:
    """A logged change applied to `board` as it was committed (an opening's tail, another process's
    change): its ops are the canonical ones the writer kept, so no rule refuses them twice."""
    ops = op_list_adapter.validate_json(change.ops)
    with board.transaction():
        for op in ops:
            apply_op(board, op, change.author_id)
    return ops


def renames(push: Push) -> bool:
    return any(isinstance(op, BoardUpdate) and op.title is not None for op in push.ops)


async def _no_solutions(_workshop: str, _board: str, _viewer: Viewer) -> frozenset[str] | None:
    return None


class Room:
    def __init__(
        self,
        row: BoardRow,
        board: AnyBoard,
        *,
        seq: int,
        snapshot_seq: int,
        recent: list[LoggedChange],
        store: Store,
        settings: Settings,
    ) -> None:
        self.id = row.id
        self.workshop_id = row.workshop_id
        self.kind = row.kind
        self.board = board
        self.seq = seq
        self.snapshot_seq = snapshot_seq
        self.store = store
        self.settings = settings
        self.connections: dict[str, Connection] = {}
        self.lock = asyncio.Lock()
        self._recent: deque[tuple[int, str]] = deque(
            ((c.seq, encode_change(c)) for c in recent), maxlen=settings.resync_window
        )
        self._snapshot_cache: tuple[int, str] | None = None
        self._leaves_out_cache: tuple[int, bool] | None = None
        self._presence: dict[str, dict[str, Any]] = {}
        self._presence_pacer = Pacer(settings.presence_hz, self._flush_presence)
        self._list_pacer = Pacer(settings.presence_hz, self._send_presence_list)
        self.stale = False
        # Told when a socket leaves (the registry keeps the console's "last seen" with it).
        self.on_leave: Callable[[Connection], None] = lambda _conn: None
        # An action fresco's links: the solutions a viewer sees on an exploration board of the workshop,
        # None for a board that is not one (set by the registry, which can open the other board).
        self.solutions_for: Callable[[str, str, Viewer], Awaitable[frozenset[str] | None]] = _no_solutions
        # Several processes (`fresque.cluster`): this board's link to the others; None for one process, where
        # this room always writes.
        self.link: BoardLink | None = None

    # -- opening ------------------------------------------------------------------------------------------

    @classmethod
    async def open(
        cls,
        store: Store,
        board_id: str,
        refs_of: Callable[[str], Awaitable[Mapping[str, frozenset[str]]]],
        settings: Settings,
    ) -> Room | None:
        """Load a board: its snapshot, then the changes after it; `refs_of(workshop_id)`: what it may name."""
        stored = await store.load_board(board_id)
        if stored is None:
            return None
        if stored.snapshot is None:
            raise RuntimeError(f"board {board_id} has no snapshot")
        refs = await refs_of(stored.row.workshop_id)
        board = state_from_snapshot(stored.row.kind, json.loads(stored.snapshot), refs, settings)
        for change in stored.tail:
            replay(board, change)
        seq = stored.tail[-1].seq if stored.tail else stored.snapshot_seq
        if seq != stored.row.head_seq:
            raise RuntimeError(f"board {board_id}: log ends at {seq} but head is {stored.row.head_seq}")
        return cls(
            stored.row,
            board,
            seq=seq,
            snapshot_seq=stored.snapshot_seq,
            recent=stored.tail[-settings.resync_window :],
            store=store,
            settings=settings,
        )

    # -- joining and leaving ------------------------------------------------------------------------------

    async def hello(self, conn: Connection, hello: Hello) -> bool:
        """Answer a hello; returns False when the client must go (protocol mismatch)."""
        if hello.protocol != PROTOCOL_VERSION:
            conn.send(
                dumps(
                    {
                        "type": "error",
                        "code": "protocol_mismatch",
                        "message": f"this server speaks protocol {PROTOCOL_VERSION}: reload the page",
                        "server_protocol": PROTOCOL_VERSION,
                    }
                )
            )
            conn.close_soon(CLOSE_PROTOCOL_MISMATCH, "protocol_mismatch", flush=True)
            return False
        async with self.lock:  # no change may slip in between the resync and `ready`
            last = hello.last_seq
            if last is not None and last > self.seq and self.link is not None:
                # Several processes: the client saw a change on another process that has not reached this
                # one yet; the op log has it.
                await self.link.catch_up()
            if last is not None and last > self.seq:
                conn.send(
                    dumps(
                        {
                            "type": "error",
                            "code": "seq_from_future",
                            "message": f"this board is at seq {self.seq}, not {last}: here it is whole",
                        }
                    )
                )
                last = None
            conn.device = hello.device
            conn.send(self._welcome(conn, last))
            conn.ready = True
            self.connections[conn.id] = conn
            self._list_pacer.request()
        return True

    def _welcome(self, conn: Connection, last: int | None) -> str:
        head = {
            "type": "welcome",
            "protocol": PROTOCOL_VERSION,
            "board": {"id": self.id, "workshop": self.workshop_id, "kind": self.kind},
            "you": {
                "participant": conn.participant_id,
                "alias": conn.alias,
                "role": conn.role,
                "connection": conn.id,  # so the page can tell its own ephemeral updates from its other tabs'
            },
            "seq": self.seq,
            "server_time": now_ms(),
        }
        viewer = viewer_of(conn)
        sees_all = viewer.facilitating or not self._leaves_out()
        # The raw changes hold what this viewer may not see: while anything is left out, a snapshot.
        frames = self._missed_since(last) if last is not None and sees_all else None
        if frames is not None:
            head["resync"] = "delta"
            return f'{dumps(head)[:-1]},"changes":[{",".join(frames)}]}}'
        head["resync"] = "snapshot"
        return f'{dumps(head)[:-1]},"snapshot":{self._snapshot_for(viewer, sees_all)}}}'

    def _missed_since(self, last: int) -> list[str] | None:
        """The changes after `last`, or None when a snapshot serves better: the gap is older than what we keep
        in memory, or the changes weigh more than `DELTA_MAX_BYTES` (then the board itself is smaller)."""
        if last == self.seq:
            return []
        if not self._recent or self._recent[0][0] > last + 1:
            return None
        frames: list[str] = []
        size = 0
        for seq, frame in reversed(self._recent):
            if seq <= last:
                break
            size += len(frame)
            if size > DELTA_MAX_BYTES:
                return None
            frames.append(frame)
        frames.reverse()
        return frames

    def _leaves_out(self) -> bool:
        """`leaves_out_anything`, which walks every item, once per seq: the board changes only by committed
        changes (a refused one is undone before the lock is let go), and a reconnect storm asks it 200 times
        at one seq."""
        if self._leaves_out_cache is None or self._leaves_out_cache[0] != self.seq:
            self._leaves_out_cache = (self.seq, leaves_out_anything(self.board))
        return self._leaves_out_cache[1]

    def _snapshot(self) -> str:
        if self._snapshot_cache is None or self._snapshot_cache[0] != self.seq:
            self._snapshot_cache = (self.seq, dumps(self.board.to_snapshot()))
        return self._snapshot_cache[1]

    def _snapshot_for(self, viewer: Viewer, sees_all: bool) -> str:
        return self._snapshot() if sees_all else dumps(snapshot_for(self.board, viewer))

    def leave(self, conn: Connection) -> None:
        if self.connections.pop(conn.id, None) is None:
            return
        self._presence[conn.id] = {"participant": conn.participant_id, "connection": conn.id, "gone": True}
        self.on_leave(conn)
        self._presence_pacer.request()
        self._list_pacer.request()

    def _send_presence_list(self) -> None:
        """Who is here, to everyone. Arrivals and departures only ask for it (`_list_pacer`): a crowd arriving
        at once gets one list per tick, each holding everyone who arrived so far, rather than a list per
        arrival to everyone (200 arrivals would be 40,000 frames of up to 200 names)."""
        here: dict[str, dict[str, Any]] = {}
        for c in self.connections.values():
            entry = here.setdefault(
                c.participant_id,
                {"participant": c.participant_id, "alias": c.alias, "role": c.role, "connections": 0},
            )
            entry["connections"] += 1
        if self.link is not None:  # and who is here through the other processes
            self.link.roster([dict(entry) for entry in here.values()])  # copies: the merge below adds to them
            for remote in self.link.remote_rosters():
                entry = here.setdefault(remote["participant"], {**remote, "connections": 0})
                entry["connections"] += remote["connections"]
        frame = dumps(
            {"type": "presence_list", "participants": sorted(here.values(), key=lambda e: e["alias"])}
        )
        for c in self.connections.values():
            c.send(frame)
        self._list_pacer.period = max(
            1.0 / self.settings.presence_hz, len(self.connections) / LIST_SOCKETS_PER_SECOND
        )

    # -- durable changes ----------------------------------------------------------------------------------

    async def submit(self, conn: Connection | Forwarded, push: Push) -> None:
        if self.link is not None and not self.link.writing:  # another process writes this board
            await self.link.forward(conn, push)
            return
        if await self._write(conn, push) and self.link is not None:  # the lease moved while we wrote
            await self.link.forward(conn, push)

    async def _write(self, conn: Connection | Forwarded, push: Push) -> bool:
        """Apply, commit and acknowledge one push; True when this process turned out not to write the board
        any more (several processes: its lease moved on), the push neither applied nor answered."""
        actor, role = conn.participant_id, conn.role
        # Made for a hosted person: their identity and role, from their host's device.
        if push.as_ is not None:
            if not await self._may_act_for(conn, push.as_):
                conn.send(
                    self._reject(push.op_id, "not_your_member", "this device does not host that person")
                )
                return False
            actor, role = push.as_, "participant"
        # Links to residents' solutions are checked against the exploration boards as they are now, looked up
        # before taking this room's lock (another room's lock is taken meanwhile, never both at once). A
        # solution deleted between the lookup and the commit leaves a link the sources page shows as gone.
        links = None
        named = linked_boards(push.ops)
        asks = names_question(push.ops)  # and the questions de travail of the study (issue 13)
        if named or asks:
            viewer = viewer_of(conn)
            links = KnownSolutions(
                {board: await self.solutions_for(self.workshop_id, board, viewer) for board in sorted(named)},
                questions=await question_ids(self.store, self.workshop_id) if asks else None,
            )
        async with self.lock:
            if conn.closed or self.stale:
                return False
            if self.link is not None and not self.link.writing:  # the lease moved while we waited
                return True
            seq = self.seq + 1
            try:
                with self.board.transaction():
                    # As kept: timer ops stamped with the server's time, action dates snapped to the scale.
                    stamped = stamp(push.ops, now_ms())
                    ops = apply_batch(self.board, stamped, actor, role, viewer_of(conn), links)
                    ops_json = dumps([op_to_json(op) for op in ops])  # type: ignore[arg-type]
                    change = LoggedChange(seq, push.op_id, actor, ops_json)
                    snapshot = None
                    if seq - self.snapshot_seq >= self.settings.snapshot_every:
                        snapshot = dumps(self.board.to_snapshot())
                    await self.store.append_change(
                        self.id,
                        change,
                        snapshot=snapshot,
                        compact_before=seq - self.settings.log_keep if snapshot else None,
                        title=self.board.settings.title if renames(push) else None,
                        fence=None if self.link is None else self.link.fence,
                    )
            except RuleError as refusal:
                # A resent op may now break a rule (its item exists already): it is a duplicate, not an error.
                earlier = await self.store.receipt(self.id, actor, push.op_id)
                if earlier is not None:
                    conn.send(self._ack(push.op_id, earlier, duplicate=True))
                else:
                    conn.send(self._reject(push.op_id, refusal.code, refusal.message))
                return False
            except DuplicateOp as dup:
                conn.send(self._ack(push.op_id, dup.seq, duplicate=True))
                return False
            except HeadMoved:
                if self.link is not None:  # our lease was taken (we were paused, or cut off): follow now
                    log.warning("board %s: lease lost at seq %d; following its new writer", self.id, seq)
                    await self.link.lost()
                    return True
                log.error("board %s: another writer advanced the head; closing this room", self.id)
                self.stale = True
                conn.send(self._reject(push.op_id, "board_moved", "this board moved: reconnect"))
                return False
            except Exception:
                log.exception("board %s: could not store change %s", self.id, push.op_id)
                conn.send(self._reject(push.op_id, "storage_unavailable", "the change could not be saved"))
                return False
            self.seq = seq
            if snapshot is not None:
                self.snapshot_seq = seq
            frame = encode_change(change)
            self._recent.append((seq, frame))
            # The sender learns what the server completed or snapped (`ack.ops`); else its ops stand as sent.
            completed = any(kept is not sent for kept, sent in zip(ops, push.ops, strict=True))
            sender: Connection | Forwarded | None = conn
            if isinstance(conn, Forwarded):
                # Its ack is the change itself, fanned out to its process; unless that is this one: a local
                # socket's push forwarded while another process wrote, come back through the inbox.
                sender = self.link.origin_of(actor, push.op_id) if self.link is not None else None
            if sender is not None and not isinstance(sender, Forwarded):
                sender.send(self._ack(push.op_id, seq, ops=ops_json if completed else None))
            self._broadcast(sender, change, frame, resync=reveals(ops))
            if self.link is not None:
                self.link.committed(change)
        return False

    def apply_committed(self, change: LoggedChange, origin: Connection | None) -> None:
        """A change another process committed (several processes): into this board as a room's opening
        replays it, then out to this room's sockets as `submit` sends its own. `origin` is the local socket
        that asked for it, which gets its ack (with the ops as stored) rather than the change."""
        ops = replay(self.board, change)
        self.seq = change.seq
        frame = encode_change(change)
        self._recent.append((change.seq, frame))
        if origin is not None:
            origin.send(self._ack(change.op_id, change.seq, ops=change.ops))
        self._broadcast(origin, change, frame, resync=reveals(ops))

    def adopt(self, fresh: Room) -> None:
        """Take a freshly loaded board's state (several processes: the changes missed could not be read one
        by one any more); every socket gets it whole, as after a reveal."""
        self.board, self.seq, self.snapshot_seq = fresh.board, fresh.seq, fresh.snapshot_seq
        self._recent = fresh._recent
        self._snapshot_cache = self._leaves_out_cache = None
        sees_all = not self._leaves_out()
        for conn in self.connections.values():
            viewer = viewer_of(conn)
            snapshot = self._snapshot_for(viewer, sees_all or viewer.facilitating)
            conn.send(resync_frame(self.seq, snapshot))

    async def _may_act_for(self, conn: Connection | Forwarded, person: str) -> bool:
        if person in conn.hosted:
            return True
        found = await self.store.host_of(person)
        if found is None or found[0] != self.workshop_id or found[1] is None:
            return False
        if found[1] != conn.participant_id and not facilitates(conn.role):  # facilitators share paper people
            return False
        conn.hosted = conn.hosted | {person}
        return True

    def _broadcast(
        self, sender: Connection | Forwarded | None, change: LoggedChange, frame: str, *, resync: bool
    ) -> None:
        """Send a committed change to every other socket, each with what it may see (`core.visibility`).

        The common case (nothing left out for anyone) sends the one shared frame. Otherwise each kind of
        viewer (facilitating, or a set of people) gets its frame made once; after a change that shows or
        hides things, the non-facilitating sockets get the change without ops, then their own snapshot."""
        ops: list[dict[str, Any]] | None = None
        created: set[str] = set()
        public = False
        if not resync:
            ops = json.loads(change.ops)
            created = {o["id"] for o in ops if o["op"] in ("item.create", "thread.create")}
            public = all(op_visible(self.board, o, change.author_id, NOBODY, created) for o in ops)
        made: dict[frozenset[str], tuple[str, str | None]] = {}
        for other in self.connections.values():
            if other is sender or not other.ready:
                continue
            if public:  # the common case: no per-socket work at all
                other.send(frame)
                continue
            viewer = viewer_of(other)
            if viewer.facilitating:
                other.send(frame)
                continue
            if viewer.people not in made:
                made[viewer.people] = self._frames_for(change, frame, ops, created, viewer)
            own, extra = made[viewer.people]
            other.send(own)
            if extra is not None:
                other.send(extra)

    def _frames_for(
        self,
        change: LoggedChange,
        frame: str,
        ops: list[dict[str, Any]] | None,
        created: set[str],
        viewer: Viewer,
    ) -> tuple[str, str | None]:
        head = {"type": "change", "seq": change.seq, "op_id": change.op_id, "author": change.author_id}
        if ops is None:  # a reveal: the snapshot that follows carries everything
            # Once nothing is left out (the usual reveal), every socket gets the one cached snapshot: a room
            # of 200 would otherwise cost 200 snapshots of the board in one go.
            whole = not self._leaves_out()
            snapshot = self._snapshot() if whole else dumps(snapshot_for(self.board, viewer))
            return dumps({**head, "ops": []}), resync_frame(change.seq, snapshot)
        shown = [o for o in ops if op_visible(self.board, o, change.author_id, viewer, created)]
        if len(shown) == len(ops):
            return frame, None
        if not shown:
            # Nothing of it is sent (a hidden vote, a card of someone's private round): nor whose it was,
            # nor its op_id (made from the sender's client id). Only its seq, which keeps the log gapless.
            return dumps({"type": "change", "seq": change.seq, "ops": []}), None
        return dumps({**head, "ops": shown}), None

    @staticmethod
    def _ack(op_id: str, seq: int, duplicate: bool = False, ops: str | None = None) -> str:
        message: dict[str, Any] = {"type": "ack", "op_id": op_id, "seq": seq}
        if duplicate:
            message["duplicate"] = True
        if ops is not None:  # the ops as stored (canonical JSON text, spliced in)
            return f'{dumps(message)[:-1]},"ops":{ops}}}'
        return dumps(message)

    @staticmethod
    def _reject(op_id: str, code: str, message: str) -> str:
        return dumps({"type": "reject", "op_id": op_id, "code": code, "message": message})

    async def save_snapshot(self) -> None:
        """Store the current state so that the next opening replays nothing (called when the room empties)."""
        async with self.lock:
            if self.seq > self.snapshot_seq and not self.stale:
                # Several processes: any of them holds the state at its seq; stored only while that is the
                # head, so that a process behind never puts an older snapshot over a newer one.
                if await self.store.save_snapshot(
                    self.id,
                    self.seq,
                    dumps(self.board.to_snapshot()),
                    self.seq - self.settings.log_keep,
                    at_head=self.link is not None,
                ):
                    self.snapshot_seq = self.seq

    # -- the ephemeral lane -------------------------------------------------------------------------------

    def presence(self, conn: Connection, message: Presence) -> None:
        if conn.role == "observer":  # a projector has no pointer to show
            return
        update: dict[str, Any] = {"participant": conn.participant_id, "connection": conn.id}
        if message.cursor is not None:
            update["cursor"] = {"x": message.cursor.x, "y": message.cursor.y}
        if message.drag is not None:
            update["drag"] = {"item": message.drag.item, "x": message.drag.x, "y": message.drag.y}
        if message.view is not None and facilitates(conn.role):  # what followers are shown
            update["view"] = message.view.model_dump()
        self._presence[conn.id] = update  # a newer position replaces one not yet sent
        self._presence_pacer.request()

    def _flush_presence(self) -> None:
        if not self._presence:
            return
        updates = list(self._presence.values())
        self._presence.clear()
        if self.link is not None:  # the sockets of this board on the other processes see them too
            self.link.ephemeral(updates)
        self.send_ephemeral(updates)

    def send_ephemeral(self, updates: list[dict[str, Any]]) -> None:
        """Cursors, drags and views to this room's sockets, each socket what it may see."""
        frame = dumps({"type": "ephemeral", "updates": updates})
        dragged = {u["drag"]["item"] for u in updates if "drag" in u}
        if all(drag_visible(self.board, item, NOBODY) for item in dragged):  # the common case: one frame
            for c in self.connections.values():
                c.send_ephemeral(frame)
            return
        # A card someone may not see is being dragged (a private round, a hidden card): each socket gets the
        # updates it may see (`core.visibility.ephemeral_for`), one frame per set of cards left out (a private
        # round's drags make a few such sets, not one per participant).
        made: dict[frozenset[str], str] = {frozenset(): frame}
        for c in self.connections.values():
            viewer = viewer_of(c)
            unseen = frozenset(i for i in dragged if not drag_visible(self.board, i, viewer))
            if unseen not in made:
                shown = ephemeral_for(self.board, updates, viewer)
                made[unseen] = dumps({"type": "ephemeral", "updates": shown})
            c.send_ephemeral(made[unseen])

    def shutdown(self) -> None:
        self._presence_pacer.cancel()
        self._list_pacer.cancel()


class Pacer:
    """Runs `action` when asked, at most `hz` times a second (plus one catch-up, below): at once when the last
    run is long enough ago (the first request after a quiet spell goes at once), else on a timer, once for
    all the requests made meanwhile.

    - The pace is kept from when each run was due, not when it happened: timers fire late, and counting from
      the late time would push every following run later and later.
    - A run may come up to half a period early, so that a client sending at exactly `hz`, whose messages
      arrive a little early or late as networks and timers go, is never held back. On a strict grid every
      message that came early waited for the grid's next point (drag previews at 30 Hz, 50 receivers:
      p99 1.89 → 1.62 ms, medians of 6 runs).
    - Catching up: when two messages arrive together (a stall, a network burst), the second waits half a
      period, and a client sending at exactly `hz` is from then on out of step with the grid: every one of
      its messages would wait as long (measured: three 45 ms stalls in a 5 s run took the previews' p50 from
      1.0 to 29.9 ms). So when the last run came from the timer carrying a single request (someone out of
      step, not someone sending faster than the pace), the next request goes at once and the pace restarts
      from it; at most once a second, so the rate stays within one run a second of `hz`.
    """

    CATCH_UP_EVERY = 1.0  # seconds

    def __init__(self, hz: float, action: Callable[[], None]) -> None:
        self.period = 1.0 / hz
        self.action = action
        self._due = 0.0  # when the next run is due, on the loop's clock
        self._timer: asyncio.TimerHandle | None = None
        self._asked = 0  # requests since the last run
        self._out_of_step = False
        self._caught_up = float("-inf")

    def request(self) -> None:
        self._asked += 1
        if self._timer is not None:  # a run is coming: it will take this request too
            return
        loop = asyncio.get_running_loop()
        now = loop.time()
        earliest = self._due - self.period / 2
        if now >= earliest:
            self._run(max(self._due, now))
        elif self._out_of_step and now - self._caught_up >= self.CATCH_UP_EVERY:
            self._caught_up = now
            self._run(now)
        else:
            self._timer = loop.call_at(earliest, self._on_timer)

    def _on_timer(self) -> None:
        self._timer = None
        self._run(max(self._due, asyncio.get_running_loop().time()), out_of_step=self._asked == 1)

    def _run(self, start: float, *, out_of_step: bool = False) -> None:
        self._asked = 0
        self._out_of_step = out_of_step
        try:
            self.action()
        finally:  # after the action, which may change `period` (the presence list's, by the room's size)
            self._due = start + self.period

    def cancel(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

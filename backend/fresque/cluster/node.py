"""This process among the others (several-process mode, docs/scale-out.md).

- **One reading loop** (`_read`): a single blocking `XREAD` over every stream this process needs now: its own
  reply stream, the control stream, and for each open board its outbox (following) or its inbox (writing) and
  its ephemeral stream. A board that starts or stops being read wakes the loop with an entry on the reply
  stream, so the new key is read at once.
- **One sending loop** (`_send`): every entry this process adds goes through one queue, pipelined in order, so
  that a board's changes leave in seq order and a socket's answers in the order they were made.
- **A tick** (`_tick`, every `TICK` s): renew the leases of the boards this process writes (one statement),
  take the expired leases of the boards it follows (one statement), compare followed boards with their
  committed heads (one query), and say again who is here.
- **Control messages** on `fresque:control`: a participant removed (their sockets close everywhere, 4401), a
  workshop erased (4004), custom pictures added or deleted, a participant renamed.

While Redis is unreachable every call fails fast (bounded timeouts, no retries inside redis-py): commits go on
(PostgreSQL), followers read the op log each tick, forwarded pushes time out and their clients send them
again. When Redis answers again the loops resume by themselves, and every open socket is checked against
PostgreSQL, since control messages may have been lost meanwhile.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import secrets
import socket
import time
from collections.abc import Callable, Coroutine, Mapping
from typing import TYPE_CHECKING, Any, cast

from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import ResponseError
from sqlalchemy.ext.asyncio import AsyncConnection

from ..db.leases import Leases
from ..db.store import Store
from ..protocol import dumps
from ..rooms.room import Room
from . import streams
from .board import BoardLink
from .peers import ADDRESS_EXPIRES_MS as PEER_EXPIRES_MS
from .peers import Peers
from .peers import key as peers_key

if TYPE_CHECKING:
    from ..rooms.registry import Rooms

log = logging.getLogger(__name__)

Command = tuple[str, ...]  # one Redis command's words

Read = tuple[str, list[tuple[str, dict[str, str]]]]  # a stream's key, and its entries (id, fields) read

# A writer that stops renewing (killed, paused, cut off) loses its boards at most LEASE_SECONDS after its
# last renewal, and another process takes each within a TICK: a failover within 2 s of the writer's death,
# before clients reconnect. A live writer renews every tick, so it keeps its lease through stalls of up to
# LEASE_SECONDS - TICK (a long pause costs the lease, never correctness: commits are fenced).
LEASE_SECONDS = 1.5
TICK = 0.25
HEADS_EVERY = 4  # ticks: followed boards' heads read once a second
HEARTBEAT_EVERY = 12  # ticks: who is here, said again every 3 s
HERE_EXPIRES = 10.0  # seconds: another process's sockets in a workshop, forgotten when not said again
BLOCK_MS = 1000
RETRY_SECONDS = 0.5


def _client(url: str, timeout: float) -> Redis:
    return Redis.from_url(
        url,
        decode_responses=True,
        socket_connect_timeout=0.5,
        socket_timeout=timeout,
        retry=Retry(NoBackoff(), 0),
        health_check_interval=0,
    )


class Node:
    def __init__(self, redis_url: str, store: Store, *, peers: tuple[str, int] | None = None) -> None:
        self.id = f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"
        self.store = store
        self.leases = Leases(store.engine, self.id, LEASE_SECONDS)
        self.redis = _client(redis_url, 1.0)
        self.reader = _client(redis_url, BLOCK_MS / 1000 + 2.0)
        self.links: dict[str, BoardLink] = {}
        self.rooms: Rooms | None = None  # set by the registry that uses this node
        self._outgoing: asyncio.Queue[Command] = asyncio.Queue()
        self._written: set[str] = set()  # keys added to since their expiry was last pushed back
        self._replies_after = "0-0"
        self._control_after = self.stream_now()
        self._tasks: list[asyncio.Task[None]] = []
        self._down = False
        self._here_dirty: set[str] = set()
        self._quiet_until = 0.0
        self._background_tasks: set[asyncio.Task[None]] = set()
        self._alive: AsyncConnection | None = None  # holds this process's advisory lock (`Leases.hold_alive`)
        # Direct links for cursors and drags (`peers.py`), when on: (host, port) this process listens on.
        self.peers = None if peers is None else Peers(self.id, *peers, self._on_peer_frame, self._peer_entry)

    @staticmethod
    def stream_now() -> str:
        """An entry id of about now: what a reader that needs only what follows starts from."""
        return f"{time.time_ns() // 1_000_000}-0"

    async def start(self) -> None:
        # Before any lease is taken: without it, the others would take this process for dead.
        self._alive = await self.leases.hold_alive(None)
        if self.peers is not None:
            await self.peers.start()
            self._publish_peer()
        loop = asyncio.get_running_loop()
        for work in (self._read, self._send, self._tick):
            self._tasks.append(loop.create_task(work(), name=f"cluster-{work.__name__}"))
        log.info("several-process mode: this process is %s", self.id)

    async def close(self) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        if self.peers is not None:
            await self.peers.close()
        await self.redis.aclose()
        await self.reader.aclose()
        if self._alive is not None:  # its advisory lock goes with it
            await self._alive.close()

    # -- open boards -----------------------------------------------------------------------------------------

    async def attach(self, room: Room) -> None:
        """A board opened here: write it if nobody does, else follow its writer."""
        link = BoardLink(self, room)
        room.link = link
        self.links[room.id] = link
        taken = await self.leases.take([room.id])
        if taken:
            await link.become_writer(taken[0])
        self.wake()

    async def detach(self, room: Room) -> None:
        link = self.links.get(room.id)
        if link is not None and link.room is room:  # not a newer room of the same board
            del self.links[room.id]
            await link.close()
            self.wake()

    async def refs_of(self, workshop_id: str) -> Mapping[str, frozenset[str]]:
        assert self.rooms is not None
        return await self.rooms.refs_of(workshop_id)

    # -- what this process adds to the streams ---------------------------------------------------------------

    def xadd(self, key: str, fields: dict[str, str], maxlen: int, *, entry_id: str = "*") -> None:
        words = [word for pair in fields.items() for word in pair]
        self._outgoing.put_nowait(("XADD", key, "MAXLEN", "~", str(maxlen), entry_id, *words))
        self._written.add(key)

    def _publish_peer(self) -> None:
        """Where the others reach this process directly, said again every heartbeat (it expires)."""
        assert self.peers is not None
        entry = self.peers.entry()
        self._outgoing.put_nowait(("SET", peers_key(self.id), entry, "PX", str(PEER_EXPIRES_MS)))

    async def _peer_entry(self, key: str) -> str | None:
        found = await self.redis.get(key)
        return found if isinstance(found, str) else None

    def _on_peer_frame(self, process: str, board_id: str, n: int, updates: list[Any]) -> None:
        link = self.links.get(board_id)
        if link is not None:
            link.on_direct(process, n, updates)

    def forget(self, key: str, entry_id: str) -> None:
        """Delete one answered push from a board's inbox: a new writer reads the inbox from its start, and
        must find there only the pushes still waiting."""
        self._outgoing.put_nowait(("XDEL", key, entry_id))

    def reply(self, process: str, board_id: str, actor: str, op_id: str, frame: str) -> None:
        fields = {"kind": "reply", "board": board_id, "actor": actor, "op_id": op_id, "frame": frame}
        self.xadd(streams.replies(process), fields, streams.REPLIES_MAXLEN)

    def wake(self) -> None:
        """The streams to read changed: the reading loop, blocked in XREAD, returns and reads them."""
        self.xadd(streams.replies(self.id), {"kind": "wake"}, streams.REPLIES_MAXLEN)

    def publish(self, kind: str, body: dict[str, Any]) -> None:
        """A control message to every other process (`Rooms.on_control` there)."""
        self.xadd(
            streams.CONTROL, {"process": self.id, "kind": kind, "body": dumps(body)}, streams.CONTROL_MAXLEN
        )

    def here_changed(self, workshop_id: str) -> None:
        self._here_dirty.add(workshop_id)

    async def present_elsewhere(self, workshop_id: str) -> dict[str, list[str]]:
        """Who has sockets in the workshop on the other processes: participant id → their devices."""
        try:
            found = await self.redis.hgetall(streams.here(workshop_id))
        except Exception:
            return {}
        people: dict[str, list[str]] = {}
        for process, value in found.items():
            if process == self.id:
                continue
            said = json.loads(value)
            if time.time() - said["at"] > HERE_EXPIRES:
                continue
            for participant, devices in said["people"].items():
                people.setdefault(participant, []).extend(devices)
        return people

    async def _send(self) -> None:
        """Every command this process sends, in order. One waiting goes alone as a plain command (half the
        time of a one-command pipeline in redis-py: 0.30 against 0.60 ms from XADD to a reader's XREAD, p50);
        several go in one pipeline."""
        while True:
            batch = [await self._outgoing.get()]
            while not self._outgoing.empty() and len(batch) < 512:
                batch.append(self._outgoing.get_nowait())
            try:
                if len(batch) == 1:
                    results: list[object] = [await self.redis.execute_command(*batch[0])]  # type: ignore[no-untyped-call]
                else:
                    async with self.redis.pipeline(transaction=False) as pipe:
                        for command in batch:
                            pipe.execute_command(*command)
                        results = await pipe.execute(raise_on_error=False)
            except asyncio.CancelledError:
                raise
            except ResponseError as refused:  # a change already added (its seq is not above the top)
                results = [refused]
            except Exception as exc:  # dropped: PostgreSQL has the changes, clients resend their pushes
                self._lost_redis(exc)
                continue
            for result in results:
                if isinstance(result, Exception):
                    log.debug("Redis refused an entry: %s", result)

    def _push_back_expiry(self) -> None:
        """Everything this process wrote lives an hour after its last entry (a board no longer used costs
        Redis nothing); pushed back every few seconds for the keys written since, not at every entry."""
        written, self._written = self._written, set()
        for key in sorted(written):
            self._outgoing.put_nowait(("PEXPIRE", key, str(streams.EXPIRE_MS)))

    # -- the reading loop ------------------------------------------------------------------------------------

    async def _read(self) -> None:
        while True:
            wanted: dict[str, str] = {streams.replies(self.id): self._replies_after}
            wanted[streams.CONTROL] = self._control_after
            route: dict[str, Callable[[str, dict[str, str]], None]] = {}
            for link in list(self.links.values()):
                for key, after in link.cursors():
                    wanted[key] = after
                    route[key] = self._router(link, key)
            try:
                read = await self.reader.xread(wanted, count=256, block=BLOCK_MS)  # type: ignore[arg-type]
                answer = cast(list[Read], read or [])  # RESP2 with decode_responses: lists of str
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                self._lost_redis(exc)
                await asyncio.sleep(RETRY_SECONDS)
                continue
            if self._down:
                self._down = False
                log.warning("Redis reachable again: boards are shared through it again")
                if self.rooms is not None:
                    self._background(self.rooms.verify())
            # This process's own replies first: a refusal is older than any change read with it.
            for key, entries in sorted(answer, key=lambda pair: pair[0] != streams.replies(self.id)):
                for entry_id, fields in entries:
                    if key == streams.replies(self.id):
                        self._replies_after = entry_id
                        self._on_reply(fields)
                    elif key == streams.CONTROL:
                        self._control_after = entry_id
                        self._on_control(fields)
                    elif key in route:
                        route[key](entry_id, fields)

    @staticmethod
    def _router(link: BoardLink, key: str) -> Callable[[str, dict[str, str]], None]:
        board_id = link.room.id
        if key == streams.outbox(board_id):
            return link.on_change
        if key == streams.inbox(board_id):
            return link.on_push
        return link.on_ephemeral

    def _on_reply(self, fields: dict[str, str]) -> None:
        if fields.get("kind") != "reply":
            return
        link = self.links.get(fields["board"])
        if link is not None:
            link.on_reply(fields)

    def _on_control(self, fields: dict[str, str]) -> None:
        if fields.get("process") == self.id or self.rooms is None:
            return
        try:
            body = json.loads(fields["body"])
        except (KeyError, ValueError):
            return
        self._background(self.rooms.on_control(fields.get("kind", ""), body))

    def _background(self, work: Coroutine[Any, Any, None]) -> None:
        """Run `work` beside the reading loop (which must not wait on a room's lock), keeping hold of it."""
        task = asyncio.get_running_loop().create_task(work)
        self._background_tasks.add(task)
        task.add_done_callback(self._background_tasks.discard)

    def _lost_redis(self, exc: BaseException) -> None:
        if not self._down:
            self._down = True
            log.warning(
                "Redis unreachable (%s): changes still commit; other processes' sockets catch up from "
                "PostgreSQL until it is back",
                type(exc).__name__,
            )

    # -- the tick --------------------------------------------------------------------------------------------

    async def _tick(self) -> None:
        count = 0
        while True:
            await asyncio.sleep(TICK)
            count += 1
            try:
                await self._leases()
                if count % HEADS_EVERY == 0:
                    await self._heads()
                if count % HEARTBEAT_EVERY == 0:
                    for link in list(self.links.values()):
                        link.heartbeat()
                    if self.peers is not None:
                        self._publish_peer()
                    self._push_back_expiry()
                    self._here_dirty.update(link.room.workshop_id for link in self.links.values())
                if self._here_dirty:
                    await self._say_here()
            except asyncio.CancelledError:
                raise
            except Exception:  # PostgreSQL unreachable: commits are fenced, nothing to undo; said every 10 s
                if time.monotonic() >= self._quiet_until:
                    self._quiet_until = time.monotonic() + 10.0
                    log.exception("several-process tick failed; trying again every %.1f s", TICK)

    async def _leases(self) -> None:
        self._alive = await self.leases.hold_alive(self._alive)
        writing = [link.held for link in self.links.values() if link.writing and link.held is not None]
        kept = await self.leases.renew(writing)
        for held in writing:
            link = self.links.get(held.board_id)
            if held.board_id not in kept and link is not None and link.held is held:
                await link.lost()
        following = [board_id for board_id, link in self.links.items() if not link.writing]
        dead = await self.leases.dead(following) if following else []
        for held in await self.leases.take(following, dead):
            link = self.links.get(held.board_id)
            if link is None:  # closed meanwhile: let it go at once
                await self.leases.release(held)
            else:
                await link.become_writer(held)

    async def _heads(self) -> None:
        following = [board_id for board_id, link in self.links.items() if not link.writing]
        for board_id, head in (await self.leases.heads(following)).items():
            link = self.links.get(board_id)
            if link is not None:
                link.check_head(head)

    async def _say_here(self) -> None:
        """This process's sockets in each workshop that changed, for the console of any process."""
        dirty, self._here_dirty = self._here_dirty, set()
        if self.rooms is None:
            return
        try:
            async with self.redis.pipeline(transaction=False) as pipe:
                for workshop_id in dirty:
                    people = self.rooms.present(workshop_id)
                    key = streams.here(workshop_id)
                    if people:
                        pipe.hset(key, self.id, json.dumps({"at": time.time(), "people": people}))
                        pipe.pexpire(key, streams.EXPIRE_MS)
                    else:
                        pipe.hdel(key, self.id)
                await pipe.execute(raise_on_error=False)
        except Exception as exc:  # said again at the next heartbeat
            self._lost_redis(exc)

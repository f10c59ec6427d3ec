"""The physical-limit baseline: the least a WebSocket server can do and still speak enough of the protocol.

Every text frame from a client goes, unchanged, to every other client of the same path with
`websockets.broadcast`. Answers are what a trivial server would make: `hello` gets a `welcome` carrying the
`ops` frames it logged after `last_seq` (all of them without one), and `ops` gets an `ack` with the next
seq. No validation, no storage, no batching, no compression.

    python benchmarks/relay.py --port 8766
"""

from __future__ import annotations

import argparse
import asyncio
import json
from collections import defaultdict
from dataclasses import dataclass, field

import websockets
from websockets.asyncio.server import ServerConnection, serve


@dataclass
class Room:
    clients: set[ServerConnection] = field(default_factory=set)
    log: list[str] = field(default_factory=list)  # every `ops` frame, seq = position + 1


rooms: defaultdict[str, Room] = defaultdict(Room)


async def handler(ws: ServerConnection) -> None:
    room = rooms[ws.request.path if ws.request else "/"]
    room.clients.add(ws)
    try:
        async for frame in ws:
            message = json.loads(frame)
            kind = message.get("type")
            if kind == "hello":
                changes = ",".join(room.log[message.get("last_seq") or 0 :])
                await ws.send(f'{{"type":"welcome","seq":{len(room.log)},"changes":[{changes}]}}')
                continue
            if kind == "ops":
                room.log.append(str(frame))
                await ws.send(
                    f'{{"type":"ack","op_id":{json.dumps(message["op_id"])},"seq":{len(room.log)}}}'
                )
            websockets.broadcast((c for c in room.clients if c is not ws), frame)
    except websockets.ConnectionClosed:
        pass
    finally:
        room.clients.discard(ws)


async def main(port: int) -> None:
    async with serve(handler, "127.0.0.1", port, compression=None, max_size=2**24, backlog=2048) as server:
        print(f"relay listening on {port}", flush=True)
        await server.serve_forever()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8766)
    asyncio.run(main(parser.parse_args().port))

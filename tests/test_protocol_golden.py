"""The protocol's published parts cannot drift: the JSON Schemas are regenerated and compared, and golden
exchanges are replayed against a real server, message for message."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fresque import export, protocol
from support.client import BoardClient
from support.server import ServerProcess
from support.workshop import Workshop

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "tests" / "fixtures" / "protocol"
EXCHANGES = json.loads((FIXTURES / "exchanges.json").read_text())["exchanges"]
# On an action fresco (board kind `actions`): a file of their own, since the browser's exploration replica
# (tests/js/replay.test.mjs) replays the first file.
ACTION_EXCHANGES = json.loads((FIXTURES / "action_exchanges.json").read_text())["exchanges"]


@pytest.mark.parametrize(
    "path, generate",
    [("docs/protocol.schema.json", protocol.json_schema), ("docs/export.schema.json", export.json_schema)],
)
def test_committed_schema_matches_the_models(path: str, generate: Any) -> None:
    committed = json.loads((REPO / path).read_text())
    module = Path(path).stem.split(".")[0]
    assert committed == json.loads(json.dumps(generate())), (
        f"{path} is out of date: regenerate it with `python -m fresque.{module} > {path}`"
    )


def substitute(value: Any, names: dict[str, str]) -> Any:
    if isinstance(value, str) and value.startswith("$"):
        return names[value[1:]]
    if isinstance(value, dict):
        return {k: substitute(v, names) for k, v in value.items()}
    if isinstance(value, list):
        return [substitute(v, names) for v in value]
    return value


@pytest.mark.parametrize(
    "exchange", EXCHANGES + ACTION_EXCHANGES, ids=[e["name"] for e in EXCHANGES + ACTION_EXCHANGES]
)
async def test_golden_exchange(sqlite_server: ServerProcess, exchange: dict[str, Any]) -> None:
    workshop = Workshop.create(sqlite_server)
    board = workshop.board_id
    if exchange.get("board") == "actions":
        made = sqlite_server.post(
            f"/api/workshops/{workshop.id}/boards",
            {"kind": "actions", "title": "Plan"},
            workshop.facilitator_token,
        )
        board = made.json()["id"]
    clients: dict[str, BoardClient] = {
        "amina": workshop.client("Amina", board_id=board),
        "karim": workshop.client("Karim", board_id=board),
    }
    for client in clients.values():
        await client.connect()
        client.replica = None  # raw sends bypass the replica's bookkeeping; only the wire is checked here
    names = {name: client.participant for name, client in clients.items()}
    for step in exchange["steps"]:
        if "send" in step:
            await clients[step["from"]].send(step["send"])
        elif "send_raw" in step:
            await clients[step["from"]].send_raw(step["send_raw"])
        else:
            got = await clients[step["to"]].drain_until_board_message()
            assert got == substitute(step["expect"], names)
    for client in clients.values():
        assert await client.drain(0.2) == []
        await client.close()

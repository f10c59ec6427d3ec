"""A workshop on a running server, with a facilitator and residents, and clients for its board."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

from .client import BoardClient
from .server import ServerProcess

_ids = itertools.count(1)


def new_item_id(prefix: str = "item") -> str:
    return f"{prefix}-{next(_ids):06d}"


@dataclass
class Workshop:
    server: ServerProcess
    data: dict[str, Any]
    residents: dict[str, dict[str, Any]] = field(default_factory=dict)

    @classmethod
    def create(cls, server: ServerProcess, residents: tuple[str, ...] = ("Amina", "Karim")) -> Workshop:
        workshop = cls(server, server.create_workshop())
        for alias in residents:
            workshop.residents[alias] = server.join(workshop.data["join_code_display"], alias)
        return workshop

    @property
    def id(self) -> str:
        return str(self.data["workshop"]["id"])

    @property
    def board_id(self) -> str:
        return str(self.data["board"]["id"])

    @property
    def facilitator_token(self) -> str:
        return str(self.data["facilitator"]["token"])

    def token(self, alias: str) -> str:
        return str(self.residents[alias]["token"])

    def client(self, alias: str | None = None, board_id: str | None = None) -> BoardClient:
        token = self.facilitator_token if alias is None else self.token(alias)
        return BoardClient(self.server.ws_url(board_id or self.board_id), self.server.origin, token)

    def export(self, board_id: str | None = None) -> dict[str, Any]:
        response = self.server.get(f"/api/boards/{board_id or self.board_id}/export", self.facilitator_token)
        assert response.status_code == 200, response.text
        data: dict[str, Any] = response.json()
        return data


def activity(
    item_id: str, *, ref: str = "go-to-work", day: str = "mon", x: float = 100, y: float = 100
) -> dict[str, Any]:
    return {
        "op": "item.create",
        "id": item_id,
        "kind": "activity",
        "x": x,
        "y": y,
        "ref": ref,
        "cell": {"day": day},
    }


def difficulty(item_id: str, *, ref: str = "equipment", severity: str = "difficile") -> dict[str, Any]:
    return {
        "op": "item.create",
        "id": item_id,
        "kind": "difficulty",
        "x": 300,
        "y": 100,
        "ref": ref,
        "severity": severity,
    }


def solution(item_id: str, *, text: str = "Un atelier le samedi") -> dict[str, Any]:
    return {"op": "item.create", "id": item_id, "kind": "solution", "x": 500, "y": 100, "text": text}


def note(item_id: str, text: str = "Bonjour") -> dict[str, Any]:
    return {"op": "item.create", "id": item_id, "kind": "note", "x": 10, "y": 10, "text": text}


def thread(thread_id: str, source: str, target: str) -> dict[str, Any]:
    return {"op": "thread.create", "id": thread_id, "source": source, "target": target}

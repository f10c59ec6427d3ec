"""The board as a structured, versioned JSON document: what the city's diagnostic reads, and what
`POST /api/boards/import` takes back. `docs/export.schema.json` is generated from `ExportDocument`
(`python -m fresque.export`); a test fails when it drifts.

Upgrading: when the format changes, `FORMAT_VERSION` goes up and `upgrade_document` learns to bring an older
document to the current version, so that every export ever made stays importable.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Annotated, Any, Literal, cast

from pydantic import BaseModel, ConfigDict, Field

from . import __version__
from .core.board import PHASES, Board
from .people import NEIGHBOURHOOD_MAX, PROFILE_FIELDS, AgeBand, Fragility, Language
from .profiles import display_colour
from .protocol import CellModel, Coord, Id, ItemKind, PhaseId, Ref, Severity, Size
from .roles import Role

FORMAT_VERSION = 1

Text = Annotated[str, Field(max_length=20_000)]
ParticipantId = Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]{1,32}$")]


class Closed(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class Generator(Closed):
    name: str
    version: str


class WorkshopInfo(Closed):
    id: str
    title: str
    neighbourhood: str | None = None
    date: str | None = None


class BoardInfo(Closed):
    id: str
    kind: Literal["exploration", "actions"]
    title: str
    seq: int


class PrivateRound(Closed):
    active: bool
    round: Annotated[int, Field(ge=0)]


class TimerState(Closed):
    """In milliseconds: running while `ends_at` (server clock) is set, paused while `remaining` is."""

    duration: Annotated[int, Field(ge=0)]
    ends_at: Annotated[int, Field(ge=0)] | None = None
    remaining: Annotated[int, Field(ge=0)] | None = None


class BoardSettings(Closed):
    """The board's settings and where the facilitation stood (absent in older exports: the defaults)."""

    vote_budget: Annotated[int, Field(ge=0, le=50)]
    phases: Annotated[list[PhaseId], Field(min_length=1, max_length=8)] = Field(
        default_factory=lambda: cast("list[PhaseId]", list(PHASES))
    )
    phase: PhaseId | None = None
    locked: bool = False
    votes_hidden: bool = False
    private: PrivateRound = Field(default_factory=lambda: PrivateRound(active=False, round=0))
    timer: TimerState | None = None
    spotlight: Id | None = None
    follow: ParticipantId | None = None


class ParticipantEntry(Closed):
    """A participant: who they are on the board, their optional profile (present only when given), the person
    hosting them (a table screen's member, someone taking part on paper) and whether they were removed."""

    id: ParticipantId
    alias: Annotated[str, Field(min_length=1, max_length=80)]
    role: Role
    colour: Annotated[str, Field(pattern=r"^[a-z]{1,16}$")] | None = None
    language: Language | None = None
    neighbourhood: Annotated[str, Field(min_length=1, max_length=NEIGHBOURHOOD_MAX)] | None = None
    age_band: AgeBand | None = None
    fragility: Fragility | None = None
    consent: bool | None = None
    host: ParticipantId | None = None
    removed: bool = False


class ItemEntry(Closed):
    id: Id
    kind: ItemKind
    author: ParticipantId
    x: Coord
    y: Coord
    w: Size | None = None
    h: Size | None = None
    ref: Ref | None = None
    cell: CellModel | None = None
    text: Text | None = None
    severity: Severity | None = None
    hidden: bool = False  # hidden by a facilitator (moderation): kept, shown to facilitators only
    round: Annotated[int, Field(ge=1)] | None = None  # made during this private round


class ThreadEntry(Closed):
    id: Id
    source: Id
    target: Id
    author: ParticipantId


class VoteEntry(Closed):
    participant: ParticipantId
    item: Id
    count: Annotated[int, Field(ge=1, le=50)]


class VoteTotal(Closed):
    item: Id
    count: int


class Votes(Closed):
    by_participant: list[VoteEntry]
    totals: list[VoteTotal]


class RefEntry(Closed):
    """What an item's `ref` names. A catalogue pictogram has `picture` (its OpenMoji hexcode); a workshop's
    own picture (`custom:<id>`) has `picture_url` instead (served to the workshop's members while the
    picture exists) and its `category`."""

    kind: Literal["activity", "difficulty", "touchpoint", "solution"]
    labels: dict[str, str]
    picture: str | None = None
    picture_url: str | None = None
    category: str | None = None


class CatalogueInfo(Closed):
    version: int
    attribution: dict[str, str]
    refs: dict[str, RefEntry]


class ExportDocument(Closed):
    """A whole board. Items, threads and votes are sorted by id so that two exports of one state are equal."""

    format_version: Literal[1]
    generator: Generator
    exported_at: str
    workshop: WorkshopInfo
    board: BoardInfo
    settings: BoardSettings
    participants: list[ParticipantEntry]
    items: Annotated[list[ItemEntry], Field(max_length=100_000)]
    threads: Annotated[list[ThreadEntry], Field(max_length=100_000)]
    votes: Votes
    # Ids of deleted items and threads: an id is never reused on a board, also after a re-import.
    deleted: list[Id]
    catalogue: CatalogueInfo


def participant_entry(person: Any) -> dict[str, Any]:
    """A `ParticipantEntry` from a `fresque.db.store.PersonRow`: profile fields only when not null."""
    entry: dict[str, Any] = {
        "id": person.id,
        "alias": person.alias,
        "role": person.role,
        "colour": display_colour(person.id, person.role, person.colour),
    }
    for name in PROFILE_FIELDS:
        value = getattr(person, name)
        if value is not None:
            entry[name] = value
    entry["host"] = person.host_id
    entry["removed"] = person.removed_at is not None
    return entry


def build_export(
    *,
    board: Board,
    board_info: dict[str, Any],
    workshop: dict[str, Any],
    participants: list[dict[str, Any]],
    catalogue: Any,
    custom: Mapping[str, Mapping[str, Any]] | None = None,
) -> dict[str, Any]:
    """`custom`: the workshop's own pictures by ref (`custom:<id>`), as `RefEntry` fields."""
    snapshot = board.to_snapshot()
    refs: dict[str, Any] = {}
    for item in snapshot["items"]:
        ref = item.get("ref")
        entry = catalogue.get(ref) if ref else None
        if entry is not None:
            refs[ref] = {"kind": entry.kind, "labels": dict(entry.labels), "picture": entry.picture}
        elif ref and custom and ref in custom:
            refs[ref] = dict(custom[ref])
    totals = board.vote_totals()
    return {
        "format_version": FORMAT_VERSION,
        "generator": {"name": "fresque", "version": __version__},
        "exported_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "workshop": {k: workshop.get(k) for k in ("id", "title", "neighbourhood", "date")},
        "board": board_info,
        "settings": {k: v for k, v in snapshot["settings"].items() if k != "title"},
        "participants": participants,
        "items": snapshot["items"],
        "threads": snapshot["threads"],
        "votes": {
            "by_participant": snapshot["votes"],
            "totals": [{"item": k, "count": totals[k]} for k in sorted(totals)],
        },
        "deleted": snapshot["deleted"],
        "catalogue": {
            "version": catalogue.version,
            "attribution": dict(catalogue.picture_set),
            "refs": {k: refs[k] for k in sorted(refs)},
        },
    }


def upgrade_document(raw: dict[str, Any]) -> dict[str, Any]:
    """Bring an older export to the current format. Version 1 is the first: nothing to upgrade yet."""
    return raw


def snapshot_of(document: ExportDocument, author_map: dict[str, str]) -> dict[str, Any]:
    """The board-state part of a document, in `Board.from_snapshot` form, with participant ids remapped."""

    def who(pid: str) -> str:
        return author_map.get(pid, pid)

    return {
        "settings": {
            **document.settings.model_dump(),
            "title": document.board.title,
            "follow": who(document.settings.follow) if document.settings.follow else None,
        },
        "items": [
            {**item.model_dump(exclude_none=True), "author": who(item.author)} for item in document.items
        ],
        "threads": [{**t.model_dump(), "author": who(t.author)} for t in document.threads],
        "votes": [
            {**v.model_dump(), "participant": who(v.participant)} for v in document.votes.by_participant
        ],
        "deleted": list(document.deleted),
    }


def json_schema() -> dict[str, Any]:
    schema = ExportDocument.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "Fresque board export"
    return schema


if __name__ == "__main__":  # pragma: no cover - `python -m fresque.export > docs/export.schema.json`
    json.dump(json_schema(), sys.stdout, indent=2, ensure_ascii=False, sort_keys=True)
    sys.stdout.write("\n")

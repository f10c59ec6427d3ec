"""The shape of a board's snapshot, as `welcome.snapshot` and `resync.snapshot` carry it, by kind of board.

The snapshot itself is made by the core (`Board.to_snapshot` / `ActionBoard.to_snapshot`, then
`core.visibility` for what a viewer may see); these models only describe it, so that
`docs/protocol.schema.json` publishes it (`snapshot.exploration`, `snapshot.actions`) and a client written
from the docs need not guess. Tests check the docs' example and a real server's snapshots against that
schema. On an exploration board an item's absent optional property is left out (never sent as `null`);
settings always carry every key, and an action always carries every fiche field.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, TypeAdapter

from .export import ActionBoardSettings, ActionEntry
from .protocol import CellModel, Coord, Id, ItemKind, Millis, Model, PhaseId, Ref, Severity, Size

Count = Annotated[int, Field(ge=0)]


class TimerState(Model):
    """Running when `ends_at` is set (ms since 1970), paused when `remaining` is set (ms)."""

    duration: Count
    ends_at: Millis | None
    remaining: Count | None


class PrivateRound(Model):
    active: bool
    round: Count  # how many private rounds were opened on this board


class ExplorationSettings(Model):
    title: str
    vote_budget: Count
    phases: list[PhaseId]
    phase: PhaseId | None
    locked: bool
    votes_hidden: bool
    private: PrivateRound
    timer: TimerState | None
    spotlight: str | None  # an item id
    follow: str | None  # a participant id


class SnapshotItem(Model):
    id: Id
    kind: ItemKind
    author: str  # a participant id
    x: Coord
    y: Coord
    w: Size | None = None
    h: Size | None = None
    ref: Ref | None = None
    cell: CellModel | None = None
    text: str | None = None
    severity: Severity | None = None
    hidden: Literal[True] | None = None  # only present (true) on a hidden card, sent to facilitators only
    round: Annotated[int, Field(ge=1)] | None = None  # made during that private round


class SnapshotThread(Model):
    id: Id
    source: Id
    target: Id
    author: str


class SnapshotVote(Model):
    participant: str
    item: Id
    count: Annotated[int, Field(ge=1)]


class ExplorationSnapshot(Model):
    settings: ExplorationSettings
    items: list[SnapshotItem]  # by id
    threads: list[SnapshotThread]  # by id
    votes: list[SnapshotVote]  # by participant, then item; while votes are hidden, only the viewer's own
    deleted: list[str]  # retired ids: never reused


# The action fresco's snapshot has the shape of its export's parts (`fresque.export`, which describes every
# fiche field): the settings with the board's title, the actions as exported (links without the reader's
# `board_title` and `label`), votes and retired ids as on exploration boards.


class ActionsSettings(ActionBoardSettings):
    title: str


class ActionsSnapshot(Model):
    settings: ActionsSettings
    actions: list[ActionEntry]  # by id
    votes: list[SnapshotVote]
    deleted: list[str]


def json_schema() -> dict[str, Any]:
    return {
        "exploration": TypeAdapter(ExplorationSnapshot).json_schema(),
        "actions": TypeAdapter(ActionsSnapshot).json_schema(),
    }

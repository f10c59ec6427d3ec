"""The whole wire protocol of `/ws/boards/{id}`, defined once.

Every message a browser may send is a pydantic model here, strict (no coercion), closed (`extra="forbid"`)
and bounded (finite numbers in a range, short strings, short lists). The JSON Schema in
`docs/protocol.schema.json` is generated from these models (`python -m fresque.protocol`); a test fails when
it drifts. `docs/protocol.md` explains the exchanges.

Parsing is strict before pydantic sees anything: `NaN`/`Infinity`, duplicate keys and absurd nesting are
refused, because one NaN relayed to browsers poisons their `JSON.parse`, and duplicate keys mean two readers
can see two different messages.
"""

from __future__ import annotations

import json
import sys
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

# The vocabularies the rules define (kinds, severities, days, slots, steps, roles): one definition each,
# re-exported for the models' importers.
from .core.action_settings import ActionPhaseId as ActionPhaseId
from .core.board import Day as Day
from .core.board import ItemKind as ItemKind
from .core.board import PhaseId as PhaseId
from .core.board import Severity as Severity
from .core.board import Slot as Slot
from .roles import Role as Role

PROTOCOL_VERSION = 1

# Ids are made by clients (so that a change made offline can name the item it creates) and checked here.
Id = Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]{6,64}$")]
OpId = Annotated[str, Field(pattern=r"^[A-Za-z0-9_.:-]{1,80}$")]
Coord = Annotated[float, Field(ge=-1_000_000, le=1_000_000, allow_inf_nan=False)]
Size = Annotated[float, Field(ge=1, le=100_000, allow_inf_nan=False)]
# A catalogue id, or `custom:` and the id of one of the workshop's own pictures (`fresque.uploads`).
Ref = Annotated[str, Field(pattern=r"^(?:[a-z0-9][a-z0-9-]{0,63}|custom:[0-9a-f]{32})$")]
# Length and characters of free text are a board rule (core.text); this bound only caps the parser's work.
Text = Annotated[str, Field(max_length=20_000)]
Seq = Annotated[int, Field(ge=0, le=2**53 - 1)]
# Either board's steps; each board refuses the other's (`invalid_phase`).
AnyPhaseId = PhaseId | ActionPhaseId
# A year-month; the month's range and the timeline's bounds are board rules (`core.timeline.parse_month`).
YearMonth = Annotated[str, Field(pattern=r"^[0-9]{4}-[0-9]{2}$")]
# An entry of an action fresco's lists: lanes, axes, series, target groups, organisations.
ChoiceId = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,39}$")]
ChoiceLabel = Annotated[str, Field(min_length=1, max_length=80)]
Device = Literal["phone", "tablet", "desktop", "screen"]
Millis = Annotated[int, Field(ge=0, le=2**53 - 1)]


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class CellModel(Model):
    day: Day
    slot: Slot | None = None


# -- durable operations ------------------------------------------------------------------------------------


class ItemCreate(Model):
    op: Literal["item.create"]
    id: Id
    kind: ItemKind
    x: Coord
    y: Coord
    w: Size | None = None
    h: Size | None = None
    ref: Ref | None = None
    cell: CellModel | None = None
    text: Text | None = None
    severity: Severity | None = None


class ItemPatch(Model):
    """Properties to set; a property absent is left alone, a property sent as null is cleared."""

    x: Coord | None = None
    y: Coord | None = None
    w: Size | None = None
    h: Size | None = None
    ref: Ref | None = None
    cell: CellModel | None = None
    text: Text | None = None
    severity: Severity | None = None


class ItemUpdate(Model):
    op: Literal["item.update"]
    id: Id
    set: ItemPatch


class ItemDelete(Model):
    op: Literal["item.delete"]
    id: Id


class ThreadCreate(Model):
    op: Literal["thread.create"]
    id: Id
    source: Id
    target: Id


class ThreadDelete(Model):
    op: Literal["thread.delete"]
    id: Id


class VoteAdd(Model):
    op: Literal["vote.add"]
    item: Id


class VoteRemove(Model):
    op: Literal["vote.remove"]
    item: Id


class ChoiceModel(Model):
    """`label: null`: a default entry, shown in the reader's language (`actions.<list>.<id>`)."""

    id: ChoiceId
    label: ChoiceLabel | None = None


Choices = Annotated[list[ChoiceModel], Field(min_length=1, max_length=100)]


class TimelineModel(Model):
    start: YearMonth | None = None
    end: YearMonth | None = None
    scale: Literal["month", "quarter", "semester"] | None = None


class BoardUpdate(Model):
    """Facilitating roles only. Absent fields are left alone; `phase` and `spotlight` sent as null clear.

    `private` is for exploration boards only; `timeline` and the lists for action frescos only."""

    op: Literal["board.update"]
    title: Annotated[str, Field(min_length=1, max_length=200)] | None = None
    vote_budget: Annotated[int, Field(ge=0, le=50)] | None = None
    phases: Annotated[list[AnyPhaseId], Field(min_length=1, max_length=8)] | None = None
    phase: AnyPhaseId | None = None
    locked: bool | None = None
    votes_hidden: bool | None = None
    private: bool | None = None  # true opens a private round, false reveals it
    spotlight: Id | None = None
    follow: bool | None = None  # true: followers see the sender's view
    timeline: TimelineModel | None = None
    lanes: Choices | None = None
    axes: Choices | None = None
    series: Choices | None = None
    target_groups: Annotated[list[ChoiceModel], Field(max_length=100)] | None = None
    organisations: Annotated[list[ChoiceModel], Field(max_length=100)] | None = None


class TimerSet(Model):
    op: Literal["timer.set"]
    action: Literal["start", "pause", "resume", "add", "clear"]
    seconds: Annotated[int, Field(ge=-3600, le=36_000)] | None = None
    # Stamped by the server (milliseconds since 1970) before the op is applied and stored; never sent by
    # a client (`server_field`): every replay of the log then computes the same countdown.
    at: Millis | None = None


class ItemHide(Model):
    op: Literal["item.hide"]
    id: Id
    hidden: bool


class ItemMerge(Model):
    op: Literal["item.merge"]
    keep: Id
    drop: Id


# -- the action fresco's operations (board kind `actions`; docs/protocol.md "Action fresco") ----------------

# Fiche fields and their values are checked by the board's rules (`core.fiche.parse_fiche_value`), which
# name the field in their code (`fiche_invalid_title`…); here only their size is bounded.
FicheValues = Annotated[dict[Annotated[str, Field(max_length=40)], Any], Field(min_length=1, max_length=30)]


class LinkModel(Model):
    """A solution of an exploration board of the same workshop."""

    board: Id
    item: Id


class ActionCreate(Model):
    op: Literal["action.create"]
    id: Id
    lane: ChoiceId
    start: YearMonth
    end: YearMonth
    fiche: FicheValues
    links: Annotated[list[LinkModel], Field(max_length=50)] | None = None
    question: Id | None = None  # a question de travail of the workshop's study (issue 13)


class ActionUpdate(Model):
    op: Literal["action.update"]
    id: Id
    set: FicheValues


class ActionMove(Model):
    op: Literal["action.move"]
    id: Id
    lane: ChoiceId | None = None
    start: YearMonth | None = None


class ActionResize(Model):
    op: Literal["action.resize"]
    id: Id
    edge: Literal["start", "end"]
    month: YearMonth


class ActionDelete(Model):
    op: Literal["action.delete"]
    id: Id


class CapabilitySet(Model):
    op: Literal["capability.set"]
    id: Id
    series: ChoiceId
    axis: ChoiceId
    level: Annotated[int, Field(ge=0, le=4)] | None  # required; null takes the axis out of the series


class MilestoneAdd(Model):
    op: Literal["milestone.add"]
    id: Id
    milestone: Id
    month: YearMonth
    label: Annotated[str, Field(min_length=1, max_length=120)]


class MilestoneRemove(Model):
    op: Literal["milestone.remove"]
    id: Id
    milestone: Id


class ActionLink(Model):
    op: Literal["action.link"]
    id: Id
    board: Id
    item: Id


class ActionUnlink(Model):
    op: Literal["action.unlink"]
    id: Id
    board: Id
    item: Id


class ActionQuestion(Model):
    """Which question de travail of the workshop's study the action answers; null: none (issue 13)."""

    op: Literal["action.question"]
    id: Id
    question: Id | None


class ListAdd(Model):
    """A stakeholder adds a public or an organisation the fiches need (removing and relabelling are the
    facilitator's, through `board.update`)."""

    op: Literal["list.add"]
    list: Literal["target_groups", "organisations"]
    id: ChoiceId
    label: ChoiceLabel


ACTION_OPS = frozenset(
    {
        "action.create",
        "action.update",
        "action.move",
        "action.resize",
        "action.delete",
        "capability.set",
        "milestone.add",
        "milestone.remove",
        "action.link",
        "action.unlink",
        "action.question",
        "list.add",
    }
)

Op = Annotated[
    ItemCreate
    | ItemUpdate
    | ItemDelete
    | ThreadCreate
    | ThreadDelete
    | VoteAdd
    | VoteRemove
    | BoardUpdate
    | TimerSet
    | ItemHide
    | ItemMerge
    | ActionCreate
    | ActionUpdate
    | ActionMove
    | ActionResize
    | ActionDelete
    | CapabilitySet
    | MilestoneAdd
    | MilestoneRemove
    | ActionLink
    | ActionUnlink
    | ActionQuestion
    | ListAdd,
    Field(discriminator="op"),
]
MAX_OPS_PER_MESSAGE = 100


# -- client → server ---------------------------------------------------------------------------------------


class Hello(Model):
    type: Literal["hello"]
    protocol: Annotated[int, Field(ge=0, le=1000)]
    client: OpId
    last_seq: Seq | None = None
    device: Device | None = None  # shown on the facilitator's console


class Push(Model):
    """Durable changes, applied all or none and acknowledged by `op_id` once committed."""

    type: Literal["ops"]
    op_id: OpId
    ops: Annotated[list[Op], Field(min_length=1, max_length=MAX_OPS_PER_MESSAGE)]
    # Made as a hosted person (a table's member, someone on paper) from their host's device.
    as_: Id | None = Field(default=None, alias="as")


class Point(Model):
    x: Coord
    y: Coord


class DragPreview(Model):
    item: Id
    x: Coord
    y: Coord


class View(Model):
    """The world rectangle a facilitator is looking at (for the devices that follow them)."""

    x: Coord
    y: Coord
    w: Size
    h: Size


class Presence(Model):
    """Ephemeral: where my pointer is and what I am dragging. Never stored; latest value wins."""

    type: Literal["presence"]
    cursor: Point | None = None
    drag: DragPreview | None = None
    view: View | None = None  # relayed from facilitating roles only


ClientMessage = Annotated[Hello | Push | Presence, Field(discriminator="type")]


# -- server → client ---------------------------------------------------------------------------------------


class You(Model):
    participant: str
    alias: str
    role: Role
    connection: str  # this socket, as named in `ephemeral` updates


class BoardInfo(Model):
    id: str
    workshop: str
    kind: Literal["exploration", "actions"]


class Change(Model):
    type: Literal["change"]
    seq: Seq
    # Absent when the receiver is sent none of the change's ops (a hidden vote, a card of someone's private
    # round): then the frame only keeps `seq` gapless and says nothing of whose change it was.
    op_id: OpId | None = None
    author: str | None = None
    ops: list[Op]


class Welcome(Model):
    type: Literal["welcome"]
    protocol: int
    board: BoardInfo
    you: You
    seq: Seq
    resync: Literal["delta", "snapshot"]
    server_time: Millis  # the server's clock, to count the shared timer down from
    # With "snapshot": the whole state at `seq`. With "delta": the changes after the client's last_seq.
    snapshot: dict[str, Any] | None = None
    changes: list[Change] | None = None


class Resync(Model):
    """After a change that shows or hides things (reveal, moderation): this socket's whole view at `seq`."""

    type: Literal["resync"]
    seq: Seq
    snapshot: dict[str, Any]


class Ack(Model):
    type: Literal["ack"]
    op_id: OpId
    seq: Seq
    duplicate: bool = False
    # Present when the server completed the ops before storing them (a timer op's `at`, an action's dates
    # snapped to the timeline's scale): the sender applies these, as stored, instead of the ones it sent.
    ops: list[Op] | None = None


class Reject(Model):
    type: Literal["reject"]
    op_id: OpId
    code: str
    message: str


class Error(Model):
    type: Literal["error"]
    code: str
    message: str
    server_protocol: int | None = None


class Participant(Model):
    participant: str
    alias: str
    role: Role
    connections: int


class PresenceList(Model):
    type: Literal["presence_list"]
    participants: list[Participant]


class EphemeralUpdate(Model):
    participant: str
    connection: str
    cursor: Point | None = None
    drag: DragPreview | None = None
    view: View | None = None
    gone: bool = False


class Ephemeral(Model):
    type: Literal["ephemeral"]
    updates: list[EphemeralUpdate]


ServerMessage = Annotated[
    Welcome | Change | Ack | Reject | Error | PresenceList | Ephemeral | Resync, Field(discriminator="type")
]

client_message_adapter: TypeAdapter[Hello | Push | Presence] = TypeAdapter(ClientMessage)
server_message_adapter: TypeAdapter[Any] = TypeAdapter(ServerMessage)
op_list_adapter: TypeAdapter[list[Any]] = TypeAdapter(list[Op])


# -- parsing and encoding ----------------------------------------------------------------------------------


class ProtocolError(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


MAX_DEPTH = 8


def _no_constants(name: str) -> Any:
    raise ProtocolError("malformed_json", f"{name} is not a JSON number")


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise ProtocolError("malformed_json", f"duplicate key {key!r}")
        out[key] = value
    return out


def _depth(value: Any, limit: int) -> None:
    if limit < 0:
        raise ProtocolError("invalid_message", f"messages nest at most {MAX_DEPTH} levels")
    if isinstance(value, dict):
        for child in value.values():
            _depth(child, limit - 1)
    elif isinstance(value, list):
        for child in value:
            _depth(child, limit - 1)


def loads_strict(text: str) -> Any:
    """Parse JSON, refusing NaN/Infinity, duplicate keys, deep nesting and huge integers."""
    try:
        value = json.loads(text, parse_constant=_no_constants, object_pairs_hook=_no_duplicates)
    except ProtocolError:
        raise
    except (ValueError, RecursionError) as exc:  # JSONDecodeError and the int-digits limit are ValueErrors
        raise ProtocolError("malformed_json", f"not valid JSON: {str(exc)[:120]}") from None
    _depth(value, MAX_DEPTH)
    return value


def _describe(exc: ValidationError) -> tuple[str, str]:
    first = exc.errors(include_url=False, include_input=False)[0]
    where = ".".join(str(p) for p in first["loc"]) or "message"
    if first["type"] == "union_tag_invalid":
        if first["loc"] == ():
            return "unknown_type", f"unknown message type: {first['ctx'].get('tag')!r}"
        return "unknown_op", f"unknown operation at {where}: {first['ctx'].get('tag')!r}"
    if first["type"] == "string_unicode":  # a lone surrogate: it could never be stored nor sent back
        return "text_invalid", f"{where}: not valid Unicode text (lone surrogate)"
    if first["type"] == "union_tag_not_found":
        return "invalid_message", f"{where}: missing the field that names its kind"
    return "invalid_message", f"{where}: {first['msg']}"


def parse_client_message(text: str) -> Hello | Push | Presence:
    value = loads_strict(text)
    if not isinstance(value, dict):
        raise ProtocolError("invalid_message", "a message is a JSON object")
    try:
        return client_message_adapter.validate_python(value)
    except ValidationError as exc:
        code, message = _describe(exc)
        raise ProtocolError(code, message) from None


def dumps(message: dict[str, Any]) -> str:
    """Encode a server message. `allow_nan=False`: emitting NaN is a server bug, never a client's problem."""
    return json.dumps(message, ensure_ascii=False, allow_nan=False, separators=(",", ":"))


def op_to_json(op: BaseModel) -> dict[str, Any]:
    """The canonical stored and broadcast form of an op: only the fields the client actually sent."""
    return op.model_dump(mode="json", exclude_unset=True)


def json_schema() -> dict[str, Any]:
    from .snapshots import json_schema as snapshot_schema  # it builds on this module's types

    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "Fresque board protocol",
        "protocol_version": PROTOCOL_VERSION,
        "client_message": client_message_adapter.json_schema(),
        "server_message": server_message_adapter.json_schema(),
        # What `welcome.snapshot` / `resync.snapshot` hold, by kind of board (`fresque.snapshots`).
        "snapshot": snapshot_schema(),
    }


if __name__ == "__main__":  # pragma: no cover - `python -m fresque.protocol > docs/protocol.schema.json`
    json.dump(json_schema(), sys.stdout, indent=2, ensure_ascii=False, sort_keys=True)
    sys.stdout.write("\n")

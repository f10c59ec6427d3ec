"""The board as a structured, versioned JSON document: what the city's diagnostic reads, and what
`POST /api/boards/import` takes back. One document shape per kind of board, told apart by `board.kind`:
`ExportDocument` for an exploration board (items, threads, votes, catalogue), `ActionsExportDocument` for an
action fresco (every fiche field, capabilities webs, milestones, links to resident solutions, votes,
settings). `docs/export.schema.json` is generated from both (`python -m fresque.export`); a test fails when
it drifts.

Upgrading: when the format changes, `FORMAT_VERSION` goes up and `upgrade_document` learns to bring an older
document to the current version, so that every export ever made stays importable.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Annotated, Any, Literal, cast

from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag, TypeAdapter

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
    kind: Literal["exploration"]
    title: str
    seq: int


class ActionsBoardInfo(Closed):
    id: str
    kind: Literal["actions"]
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


# -- the action fresco (board kind `actions`) ---------------------------------------------------------------

YearMonth = Annotated[str, Field(pattern=r"^[0-9]{4}-(0[1-9]|1[0-2])$")]
ChoiceId = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,39}$")]
ActionPhase = Literal["welcome", "place", "fiches", "vote", "restitution"]
ACTION_PHASES: tuple[ActionPhase, ...] = ("welcome", "place", "fiches", "vote", "restitution")
Euros = Annotated[int, Field(ge=0, le=1_000_000_000)]


class ChoiceEntry(Closed):
    """An entry of a list of the board; `label: null` is a default entry, named by the reader's language
    (`actions.<lane|axis|series|target_group|organisation>.<id>`)."""

    id: ChoiceId
    label: Annotated[str, Field(min_length=1, max_length=80)] | None = None


class TimelineEntry(Closed):
    start: YearMonth
    end: YearMonth
    scale: Literal["month", "quarter", "semester"]


class ActionBoardSettings(Closed):
    """The timeline, the board's lists, and where the facilitation stood."""

    timeline: TimelineEntry
    lanes: Annotated[list[ChoiceEntry], Field(min_length=1, max_length=6)]
    axes: Annotated[list[ChoiceEntry], Field(min_length=3, max_length=12)]
    series: Annotated[list[ChoiceEntry], Field(min_length=1, max_length=4)]
    target_groups: Annotated[list[ChoiceEntry], Field(max_length=40)]
    organisations: Annotated[list[ChoiceEntry], Field(max_length=100)]
    vote_budget: Annotated[int, Field(ge=0, le=50)] = 3
    phases: Annotated[list[ActionPhase], Field(min_length=1, max_length=8)] = Field(
        default_factory=lambda: cast("list[ActionPhase]", list(ACTION_PHASES))
    )
    phase: ActionPhase | None = None
    locked: bool = False
    votes_hidden: bool = False
    timer: TimerState | None = None
    spotlight: Id | None = None
    follow: ParticipantId | None = None


class PartnerEntry(Closed):
    organisation: ChoiceId
    role: Annotated[str, Field(max_length=200)] = ""


class FundingEntry(Closed):
    source: Annotated[str, Field(min_length=1, max_length=120)]
    amount: Euros
    state: Literal["planned", "requested", "secured"] = "planned"


class IndicatorEntry(Closed):
    kind: Literal["output", "result", "impact"]
    label: Annotated[str, Field(min_length=1, max_length=300)]
    target: Annotated[str, Field(max_length=120)] = ""
    source: Annotated[str, Field(max_length=200)] = ""


class FicheEntry(Closed):
    """Every field of the fiche action (`core.fiche.Fiche`); its positioning is the action's `lane`, its
    dates the action's `start`, `end` and `milestones`. The board's rules check them again on import."""

    title: Annotated[str, Field(min_length=1, max_length=200)]
    number: Annotated[str, Field(max_length=20)] = ""
    axis: Annotated[str, Field(max_length=120)] = ""
    findings: Annotated[str, Field(max_length=2000)] = ""
    general_objective: Annotated[str, Field(max_length=2000)] = ""
    operational_objectives: Annotated[list[Annotated[str, Field(max_length=300)]], Field(max_length=20)] = []
    target_groups: Annotated[list[ChoiceId], Field(max_length=40)] = []
    territory: Annotated[list[Annotated[str, Field(max_length=120)]], Field(max_length=30)] = []
    lead: ChoiceId | None = None
    partners: Annotated[list[PartnerEntry], Field(max_length=30)] = []
    human_means: Annotated[str, Field(max_length=2000)] = ""
    material_means: Annotated[str, Field(max_length=2000)] = ""
    budget: Euros | None = None
    funding: Annotated[list[FundingEntry], Field(max_length=20)] = []
    calendar: Annotated[str, Field(max_length=500)] = ""
    priority: Literal["high", "medium", "low"] | None = None
    indicators: Annotated[list[IndicatorEntry], Field(max_length=20)] = []
    risks: Annotated[str, Field(max_length=2000)] = ""
    status: Literal["draft", "validated", "running", "done", "dropped"] = "draft"


class MilestoneEntry(Closed):
    id: Id
    month: YearMonth
    label: Annotated[str, Field(min_length=1, max_length=120)]


class LinkEntry(Closed):
    """A resident solution the action answers: `board` and `item` are what the board keeps; `board_title`
    and `label` (the solution's words, in French, when it still exists) are for the reader, ignored on
    import. An import keeps the links whose board is an exploration board of the importing workshop, or
    of another workshop of its study (issue 13)."""

    board: Id
    item: Id
    board_title: str | None = None
    label: str | None = None


Level = Annotated[int, Field(ge=0, le=4)]


class ActionEntry(Closed):
    id: Id
    author: ParticipantId
    lane: ChoiceId
    start: YearMonth
    end: YearMonth
    fiche: FicheEntry
    milestones: Annotated[list[MilestoneEntry], Field(max_length=20)] = []
    # series id → axis id → level 0–4 (an axis not scored is absent)
    capabilities: dict[str, dict[str, Level]] = {}
    links: Annotated[list[LinkEntry], Field(max_length=50)] = []
    # The question de travail of the workshop's study it answers (issue 13): absent when none. An import
    # keeps it only into a workshop whose study has that question (else 422 `unknown_question`).
    question: Id | None = None


class ActionsExportDocument(Closed):
    """A whole action fresco (board kind `actions`). Actions and votes sorted by id, so that two exports of
    one state are equal."""

    format_version: Literal[1]
    generator: Generator
    exported_at: str
    workshop: WorkshopInfo
    board: ActionsBoardInfo
    settings: ActionBoardSettings
    participants: list[ParticipantEntry]
    actions: Annotated[list[ActionEntry], Field(max_length=500)]
    votes: Votes
    # Ids of deleted actions: an id is never reused on a board, also after a re-import.
    deleted: list[Id]


def _document_kind(raw: Any) -> str:
    board = raw.get("board") if isinstance(raw, dict) else getattr(raw, "board", None)
    kind = board.get("kind") if isinstance(board, dict) else getattr(board, "kind", None)
    return "actions" if kind == "actions" else "exploration"


# Any export document: by `board.kind` (an exploration board's document is `ExportDocument`).
AnyExportDocument = Annotated[
    Annotated[ExportDocument, Tag("exploration")] | Annotated[ActionsExportDocument, Tag("actions")],
    Discriminator(_document_kind),
]
any_document_adapter: TypeAdapter[ExportDocument | ActionsExportDocument] = TypeAdapter(AnyExportDocument)


def build_actions_export(
    *,
    snapshot: Mapping[str, Any],
    board_info: dict[str, Any],
    workshop: dict[str, Any],
    participants: list[dict[str, Any]],
    links: Mapping[tuple[str, str], tuple[str | None, str | None]],
) -> dict[str, Any]:
    """The document of an action fresco from `ActionBoard.to_snapshot()` (every vote: the export is the
    facilitator's). `links`: (board, item) → (the exploration board's title, the solution's French label),
    `None` where gone."""
    totals: dict[str, int] = {}
    for vote in snapshot.get("votes", []):
        totals[vote["item"]] = totals.get(vote["item"], 0) + vote["count"]
    actions = []
    for action in snapshot["actions"]:
        entry = dict(action)
        entry["links"] = [
            {
                **link,
                "board_title": links.get((link["board"], link["item"]), (None, None))[0],
                "label": links.get((link["board"], link["item"]), (None, None))[1],
            }
            for link in action["links"]
        ]
        actions.append(entry)
    return {
        "format_version": FORMAT_VERSION,
        "generator": {"name": "fresque", "version": __version__},
        "exported_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "workshop": {k: workshop.get(k) for k in ("id", "title", "neighbourhood", "date")},
        "board": board_info,
        "settings": {k: v for k, v in snapshot["settings"].items() if k != "title"},
        "participants": participants,
        "actions": actions,
        "votes": {
            "by_participant": list(snapshot.get("votes", [])),
            "totals": [{"item": k, "count": totals[k]} for k in sorted(totals)],
        },
        "deleted": snapshot["deleted"],
    }


def actions_snapshot_of(
    document: ActionsExportDocument, author_map: dict[str, str], keep_link: Any = None
) -> dict[str, Any]:
    """The board-state part of an action fresco's document, in `ActionBoard.from_snapshot` form, participant
    ids remapped; `keep_link(board, item)` says which links stay (all by default)."""

    def who(pid: str) -> str:
        return author_map.get(pid, pid)

    settings = document.settings.model_dump()
    return {
        "settings": {
            **settings,
            "title": document.board.title,
            "follow": who(document.settings.follow) if document.settings.follow else None,
        },
        "actions": [
            {
                **action.model_dump(exclude={"links", "question"}),
                **({"question": action.question} if action.question is not None else {}),
                "author": who(action.author),
                "links": [
                    {"board": link.board, "item": link.item}
                    for link in action.links
                    if keep_link is None or keep_link(link.board, link.item)
                ],
            }
            for action in document.actions
        ],
        "votes": _votes_of(document.votes.by_participant, who),
        "deleted": list(document.deleted),
    }


def participant_entry(person: Any) -> dict[str, Any]:
    """A `ParticipantEntry` from a `fresque.db.people_store.PersonRow`: profile fields only when not null."""
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


def _votes_of(entries: list[VoteEntry], who: Any) -> list[dict[str, Any]]:
    """The document's dots with participant ids remapped; two people mapped to one (a document's
    facilitators are all the importing facilitator) put their dots on one count, within the budget."""
    counts: dict[tuple[str, str], int] = {}
    for v in entries:
        key = (who(v.participant), v.item)
        counts[key] = counts.get(key, 0) + v.count
    return [{"participant": p, "item": i, "count": c} for (p, i), c in counts.items()]


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
        "votes": _votes_of(document.votes.by_participant, who),
        "deleted": list(document.deleted),
    }


def json_schema() -> dict[str, Any]:
    schema = any_document_adapter.json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "Fresque board export"
    return schema


if __name__ == "__main__":  # pragma: no cover - `python -m fresque.export > docs/export.schema.json`
    json.dump(json_schema(), sys.stdout, indent=2, ensure_ascii=False, sort_keys=True)
    sys.stdout.write("\n")

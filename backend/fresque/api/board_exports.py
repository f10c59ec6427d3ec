"""What leaves a board besides its JSON export: CSV tables and the capabilities web as a PNG (issue 5).

- `GET /api/boards/{id}/export.csv`, for the workshop's facilitator (as the JSON export): on an actions
  board one row per action (`csv_export.action_rows`) and its dot-vote total (`votes`, last column); on an
  exploration board the table named by `table` (one of `csv_export.EXPLORATION_COLUMNS`; 422
  `unknown_table` listing them when missing or unknown).
- `GET /api/boards/{id}/actions/{action}/radar.png`, for any session of the workshop (stakeholders print
  their fiches): the action's capabilities web (`radar.render_radar_png`), `size` 200–1600 px (600).

Parameters: `lang` (`fr` by default, `en`, `ar`) names default entries (lanes, organisations, axes…);
`sep` (`comma` by default, or `semicolon` for Excel in French opened by a double click).
The CSV is UTF-8 with a byte order mark, formula cells defused (`csv_export.to_csv`); it holds everything,
hidden votes included, since only the facilitator may have it. The PNG carries an `ETag` made of the board's
sequence number, so a page showing it again after no change gets `304 Not Modified`.

Also here, shared with the print pages (`fresque.print_pages`) and the JSON export: reading a board's state
under its room's lock (`board_state`), labelling default entries (`Labeller`), and the labels of the
exploration solutions an action is linked to (`solution_labels`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Annotated, Any, Final, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from ..core.board import Board
from ..core.choices import label_key
from ..core.visibility import Viewer, item_visible
from ..csv_export import EXPLORATION_COLUMNS, action_columns, action_rows, exploration_tables, to_csv
from ..db.store import BoardRow
from ..export import build_actions_export, build_export, participant_entry
from ..i18n import LANGUAGES, dictionaries
from ..radar import MAX_AXES, MIN_AXES, SERIES_COLOURS, render_radar_png
from ..rooms.registry import BoardNotFound
from ..study_scope import peers, viewer_for, within_reach
from ..uploads import custom_ref
from .custom_pictograms import file_url
from .deps import ReaderSession, Services, ServicesDep, require_facilitator
from .errors import ApiError

router = APIRouter(prefix="/api")

Lang = Literal["fr", "en", "ar"]
MIN_PNG: Final = 200
MAX_PNG: Final = 1600
DEFAULT_PNG: Final = 600
SEPARATORS: Final = {"comma": ",", "semicolon": ";"}
VOTES_COLUMN: Final = "votes"  # after the fiche and capability columns: the action's dot-vote total


# -- reading a board ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BoardState:
    """A board as it stands: its row, its snapshot (`to_snapshot()`), the room's sequence number, and the
    dot totals per item or action (every vote, hidden or not: callers decide what to show)."""

    row: BoardRow
    snapshot: dict[str, Any]
    seq: int
    totals: dict[str, int]


async def board_row(services: Services, board_id: str) -> BoardRow:
    row = await services.store.board(board_id)
    if row is None:
        raise ApiError(404, "board_not_found", "no such board")
    return row


async def board_state(services: Services, row: BoardRow) -> BoardState:
    try:
        async with services.rooms.use(row.id) as room, room.lock:
            board = room.board
            return BoardState(row, board.to_snapshot(), room.seq, board.vote_totals())
    except BoardNotFound:
        raise ApiError(404, "board_not_found", "no such board") from None


async def exploration_document(services: Services, row: BoardRow) -> dict[str, Any]:
    """The JSON export document of an exploration board (`fresque.export.build_export`)."""
    workshop = await services.store.workshop(row.workshop_id)
    assert workshop is not None
    participants = [participant_entry(p) for p in await services.store.people(row.workshop_id)]
    custom = {
        custom_ref(p.id): {
            "kind": "activity",
            "labels": dict(p.labels),
            "picture_url": file_url(p.workshop_id, p.picture_file),
            "category": p.category,
        }
        for p in await services.store.custom_pictograms(row.workshop_id)
    }
    try:
        async with services.rooms.use(row.id) as room, room.lock:
            if not isinstance(room.board, Board):  # pragma: no cover - the row said exploration
                raise ApiError(409, "wrong_board_kind", "this board is not an exploration fresco")
            return build_export(
                board=room.board,
                board_info={
                    "id": room.id,
                    "kind": room.kind,
                    "title": room.board.settings.title,
                    "seq": room.seq,
                },
                workshop=workshop,
                participants=participants,
                catalogue=services.catalogue,
                custom=custom,
            )
    except BoardNotFound:
        raise ApiError(404, "board_not_found", "no such board") from None


async def actions_document(services: Services, row: BoardRow) -> dict[str, Any]:
    """The JSON export document of an action fresco (`fresque.export.build_actions_export`): every vote,
    and each link with its exploration board's title and the solution's French words (when it exists)."""
    workshop = await services.store.workshop(row.workshop_id)
    assert workshop is not None
    participants = [participant_entry(p) for p in await services.store.people(row.workshop_id)]
    state = await board_state(services, row)
    links = [link for action in state.snapshot["actions"] for link in action["links"]]
    labels = await solution_labels(services, row.workshop_id, links, "fr")
    titles = {
        b.id: b.title
        for wid in await peers(services.store, row.workshop_id)
        for b in await services.store.boards_of(wid)
    }
    return build_actions_export(
        snapshot=state.snapshot,
        board_info={
            "id": row.id,
            "kind": "actions",
            "title": state.snapshot["settings"]["title"],
            "seq": state.seq,
        },
        workshop=workshop,
        participants=participants,
        links={key: (titles.get(key[0]), label) for key, label in labels.items()},
    )


def require_member(session: Any, workshop_id: str) -> None:
    if session.workshop_id != workshop_id:
        raise ApiError(403, "not_your_workshop", "this session belongs to another workshop")


def require_actions(row: BoardRow) -> None:
    if row.kind != "actions":
        raise ApiError(
            409, "not_an_actions_board", f"board {row.id} is an {row.kind} board: it has no actions"
        )


def find_action(snapshot: Mapping[str, Any], action_id: str) -> dict[str, Any]:
    for action in snapshot["actions"]:
        if action["id"] == action_id:
            return dict(action)
    raise ApiError(404, "action_not_found", f"no action {action_id} on this board")


# -- labels -----------------------------------------------------------------------------------------------


class Labeller:
    """The words of one language for an actions board's settings: an entry's own label, else the
    translation of its default key (`core.choices.label_key`), else its id."""

    def __init__(self, settings: Mapping[str, Any], lang: str) -> None:
        self.lang = lang
        self.words: Mapping[str, str] = dictionaries()[lang]
        self.settings = settings

    def t(self, key: str, **variables: object) -> str:
        from ..i18n import fill

        return fill(self.words.get(key, key), variables)

    def entry(self, list_key: str, choice: Mapping[str, Any]) -> str:
        if choice.get("label"):
            return str(choice["label"])
        key = label_key(list_key, str(choice["id"]))
        return self.words.get(key, str(choice["id"]))

    def of(self, list_name: str, list_key: str) -> dict[str, str]:
        """id → label for a settings list (`lanes`/`lane`, `axes`/`axis`, …)."""
        return {str(c["id"]): self.entry(list_key, c) for c in self.settings[list_name]}

    def level(self, level: int) -> str:
        return self.words.get(label_key("level", str(level)), str(level))


async def solution_labels(
    services: Services,
    workshop_id: str,
    links: Iterable[Mapping[str, str]],
    lang: str,
    viewer: Viewer | None = None,
) -> dict[tuple[str, str], str | None]:
    """(board, item) → the linked solution's label in `lang` (its pictogram's label, or its text); `None`
    when the board or the solution is gone (or is not a solution of an exploration board of the workshop),
    or when `viewer` may not see it (a solution hidden by moderation, or still in a private round: the
    board's own rule, `core.visibility.item_visible`). No viewer: everything (the facilitator's export).
    Each exploration board is read once, under its room's lock."""
    wanted: dict[str, set[str]] = {}
    for link in links:
        wanted.setdefault(link["board"], set()).add(link["item"])
    out: dict[tuple[str, str], str | None] = {}
    custom: dict[str, Mapping[str, Mapping[str, str]]] = {}  # each workshop's own pictures' labels
    for board_id, items in sorted(wanted.items()):
        for item in items:
            out[(board_id, item)] = None
        row = await services.store.board(board_id)
        if row is None or row.kind != "exploration":
            continue
        # A study's action fresco links the solutions of its study's other workshops (`study_scope`), seen
        # as a stranger sees them; any other workshop's board stays unread.
        if not await within_reach(services.store, workshop_id, row.workshop_id):
            continue
        seen = None if viewer is None else viewer_for(viewer, workshop_id, row.workshop_id)
        try:
            async with services.rooms.use(board_id) as room, room.lock:
                board = room.board
                if not isinstance(board, Board):  # pragma: no cover - the row said exploration
                    continue
                found = {
                    i: card
                    for i in items
                    if (card := board.items.get(i)) is not None
                    and (seen is None or item_visible(board, card, seen))
                }
        except BoardNotFound:
            continue
        for item_id, solution in found.items():
            if solution.kind != "solution":
                continue
            label = solution.text
            if solution.ref:
                entry = services.catalogue.get(solution.ref)
                if entry is not None:
                    label = entry.labels.get(lang) or entry.labels.get("fr") or label
                else:
                    if row.workshop_id not in custom:
                        custom[row.workshop_id] = {
                            custom_ref(p.id): p.labels
                            for p in await services.store.custom_pictograms(row.workshop_id)
                        }
                    labels = custom[row.workshop_id].get(solution.ref) or {}
                    label = labels.get(lang) or labels.get("fr") or label
            out[(board_id, item_id)] = label or solution.ref or item_id
    return out


# -- CSV --------------------------------------------------------------------------------------------------


def csv_file_name(title: str, table: str) -> str:
    from ..pages import slug  # the pages' file-name slug (the JSON export's too)

    return f"fresque-{slug(title)}-{table}.csv"


def csv_response(text: str, file_name: str) -> Response:
    return Response(
        text.encode("utf-8"),
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="{file_name}"',
            "Cache-Control": "no-store",
        },
    )


def actions_csv(state: BoardState, lang: str, delimiter: str) -> str:
    snapshot = state.snapshot
    rows = action_rows(snapshot, dictionaries()[lang])
    for row in rows:
        row[VOTES_COLUMN] = str(state.totals.get(row["id"], 0))
    return to_csv(rows, [*action_columns(snapshot), VOTES_COLUMN], delimiter=delimiter)


@router.get("/boards/{board_id}/export.csv")
async def export_csv(
    board_id: str,
    session: ReaderSession,
    services: ServicesDep,
    table: str | None = None,
    lang: Lang = "fr",
    sep: Literal["comma", "semicolon"] = "comma",
) -> Response:
    row = await board_row(services, board_id)
    require_facilitator(session, row.workshop_id)
    delimiter = SEPARATORS[sep]
    if row.kind == "actions":
        if table not in (None, "actions"):
            raise ApiError(
                422, "unknown_table", "an actions board has one table: actions", extra={"tables": ["actions"]}
            )
        state = await board_state(services, row)
        return csv_response(actions_csv(state, lang, delimiter), csv_file_name(row.title, "actions"))
    names = list(EXPLORATION_COLUMNS)
    if table is None or table not in EXPLORATION_COLUMNS:
        said = "no table named" if table is None else f"no table {table!r}"
        raise ApiError(
            422,
            "unknown_table",
            f"{said}: add ?table= with one of {', '.join(names)}",
            extra={"tables": names},
        )
    document = await exploration_document(services, row)
    rows = exploration_tables(document)[table]
    return csv_response(
        to_csv(rows, EXPLORATION_COLUMNS[table], delimiter=delimiter), csv_file_name(row.title, table)
    )


# -- the capabilities web as a PNG ---------------------------------------------------------------------------


@dataclass(frozen=True)
class WebInputs:
    """What a capabilities web draws: the board's axes and series in the reader's words, and levels."""

    axes: list[str]
    labels: list[str]
    series: dict[str, str]
    levels: dict[str, dict[str, int]]


def web_inputs(settings: Mapping[str, Any], action: Mapping[str, Any], words: Labeller) -> WebInputs:
    """The one reading of a board's settings and an action's levels for a web (this PNG, the schéma's SVG)."""
    axes = [str(a["id"]) for a in settings["axes"]][:MAX_AXES]
    labels = [words.entry("axis", a) for a in settings["axes"]][:MAX_AXES]
    series = {str(s["id"]): words.entry("series", s) for s in settings["series"][: len(SERIES_COLOURS)]}
    known = set(axes)
    levels = {
        s: {a: lv for a, lv in by_axis.items() if a in known}
        for s, by_axis in action.get("capabilities", {}).items()
        if s in series
    }
    assert len(axes) >= MIN_AXES  # the board's rules keep three axes at least
    return WebInputs(axes, labels, series, levels)


def radar_png(snapshot: Mapping[str, Any], action: Mapping[str, Any], lang: str, size: int) -> bytes:
    settings = snapshot["settings"]
    web = web_inputs(settings, action, Labeller(settings, lang))
    return render_radar_png(web.axes, web.labels, web.series, web.levels, size)


def radar_etag(seq: int, size: int, lang: str) -> str:
    return f'"radar-{seq}-{size}-{lang}"'


@router.get("/boards/{board_id}/actions/{action_id}/radar.png")
async def action_radar(
    board_id: str,
    action_id: str,
    request: Request,
    session: ReaderSession,
    services: ServicesDep,
    size: Annotated[int, Query(ge=MIN_PNG, le=MAX_PNG)] = DEFAULT_PNG,
    lang: Lang = "fr",
) -> Response:
    row = await board_row(services, board_id)
    require_member(session, row.workshop_id)
    require_actions(row)
    state = await board_state(services, row)
    action = find_action(state.snapshot, action_id)
    etag = radar_etag(state.seq, size, lang)
    headers = {"ETag": etag, "Cache-Control": "private, no-cache"}
    if etag in _etags(request.headers.get("if-none-match", "")):
        return Response(status_code=304, headers=headers)
    return Response(radar_png(state.snapshot, action, lang, size), media_type="image/png", headers=headers)


def _etags(header: str) -> set[str]:
    return {tag.strip().removeprefix("W/") for tag in header.split(",") if tag.strip()}


__all__ = ["LANGUAGES", "BoardState", "Labeller", "board_row", "board_state", "router", "solution_labels"]

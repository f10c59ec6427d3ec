"""From the residents' cards to the actions that answer them, and back (issue 5: traceability).

Three reads, for any session of the workshop (`ReaderSession`: the board pages, the fiche, the console):

- `GET /api/workshops/{wid}/solutions`: every live solution of the workshop's exploration boards that the
  caller may see, with its votes and the actions that answer it (the fiche's « picker of top-voted
  solutions »). Ranked by votes, most first, then board title, then item id. While a board's votes are hidden,
  a non-facilitator gets `votes: null` for its solutions (not even their own dots: a rank would tell the
  others'); those come after every solution with a count, in the order of their words (the text, else the
  French label), then board title, then item id.
- `GET /api/boards/{actions board}/sources[?action=<id>]`: for each link of each action (or of one action),
  the solution and the chain behind it, walking the threads backwards (solution ← difficulty / touchpoint ←
  activity, transitively; nearest first, then by id). Actions in id order, each one's links in the order
  they were made. A link to a solution that is gone, or that the caller may not see, is `found: false`
  with nothing of the solution (`solution` and `votes` null, `behind` empty).
- `GET /api/boards/{exploration board}/answers`: for every solution of that board the caller may see and some
  action of the workshop's actions boards links to, those actions (earliest start first).

In a study (issue 13, `fresque.study_scope`), the three reach every workshop of the study: the solutions of
all its exploration boards (each with its `workshop` and `neighbourhood`), the links of an action to them
(with, per action, the neighbourhoods and the number of residents behind it: `behind_actions`), and the
actions of all its actions boards. Another workshop's boards are read as a stranger reads them. A workshop
on its own answers exactly as before (no new keys).

What a non-facilitator may not see on an exploration board (moderated cards, others' cards in an open
private round, hidden votes) follows `fresque.core.visibility`, the rule of the sockets, so that these routes
never tell more than the board page does. Each room is read under its own lock, one at a time (never two
locks held together), and only plain data leaves the lock.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from fastapi import APIRouter

from ..core.actions import ActionBoard, format_month
from ..core.board import Board, Item
from ..core.visibility import Viewer, item_visible, thread_visible
from ..db.store import BoardRow, SessionInfo
from ..roles import facilitates
from ..rooms.registry import BoardNotFound
from ..study_scope import Peer, peers, study_id_of, viewer_for
from ..uploads import custom_ref
from .custom_pictograms import file_url
from .deps import ReaderSession, Services, ServicesDep
from .errors import ApiError
from .pictograms import picture_url

router = APIRouter(prefix="/api")

Json = dict[str, Any]


# -- who asks, and how a ref is shown ---------------------------------------------------------------------


async def _viewer(services: Services, session: SessionInfo) -> Viewer:
    """As the sockets see it (`rooms.room.viewer_of`): oneself and the people one hosts (a table)."""
    hosted = {p.id for p in await services.store.hosted_by(session.participant_id)}
    return Viewer(people=frozenset({session.participant_id} | hosted), facilitating=facilitates(session.role))


@dataclass(frozen=True)
class Pictures:
    """A ref's labels and picture: the catalogue's, or the workshop's own pictures (`custom:<id>`)."""

    catalogue: Any
    custom: Mapping[str, tuple[dict[str, str], str]]

    def label(self, ref: str | None) -> dict[str, str] | None:
        if ref is None:
            return None
        entry = self.catalogue.get(ref)
        if entry is not None:
            return {lang: entry.labels.get(lang, "") for lang in ("fr", "en", "ar")}
        mine = self.custom.get(ref)
        return None if mine is None else {lang: mine[0].get(lang, "") for lang in ("fr", "en", "ar")}

    def picture(self, ref: str | None) -> str | None:
        if ref is None:
            return None
        entry = self.catalogue.get(ref)
        if entry is not None:
            return picture_url(entry.picture)
        mine = self.custom.get(ref)
        return None if mine is None else mine[1]


class PicturesByWorkshop:
    """Each workshop's pictures, read once (a study's boards name their own workshop's custom pictures)."""

    def __init__(self, services: Services) -> None:
        self.services = services
        self.found: dict[str, Pictures] = {}

    async def of(self, workshop_id: str) -> Pictures:
        if workshop_id not in self.found:
            self.found[workshop_id] = await _pictures(self.services, workshop_id)
        return self.found[workshop_id]


async def _reach(services: Services, workshop_id: str) -> tuple[dict[str, Peer], list[BoardRow], bool]:
    """The workshops within reach (`study_scope.peers`), all their boards, and whether it is a study."""
    reach = await peers(services.store, workshop_id)
    rows = [row for wid in reach for row in await services.store.boards_of(wid)]
    return reach, rows, await study_id_of(services.store, workshop_id) is not None


def _where(peer: Peer | None) -> Json:
    """A study's extra keys on a solution: its workshop and its neighbourhood."""
    if peer is None:
        return {"workshop": None, "neighbourhood": None}
    return {
        "workshop": {"id": peer.workshop_id, "title": peer.title},
        "neighbourhood": None
        if peer.neighbourhood is None
        else {"id": peer.neighbourhood_id, "name": peer.neighbourhood},
    }


async def _pictures(services: Services, workshop_id: str) -> Pictures:
    custom = {
        custom_ref(p.id): (dict(p.labels), file_url(p.workshop_id, p.picture_file))
        for p in await services.store.custom_pictograms(workshop_id)
    }
    return Pictures(services.catalogue, custom)


# -- reading the boards ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    """One action linking to one solution."""

    board: str  # the actions board
    action: str
    title: str
    lane: str
    start: str
    end: str

    def short(self) -> Json:
        return {"board": self.board, "action": self.action, "title": self.title}

    def full(self) -> Json:
        return {**self.short(), "lane": self.lane, "start": self.start, "end": self.end}


@dataclass
class ActionLinks:
    """The links of the workshop's actions boards, by solution `(board, item)`."""

    by_solution: dict[tuple[str, str], list[Answer]] = field(default_factory=dict)

    def add(self, answer: Answer, board: str, item: str) -> None:
        self.by_solution.setdefault((board, item), []).append(answer)

    def of(self, board: str, item: str) -> list[Answer]:
        return sorted(
            self.by_solution.get((board, item), []),
            key=lambda a: (a.start, a.end, a.title, a.board, a.action),
        )


def _answers_of(board_id: str, board: ActionBoard) -> list[tuple[Answer, str, str]]:
    out: list[tuple[Answer, str, str]] = []
    for action_id in sorted(board.actions):
        action = board.actions[action_id]
        answer = Answer(
            board=board_id,
            action=action.id,
            title=action.fiche.title,
            lane=action.lane,
            start=format_month(action.start),
            end=format_month(action.end),
        )
        out.extend((answer, link.board, link.item) for link in action.links)
    return out


async def _action_links(services: Services, rows: list[BoardRow]) -> ActionLinks:
    links = ActionLinks()
    for row in rows:
        if row.kind != "actions":
            continue
        try:
            async with services.rooms.use(row.id) as room, room.lock:
                board = room.board
                found: list[tuple[Answer, str, str]] = (
                    _answers_of(row.id, board) if isinstance(board, ActionBoard) else []
                )
        except BoardNotFound:  # erased meanwhile
            continue
        for answer, target_board, item in found:
            links.add(answer, target_board, item)
    return links


def _votes(board: Board, item_id: str, viewer: Viewer, totals: Mapping[str, int]) -> int | None:
    if board.settings.votes_hidden and not viewer.facilitating:
        return None
    return totals.get(item_id, 0)


def _solution_json(item: Item, pictures: Pictures) -> Json:
    return {
        "text": item.text,
        "ref": item.ref,
        "label": pictures.label(item.ref),
        "picture_url": pictures.picture(item.ref),
    }


def _behind(board: Board, solution_id: str, viewer: Viewer, pictures: Pictures) -> Json:
    """What leads to a solution: every item from which a thread path runs to it, nearest first."""
    activities: list[Json] = []
    difficulties: list[Json] = []
    touchpoints: list[Json] = []
    seen = {solution_id}
    walked: set[str] = set()
    frontier = [solution_id]
    while frontier:
        sources: list[str] = []
        for target_id in frontier:
            for thread_id in sorted(board.threads_of(target_id)):
                thread = board.threads[thread_id]
                if thread.target != target_id or not thread_visible(board, thread, viewer):
                    continue
                walked.add(thread_id)
                if thread.source not in seen:
                    seen.add(thread.source)
                    sources.append(thread.source)
        frontier = sorted(sources)
        for source_id in frontier:
            item = board.items[source_id]
            common = {
                "item": item.id,
                "ref": item.ref,
                "label": pictures.label(item.ref),
                "picture_url": pictures.picture(item.ref),
            }
            if item.kind == "activity":
                cell = None
                if item.cell is not None:
                    cell = {"day": item.cell.day, "slot": item.cell.slot}
                activities.append({**common, "cell": cell})
            elif item.kind == "difficulty":
                difficulties.append({**common, "severity": item.severity, "text": item.text})
            elif item.kind == "touchpoint":
                touchpoints.append({**common, "text": item.text})
    return {
        "activities": activities,
        "difficulties": difficulties,
        "touchpoints": touchpoints,
        "threads": len(walked),
    }


def _empty_behind() -> Json:
    return {"activities": [], "difficulties": [], "touchpoints": [], "threads": 0}


def _live_solution(board: Board, item_id: str, viewer: Viewer) -> Item | None:
    item = board.items.get(item_id)
    if item is None or item.kind != "solution" or not item_visible(board, item, viewer):
        return None
    return item


# -- access ------------------------------------------------------------------------------------------------


def _same_workshop(session: SessionInfo, workshop_id: str) -> None:
    if session.workshop_id != workshop_id:
        raise ApiError(403, "not_your_workshop", "this session belongs to another workshop")


async def _board_row(services: Services, session: SessionInfo, board_id: str, kind: str) -> BoardRow:
    row = await services.store.board(board_id)
    if row is None:
        raise ApiError(404, "board_not_found", "no such board")
    _same_workshop(session, row.workshop_id)
    if row.kind != kind:
        raise ApiError(422, "wrong_board_kind", f"this route reads an {kind} board; this one is {row.kind}")
    return row


# -- the routes --------------------------------------------------------------------------------------------


def _solution_rank(entry: Json) -> tuple[Any, ...]:
    if entry["votes"] is not None:
        return (0, -entry["votes"], entry["board_title"], entry["item"])
    words = entry["text"] or (entry["label"] or {}).get("fr") or ""
    return (1, words.casefold(), entry["board_title"], entry["item"])


@router.get("/workshops/{workshop_id}/solutions")
async def workshop_solutions(workshop_id: str, session: ReaderSession, services: ServicesDep) -> Json:
    _same_workshop(session, workshop_id)
    if await services.store.workshop(workshop_id) is None:
        raise ApiError(404, "workshop_not_found", "no such workshop")
    own_viewer = await _viewer(services, session)
    pictures = PicturesByWorkshop(services)
    reach, rows, in_study = await _reach(services, workshop_id)
    links = await _action_links(services, rows)
    solutions: list[Json] = []
    for row in rows:
        if row.kind != "exploration":
            continue
        viewer = viewer_for(own_viewer, workshop_id, row.workshop_id)
        shown = await pictures.of(row.workshop_id)
        where = _where(reach.get(row.workshop_id)) if in_study else {}
        try:
            async with services.rooms.use(row.id) as room, room.lock:
                board = room.board
                if not isinstance(board, Board):
                    continue
                totals = board.vote_totals()
                title = board.settings.title
                for item_id in sorted(board.items):
                    item = _live_solution(board, item_id, viewer)
                    if item is None:
                        continue
                    solutions.append(
                        {
                            "board": row.id,
                            "board_title": title,
                            "item": item.id,
                            **_solution_json(item, shown),
                            "votes": _votes(board, item.id, viewer, totals),
                            "answered_by": [a.short() for a in links.of(row.id, item.id)],
                            **where,
                        }
                    )
        except BoardNotFound:
            continue
    solutions.sort(key=_solution_rank)
    return {"solutions": solutions}


@router.get("/boards/{board_id}/sources")
async def action_sources(
    board_id: str, session: ReaderSession, services: ServicesDep, action: str | None = None
) -> Json:
    row = await _board_row(services, session, board_id, "actions")
    try:
        async with services.rooms.use(board_id) as room, room.lock:
            actions_board = room.board
            wanted: list[tuple[str, str, str]] = []  # (action, board, item), in the actions' order
            if isinstance(actions_board, ActionBoard):
                if action is not None and action not in actions_board.actions:
                    raise ApiError(404, "action_not_found", "this board has no such action (deleted?)")
                for action_id in sorted(actions_board.actions):
                    if action is None or action_id == action:
                        wanted.extend(
                            (action_id, lk.board, lk.item) for lk in actions_board.actions[action_id].links
                        )
            elif action is not None:
                raise ApiError(404, "action_not_found", "this board has no such action")
    except BoardNotFound:
        raise ApiError(404, "board_not_found", "no such board") from None
    reach, rows, in_study = await _reach(services, row.workshop_id)
    explorations = {r.id: r for r in rows if r.kind == "exploration"}
    own_viewer = await _viewer(services, session)
    pictures = PicturesByWorkshop(services)
    found: dict[tuple[str, str], Json] = {}
    titles: dict[str, str] = {}
    people: dict[tuple[str, str], frozenset[str]] = {}  # the residents behind each solution found
    hidden_votes: set[tuple[str, str]] = set()
    for target_board in sorted({b for _, b, _ in wanted}):
        if target_board not in explorations:
            continue  # a board out of reach, or one erased: never opened, never told
        board_workshop = explorations[target_board].workshop_id
        viewer = viewer_for(own_viewer, row.workshop_id, board_workshop)
        shown = await pictures.of(board_workshop)
        residents = {p.id for p in await services.store.people(board_workshop) if p.role == "participant"}
        items = sorted({i for _, b, i in wanted if b == target_board})
        try:
            async with services.rooms.use(target_board) as room, room.lock:
                board = room.board
                if not isinstance(board, Board):
                    continue
                titles[target_board] = board.settings.title
                totals = board.vote_totals()
                for item_id in items:
                    item = _live_solution(board, item_id, viewer)
                    if item is None:
                        continue
                    votes = _votes(board, item_id, viewer, totals)
                    found[(target_board, item_id)] = {
                        "solution": _solution_json(item, shown),
                        "votes": votes,
                        "behind": _behind(board, item_id, viewer, shown),
                    }
                    # Its author and, unless the votes are hidden to this caller, those who voted for it.
                    who = {item.author}
                    if votes is None:
                        hidden_votes.add((target_board, item_id))
                    else:
                        who |= {p for p, dots in board.votes.items() if dots.get(item_id, 0) > 0}
                    people[(target_board, item_id)] = frozenset(who & residents)
        except BoardNotFound:
            continue
    links: list[Json] = []
    for action_id, target_board, item_id in wanted:
        hit = found.get((target_board, item_id))
        entry: Json = {
            "action": action_id,
            "board": target_board,
            "item": item_id,
            "board_title": titles.get(target_board),
            "found": hit is not None,
            "solution": hit["solution"] if hit else None,
            "votes": hit["votes"] if hit else None,
            "behind": hit["behind"] if hit else _empty_behind(),
        }
        if in_study:
            board_row = explorations.get(target_board)
            entry.update(_where(reach.get(board_row.workshop_id) if board_row and hit else None))
        links.append(entry)
    answer: Json = {"links": links}
    if in_study:
        answer["behind_actions"] = _behind_actions(wanted, found, people, hidden_votes, explorations, reach)
    return answer


def _behind_actions(
    wanted: list[tuple[str, str, str]],
    found: Mapping[tuple[str, str], Json],
    people: Mapping[tuple[str, str], frozenset[str]],
    hidden_votes: set[tuple[str, str]],
    explorations: Mapping[str, BoardRow],
    reach: Mapping[str, Peer],
) -> Json:
    """Per action (of those asked), the neighbourhoods and the number of residents behind its links: the
    distinct authors and voters of the solutions it links that the caller may see (participants only, not
    the facilitators; voters left out where votes are hidden to the caller, `votes_hidden`)."""
    order = list(reach)
    out: Json = {}
    for action_id in dict.fromkeys(a for a, _, _ in wanted):
        keys = [(b, i) for a, b, i in wanted if a == action_id and (b, i) in found]
        workshops = {explorations[b].workshop_id for b, _ in keys}
        places: dict[str, Json] = {}
        for wid in sorted(workshops, key=order.index):
            peer = reach[wid]
            if peer.neighbourhood is not None:
                place = peer.neighbourhood_id or peer.neighbourhood
                places.setdefault(place, {"id": peer.neighbourhood_id, "name": peer.neighbourhood})
        residents: set[str] = set()
        for key in keys:
            residents |= people.get(key, frozenset())
        out[action_id] = {
            "neighbourhoods": list(places.values()),
            "workshops": len(workshops),
            "residents": len(residents),
            "votes_hidden": any(k in hidden_votes for k in keys),
        }
    return out


@router.get("/boards/{board_id}/answers")
async def solution_answers(board_id: str, session: ReaderSession, services: ServicesDep) -> Json:
    row = await _board_row(services, session, board_id, "exploration")
    viewer = await _viewer(services, session)
    links = await _action_links(services, await services.store.boards_of(row.workshop_id))
    linked = sorted({item for (b, item) in links.by_solution if b == board_id})
    answers: dict[str, list[Json]] = {}
    try:
        async with services.rooms.use(board_id) as room, room.lock:
            board = room.board
            if isinstance(board, Board):
                for item_id in linked:
                    if _live_solution(board, item_id, viewer) is not None:
                        answers[item_id] = [a.full() for a in links.of(board_id, item_id)]
    except BoardNotFound:
        raise ApiError(404, "board_not_found", "no such board") from None
    return {"answers": answers}

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
  with nothing of the solution (`solution` and `votes` null, `behind` empty). The rule is
  `fresque.behind.action_sources`, which the printed fiche uses too.
- `GET /api/boards/{exploration board}/answers`: for every solution of that board the caller may see and some
  action of the workshop's actions boards links to, those actions (earliest start first).

In a study (issue 13, `fresque.study_scope`), the three reach every workshop of the study: the solutions of
all its exploration boards (each with its `workshop` and `neighbourhood`), the links of an action to them
(with, per action, the neighbourhoods and the number of residents behind it: `behind_actions`), and the
actions of all its actions boards. Another workshop's boards are read as a stranger reads them, and another
workshop's actions are only counted, never described: `/answers` gives them as `elsewhere: {item: n}` and
`/solutions` as `answered_elsewhere: n` (the partners' fiches are theirs; a resident of a neighbourhood's
workshop sees « → 2 actions », not their titles). A workshop on its own answers exactly as before (no new
keys).

What a non-facilitator may not see on an exploration board (moderated cards, others' cards in an open
private round, hidden votes) follows `fresque.core.visibility`, the rule of the sockets, so that these routes
never tell more than the board page does. Each room is read under its own lock, one at a time (never two
locks held together), and only plain data leaves the lock.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from fastapi import APIRouter

from .. import behind
from ..behind import (
    PicturesByWorkshop,
    live_solution,
    reach_of,
    solution_json,
    solution_rank,
    viewer_of,
    votes_shown,
    wanted_of,
    where,
)
from ..core.actions import ActionBoard
from ..core.board import Board
from ..core.timeline import format_month
from ..db.store import BoardRow, SessionInfo
from ..rooms.registry import BoardNotFound
from ..study_scope import viewer_for
from .deps import ReaderSession, Services, ServicesDep
from .errors import ApiError

router = APIRouter(prefix="/api")

Json = dict[str, Any]

# -- reading the boards ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    """One action linking to one solution."""

    board: str  # the actions board
    workshop: str  # the actions board's workshop (another one's actions are only counted)
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

    def of(self, board: str, item: str, workshop: str) -> list[Answer]:
        """The actions of `workshop`'s actions boards that answer this solution, earliest start first."""
        return sorted(
            (a for a in self.by_solution.get((board, item), []) if a.workshop == workshop),
            key=lambda a: (a.start, a.end, a.title, a.board, a.action),
        )

    def elsewhere(self, board: str, item: str, workshop: str) -> int:
        """How many actions of the study's *other* workshops answer it: a count, nothing of them."""
        return sum(1 for a in self.by_solution.get((board, item), []) if a.workshop != workshop)


def _answers_of(row: BoardRow, board: ActionBoard) -> list[tuple[Answer, str, str]]:
    out: list[tuple[Answer, str, str]] = []
    for action_id in sorted(board.actions):
        action = board.actions[action_id]
        answer = Answer(
            board=row.id,
            workshop=row.workshop_id,
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
                    _answers_of(row, board) if isinstance(board, ActionBoard) else []
                )
        except BoardNotFound:  # erased meanwhile
            continue
        for answer, target_board, item in found:
            links.add(answer, target_board, item)
    return links


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


@router.get("/workshops/{workshop_id}/solutions")
async def workshop_solutions(workshop_id: str, session: ReaderSession, services: ServicesDep) -> Json:
    _same_workshop(session, workshop_id)
    if await services.store.workshop(workshop_id) is None:
        raise ApiError(404, "workshop_not_found", "no such workshop")
    own_viewer = await viewer_of(services, session)
    pictures = PicturesByWorkshop(services)
    reach, rows, in_study = await reach_of(services, workshop_id)
    links = await _action_links(services, rows)
    solutions: list[Json] = []
    for row in rows:
        if row.kind != "exploration":
            continue
        viewer = viewer_for(own_viewer, workshop_id, row.workshop_id)
        shown = await pictures.of(row.workshop_id)
        place = where(reach.get(row.workshop_id)) if in_study else {}
        try:
            async with services.rooms.use(row.id) as room, room.lock:
                board = room.board
                if not isinstance(board, Board):
                    continue
                totals = board.vote_totals()
                title = board.settings.title
                for item_id in sorted(board.items):
                    item = live_solution(board, item_id, viewer)
                    if item is None:
                        continue
                    counted = links.elsewhere(row.id, item.id, workshop_id)
                    elsewhere = {"answered_elsewhere": counted} if in_study else {}
                    solutions.append(
                        {
                            "board": row.id,
                            "board_title": title,
                            "item": item.id,
                            **solution_json(item, shown),
                            "votes": votes_shown(board, item.id, viewer, totals),
                            "answered_by": [a.short() for a in links.of(row.id, item.id, workshop_id)],
                            **elsewhere,
                            **place,
                        }
                    )
        except BoardNotFound:
            continue
    solutions.sort(key=solution_rank)
    return {"solutions": solutions}


@router.get("/boards/{board_id}/sources")
async def action_sources(
    board_id: str, session: ReaderSession, services: ServicesDep, action: str | None = None
) -> Json:
    row = await _board_row(services, session, board_id, "actions")
    try:
        async with services.rooms.use(board_id) as room, room.lock:
            actions_board = room.board
            wanted = []  # (action, board, item), in the actions' order
            if isinstance(actions_board, ActionBoard):
                if action is not None and action not in actions_board.actions:
                    raise ApiError(404, "action_not_found", "this board has no such action (deleted?)")
                wanted = wanted_of(actions_board, action)
            elif action is not None:
                raise ApiError(404, "action_not_found", "this board has no such action")
    except BoardNotFound:
        raise ApiError(404, "board_not_found", "no such board") from None
    viewer = await viewer_of(services, session)
    sources = await behind.action_sources(services, row.workshop_id, viewer, wanted)
    answer: Json = {"links": sources.links}
    if sources.behind is not None:
        answer["behind_actions"] = sources.behind
    return answer


@router.get("/boards/{board_id}/answers")
async def solution_answers(board_id: str, session: ReaderSession, services: ServicesDep) -> Json:
    row = await _board_row(services, session, board_id, "exploration")
    viewer = await viewer_of(services, session)
    # In a study, the partners' workshop (another workshop of the study) answers the residents' ideas too:
    # every actions board within reach counts, but only this workshop's own actions are described.
    _, rows, in_study = await reach_of(services, row.workshop_id)
    links = await _action_links(services, rows)
    linked = sorted({item for (b, item) in links.by_solution if b == board_id})
    answers: dict[str, list[Json]] = {}
    elsewhere: dict[str, int] = {}
    try:
        async with services.rooms.use(board_id) as room, room.lock:
            board = room.board
            if isinstance(board, Board):
                for item_id in linked:
                    if live_solution(board, item_id, viewer) is None:
                        continue
                    own = links.of(board_id, item_id, row.workshop_id)
                    if own:
                        answers[item_id] = [a.full() for a in own]
                    if n := links.elsewhere(board_id, item_id, row.workshop_id):
                        elsewhere[item_id] = n
    except BoardNotFound:
        raise ApiError(404, "board_not_found", "no such board") from None
    return {"answers": answers, "elsewhere": elsewhere} if in_study else {"answers": answers}

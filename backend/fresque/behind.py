"""What is behind each action of an action fresco: the residents' ideas it links, the chain that leads to
each idea, and — in a study — the neighbourhoods and the number of residents behind the action.

One rule, two readers: the fiche on screen (`GET /api/boards/{id}/sources`, `fresque.api.traceability`) and
the printed fiche (`fresque.print_pages`). Both call `action_sources` with the caller's `Viewer`, so a page
never prints more than the screen shows.

- A workshop on its own reaches its own exploration boards only (`study_scope.peers`); a study's workshop
  reaches every workshop of its study, and reads the *other* workshops' boards as a stranger does
  (`study_scope.viewer_for`): a card hidden by moderation, a card of an open private round and votes kept
  hidden stay hidden from the partners.
- A link to a solution that is gone, not a solution, out of reach or not visible to the caller is
  `found: false` and tells nothing of the solution.
- Residents behind an action (a study only): the distinct *participants* (not facilitators) who wrote a
  linked solution or gave it a dot; voters are left out where the votes are hidden to the caller
  (`votes_hidden: true`), so a count never tells what the board hides.

Each room is read under its own lock, one at a time (never two locks together); only plain data leaves it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .api.custom_pictograms import file_url
from .api.deps import Services
from .api.pictograms import picture_url
from .core.actions import ActionBoard
from .core.board import Board, Item
from .core.visibility import Viewer, item_visible, thread_visible
from .db.store import BoardRow, SessionInfo
from .roles import facilitates
from .rooms.registry import BoardNotFound
from .study_scope import Peer, peers, study_id_of, viewer_for
from .uploads import custom_ref

Json = dict[str, Any]
Wanted = tuple[str, str, str]  # (action, exploration board, solution item)


# -- who reads ----------------------------------------------------------------------------------------------


async def viewer_of(services: Services, session: SessionInfo) -> Viewer:
    """As the sockets see it (`rooms.room.viewer_of`): oneself and the people one hosts (a table)."""
    hosted = {p.id for p in await services.store.hosted_by(session.participant_id)}
    return Viewer(people=frozenset({session.participant_id} | hosted), facilitating=facilitates(session.role))


# -- how a ref is shown -------------------------------------------------------------------------------------


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


async def pictures_of(services: Services, workshop_id: str) -> Pictures:
    custom = {
        custom_ref(p.id): (dict(p.labels), file_url(p.workshop_id, p.picture_file))
        for p in await services.store.custom_pictograms(workshop_id)
    }
    return Pictures(services.catalogue, custom)


class PicturesByWorkshop:
    """Each workshop's pictures, read once (a study's boards name their own workshop's custom pictures)."""

    def __init__(self, services: Services) -> None:
        self.services = services
        self.found: dict[str, Pictures] = {}

    async def of(self, workshop_id: str) -> Pictures:
        if workshop_id not in self.found:
            self.found[workshop_id] = await pictures_of(self.services, workshop_id)
        return self.found[workshop_id]


def solution_words(solution: Mapping[str, Any] | None, lang: str) -> str | None:
    """A solution's name in `lang` for a printed page: its pictogram's label, else the resident's words."""
    if solution is None:
        return None
    label = solution.get("label") or {}
    return label.get(lang) or label.get("fr") or solution.get("text") or solution.get("ref") or None


# -- reading an exploration board ---------------------------------------------------------------------------


def live_solution(board: Board, item_id: str, viewer: Viewer) -> Item | None:
    item = board.items.get(item_id)
    if item is None or item.kind != "solution" or not item_visible(board, item, viewer):
        return None
    return item


def votes_shown(board: Board, item_id: str, viewer: Viewer, totals: Mapping[str, int]) -> int | None:
    """The dots on an item, or None while the board hides its votes from this caller."""
    if board.settings.votes_hidden and not viewer.facilitating:
        return None
    return totals.get(item_id, 0)


def solution_rank(entry: Json) -> tuple[Any, ...]:
    """The order solutions are listed in (a solution's JSON): most votes first, then unvoted ones by words."""
    if entry["votes"] is not None:
        return (0, -entry["votes"], entry["board_title"], entry["item"])
    words = entry["text"] or (entry["label"] or {}).get("fr") or ""
    return (1, words.casefold(), entry["board_title"], entry["item"])


def solution_json(item: Item, pictures: Pictures) -> Json:
    return {
        "text": item.text,
        "ref": item.ref,
        "label": pictures.label(item.ref),
        "picture_url": pictures.picture(item.ref),
    }


def chain_behind(board: Board, solution_id: str, viewer: Viewer, pictures: Pictures) -> Json:
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


def empty_chain() -> Json:
    return {"activities": [], "difficulties": [], "touchpoints": [], "threads": 0}


# -- the reach of a workshop --------------------------------------------------------------------------------


async def reach_of(services: Services, workshop_id: str) -> tuple[dict[str, Peer], list[BoardRow], bool]:
    """The workshops within reach (`study_scope.peers`), all their boards, and whether it is a study."""
    reach = await peers(services.store, workshop_id)
    rows = [row for wid in reach for row in await services.store.boards_of(wid)]
    return reach, rows, await study_id_of(services.store, workshop_id) is not None


def where(peer: Peer | None) -> Json:
    """A study's extra keys on a solution: its workshop and its neighbourhood."""
    if peer is None:
        return {"workshop": None, "neighbourhood": None}
    return {
        "workshop": {"id": peer.workshop_id, "title": peer.title},
        "neighbourhood": None
        if peer.neighbourhood is None
        else {"id": peer.neighbourhood_id, "name": peer.neighbourhood},
    }


# -- the sources of actions ---------------------------------------------------------------------------------


def wanted_of(board: ActionBoard, action: str | None = None) -> list[Wanted]:
    """Every link of the board's actions (or of one), actions in id order, links in the order made."""
    return [
        (action_id, link.board, link.item)
        for action_id in sorted(board.actions)
        if action is None or action_id == action
        for link in board.actions[action_id].links
    ]


def wanted_of_snapshot(actions: Iterable[Mapping[str, Any]]) -> list[Wanted]:
    """The same from actions as a snapshot has them (`ActionBoard.to_snapshot()["actions"]`)."""
    return [(a["id"], link["board"], link["item"]) for a in actions for link in a["links"]]


@dataclass(frozen=True)
class Sources:
    """The links asked for, each described (`links`, the route's JSON), and in a study, per action, who and
    where is behind it (`behind`; None for a workshop on its own)."""

    links: list[Json]
    behind: dict[str, Json] | None

    @property
    def in_study(self) -> bool:
        return self.behind is not None

    def of(self, action_id: str) -> list[Json]:
        return [link for link in self.links if link["action"] == action_id]


async def action_sources(
    services: Services, workshop_id: str, viewer: Viewer, wanted: Sequence[Wanted]
) -> Sources:
    """Describe each wanted link of an action fresco of `workshop_id` as `viewer` may see it."""
    reach, rows, in_study = await reach_of(services, workshop_id)
    explorations = {r.id: r for r in rows if r.kind == "exploration"}
    pictures = PicturesByWorkshop(services)
    found: dict[tuple[str, str], Json] = {}
    titles: dict[str, str] = {}
    people: dict[tuple[str, str], frozenset[str]] = {}  # the residents behind each solution found
    hidden_votes: set[tuple[str, str]] = set()
    for target_board in sorted({b for _, b, _ in wanted}):
        if target_board not in explorations:
            continue  # a board out of reach, or one erased: never opened, never told
        board_workshop = explorations[target_board].workshop_id
        seen_as = viewer_for(viewer, workshop_id, board_workshop)
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
                    item = live_solution(board, item_id, seen_as)
                    if item is None:
                        continue
                    votes = votes_shown(board, item_id, seen_as, totals)
                    found[(target_board, item_id)] = {
                        "solution": solution_json(item, shown),
                        "votes": votes,
                        "behind": chain_behind(board, item_id, seen_as, shown),
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
            "behind": hit["behind"] if hit else empty_chain(),
        }
        if in_study:
            board_row = explorations.get(target_board)
            entry.update(where(reach.get(board_row.workshop_id) if board_row and hit else None))
        links.append(entry)
    if not in_study:
        return Sources(links, None)
    return Sources(links, behind_actions(wanted, found, people, hidden_votes, explorations, reach))


def behind_actions(
    wanted: Sequence[Wanted],
    found: Mapping[tuple[str, str], Json],
    people: Mapping[tuple[str, str], frozenset[str]],
    hidden_votes: set[tuple[str, str]],
    explorations: Mapping[str, BoardRow],
    reach: Mapping[str, Peer],
) -> dict[str, Json]:
    """Per action (of those asked), the neighbourhoods (in the study's order of workshops) and the number of
    distinct residents behind the solutions it links that the caller may see."""
    order = list(reach)
    out: dict[str, Json] = {}
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

"""What each participant is shown of a board: the same rule for snapshots, live changes and access checks.

Facilitating roles see everything. Everyone else is not sent: hidden items (moderation); while a private
round is open, the items others made in it; the threads touching an item not sent; and while votes are
hidden, everyone's dots but their own. "Their own" covers the people a device hosts (a table's members),
so `Viewer.people` is a set. Leaving things out on the server, rather than hiding them in the page, is what
keeps a vote or a private card private from a curious device.

On an action fresco nothing is anyone's secret but the dots while votes are hidden.

The ephemeral lane follows the same rule: a drag preview of a card a viewer is not sent is not sent either,
and a change whose ops are all left out for a viewer does not say whose it was (`rooms.room`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from .actions import ActionBoard
from .board import Board, Item, Thread, item_to_dict, settings_to_dict, thread_to_dict

AnyBoard = Board | ActionBoard


@dataclass(frozen=True)
class Viewer:
    people: frozenset[str]
    facilitating: bool = False


def item_visible(board: Board, item: Item, viewer: Viewer) -> bool:
    if viewer.facilitating:
        return True
    if item.hidden:
        return False
    settings = board.settings
    return not (
        settings.private_active and item.round == settings.private_round and item.author not in viewer.people
    )


def thread_visible(board: Board, thread: Thread, viewer: Viewer) -> bool:
    if viewer.facilitating:
        return True
    return all(
        (item := board.items.get(end)) is not None and item_visible(board, item, viewer)
        for end in (thread.source, thread.target)
    )


def votes_visible(board: AnyBoard, voter: str, viewer: Viewer) -> bool:
    return viewer.facilitating or not board.settings.votes_hidden or voter in viewer.people


def drag_visible(board: AnyBoard, item_id: str, viewer: Viewer) -> bool:
    """Whether a live drag preview of `item_id` may be sent to this viewer: only of a card they are sent.
    A card not on the board (yet) is not previewed to non-facilitators either: a card created in a private
    round and dragged before its commit would otherwise be placed for everyone."""
    if viewer.facilitating or isinstance(board, ActionBoard):  # an action fresco's cards are everyone's
        return True
    item = board.items.get(item_id)
    return item is not None and item_visible(board, item, viewer)


def ephemeral_for(board: AnyBoard, updates: list[dict[str, Any]], viewer: Viewer) -> list[dict[str, Any]]:
    """The ephemeral updates (`{participant, connection, cursor?, drag?, view?, gone?}`) as this viewer is
    sent them: an update dragging a card they may not see loses its drag and its pointer (which carries the
    card), keeping only who it is from."""
    return [
        u
        if "drag" not in u or drag_visible(board, u["drag"]["item"], viewer)
        else {k: v for k, v in u.items() if k not in ("drag", "cursor")}
        for u in updates
    ]


def leaves_out_anything(board: AnyBoard) -> bool:
    """Whether some viewer could be sent less than the whole board (then reconnects get a snapshot)."""
    if isinstance(board, ActionBoard):
        return board.settings.votes_hidden
    settings = board.settings
    return settings.votes_hidden or settings.private_active or any(i.hidden for i in board.items.values())


def _votes_for(board: AnyBoard, viewer: Viewer, shown: Iterable[str] | None = None) -> list[dict[str, Any]]:
    cards = None if shown is None else set(shown)
    return [
        {"participant": p, "item": i, "count": c}
        for p in sorted(board.votes)
        if votes_visible(board, p, viewer)
        for i, c in sorted(board.votes[p].items())
        if cards is None or i in cards
    ]


def snapshot_for(board: AnyBoard, viewer: Viewer) -> dict[str, Any]:
    """`to_snapshot`, less what this viewer is not sent."""
    if viewer.facilitating:
        return board.to_snapshot()
    if isinstance(board, ActionBoard):
        return {**board.to_snapshot(), "votes": _votes_for(board, viewer)}
    items = [board.items[k] for k in sorted(board.items)]
    shown = {i.id for i in items if item_visible(board, i, viewer)}
    return {
        "settings": settings_to_dict(board.settings),
        "items": [item_to_dict(i) for i in items if i.id in shown],
        "threads": [
            thread_to_dict(board.threads[k])
            for k in sorted(board.threads)
            if board.threads[k].source in shown and board.threads[k].target in shown
        ],
        "votes": _votes_for(board, viewer, shown),
        "deleted": sorted(board.deleted),
    }


def op_visible(
    board: AnyBoard, op: dict[str, Any], author: str, viewer: Viewer, created: Iterable[str]
) -> bool:
    """Whether to send this op (canonical JSON form) of an applied change; `board` is after the change,
    `created` the ids the same change created (their deletes are left out with their creates)."""
    if viewer.facilitating:
        return True
    name = op["op"]
    if isinstance(board, ActionBoard):
        return name not in ("vote.add", "vote.remove") or votes_visible(board, author, viewer)
    if name in ("item.create", "item.update"):
        item = board.items.get(op["id"])
        return item is not None and item_visible(board, item, viewer)
    if name == "item.delete":
        return op["id"] not in created
    if name == "thread.create":
        thread = board.threads.get(op["id"])
        return thread is not None and thread_visible(board, thread, viewer)
    if name == "thread.delete":
        return op["id"] not in created
    if name in ("vote.add", "vote.remove"):
        item = board.items.get(op["item"])
        return item is not None and item_visible(board, item, viewer) and votes_visible(board, author, viewer)
    return True  # settings, the timer: everyone's

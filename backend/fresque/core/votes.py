"""Dot votes, the same on both kinds of board: each participant's dots per card, totals derived, never stored.

A mixin for `Board` (dots on residents' solutions) and `ActionBoard` (dots on actions); each board checks
what may be voted on and its budget, then calls `_add_vote` / `_remove_vote`, which record their undo.
"""

from __future__ import annotations

from .errors import RuleError
from .undo_log import UndoLog


class VoteLedger(UndoLog):
    """The class provides `votes`: votes[participant][card] = dots that participant put on that card."""

    votes: dict[str, dict[str, int]]

    def vote_totals(self) -> dict[str, int]:
        totals: dict[str, int] = {}
        for per_item in self.votes.values():
            for item_id, count in per_item.items():
                totals[item_id] = totals.get(item_id, 0) + count
        return totals

    def votes_used(self, participant: str) -> int:
        return sum(self.votes.get(participant, {}).values())

    def _set_votes(self, participant: str, item_id: str, count: int) -> None:
        per_item = self.votes.setdefault(participant, {})
        before = per_item.get(item_id, 0)
        if count:
            per_item[item_id] = count
        else:
            per_item.pop(item_id, None)
        if not per_item:
            del self.votes[participant]

        def undo() -> None:
            restored = self.votes.setdefault(participant, {})
            if before:
                restored[item_id] = before
            else:
                restored.pop(item_id, None)
            if not restored:
                del self.votes[participant]

        self._record(undo)

    def _add_vote(self, participant: str, item_id: str, budget: int) -> None:
        if self.votes_used(participant) >= budget:
            raise RuleError("vote_budget_exceeded", f"each participant has {budget} dots on this board")
        self._set_votes(participant, item_id, self.votes.get(participant, {}).get(item_id, 0) + 1)

    def _remove_vote(self, participant: str, item_id: str) -> None:
        current = self.votes.get(participant, {}).get(item_id, 0)
        if current == 0:
            raise RuleError("no_vote", "there is no dot of yours on this item")
        self._set_votes(participant, item_id, current - 1)

    def _drop_votes_on(self, item_id: str) -> None:
        """A card deleted: its dots go back to their owners."""
        for participant, per_item in list(self.votes.items()):
            if item_id in per_item:
                self._set_votes(participant, item_id, 0)

    def _restore_votes(self, raw_votes: list[dict[str, object]], max_budget: int) -> None:
        """Votes from a snapshot (`{participant, item, count}`), the card already checked by the board."""
        for vote in raw_votes:
            count, participant, item = vote["count"], vote["participant"], vote["item"]
            if not isinstance(count, int) or isinstance(count, bool) or count < 1:
                raise RuleError("invalid_vote", "a vote count is a positive whole number")
            if not isinstance(participant, str) or not isinstance(item, str):
                raise RuleError("invalid_vote", "a vote names a participant and a card")
            self._set_votes(participant, item, count)
            if self.votes_used(participant) > max_budget:  # budgets can drop
                raise RuleError("vote_budget_exceeded", "a participant has more dots than the budget")

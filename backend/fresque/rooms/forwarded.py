"""A socket on another process, as the writing process's room sees it (several processes, `fresque.cluster`).

The room submits a forwarded push exactly as a local one: the same rules, for the same person, role and
hosted people. What it answers without committing (a refusal, a duplicate's ack) goes back to the asking
process through `answer`; the ack of a committed change needs no answer of its own: the committed change
itself, fanned out to every process, tells the asking process (`fresque.cluster.board`).
"""

from __future__ import annotations

from collections.abc import Callable


class Forwarded:
    __slots__ = ("_answer", "hosted", "id", "participant_id", "role")
    closed = False  # the socket's own process closes it; here it only stands for its pushes

    def __init__(
        self,
        *,
        connection_id: str,
        participant_id: str,
        role: str,
        hosted: frozenset[str],
        answer: Callable[[str], None],
    ) -> None:
        self.id = connection_id
        self.participant_id = participant_id
        self.role = role
        self.hosted = hosted
        self._answer = answer

    def send(self, frame: str) -> None:
        self._answer(frame)

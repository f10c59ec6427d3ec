"""All-or-none batches for the boards' rules: each change records how to undo itself while a transaction is
open, and a failing batch undoes them in reverse order (`Board`, `ActionBoard`)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager


class UndoLog:
    """A mixin; the class provides the `_undo` attribute (None outside a transaction)."""

    _undo: list[Callable[[], None]] | None

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Apply a batch all or none: on any exception every change made inside is undone, then re-raised.

        A transaction opened inside another joins it: the outer one decides (the room wraps the rules and the
        database commit in one, so a failed commit undoes the rules' changes too).
        """
        if self._undo is not None:
            yield
            return
        self._undo = []
        try:
            yield
        except BaseException:
            for undo in reversed(self._undo):
                undo()
            raise
        finally:
            self._undo = None

    def _record(self, undo: Callable[[], None]) -> None:
        if self._undo is not None:
            self._undo.append(undo)

"""`gc_paused()`: no cyclic garbage collection during one burst of allocation-heavy work.

Two bursts make hundreds of thousands or millions of short-lived objects: the diagnostic reading a study's
boards and counting its figures, and WeasyPrint drawing a long PDF (its styles and boxes). CPython's
collector runs by allocation counts: during such a burst it runs collection after collection, up to full
collections that walk every object of the server: about a third of a cold diagnostic's time
(docs/diagnostic.md), 1.3–2.8 s of a 120-page schéma (docs/schema.md). These objects hold no reference cycles
that matter, so reference counting frees them as soon as they are dropped; a due collection runs once, after.

Pauses may overlap (a PDF drawn in a worker thread while the event loop counts a diagnostic): the collector is
turned off by the first one to enter and back on by the last one to leave, and only if it was on before the
first; so no burst turns it back on under another. While a PDF is drawn (seconds) the rooms' own garbage with
cycles waits for the end of it; it is small.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_depth = 0
_was_enabled = False


@contextmanager
def gc_paused() -> Iterator[None]:
    global _depth, _was_enabled
    with _lock:
        if _depth == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _was_enabled:
                gc.enable()

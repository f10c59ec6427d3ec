"""`gc_paused()`: no cyclic garbage collection during one synchronous burst of the diagnostic's work.

Reading a study's boards and counting its figures make hundreds of thousands of short-lived objects (the
boards' parsed JSON, the counts' keys). CPython's collector runs by allocation counts: during such a burst it
runs collection after collection, promoting objects still in use, up to full collections that walk every
object of the server: about a third of a cold diagnostic's time on the 10-workshop benchmark
(docs/diagnostic.md). These objects hold no reference cycles, so reference counting frees them as soon as
they are dropped; while the collector is paused, what is freed that way is never counted against it either,
and a collection that is due runs once, at the end. The burst must not await (nothing else of the server
runs meanwhile), and the collector comes back on at its end as it was.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()

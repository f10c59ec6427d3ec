"""The ES modules a page's script imports, found by reading their `import … from './x.js'` lines.

The pages load their scripts as they are (no build step): the browser discovers each module only when it has
parsed the one importing it, so a board page made 27 requests in a chain of five or six round trips before
its first draw (`benchmarks/browser.py`: the last script arrived 750 ms after navigation on a throttled
phone). Naming the whole graph in `<link rel="modulepreload">` lets the browser ask for all of them at once.
The graph is read from the files themselves, so it never drifts from the code; dynamic `import()` is left out
(what it loads is loaded later on purpose).
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

#: `import … from './x.js'`, `export … from '../y.js'` (over several lines) and `import './z.js'`.
_IMPORT = re.compile(
    r"""^\s*(?:import|export)\b[^'";]*?\bfrom\s*['"](\.{1,2}/[^'"]+)['"]"""  # import { a } from './x.js'
    r"""|^\s*import\s*['"](\.{1,2}/[^'"]+)['"]""",  # import './z.js'
    re.M,
)


@lru_cache(maxsize=16)
def module_urls(static_dir: Path, entry: str) -> tuple[str, ...]:
    """Every module `entry` (a path under `static_dir`) imports, directly or not, as `/static/…` URLs, in the
    order they are first met; the entry itself is not in the list (its `<script>` asks for it)."""
    root = static_dir.resolve()
    seen: dict[Path, None] = {}
    todo = [(root / entry).resolve()]
    while todo:
        path = todo.pop(0)
        try:
            text = path.read_text(encoding="utf-8")
        except OSError:
            continue  # a missing file is the browser's 404 to report, not the page's
        for match in _IMPORT.finditer(text):
            target = (path.parent / (match.group(1) or match.group(2))).resolve()
            if target.is_relative_to(root) and target not in seen and target != (root / entry).resolve():
                seen[target] = None
                todo.append(target)
    return tuple(f"/static/{p.relative_to(root).as_posix()}" for p in seen)

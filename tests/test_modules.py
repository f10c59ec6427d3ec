"""The module graph a page preloads (fresque.modules): read from the files, so it follows the code."""

from __future__ import annotations

from pathlib import Path

from fresque.modules import module_urls
from fresque.pages import STATIC_DIR


def test_the_graph_follows_every_kind_of_static_import_once(tmp_path: Path) -> None:
    js = tmp_path / "js"
    (js / "core").mkdir(parents=True)
    (js / "main.js").write_text(
        "// @ts-check\nimport {\n  a,\n  b,\n} from './core/a.js';\nimport './side.js';\n"
        "export { c } from './core/c.js';\nconst later = () => import('./lazy.js');\n"
        "const text = 'import x from \"./not-a-module.js\"';\n",
        encoding="utf-8",
    )
    (js / "core" / "a.js").write_text("import { main } from '../main.js';\nimport { c } from './c.js';\n")
    (js / "core" / "c.js").write_text("import { a } from './a.js';\n")  # a cycle
    (js / "side.js").write_text("")
    urls = module_urls(tmp_path, "js/main.js")
    assert urls == ("/static/js/core/a.js", "/static/js/side.js", "/static/js/core/c.js")


def test_the_board_pages_preload_every_module_their_script_imports() -> None:
    for entry in ("js/board/main.js", "js/actions/main.js"):
        urls = module_urls(STATIC_DIR, entry)
        assert len(urls) == len(set(urls)) > 10
        for url in urls:
            assert (STATIC_DIR / url.removeprefix("/static/")).is_file(), url
    board = module_urls(STATIC_DIR, "js/board/main.js")
    # imported by main.js itself, and only through other modules (phase.js ← facilitation.js ← main.js)
    wanted = {"/static/js/core/protocol.js", "/static/js/board/render.js", "/static/js/board/phase.js"}
    assert wanted <= set(board)
    # imported with import() after the first draw (render.js routeAfterPictures): not fetched before it
    assert "/static/js/core/route.js" not in board

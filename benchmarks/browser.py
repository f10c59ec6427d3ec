"""Browser benchmark: a 1,000-item board in headless Chromium, against an empty board in the same run.

    .venv/bin/python benchmarks/browser.py [--items 1000] [--moves 120]

For each board (the baseline: one activity; the case: N items, a third of them tied by threads) it measures
- first render: from navigation to the page's script reporting every item drawn (`body[data-ready]`, then
  one animation frame after the last item element exists), median of 3 loads;
- drag frames: one activity dragged by the mouse across the board, `--moves` pointer moves, with the page's
  `requestAnimationFrame` timestamps recorded meanwhile; p50 / p95 / max frame time.
Targets (issue 3): first render ≤ 1.5 s and drag p95 frame ≤ 33 ms at 1,000 items. Ratios to the baseline
are printed too: absolute times drift between runs on these machines, ratios hold.
"""

from __future__ import annotations

import argparse
import itertools
import json
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

import httpx
from websockets.sync.client import connect

sys.path.insert(0, str(Path(__file__).parent))
from run import server  # the same way of starting Fresque as the server benchmark

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]
DAYS = ["mon", "tue", "wed", "thu", "fri", "weekend"]
SLOTS = ["morning", "afternoon", "evening"]


def build_board(base: str, ws_base: str, items: int) -> tuple[str, str]:
    """A workshop whose board holds `items` items (activities in the week, cards under it, threads)."""
    created = httpx.post(f"{base}/api/workshops", json={"title": "Banc d'essai"}).json()
    token, board = created["facilitator"]["token"], created["board"]["id"]
    catalogue = httpx.get(f"{base}/api/pictograms").json()
    activities = [a["id"] for a in catalogue["activities"]]
    difficulties = [d["id"] for d in catalogue["difficulties"]]
    ops: list[dict[str, Any]] = []
    acts = max(1, items * 2 // 3)
    for i in range(acts):
        cell = {"day": DAYS[i % 6], "slot": SLOTS[(i // 6) % 3]}
        x = 120 + (i % 6) * 300 + 12 + (i // 18 % 3) * 96
        y = 56 + ((i // 6) % 3) * 240 + 12 + (i // 54 % 2) * 112
        ops.append(
            {
                "op": "item.create",
                "id": f"act-{i:05d}",
                "kind": "activity",
                "x": x,
                "y": y,
                "ref": activities[i % len(activities)],
                "cell": cell,
            }
        )
    for j in range(items - acts):
        x, y = 120 + j * 240 % 6000, 900 + (j * 240 // 6000) * 200
        ref = difficulties[j % len(difficulties)]
        ops.append(
            {
                "op": "item.create",
                "id": f"dif-{j:05d}",
                "kind": "difficulty",
                "x": x,
                "y": y,
                "ref": ref,
                "severity": "difficile",
                "text": f"carte {j}",
            }
        )
        ops.append(
            {
                "op": "thread.create",
                "id": f"thr-{j:05d}",
                "source": f"act-{j % acts:05d}",
                "target": f"dif-{j:05d}",
            }
        )
    headers = {"Authorization": f"Bearer {token}", "Origin": base}
    with connect(f"{ws_base}/ws/boards/{board}", additional_headers=headers, max_size=None) as ws:
        ws.send(json.dumps({"type": "hello", "protocol": 1, "client": "bench"}))
        json.loads(ws.recv())
        for n, start in enumerate(range(0, len(ops), 100)):
            ws.send(json.dumps({"type": "ops", "op_id": f"bench:{n}", "ops": ops[start : start + 100]}))
            while json.loads(ws.recv())["type"] != "ack":
                pass
    return board, token


RECORD_FRAMES = """() => {
  window.__frames = [];
  const loop = (t) => { window.__frames.push(t); if (window.__recording) requestAnimationFrame(loop); };
  window.__recording = true;
  requestAnimationFrame(loop);
}"""


def measure(browser: Any, base: str, board: str, token: str, items: int, moves: int) -> dict[str, float]:
    context = browser.new_context(viewport={"width": 1920, "height": 1080})
    context.add_cookies([{"name": "fresque_session", "value": token, "url": base}])
    renders = []
    page = context.new_page()
    for _ in range(3):
        page.evaluate("localStorage.clear()") if page.url.startswith(base) else None
        page.goto(f"{base}/boards/{board}", wait_until="commit")
        drawn = "(n) => document.querySelectorAll('.item').length >= n"
        page.wait_for_function(drawn, arg=items, timeout=60_000)
        renders.append(page.evaluate("new Promise(r => requestAnimationFrame(() => r(performance.now())))"))
    box = page.locator(".item.kind-activity").first.bounding_box()
    assert box is not None
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.evaluate(RECORD_FRAMES)
    page.mouse.move(x, y)
    page.mouse.down()
    for i in range(moves):
        page.mouse.move(x + (i % 60) * 8, y + (i // 60) * 20)
    page.mouse.up()
    frames = page.evaluate("window.__recording = false, window.__frames")
    context.close()
    gaps = sorted(b - a for a, b in itertools.pairwise(frames))
    return {
        "first_render_ms": statistics.median(renders),
        "frame_p50_ms": gaps[len(gaps) // 2],
        "frame_p95_ms": gaps[min(len(gaps) - 1, int(len(gaps) * 0.95))],
        "frame_max_ms": gaps[-1],
        "frames": len(gaps),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--items", type=int, default=1000)
    parser.add_argument("--moves", type=int, default=120)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp, server("fresque", Path(tmp)) as target:
        base = f"http://127.0.0.1:{target.port}"
        ws_base = f"ws://127.0.0.1:{target.port}"
        small = build_board(base, ws_base, 1)
        big = build_board(base, ws_base, args.items)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            baseline = measure(browser, base, *small, items=1, moves=args.moves)
            case = measure(browser, base, *big, items=args.items, moves=args.moves)
            browser.close()
    print(f"{'':22}{'1 item':>12}{f'{args.items} items':>14}{'ratio':>9}   target")
    targets = {"first_render_ms": 1500.0, "frame_p95_ms": 33.0}
    for key in ("first_render_ms", "frame_p50_ms", "frame_p95_ms", "frame_max_ms"):
        a, b = baseline[key], case[key]
        goal = targets.get(key)
        verdict = "" if goal is None else f"≤ {goal:.0f} ms {'PASS' if b <= goal else 'FAIL'}"
        print(f"{key:22}{a:12.1f}{b:14.1f}{b / a if a else float('nan'):9.2f}   {verdict}")
    print(f"frames recorded while dragging: {baseline['frames']} / {case['frames']}")


if __name__ == "__main__":
    main()

"""Two versions of Fresque side by side: their first render compared load by load, in the same minutes.

    git worktree add --detach /tmp/old <commit>
    .venv/bin/python benchmarks/browser_ab.py --old /tmp/old --loads 12            # the phone case
    .venv/bin/python benchmarks/browser_ab.py --old /tmp/old --loads 8 --laptop

On these shared cores two runs of benchmarks/browser.py a minute apart can differ by more than a change's
gain: the other jobs' load decides. Here both servers run at once (each from its own checkout's backend, on
PYTHONPATH) and the loads alternate one by one (old, new, new, old, …), each in a fresh browser context, as
in browser.py (its boards, device, probe and first render). Printed: both medians, in how many adjacent
pairs the new one was faster, and the page's main-thread CPU time until its first render (the top-level
tasks' thread time in a trace: the work the page did, which the machine's load moves much less).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
from contextlib import ExitStack
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))
import browser as bench
from run import server

REPO = Path(__file__).resolve().parents[1]


class TaskTimes:
    """browser.py's profile hook, tracing only the top-level tasks of each load (light)."""

    def __init__(self) -> None:
        self.last: bench.MainThread | None = None

    async def start(self, browser: Any, page: Any, cdp: Any) -> None:
        await browser.start_tracing(page=page, categories=["toplevel"])

    async def stop(self, browser: Any, cdp: Any, what: str) -> None:
        self.last = bench.main_thread_time(json.loads(await browser.stop_tracing()))


async def compare(bases: dict[str, tuple[str, str]], loads: int, laptop: bool) -> dict[str, Any]:
    from playwright.async_api import async_playwright

    device = bench.LAPTOP if laptop else bench.PHONE
    scenes = {
        which: bench.build_board(*base, 1000) if laptop else bench.build_phone_board(*base, 200)
        for which, base in bases.items()
    }
    times = TaskTimes()
    renders: dict[str, list[float]] = {which: [] for which in bases}
    cpu: dict[str, list[float]] = {which: [] for which in bases}
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=bench.CHROMIUM, args=bench.ARGS)
        for n in range(loads):
            for which in ("old", "new") if n % 2 == 0 else ("new", "old"):
                base, scene = bases[which][0], scenes[which]
                context, page, _ = await bench.open_board(browser, base, device, scene, times)
                renders[which].append(float(await page.evaluate("window.__drawnAt")))
                cpu[which].append(times.last.cpu if times.last else float("nan"))
                await context.close()
            print(
                f"load {n + 1}: old {renders['old'][-1]:5.0f} ms, new {renders['new'][-1]:5.0f} ms"
                f" (load average {os.getloadavg()[0]:.1f})",
                flush=True,
            )
        await browser.close()
    return {"renders": renders, "cpu": cpu}


def main() -> None:
    formatter = argparse.RawDescriptionHelpFormatter
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=formatter)
    parser.add_argument("--old", type=Path, required=True, help="a checkout of the version to compare with")
    parser.add_argument("--loads", type=int, default=12, help="loads of each version")
    parser.add_argument("--laptop", action="store_true", help="the laptop case (default: the phone's)")
    args = parser.parse_args()
    roots = {"old": args.old.resolve() / "backend", "new": REPO / "backend"}
    with tempfile.TemporaryDirectory() as tmp, ExitStack() as stack:
        bases = {}
        for which, backend in roots.items():
            os.environ["PYTHONPATH"] = str(backend)  # the server process imports this checkout's fresque
            (Path(tmp) / which).mkdir()
            target = stack.enter_context(server("fresque", Path(tmp) / which))
            bases[which] = (f"http://127.0.0.1:{target.port}", f"ws://127.0.0.1:{target.port}")
        got = asyncio.run(compare(bases, args.loads, args.laptop))
    renders, cpu = got["renders"], got["cpu"]
    for which in ("old", "new"):
        q = statistics.quantiles(renders[which], n=4)
        print(
            f"{which}: first render median {statistics.median(renders[which]):.0f} ms (quartiles {q[0]:.0f}–"
            f"{q[2]:.0f}); main-thread CPU until it, median {statistics.median(cpu[which]):.0f} ms"
        )
    faster = sum(new < old for old, new in zip(renders["old"], renders["new"], strict=True))
    load = os.getloadavg()[0]
    print(f"new faster in {faster} of {args.loads} adjacent pairs; load average {load:.1f} at the end")


if __name__ == "__main__":
    main()

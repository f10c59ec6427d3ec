"""Browser benchmark: a big board in headless Chromium, each case against a one-card board in the same run.

    .venv/bin/python benchmarks/browser.py            # both cases (laptop, phone), ≈ 2 min
    .venv/bin/python benchmarks/browser.py --only phone --profile   # where the phone's time goes

Two cases, each measured on its baseline board (one activity) and on its own board, on the same device:
- laptop: 1920×1080, mouse, full CPU; N items (two thirds activities in the week, a third difficulty cards
  under it, each tied by a thread), as its facilitator sees it. Targets (issue 3): first render ≤ 1.5 s,
  drag frame p95 ≤ 33 ms at 1,000 items (30 frames a second: at most two 60 Hz frames, see TWO_FRAMES_MS).
- phone: a resident's low-end phone: 360×740 CSS px at 2 device px per px, touch (has_touch, is_mobile), the
  page's CPU slowed 4× by the DevTools protocol (Emulation.setCPUThrottlingRate); a 200-card board made by
  ten residents (activities in the week's cells; touchpoints, difficulties of every severity and solutions
  under it; threads between them; the residents' dots on the solutions), seen by one of the residents.
  Targets (issue 11): first render ≤ 2 s, drag frame p95 ≤ 33 ms (two 60 Hz frames, as for the laptop).

What is measured (also printed with the results, `DEFINITIONS`):
- first render: from the navigation's start (`performance.timeOrigin`, the page's time 0) to the end of the
  first rendering update (style, layout and paint on the page's main thread) after which every item and
  every thread of the board is in the page and every picture in them is loaded (but for lazy ones off
  screen, fetched only when they come near: `loading="lazy"`, or the page's own, an address waiting in
  `data-src`; a picture with no address yet is not loaded, though the browser calls it `complete`). A
  script injected before the page's own posts a message from each animation frame's callback; the message
  runs after that frame's rendering and checks. Median of `--loads` loads, each in a fresh browser
  context: no HTTP cache and no stored board, as when a resident opens the link for the first time.
  `reload`: the same board opened again in the last context (scripts and pictures cached), no target.
- drag frames: the gaps between consecutive `requestAnimationFrame` timestamps from the press to the
  release, while one of the viewer's own activities is dragged. Laptop: `--moves` mouse moves sent as fast
  as the page takes them (as in issue 3). Phone: one finger (`Input.dispatchTouchEvent`), `--touch-moves`
  moves at 60 Hz, each sent without waiting for the page to handle the previous one, like a real finger;
  the card must have followed the press (checked: a drag that panned the board instead is void).
  `--drags` drags of the viewer's card, back and forth, their frames pooled.
Absolute times drift between runs on these machines; the ratios to the baseline hold better. Printed with
the figures: when each part of a load was complete (HTML, scripts, board state, items, pictures), what it
fetched, the DevTools counters (`Performance.getMetrics`: tasks, script, style, layout) during the load and
per drag frame, a fixed JavaScript loop's time (which shows the 4× slowdown in force) and the machine's load.
`--profile` adds a Chromium trace and a JavaScript CPU profile of each board's last load and first drag,
summed by what the main thread did (profiling slows the page: those runs are not measurements).
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import statistics
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
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
GRID_BOTTOM = 56 + 3 * 240  # the week grid's bottom edge in world px (core/geometry.js GRID)
WAIT_MS = 180_000  # a cold load of a big board on a 4× slower CPU, on a busy machine

DEFINITIONS = """\
first render = navigation start -> end of the first rendering update (main thread: style, layout, paint)
               after which every item and thread is in the page and every picture in it is loaded
               (but for lazy ones off screen);
               median of {loads} loads, each in a fresh browser context (cold cache, nothing stored)
reload       = the same, the board opened again in the same context (scripts and pictures cached)
drag frames  = gaps between requestAnimationFrame timestamps from press to release while one of the
               viewer's own activities is dragged (laptop: mouse; phone: one finger, moves at 60 Hz);
               {drags} drags back and forth, their frames pooled"""


@dataclass(frozen=True)
class Device:
    name: str
    context: dict[str, Any]
    cpu_slowdown: float  # Emulation.setCPUThrottlingRate; 1 = the machine's own speed
    touch: bool


LAPTOP = Device("laptop", {"viewport": {"width": 1920, "height": 1080}}, 1, False)
PHONE = Device(
    "phone",
    {
        "viewport": {"width": 360, "height": 740},
        "device_scale_factor": 2,
        "has_touch": True,
        "is_mobile": True,
        "locale": "fr-FR",
    },
    4,
    True,
)


@dataclass
class Scene:
    """A board to open: whose eyes (`token`), what must be drawn, which cards the viewer may drag."""

    board: str
    token: str
    items: int
    threads: int
    mine: list[str] = field(default_factory=list)
    name: str = "board"


# -- building the boards -----------------------------------------------------------------------------------

OP_IDS = itertools.count()


def send_ops(ws_base: str, base: str, board: str, token: str, ops: list[dict[str, Any]]) -> None:
    """Send `ops` on one socket of `token`'s, 100 per message (`MAX_OPS_PER_MESSAGE`), each acknowledged."""
    headers = {"Authorization": f"Bearer {token}", "Origin": base}
    with connect(f"{ws_base}/ws/boards/{board}", additional_headers=headers, max_size=None) as ws:
        ws.send(json.dumps({"type": "hello", "protocol": 1, "client": "bench"}))
        json.loads(ws.recv())
        for start in range(0, len(ops), 100):
            # op ids are unique per sender: a repeated one is acknowledged as a duplicate and not applied
            op_id = f"bench:{next(OP_IDS)}"
            ws.send(json.dumps({"type": "ops", "op_id": op_id, "ops": ops[start : start + 100]}))
            while (reply := json.loads(ws.recv()))["type"] != "ack":
                if reply["type"] in ("error", "reject"):
                    raise RuntimeError(f"the server refused the scene: {reply}")
            if reply.get("duplicate"):
                raise RuntimeError(f"{op_id} was taken for a duplicate: its ops were not applied")


def build_board(base: str, ws_base: str, items: int) -> Scene:
    """The laptop's board of `items` items (activities in the week, cards under it, threads), as its
    facilitator sees it."""
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
    send_ops(ws_base, base, board, token, ops)
    # the facilitator may move any card: the first activity on top of its pile is dragged
    return Scene(
        board, token, items, items - acts, [f"act-{i:05d}" for i in range(acts)], f"laptop, {items} item(s)"
    )


SEVERITIES = ["difficile", "bloque", "ok"]
DIFFICULTY_TEXTS = [
    "Le site de la CAF me déconnecte tout le temps",
    "Je ne reçois pas le code par SMS",
    "Trop de mots de passe",
    "Le guichet est fermé le samedi",
    "",
]
SOLUTION_TEXTS = [
    "Une permanence le samedi matin à la médiathèque",
    "Un voisin relais dans chaque immeuble",
    "",
    "Des fiches pas à pas en arabe et en français",
]


def phone_mix(cards: int) -> dict[str, int]:
    """How many cards of each kind a board of `cards` cards holds: a workshop's typical proportions."""
    touchpoints, difficulties, solutions = cards * 15 // 100, cards * 25 // 100, cards * 20 // 100
    return {
        "activity": max(1, cards - touchpoints - difficulties - solutions),
        "touchpoint": touchpoints,
        "difficulty": difficulties,
        "solution": solutions,
    }


def build_phone_board(base: str, ws_base: str, cards: int) -> Scene:
    """A workshop board of `cards` cards made by up to ten residents, as resident 0 (the phone) sees it.

    Activities sit in the week's cells (five or so per cell); touchpoints, difficulties and solutions hang
    under the day of what they are tied to, one column per day. Threads: activity → touchpoint, activity or
    touchpoint → difficulty (and a second activity → every third difficulty), difficulty → solution (and
    touchpoint → the first solutions). Each resident spends a vote budget of 3 on the solutions."""
    created = httpx.post(f"{base}/api/workshops", json={"title": "Banc d'essai téléphone"}).json()
    board, code = created["board"]["id"], created["join_code"]
    residents = max(1, min(10, cards // 20))
    tokens = []
    for r in range(residents):
        joined = httpx.post(f"{base}/api/join", json={"code": code, "alias": f"Résident {r + 1}"})
        tokens.append(joined.raise_for_status().json()["token"])
    catalogue = httpx.get(f"{base}/api/pictograms").json()
    lists = {"activity": "activities", "touchpoint": "touchpoints", "difficulty": "difficulties"}
    lists["solution"] = "solutions"
    refs = {kind: [entry["id"] for entry in catalogue[name]] for kind, name in lists.items()}
    mix = phone_mix(cards)
    items: list[list[dict[str, Any]]] = [[] for _ in range(residents)]  # per author
    threads: list[list[dict[str, Any]]] = [[] for _ in range(residents)]
    day_of: dict[str, int] = {}
    column_rows = [0] * 6  # cards hung under each day so far

    def add(kind: str, n: int, day: int, **fields: Any) -> str:
        item_id = f"{kind[:3]}-{n:04d}"
        if kind == "activity":
            cell, k = n % 18, n // 18  # the n-th activity: a cell, then its place among the cell's
            day, row = cell % 6, cell // 6
            x, y = 120 + day * 300 + 6 + (k % 3) * 96, 56 + row * 240 + 8 + (k // 3 % 2) * 112
            fields["cell"] = {"day": DAYS[day], "slot": SLOTS[row]}
        else:
            x, y = 120 + day * 300 + 40, GRID_BOTTOM + 60 + column_rows[day] * 184
            column_rows[day] += 1
        day_of[item_id] = day
        op = {"op": "item.create", "id": item_id, "kind": kind, "x": x, "y": y, **fields}
        items[n % residents].append(op)
        return item_id

    def tie(source: str, target: str) -> None:
        author = int(target.split("-")[1]) % residents  # the target card's author draws the thread
        thread = {"op": "thread.create", "id": f"thr-{source}-{target}", "source": source, "target": target}
        threads[author].append(thread)

    acts = [
        add("activity", i, 0, ref=refs["activity"][i % len(refs["activity"])]) for i in range(mix["activity"])
    ]
    touchpoints = []
    for j in range(mix["touchpoint"]):
        source = acts[(j * 7) % len(acts)]
        text = {"text": "Appli de la CAF"} if j % 3 == 0 else {}
        touchpoints.append(add("touchpoint", j, day_of[source], ref=refs["touchpoint"][j % 21], **text))
        tie(source, touchpoints[-1])
    difficulties = []
    for j in range(mix["difficulty"]):
        source = touchpoints[j % len(touchpoints)] if j % 2 and touchpoints else acts[(j * 5) % len(acts)]
        fields: dict[str, Any] = {"ref": refs["difficulty"][j % len(refs["difficulty"])]}
        fields["severity"] = SEVERITIES[j % 3]
        if DIFFICULTY_TEXTS[j % 5]:
            fields["text"] = DIFFICULTY_TEXTS[j % 5]
        difficulties.append(add("difficulty", j, day_of[source], **fields))
        tie(source, difficulties[-1])
        if j % 3 == 0:
            other = acts[(j * 5 + 18) % len(acts)]
            if other != source:
                tie(other, difficulties[-1])
    solutions = []
    for j in range(mix["solution"]):
        source = difficulties[j % len(difficulties)]
        fields = {} if j % 4 == 2 else {"ref": refs["solution"][j % len(refs["solution"])]}
        if SOLUTION_TEXTS[j % 4] or not fields:
            fields["text"] = SOLUTION_TEXTS[j % 4] or "Un numéro unique pour tout"
        solutions.append(add("solution", j, day_of[source], **fields))
        tie(source, solutions[-1])
        if j < 10 and touchpoints:
            tie(touchpoints[j % len(touchpoints)], solutions[-1])
    for r in range(residents):
        send_ops(ws_base, base, board, tokens[r], items[r])
    for r in range(residents):
        send_ops(ws_base, base, board, tokens[r], threads[r])
    if solutions:
        for r in range(residents):  # three dots each, the first two on the same solution for half of them
            picks = [solutions[(r * 4) % len(solutions)], solutions[(r * 4 + 1 + r % 2) % len(solutions)]]
            picks.append(picks[0] if r % 2 else solutions[(r * 4 + 2) % len(solutions)])
            send_ops(ws_base, base, board, tokens[r], [{"op": "vote.add", "item": s} for s in picks])
    n_threads = sum(len(t) for t in threads)
    mine = [op["id"] for op in items[0]]
    return Scene(board, tokens[0], sum(mix.values()), n_threads, mine, f"phone, {cards} card(s)")


# -- measuring ---------------------------------------------------------------------------------------------

# Injected before the page's own scripts (so the page's CSP, which forbids eval, does not apply to it).
FIRST_RENDER_PROBE = """(() => {
  const want = %s;
  const channel = new MessageChannel();
  // When each part of the first render was first complete, for the breakdown printed with the results.
  const milestones = window.__milestones = {};
  const mark = (name, done) => {
    if (done && !(name in milestones)) milestones[name] = performance.now();
    return done;
  };
  // A message posted from a frame's callback runs after that frame's style, layout and paint.
  channel.port1.onmessage = () => {
    const ready = mark('page script ready', document.body?.dataset.ready === 'true');
    mark('board state received', window.fresque?.store?.seq != null);
    const count = (selector) => document.querySelectorAll(selector).length;
    const items = mark('items drawn', count('.items > .item') >= want.items);
    const threads = count('svg.threads path.thread') >= want.threads
      && (!want.threads || mark('threads drawn', true)); // a board without threads: no milestone
    // every picture loaded, but for lazy ones away from the screen (fetched when they come near): the
    // browser's loading="lazy", or the page's own (an address waiting in data-src, js/board/dom.js picture)
    // (measured on the picture's card: a card away from the screen is not laid out inside, board.css
    // content-visibility, and measuring a picture in it would lay it out, here in the probe)
    const away = (img) => {
      const r = (img.closest('.item') ?? img).getBoundingClientRect();
      return r.bottom < 0 || r.right < 0 || r.top > innerHeight || r.left > innerWidth;
    };
    const loaded = (img) => img.complete && img.hasAttribute('src'); // no src yet: `complete`, but not loaded
    const pictures = items && mark('pictures loaded', [...document.querySelectorAll('.items img')]
      .every((img) => loaded(img) || ((img.loading === 'lazy' || 'src' in img.dataset) && away(img))));
    if (ready && items && threads && pictures) {
      window.__drawnAt = performance.now();
      return;
    }
    requestAnimationFrame(() => channel.port2.postMessage(0));
  };
  requestAnimationFrame(() => channel.port2.postMessage(0));
})();"""

# The page's own navigation milestones, then the probe's, in the order they happened (ms after navigation).
MILESTONES = """() => {
  const nav = performance.getEntriesByType('navigation')[0];
  const resources = performance.getEntriesByType('resource');
  const pictures = resources.filter((r) => r.initiatorType === 'img');
  const scripts = resources.filter((r) => r.name.endsWith('.js'));
  const all = {
    'HTML received': nav.responseEnd,
    'DOMContentLoaded': nav.domContentLoadedEventEnd,
    ...window.__milestones,
    'last script received': Math.max(0, ...scripts.map((r) => r.responseEnd)),
    'last picture received': Math.max(0, ...pictures.map((r) => r.responseEnd)),
  };
  return Object.fromEntries(Object.entries(all).sort((a, b) => a[1] - b[1]));
}"""

# What the page fetched: how many files of each kind, and their bytes (0 when they came from the cache).
RESOURCES = """() => {
  const count = {};
  for (const r of performance.getEntriesByType('resource')) {
    const img = r.initiatorType === 'img';
    const kind = r.name.endsWith('.js') ? 'scripts' : img ? 'pictures' : r.initiatorType;
    count[kind] = count[kind] ?? [0, 0];
    count[kind][0] += 1;
    count[kind][1] += r.transferSize;
  }
  return count;
}"""

RECORD_FRAMES = """() => {
  window.__frames = [];
  const loop = (t) => { window.__frames.push(t); if (window.__recording) requestAnimationFrame(loop); };
  window.__recording = true;
  requestAnimationFrame(loop);
}"""

# The same fixed piece of JavaScript, timed in the page: shows that the CPU slowdown is in force.
CPU_CHECK = """() => {
  const t = performance.now();
  let x = 0;
  for (let i = 0; i < 3e6; i += 1) x += Math.sqrt(i);
  return [performance.now() - t, x];
}"""

METRICS = ("TaskDuration", "ScriptDuration", "RecalcStyleDuration", "LayoutDuration")


TRACE_CATEGORIES = [
    "toplevel",
    "devtools.timeline",
    "disabled-by-default-devtools.timeline",
    "v8.execute",
    "v8",
    "blink",
]


Rows = list[tuple[str, float]]  # (what, ms), the largest first


class Profile:
    """`--profile`: a Chromium trace and a JavaScript CPU profile of each board's last load and of its drag,
    summed by what the page's main thread did (self time: an event's time minus its children's)."""

    def __init__(self) -> None:
        self.reports: list[
            tuple[str, list[tuple[str, float]], list[tuple[str, float]], list[tuple[str, float]]]
        ] = []

    async def start(self, browser: Any, page: Any, cdp: Any) -> None:
        await browser.start_tracing(page=page, categories=TRACE_CATEGORIES)
        await cdp.send("Profiler.enable")
        await cdp.send("Profiler.setSamplingInterval", {"interval": 250})  # µs
        await cdp.send("Profiler.start")

    async def stop(self, browser: Any, cdp: Any, what: str, frames: int = 0) -> None:
        """Stop and keep the summaries; with `frames`, they are printed per frame too."""
        profile = (await cdp.send("Profiler.stop"))["profile"]
        trace = json.loads(await browser.stop_tracing())
        by_file, by_function = js_self_time(profile)
        self.reports.append((what, frames, main_thread_time(trace), by_file, by_function))

    def print(self, top: int = 12) -> None:
        for what, frames, main, files, functions in self.reports:
            busy = sum(ms for _, ms in main.own) or 1.0  # the main thread's time in traced events
            each = f", {frames} frames" if frames else ""
            print(
                f"\n{what}: main thread busy {main.wall:.0f} ms, of which CPU {main.cpu:.0f} ms{each}", end=""
            )
            print(f" ({main.cpu / frames:.1f} ms CPU per frame)" if frames else "")
            for title, rows in (
                ("main thread, trace events by self time", main.own),
                ("main thread, trace events by inclusive time (% of the self times' total)", main.whole),
                (f"the longest task ({main.longest[0]:.0f} ms), by self time", main.longest[1]),
                ("JavaScript by file, self time", files),
                ("JavaScript by function, self time", functions),
            ):
                total = busy if rows is main.whole else sum(ms for _, ms in rows) or 1.0
                print(f"{what}: {title} (total {total:.0f} ms{each})")
                for name, ms in rows[: top // 2 if rows is main.longest[1] else top]:
                    per_frame = (
                        f"{ms / frames:6.2f} ms/frame" if frames and rows is not main.longest[1] else ""
                    )
                    print(f"  {ms:8.1f} ms {100 * ms / total:5.1f} % {per_frame}  {name}")


@dataclass
class MainThread:
    """What one renderer main thread did in a trace (ms)."""

    own: Rows  # self time per event name
    whole: Rows  # inclusive time per event name (nested events of the same name counted once)
    wall: float  # time in top-level tasks
    cpu: float  # the CPU time of those tasks (`tdur`): without the time other processes took, or the
    # time the DevTools CPU slowdown held the thread
    longest: tuple[float, Rows]  # the longest top-level task: its time and its self time per event name


def self_times(spans: list[tuple[float, float, float, str]]) -> tuple[Counter[str], Counter[str]]:
    """Self and inclusive time per event name of nested spans (ts, dur, tdur, name), sorted by start."""
    own: Counter[str] = Counter()
    whole: Counter[str] = Counter()
    stack: list[tuple[float, str]] = []  # (end, name) of the open events
    for ts, dur, _, name in spans:
        while stack and stack[-1][0] <= ts:
            stack.pop()
        if stack:
            own[stack[-1][1]] -= dur  # the parent's own time excludes this child
        if all(open_name != name for _, open_name in stack):
            whole[name] += dur
        own[name] += dur
        stack.append((ts + dur, name))
    return own, whole


def main_thread_time(trace: Any) -> MainThread:
    """What the busiest renderer main thread of a trace did."""
    events = trace["traceEvents"] if isinstance(trace, dict) else trace
    mains = {
        (e["pid"], e["tid"])
        for e in events
        if e.get("ph") == "M" and e.get("name") == "thread_name" and e["args"].get("name") == "CrRendererMain"
    }
    threads: dict[tuple[int, int], list[tuple[float, float, float, str]]] = defaultdict(list)
    for e in events:
        if e.get("ph") == "X" and (e["pid"], e["tid"]) in mains and "dur" in e:
            threads[(e["pid"], e["tid"])].append((e["ts"], e["dur"], e.get("tdur", e["dur"]), e["name"]))
    if not threads:
        return MainThread([], [], 0.0, 0.0, (0.0, []))
    spans = max(threads.values(), key=lambda s: sum(d for _, d, _, _ in s))
    spans.sort(key=lambda s: (s[0], -s[1]))
    own, whole = self_times(spans)
    tops, end = [], -1.0
    for span in spans:
        if span[0] >= end:
            tops.append(span)
            end = span[0] + span[1]
    ts, dur, _, _ = max(tops, key=lambda t: t[1])
    inside, _ = self_times([s for s in spans if ts <= s[0] < ts + dur])

    def rows(counter: Counter[str]) -> Rows:
        return [(name, us / 1000) for name, us in counter.most_common() if us > 0]

    return MainThread(
        own=rows(own),
        whole=[(n, ms) for n, ms in rows(whole) if n not in ("RunTask", "ThreadControllerImpl::RunTask")],
        wall=sum(t[1] for t in tops) / 1000,
        cpu=sum(t[2] for t in tops) / 1000,
        longest=(dur / 1000, rows(inside)),
    )


def js_self_time(profile: Any) -> tuple[list[tuple[str, float]], list[tuple[str, float]]]:
    """Self time (ms) of the sampled JavaScript, by file and by function (`(idle)` left out)."""
    nodes = {n["id"]: n["callFrame"] for n in profile["nodes"]}
    by_file: Counter[str] = Counter()
    by_function: Counter[str] = Counter()
    for node, delta in zip(profile["samples"][:-1], profile["timeDeltas"][1:], strict=True):
        frame = nodes[node]
        if frame["functionName"] == "(idle)":
            continue
        where = frame["url"].rsplit("/", 1)[-1] or "(native)"
        by_file[where] += delta
        by_function[f"{frame['functionName'] or '(anonymous)'} {where}:{frame['lineNumber'] + 1}"] += delta
    return (
        [(k, v / 1000) for k, v in by_file.most_common()],
        [(k, v / 1000) for k, v in by_function.most_common()],
    )


async def metrics(cdp: Any) -> dict[str, float]:
    """The main thread's time so far, in ms, by what it did (DevTools `Performance.getMetrics`)."""
    got = {m["name"]: m["value"] for m in (await cdp.send("Performance.getMetrics"))["metrics"]}
    return {name: got.get(name, 0.0) * 1000 for name in METRICS}


async def open_board(browser: Any, base: str, device: Device, scene: Scene, profile: Profile | None) -> Any:
    """A fresh context (no cache, no storage), the device's CPU, the probe; returns (context, page, cdp)."""
    context = await browser.new_context(**device.context)
    await context.add_cookies([{"name": "fresque_session", "value": scene.token, "url": base}])
    await context.add_init_script(
        FIRST_RENDER_PROBE % json.dumps({"items": scene.items, "threads": scene.threads})
    )
    page = await context.new_page()
    cdp = await context.new_cdp_session(page)
    await cdp.send("Emulation.setCPUThrottlingRate", {"rate": device.cpu_slowdown})
    await cdp.send("Performance.enable")
    if profile:
        await profile.start(browser, page, cdp)
    await page.goto(f"{base}/boards/{scene.board}", wait_until="commit")
    await page.wait_for_function("() => window.__drawnAt", timeout=WAIT_MS, polling=250)
    if profile:
        await profile.stop(browser, cdp, f"{scene.name}, first render")
    return context, page, cdp


async def grab_target(page: Any, cdp: Any, device: Device, mine: list[str]) -> tuple[str, float, float]:
    """The first of the viewer's cards that a finger at its centre would touch, and that centre. When the
    opening view shows none of them, the board is first panned by a finger (or the mouse) towards the first
    ones (a set-up step, not measured)."""
    found = await touchable(page, mine)
    for attempt in range(12):
        if found is not None:
            break
        aim = mine[
            attempt % min(3, len(mine))
        ]  # one of the first three: a card dropped under another is skipped
        target = await page.evaluate(
            """(id) => {
                const r = document.querySelector(`.item[data-id="${id}"]`).getBoundingClientRect();
                return [r.left + r.width / 2, r.top + r.height / 2];
            }""",
            aim,
        )
        await swipe_towards(page, cdp, device, target)
        found = await touchable(page, mine)
    assert found is not None, "none of the viewer's cards could be brought on screen to drag"
    return str(found[0]), float(found[1]), float(found[2])


async def swipe_towards(page: Any, cdp: Any, device: Device, target: list[float]) -> None:
    """One finger (or the mouse) on empty board space moves the page point `target` up to a third of the
    board nearer the board's middle."""
    box = await page.evaluate(
        "() => { const r = document.getElementById('viewport').getBoundingClientRect();"
        " return [r.left, r.top, r.width, r.height]; }"
    )
    left, top, width, height = box
    dx = max(-width / 3, min(width / 3, left + width / 2 - target[0]))
    dy = max(-height / 3, min(height / 3, top + height / 2 - target[1]))
    candidates = [
        (left + width * fx - dx / 2, top + height * fy - dy / 2)
        for fy in (0.5, 0.35, 0.65, 0.2, 0.8)
        for fx in (0.5, 0.35, 0.65, 0.2, 0.8)
    ]
    start = await page.evaluate(
        """(points) => points.find(([x, y]) => {
            const el = document.elementFromPoint(x, y);
            return !!el && !!el.closest('#viewport') && !el.closest('.item, .zoom, button');
        }) ?? null""",
        candidates,
    )
    assert start is not None, "no empty board space to swipe from"
    if device.touch:
        await touch(cdp, "touchStart", *start)
        for k in range(1, 9):
            await touch(cdp, "touchMove", start[0] + dx * k / 8, start[1] + dy * k / 8)
        await touch(cdp, "touchEnd", 0, 0)
    else:
        await page.mouse.move(*start)
        await page.mouse.down()
        await page.mouse.move(start[0] + dx, start[1] + dy, steps=8)
        await page.mouse.up()
    await page.wait_for_timeout(300)


async def touchable(page: Any, mine: list[str]) -> list[Any] | None:
    """[id, x, y] of the first of `mine` whose centre a finger would touch, or None."""
    found: list[Any] | None = await page.evaluate(
        """(ids) => {
            for (const id of ids) {
                const el = document.querySelector(`.item[data-id="${id}"]`);
                if (!el) continue;
                const r = el.getBoundingClientRect();
                const x = r.left + r.width / 2, y = r.top + r.height / 2;
                if (x < 0 || y < 0 || x > innerWidth || y > innerHeight) continue;
                if (document.elementFromPoint(x, y)?.closest('.item') === el) return [id, x, y];
            }
            return null;
        }""",
        mine,
    )
    return found


async def world_position(page: Any, item_id: str) -> tuple[float, float]:
    x, y = await page.evaluate(
        "(id) => { const it = window.fresque.store.view().items.get(id); return [it.x, it.y]; }", item_id
    )
    return float(x), float(y)


async def touch(cdp: Any, kind: str, x: float, y: float) -> None:
    points = [] if kind == "touchEnd" else [{"x": x, "y": y, "id": 0, "radiusX": 4, "radiusY": 4, "force": 1}]
    await cdp.send("Input.dispatchTouchEvent", {"type": kind, "touchPoints": points})


async def drag(
    page: Any, cdp: Any, device: Device, start: tuple[float, float], moves: int, back: bool
) -> tuple[float, float]:
    """Drag from `start` (the mouse: rightwards, or leftwards when `back`; a finger: towards the middle of
    the screen); returns where the press was released."""
    x, y = start
    if not device.touch:  # issue 3's drag: 120 mouse moves, as fast as the page takes them
        way = -1 if back else 1
        await page.mouse.move(x, y)
        await page.mouse.down()
        for i in range(moves):
            await page.mouse.move(x + way * (i % 60) * 8, y + (i // 60) * 20)
        await page.mouse.up()
        return x + way * ((moves - 1) % 60) * 8, y + ((moves - 1) // 60) * 20
    # A finger: a move every 1/60 s, about 150 px towards the middle of the screen. Each move is sent
    # without waiting for the previous one to be handled (Chromium answers a touchmove only once the page
    # handled it, a frame or more later): a finger does not wait for the page either, and Chromium's
    # touch queue coalesces the moves that arrive while the page is busy, as on a phone.
    width, height = page.viewport_size["width"], page.viewport_size["height"]
    dx = max(-150.0, min(150.0, width / 2 - x)) or 150.0
    dy = max(-100.0, min(100.0, height / 2 - y)) or 100.0
    await touch(cdp, "touchStart", x, y)
    began = time.perf_counter()
    sent = []
    for i in range(1, moves + 1):
        await asyncio.sleep(max(0.0, began + i / 60 - time.perf_counter()))
        sent.append(asyncio.ensure_future(touch(cdp, "touchMove", x + dx * i / moves, y + dy * i / moves)))
    await asyncio.gather(*sent)
    await touch(cdp, "touchEnd", 0, 0)
    return x + dx, y + dy


async def measure(
    browser: Any,
    base: str,
    device: Device,
    scene: Scene,
    loads: int,
    moves: int,
    drags: int,
    profile: Profile | None = None,
) -> dict[str, Any]:
    """First render (`loads` fresh loads, then a reload), then `drags` drags of one card of the viewer's."""
    renders: list[float] = []
    load_metrics: list[dict[str, float]] = []
    milestones: list[dict[str, float]] = []
    for n in range(loads):
        last = n == loads - 1
        context, page, cdp = await open_board(browser, base, device, scene, profile if last else None)
        renders.append(await page.evaluate("window.__drawnAt"))
        milestones.append(await page.evaluate(MILESTONES))
        load_metrics.append(await metrics(cdp))
        if not last:
            await context.close()
    resources = await page.evaluate(RESOURCES)
    # the same board opened again in the same context: pictures and scripts from the cache
    await page.evaluate("window.__drawnAt = undefined")
    await page.goto(f"{base}/boards/{scene.board}", wait_until="commit")
    await page.wait_for_function("() => window.__drawnAt", timeout=WAIT_MS, polling=250)
    reload_ms = await page.evaluate("window.__drawnAt")
    cpu_check_ms = statistics.median([(await page.evaluate(CPU_CHECK))[0] for _ in range(3)])
    gaps: list[float] = []
    drag_ms, followed, ways = 0.0, True, []
    drag_metrics = dict.fromkeys(METRICS, 0.0)  # summed over the drags only (not the set-up between them)
    item_id = ""
    for n in range(drags):  # back and forth; the frames of every drag pooled
        # the card dragged before, unless its drop left it under another card: then the next of the viewer's
        item_id, x, y = await grab_target(
            page, cdp, device, [item_id, *scene.mine] if item_id else scene.mine
        )
        before = await world_position(page, item_id)
        scale = await page.evaluate("window.fresque.view.scale")
        if profile and n == 0:  # the first drag only: the harness's own work between drags stays out
            await profile.start(browser, page, cdp)
        start_metrics = await metrics(cdp)
        await page.evaluate(RECORD_FRAMES)
        end = await drag(page, cdp, device, (x, y), moves, back=n % 2 == 1)
        frames = await page.evaluate("window.__recording = false, window.__frames")
        for k, v in (await metrics(cdp)).items():
            drag_metrics[k] += v - start_metrics[k]
        if profile and n == 0:
            await profile.stop(browser, cdp, f"{scene.name}, drag 1 of {drags}", len(frames) - 1)
        gaps += [b - a for a, b in itertools.pairwise(frames)]
        drag_ms += frames[-1] - frames[0]
        await page.wait_for_function("() => window.fresque.store.pendingCount === 0", timeout=WAIT_MS)
        after = await world_position(page, item_id)
        moved = ((after[0] - before[0]) * scale, (after[1] - before[1]) * scale)  # in screen px
        finger = (end[0] - x, end[1] - y)
        # The card must have followed the press, not the board panned under it (a pan leaves the card where
        # it was in the world): it moved at least half as far as the press, its way (a drop in the week may
        # snap it into its cell, so not exactly as far).
        along = (moved[0] * finger[0] + moved[1] * finger[1]) / max(1.0, finger[0] ** 2 + finger[1] ** 2)
        followed = followed and along >= 0.5
        ways.append((item_id, moved, finger))
    await context.close()
    gaps.sort()
    return {
        "first_render_ms": statistics.median(renders),
        "first_render_all": renders,
        "reload_ms": reload_ms,
        "resources": resources,
        "frame_p50_ms": gaps[len(gaps) // 2],
        "frame_p95_ms": gaps[min(len(gaps) - 1, int(len(gaps) * 0.95))],
        "frame_max_ms": gaps[-1],
        "frames": len(gaps),
        "drag_ms": drag_ms,
        "followed": followed,
        "ways": ways,
        "cpu_check_ms": cpu_check_ms,
        "load_metrics": {k: statistics.median(m[k] for m in load_metrics) for k in METRICS},
        "milestones": dict(
            sorted(
                ((k, statistics.median(m[k] for m in milestones)) for k in milestones[0]),
                key=lambda kv: kv[1],
            )
        ),
        "drag_metrics": drag_metrics,
    }


# -- the run -------------------------------------------------------------------------------------------------

# The drag target « p95 ≤ 33 ms » is 30 frames a second. Frame gaps are `requestAnimationFrame` timestamps,
# which come at whole vsync intervals (16.7 ms at 60 Hz, with ~0.1 ms of jitter): a gap is 16.7, 33.3, 50 ms…
# Read literally, 33.0 ms would refuse a p95 of exactly two frames (33.3 ms, i.e. 30 frames a second) and
# demand 60. So the check is « at most two 60 Hz frames », printed as such beside the figure.
TWO_FRAMES_MS = 2 * 1000 / 60 + 0.5  # 33.8: two vsync intervals plus timestamp jitter, never three (50.0)
TARGETS = {
    "laptop": {"first_render_ms": 1500.0, "frame_p95_ms": TWO_FRAMES_MS},
    "phone": {"first_render_ms": 2000.0, "frame_p95_ms": TWO_FRAMES_MS},
}


def report(name: str, label: str, baseline: dict[str, Any], case: dict[str, Any]) -> list[bool]:
    targets = TARGETS[name]
    print(f"\n{label}")
    print(f"{'':22}{'1 card':>12}{'board':>12}{'ratio':>9}   target")
    verdicts = []
    for key in ("first_render_ms", "reload_ms", "frame_p50_ms", "frame_p95_ms", "frame_max_ms"):
        a, b = baseline[key], case[key]
        goal = targets.get(key)
        verdict = ""
        if goal is not None:
            verdicts.append(b <= goal)
            bound = "≤ 2 frames at 60 Hz (33.3 ms)" if goal == TWO_FRAMES_MS else f"≤ {goal:.0f} ms"
            verdict = f"{bound} {'PASS' if b <= goal else 'FAIL'}"
        print(f"{key:22}{a:12.1f}{b:12.1f}{b / a if a else float('nan'):9.2f}   {verdict}")
    loads = ", ".join(f"{v:.0f}" for v in case["first_render_all"])
    print(f"first renders of the board (ms): {loads}")
    for which, m in (("baseline", baseline), ("board", case)):
        steps = " · ".join(f"{k} {v:.0f}" for k, v in m["milestones"].items())
        print(f"{which} load, ms after navigation (median): {steps}")
        files = ", ".join(f"{n} {kind} ({size / 1024:.0f} KiB)" for kind, (n, size) in m["resources"].items())
        print(f"{which} load fetched: {files}")
    for which, m in (("baseline", baseline), ("board", case)):
        ok = "the card followed" if m["followed"] else "THE CARD DID NOT FOLLOW (the drag is void)"
        ways = "; ".join(f"{i} ({a:.0f}, {b:.0f}) for ({c:.0f}, {d:.0f})" for i, (a, b), (c, d) in m["ways"])
        print(
            f"{which} drags: {m['frames']} frames in {m['drag_ms']:.0f} ms; card moved for press moved, px:"
        )
        print(f"  {ways}: {ok}")
        verdicts.append(bool(m["followed"]))
    print("main thread (DevTools Performance.getMetrics, ms): " + "  ".join(METRICS))
    for which, m in (("baseline", baseline), ("board", case)):
        per_frame = max(1, m["frames"])
        load = "  ".join(f"{m['load_metrics'][k]:.0f}" for k in METRICS)
        during = "  ".join(f"{m['drag_metrics'][k] / per_frame:.1f}" for k in METRICS)
        print(f"  {which:9} until first render: {load}   |   drag, per frame: {during}")
    return verdicts


async def run(args: argparse.Namespace, base: str, ws_base: str) -> dict[str, Any]:
    from playwright.async_api import async_playwright

    results: dict[str, Any] = {}
    cases = [args.only] if args.only else ["laptop", "phone"]
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        if "laptop" in cases:
            small, big = build_board(base, ws_base, 1), build_board(base, ws_base, args.items)
            results["laptop"] = (
                await measure(browser, base, LAPTOP, small, args.loads, args.moves, args.drags, args.profile),
                await measure(browser, base, LAPTOP, big, args.loads, args.moves, args.drags, args.profile),
            )
        if "phone" in cases:
            small, big = build_phone_board(base, ws_base, 1), build_phone_board(base, ws_base, args.cards)
            print(f"phone board: {big.items} cards ({phone_mix(args.cards)}), {big.threads} threads")
            results["phone"] = (
                await measure(
                    browser, base, PHONE, small, args.loads, args.touch_moves, args.drags, args.profile
                ),
                await measure(
                    browser, base, PHONE, big, args.loads, args.touch_moves, args.drags, args.profile
                ),
            )
        await browser.close()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--only", choices=["laptop", "phone"], help="one case only (default: both)")
    parser.add_argument("--items", type=int, default=1000, help="the laptop board's items")
    parser.add_argument("--moves", type=int, default=120, help="mouse moves of the laptop's drag")
    parser.add_argument("--cards", type=int, default=200, help="the phone board's cards")
    parser.add_argument(
        "--touch-moves", type=int, default=60, help="finger moves of the phone's drag (60 Hz)"
    )
    parser.add_argument("--loads", type=int, default=3, help="loads per board (the median is kept)")
    parser.add_argument(
        "--drags", type=int, default=3, help="drags per board, back and forth (frames pooled)"
    )
    parser.add_argument(
        "--profile",
        action="store_const",
        const=Profile(),
        help="trace and profile each board's last load and its drag (then not valid measurements)",
    )
    args = parser.parse_args()
    started = time.monotonic()
    with tempfile.TemporaryDirectory() as tmp, server("fresque", Path(tmp)) as target:
        base, ws_base = f"http://127.0.0.1:{target.port}", f"ws://127.0.0.1:{target.port}"
        results = asyncio.run(run(args, base, ws_base))
    print(DEFINITIONS.format(loads=args.loads, drags=args.drags))
    verdicts: list[bool] = []
    if "laptop" in results:
        label = f"laptop: 1920×1080, mouse, full CPU; {args.items} items"
        verdicts += report("laptop", label, *results["laptop"])
    if "phone" in results:
        label = f"phone: 360×740 ×2, touch, CPU slowed {PHONE.cpu_slowdown:.0f}×; {args.cards} cards"
        verdicts += report("phone", label, *results["phone"])
    checks = ", ".join(f"{name} {pair[0]['cpu_check_ms']:.1f} ms" for name, pair in results.items())
    print(f"\nCPU check, one fixed JS loop timed in the page (shows the slowdown in force): {checks}")
    if args.profile:
        args.profile.print()
    load = ", ".join(f"{v:.1f}" for v in os.getloadavg())
    print(f"machine: {os.cpu_count()} cores, load average {load} at the end (other processes share them)")
    outcome = "every target met" if all(verdicts) else "SOME TARGET MISSED"
    print(f"\n{outcome}{' (profiled: not a valid measurement)' if args.profile else ''}", end=" ")
    print(f"({time.monotonic() - started:.0f} s)")


if __name__ == "__main__":
    main()

"""Helpers for the browser tests, so that a test is its story: the devices (browsers at a phone's, a tablet's,
a laptop's or a wall screen's size, each its own person), the workshop and its boards, setting a scene
through a socket of its own, joining through the real pages, the export, real touch, axe-core, screenshots.
The fixtures built on them (`devices`, `workshop`) are in conftest.py.

Touch goes through the DevTools protocol (`Input.dispatchTouchEvent`): Playwright's `page.touchscreen` only
taps, and a drag or a pinch needs fingers that move. Coordinates are CSS pixels of the page ("client"
coordinates); "world" coordinates are the board's own (`fresque.view` maps one to the other).

The page's CSP forbids `eval`: every JavaScript string given to `wait_for_function` is a function
(`() => …`), which Playwright runs without evaluating a string in the page.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
from playwright.sync_api import Browser, BrowserContext, CDPSession, Locator, Page, expect
from support.ops import push, send_ops
from support.server import ServerProcess

WAIT_MS = 10_000  # the longest any single wait may take
REPO = Path(__file__).resolve().parents[2]
SHOTS = Path(os.environ.get("FRESQUE_SCREENSHOTS_DIR", REPO / "test-results" / "screenshots"))  # to look at
expect.set_options(timeout=WAIT_MS)


PHONE: dict[str, Any] = {
    "viewport": {"width": 360, "height": 740},
    "has_touch": True,
    "is_mobile": True,
    "device_scale_factor": 2,
}
TABLET: dict[str, Any] = {"viewport": {"width": 1024, "height": 768}, "has_touch": True}
LAPTOP: dict[str, Any] = {"viewport": {"width": 1280, "height": 800}}
LAPTOP_HD: dict[str, Any] = {"viewport": {"width": 1366, "height": 768}}
# a 1920×1080 touch screen: on a wall in front of the room, or lying flat as a shared table
WALL: dict[str, Any] = {"viewport": {"width": 1920, "height": 1080}, "has_touch": True}


@dataclass
class Workshop:
    id: str
    board: str
    token: str  # the facilitator's
    code: str

    @classmethod
    def created(cls, body: dict[str, Any]) -> Workshop:
        """From the answer to POST /api/workshops."""
        return cls(
            id=body["workshop"]["id"],
            board=body["board"]["id"],
            token=body["facilitator"]["token"],
            code=body["join_code"],
        )


@contextlib.contextmanager
def own_server(sqlite_url: str, tmp_path: Path, env: dict[str, str]) -> Iterator[ServerProcess]:
    """A Fresque process of the test's own on SQLite, with `env` (what the shared `app` is not started with:
    small allowances, every interface), stopped after it."""
    with ServerProcess(sqlite_url, log_path=tmp_path / "server.log", env=env).running() as proc:
        yield proc


@contextlib.contextmanager
def devices_on(browser: Browser, app: ServerProcess) -> Iterator[Devices]:
    """The browsers of one test on the server `app`, closed after it; and it fails if any page threw. (The
    `devices` fixture is this on the `app` fixture's server; a test on a server of its own uses this.)"""
    found = Devices(browser, app)
    try:
        yield found
    finally:
        found.close()
    assert not found.errors, f"a page threw: {found.errors}"


# The devices of a workshop read labels aloud (tablets and phones have French and Arabic voices); headless
# Chromium has none, and the board only draws its "read aloud" buttons when there is a voice: give it some.
VOICES = """(() => {
  const voices = ['fr-FR', 'en-GB', 'ar-SA'].map((lang) =>
    ({ lang, name: lang, voiceURI: lang, default: lang === 'fr-FR', localService: true }));
  if (window.speechSynthesis) {
    window.speechSynthesis.getVoices = () => voices;
    window.speechSynthesis.speak = () => {};
  }
})();"""


def context_for(
    browser: Browser, app: ServerProcess, device: dict[str, Any], lang: str, token: str | None = None
) -> BrowserContext:
    """A browser of its own (not one of `Devices`: closed by the caller, as a `with` block), in `lang`, whose
    pages have speech voices, and holding `token`'s session when given."""
    context = browser.new_context(locale="ar" if lang == "ar" else "fr-FR", **device)
    context.set_default_timeout(WAIT_MS)
    context.add_init_script(VOICES)
    host = urlsplit(app.base_url).hostname or "127.0.0.1"
    cookies: list[Any] = [{"name": "fresque_lang", "value": lang, "domain": host, "path": "/"}]
    if token:
        cookies.append({"name": "fresque_session", "value": token, "domain": host, "path": "/"})
    context.add_cookies(cookies)
    return context


def new_workshop(app: ServerProcess, title: str = "Atelier Jas-de-Bouffan") -> Workshop:
    """A workshop made through the API, with no browser: for a scene whose facilitator is not on a page."""
    return Workshop.created(app.create_workshop(title))


@dataclass
class Devices:
    """The browsers of one test (one context each: their own cookies and storage); closed after it.

    Uncaught exceptions in any page are collected: a test that passes with a page throwing does not pass.
    """

    browser: Browser
    app: ServerProcess
    pages: list[Page] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def open(self, device: dict[str, Any]) -> Page:
        context = self.browser.new_context(locale="fr-FR", **device)
        context.set_default_timeout(WAIT_MS)
        page = context.new_page()
        page.on("pageerror", lambda error: self.errors.append(f"{page.url}: {error}"))
        self.pages.append(page)
        return page

    def resident(self, ws: Workshop, device: dict[str, Any], alias: str, colour: str) -> Page:
        """A resident who joins with the workshop's code through the real pages, on its board."""
        page = self.open(device)
        join_through_the_page(page, self.app, ws.code, alias, colour)
        return page

    def with_cookies(self, device: dict[str, Any], cookies: dict[str, str], lang: str | None = None) -> Page:
        """A browser that holds these cookies of the server's before its first page (a session, an account),
        and the language cookie of `lang` when given."""
        page = self.open(device)
        url = self.app.base_url
        every = cookies | ({"fresque_lang": lang} if lang else {})
        page.context.add_cookies(
            [{"name": name, "value": value, "url": url} for name, value in every.items()]
        )
        return page

    def signed_in(self, token: str, device: dict[str, Any], lang: str | None = None) -> Page:
        """A browser that already holds someone's workshop session (their cookie), in `lang` when given."""
        return self.with_cookies(device, {"fresque_session": token}, lang)

    def signed_in_at_board(
        self, token: str, board: str, device: dict[str, Any], lang: str | None = None
    ) -> Page:
        """`signed_in`, whose page then shows the board `board`, connected."""
        page = self.signed_in(token, device, lang)
        open_board(page, self.app, board)
        return page

    def with_account(self, token: str, device: dict[str, Any]) -> Page:
        """A browser signed in to a study team's account (its cookie)."""
        return self.with_cookies(device, {"fresque_account": token})

    def stakeholder(
        self, ws: Workshop, board: str, device: dict[str, Any], alias: str, colour: str | None = None
    ) -> Page:
        """Someone who joins with the workshop's code through the real pages, then opens the board `board`
        (an action board's stakeholder); green for an alias before M, orange after, unless told."""
        page = self.resident(ws, device, alias, colour or ("green" if alias < "M" else "orange"))
        open_board(page, self.app, board)
        return page

    def facilitator(self, device: dict[str, Any]) -> tuple[Workshop, Page]:
        """A new workshop, created from a browser at `device`, which holds its facilitator's session."""
        page = self.open(device)
        return create_workshop(page, self.app), page

    def facilitator_at_the_console(
        self, device: dict[str, Any], lang: str | None = None
    ) -> tuple[Workshop, Page]:
        """`facilitator`, whose page then shows the workshop's console (in `lang` when given)."""
        ws, page = self.facilitator(device)
        page.goto(console_url(self.app, ws, lang))
        return ws, page

    def facilitator_at_the_board(self, device: dict[str, Any]) -> tuple[Workshop, Page]:
        """`facilitator`, whose page then shows the workshop's board, connected."""
        ws, page = self.facilitator(device)
        open_board(page, self.app, ws.board)
        return ws, page

    def close(self) -> None:
        for page in self.pages:
            page.context.close()


def create_workshop(page: Page, app: ServerProcess, title: str = "Atelier Jas-de-Bouffan") -> Workshop:
    """POST /api/workshops from the page's own request context, so that its session cookie lands in it."""
    response = page.request.post(
        f"{app.base_url}/api/workshops", data={"title": title, "neighbourhood": "Jas-de-Bouffan"}
    )
    assert response.status == 201, response.text()
    return Workshop.created(response.json())


def console_url(app: ServerProcess, ws: Workshop, lang: str | None = None) -> str:
    """The workshop's console (its facilitator's page), in `lang` when given (?lang= sets the cookie too)."""
    return f"{app.base_url}/workshops/{ws.id}" + (f"?lang={lang}" if lang else "")


def add_actions_board(app: ServerProcess, ws: Workshop, title: str = "Plan d'actions") -> str:
    """The facilitator adds an action board to the workshop (POST /api/workshops/{id}/boards); its id."""
    response = app.post(f"/api/workshops/{ws.id}/boards", {"kind": "actions", "title": title}, ws.token)
    assert response.status_code == 201, response.text
    assert response.json()["kind"] == "actions"
    return str(response.json()["id"])


def actions_board(
    app: ServerProcess,
    ws: Workshop,
    ops: list[dict[str, Any]] | None = None,
    title: str = "Plan d'inclusion numérique",
) -> str:
    """A new action board of the workshop (2024 → 2027 by quarter, whatever the year), with `ops` on it."""
    board = add_actions_board(app, ws, title)
    timeline = {"op": "board.update", "timeline": {"start": "2024-01", "end": "2027-12", "scale": "quarter"}}
    seed(app, board, ws.token, [timeline, *(ops or [])])  # one seed per board: its op_id is fixed
    return board


def open_board(page: Page, app: ServerProcess, board: str) -> None:
    """Any board (exploration or actions) on this page, connected and showing the server's state."""
    page.goto(f"{app.base_url}/boards/{board}")
    wait_connected(page)


def wait_connected(page: Page) -> None:
    """The board page started, and its socket is greeted: it shows the server's state."""
    expect(page.locator("body")).to_have_attribute("data-ready", "true")
    page.wait_for_function(
        "() => window.fresque && window.fresque.connection.ready && window.fresque.store.seq !== null"
    )


def join_through_the_page(page: Page, app: ServerProcess, code: str, alias: str, colour: str) -> None:
    """The resident's way in: /j/CODE, an alias, a colour, "Entrer", and on to the board."""
    page.goto(f"{app.base_url}/j/{code}")
    page.locator("#alias-input").fill(alias)
    page.locator(f"label.swatch.colour-{colour}").click()
    expect(page.locator(f"input[name=colour][value={colour}]")).to_be_checked()
    page.get_by_role("button", name="Entrer").click()
    page.wait_for_url("**/boards/*")
    wait_connected(page)


def export(app: ServerProcess, board: str, token: str) -> dict[str, Any]:
    """What the server keeps: the board's export, with the facilitator's token."""
    response = httpx.get(
        f"{app.base_url}/api/boards/{board}/export", headers={"Authorization": f"Bearer {token}"}, timeout=10
    )
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json()
    return data


def export_items(app: ServerProcess, board: str, token: str) -> dict[str, dict[str, Any]]:
    return {item["id"]: item for item in export(app, board, token)["items"]}


def items(page: Page) -> dict[str, dict[str, Any]]:
    """The page's replica as it shows it (the confirmed state and what is still pending)."""
    result: dict[str, dict[str, Any]] = page.evaluate(
        "() => Object.fromEntries([...window.fresque.store.view().items].map(([k, v]) => [k, {...v}]))"
    )
    return result


def settled(page: Page) -> None:
    """Everything this page did is acknowledged by the server."""
    page.wait_for_function("() => window.fresque.store.pendingCount === 0 && window.fresque.connection.ready")


def the_item(page: Page, predicate_js: str) -> dict[str, Any]:
    """Wait for the first item of the page's replica matching `predicate_js` (a JS expression over `it`)."""
    handle = page.wait_for_function(
        f"() => [...window.fresque.store.view().items.values()].find((it) => {predicate_js}) ?? false"
    )
    value: dict[str, Any] = handle.json_value()
    return value


def wait_items_like(page: Page, expected: dict[str, dict[str, Any]]) -> None:
    """Wait until each listed item of the page's replica has the listed values (numbers within 0.01)."""
    page.wait_for_function(
        """(expected) => {
            const items = window.fresque.store.view().items;
            const same = (a, b) => typeof b === 'number' ? typeof a === 'number' && Math.abs(a - b) < 0.01
                : JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
            return Object.entries(expected).every(([id, want]) => {
                const it = items.get(id);
                return it && Object.entries(want).every(([k, v]) => same(it[k], v));
            });
        }""",
        arg=expected,
    )


def item_in_cell_on_screen(page: Page, item_id: str, day: str, slot: str) -> None:
    """Wait until the item's drawing has its centre inside the cell's drawing on this page."""
    page.wait_for_function(
        """([id, day, slot]) => {
            const el = document.querySelector(`.item[data-id="${id}"]`);
            const cell = document.querySelector(`.cell[data-day="${day}"][data-slot="${slot}"]`);
            if (!el || !cell) return false;
            const a = el.getBoundingClientRect(), c = cell.getBoundingClientRect();
            const x = a.left + a.width / 2, y = a.top + a.height / 2;
            return x > c.left && x < c.right && y > c.top && y < c.bottom;
        }""",
        arg=[item_id, day, slot],
    )


def shoot(page: Page, name: str, selector: str | None = None) -> None:
    """A screenshot of the page (or of the element `selector`) as SHOTS/<name>.png."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    target = page.locator(selector) if selector else page
    target.screenshot(path=str(SHOTS / f"{name}.png"))


# -- the action board's timeline -----------------------------------------------------------------------------


def create_through_the_page(page: Page, title: str) -> str:
    """« Nouvelle action », a title, « Créer »: returns the new card's id."""
    before = set(page.evaluate("() => [...window.fresque.store.view().actions.keys()]"))
    page.locator("#new-action").click()
    dialog = page.locator("dialog#ask")
    expect(dialog).to_be_visible()
    dialog.get_by_label("Titre de l’action").fill(title)
    dialog.get_by_role("button", name="Créer").click()
    expect(dialog).to_be_hidden()
    page.wait_for_function("(n) => window.fresque.store.view().actions.size === n", arg=len(before) + 1)
    after = set(page.evaluate("() => [...window.fresque.store.view().actions.keys()]"))
    (new,) = after - before
    return str(new)


def box_centre(page: Page, selector: str) -> tuple[float, float]:
    """The centre of the element's bounding box (for the mouse: no swipe into sight, unlike `centre_of`)."""
    box = page.locator(selector).bounding_box()
    assert box is not None, selector
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


def month_px(page: Page) -> float:
    """How wide a month is drawn on the timeline."""
    return float(page.evaluate("() => window.fresque.timeline.monthPx"))


def scroll_to_card(page: Page, action_id: str) -> None:
    """Scroll the timeline so that the card starts just right of the lane names (room to drag it later: near
    the timeline's side, a drag scrolls it)."""
    page.evaluate(
        """(id) => {
            const root = document.querySelector('#timeline');
            const card = document.querySelector(`.tl-card[data-id="${id}"]`);
            root.scrollLeft += card.getBoundingClientRect().left - root.getBoundingClientRect().left
              - window.fresque.timeline.headWidth() - 24;
        }""",
        action_id,
    )


def wait_centred_on(page: Page, centre: tuple[float, float]) -> None:
    """Wait until the middle of the page's board shows the world point `centre` (within 2 units)."""
    page.wait_for_function(
        """([cx, cy]) => {
            const r = document.getElementById('viewport').getBoundingClientRect();
            const v = window.fresque.view;
            const x = (r.width / 2 - v.x) / v.scale, y = (r.height / 2 - v.y) / v.scale;
            return Math.abs(x - cx) < 2 && Math.abs(y - cy) < 2;
        }""",
        arg=list(centre),
    )


# -- where things are ----------------------------------------------------------------------------------------


def world_of(page: Page, cx: float, cy: float) -> tuple[float, float]:
    """The world point drawn at the page point (cx, cy)."""
    x, y = page.evaluate(
        """([cx, cy]) => {
            const r = document.getElementById('viewport').getBoundingClientRect();
            const p = window.fresque.view.toWorld(cx - r.left, cy - r.top);
            return [p.x, p.y];
        }""",
        [cx, cy],
    )
    return float(x), float(y)


def centre_of(page: Page, selector: str) -> tuple[float, float]:
    """The centre of the element's box, read in one go in the page (a redraw may replace the element)."""
    x, y = page.wait_for_function(
        """(sel) => {
            const el = document.querySelector(sel);
            const r = el && el.getBoundingClientRect();
            return r && r.width > 0 && r.height > 0 ? [r.left + r.width / 2, r.top + r.height / 2] : false;
        }""",
        arg=selector,
    ).json_value()
    return float(x), float(y)


def cell_centre(page: Page, day: str, slot: str) -> tuple[float, float]:
    """Where to touch a cell: its centre, swiped into sight first if off the board or under a button."""
    return touch_point(page, cell_selector(day, slot))


def item_centre(page: Page, item_id: str) -> tuple[float, float]:
    """Where to touch an item: its centre, swiped into sight first if off the board or under a button."""
    return touch_point(page, item_selector(item_id))


def cell_selector(day: str, slot: str) -> str:
    return f'.cell[data-day="{day}"][data-slot="{slot}"]'


def item_selector(item_id: str) -> str:
    return f'.item[data-id="{item_id}"]'


def touch_point(page: Page, selector: str) -> tuple[float, float]:
    (point,) = touch_points(page, selector)
    return point


def touch_points(page: Page, *selectors: str) -> list[tuple[float, float]]:
    """Where to touch several things in one gesture (a drag's two ends, two fingers): all in sight at once.

    Asking for them one by one is wrong whenever one needs a swipe: the swipe pans the board, and the points
    measured before it are stale (a drag would start on empty board, a two-finger drag would become a pinch).
    Here one swipe brings the middle of them all mid-board, then every centre is read after the last pan.
    """
    if not all(touchable(page, s) for s in selectors):
        swipe_to_middle(page, lambda: middle([centre_of(page, s) for s in selectors]))
    for s in selectors:
        assert touchable(page, s), f"{s} is not what a finger at its centre touches"
    return [centre_of(page, s) for s in selectors]


def middle(points: list[tuple[float, float]]) -> tuple[float, float]:
    """The centre of the box around the points."""
    xs, ys = [x for x, _ in points], [y for _, y in points]
    return (min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2


def touchable(page: Page, selector: str) -> bool:
    """A finger at the element's centre would touch it (it is on screen, and nothing covers it)."""
    x, y = centre_of(page, selector)
    hit = "([x, y, sel]) => { const el = document.elementFromPoint(x, y); return !!el && !!el.closest(sel); }"
    return bool(page.evaluate(hit, [x, y, selector]))


# -- fingers -------------------------------------------------------------------------------------------------


class Fingers:
    """Real touch input through the DevTools protocol: any number of fingers, moved together in steps."""

    def __init__(self, page: Page) -> None:
        self.cdp: CDPSession = page.context.new_cdp_session(page)

    def _send(self, kind: str, points: list[tuple[float, float]]) -> None:
        touch_points = [
            {"x": x, "y": y, "id": i, "radiusX": 4, "radiusY": 4, "force": 1}
            for i, (x, y) in enumerate(points)
        ]
        self.cdp.send("Input.dispatchTouchEvent", {"type": kind, "touchPoints": touch_points})

    def down(self, *points: tuple[float, float]) -> None:
        self._send("touchStart", list(points))

    def move(self, *points: tuple[float, float]) -> None:
        self._send("touchMove", list(points))

    def up(self) -> None:
        self.cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})

    def tap(self, x: float, y: float) -> None:
        self.down((x, y))
        self.up()

    def drag(
        self, starts: list[tuple[float, float]], ends: list[tuple[float, float]], steps: int = 12
    ) -> None:
        """Fingers down at `starts`, all moved at once (one event per step) to `ends`, then lifted."""
        self.down(*starts)
        for k in range(1, steps + 1):
            f = k / steps
            self.move(
                *[
                    (sx + (ex - sx) * f, sy + (ey - sy) * f)
                    for (sx, sy), (ex, ey) in zip(starts, ends, strict=True)
                ]
            )
        self.up()


def swipe_into_view(page: Page, selector: str) -> None:
    """Pan the board with one finger on empty space until `selector` is mid-board, as a resident does."""
    swipe_to_middle(page, lambda: centre_of(page, selector))


def swipe_to_middle(page: Page, where: Callable[[], tuple[float, float]]) -> None:
    """Pan the board with one finger on empty space until the page point `where()` is mid-board."""
    fingers = Fingers(page)
    for _ in range(8):
        vp = page.locator("#viewport").bounding_box()
        assert vp is not None
        left, top, width, height = vp["x"], vp["y"], vp["width"], vp["height"]
        tx, ty = where()
        dx, dy = left + width / 2 - tx, top + height / 2 - ty
        if abs(dx) < 24 and abs(dy) < 24:  # close enough (a finger's first 8 px are a tap's, not a pan's)
            return
        # a third of the board per swipe at most, from a place where the finger touches no card or button
        dx = max(-width / 3, min(width / 3, dx))
        dy = max(-height / 3, min(height / 3, dy))
        candidates = [
            (left + width * fx - dx / 2, top + height * fy - dy / 2)
            for fy in (0.5, 0.35, 0.65, 0.2, 0.8)
            for fx in (0.5, 0.35, 0.65, 0.2, 0.8)
        ]
        start = page.evaluate(
            """(points) => points.find(([x, y]) => {
                const el = document.elementFromPoint(x, y);
                return !!el && !!el.closest('#viewport') && !el.closest('.item, .zoom');
            }) ?? null""",
            candidates,
        )
        assert start is not None, "no empty board space to swipe from"
        fingers.drag([tuple(start)], [(start[0] + dx, start[1] + dy)], steps=8)
    raise AssertionError("could not bring that point mid-board")


# -- setting a scene -----------------------------------------------------------------------------------------


def session_token(page: Page) -> str:
    """The session token a page's browser holds (its HttpOnly cookie), to seed things as that person."""
    return next(c["value"] for c in page.context.cookies() if c["name"] == "fresque_session")


def seed(app: ServerProcess, board: str, token: str, ops: list[dict[str, Any]], op_id: str = "seed:1") -> int:
    """Put things on a board the way any client does (a WebSocket, hello, one ops message); returns its seq.
    A second seed of a board needs its own `op_id` (the same one is a resend: acknowledged, not applied).

    For setting a scene only: what a test is about is always done through the page.
    """
    return push(app, board, token, ops, op_id=op_id)


def seeded(app: ServerProcess, board: str, token: str, ops: list[dict[str, Any]]) -> bool:
    """Like `seed` (with an op_id of its own each time), for a test that is about whether the server takes
    the ops: True when it acknowledges them, False when it refuses them."""
    return send_ops(app, board, token, ops)["type"] == "ack"


def activity(id: str, ref: str, day: str, slot: str, x: float, y: float) -> dict[str, Any]:
    cell = {"day": day, "slot": slot}
    return {"op": "item.create", "id": id, "kind": "activity", "x": x, "y": y, "ref": ref, "cell": cell}


def idea(id: str, x: float = 170, y: float = 900) -> dict[str, Any]:
    """A resident's idea to vote on: a digital help desk (from the catalogue), below the week."""
    return {"op": "item.create", "id": id, "kind": "solution", "x": x, "y": y, "ref": "digital-help-desk"}


def chain_to_a_solution(
    activity_id: str, difficulty: str, solution: str, text: str, threads: tuple[str, str]
) -> list[dict[str, Any]]:
    """The residents' chain an action answers: going to work on Monday morning (an activity), joined by a
    thread to a lack of equipment (a hard difficulty) far below it, joined to a resident's solution `text`."""
    return [
        activity(activity_id, "go-to-work", "mon", "morning", 300, 260),
        {
            "op": "item.create",
            "id": difficulty,
            "kind": "difficulty",
            "x": 300,
            "y": 1250,
            "ref": "equipment",
            "severity": "difficile",
        },
        {"op": "item.create", "id": solution, "kind": "solution", "x": 620, "y": 1250, "text": text},
        {"op": "thread.create", "id": threads[0], "source": activity_id, "target": difficulty},
        {"op": "thread.create", "id": threads[1], "source": difficulty, "target": solution},
    ]


def lone_solution(solution: str, text: str = "Un bus le soir") -> dict[str, Any]:
    """A resident's solution far off the week, joined to nothing."""
    return {"op": "item.create", "id": solution, "kind": "solution", "x": 2300, "y": 1500, "text": text}


def new_action(
    action: str, title: str, start: str, end: str, links: list[dict[str, str]], lane: str = "create"
) -> dict[str, Any]:
    """An action card on an action board, from `start` to `end` (YYYY-MM), linked to residents' items."""
    return {
        "op": "action.create",
        "id": action,
        "lane": lane,
        "start": start,
        "end": end,
        "fiche": {"title": title},
        "links": links,
    }


def bar_control(page: Page, selector: str) -> Locator:
    """A control of the facilitator's bar, brought into sight: in the row, or behind « Plus » when the row is
    too narrow for it (js/board/overflow.js), as a facilitator would find it."""
    control = page.locator(f"#facilitator-bar {selector}")
    expect(control).to_have_count(1)
    more = page.locator("#facilitator-bar .more-button")
    if (
        control.locator("xpath=ancestor::*[contains(@class, 'more-menu')]").count()
        and more.get_attribute("aria-expanded") != "true"
    ):
        more.click()
    expect(control).to_be_visible()
    return control


def choose_language(page: Page, name: str) -> None:
    """Tap a language by its name in the header; a narrow screen keeps them behind the globe button."""
    button = page.locator(".lang-switcher").get_by_role("button", name=name)
    if not button.is_visible() and page.locator("#lang-toggle").is_visible():
        page.locator("#lang-toggle").click()
    button.click()


def add_person(page: Page, alias: str, colour: str) -> str:
    """Fill the « Ajouter une personne » sheet of table mode by touch; returns the new person's id (they
    become the active one)."""
    sheet = page.locator("#sheet")
    expect(sheet).to_be_visible()
    sheet.locator(".table-name").fill(alias)
    sheet.locator(f"label.swatch.colour-{colour}").tap()
    sheet.locator(".sheet-actions .primary").tap()  # « Ajouter », in the page's language
    expect(sheet).to_be_hidden()
    chip = page.locator(".table-chip[aria-pressed=true]")
    expect(chip).to_contain_text(alias)
    return str(chip.get_attribute("data-person"))


# -- what a page must pass -----------------------------------------------------------------------------------

AXE_BLOCKING = ("critical", "serious")  # axe-core's findings that fail a test; the others are printed


def axe_blocking(axe: Any, page: Page, where: str = "", include: str | None = None) -> list[str]:
    """axe-core on the page (or only inside `include`, a selector): its critical and serious findings, one
    line each; the lesser ones are printed (pytest -s shows them)."""
    context = {"include": [[include]]} if include else None
    results = axe.run(page, context=context) if context else axe.run(page)
    blocking = []
    for v in results.response["violations"]:
        nodes = "; ".join(f"{n['target']} {n['html'][:120]}" for n in v["nodes"][:6])
        line = f"[{where}] {v['impact']}: {v['id']} ({v['help']}) — {len(v['nodes'])} node(s): {nodes}"
        if v["impact"] in AXE_BLOCKING:
            blocking.append(line)
        else:
            print(line)
    return blocking


def check_axe(axe: Any, page: Page, where: str, include: str | None = None) -> None:
    """No critical or serious finding of axe-core on the page (or inside `include`)."""
    blocking = axe_blocking(axe, page, where, include)
    assert not blocking, "axe-core found serious problems:\n" + "\n".join(blocking)


MM = 96 / 25.4  # CSS pixels per millimetre


def pdf_pages(pdf: bytes) -> list[tuple[float, float]]:
    """The size in points of each page of a PDF Chromium made (its MediaBox entries)."""
    return [(float(w), float(h)) for w, h in re.findall(rb"/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]", pdf)]

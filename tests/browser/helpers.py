"""Helpers for the board's end-to-end tests: devices, joining through the real pages, the export, real touch.

Touch goes through the DevTools protocol (`Input.dispatchTouchEvent`): Playwright's `page.touchscreen` only
taps, and a drag or a pinch needs fingers that move. Coordinates are CSS pixels of the page ("client"
coordinates); "world" coordinates are the board's own (`fresque.view` maps one to the other).

The page's CSP forbids `eval`: every JavaScript string given to `wait_for_function` is a function
(`() => …`), which Playwright runs without evaluating a string in the page.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
from playwright.sync_api import Browser, CDPSession, Locator, Page, expect
from support.server import ServerProcess

WAIT_MS = 10_000  # the longest any single wait may take
expect.set_options(timeout=WAIT_MS)


PHONE: dict[str, Any] = {
    "viewport": {"width": 360, "height": 740},
    "has_touch": True,
    "is_mobile": True,
    "device_scale_factor": 2,
}
TABLET: dict[str, Any] = {"viewport": {"width": 1024, "height": 768}, "has_touch": True}
LAPTOP: dict[str, Any] = {"viewport": {"width": 1280, "height": 800}}


@dataclass
class Workshop:
    id: str
    board: str
    token: str  # the facilitator's
    code: str


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
        page = self.open(device)
        join_through_the_page(page, self.app, ws.code, alias, colour)
        return page

    def close(self) -> None:
        for page in self.pages:
            page.context.close()


def create_workshop(page: Page, app: ServerProcess, title: str = "Atelier Jas-de-Bouffan") -> Workshop:
    """POST /api/workshops from the page's own request context, so that its session cookie lands in it."""
    response = page.request.post(
        f"{app.base_url}/api/workshops", data={"title": title, "neighbourhood": "Jas-de-Bouffan"}
    )
    assert response.status == 201, response.text()
    body = response.json()
    return Workshop(
        id=body["workshop"]["id"],
        board=body["board"]["id"],
        token=body["facilitator"]["token"],
        code=body["join_code"],
    )


def open_board(page: Page, app: ServerProcess, board: str) -> None:
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
    from websockets.sync.client import connect

    with connect(
        app.ws_url(board),
        origin=app.origin,
        additional_headers={"Authorization": f"Bearer {token}"},
        compression=None,
        open_timeout=10,
    ) as ws:
        ws.send(json.dumps({"type": "hello", "protocol": 1, "client": "seed"}))
        while json.loads(ws.recv(timeout=10))["type"] != "welcome":
            pass
        ws.send(json.dumps({"type": "ops", "op_id": op_id, "ops": ops}))
        while True:
            msg = json.loads(ws.recv(timeout=10))
            assert msg["type"] != "reject", msg
            if msg["type"] == "ack":
                return int(msg["seq"])


def activity(id: str, ref: str, day: str, slot: str, x: float, y: float) -> dict[str, Any]:
    cell = {"day": day, "slot": slot}
    return {"op": "item.create", "id": id, "kind": "activity", "x": x, "y": y, "ref": ref, "cell": cell}


def bar_control(page: Page, selector: str) -> Locator:
    """A control of the facilitator's bar, brought into sight: in the row, or behind « Plus » when the row is
    too narrow for it (js/board/overflow.js), as a facilitator would find it."""
    control = page.locator(f"#facilitator-bar {selector}")
    expect(control).to_have_count(1)
    more = page.locator("#facilitator-bar .more-button")
    if control.locator("xpath=ancestor::*[contains(@class, 'more-menu')]").count() and more.get_attribute(
        "aria-expanded"
    ) != "true":
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

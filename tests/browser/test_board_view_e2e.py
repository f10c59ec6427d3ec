"""The board's view in a real Chromium: what a screen shows first (readable on a phone), « Voir tout », the
week's labels kept in sight, new cards out from under the zoom buttons, cards snapping into their box,
threads around the cards, and the zoom buttons and wheel with a mouse.

The filled board is the screenshots' scene (scripts/screenshots.py build_workshop): the standard board the
issue measures. Sizes are read on screen: a label's computed font-size × the world's scale (an item's
drawn width over its layout width), a dot's drawn box, items' and threads' boxes from the DOM.
"""

from __future__ import annotations

import importlib.util
import math
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from helpers import (
    LAPTOP_HD,
    PHONE,
    Devices,
    Fingers,
    activity,
    create_workshop,
    open_board,
    seed,
    settled,
    wait_connected,
)
from playwright.sync_api import Browser, BrowserContext, Page, expect
from support.server import ServerProcess

REPO = Path(__file__).resolve().parents[2]


def _screenshots() -> ModuleType:
    spec = importlib.util.spec_from_file_location("fresque_screenshots", REPO / "scripts" / "screenshots.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


SHOTS = _screenshots()


@pytest.fixture(scope="module")
def scene(playwright: Any) -> Iterator[tuple[str, dict[str, Any]]]:
    """One throwaway server holding the standard filled board, for the whole module (it takes seconds)."""
    with SHOTS.throwaway_server() as base_url:
        yield base_url, SHOTS.build_workshop(base_url)


@pytest.fixture
def open_scene(browser: Browser, scene: tuple[str, dict[str, Any]]) -> Iterator[Any]:
    """Open the filled board as someone, on a device (phone, laptop, wall), in a language."""
    base_url, shop = scene
    contexts: list[BrowserContext] = []

    def go(who: str, size: str, lang: str) -> Page:
        context = SHOTS.new_context(browser, base_url, size, lang, shop[who])
        contexts.append(context)
        page = context.new_page()
        SHOTS.open_board(page, base_url, shop["board_id"])
        return page

    SHOTS.SIZES.setdefault("laptop", (1366, 768))
    yield go
    for context in contexts:
        context.close()


SIZES_ON_SCREEN = """() => {
  const vp = document.getElementById('viewport').getBoundingClientRect();
  const inView = (r) => r.left >= vp.left - 0.5 && r.right <= vp.right + 0.5
    && r.top >= vp.top - 0.5 && r.bottom <= vp.bottom + 0.5;
  const cards = [...document.querySelectorAll('#world .item')].map((el) => {
    const r = el.getBoundingClientRect();
    const scale = r.width / el.offsetWidth; // the world's scale, as drawn
    const label = el.querySelector('.label, .text');
    const px = label ? parseFloat(getComputedStyle(label).fontSize) * scale : null;
    return { id: el.dataset.id, shown: inView(r), label: px };
  });
  const dots = [...document.querySelectorAll('#world .dot')].map((el) => el.getBoundingClientRect().width);
  return { cards, dots };
}"""


@pytest.mark.parametrize(
    ("size", "lang"), [("phone", "fr"), ("phone", "ar"), ("laptop", "fr"), ("wall", "ar")]
)
def test_the_opening_view_is_readable_and_shows_the_residents_cards(
    open_scene: Any, size: str, lang: str
) -> None:
    page = open_scene("amina", size, lang)
    seen = page.evaluate(SIZES_ON_SCREEN)
    shown = [c for c in seen["cards"] if c["shown"]]
    labels = [c["label"] for c in seen["cards"] if c["label"] is not None]
    assert len(shown) >= 3, f"the page opens on the cards, not on empty board: {shown}"
    assert {"act-school", "act-caf"} & {c["id"] for c in shown}, "Amina's own cards first"
    assert min(labels) >= 12, f"labels render at {min(labels):.1f} px at the opening view ({size}, {lang})"
    assert seen["dots"] and min(seen["dots"]) >= 10, f"vote dots render at {min(seen['dots']):.1f} px"


def test_the_week_labels_stay_in_sight_while_panning(open_scene: Any) -> None:
    page = open_scene("amina", "phone", "fr")
    rows, days = page.locator(".sticky-rows"), page.locator(".sticky-days")
    vp = page.locator("#viewport").bounding_box()
    assert vp
    # a finger pans the board to the left and up: the label column and the day header leave the screen
    fingers = Fingers(page)
    start = empty_point(page)
    fingers.drag([start], [(start[0] - 250, start[1] - 200)], steps=10)
    page.wait_for_function(
        "() => { const r = document.querySelector('.grid-label.slot-morning').getBoundingClientRect();"
        " const v = document.getElementById('viewport').getBoundingClientRect(); return r.right < v.left; }"
    )
    expect(rows).to_be_visible()
    expect(days).to_be_visible()
    visible_rows = page.locator(".sticky-row:not([hidden])")
    assert visible_rows.count() >= 1
    for text in visible_rows.all_inner_texts():
        assert text in ("Matin", "Après-midi", "Soir")
    # each sits inside its row of the week, at the screen's left edge, and lets a touch through
    for slot in ("morning", "afternoon", "evening"):
        label = page.locator(f".sticky-row.slot-{slot}")
        if label.is_hidden():
            continue
        box, row = (
            label.bounding_box(),
            page.locator(f'.cell[data-day="tue"][data-slot="{slot}"]').bounding_box(),
        )
        assert box and row
        assert box["x"] - vp["x"] < 12 and row["y"] - 1 <= box["y"] <= row["y"] + row["height"]
    assert (
        page.evaluate("() => getComputedStyle(document.querySelector('.sticky-rows')).pointerEvents")
        == "none"
    )
    expect(days.locator(".sticky-day:not([hidden])").first).to_contain_text("Mardi")


def test_voir_tout_fits_every_card_on_a_phone_and_with_a_mouse_on_a_laptop(open_scene: Any) -> None:
    for size in ("phone", "laptop"):
        page = open_scene("amina", size, "fr")
        if size == "phone":
            page.locator("#zoom-fit").tap()
        else:  # a real mouse click: the board's pointer capture swallowed it
            box = page.locator("#zoom-fit").bounding_box()
            assert box
            page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        page.wait_for_function(
            """() => {
              const vp = document.getElementById('viewport').getBoundingClientRect();
              return [...document.querySelectorAll('#world .item')].every((el) => {
                const r = el.getBoundingClientRect();
                return r.left >= vp.left && r.right <= vp.right && r.top >= vp.top && r.bottom <= vp.bottom;
              });
            }"""
        )
        # and not under the zoom buttons
        assert not page.evaluate(COVERED_BY_ZOOM), size


COVERED_BY_ZOOM = """() => {
  const z = document.querySelector('.zoom').getBoundingClientRect();
  return [...document.querySelectorAll('#world .item')].filter((el) => {
    const r = el.getBoundingClientRect();
    return r.left < z.right && z.left < r.right && r.top < z.bottom && z.top < r.bottom;
  }).map((el) => el.dataset.id);
}"""


def test_threads_never_pass_behind_a_card_they_do_not_join(open_scene: Any) -> None:
    page = open_scene("amina", "wall", "fr")
    page.wait_for_function("() => document.querySelectorAll('path.thread').length === 8")
    # threads are routed once the pictures came (board/render.js)
    page.locator("svg.threads[data-routed='true']").wait_for(state="attached")
    crossings = page.evaluate(
        """() => {
          const threads = window.fresque.store.view().threads;
          const cards = [...document.querySelectorAll('#world .item')]
            .map((el) => ({ id: el.dataset.id, r: el.getBoundingClientRect() }));
          const found = [];
          // the thread-hit path: the thread's own curve, with its thread's id
          for (const path of document.querySelectorAll('path.thread-hit')) {
            const th = threads.get(path.dataset.thread);
            const m = path.getScreenCTM();
            const length = path.getTotalLength();
            const points = [];
            for (let l = 0; l <= length; l += 2) {
              const q = path.getPointAtLength(l);
              points.push(new DOMPoint(q.x, q.y).matrixTransform(m));
            }
            for (const { id, r } of cards) {
              if (id === th.source || id === th.target) continue;
              const behind = (p) => p.x > r.left + 1 && p.x < r.right - 1
                && p.y > r.top + 1 && p.y < r.bottom - 1;
              if (points.some(behind)) found.push(`${th.id} behind ${id}`);
            }
          }
          return found;
        }"""
    )
    assert crossings == []
    # threads leaving the same card side leave at distinct points: no two threads start at one point
    starts = page.evaluate(
        """() => [...document.querySelectorAll('path.thread')].map((p) => {
          const q = p.getPointAtLength(0);
          return [Math.round(q.x), Math.round(q.y)];
        })"""
    )
    assert len({tuple(s) for s in starts}) == len(starts)


# -- a board of one's own: mouse, wheel, snapping, new cards ------------------------------------------------


def laptop_board(devices: Devices, app: ServerProcess, ops: list[dict[str, Any]] | None = None) -> Page:
    ws, page = devices.facilitator(LAPTOP_HD)
    if ops:
        seed(app, ws.board, ws.token, ops)
    open_board(page, app, ws.board)
    return page


def scale_of(page: Page) -> float:
    return float(page.evaluate("() => window.fresque.view.scale"))


def test_the_zoom_buttons_work_with_a_mouse(devices: Devices, app: ServerProcess) -> None:
    page = laptop_board(devices, app)
    for button, grows in (("#zoom-in", True), ("#zoom-in", True), ("#zoom-out", False)):
        before = scale_of(page)
        box = page.locator(button).bounding_box()
        assert box
        page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        after = scale_of(page)
        assert (after > before * 1.1) if grows else (after < before / 1.1), (button, before, after)


def test_one_wheel_notch_with_ctrl_zooms_a_little(devices: Devices, app: ServerProcess) -> None:
    page = laptop_board(devices, app)
    box = page.locator("#viewport").bounding_box()
    assert box
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    for delta in (100, -100, -100):
        before = scale_of(page)
        page.keyboard.down("Control")
        page.mouse.wheel(0, delta)
        page.keyboard.up("Control")
        page.wait_for_function("(s) => window.fresque.view.scale !== s", arg=before)
        ratio = scale_of(page) / before
        assert 1 / 1.5 < ratio < 1.5, f"one notch ({delta}) zoomed ×{ratio:.2f}"
        assert (ratio < 1) if delta > 0 else (ratio > 1)


def cell_box(page: Page, day: str, slot: str) -> dict[str, float]:
    box = page.locator(f'.cell[data-day="{day}"][data-slot="{slot}"]').bounding_box()
    assert box
    return box


def inside(inner: dict[str, float], outer: dict[str, float]) -> bool:
    return (
        inner["x"] >= outer["x"] - 0.5
        and inner["y"] >= outer["y"] - 0.5
        and inner["x"] + inner["width"] <= outer["x"] + outer["width"] + 0.5
        and inner["y"] + inner["height"] <= outer["y"] + outer["height"] + 0.5
    )


def mouse_drag(page: Page, start: tuple[float, float], end: tuple[float, float]) -> None:
    page.mouse.move(*start)
    page.mouse.down()
    for k in range(1, 13):
        f = k / 12
        page.mouse.move(start[0] + (end[0] - start[0]) * f, start[1] + (end[1] - start[1]) * f)
    page.mouse.up()


def test_cards_dropped_across_two_boxes_land_inside_one(devices: Devices, app: ServerProcess) -> None:
    page = laptop_board(devices, app, [activity("act-doc", "doctor", "wed", "evening", 780, 600)])
    morning, afternoon = cell_box(page, "mon", "morning"), cell_box(page, "mon", "afternoon")
    border = (morning["x"] + morning["width"] / 2, morning["y"] + morning["height"])  # Matin | Après-midi
    # from the palette, with the mouse, let go right on the line between Matin and Après-midi
    picto = page.locator('.pictogram[data-entry="training"]')
    picto.scroll_into_view_if_needed()
    box = picto.bounding_box()
    assert box
    mouse_drag(page, (box["x"] + box["width"] / 2, box["y"] + box["height"] / 2), border)
    placed = page.locator(".item.kind-activity:not([data-id='act-doc'])")
    expect(placed).to_have_count(1)
    settled(page)
    drawn = placed.bounding_box()
    assert drawn and (inside(drawn, morning) or inside(drawn, afternoon)), (drawn, morning, afternoon)
    # a placed card moved onto the line between Tuesday afternoon and evening lands in one of them
    tue_pm, tue_eve = cell_box(page, "tue", "afternoon"), cell_box(page, "tue", "evening")
    doc = page.locator(".item[data-id='act-doc']").bounding_box()
    assert doc
    mouse_drag(
        page,
        (doc["x"] + doc["width"] / 2, doc["y"] + doc["height"] / 2),
        # let go on the line, near the box's right edge: it straddles both boxes and sticks out on the right
        (tue_pm["x"] + tue_pm["width"] - 10, tue_pm["y"] + tue_pm["height"] + 5),
    )
    settled(page)
    moved = page.locator(".item[data-id='act-doc']").bounding_box()
    assert moved and (inside(moved, tue_pm) or inside(moved, tue_eve)), (moved, tue_pm, tue_eve)
    item = page.evaluate("() => window.fresque.store.view().items.get('act-doc').cell")
    assert item["day"] == "tue" and item["slot"] in ("afternoon", "evening")


def test_a_new_card_shows_beside_the_zoom_buttons_never_under_them(
    devices: Devices, app: ServerProcess
) -> None:
    ws, phone = devices.facilitator(SHOTS_PHONE)
    # on the right of the week's first days: what is pulled from it hangs below, towards the buttons' corner
    seed(app, ws.board, ws.token, [activity("act-caf", "caf-procedures", "tue", "morning", 600, 68)])
    open_board(phone, app, ws.board)
    # a note, then a service pulled from the activity: each shows whole on the board, clear of the buttons
    phone.locator("#add-note").tap()
    phone.locator("#sheet textarea").fill("Rendez-vous CAF jeudi")
    phone.locator("#sheet").get_by_role("button", name="Valider").tap()
    expect(phone.locator(".item.kind-note")).to_have_count(1)
    assert_in_sight_and_clear(phone, ".item.kind-note")
    phone.locator(".item[data-id='act-caf']").focus()
    phone.keyboard.press("Enter")
    phone.locator("#actionbar").get_by_role("button", name="Un service en ligne").tap()
    phone.locator('#sheet .choice[data-ref="caf"]').tap()
    expect(phone.locator(".item.kind-touchpoint")).to_have_count(1)
    assert_in_sight_and_clear(phone, ".item.kind-touchpoint")


SHOTS_PHONE: dict[str, Any] = {
    "viewport": {"width": 360, "height": 740},
    "has_touch": True,
    "is_mobile": True,
}


def assert_in_sight_and_clear(page: Page, selector: str) -> None:
    page.wait_for_timeout(100)  # the pan to it is the next frame
    wait_connected(page)
    box = page.locator(selector).bounding_box()
    vp = page.locator("#viewport").bounding_box()
    zoom = page.locator(".zoom").bounding_box()
    assert box and vp and zoom
    assert inside(box, vp), (selector, box, vp)
    clear = (
        box["x"] + box["width"] <= zoom["x"]
        or zoom["x"] + zoom["width"] <= box["x"]
        or box["y"] + box["height"] <= zoom["y"]
        or zoom["y"] + zoom["height"] <= box["y"]
    )
    assert clear, f"{selector} lies under the zoom buttons: {box} / {zoom}"


def empty_point(page: Page) -> tuple[float, float]:
    """A point of the board where a finger touches no card and no button."""
    vp = page.locator("#viewport").bounding_box()
    assert vp
    point = page.evaluate(
        """([x0, y0, w, h]) => {
          for (let fy = 0.3; fy < 0.9; fy += 0.05) for (let fx = 0.5; fx < 0.95; fx += 0.05) {
            const x = x0 + w * fx, y = y0 + h * fy, el = document.elementFromPoint(x, y);
            if (el && el.closest('#viewport') && !el.closest('.item, .zoom, button')) return [x, y];
          }
          return null;
        }""",
        [vp["x"], vp["y"], vp["width"], vp["height"]],
    )
    assert point
    return float(point[0]), float(point[1])


def test_the_wheel_and_buttons_keep_numbers_finite(devices: Devices, app: ServerProcess) -> None:
    """A burst of wheel events (a trackpad) never leaves the scale outside its limits or NaN."""
    page = laptop_board(devices, app)
    box = page.locator("#viewport").bounding_box()
    assert box
    page.mouse.move(box["x"] + 200, box["y"] + 200)
    page.keyboard.down("Control")
    for _ in range(40):
        page.mouse.wheel(0, -400)
    page.keyboard.up("Control")
    view = page.evaluate("() => ({s: fresque.view.scale, max: fresque.view.maxScale, x: fresque.view.x})")
    assert math.isfinite(view["x"]) and view["s"] == pytest.approx(view["max"])


# -- the cards' pictures: those near the screen asked for as they are drawn, the others as the view nears


# Injected before the page's scripts: for each picture of a card, whether it had its address when its card was
# put in the page (a MutationObserver's callback runs before that frame is drawn).
PICTURES_AT_DRAW = """(() => {
  window.__picturesAtDraw = [];
  new MutationObserver((records) => {
    for (const record of records) for (const node of record.addedNodes) {
      if (!(node instanceof HTMLElement) || !node.matches('.items > .item')) continue;
      for (const img of node.querySelectorAll('img')) {
        window.__picturesAtDraw.push({ id: node.dataset.id, src: img.hasAttribute('src') });
      }
    }
  }).observe(document, { subtree: true, childList: true });
})();"""


def test_pictures_of_cards_in_sight_come_with_them_and_the_others_when_the_view_nears(
    devices: Devices, app: ServerProcess
) -> None:
    page = devices.open(PHONE)
    page.context.add_init_script(PICTURES_AT_DRAW)
    ws = create_workshop(page, app)
    ops = [activity("act-mon", "doctor", "mon", "morning", 126, 64)]
    ops.append(activity("act-sat", "caf-procedures", "weekend", "evening", 1626, 544))
    seed(app, ws.board, ws.token, ops)
    open_board(page, app, ws.board)
    page.wait_for_function("() => document.querySelectorAll('.items > .item').length === 2")
    shown = page.evaluate(
        """() => Object.fromEntries([...document.querySelectorAll('.items > .item')].map((el) => {
          const r = el.getBoundingClientRect();
          const img = el.querySelector('img');
          const onScreen = r.right > 0 && r.left < innerWidth && r.bottom > 0 && r.top < innerHeight;
          return [el.dataset.id, { onScreen, src: img.hasAttribute('src'), waiting: 'src' in img.dataset }];
        }))"""
    )
    # the phone opens on Monday: Monday's card is in sight, the weekend's far to the right
    assert shown["act-mon"]["onScreen"] and not shown["act-sat"]["onScreen"], shown
    at_draw = page.evaluate("window.__picturesAtDraw")
    # in sight: its picture was asked for as it was drawn (before, only after the frame: one more round trip)
    assert {"id": "act-mon", "src": True} in at_draw, at_draw
    # far away: not asked for yet
    assert shown["act-sat"] == {"onScreen": False, "src": False, "waiting": True}, shown
    # « Voir tout »: every card in sight, every picture asked for and loaded
    page.locator("#zoom-fit").tap()
    page.wait_for_function(
        "() => [...document.querySelectorAll('.items img')].every((i) => i.complete && i.naturalWidth > 0)"
    )

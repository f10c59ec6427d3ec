"""The action fresco gets the screen (issue 11), measured in Chromium on the three screens of a workshop:

- a facilitator's laptop (1366×768): the three lanes in sight at once, no vertical scrolling, for a usual
  board (4, 3 and 2 rows of cards); at least 75 % of the viewport is the timeline (elementFromPoint on a grid
  of points); « Nouvelle action » lands in sight, also once the card's bar has opened under the timeline;
- a touch table (1920×1080): every card's title is whole (not cut to « Perm… »), and neither today's line nor
  the dot-vote button lies over it (elementFromPoint over the title, today's line made hit-testable);
- a phone (360×740): the timeline opens where the actions are, not at its first month, and a new action is
  scrolled into view.

In French and in Arabic (the page mirrors; the timeline reads left to right in both). The board's timeline
runs from two years before today to the end of next year, the cards sit around today: what is measured does
not depend on the date the tests run.
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from helpers import LAPTOP, LAPTOP_HD, PHONE, WALL, Devices, actions_board, create_through_the_page, settled
from playwright.sync_api import Page, expect
from support.server import ServerProcess

pytestmark = pytest.mark.timeout(120)

LANGS = ("fr", "ar")


def ym(n: int) -> str:
    return f"{n // 12:04d}-{n % 12 + 1:02d}"


def this_quarter() -> int:
    """Today's quarter's first month, as a month number (year * 12 + month - 1)."""
    today = datetime.date.today()
    month = today.year * 12 + today.month - 1
    return month - month % 3


def card(aid: str, lane: str, start: int, quarters: int, title: str) -> dict[str, Any]:
    """An action from quarter `start` (a month number), `quarters` long."""
    return {
        "op": "action.create",
        "id": aid,
        "lane": lane,
        "start": ym(start),
        "end": ym(start + 3 * quarters - 1),
        "fiche": {"title": title},
    }


def scene() -> list[dict[str, Any]]:
    """A usual plan around today: 4 rows of cards in « À poursuivre », 3 in « À renforcer », 2 in
    « Nouvelle »; the timeline starts two years before today, long before the earliest card."""
    q = this_quarter()
    year = q // 12
    timeline = {"op": "board.update", "timeline": {"start": f"{year - 2}-01", "end": f"{year + 1}-12"}}
    return [
        timeline,
        card("act-perm", "continue", q, 1, "Permanence numérique"),
        card("act-caf", "continue", q - 3, 3, "Ateliers CAF en arabe"),
        card("act-bus", "continue", q - 6, 4, "Bus solidaire vers le centre de santé"),
        card("act-maison", "continue", q - 3, 2, "Permanence numérique à la maison de quartier"),
        card("act-sante", "reinforce", q - 3, 3, "Accompagnement aux démarches de santé"),
        card("act-cafe", "reinforce", q, 2, "Café des parents"),
        card("act-ecrivain", "reinforce", q + 3, 1, "Écrivain public"),
        card("act-jardin", "create", q, 3, "Jardin partagé au pied des immeubles"),
        card("act-emploi", "create", q + 3, 1, "Point relais emploi"),
    ]


def open_in(page: Page, app: ServerProcess, board: str, lang: str, cards: int | None = None) -> None:
    """The board in `lang` (the language switcher's own link), its `cards` (the scene's) drawn."""
    page.goto(f"{app.base_url}/boards/{board}?lang={lang}")
    expect(page.locator("html")).to_have_attribute("lang", lang)
    page.wait_for_function(
        "() => window.fresque && window.fresque.connection.ready && window.fresque.store.seq !== null"
    )
    expect(page.locator(".tl-card")).to_have_count(len(scene()) - 1 if cards is None else cards)
    # the timeline settles to the page's final height (fonts, the bars' first drawing)
    page.wait_for_timeout(300)


# The visible part of the timeline, clear of its sticky month axis and lane names, in page coordinates.
VIEW_JS = """() => {
  const root = document.querySelector('#timeline');
  const r = root.getBoundingClientRect();
  const axis = root.querySelector('.tl-axis').getBoundingClientRect();
  const head = window.fresque.timeline.headWidth();
  return {
    left: r.left + head, top: axis.bottom,
    right: r.left + root.clientWidth, bottom: r.top + root.clientHeight,
  };
}"""


def visible_area(page: Page) -> dict[str, float]:
    area: dict[str, float] = page.evaluate(VIEW_JS)
    return area


def rect_of(page: Page, selector: str) -> dict[str, float]:
    rect: dict[str, float] = page.evaluate(
        "(sel) => { const r = document.querySelector(sel).getBoundingClientRect();"
        " return {left: r.left, top: r.top, right: r.right, bottom: r.bottom}; }",
        selector,
    )
    return rect


def inside(rect: dict[str, float], area: dict[str, float], slack: float = 1) -> bool:
    return (
        rect["left"] >= area["left"] - slack
        and rect["right"] <= area["right"] + slack
        and rect["top"] >= area["top"] - slack
        and rect["bottom"] <= area["bottom"] + slack
    )


def timeline_share(page: Page) -> float:
    """The part of the viewport where a click reaches the timeline (cards, lanes, axis), on a 20 px grid."""
    share: float = page.evaluate(
        """() => {
          let hit = 0, n = 0;
          for (let y = 5; y < innerHeight; y += 20) for (let x = 5; x < innerWidth; x += 20) {
            n += 1;
            const el = document.elementFromPoint(x, y);
            if (el && el.closest('#timeline')) hit += 1;
          }
          return hit / n;
        }"""
    )
    return share


@pytest.mark.parametrize("lang", LANGS)
def test_a_laptop_shows_every_lane_and_a_new_action_in_sight(
    devices: Devices, app: ServerProcess, lang: str
) -> None:
    # the facilitator: their bar, in its default state, is on this screen
    ws, host = devices.facilitator(LAPTOP_HD)
    board = actions_board(app, ws, scene())
    open_in(host, app, board, lang)
    expect(host.locator(".af-bar")).to_be_visible()

    area = visible_area(host)
    lanes = host.evaluate(
        """() => [...document.querySelectorAll('.tl-lane-body')].map(b => {
             const r = b.getBoundingClientRect();
             return {lane: b.dataset.lane, left: r.left, top: r.top, right: r.right, bottom: r.bottom};
           })"""
    )
    assert [lane["lane"] for lane in lanes] == ["continue", "reinforce", "create"]
    for lane in lanes:
        # each lane's whole height is in sight, under the months (its width runs on past the screen's side)
        assert lane["top"] >= area["top"] - 1 and lane["bottom"] <= area["bottom"] + 1, (lane, area)
    assert host.evaluate("() => document.querySelector('#timeline').scrollTop") == 0
    rows = host.evaluate("() => [...document.querySelectorAll('.tl-card')].map(c => c.style.top)")
    assert len(set(rows)) == 4  # the scene's 4, 3 and 2 rows: a usual board, not a sparse one
    share = timeline_share(host)
    host.screenshot(path=f"/tmp/shots-actions/test-laptop-{lang}.png")
    print(f"\nlaptop 1366×768 {lang}, facilitator, free board: timeline {share:.0%} of the viewport")
    assert share >= 0.75

    # « Nouvelle action »: the new card lands in sight, also after its bar opened under the timeline
    new = create_through_the_page(host, "Navette du marché") if lang == "fr" else new_in_arabic(host)
    settled(host)
    expect(host.locator("#actionbar")).to_be_visible()
    host.wait_for_timeout(400)  # the timeline's new height, and the page's own settling, are what is measured
    card_rect = rect_of(host, f'.tl-card[data-id="{new}"]')
    assert inside(card_rect, visible_area(host)), (card_rect, visible_area(host))
    host.screenshot(path=f"/tmp/shots-actions/test-laptop-{lang}-new.png")


def new_in_arabic(page: Page) -> str:
    """« عمل جديد » in Arabic: the same dialog, by its roles."""
    before = set(page.evaluate("() => [...window.fresque.store.view().actions.keys()]"))
    page.locator("#new-action").click()
    dialog = page.locator("dialog#ask")
    expect(dialog).to_be_visible()
    dialog.locator("input").fill("نقل إلى السوق")
    dialog.locator("button[type=submit]").click()
    expect(dialog).to_be_hidden()
    page.wait_for_function("(n) => window.fresque.store.view().actions.size === n", arg=len(before) + 1)
    (new,) = set(page.evaluate("() => [...window.fresque.store.view().actions.keys()]")) - before
    return str(new)


@pytest.mark.parametrize("lang", LANGS)
def test_a_table_shows_whole_titles_with_nothing_over_them(
    devices: Devices, app: ServerProcess, lang: str
) -> None:
    ws, _ = devices.facilitator(LAPTOP)
    board = actions_board(app, ws, scene())
    table = devices.stakeholder(ws, board, WALL, "Yacine")
    open_in(table, app, board, lang)
    # today's one-quarter card a third of the way in (whatever the page opened on: that is the phone's test)
    table.evaluate(
        """() => {
            const root = document.querySelector('#timeline');
            const card = document.querySelector('.tl-card[data-id="act-perm"]');
            root.scrollLeft += card.getBoundingClientRect().left - root.getBoundingClientRect().left
              - window.fresque.timeline.headWidth() - root.clientWidth / 3;
        }"""
    )
    area = visible_area(table)
    titles = table.evaluate(
        """(area) => {
          // today's line lets clicks through: made hit-testable here, it shows what is painted on top
          for (const line of document.querySelectorAll('.tl-today')) line.style.pointerEvents = 'auto';
          const out = [];
          for (const card of document.querySelectorAll('.tl-card')) {
            const c = card.getBoundingClientRect();
            if (c.left < area.left || c.right > area.right) continue;
            if (c.top < area.top || c.bottom > area.bottom) continue;
            const title = card.querySelector('.tl-card-title');
            const r = title.getBoundingClientRect();
            const covered = [];
            for (let fy = 0.1; fy < 1; fy += 0.2) for (let fx = 0.05; fx < 1; fx += 0.1) {
              const el = document.elementFromPoint(r.left + r.width * fx, r.top + r.height * fy);
              if (el && !title.contains(el)) covered.push(el.className || el.tagName);
            }
            const vote = card.querySelector('.af-vote');
            const v = vote && !vote.hidden ? vote.getBoundingClientRect() : null;
            out.push({
              id: card.dataset.id, text: title.textContent,
              // a line cut off is a whole line high; a few px are the glyphs' own overflow
              cut: title.scrollHeight > title.clientHeight + 4 || title.scrollWidth > title.clientWidth + 1,
              outside: r.left < c.left || r.right > c.right || r.top < c.top || r.bottom > c.bottom,
              covered: [...new Set(covered)],
              voteOver: !!v && v.left < r.right && v.right > r.left && v.top < r.bottom && v.bottom > r.top,
            });
          }
          for (const line of document.querySelectorAll('.tl-today')) line.style.pointerEvents = '';
          return out;
        }""",
        area,
    )
    ids = {t["id"] for t in titles}
    # the one-quarter card under today's line, the issue's « Perm… », is on screen and measured
    assert "act-perm" in ids, titles
    assert len(ids) >= 6, titles
    bad = [t for t in titles if t["cut"] or t["outside"] or t["covered"] or t["voteOver"]]
    table.screenshot(path=f"/tmp/shots-actions/test-table-{lang}.png")
    assert not bad, "\n".join(str(b) for b in bad)
    share = timeline_share(table)
    print(f"\ntable 1920×1080 {lang}: timeline {share:.0%} of the viewport, {len(ids)} titles whole")


@pytest.mark.parametrize("lang", LANGS)
def test_a_phone_opens_where_the_actions_are_and_shows_a_new_one(
    devices: Devices, app: ServerProcess, lang: str
) -> None:
    ws, _ = devices.facilitator(LAPTOP)
    board = actions_board(app, ws, scene())
    phone = devices.stakeholder(ws, board, PHONE, "Amina")
    open_in(phone, app, board, lang)
    area = visible_area(phone)
    seen = phone.evaluate(
        """(area) => [...document.querySelectorAll('.tl-card')].filter(c => {
             const r = c.getBoundingClientRect();
             return r.right > area.left + 40 && r.left < area.right - 40
               && r.bottom > area.top + 20 && r.top < area.bottom - 20;
           }).map(c => c.dataset.id)""",
        area,
    )
    phone.screenshot(path=f"/tmp/shots-actions/test-phone-{lang}.png")
    assert seen, "the phone opened on an empty stretch of the timeline"
    share = timeline_share(phone)
    print(f"\nphone 360×740 {lang}: {len(seen)} cards in sight at the opening, timeline {share:.0%}")

    new = create_through_the_page(phone, "Navette du marché") if lang == "fr" else new_in_arabic(phone)
    settled(phone)
    expect(phone.locator("#actionbar")).to_be_visible()
    phone.wait_for_timeout(400)
    card_rect = rect_of(phone, f'.tl-card[data-id="{new}"]')
    view = visible_area(phone)
    # in sight: its start and most of it (a phone is narrower than a long card)
    assert view["left"] - 1 <= card_rect["left"] < view["right"] - 60, (card_rect, view)
    assert view["top"] - 1 <= card_rect["top"], (card_rect, view)
    assert card_rect["bottom"] <= view["bottom"] + 1, (card_rect, view)


# -- issue 11's leftovers: a narrow card's title stays readable, a long card's title stays in sight ----------

LONG_FR = "Nouvelle action pour l'accès aux droits"
LONG_AR = "عمل جديد من أجل الوصول إلى الحقوق"


def voting_scene() -> list[dict[str, Any]]:
    """The usual plan, the vote open (each card shows its ●+), and two one-quarter cards with long titles, in
    rows the plan already has (the laptop's card height stays the same)."""
    q = this_quarter()
    return [
        *scene(),
        card("act-droits", "create", q + 6, 1, LONG_FR),
        card("act-huquq", "reinforce", q + 6, 1, LONG_AR),
        card("act-tariq", "create", q - 9, 3, "طريق آمن إلى المدرسة لأطفال الحي"),
        {"op": "board.update", "phase": "vote"},
    ]


# Each word of a card's title as it is drawn: its line boxes (one per line it runs on: two are a word broken
# mid-letters), whether all of it lies inside the title's box (not cut by the box, nor by its last line).
WORDS_JS = """(id) => {
  const title = document.querySelector(`.tl-card[data-id="${id}"] .tl-card-name`);
  const box = title.closest('.tl-card-title');
  const b = box.getBoundingClientRect();
  const node = title.firstChild;
  const text = node.textContent;
  const words = [];
  for (const m of text.matchAll(/\\S+/g)) {
    const range = document.createRange();
    range.setStart(node, m.index);
    range.setEnd(node, m.index + m[0].length);
    const rects = [...range.getClientRects()].filter(r => r.width > 0.5);
    const tops = [...new Set(rects.map(r => Math.round(r.top)))];
    // a glyph box is taller than a tight line: its line is in sight when its middle is inside the title's box
    const inside = rects.every(r => r.left >= b.left - 1 && r.right <= b.right + 1
      && (r.top + r.bottom) / 2 > b.top && (r.top + r.bottom) / 2 < b.top + box.clientHeight);
    const rounded = rects.map(r => [r.left, r.top, r.right, r.bottom].map(Math.round));
    words.push({word: m[0], lines: tops.length, inside, rects: rounded});
  }
  const add = document.querySelector(`.tl-card[data-id="${id}"] .af-vote-add`);
  const a = add && !add.hidden ? add.getBoundingClientRect() : null;
  return {
    words, scrollWidth: box.scrollWidth, clientWidth: box.clientWidth,
    add: a && {left: a.left, top: a.top, right: a.right, bottom: a.bottom, width: a.width, height: a.height},
    box: {left: b.left, top: b.top, right: b.right, bottom: b.bottom},
  };
}"""


def scroll_card_to_middle(page: Page, action_id: str) -> None:
    page.evaluate(
        """(id) => {
            const root = document.querySelector('#timeline');
            const card = document.querySelector(`.tl-card[data-id="${id}"]`);
            const r = root.getBoundingClientRect(), c = card.getBoundingClientRect();
            root.scrollLeft += c.left - r.left - window.fresque.timeline.headWidth() - 200;
            root.scrollTop += c.top - r.top - root.clientHeight / 2;
        }""",
        action_id,
    )
    page.wait_for_timeout(100)


@pytest.mark.parametrize("lang", LANGS)
def test_a_laptop_keeps_a_narrow_cards_title_readable_beside_its_vote(
    devices: Devices, app: ServerProcess, lang: str
) -> None:
    ws, host = devices.facilitator(LAPTOP_HD)
    board = actions_board(app, ws, voting_scene())
    open_in(host, app, board, lang, cards=len(voting_scene()) - 2)
    for action_id, title in (("act-droits", LONG_FR), ("act-huquq", LONG_AR)):
        scroll_card_to_middle(host, action_id)
        expect(host.locator(f'.tl-card[data-id="{action_id}"] .af-vote-add')).to_be_visible()
        drawn = host.evaluate(WORDS_JS, action_id)
        host.screenshot(path=f"/tmp/shots-fresco/test-laptop-narrow-{action_id}-{lang}.png")
        words = drawn["words"]
        assert [w["word"] for w in words] == title.split(), drawn
        # the title's box is not cut sideways, and no word is broken mid-letters
        assert drawn["scrollWidth"] <= drawn["clientWidth"], drawn
        assert all(w["lines"] == 1 for w in words), drawn
        # its first two words whole and in sight
        assert all(w["inside"] for w in words[:2]), drawn
        # the ●+ lies over no word, and keeps its size (a mouse: 32 px)
        add = drawn["add"]
        assert add["width"] >= 32 and add["height"] >= 32, add
        for w in words:
            for left, top, right, bottom in w["rects"]:
                assert not (
                    left < add["right"]
                    and right > add["left"]
                    and top < add["bottom"]
                    and bottom > add["top"]
                ), (w, add)


@pytest.mark.parametrize("lang", LANGS)
def test_a_phone_keeps_a_long_cards_title_in_sight_when_its_start_is_off_screen(
    devices: Devices, app: ServerProcess, lang: str
) -> None:
    ws, _ = devices.facilitator(LAPTOP)
    board = actions_board(app, ws, voting_scene())
    phone = devices.stakeholder(ws, board, PHONE, "Amina")
    open_in(phone, app, board, lang, cards=len(voting_scene()) - 2)
    for action_id in ("act-maison", "act-bus", "act-jardin", "act-sante", "act-tariq"):
        # the card's start a third of the screen off its left side (the timeline reads left to right in ar)
        phone.evaluate(
            """(id) => {
                const root = document.querySelector('#timeline');
                const card = document.querySelector(`.tl-card[data-id="${id}"]`);
                const r = root.getBoundingClientRect(), c = card.getBoundingClientRect();
                root.scrollLeft += c.left - r.left + Math.min(root.clientWidth, c.width) / 3;
                root.scrollTop += c.top - r.top - root.clientHeight / 2;
            }""",
            action_id,
        )
        phone.wait_for_timeout(100)
        seen = phone.evaluate(
            """(id) => {
                const root = document.querySelector('#timeline');
                const card = document.querySelector(`.tl-card[data-id="${id}"]`);
                const name = card.querySelector('.tl-card-name');
                const range = document.createRange();
                range.setStart(name.firstChild, 0);
                range.setEnd(name.firstChild, 1);
                const f = range.getBoundingClientRect();
                const c = card.getBoundingClientRect();
                const r = root.getBoundingClientRect();
                const at = document.elementFromPoint((f.left + f.right) / 2, (f.top + f.bottom) / 2);
                return {first: {left: f.left, right: f.right, top: f.top, bottom: f.bottom},
                        card: {left: c.left, right: c.right},
                        view: {left: r.left, right: r.left + root.clientWidth},
                        hit: at?.closest('.tl-card-name') === name};
            }""",
            action_id,
        )
        phone.screenshot(path=f"/tmp/shots-fresco/test-phone-sticky-{action_id}-{lang}.png")
        # the card's start is off the screen's left side, most of it in sight
        assert seen["card"]["left"] < seen["view"]["left"] - 20, seen
        assert seen["card"]["right"] > seen["view"]["left"] + 150, seen
        # its title's first letter is in sight, and nothing lies over it
        assert (
            seen["view"]["left"] <= seen["first"]["left"] and seen["first"]["right"] <= seen["view"]["right"]
        ), seen
        assert seen["hit"], seen

"""Screenshots of every page, at the three screens of a workshop, in French and in Arabic.

    .venv/bin/python scripts/screenshots.py [--out DIR] [--base-url URL]

Without --base-url it starts its own throwaway `fresque serve` (SQLite in a temporary directory) and stops it
at the end. It builds a realistic workshop through the HTTP API and the board's WebSocket protocol (a
facilitator, two residents with their own colours, activities in several cells, difficulties with their
severities and words in French and Arabic, touch points, solutions with votes, threads), then saves PNGs of
the landing, join, facilitator and board pages (the board plain, with an item selected, with the difficulty
sheet open) at 360×740 (touch), 1366×768 (a laptop) and 1920×1080 (touch), in fr and ar, into DIR
(default /tmp/fresque-shots), and prints the files' names.

Chromium is Debian's /usr/bin/chromium (Playwright drives it; nothing is downloaded).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright
from websockets.sync.client import connect
from websockets.typing import Origin

REPO = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
# Workshop tablets and phones have French and Arabic voices, and the board shows its "read aloud" buttons
# only when there is one; headless Chromium has none, so it gets some.
VOICES = """(() => {
  const voices = ['fr-FR', 'en-GB', 'ar-SA'].map((lang) =>
    ({ lang, name: lang, voiceURI: lang, default: lang === 'fr-FR', localService: true }));
  if (window.speechSynthesis) {
    window.speechSynthesis.getVoices = () => voices;
    window.speechSynthesis.speak = () => {};
  }
})();"""
# a resident's phone, a facilitator's laptop (no touch), a touch table or wall screen
SIZES = {"phone": (360, 740), "laptop": (1366, 768), "wall": (1920, 1080)}
LANGS = ("fr", "ar")

# The week grid of js/core/geometry.js (world px): a header row, a label column, 6 days × 3 parts of the day.
DAYS = ("mon", "tue", "wed", "thu", "fri", "weekend")
SLOTS = ("morning", "afternoon", "evening")
HEADER_H, LABEL_W, CELL_W, CELL_H = 56, 120, 300, 240
ACTIVITY_W, ACTIVITY_H, CARD_W, CARD_H = 96, 112, 220, 168
GRID_H = HEADER_H + len(SLOTS) * CELL_H
ITEMS = 11 + 2 + 3 + 3  # activities, touch points, difficulties, solutions
BAND_Y = {"touchpoint": GRID_H + 110, "difficulty": GRID_H + 110 + 278, "solution": GRID_H + 110 + 2 * 278}


# -- a throwaway server ------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def throwaway_server() -> Iterator[str]:
    with tempfile.TemporaryDirectory(prefix="fresque-shots-") as tmp:
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        database = f"sqlite+aiosqlite:///{Path(tmp) / 'fresque.sqlite3'}"
        command = [
            sys.executable,
            "-m",
            "fresque.cli",
            "serve",
            "--port",
            str(port),
            "--database-url",
            database,
        ]
        with open(Path(tmp) / "server.log", "wb") as log:
            proc = subprocess.Popen(command, cwd=REPO, stdout=log, stderr=subprocess.STDOUT)
            try:
                deadline = time.monotonic() + 30
                while True:
                    if proc.poll() is not None:
                        raise SystemExit(f"fresque serve exited:\n{(Path(tmp) / 'server.log').read_text()}")
                    with contextlib.suppress(httpx.HTTPError):
                        if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                            break
                    if time.monotonic() > deadline:
                        raise SystemExit("fresque serve did not become healthy in 30 s")
                    time.sleep(0.1)
                yield url
            finally:
                proc.terminate()
                try:
                    proc.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()


# -- the workshop ------------------------------------------------------------------------------------------


class Author:
    """One participant's socket on the board: sends ops and waits for their ack."""

    def __init__(
        self,
        stack: contextlib.ExitStack,
        base_url: str,
        board_id: str,
        token: str,
        name: str,
        device: str | None = None,
    ) -> None:
        parts = urlsplit(base_url)
        scheme = "wss" if parts.scheme == "https" else "ws"
        self.ws = stack.enter_context(
            connect(
                f"{scheme}://{parts.netloc}/ws/boards/{board_id}",
                additional_headers={"Authorization": f"Bearer {token}"},
                origin=Origin(f"{parts.scheme}://{parts.netloc}"),
                compression=None,
                open_timeout=10,
            )
        )
        self.name = name
        self.count = 0
        hello: dict[str, Any] = {"type": "hello", "protocol": 1, "client": name}
        if device:
            hello["device"] = device
        self.ws.send(json.dumps(hello))
        self.wait_for("welcome")

    def wait_for(self, kind: str, op_id: str | None = None) -> dict[str, Any]:
        while True:
            msg: dict[str, Any] = json.loads(self.ws.recv(timeout=10))
            if msg["type"] in ("reject", "error"):
                raise SystemExit(f"{self.name}: the server refused: {msg}")
            if msg["type"] == kind and (op_id is None or msg.get("op_id") == op_id):
                return msg

    def send(self, *ops: dict[str, Any]) -> None:
        self.count += 1
        op_id = f"{self.name}:{self.count}"
        self.ws.send(json.dumps({"type": "ops", "op_id": op_id, "ops": list(ops)}))
        self.wait_for("ack", op_id)


def slot_position(day: str, slot: str, index: int) -> tuple[float, float]:
    """Where the board puts the index-th activity of a cell (geometry.js slotPosition, first round)."""
    x0 = LABEL_W + DAYS.index(day) * CELL_W
    y0 = HEADER_H + SLOTS.index(slot) * CELL_H
    cols, rows = 2, 2  # (300 - 24 + 8) // 104 and (240 - 24 + 8) // 120
    used_w, used_h = cols * ACTIVITY_W + 8, rows * ACTIVITY_H + 8
    left = x0 + max(12, (CELL_W - used_w) / 2)
    top = y0 + max(12, (CELL_H - used_h) / 2)
    return left + (index % cols) * (ACTIVITY_W + 8), top + (index // cols) * (ACTIVITY_H + 8)


def activity(ident: str, ref: str, day: str, slot: str, index: int) -> dict[str, Any]:
    x, y = slot_position(day, slot, index)
    cell = {"day": day, "slot": slot}
    return {"op": "item.create", "id": ident, "kind": "activity", "x": x, "y": y, "ref": ref, "cell": cell}


def card(ident: str, kind: str, x: float, **fields: Any) -> dict[str, Any]:
    return {"op": "item.create", "id": ident, "kind": kind, "x": x, "y": BAND_Y[kind], **fields}


def thread(source: str, target: str) -> dict[str, Any]:
    return {"op": "thread.create", "id": f"th-{source}-{target}", "source": source, "target": target}


def vote(item: str) -> dict[str, Any]:
    return {"op": "vote.add", "item": item}


def build_workshop(base_url: str) -> dict[str, Any]:
    """A workshop half-way through its exploration: what a facilitator would see at the coffee break."""
    created = httpx.post(
        f"{base_url}/api/workshops",
        json={"title": "Atelier Jas-de-Bouffan", "neighbourhood": "Jas-de-Bouffan", "date": "2026-12-03"},
        timeout=30,
    )
    created.raise_for_status()
    workshop = created.json()
    code = workshop["join_code"]
    residents = {}
    for alias, colour in (("Amina", "green"), ("Karim", "purple")):
        joined = httpx.post(
            f"{base_url}/api/join", json={"code": code, "alias": alias, "colour": colour}, timeout=30
        )
        joined.raise_for_status()
        residents[alias] = joined.json()["token"]
    board_id = workshop["board"]["id"]
    with contextlib.ExitStack() as stack:
        amina = Author(stack, base_url, board_id, residents["Amina"], "amina")
        karim = Author(stack, base_url, board_id, residents["Karim"], "karim")
        animation = Author(stack, base_url, board_id, workshop["facilitator"]["token"], "animation")
        amina.send(
            activity("act-school", "school-run", "mon", "morning", 0),
            activity("act-doctor", "doctor", "mon", "afternoon", 0),
            activity("act-caf", "caf-procedures", "tue", "morning", 0),
            activity("act-shop", "shopping", "tue", "afternoon", 0),
            activity("act-call", "call-family-abroad", "wed", "evening", 0),
        )
        karim.send(
            activity("act-work", "look-for-job", "mon", "morning", 1),
            activity("act-bus", "bus-train", "thu", "morning", 0),
            activity("act-bank", "bank", "thu", "afternoon", 0),
            activity("act-french", "french-classes", "fri", "afternoon", 0),
            activity("act-market", "market", "weekend", "morning", 0),
            activity("act-sport", "sport", "weekend", "afternoon", 0),
        )
        # Touch points under the days they come from, difficulties under them, solutions at the bottom.
        amina.send(
            card("tp-caf", "touchpoint", 420, ref="caf"),
            thread("act-caf", "tp-caf"),
            card(
                "dif-login",
                "difficulty",
                420,
                ref="lost-login",
                severity="bloque",
                text="Le code change tout le temps",
            ),
            thread("tp-caf", "dif-login"),
            card(
                "dif-read",
                "difficulty",
                130,
                ref="reading-french",
                severity="difficile",
                text="الرسائل طويلة وصعبة",
            ),
            thread("act-school", "dif-read"),
        )
        karim.send(
            card("tp-france-travail", "touchpoint", 130, ref="france-travail"),
            thread("act-work", "tp-france-travail"),
            card(
                "dif-equipment",
                "difficulty",
                1020,
                ref="equipment",
                severity="ok",
                text="Le téléphone de ma fille",
            ),
            thread("act-bank", "dif-equipment"),
        )
        animation.send(
            card("sol-desk", "solution", 420, ref="digital-help-desk"),
            thread("dif-login", "sol-desk"),
            card("sol-plain", "solution", 130, ref="plain-language", text="بالعربية أيضًا"),
            thread("dif-read", "sol-plain"),
            card("sol-peers", "solution", 1020, text="Un voisin qui aide le samedi au centre social"),
            thread("dif-equipment", "sol-peers"),
        )
        amina.send(vote("sol-desk"), vote("sol-desk"), vote("sol-plain"))
        karim.send(vote("sol-desk"), vote("sol-peers"))
    # The console's people: someone on paper (hosted by the facilitator), a projector's observer.
    facilitator = {"Authorization": f"Bearer {workshop['facilitator']['token']}"}
    workshop_id = workshop["workshop"]["id"]
    for path, body in (
        ("hosted", {"alias": "Fatima", "kind": "paper"}),
        ("sign-in-links", {"role": "observer"}),
    ):
        made = httpx.post(
            f"{base_url}/api/workshops/{workshop_id}/{path}", json=body, headers=facilitator, timeout=30
        )
        made.raise_for_status()
    return {
        "code": code,
        "workshop_id": workshop["workshop"]["id"],
        "board_id": board_id,
        "facilitator": workshop["facilitator"]["token"],
        "amina": residents["Amina"],
        "karim": residents["Karim"],
    }


# -- the pictures ------------------------------------------------------------------------------------------


def new_context(browser: Browser, base_url: str, size: str, lang: str, token: str | None) -> BrowserContext:
    width, height = SIZES[size]
    context = browser.new_context(
        viewport={"width": width, "height": height},
        has_touch=size != "laptop",
        is_mobile=size == "phone",
        device_scale_factor=1,
        locale="ar" if lang == "ar" else "fr-FR",
    )
    context.add_init_script(VOICES)
    host = urlsplit(base_url).hostname or "127.0.0.1"
    cookies: list[Any] = [{"name": "fresque_lang", "value": lang, "domain": host, "path": "/"}]
    if token:
        cookies.append({"name": "fresque_session", "value": token, "domain": host, "path": "/"})
    context.add_cookies(cookies)
    return context


def open_board(page: Page, base_url: str, board_id: str) -> None:
    page.goto(f"{base_url}/boards/{board_id}")
    page.wait_for_selector("body[data-ready='true']")
    page.wait_for_selector("#status[data-status='connected']")
    # every card drawn (a string wait_for_function would be an eval, which the page's CSP refuses)
    page.locator("#world .item").nth(ITEMS - 1).wait_for()
    page.wait_for_timeout(400)  # fonts, pictures and the first fit


def select_item(page: Page, item_id: str) -> None:
    item = page.locator(f".item[data-id='{item_id}']")
    box = item.bounding_box()
    viewport = page.locator("#viewport").bounding_box()
    inside = (
        box is not None
        and viewport is not None
        and box["x"] >= viewport["x"]
        and box["y"] >= viewport["y"]
        and box["x"] + box["width"] <= viewport["x"] + viewport["width"]
        and box["y"] + box["height"] <= viewport["y"] + viewport["height"]
    )
    if inside:
        item.click()  # a finger's tap or a mouse's click: the page reads both as Pointer Events
    else:  # out of sight on a small screen: the keyboard way (the board pans to the focused card)
        item.focus()
        page.keyboard.press("Enter")
    page.wait_for_selector("#actionbar:not([hidden])")
    page.wait_for_timeout(200)


def shoot(browser: Browser, base_url: str, shop: dict[str, Any], out: Path) -> list[Path]:
    files: list[Path] = []

    def save(page: Page, name: str, *, whole: bool = False) -> None:
        path = out / f"{name}.png"
        page.screenshot(path=str(path), full_page=whole)  # the board never scrolls; the other pages do
        files.append(path)

    for lang in LANGS:
        for size in SIZES:
            tag = f"{size}-{lang}"
            with contextlib.closing(new_context(browser, base_url, size, lang, None)) as context:
                page = context.new_page()
                page.goto(f"{base_url}/")
                save(page, f"landing-{tag}", whole=True)
                page.goto(f"{base_url}/j/{shop['code']}")
                save(page, f"join-{tag}", whole=True)
            console = new_context(browser, base_url, size, lang, shop["facilitator"])
            with contextlib.ExitStack() as here, contextlib.closing(console) as context:
                # Karim is on his phone meanwhile: « ici », « téléphone »
                Author(here, base_url, shop["board_id"], shop["karim"], "karim-phone", device="phone")
                page = context.new_page()
                page.goto(f"{base_url}/workshops/{shop['workshop_id']}")
                page.wait_for_load_state("networkidle")
                page.locator("#people .presence-here").first.wait_for()
                save(page, f"facilitator-{tag}", whole=True)
                # the facilitator's tools at work: a rename field open, a sign-in link made, the remove dialog
                page.locator("#people [data-focus-key$=':rename']").first.click()
                page.locator("#sign-in-projector button[type=submit]").click()
                page.locator("#sign-in-result:not([hidden])").wait_for()
                save(page, f"facilitator-tools-{tag}", whole=True)
                page.locator("#people [data-focus-key$=':remove']").first.click()
                page.locator("#remove-dialog[open]").wait_for()
                page.wait_for_timeout(200)
                save(page, f"facilitator-dialog-{tag}")
            with contextlib.closing(new_context(browser, base_url, size, lang, shop["amina"])) as context:
                page = context.new_page()
                open_board(page, base_url, shop["board_id"])
                save(page, f"board-{tag}")
                select_item(page, "act-school")
                save(page, f"board-selected-{tag}")
                page.locator("#actionbar .action.pull").first.click()
                page.wait_for_selector("#sheet[open] .choice")
                page.wait_for_timeout(200)
                save(page, f"board-sheet-{tag}")
            shoot_facilitation(browser, base_url, shop, size, lang, save)
    return files


def shoot_facilitation(
    browser: Browser, base_url: str, shop: dict[str, Any], size: str, lang: str, save: Any
) -> None:
    """The facilitation screens: the facilitator's board (bar open, a phase, its timer), the projector, a
    touch table in table mode with two residents, and a resident's page after a facilitator removed them."""
    tag = f"{size}-{lang}"
    board = shop["board_id"]
    with contextlib.ExitStack() as here:
        facilitator = Author(here, base_url, board, shop["facilitator"], f"fac-{tag}")
        facilitator.send(
            {"op": "board.update", "phase": "week"}, {"op": "timer.set", "action": "start", "seconds": 600}
        )
        with contextlib.closing(new_context(browser, base_url, size, lang, shop["facilitator"])) as context:
            page = context.new_page()
            open_board(page, base_url, board)
            page.locator("#phase-banner .phase-timer[data-state='running']").wait_for()
            save(page, f"board-facilitator-{tag}")
            page.goto(f"{base_url}/boards/{board}?view=projector")
            page.wait_for_selector("body[data-ready='true']")
            page.locator("#projector-join .projector-qr").wait_for()
            page.wait_for_timeout(600)  # the first fit of the whole board
            save(page, f"projector-{tag}")
        facilitator.send({"op": "board.update", "phase": None}, {"op": "timer.set", "action": "clear"})

    # a touch table (not a phone: « Mode table » is offered on big screens): its own participant, hosting two
    # residents (as « + Ajouter une personne » makes them)
    if size != "phone":
        shoot_table(browser, base_url, shop, size, lang, save)
    shoot_removed(browser, base_url, shop, size, lang, save)


def shoot_table(
    browser: Browser, base_url: str, shop: dict[str, Any], size: str, lang: str, save: Any
) -> None:
    tag, board, workshop_id = f"{size}-{lang}", shop["board_id"], shop["workshop_id"]
    joined = httpx.post(
        f"{base_url}/api/join",
        json={"code": shop["code"], "alias": f"Table {tag}", "colour": "orange"},
        timeout=30,
    )
    joined.raise_for_status()
    table_token = joined.json()["token"]
    for alias, colour in (("Fatima", "green"), ("Youssef", "blue")):
        made = httpx.post(
            f"{base_url}/api/workshops/{workshop_id}/hosted",
            json={"alias": alias, "colour": colour, "kind": "table"},
            headers={"Authorization": f"Bearer {table_token}"},
            timeout=30,
        )
        made.raise_for_status()
    with contextlib.closing(new_context(browser, base_url, size, lang, table_token)) as context:
        page = context.new_page()
        open_board(page, base_url, board)
        page.locator("#table-mode").click()
        page.locator("#table-strip .table-chip").nth(1).wait_for()
        if page.locator("#sheet[open]").count():
            page.keyboard.press("Escape")
        page.locator("#table-strip .table-chip").first.click()
        page.wait_for_timeout(300)
        save(page, f"board-table-{tag}")


def shoot_removed(
    browser: Browser, base_url: str, shop: dict[str, Any], size: str, lang: str, save: Any
) -> None:
    """A resident's page once a facilitator removed them from the console."""
    tag, board, workshop_id = f"{size}-{lang}", shop["board_id"], shop["workshop_id"]
    joined = httpx.post(
        f"{base_url}/api/join", json={"code": shop["code"], "alias": "Sami", "colour": "pink"}, timeout=30
    )
    joined.raise_for_status()
    with contextlib.closing(new_context(browser, base_url, size, lang, joined.json()["token"])) as context:
        page = context.new_page()
        open_board(page, base_url, board)
        removed = httpx.delete(
            f"{base_url}/api/workshops/{workshop_id}/participants/{joined.json()['participant']}",
            headers={"Authorization": f"Bearer {shop['facilitator']}"},
            timeout=30,
        )
        removed.raise_for_status()
        page.locator("#ended:not([hidden])").wait_for()
        page.wait_for_timeout(200)
        save(page, f"board-removed-{tag}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=Path("/tmp/fresque-shots"), help="where the PNGs go")
    parser.add_argument("--base-url", help="a running Fresque (else a throwaway server is started)")
    args = parser.parse_args()
    if not os.path.exists(CHROMIUM):
        raise SystemExit(f"{CHROMIUM} is missing (apt-get install chromium)")
    args.out.mkdir(parents=True, exist_ok=True)
    with contextlib.ExitStack() as stack:
        base_url = args.base_url.rstrip("/") if args.base_url else stack.enter_context(throwaway_server())
        shop = build_workshop(base_url)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                files = shoot(browser, base_url, shop, args.out)
            finally:
                browser.close()
    for path in files:
        print(path)


if __name__ == "__main__":
    main()

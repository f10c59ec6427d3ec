"""The residents' fresco as a poster (issue 14), against a real `fresque serve`: the PNG's pixels put each
card where the board has it (its colour at the spot scaled from board coordinates, the paper where there is
none), a hidden card is not on it, hidden votes are absent before the reveal and present after; the PDF is
one A3/A2 landscape page whose words `pdftotext` finds (the workshop's title, the legend, in French and in
Arabic) and whose pictograms are vectors (`pdfimages -list` lists no image); a width out of range is a clear
422; access as the board's other exports."""

from __future__ import annotations

import io
import shutil
import subprocess
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from fresque.poster.scene import GRID_H, GRID_W, PAD, PAPERS
from fresque.profiles import colour
from PIL import Image
from support.client import BoardClient
from support.server import ServerProcess
from support.workshop import Workshop, activity, new_item_id
from test_custom_pictograms import encode, two_halves, upload
from test_custom_pictograms_boards import connected

NOTE_YELLOW = (0xFF, 0xF8, 0xC4)  # board.css .item.kind-note
GRID_PAPER = (0xFF, 0xFD, 0xF7)  # board.css --paper: an empty cell
WIDTH = 2400


def note_at(item_id: str, x: float, y: float, text: str = "") -> dict[str, Any]:
    return {"op": "item.create", "id": item_id, "kind": "note", "x": x, "y": y, "text": text or "·"}


async def ack(client: BoardClient, ops: list[dict[str, Any]]) -> None:
    answer = await client.commit(ops)
    assert answer["type"] == "ack", answer


def paper_map(paper: str, items: list[tuple[float, float, float, float]], width_px: int) -> Any:
    """Board coordinates → PNG pixels, by the poster's stated rule: the week grid and every card, with PAD
    around, fitted whole into the paper less its margins, header and legend (10, 26 and 24 mm on A3,
    growing with the paper), centred across."""
    w_mm, h_mm = PAPERS[paper]
    k = w_mm / 420
    x0 = min([0.0, *(x for x, _, _, _ in items)]) - PAD
    y0 = min([0.0, *(y for _, y, _, _ in items)]) - PAD
    x1 = max([GRID_W, *(x + w for x, _, w, _ in items)]) + PAD
    y1 = max([GRID_H, *(y + h for _, y, _, h in items)]) + PAD
    area_w, area_h = w_mm - 20 * k, h_mm - 20 * k - 50 * k
    scale = min(area_w / (x1 - x0), area_h / (y1 - y0))
    block_top = (h_mm - (50 * k + (y1 - y0) * scale)) / 2
    left = 10 * k + (area_w - (x1 - x0) * scale) / 2 - x0 * scale
    top = block_top + 26 * k - y0 * scale
    px = width_px / w_mm

    def to_px(x: float, y: float) -> tuple[int, int]:
        return round((left + x * scale) * px), round((top + y * scale) * px)

    return to_px


def pixel(image: Image.Image, at: tuple[int, int]) -> tuple[int, ...]:
    found = image.getpixel(at)
    assert isinstance(found, tuple)
    return found


def near(rgb: tuple[int, ...], expected: tuple[int, int, int], tolerance: int = 12) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(rgb[:3], expected, strict=True))


def hex_rgb(hex_colour: str) -> tuple[int, int, int]:
    h = hex_colour.lstrip("#")
    return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)


def png(workshop: Workshop, query: str = "") -> Image.Image:
    response = workshop.server.get(
        f"/api/boards/{workshop.board_id}/poster.png?width={WIDTH}{query}", workshop.facilitator_token
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "image/png"
    return Image.open(io.BytesIO(response.content)).convert("RGB")


def count_near(image: Image.Image, box: tuple[int, int, int, int], rgb: tuple[int, int, int]) -> int:
    data = image.crop(box).tobytes()
    return sum(1 for i in range(0, len(data), 3) if near(tuple(data[i : i + 3]), rgb, 24))


@pytest.fixture
def workshop(sqlite_server: ServerProcess) -> Workshop:
    return Workshop.create(sqlite_server)


# Where the cards are, in board coordinates: a note on Wednesday afternoon, one (to be hidden) on Friday
# morning, and a solution beside the grid, at the far right (so the drawn board reaches x = 2500).
SHOWN = (700.0, 350.0)
HIDDEN = (1340.0, 80.0)
IDEA = (2280.0, 300.0)
EMPTY_CELL = (120 + 300 * 4 + 150, 56 + 240 * 2 + 120)  # the middle of Friday evening: nothing there


async def test_the_poster_png_puts_each_card_where_the_board_has_it_and_never_a_hidden_one(
    workshop: Workshop,
) -> None:
    shown, hidden, idea = new_item_id("note"), new_item_id("note"), new_item_id("sol")
    fac, amina = workshop.client(), workshop.client("Amina")
    await fac.connect()
    await amina.connect()
    await ack(
        fac,
        [
            note_at(shown, *SHOWN),
            note_at(hidden, *HIDDEN, text="Un mot à cacher"),
            {
                "op": "item.create",
                "id": idea,
                "kind": "solution",
                "x": IDEA[0],
                "y": IDEA[1],
                "text": "Atelier",
            },
            {"op": "board.update", "votes_hidden": True},
        ],
    )
    await ack(amina, [{"op": "vote.add", "item": idea}, {"op": "vote.add", "item": idea}])
    to_px = paper_map(
        "a3", [(*SHOWN, 220, 140), (*HIDDEN, 220, 140), (*IDEA, 220, 168)], WIDTH
    )  # the hidden card is still on the board (and in the bounds): it is only left out of the drawing
    before_hiding = png(workshop)
    await ack(fac, [{"op": "item.hide", "id": hidden, "hidden": True}])
    image = png(workshop)
    # a blank spot of each note (its lower-left corner, away from its words and border)
    for spot, picture in ((SHOWN, image), (HIDDEN, before_hiding)):
        at = to_px(spot[0] + 24, spot[1] + 140 - 16)
        assert near(pixel(picture, at), NOTE_YELLOW), (spot, at, pixel(picture, at))
    hidden_at = to_px(HIDDEN[0] + 24, HIDDEN[1] + 140 - 16)
    assert near(pixel(image, hidden_at), GRID_PAPER), pixel(image, hidden_at)  # the hidden note: gone
    empty = to_px(*EMPTY_CELL)
    assert near(pixel(image, empty), GRID_PAPER), pixel(image, empty)
    # The idea's foot, where its dots go: none of Amina's colour while votes are hidden, some once revealed.
    amina_rgb = hex_rgb(colour(workshop.residents["Amina"]["colour"]).hex)  # type: ignore[union-attr]
    left, top = to_px(IDEA[0], IDEA[1] + 168 - 40)
    right, bottom = to_px(IDEA[0] + 220, IDEA[1] + 168)
    assert count_near(image, (left, top, right, bottom), amina_rgb) < 4  # (her border is not in the box)
    await ack(fac, [{"op": "board.update", "votes_hidden": False}])
    revealed = png(workshop)
    assert count_near(revealed, (left, top, right, bottom), amina_rgb) > 30
    await fac.close()
    await amina.close()


def pdf_text(pdf: bytes, tmp_path: Path, name: str) -> str:
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    marks = dict.fromkeys(map(ord, "\u200e\u200f\u202a\u202b\u202c\u202d\u202e"))  # bidi controls
    return unicodedata.normalize("NFKC", out).translate(marks)


def has_arabic(text: str, words: str) -> bool:
    """pdftotext writes right-to-left runs in visual order on some lines: either order counts."""
    flat = " ".join(text.split())
    return words in flat or words[::-1] in flat


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="scripts/test installs poppler-utils")
async def test_the_poster_pdf_is_one_landscape_page_of_vectors_with_its_words_in_french_and_arabic(
    workshop: Workshop, tmp_path: Path
) -> None:
    fac = workshop.client()
    await fac.connect()
    await ack(
        fac,
        [
            activity(new_item_id("act"), ref="go-to-work", day="mon", x=140, y=70),
            {
                "op": "item.create",
                "id": new_item_id("dif"),
                "kind": "difficulty",
                "x": 2000,
                "y": 80,
                "ref": "equipment",
                "severity": "bloque",
            },
        ],
    )
    await fac.close()
    url = f"/api/boards/{workshop.board_id}/poster.pdf"
    french = workshop.server.get(f"{url}?lang=fr", workshop.facilitator_token)
    assert french.status_code == 200, french.text
    assert french.headers["content-type"] == "application/pdf"
    text = pdf_text(french.content, tmp_path, "fr")
    for words in (
        "Atelier Jas-de-Bouffan",
        "Jas-de-Bouffan",
        "Légende",
        "un point = une voix",
        "Lundi",
        "Bloqué",
    ):
        assert words in text, words
    info = subprocess.run(
        ["pdfinfo", str(tmp_path / "fr.pdf")], capture_output=True, text=True, check=True
    ).stdout
    assert "Pages:           1" in info
    assert "1190.55 x 841.89 pts (A3)" in info  # landscape
    images = (
        subprocess.run(
            ["pdfimages", "-list", str(tmp_path / "fr.pdf")], capture_output=True, text=True, check=True
        )
        .stdout.strip()
        .splitlines()
    )
    assert len(images) == 2, images  # the header lines only: the pictograms are paths, not pictures
    arabic = workshop.server.get(f"{url}?lang=ar&paper=a2", workshop.facilitator_token)
    assert arabic.status_code == 200
    text = pdf_text(arabic.content, tmp_path, "ar")
    for words in ("دليل الرموز", "الجمعة", "مستحيل"):  # (no lam-alef: pdftotext splits that ligature)
        assert has_arabic(text, words), (words, text)
    assert "Atelier Jas-de-Bouffan" in text
    info = subprocess.run(
        ["pdfinfo", str(tmp_path / "ar.pdf")], capture_output=True, text=True, check=True
    ).stdout
    assert "1683.78 x 1190.55 pts (A2)" in info


def test_a_width_out_of_range_is_refused_clearly(workshop: Workshop) -> None:
    url = f"/api/boards/{workshop.board_id}/poster.png"
    for width in (10, 100_000):
        refused = workshop.server.get(f"{url}?width={width}", workshop.facilitator_token)
        assert refused.status_code == 422
        body = refused.json()
        assert body["error"] == "width_out_of_range"
        assert (body["min"], body["max"]) == (600, 7200)
        assert "600" in body["message"] and "7200" in body["message"]
    assert workshop.server.get(f"{url}?paper=a0", workshop.facilitator_token).status_code == 422


def test_the_poster_is_the_facilitators_as_the_other_exports(server: ServerProcess) -> None:
    workshop = Workshop.create(server, residents=("Amina",))
    other = Workshop.create(server, residents=())
    for kind in ("pdf", "png"):
        url = f"/api/boards/{workshop.board_id}/poster.{kind}"
        assert server.get(url).status_code == 401
        assert (
            server.get(f"/api/boards/no-such-board/poster.{kind}", workshop.facilitator_token).status_code
            == 404
        )
        resident = server.get(url, workshop.token("Amina"))
        assert (resident.status_code, resident.json()["error"]) == (403, "facilitator_only")
        stranger = server.get(url, other.facilitator_token)
        assert (stranger.status_code, stranger.json()["error"]) == (403, "not_your_workshop")
    plan = server.post(
        f"/api/workshops/{workshop.id}/boards",
        {"kind": "actions", "title": "Plan"},
        workshop.facilitator_token,
    ).json()["id"]
    refused = server.get(f"/api/boards/{plan}/poster.png", workshop.facilitator_token)
    assert (refused.status_code, refused.json()["error"]) == (409, "not_an_exploration_board")


async def test_a_workshops_own_picture_is_on_the_poster(workshop: Workshop) -> None:
    """A custom picture (a PNG upload) is drawn from the workshop's file, inline: its colour at its spot."""
    made = upload(
        workshop.server,
        workshop.id,
        workshop.facilitator_token,
        encode(two_halves((64, 64), "#ff00ff", "#ff00ff"), "PNG"),
        labels={"label_fr": "Le marché du mardi", "label_en": "Tuesday market", "label_ar": "سوق الثلاثاء"},
    )
    assert made.status_code == 201, made.text
    fac = await connected(workshop)
    card = {"op": "item.create", "id": new_item_id("pic"), "kind": "activity", "x": 430, "y": 300}
    answer = await fac.commit([{**card, "ref": made.json()["ref"], "cell": {"day": "tue"}}])
    assert answer["type"] == "ack", answer
    await fac.close()
    to_px = paper_map("a3", [], WIDTH)
    image = png(workshop)
    middle = to_px(430 + 48, 300 + 4 + 28)  # the picture: 56 px square, 4 px under the card's top
    assert near(pixel(image, middle), (0xFF, 0x00, 0xFF), 30), pixel(image, middle)


async def test_a_card_of_an_open_private_round_waits_for_its_reveal(workshop: Workshop) -> None:
    """A resident's card made during a private round is on the poster only once the round is revealed."""
    fac, amina = workshop.client(), workshop.client("Amina")
    await fac.connect()
    await amina.connect()
    await ack(fac, [{"op": "board.update", "private": True}])
    await ack(amina, [note_at(new_item_id("note"), *SHOWN, text="Mon idée")])
    to_px = paper_map("a3", [(*SHOWN, 220, 140)], WIDTH)
    spot = to_px(SHOWN[0] + 24, SHOWN[1] + 140 - 16)
    assert near(pixel(png(workshop), spot), GRID_PAPER)  # still private: the cell is empty
    await ack(fac, [{"op": "board.update", "private": False}])
    assert near(pixel(png(workshop), spot), NOTE_YELLOW)
    await fac.close()
    await amina.close()


def test_the_workshops_date_is_written_out_in_the_posters_language() -> None:
    from fresque.api.poster import written_date
    from fresque.i18n import dictionaries

    assert written_date("2025-03-15", dictionaries()["fr"]) == "15 mars 2025"
    assert written_date("2025-03-15", dictionaries()["ar"]) == "15 مارس 2025"
    assert written_date(None, dictionaries()["en"]) is None

"""The schéma d'inclusion numérique as a document (issue 14): `GET /api/studies/{id}/schema.pdf` and
`.odt`, for the study's team, in French (default) and Arabic.

A real `fresque serve` with a seeded study (tests/support/study_export_seed.py: two residents' workshops, a
partners' workshop whose action links a resident's idea of each, questions de travail, survey responses).
The ODT is opened with odfdo (its mimetype entry, its headings at levels 1–3, every fiche's title, its
pictures); the PDF's text is read with Debian's `pdftotext` (real text: every fiche's title and figure).
"""

from __future__ import annotations

import html
import io
import re
import shutil
import subprocess
import uuid
import zipfile
from collections.abc import Iterator
from pathlib import Path

import httpx
import odfdo
import pytest
from fresque.i18n import translator
from support.server import ServerProcess
from support.study_export_seed import Account, SeededStudy, make_account, seed_study

pytestmark = pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="needs poppler-utils (scripts/test)"
)

FIGURES = (
    "diagnostic.fragility.title",
    "diagnostic.equipment.title",
    "diagnostic.heat.title",
    "schema.plan.fresco",
)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    """One server and one seeded study for the module: the documents only read it."""
    folder = tmp_path_factory.mktemp("schema")
    proc = ServerProcess(
        f"sqlite+aiosqlite:///{folder / 'fresque.sqlite3'}",
        log_path=folder / "server.log",
        env={"FRESQUE_DATA_DIR": str(folder / "data")},
    )
    proc.start()
    try:
        yield proc
    finally:
        proc.stop()


@pytest.fixture(scope="module")
def seeded(server: ServerProcess) -> tuple[Account, SeededStudy]:
    owner = make_account(server, f"schema-{uuid.uuid4().hex[:6]}")
    return owner, seed_study(server, owner, f"Zq{uuid.uuid4().hex[:8]}")


def get(server: ServerProcess, path: str, account: Account | None) -> httpx.Response:
    headers = account.bearer() if account is not None else {}
    return httpx.get(f"{server.base_url}{path}", headers=headers, timeout=120)


def pdf_text(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "schema.pdf"
    path.write_bytes(pdf)
    done = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True)
    return " ".join(done.stdout.decode("utf-8").split())


def words_in_order(pdf: bytes, tmp_path: Path, words: list[str]) -> bool:
    """Whether `words` are printed left to right, one after the other, on one line of the PDF (their boxes
    by `pdftotext -bbox`: its plain text orders a mixed line by a guess that varies from run to run)."""
    path = tmp_path / "words.pdf"
    path.write_bytes(pdf)
    done = subprocess.run(["pdftotext", "-bbox", str(path), "-"], capture_output=True, check=True)
    boxes = [
        (float(y), float(x0), float(x1), html.unescape(w))
        for x0, y, x1, w in re.findall(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>',
            done.stdout.decode("utf-8"),
        )
    ]
    lines: dict[float, list[tuple[float, float, str]]] = {}
    for y, x0, x1, w in boxes:
        lines.setdefault(round(y, 1), []).append((x0, x1, w))
    for line in lines.values():
        ordered = [w.strip("\u200e\u200f\u202a\u202b\u202c") for _, _, w in sorted(line)]
        n = len(words)
        if any(ordered[i : i + n] == words for i in range(len(ordered) - n + 1)):
            return True
    return False


def outline(pdf: bytes, tmp_path: Path) -> list[str]:
    """The PDF's bookmarks, as `pdftohtml -xml` lists them."""
    path = tmp_path / "outline.pdf"
    path.write_bytes(pdf)
    done = subprocess.run(
        ["pdftohtml", "-xml", "-i", "-stdout", "-q", str(path)], capture_output=True, check=True
    )
    xml = done.stdout.decode("utf-8")
    return [html.unescape(m) for m in re.findall(r"<item[^>]*>([^<]*)</item>", xml)]


def odt_headings(odt: bytes) -> tuple[odfdo.Document, list[tuple[int, str]]]:
    document = odfdo.Document(io.BytesIO(odt))
    return document, [(int(h.level), str(h).strip()) for h in document.body.headers]


def fiche_titles(server: ServerProcess, seeded: SeededStudy) -> list[str]:
    board = seeded.workshops[2]
    exported = server.get(f"/api/boards/{seeded.actions_board}/export", board.facilitator_token)
    assert exported.status_code == 200, exported.text
    return [a["fiche"]["title"] for a in exported.json()["actions"]]


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_the_pdf_has_every_fiche_and_figure_as_text(
    server: ServerProcess, seeded: tuple[Account, SeededStudy], tmp_path: Path, lang: str
) -> None:
    owner, study = seeded
    response = get(server, f"/api/studies/{study.id}/schema.pdf?lang={lang}", owner)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"].endswith(f'-{lang}.pdf"')
    text = pdf_text(response.content, tmp_path)
    t = translator(lang)
    titles = fiche_titles(server, study)
    assert titles
    for title in titles:
        assert title in text
    for key in FIGURES:
        assert " ".join(t(key).split()) in text, key
    # the resident's idea behind the action, and its neighbourhood, in the fiche and the annex
    assert f"Un atelier le samedi {study.mark}" in text
    assert f"Jas-de-Bouffan {study.mark}" in text
    # a question de travail, the questionnaire, the attribution
    assert f"Comment ouvrir un lieu d'aide le samedi ? {study.mark}" in text
    assert "CC BY-SA 4.0" in text
    # a partner's words keep their own direction: « ? » at the end of a French question in Arabic too
    assert words_in_order(response.content, tmp_path, ["Q2", "·", "Et", "le", "marché", "?"])
    if lang == "fr":  # (in Arabic pdftotext gives the sign mirrored, in its bidi marks)
        assert "< 5" in text  # this small study's figures are suppressed as on the diagnostic page
        # the fiche says which question de travail its action answers, numbered as in the questions' list
        assert text.count(f"Q1 · Comment ouvrir un lieu d'aide le samedi ? {study.mark}") == 2
    if lang == "ar":  # its figures are PNG drawn at 150 dpi for their printed width: shown at that size
        path = tmp_path / "images.pdf"
        path.write_bytes(response.content)
        listing = subprocess.run(["pdfimages", "-list", str(path)], capture_output=True, check=True)
        ppi = [int(line.split()[12]) for line in listing.stdout.decode().splitlines()[2:]]
        assert ppi and all(140 <= p <= 160 for p in ppi), ppi
    info = subprocess.run(["pdfinfo", "-"], input=response.content, capture_output=True, check=True)
    assert t("schema.cover.kicker") in info.stdout.decode("utf-8")  # the document's title
    bookmarks = outline(response.content, tmp_path)  # the PDF's bookmarks: the headings, levels 1–3
    assert t("schema.plan.title") in bookmarks and t("schema.diagnostic.title") in bookmarks
    assert all(any(title in b for b in bookmarks) for title in titles)


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_the_odt_has_headings_fiches_and_pictures(
    server: ServerProcess, seeded: tuple[Account, SeededStudy], lang: str
) -> None:
    owner, study = seeded
    response = get(server, f"/api/studies/{study.id}/schema.odt?lang={lang}", owner)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/vnd.oasis.opendocument.text"
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        first = archive.infolist()[0]
        assert first.filename == "mimetype" and first.compress_type == zipfile.ZIP_STORED
        assert archive.read("mimetype") == b"application/vnd.oasis.opendocument.text"
        pictures = [n for n in archive.namelist() if n.startswith("Pictures/")]
        content = archive.read("content.xml").decode("utf-8")
    document, headings = odt_headings(response.content)
    t = translator(lang)
    levels = {level for level, _ in headings}
    assert levels == {1, 2, 3}
    texts = [text for _, text in headings]
    for key in (
        "schema.method.title",
        "schema.diagnostic.title",
        "schema.questions.title",
        "schema.plan.title",
    ):
        assert (1, t(key)) in headings
    for title in fiche_titles(server, study):
        assert any(title in text for text in texts), title
    for key in FIGURES:
        assert t(key) in texts, key
    # heading styles LibreOffice's navigator and TOC know, and a table of contents
    assert 'text:style-name="Heading_20_1"' in content and 'text:outline-level="3"' in content
    assert "<text:table-of-content" in content
    toc = document.body.get_element("text:table-of-content")
    assert toc is not None
    entries = [str(p).strip() for p in toc.get_elements("text:index-body/text:p")]
    assert entries == texts  # every heading, as written, in order (LibreOffice adds the page numbers)
    # the figures are embedded pictures with their alternative text: 8 charts, the fresco, one web per action
    frames = document.body.get_frames()
    assert len(pictures) >= 10 and len(frames) == len(pictures)
    assert all(f.svg_description for f in frames)
    for name in pictures:
        assert archive_part(response.content, name).startswith(b"\x89PNG")
    styles = archive_part(response.content, "styles.xml").decode("utf-8")
    # headings unnumbered, as in the PDF and the contents (LibreOffice printed « 2.1. » before each one)
    levels = re.findall(r"<text:outline-level-style [^>]*>", styles)
    assert len(levels) >= 3 and all('style:num-format=""' in level for level in levels), levels[:3]
    assert ('style:writing-mode="rl-tb"' in styles) == (lang == "ar")
    # a French question de travail is a left-to-right paragraph in the Arabic document (its style's twin)
    question = next(p for p in document.body.paragraphs if str(p).strip() == "Q2 · Et le marché ?")
    mode = document.get_style("paragraph", question.style).get_properties(area="paragraph")
    assert mode.get("style:writing-mode", "lr-tb" if lang == "fr" else "rl-tb") == "lr-tb"
    # what it was drawn from, in our sentence, keeps its own direction there too (Unicode isolates)
    assert any(f"\u2068Le marché {study.mark}\u2069" in str(p) for p in document.body.paragraphs)
    assert "<table:table " in content


def archive_part(odt: bytes, name: str) -> bytes:
    with zipfile.ZipFile(io.BytesIO(odt)) as archive:
        return archive.read(name)


def test_only_the_team_gets_the_schema(server: ServerProcess, seeded: tuple[Account, SeededStudy]) -> None:
    _, study = seeded
    stranger = make_account(server, f"ailleurs-{uuid.uuid4().hex[:6]}")
    for suffix in ("pdf", "odt"):
        assert get(server, f"/api/studies/{study.id}/schema.{suffix}", None).status_code == 401
        refused = get(server, f"/api/studies/{study.id}/schema.{suffix}", stranger)
        assert refused.status_code == 404 and refused.json()["error"] == "study_not_found"
        assert get(server, f"/api/studies/nope/schema.{suffix}", stranger).status_code == 404


def test_a_study_without_actions_still_gives_a_document(server: ServerProcess, tmp_path: Path) -> None:
    owner = make_account(server, f"vide-{uuid.uuid4().hex[:6]}")
    made = server.post(
        "/api/studies",
        {"title": "Étude toute neuve", "territory": "Gardanne", "neighbourhoods": [{"name": "Biver"}]},
        owner.token,
    )
    assert made.status_code == 201, made.text
    study_id = made.json().get("id") or made.json()["study"]["id"]
    pdf = get(server, f"/api/studies/{study_id}/schema.pdf", owner)
    assert pdf.status_code == 200, pdf.text
    text = pdf_text(pdf.content, tmp_path)
    t = translator("fr")
    assert (
        "Étude toute neuve" in text and t("schema.plan.none") in text and t("schema.questions.none") in text
    )
    odt = get(server, f"/api/studies/{study_id}/schema.odt?lang=en", owner)
    assert odt.status_code == 200, odt.text
    _, headings = odt_headings(odt.content)
    assert (1, translator("en")("schema.plan.title")) in headings

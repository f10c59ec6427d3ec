"""Every glyph of the schéma's Arabic figures is drawn (no empty « tofu » boxes) when resvg rasterises them.

How a missing glyph is seen: resvg draws a letter that its font lacks as the font's `.notdef` glyph (a box).
The fonts the figures are drawn with (`raster.font_files`) are copied with their `.notdef` emptied; a figure
drawn with the copies is the same picture, pixel for pixel, exactly when no `.notdef` was drawn. The figures
are the diagnostic's charts (no font named: resvg's default), the capabilities web and the fresco (Noto Sans
named first), with the Arabic words that came out as boxes: a task label mixing Arabic and Latin with a
parenthesis, « حجز موعد عبر الإنترنت · n < 5 », the heat map's scale « (فاتح) ».
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont  # type: ignore[import-untyped]
from fontTools.ttLib.tables._g_l_y_f import Glyph  # type: ignore[import-untyped]
from fresque.charts.heatmap import HeatCell, heat_map
from fresque.charts.stacked import Segment, Series, StackRow, stacked_bars
from fresque.i18n import translator
from fresque.schema import raster
from fresque.schema.figures import radar_svg
from fresque.schema.tree import Figure

TASKS = (
    "القيام بإجراء إداري عبر الإنترنت (CAF، الضرائب…)",
    "إرسال بريد إلكتروني",
    "حجز موعد عبر الإنترنت",
    "Prendre un rendez-vous « Doctolib »",
)


@pytest.fixture(scope="module")
def blank_notdef(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, ...]:
    """The figures' font files, copied with an empty `.notdef` glyph (same names, metrics and cmap)."""
    files = raster.font_files()
    if not files:
        pytest.fail("fontconfig found none of the figures' fonts (fonts-noto-core, fonts-dejavu-core)")
    folder = tmp_path_factory.mktemp("blank-notdef")
    copies = []
    for path in files:
        font = TTFont(path)
        if "glyf" in font:
            font["glyf"][".notdef"] = Glyph()  # no contours: nothing drawn, advance unchanged (hmtx)
        copy = folder / Path(path).name
        font.save(str(copy))
        copies.append(str(copy))
    return tuple(copies)


def autonomy_chart() -> str:
    t = translator("ar")
    series = [
        Series(t(k), c)
        for k, c in (
            ("diagnostic.autonomy.alone", "#009e73"),
            ("diagnostic.autonomy.with_help", "#e69f00"),
            ("diagnostic.autonomy.cannot", "#d55e00"),
        )
    ]
    rows = [
        StackRow(task, "n < 5", tuple(Segment(None, "< 5") for _ in series), suppressed="< 5")
        for task in TASKS
    ]
    return str(stacked_bars("chart-autonomy", "الاستقلالية", "وصف", series, rows, rtl=True, lang="ar"))


def heat_chart() -> str:
    t = translator("ar")
    return str(
        heat_map(
            "chart-heat",
            t("diagnostic.heat.title"),
            t("diagnostic.heat.desc"),
            list(TASKS[:2]),
            ["1", "2", "3"],
            [[HeatCell(3.0, "3"), HeatCell(None, "< 5"), HeatCell(12.0, "12")]] * 2,
            rtl=True,
            lang="ar",
            suppressed_label=t("diagnostic.legend.suppressed"),
            scale_label=t("diagnostic.heat.scale"),
        )
    )


def web() -> str:
    return radar_svg(
        ["a", "b", "c"],
        [TASKS[0], "التنقل (Mobilité)", "Q2 · Et le marché ?"],
        {"today": "اليوم", "aimed": "الهدف"},
        {"today": {"a": 1, "b": 2, "c": 3}, "aimed": {"a": 3, "b": 3, "c": 4}},
        "شبكة القدرات",
        "ar",
    )


@pytest.mark.parametrize("make", [autonomy_chart, heat_chart, web], ids=["autonomy", "heat", "web"])
def test_every_glyph_of_an_arabic_figure_is_drawn(
    make: Callable[[], str], blank_notdef: tuple[str, ...]
) -> None:
    svg = raster.for_resvg(make())
    figure = Figure("f", "", "", svg, 800, 400, 170)
    _, width, height = raster.png_of(figure)
    drawn = raster.render(svg, width, height, raster.font_files())
    without_boxes = raster.render(svg, width, height, blank_notdef)
    assert drawn == without_boxes, "a text of the figure was drawn with its font's .notdef box"


def test_the_check_sees_a_box(blank_notdef: tuple[str, ...]) -> None:
    """The check itself: a letter no font has (a private-use code point) is a box, and is seen."""
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" width="200" height="60" font-family="Noto Sans">'
        '<text x="10" y="40" font-size="30">a\ue0ffb</text></svg>'
    )
    assert raster.render(svg, 200, 60, raster.font_files()) != raster.render(svg, 200, 60, blank_notdef)


def test_a_figure_without_arabic_keeps_its_fonts() -> None:
    svg = '<svg xmlns="http://www.w3.org/2000/svg" font-family="Noto Sans"><text>Le marché</text></svg>'
    assert raster.for_resvg(svg) == svg
    arabic = raster.for_resvg(svg.replace("Le marché", "السوق"))
    assert 'font-family="DejaVu Sans' in arabic

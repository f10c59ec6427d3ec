"""The capabilities web as a radar (`fresque.radar`): its geometry as pure data, and the PNG Pillow draws
from it (size, determinism, and the series really drawn where the geometry says)."""

from __future__ import annotations

import io
import math
from pathlib import Path
from typing import Any

import pytest
from fresque.core.choices import DEFAULT_AXES
from fresque.radar import (
    MAX_LEVEL,
    SERIES_COLOURS,
    radar_geometry,
    render_radar_png,
)
from PIL import Image

AXES = [a.id for a in DEFAULT_AXES]
LABELS = [
    "Accès aux droits et démarches",
    "Travail et formation",
    "Santé",
    "Scolarité et parentalité",
    "Liens sociaux",
    "Se déplacer",
    "Budget et achats",
    "Information et loisirs",
    "Citoyenneté",
    "Sécurité en ligne",
]
SERIES = {"today": "Aujourd'hui", "targeted": "Visé par l'action"}
TODAY = {a: 1 for a in AXES} | {"rights": 2}
TARGETED = {a: 3 for a in AXES} | {"rights": 4, "online_safety": 4}
SCREENSHOTS = Path(__file__).resolve().parent.parent / "test-results" / "screenshots"


def _close(p: tuple[float, float], q: tuple[float, float], tol: float = 0.011) -> bool:
    return abs(p[0] - q[0]) <= tol and abs(p[1] - q[1]) <= tol


# --- geometry ----------------------------------------------------------------------------------------------


def test_angles_start_up_and_go_clockwise() -> None:
    g = radar_geometry(AXES, {}, 800)
    assert [a.angle for a in g.axes] == [36.0 * i for i in range(10)]
    assert [a.id for a in g.axes] == AXES
    cx, cy = g.centre
    assert g.centre == (400.0, 360.0) and g.radius == 232.0
    # clockwise on screen (y down): the second axis is up and to the right, the last up and to the left
    assert g.axes[1].end[0] > cx and g.axes[1].end[1] < cy
    assert g.axes[-1].end[0] < cx and g.axes[-1].end[1] < cy


def test_three_axes() -> None:
    g = radar_geometry(["a", "b", "c"], {"s": {"a": 4, "b": 4, "c": 4}}, 600)
    assert [a.angle for a in g.axes] == [0.0, 120.0, 240.0]
    cx, cy = g.centre
    r = g.radius
    assert _close(g.axes[0].end, (cx, cy - r))
    assert _close(g.axes[1].end, (cx + r * math.sin(math.radians(120)), cy + r / 2))
    assert _close(g.axes[2].end, (cx - r * math.sin(math.radians(120)), cy + r / 2))
    assert g.series[0].points == tuple(a.end for a in g.axes)
    assert g.axes[0].align == "middle" and g.axes[0].baseline == "bottom"
    assert g.axes[1].align == "start" and g.axes[2].align == "end"


def test_twelve_axes() -> None:
    axes = [f"axis{i}" for i in range(12)]
    g = radar_geometry(axes, {"s": {axes[3]: 4, axes[6]: 2, axes[9]: 4}}, 800)
    assert [a.angle for a in g.axes] == [30.0 * i for i in range(12)]
    cx, cy = g.centre
    r = g.radius
    # quarter turns land on the compass points: right, down (half radius), left
    points = g.series[0].points
    assert _close(points[3], (cx + r, cy))
    assert _close(points[6], (cx, cy + r / 2))
    assert _close(points[9], (cx - r, cy))
    assert g.axes[3].align == "start" and g.axes[3].baseline == "middle"
    assert g.axes[6].align == "middle" and g.axes[6].baseline == "top"
    assert g.axes[9].align == "end"
    assert len(g.series[0].missing) == 9


def test_rings_go_through_each_level_on_every_axis() -> None:
    g = radar_geometry(AXES, {}, 1000)
    assert sorted(g.rings) == [1, 2, 3, 4]
    cx, cy = g.centre
    for level, ring in g.rings.items():
        assert len(ring) == len(AXES)
        for point in ring:
            assert math.dist(point, (cx, cy)) == pytest.approx(g.radius * level / MAX_LEVEL, abs=0.02)
        assert _close(ring[0], (cx, cy - g.radius * level / 4))  # straight up on the first axis
    assert g.rings[4] == tuple(a.end for a in g.axes)
    # labels hang outside the outer ring
    for a in g.axes:
        assert math.dist(a.label_anchor, (cx, cy)) > g.radius


def test_level_four_on_the_first_axis_is_at_the_top_at_full_radius() -> None:
    g = radar_geometry(AXES, {"targeted": {"rights": 4}}, 800)
    top = g.series[0].points[0]
    assert top == (g.centre[0], g.centre[1] - g.radius)
    assert top == g.axes[0].end
    assert top[1] == min(p[1] for p in g.rings[4])  # nothing of the web is higher


def test_partial_series_draws_missing_axes_at_the_centre_and_reports_them() -> None:
    g = radar_geometry(AXES, {"today": {"health": 2, "rights": 0}, "targeted": TARGETED}, 800)
    today, targeted = g.series
    assert today.id == "today" and targeted.id == "targeted"
    assert today.missing == tuple(a for a in AXES if a not in ("health", "rights"))
    assert today.levels == (0, 0, 2, 0, 0, 0, 0, 0, 0, 0)
    assert today.points[0] == g.centre  # a real 0: at the centre, not missing
    assert today.points[3] == g.centre  # missing: at the centre too
    assert today.points[2] == g.rings[2][2]
    assert targeted.missing == ()
    assert targeted.levels == tuple(TARGETED[a] for a in AXES)


def test_geometry_is_plain_data() -> None:
    g = radar_geometry(["a", "b", "c"], {"s": {"a": 1}}, 300)
    d = g.as_dict()
    rings = d["rings"]
    assert d["size"] == 300 and isinstance(rings, dict) and sorted(rings) == ["1", "2", "3", "4"]
    assert d["series"] == [  # the browser fixture shape
        {
            "id": "s",
            "points": [list(p) for p in g.series[0].points],
            "levels": [1, 0, 0],
            "missing": ["b", "c"],
        }
    ]
    assert radar_geometry(["a", "b", "c"], {"s": {"a": 1}}, 300) == g


@pytest.mark.parametrize(
    ("axes", "levels", "size", "message"),
    [
        (["a", "b"], {}, 800, "at least 3 axes"),
        ([], {}, 800, "at least 3 axes"),
        ([f"x{i}" for i in range(13)], {}, 800, "at most 12"),
        (["a", "b", "a"], {}, 800, "distinct"),
        (["a", "b", ""], {}, 800, "non-empty"),
        ("abc", {}, 800, "not one string"),
        (["a", "b", "c"], {"s": {"a": 5}}, 800, "0 to 4"),
        (["a", "b", "c"], {"s": {"a": -1}}, 800, "0 to 4"),
        (["a", "b", "c"], {"s": {"a": 2.0}}, 800, "0 to 4"),
        (["a", "b", "c"], {"s": {"a": True}}, 800, "0 to 4"),
        (["a", "b", "c"], {"s": {"d": 2}}, 800, "not one of this radar's axes"),
        (["a", "b", "c"], {}, 10, "size"),
        (["a", "b", "c"], {}, 800.0, "size"),
    ],
)
def test_geometry_refuses_bad_input(axes: Any, levels: Any, size: Any, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        radar_geometry(axes, levels, size)


# --- PNG ---------------------------------------------------------------------------------------------------


def _render(**changes: Any) -> bytes:
    args: dict[str, Any] = {
        "axes": AXES,
        "labels": LABELS,
        "series": SERIES,
        "levels_by_series": {"today": TODAY, "targeted": TARGETED},
    }
    args.update(changes)
    return render_radar_png(**args)


def test_png_decodes_with_the_requested_size_and_is_deterministic() -> None:
    data = _render()
    image = Image.open(io.BytesIO(data))
    assert image.format == "PNG" and image.size == (800, 800)
    assert _render() == data
    # the levels' order in the mapping does not matter: the series order does
    assert _render(levels_by_series={"targeted": TARGETED, "today": TODAY}) == data
    small = Image.open(io.BytesIO(_render(size=400)))
    assert small.size == (400, 400)
    assert _render(levels_by_series={"today": TODAY}) != data


def test_png_has_each_series_colour_at_its_vertices() -> None:
    size = 800
    data = _render(size=size)
    image = Image.open(io.BytesIO(data)).convert("RGB")
    g = radar_geometry(AXES, {"today": TODAY, "targeted": TARGETED}, size)
    colours = dict(zip(SERIES, SERIES_COLOURS, strict=False))
    for s in g.series:
        for x, y in s.points:
            assert image.getpixel((round(x), round(y))) == colours[s.id], (s.id, x, y)
    assert image.getpixel((2, 2)) == (255, 255, 255)  # white background
    # inside "targeted" but outside "today": the translucent fill, tinted towards its colour, not white
    x, y = g.rings[2][5]
    fill = image.getpixel((round(x), round(y) + 8))
    assert isinstance(fill, tuple) and fill != (255, 255, 255) and fill[0] > fill[2]  # vermilion-ish


def test_png_draws_an_empty_or_partial_series() -> None:
    data = _render(levels_by_series={"targeted": {"rights": 4, "health": 2}})
    g = radar_geometry(AXES, {"targeted": {"rights": 4, "health": 2}}, 800)
    image = Image.open(io.BytesIO(data)).convert("RGB")
    for point in (g.series[0].points[0], g.series[0].points[2], g.centre):
        assert image.getpixel((round(point[0]), round(point[1]))) == SERIES_COLOURS[1]
    _render(levels_by_series={})  # no levels at all: rings, labels and legend only


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"levels_by_series": {"today": {"rights": 7}}}, "0 to 4"),
        ({"levels_by_series": {"today": {"nowhere": 1}}}, "not one of this radar's axes"),
        ({"levels_by_series": {"other": {"rights": 1}}}, "not one of the series"),
        ({"axes": AXES[:2], "labels": LABELS[:2]}, "at least 3 axes"),
        ({"labels": LABELS[:3]}, "one string per axis"),
        ({"series": {f"s{i}": "x" for i in range(7)}, "levels_by_series": {}}, "at most 6 series"),
        ({"size": 50}, "size"),
    ],
)
def test_png_refuses_bad_input(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        _render(**changes)


def test_example_png_is_saved_for_looking_at() -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / "radar-example.png"
    path.write_bytes(_render())
    assert Image.open(path).size == (800, 800)
    # long labels and Arabic (shaped only with libraqm and a font that has the glyphs)
    arabic = [
        "الحقوق والإجراءات",
        "العمل والتكوين",
        "الصحة",
        "Un intitulé d'axe vraiment très long pour voir",
    ]
    other = render_radar_png(
        ["a", "b", "c", "d"],
        arabic,
        {"today": "اليوم", "targeted": "Visé", "third": "Troisième série"},
        {"today": {"a": 2, "b": 1}, "targeted": {"a": 4, "b": 3, "c": 3, "d": 4}, "third": {"c": 1}},
        size=600,
    )
    (SCREENSHOTS / "radar-example-arabic.png").write_bytes(other)

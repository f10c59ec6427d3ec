"""The pictogram reference catalogue (pictograms/catalogue.json) and its loader/checker."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import pytest
from fresque.catalogue import (
    DEFAULT_CATALOGUE_PATH,
    KINDS,
    LANGUAGES,
    SECTIONS,
    Catalogue,
    CatalogueError,
    catalogue_to_json,
    load_catalogue,
    openmoji_svg_dir,
)

ARABIC = re.compile(r"[\u0600-\u06FF]")

# PRODUCT.md, "Difficulty categories (13)", in its order.
DIFFICULTY_ORDER = [
    "equipment",
    "connection",
    "cost",
    "skills",
    "reading-french",
    "complicated-service",
    "lost-login",
    "fear-scams",
    "no-human-contact",
    "where-to-get-help",
    "disability-age",
    "no-time-stress",
    "someone-does-it",
]

# PRODUCT.md, "Activities (≈30)", one catalogue id at least per listed activity.
PRODUCT_ACTIVITIES = [
    "go-to-work",
    "look-for-job",
    "training",
    "french-classes",
    "school-run",
    "follow-schooling",
    "canteen-after-school",
    "shopping",
    "doctor",
    "health-reimbursements",
    "caf-procedures",
    "taxes",
    "id-papers",
    "residence-permit",
    "housing",
    "bills",
    "bank",
    "bus-train",
    "town-hall-ccas",
    "mail-email",
    "call-family",
    "call-family-abroad",
    "see-friends",
    "sport",
    "library",
    "cinema-outings",
    "place-of-worship",
    "market",
    "news",
    "association-social-centre",
    "voting",
    "childrens-screens",
    "protect-from-scams",
    "cooking",
    "resting",
    "childcare",
]

# PRODUCT.md, "Solutions (starting set)".
PRODUCT_SOLUTIONS = [
    "digital-help-desk",
    "group-workshops",
    "one-to-one-support",
    "aidants-connect",
    "france-services",
    "device-loan-gift",
    "solidarity-data",
    "public-wifi",
    "outreach",
    "french-digital-pairing",
    "train-professionals",
    "plain-language",
    "keep-human-counter",
    "peer-helpers",
]

REQUIRED_TOUCHPOINTS = [
    "caf",
    "ameli",
    "impots",
    "ants",
    "france-travail",
    "pronote-ent",
    "doctolib",
    "bank-app",
    "bus-app",
]


@pytest.fixture(scope="module")
def cat() -> Catalogue:
    return load_catalogue()


@pytest.fixture
def raw() -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(DEFAULT_CATALOGUE_PATH.read_text(encoding="utf-8"))
    return copy.deepcopy(doc)


def write(tmp_path: Path, doc: object) -> Path:
    path = tmp_path / "catalogue.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return path


def problems_of(path: Path) -> tuple[str, ...]:
    with pytest.raises(CatalogueError) as info:
        load_catalogue(path)
    return info.value.problems


# ------------------------------------------------------------------------------------------- shipped data


def test_default_catalogue_loads(cat: Catalogue) -> None:
    assert cat.version == 1
    assert cat.picture_set["name"] == "OpenMoji"
    assert cat.picture_set["licence"] == "CC BY-SA 4.0"
    assert "OpenMoji" in cat.picture_set["attribution"]
    assert DEFAULT_CATALOGUE_PATH.parts[-2:] == ("pictograms", "catalogue.json")


def test_explicit_path_gives_the_same_catalogue(cat: Catalogue) -> None:
    assert load_catalogue(DEFAULT_CATALOGUE_PATH) == cat


def test_counts(cat: Catalogue) -> None:
    assert len(cat.activities) >= 30
    assert len(cat.difficulties) == 13
    assert len(cat.solutions) >= 14
    assert len(cat.touchpoints) >= 15
    assert len(cat.by_id) == sum(len(cat.entries[k]) for k in KINDS)


def test_difficulty_categories_in_product_order(cat: Catalogue) -> None:
    assert [e.id for e in cat.difficulties] == DIFFICULTY_ORDER


def test_product_activities_and_solutions_present(cat: Catalogue) -> None:
    assert set(PRODUCT_ACTIVITIES) <= cat.ids("activity")
    assert set(PRODUCT_SOLUTIONS) <= cat.ids("solution")


def test_required_touchpoints_present(cat: Catalogue) -> None:
    assert set(REQUIRED_TOUCHPOINTS) <= cat.ids("touchpoint")


def test_activities_have_category_and_when(cat: Catalogue) -> None:
    categories = {c.id for c in cat.activity_categories}
    assert len(categories) >= 6
    used = set()
    for entry in cat.activities:
        assert entry.category in categories
        assert entry.when in ("semaine", "week-end", "both")
        used.add(entry.category)
    assert used == categories, "every activity category has activities"
    whens = {e.when for e in cat.activities}
    assert whens == {"semaine", "week-end", "both"}
    for entry in (*cat.difficulties, *cat.solutions, *cat.touchpoints):
        assert entry.category is None and entry.when is None


def test_non_digital_anchors(cat: Catalogue) -> None:
    for anchor in ("cooking", "resting", "childcare"):
        entry = cat.get(anchor)
        assert entry is not None and entry.kind == "activity"


def test_ids_are_kebab_case_and_globally_unique(cat: Catalogue) -> None:
    doc = json.loads(DEFAULT_CATALOGUE_PATH.read_text(encoding="utf-8"))
    ids = [c["id"] for c in doc["activity_categories"]]
    ids += [e["id"] for section in SECTIONS.values() for e in doc[section]]
    assert len(ids) == len(set(ids))
    for entry_id in ids:
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", entry_id), entry_id


def test_every_picture_file_exists(cat: Catalogue) -> None:
    svg_dir = openmoji_svg_dir()
    assert svg_dir.is_dir()
    for entry in cat.by_id.values():
        path = cat.picture_file(entry.picture)
        assert path is not None, entry.id
        assert path == svg_dir / f"{entry.picture}.svg"
        assert path.read_text(encoding="utf-8").lstrip().startswith("<svg")


def test_picture_file_only_serves_catalogue_pictures(cat: Catalogue) -> None:
    assert cat.picture_file("1F68C") is not None  # the bus
    assert cat.picture_file("1F600") is None  # exists in OpenMoji, not used by the catalogue
    assert cat.picture_file("../../etc/passwd") is None
    assert cat.picture_file("") is None


def test_labels_and_keywords_in_every_language(cat: Catalogue) -> None:
    for entry in cat.by_id.values():
        for lang in LANGUAGES:
            assert entry.labels[lang].strip(), (entry.id, lang)
            assert 2 <= len(entry.keywords[lang]) <= 5, (entry.id, lang)
            assert all(word.strip() for word in entry.keywords[lang])
    for category in cat.activity_categories:
        assert all(category.labels[lang].strip() for lang in LANGUAGES)


def test_labels_are_short(cat: Catalogue) -> None:
    for entry in cat.by_id.values():
        assert len(entry.labels["fr"]) <= 28, entry.labels["fr"]
        assert len(entry.labels["en"]) <= 32, entry.labels["en"]


def test_arabic_labels_use_arabic_script(cat: Catalogue) -> None:
    for entry in cat.by_id.values():
        assert ARABIC.search(entry.labels["ar"]), entry.id
        assert any(ARABIC.search(word) for word in entry.keywords["ar"]), entry.id
    for category in cat.activity_categories:
        assert ARABIC.search(category.labels["ar"]), category.id


def test_french_and_english_labels_have_no_arabic(cat: Catalogue) -> None:
    for entry in cat.by_id.values():
        assert not ARABIC.search(entry.labels["fr"] + entry.labels["en"]), entry.id


# ------------------------------------------------------------------------------------------- checking


def test_broken_catalogue_names_every_problem(tmp_path: Path, raw: dict[str, Any]) -> None:
    del raw["activities"][0]["labels"]["ar"]  # go-to-work: missing ar label
    raw["difficulties"][1]["picture"] = "1F0000"  # connection: unknown picture
    raw["solutions"][2]["id"] = raw["solutions"][1]["id"]  # duplicate id
    raw["activities"][3]["when"] = "weekend"  # bad when
    problems = problems_of(write(tmp_path, raw))
    text = "\n".join(problems)
    assert len(problems) == 4, text
    assert any("go-to-work" in p and "missing ar label" in p for p in problems), text
    assert any("connection" in p and "unknown picture '1F0000'" in p for p in problems), text
    dup = raw["solutions"][1]["id"]
    assert any(f"duplicate id {dup!r}" in p for p in problems), text
    assert any("bad when 'weekend'" in p for p in problems), text


def test_error_message_lists_every_problem(tmp_path: Path, raw: dict[str, Any]) -> None:
    raw["activities"][0]["labels"]["ar"] = "  "
    raw["touchpoints"][0]["keywords"].pop("en")
    with pytest.raises(CatalogueError) as info:
        load_catalogue(write(tmp_path, raw))
    assert isinstance(info.value, ValueError)
    message = str(info.value)
    assert "2 problems" in message
    assert "empty ar label" in message
    assert "missing en keywords" in message


def test_unknown_and_missing_fields(tmp_path: Path, raw: dict[str, Any]) -> None:
    raw["extra"] = 1
    raw["solutions"][0]["colour"] = "red"
    del raw["touchpoints"][0]["picture"]
    raw["difficulties"][0]["when"] = "both"  # only activities have `when`
    del raw["activities"][0]["category"]
    problems = problems_of(write(tmp_path, raw))
    text = "\n".join(problems)
    assert "catalogue: unknown field 'extra'" in problems, text
    assert any("unknown field 'colour'" in p for p in problems), text
    assert any("missing field 'picture'" in p for p in problems), text
    assert any("equipment" in p and "unknown field 'when'" in p for p in problems), text
    assert any("go-to-work" in p and "missing field 'category'" in p for p in problems), text


def test_bad_ids_categories_and_pictures(tmp_path: Path, raw: dict[str, Any]) -> None:
    raw["activities"][0]["id"] = "Go_To_Work"
    raw["activities"][1]["category"] = "nowhere"
    raw["activities"][2]["picture"] = "../../etc/passwd"
    raw["touchpoints"][0]["id"] = raw["activity_categories"][0]["id"]  # clashes with a category id
    problems = problems_of(write(tmp_path, raw))
    text = "\n".join(problems)
    assert any("bad id format 'Go_To_Work'" in p for p in problems), text
    assert any("unknown activity category 'nowhere'" in p for p in problems), text
    assert any("bad picture code '../../etc/passwd'" in p for p in problems), text
    assert any("duplicate id" in p and "activity_categories[0]" in p for p in problems), text


def test_minimum_counts(tmp_path: Path, raw: dict[str, Any]) -> None:
    raw["activities"] = raw["activities"][:29]
    raw["difficulties"] = raw["difficulties"][:12]
    raw["solutions"] = raw["solutions"][:13]
    raw["touchpoints"] = raw["touchpoints"][:14]
    problems = problems_of(write(tmp_path, raw))
    assert "activities: 29 entries, at least 30 expected" in problems
    assert "difficulties: 12 entries, at least 13 expected" in problems
    assert "solutions: 13 entries, at least 14 expected" in problems
    assert "touchpoints: 14 entries, at least 15 expected" in problems


def test_unreadable_or_invalid_json(tmp_path: Path) -> None:
    with pytest.raises(CatalogueError, match="cannot read"):
        load_catalogue(tmp_path / "missing.json")
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(CatalogueError, match="not valid JSON"):
        load_catalogue(bad)
    assert problems_of(write(tmp_path, [])) == ("the document must be a JSON object",)


def test_svg_dir_override(tmp_path: Path) -> None:
    empty = tmp_path / "svg"
    empty.mkdir()
    with pytest.raises(CatalogueError) as info:
        load_catalogue(svg_dir=empty)
    assert all("unknown picture" in p for p in info.value.problems)


# ------------------------------------------------------------------------------------------- API document


def test_catalogue_to_json(cat: Catalogue) -> None:
    doc = catalogue_to_json(cat, lambda code: f"/api/pictograms/{code}.svg")
    assert doc["catalogue_version"] == cat.version
    assert doc["attribution"] == cat.picture_set
    assert doc["languages"] == ["fr", "en", "ar"]
    assert [c["id"] for c in doc["activity_categories"]] == [c.id for c in cat.activity_categories]
    for kind in KINDS:
        items = doc[SECTIONS[kind]]
        assert [i["id"] for i in items] == [e.id for e in cat.entries[kind]]
        for item in items:
            entry = cat.by_id[item["id"]]
            assert item["picture_url"] == f"/api/pictograms/{entry.picture}.svg"
            assert item["labels"] == entry.labels
            assert item["keywords"] == {lang: list(words) for lang, words in entry.keywords.items()}
            if kind == "activity":
                assert item["category"] == entry.category and item["when"] == entry.when
            else:
                assert "category" not in item and "when" not in item
    bus = next(i for i in doc["activities"] if i["id"] == "bus-train")
    assert set(bus) == {"id", "category", "when", "labels", "keywords", "picture_url"}
    json.dumps(doc)  # serialisable as is


def test_interface_pictures_are_served_and_listed() -> None:
    """The board's own controls (severity faces, read aloud…) use catalogue pictures, so they work offline."""
    catalogue = load_catalogue()
    needed = {"severity-ok", "severity-difficile", "severity-bloque", "speak", "thread"}
    assert needed <= set(catalogue.interface)
    for code in catalogue.interface.values():
        path = catalogue.picture_file(code)
        assert path is not None and path.read_bytes().startswith(b"<svg")
    document = catalogue_to_json(catalogue, lambda code: f"/p/{code}.svg")
    assert document["interface"]["speak"] == f"/p/{catalogue.interface['speak']}.svg"

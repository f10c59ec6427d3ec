"""Boards as CSV tables, for the city's spreadsheets (issue 5): pure functions, no HTTP.

- `exploration_tables(document)`: an exploration board's export document (`fresque.export.build_export`) as
  one table per kind of item, plus threads, votes and participants (`EXPLORATION_COLUMNS`).
- `action_rows(snapshot)`: an actions board (`ActionBoard.to_snapshot()`) as one row per action, every fiche
  field flattened; its columns, which depend on the board's series and axes, are `action_columns(snapshot)`.
- `to_csv(rows, columns)`: the text of one CSV file.

Every cell is a `str`: lists are joined with `LIST_SEPARATOR`, `None` is the empty cell, booleans are
`true`/`false`, coordinates are rounded to whole board units (`760.000058662765` → `760`: a spreadsheet
needs no sub-pixel, and a whole number reads the same with a decimal comma; the JSON export keeps them exact).

Not wired yet: `GET /api/boards/{id}/export.csv` (one row per action for `actions` boards; for exploration
boards a `table` parameter naming one of `EXPLORATION_COLUMNS`, `activities` by default) belongs with the room
for actions boards. It should send `to_csv(...).encode("utf-8")` as `text/csv; charset=utf-8` with a
`Content-Disposition: attachment; filename="<board>-<table>.csv"`, to the same people as the JSON export.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Final

from .core.choices import label_key
from .people import PROFILE_FIELDS

LIST_SEPARATOR: Final = " ; "
LANGUAGES: Final = ("fr", "en", "ar")
BOM: Final = "\ufeff"

_LABELS = tuple(f"label_{lang}" for lang in LANGUAGES)
_ITEM_HEAD = ("id", "author", "author_id")
_PLACE = ("x", "y", "hidden", "round")
_REF = ("ref", "picture", *_LABELS)

# Table name → its columns, in order; also the values a `table` parameter may take.
EXPLORATION_COLUMNS: Final[Mapping[str, tuple[str, ...]]] = {
    "activities": (*_ITEM_HEAD, *_REF, "day", "slot", *_PLACE),
    "difficulties": (*_ITEM_HEAD, *_REF, "severity", "text", *_PLACE),
    "touchpoints": (*_ITEM_HEAD, *_REF, "text", *_PLACE),
    "solutions": (*_ITEM_HEAD, *_REF, "text", "votes", *_PLACE),
    "notes": (*_ITEM_HEAD, "text", *_PLACE),
    "threads": (
        "id",
        "author",
        "author_id",
        "source",
        "source_kind",
        "source_label_fr",
        "target",
        "target_kind",
        "target_label_fr",
    ),
    "votes": ("participant", "participant_id", "item", "item_label_fr", "count"),
    # A person is named as everywhere in these tables: `host` the alias (for reading), `host_id` the id (the
    # JSON export's `host`, for joining tables).
    "participants": ("id", "alias", "role", "colour", *PROFILE_FIELDS, "host", "host_id", "removed"),
}
_TABLE_OF_KIND: Final = {
    "activity": "activities",
    "difficulty": "difficulties",
    "touchpoint": "touchpoints",
    "solution": "solutions",
    "note": "notes",
}


def cell(value: Any) -> str:
    """One value as cell text: `None` → empty, booleans → `true`/`false`, 12.0 → `12`."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def coordinate(value: Any) -> str:
    """A position on the board as cell text: rounded to a whole unit (`cell` for anything not a number)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value):
        return str(round(value))
    return cell(value)


def _joined(values: Iterable[Any]) -> str:
    return LIST_SEPARATOR.join(cell(v) for v in values)


# -- exploration boards -------------------------------------------------------------------------------------


def exploration_tables(document: Mapping[str, Any]) -> dict[str, list[dict[str, str]]]:
    """Every table of `EXPLORATION_COLUMNS`, rows in the document's order (by id; participants as given).

    Labels come from the document's own `catalogue.refs` (what the export froze), so a table reads the same
    whatever the catalogue became since. A note's or a free-text solution's label is its text."""
    aliases = {p["id"]: p["alias"] for p in document["participants"]}
    refs: Mapping[str, Mapping[str, Any]] = document["catalogue"]["refs"]
    items: dict[str, Mapping[str, Any]] = {item["id"]: item for item in document["items"]}
    totals = {t["item"]: t["count"] for t in document["votes"]["totals"]}

    def who(pid: str) -> dict[str, str]:
        return {"author": aliases.get(pid, pid), "author_id": pid}

    def label_fr(item_id: str) -> str:
        item = items.get(item_id)
        if item is None:
            return ""
        ref = refs.get(item.get("ref") or "")
        if ref is not None and ref["labels"].get("fr"):
            return cell(ref["labels"]["fr"])
        return cell(item.get("text"))

    tables: dict[str, list[dict[str, str]]] = {name: [] for name in EXPLORATION_COLUMNS}
    for item in document["items"]:
        row: dict[str, str] = {"id": item["id"], **who(item["author"])}
        ref_id = item.get("ref")
        if ref_id is not None:
            ref = refs.get(ref_id, {})
            labels = ref.get("labels", {})
            row["ref"] = ref_id
            row["picture"] = cell(ref.get("picture") or ref.get("picture_url"))
            row.update({f"label_{lang}": cell(labels.get(lang)) for lang in LANGUAGES})
        place = item.get("cell") or {}
        row.update(
            day=cell(place.get("day")),
            slot=cell(place.get("slot")),
            severity=cell(item.get("severity")),
            text=cell(item.get("text")),
            votes=cell(totals.get(item["id"], 0)),
            x=coordinate(item["x"]),
            y=coordinate(item["y"]),
            hidden=cell(item.get("hidden", False)),
            round=cell(item.get("round")),
        )
        table = _TABLE_OF_KIND[item["kind"]]
        tables[table].append({name: row.get(name, "") for name in EXPLORATION_COLUMNS[table]})

    for thread in document["threads"]:
        source, target = items.get(thread["source"], {}), items.get(thread["target"], {})
        tables["threads"].append(
            {
                "id": thread["id"],
                **who(thread["author"]),
                "source": thread["source"],
                "source_kind": cell(source.get("kind")),
                "source_label_fr": label_fr(thread["source"]),
                "target": thread["target"],
                "target_kind": cell(target.get("kind")),
                "target_label_fr": label_fr(thread["target"]),
            }
        )

    for vote in document["votes"]["by_participant"]:
        tables["votes"].append(
            {
                "participant": aliases.get(vote["participant"], vote["participant"]),
                "participant_id": vote["participant"],
                "item": vote["item"],
                "item_label_fr": label_fr(vote["item"]),
                "count": cell(vote["count"]),
            }
        )

    for person in document["participants"]:
        host = person.get("host")
        values = {**person, "host": aliases.get(host, host) if host else None, "host_id": host}
        tables["participants"].append(
            {name: cell(values.get(name)) for name in EXPLORATION_COLUMNS["participants"]}
        )
    return tables


# -- actions boards -----------------------------------------------------------------------------------------

# The fixed columns of an actions board, in order (docs/actions.md); the capability columns follow.
ACTION_COLUMNS: Final = (
    "id",
    "number",
    "title",
    "lane",
    "lane_label",
    "start",
    "end",
    "status",
    "priority",
    "axis",
    "lead",
    "partners",
    "target_groups",
    "territory",
    "budget",
    "funding_planned",
    "funding_requested",
    "funding_secured",
    "general_objective",
    "operational_objectives",
    "findings",
    "human_means",
    "material_means",
    "calendar",
    "milestones",
    "indicators",
    "risks",
    "links",
)
# `settings` list → the `label_key` list name of its default entries.
_LIST_KEYS: Final = {
    "lanes": "lane",
    "target_groups": "target_group",
    "organisations": "organisation",
}


def capability_column(series: str, axis: str) -> str:
    """`today:rights`: the level (0–4) of one axis in one series; empty when not scored."""
    return f"{series}:{axis}"


def action_columns(snapshot: Mapping[str, Any]) -> list[str]:
    """`ACTION_COLUMNS`, then one column per series × axis of the board, in the settings' order."""
    settings = snapshot["settings"]
    return [
        *ACTION_COLUMNS,
        *(capability_column(s["id"], a["id"]) for s in settings["series"] for a in settings["axes"]),
    ]


def _french() -> Mapping[str, str]:
    from .i18n import dictionaries  # the pages' catalogues; imported here to keep this module light

    return dictionaries()["fr"]


def action_rows(
    snapshot: Mapping[str, Any], translations: Mapping[str, str] | None = None
) -> list[dict[str, str]]:
    """One row per action (by id), keyed by `action_columns(snapshot)`.

    Lanes, lead, partners and target groups are shown by their label: the text people gave, else the
    translation of the default entry's key (`translations`, the French page catalogue by default), else its
    id. Partners read `name (role)`, funding lines `source: amount` (one column per state), milestones
    `YYYY-MM label`, indicators `kind: label → target (source)`, links `board/item`."""
    words = _french() if translations is None else translations
    settings = snapshot["settings"]

    def labels_of(list_name: str) -> dict[str, str]:
        key = _LIST_KEYS[list_name]
        return {
            c["id"]: c["label"] if c["label"] is not None else words.get(label_key(key, c["id"]), c["id"])
            for c in settings[list_name]
        }

    lanes, groups, orgs = labels_of("lanes"), labels_of("target_groups"), labels_of("organisations")
    capability_columns = [(s["id"], a["id"]) for s in settings["series"] for a in settings["axes"]]
    rows = []
    for action in snapshot["actions"]:
        fiche = action["fiche"]
        partners = [
            f"{orgs.get(p['organisation'], p['organisation'])} ({p['role']})"
            if p["role"]
            else orgs.get(p["organisation"], p["organisation"])
            for p in fiche["partners"]
        ]
        row = {
            "id": action["id"],
            "number": cell(fiche["number"]),
            "title": cell(fiche["title"]),
            "lane": action["lane"],
            "lane_label": lanes.get(action["lane"], action["lane"]),
            "start": action["start"],
            "end": action["end"],
            "status": cell(fiche["status"]),
            "priority": cell(fiche["priority"]),
            "axis": cell(fiche["axis"]),
            "lead": cell(orgs.get(fiche["lead"], fiche["lead"]) if fiche["lead"] else None),
            "partners": _joined(partners),
            "target_groups": _joined(groups.get(g, g) for g in fiche["target_groups"]),
            "territory": _joined(fiche["territory"]),
            "budget": cell(fiche["budget"]),
            **{
                f"funding_{state}": _joined(
                    f"{line['source']}: {line['amount']}"
                    for line in fiche["funding"]
                    if line["state"] == state
                )
                for state in ("planned", "requested", "secured")
            },
            "general_objective": cell(fiche["general_objective"]),
            "operational_objectives": _joined(fiche["operational_objectives"]),
            "findings": cell(fiche["findings"]),
            "human_means": cell(fiche["human_means"]),
            "material_means": cell(fiche["material_means"]),
            "calendar": cell(fiche["calendar"]),
            "milestones": _joined(f"{m['month']} {m['label']}" for m in action["milestones"]),
            "indicators": _joined(_indicator(i) for i in fiche["indicators"]),
            "risks": cell(fiche["risks"]),
            "links": _joined(f"{link['board']}/{link['item']}" for link in action["links"]),
        }
        webs = action["capabilities"]
        for series, axis in capability_columns:
            row[capability_column(series, axis)] = cell(webs.get(series, {}).get(axis))
        rows.append(row)
    return rows


def _indicator(indicator: Mapping[str, Any]) -> str:
    text = f"{indicator['kind']}: {indicator['label']}"
    if indicator["target"]:
        text += f" → {indicator['target']}"
    if indicator["source"]:
        text += f" ({indicator['source']})"
    return text


# -- the file -----------------------------------------------------------------------------------------------

_FORMULA_STARTS: Final = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER: Final = re.compile(r"^[+-]?\d+(\.\d+)?$")


def defuse(text: str) -> str:
    """Guard against CSV (formula) injection: a cell a spreadsheet could take for a formula — starting with
    `=`, `+`, `-`, `@`, a tab or a carriage return — gets a leading `'`, which spreadsheets show as text.
    A plain number (`-12`, `+3.5`: a coordinate left of the origin) is left alone: it cannot be a formula."""
    if text.startswith(_FORMULA_STARTS) and not _PLAIN_NUMBER.match(text):
        return "'" + text
    return text


def to_csv(rows: Iterable[Mapping[str, str]], columns: Sequence[str], *, delimiter: str = ",") -> str:
    """The text of a CSV file: a header row of `columns`, then `rows` (a missing key is an empty cell, keys
    not in `columns` are left out).

    RFC 4180: `\\r\\n` line ends, a cell holding the separator, a quote, or a line break is quoted (quotes
    doubled), so multi-line text stays in its cell. The text starts with a UTF-8 byte order mark: encode it
    as UTF-8 and Excel opens accents, Arabic and emoji right (without it, Excel guesses a Windows code page).

    The separator is `,` by default: the RFC's, and what LibreOffice, pandas, R and Python read without
    being told, and what Excel's *Data → From Text/CSV* detects. Excel in French, opening a file by a double
    click, splits on its list separator `;` instead, and a `sep=` first line would fix that but breaks the
    BOM and every other reader. So the default stays `,` and a caller (the route, through a parameter) may
    ask for `delimiter=";"`. Every cell goes through `defuse`."""
    if delimiter not in (",", ";"):
        raise ValueError("the separator is , or ;")
    out = io.StringIO()
    out.write(BOM)
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow([defuse(name) for name in columns])
    for row in rows:
        writer.writerow([defuse(row.get(name, "")) for name in columns])
    return out.getvalue()

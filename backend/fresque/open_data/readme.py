"""The bundle's README.md, in the request's language: what each table is, how « < 5 » is written, and under
which licence the city may publish the data (Licence Ouverte 2.0 proposed, ODbL as the alternative).

Markdown, so that a data portal shows it as it is; in Arabic the whole text sits in `<div dir="rtl">` (a
Markdown renderer keeps the block's direction; a plain text editor sees Arabic letters first and goes right
to left by itself).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ..i18n import Translate, direction_of
from .package import LICENCES
from .tables import Table


def readme(
    study: dict[str, Any],
    tables: list[Table],
    *,
    t: Translate,
    lang: str,
    licence: str,
    created: datetime,
    include_texts: bool,
) -> str:
    rtl = direction_of(lang) == "rtl"

    def iso(value: object) -> str:
        """A name, a URL, an id inside Arabic text: a Unicode isolate (FSI … PDI), so that its Latin letters,
        digits and brackets keep their order instead of being mixed with the sentence's."""
        return f"\u2068{value}\u2069" if rtl else str(value)

    comma = "، " if rtl else ", "  # the Arabic comma between names in Arabic text
    start, end = study.get("period_start"), study.get("period_end")
    lines = [f"# {t('opendata.package.title', title=iso(study['title']))}", ""]
    lines.append(t("opendata.package.description", territory=iso(study["territory"])))
    if start or end:
        lines.append(t("opendata.package.period", start=iso(start or "…"), end=iso(end or "…")))
    hoods = study.get("neighbourhoods") or []
    if hoods:
        lines.append(t("opendata.readme.neighbourhoods", names=comma.join(iso(h) for h in hoods)))
    lines += ["", t("opendata.readme.created", date=iso(created.date().isoformat())), ""]

    chosen, other = LICENCES[licence], LICENCES["odbl-1.0" if licence == "etalab-2.0" else "etalab-2.0"]
    lines += [f"## {t('opendata.readme.licence_title')}", ""]
    lines.append(t("opendata.readme.licence_chosen", licence=iso(chosen["title"]), url=iso(chosen["path"])))
    lines.append("")
    for key in ("etalab-2.0", "odbl-1.0"):
        lines.append(
            f"- **{iso(LICENCES[key]['title'])}** — {t('opendata.readme.licence_' + key.split('-')[0])}"
        )
    change = t(
        "opendata.readme.licence_change",
        licence=iso(other["title"]),
        query=iso(f"`?licence={other['name'].lower()}`"),
    )
    lines += ["", change, ""]

    lines += [f"## {t('opendata.readme.privacy_title')}", ""]
    lines += [t("opendata.package.suppression"), "", t("opendata.readme.suppressed_cell"), ""]
    lines += [t("opendata.readme.no_alias"), ""]
    lines += [t("opendata.readme.texts_included" if include_texts else "opendata.readme.texts_left_out"), ""]

    lines += [f"## {t('opendata.readme.cells_title')}", ""]
    for column in ("value", "people", "n", "rate", "suppressed"):
        lines.append(f"- {iso(f'`{column}`')} — {t('opendata.column.' + column)}")
    lines.append("")

    lines += [f"## {t('opendata.readme.tables_title')}", "", t("opendata.readme.tables_intro"), ""]
    for table in tables:
        title, about = t(f"opendata.table.{table.name}.title"), t(f"opendata.table.{table.name}.description")
        columns = comma.join(iso(f"`{c.name}`") for c in table.columns)
        lines += [f"### `data/{table.name}.csv` · `data/{table.name}.json`", ""]
        lines += [f"**{title}** — {about}", "", t("opendata.readme.columns", columns=columns), ""]
    lines += [f"## {t('opendata.readme.source_title')}", "", t("opendata.readme.source"), ""]
    text = "\n".join(lines)
    if rtl:
        text = f'<div dir="rtl" lang="{lang}">\n\n{text}\n</div>\n'
    return text

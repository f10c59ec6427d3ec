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
    start, end = study.get("period_start"), study.get("period_end")
    lines = [f"# {t('opendata.package.title', title=study['title'])}", ""]
    lines.append(t("opendata.package.description", territory=study["territory"]))
    if start or end:
        lines.append(t("opendata.package.period", start=start or "…", end=end or "…"))
    hoods = study.get("neighbourhoods") or []
    if hoods:
        lines.append(t("opendata.readme.neighbourhoods", names=", ".join(hoods)))
    lines += ["", t("opendata.readme.created", date=created.date().isoformat()), ""]

    chosen, other = LICENCES[licence], LICENCES["odbl-1.0" if licence == "etalab-2.0" else "etalab-2.0"]
    lines += [f"## {t('opendata.readme.licence_title')}", ""]
    lines.append(t("opendata.readme.licence_chosen", licence=chosen["title"], url=chosen["path"]))
    lines += ["", f"- **{LICENCES['etalab-2.0']['title']}**: {t('opendata.readme.licence_etalab')}"]
    lines += [f"- **{LICENCES['odbl-1.0']['title']}**: {t('opendata.readme.licence_odbl')}", ""]
    lines += [t("opendata.readme.licence_change", licence=other["title"], id=other["name"].lower()), ""]

    lines += [f"## {t('opendata.readme.privacy_title')}", ""]
    lines += [t("opendata.package.suppression"), "", t("opendata.readme.suppressed_cell"), ""]
    lines += [t("opendata.readme.no_alias"), ""]
    lines += [t("opendata.readme.texts_included" if include_texts else "opendata.readme.texts_left_out"), ""]

    lines += [f"## {t('opendata.readme.cells_title')}", ""]
    for column in ("value", "people", "n", "rate", "suppressed"):
        lines.append(f"- `{column}`: {t('opendata.column.' + column)}")
    lines.append("")

    lines += [f"## {t('opendata.readme.tables_title')}", "", t("opendata.readme.tables_intro"), ""]
    for table in tables:
        lines.append(f"### `data/{table.name}.csv` · `data/{table.name}.json`")
        lines += [
            "",
            f"**{t(f'opendata.table.{table.name}.title')}**: {t(f'opendata.table.{table.name}.description')}",
        ]
        lines += [
            "",
            t("opendata.readme.columns", columns=", ".join(f"`{c.name}`" for c in table.columns)),
            "",
        ]
    lines += [f"## {t('opendata.readme.source_title')}", "", t("opendata.readme.source"), ""]
    text = "\n".join(lines)
    if direction_of(lang) == "rtl":
        text = f'<div dir="rtl" lang="{lang}">\n\n{text}\n</div>\n'
    return text

"""`datapackage.json`: the Frictionless Data Package (v2: `$schema`, `type: table`) describing every table.

Each table is one CSV resource (`data/<name>.csv`, UTF-8, a header row) with its Table Schema: every field's
type and description, the primary key and the foreign keys where the table has them, and the values an
enumerated column may hold. The same rows as JSON (`data/<name>.json`, an array of objects) are named in
each resource's `fresque:json` property: the standard has no second path for one table, and a validator
reads the CSV. Words are the request's language (`fresque.i18n`), as the README's.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime
from typing import Any, Final

from ..i18n import Translate
from .tables import CELL_COLUMNS, Column, Table

SCHEMA_V2: Final = "https://datapackage.org/profiles/2.0/datapackage.json"
RESOURCE_V2: Final = "https://datapackage.org/profiles/2.0/dataresource.json"
TABLE_SCHEMA_V2: Final = "https://datapackage.org/profiles/2.0/tableschema.json"


LICENCES: Final[dict[str, dict[str, str]]] = {
    # The Etalab licence is the French State's for open data (décret n° 2017-638); it is compatible with
    # CC BY 2.0 and with the Open Government Licence: attribution is its one condition.
    "etalab-2.0": {
        "name": "etalab-2.0",
        "path": "https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
        "title": "Licence Ouverte / Open Licence 2.0",
    },
    # The ODbL adds share-alike: a database made from this one is published under the same terms.
    "odbl-1.0": {
        "name": "ODbL-1.0",
        "path": "https://opendatacommons.org/licenses/odbl/1-0/",
        "title": "Open Data Commons Open Database License (ODbL) 1.0",
    },
}
DEFAULT_LICENCE: Final = "etalab-2.0"


def slug(text: str) -> str:
    """A Data Package name: lower-case ASCII letters, digits, `-`."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    return re.sub(r"[^a-z0-9]+", "-", plain).strip("-")[:60] or "study"


def field_of(table: Table, column: Column, t: Translate) -> dict[str, Any]:
    if column.name == "value" and table.value_key:
        description = t(table.value_key)
    elif column.name == "n" and table.n_key:
        description = t(table.n_key)
    else:
        description = t(column.description_key)
    if column.name in CELL_COLUMNS and column.name != "suppressed":
        description += " " + t("opendata.column.empty_when_suppressed")
    out: dict[str, Any] = {"name": column.name, "type": column.type, "description": description}
    constraints: dict[str, Any] = {}
    if column.required:
        constraints["required"] = True
    if column.enum is not None:
        constraints["enum"] = list(column.enum)
    if column.type in ("integer", "number"):
        constraints["minimum"] = 0
    if constraints:
        out["constraints"] = constraints
    if column.type == "boolean":
        out["trueValues"], out["falseValues"] = ["true"], ["false"]
    return out


def resource_of(table: Table, t: Translate) -> dict[str, Any]:
    schema: dict[str, Any] = {
        "$schema": TABLE_SCHEMA_V2,
        "fields": [field_of(table, c, t) for c in table.columns],
        "missingValues": [""],
    }
    if table.primary_key:
        schema["primaryKey"] = list(table.primary_key)
    if table.foreign_keys:
        schema["foreignKeys"] = [
            {"fields": list(fk.fields), "reference": {"resource": fk.resource, "fields": list(fk.reference)}}
            for fk in table.foreign_keys
        ]
    return {
        "$schema": RESOURCE_V2,
        "name": table.name,
        "type": "table",
        "path": f"data/{table.name}.csv",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "title": t(f"opendata.table.{table.name}.title"),
        "description": t(f"opendata.table.{table.name}.description"),
        "dialect": {"header": True, "delimiter": ",", "quoteChar": '"'},
        "schema": schema,
        "fresque:json": f"data/{table.name}.json",
    }


def datapackage(
    study: dict[str, Any],
    tables: list[Table],
    *,
    t: Translate,
    lang: str,
    licence: str,
    created: datetime,
    include_texts: bool,
) -> dict[str, Any]:
    """`study`: id, title, territory, period_start, period_end, neighbourhoods ([name])."""
    start, end = study.get("period_start"), study.get("period_end")
    period = t("opendata.package.period", start=start or "…", end=end or "…") if start or end else ""
    description = " ".join(
        part
        for part in (
            t("opendata.package.description", territory=study["territory"]),
            period,
            t("opendata.package.suppression"),
            t("opendata.package.texts_included" if include_texts else "opendata.package.texts_left_out"),
        )
        if part
    )
    return {
        "$schema": SCHEMA_V2,
        "name": f"fresque-{slug(study['title'])}",
        "id": f"urn:fresque:study:{study['id']}",
        "title": t("opendata.package.title", title=study["title"]),
        "description": description,
        "created": created.isoformat(timespec="seconds"),
        "language": lang,
        "licenses": [LICENCES[licence]],
        "keywords": [t("opendata.package.keyword")],
        "contributors": [{"title": t("opendata.package.contributor"), "roles": ["creator"]}],
        # Not in the standard: where and when the study took place (a Data Package may carry more).
        "fresque:territory": {"name": study["territory"], "neighbourhoods": study.get("neighbourhoods", [])},
        "fresque:period": {"start": start, "end": end},
        "fresque:texts_included": include_texts,
        "resources": [resource_of(table, t) for table in tables],
    }

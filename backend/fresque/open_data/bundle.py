"""The open-data zip: `datapackage.json`, `README.md`, and each table as `data/<name>.csv` and `.json`, in
one folder named after the package (unzipping gives one folder, not files scattered in the current one).

CSV: UTF-8 without a byte-order mark, a header row, `,` and `"` (RFC 4180, the Table Schema's defaults); an
empty value is null (a suppressed cell's numbers, a label not translated), booleans `true` / `false`.
JSON: the same rows, an array of objects with every column, null for empty.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import datetime
from typing import Any

from ..i18n import translator
from .package import datapackage
from .readme import readme
from .tables import Table

ZIP_DATE = (1980, 1, 1, 0, 0, 0)  # fixed entry dates: the same data gives the same bytes but `created`


def _csv_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def table_csv(table: Table) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([c.name for c in table.columns])
    for row in table.rows:
        writer.writerow([_csv_text(row[c.name]) for c in table.columns])
    return out.getvalue().encode("utf-8")


def table_json(table: Table) -> bytes:
    return json.dumps(table.rows, ensure_ascii=False, indent=1, allow_nan=False).encode("utf-8")


def bundle(
    study: dict[str, Any],
    tables: list[Table],
    *,
    lang: str,
    licence: str,
    created: datetime,
    include_texts: bool,
) -> tuple[str, bytes]:
    """The zip's file name and bytes."""
    t = translator(lang)
    package = datapackage(
        study, tables, t=t, lang=lang, licence=licence, created=created, include_texts=include_texts
    )
    folder = f"{package['name']}-open-data"
    files: list[tuple[str, bytes]] = [
        ("datapackage.json", json.dumps(package, ensure_ascii=False, indent=2).encode("utf-8")),
        (
            "README.md",
            readme(
                study, tables, t=t, lang=lang, licence=licence, created=created, include_texts=include_texts
            ).encode("utf-8"),
        ),
    ]
    for table in tables:
        files.append((f"data/{table.name}.csv", table_csv(table)))
        files.append((f"data/{table.name}.json", table_json(table)))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files:
            info = zipfile.ZipInfo(f"{folder}/{name}", ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    return f"{folder}.zip", buffer.getvalue()

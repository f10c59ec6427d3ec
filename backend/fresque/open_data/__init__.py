"""The study's open data (issue 14): the diagnostic's tables as CSV and JSON, their `datapackage.json`
(Frictionless Data Package) and a README, in one zip (`GET /api/studies/{id}/open-data.zip`).

`tables.build_tables` turns the diagnostic's answer into named tables (nothing counted again: « < 5 » is the
diagnostic's), `package.datapackage` describes them, `readme.readme` explains them, `bundle.bundle` zips.
"""

from .bundle import bundle
from .package import DEFAULT_LICENCE, LICENCES, datapackage
from .tables import Table, build_tables

__all__ = ["DEFAULT_LICENCE", "LICENCES", "Table", "build_tables", "bundle", "datapackage"]

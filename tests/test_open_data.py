"""The study's open data (`GET /api/studies/{id}/open-data.zip`) against a real `fresque serve` (SQLite and
PostgreSQL), on the diagnostic's seeded study (tests/support/study_seed.py):

- the zip, extracted, is valid against its own `datapackage.json` (`frictionless.validate`: types, required
  values, enumerations, primary and foreign keys), every column described;
- every figure is the diagnostic API's, and a cell is suppressed in the zip exactly where the diagnostic
  suppresses it (its numbers empty, `suppressed` true); the JSON copies hold the CSVs' rows;
- no alias and no resident's words unless `include_texts=true` (the seeded aliases, idea and difficulty texts
  looked for in every file's bytes); never the words the diagnostic leaves out (hidden cards, the
  facilitators', a resident who said no);
- the README in fr / en / ar (Arabic right to left), the licence proposed and its alternative;
- the study's team only: anyone else 404, no account 401; the dashboard's form with its checkbox.
"""

from __future__ import annotations

import csv
import io
import json
import random
import shutil
import zipfile
from pathlib import Path
from typing import Any

import frictionless
import httpx
import pytest
from support.server import ServerProcess
from support.study_seed import IDEAS, SeededStudy, account_token, seed_study

CELL = ("value", "people", "n", "rate", "suppressed")
ALIASES = ("Habitant ", "Animation", "Co-animation")  # every seeded participant's alias
DIFFICULTY_TEXTS = ("Pas d'ordinateur", "Trop compliqué", "لا أفهم الموقع")
# hidden cards' words, the facilitators' and a non-consenting resident's (the seed writes them so)
NEVER = ("caché dif-", "caché sol-", "pas compté dif-")


@pytest.fixture
def study(server: ServerProcess, database_url: str) -> SeededStudy:
    return seed_study(
        server,
        database_url,
        random.Random(13),
        residents=[20, 16, 5],
        responses=[27, 22, 7],
        no_neighbourhood_responses=4,
    )


def download(study: SeededStudy, query: str = "", token: str | None = None) -> httpx.Response:
    return study.server.get(f"/api/studies/{study.study_id}/open-data.zip{query}", token or study.token)


def extract(body: bytes, into: Path) -> Path:
    """The zip's files under `into`; the folder holding `datapackage.json`."""
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        names = archive.namelist()
        assert all(not n.startswith("/") and ".." not in n for n in names)
        archive.extractall(into)
    (folder,) = {n.split("/")[0] for n in names}
    return into / folder


def read_csv(folder: Path, name: str) -> list[dict[str, str]]:
    text = (folder / "data" / f"{name}.csv").read_bytes().decode("utf-8")  # UTF-8, or this raises
    return list(csv.DictReader(io.StringIO(text, newline="")))


def cell_of(row: dict[str, str]) -> dict[str, Any]:
    """A CSV row's cell, as the diagnostic's JSON writes one."""
    suppressed = {"true": True, "false": False}[row["suppressed"]]
    numbers = {
        k: (None if row[k] == "" else (float(row[k]) if k == "rate" else int(row[k]))) for k in CELL[:4]
    }
    return {**numbers, "suppressed": suppressed}


def expected_cells(diagnostic: dict[str, Any]) -> dict[tuple[str, ...], dict[str, Any]]:
    """Every figure of the diagnostic's answer, by (table, area, key…)."""
    out: dict[tuple[str, ...], dict[str, Any]] = {}
    groups = [("territory", diagnostic["territory"])]
    groups += [(g["neighbourhood"], g) for g in diagnostic["by_neighbourhood"]]
    for area, group in groups:
        s, w = group["surveys"], group["workshops"]
        out[("headcounts", area, "respondents")] = s["respondents"]
        out[("headcounts", area, "participants")] = w["people"]
        out[("headcounts", area, "voters")] = w["voters"]
        for level, cell in s["fragility"].items():
            out[("fragility", area, level)] = cell
        for qid, q in s["questions"].items():
            out[("survey_unanswered", area, qid)] = q["unanswered"]
            for aid, cell in q["answers"].items():
                out[("survey_answers", area, qid, aid)] = cell
        for row in w["activities"]:
            out[("activities", area, row["ref"])] = row["cell"]
        for row in w["categories"]:
            out[("activity_categories", area, row["category"])] = row["cell"]
        for row in w["heatmap"]:
            out[("heatmap", area, row["activity"], "all")] = row["total"]
            for severity, cell in row["severities"].items():
                out[("heatmap", area, row["activity"], severity)] = cell
        for row in w["touchpoints"]:
            out[("touchpoints", area, row["ref"])] = row["cell"]
        for i, row in enumerate(w["solutions"]):  # in the diagnostic's order (ideas have no id)
            out[("solutions", area, str(i), row["ref"] or "")] = row["cell"]
    return out


KEYS = {
    "headcounts": ("population",),
    "fragility": ("level",),
    "survey_unanswered": ("question_id",),
    "survey_answers": ("question_id", "answer_id"),
    "activities": ("ref",),
    "activity_categories": ("category",),
    "heatmap": ("activity_ref", "severity"),
    "touchpoints": ("ref",),
}


def zip_cells(folder: Path) -> dict[tuple[str, ...], dict[str, Any]]:
    out: dict[tuple[str, ...], dict[str, Any]] = {}
    for table, keys in KEYS.items():
        for row in read_csv(folder, table):
            key = (table, row["area_id"], *(row[k] for k in keys))
            assert key not in out, key
            out[key] = cell_of(row)
    counters: dict[str, int] = {}
    for row in read_csv(folder, "solutions"):
        i = counters.get(row["area_id"], 0)
        counters[row["area_id"]] = i + 1
        out[("solutions", row["area_id"], str(i), row["ref"])] = cell_of(row)
    return out


def all_bytes(folder: Path) -> bytes:
    return b"\n".join(p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file())


def validate(folder: Path) -> frictionless.Report:
    report: frictionless.Report = frictionless.validate(str(folder / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:20]
    return report


def test_the_bundle_is_valid_and_holds_the_diagnostics_figures(study: SeededStudy, tmp_path: Path) -> None:
    diagnostic = study.diagnostic().json()
    got = download(study)
    assert got.status_code == 200, got.text
    assert got.headers["content-type"] == "application/zip"
    assert got.headers["content-disposition"].startswith("attachment;")
    folder = extract(got.content, tmp_path / "default")

    package = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    report = validate(folder)
    assert len(report.tasks) == len(package["resources"]) >= 15
    assert sum(task.stats["rows"] for task in report.tasks) > 300  # rows were read and checked
    # every resource and every column is described; keys where the table has them; licence, place, time
    names = {r["name"] for r in package["resources"]}
    assert "words" not in names
    for resource in package["resources"]:
        assert resource["path"] == f"data/{resource['name']}.csv" and (folder / resource["path"]).is_file()
        assert (resource["format"], resource["mediatype"], resource["encoding"]) == (
            "csv",
            "text/csv",
            "utf-8",
        )
        assert resource["title"] and resource["description"] and not resource["title"].startswith("opendata.")
        header = next(csv.reader(io.StringIO((folder / resource["path"]).read_text(encoding="utf-8"))))
        fields = resource["schema"]["fields"]
        assert header == [f["name"] for f in fields]
        for f in fields:
            assert f["type"] in ("string", "integer", "number", "boolean", "date")
            assert f["description"] and "opendata." not in f["description"], (resource["name"], f)
        for fk in resource["schema"].get("foreignKeys", []):
            assert fk["reference"]["resource"] in names
    # the validation is real: « <5 » written in a number column, or a ref no pictogram has, is refused
    broken = tmp_path / "broken"
    shutil.copytree(folder, broken)
    for name, column, bad in (("headcounts", "value", "<5"), ("activities", "ref", "no-such-ref")):
        rows = read_csv(broken, name)
        rows[0][column] = bad
        with (broken / "data" / f"{name}.csv").open("w", encoding="utf-8", newline="") as out:
            writer = csv.DictWriter(out, list(rows[0]), lineterminator="\r\n")
            writer.writeheader()
            writer.writerows(rows)
    errors = {
        e.type for task in frictionless.validate(str(broken / "datapackage.json")).tasks for e in task.errors
    }
    assert {"type-error", "foreign-key"} <= errors, errors
    schemas = {r["name"]: r["schema"] for r in package["resources"]}
    assert schemas["survey_answers"]["primaryKey"] == ["area_id", "question_id", "answer_id"]
    assert {
        "fields": ["question_id", "answer_id"],
        "reference": {"resource": "answers", "fields": ["question_id", "answer_id"]},
    } in schemas["survey_answers"]["foreignKeys"]
    assert package["licenses"][0]["name"] == "etalab-2.0"
    assert package["fresque:territory"]["name"] == "Aix-en-Provence"
    assert package["fresque:territory"]["neighbourhoods"] == [h["name"] for h in diagnostic["neighbourhoods"]]
    assert set(package["fresque:period"]) == {"start", "end"} and package["created"]
    assert package["title"].endswith(diagnostic["study"]["title"])

    # every figure is the diagnostic API's; suppressed exactly where the diagnostic suppresses
    expected, found = expected_cells(diagnostic), zip_cells(folder)
    assert found == expected
    suppressed = [k for k, c in expected.items() if c["suppressed"]]
    shown = [k for k, c in expected.items() if not c["suppressed"]]
    assert len(suppressed) > 50 and len(shown) > 100, (len(suppressed), len(shown))
    for key in suppressed:
        assert found[key] == {"value": None, "people": None, "n": None, "rate": None, "suppressed": True}
    # the small neighbourhood (5 residents, some left out): every workshop figure « < 5 », as on the page
    small = diagnostic["by_neighbourhood"][2]["neighbourhood"]
    assert all(
        c["suppressed"]
        for k, c in found.items()
        if k[1] == small and k[0] not in ("headcounts", "fragility", "survey_answers", "survey_unanswered")
    )
    # no figure below the threshold anywhere in the tables
    for key, cell in found.items():
        assert cell["suppressed"] or cell["people"] >= 5, key

    # the JSON copies: the same rows, typed
    for resource in package["resources"]:
        rows = json.loads((folder / "data" / f"{resource['name']}.json").read_text(encoding="utf-8"))
        as_text = [
            {
                k: "" if v is None else ("true" if v is True else "false" if v is False else str(v))
                for k, v in r.items()
            }
            for r in rows
        ]
        assert as_text == read_csv(folder, resource["name"]), resource["name"]

    # no alias, no resident's words, by default
    everything = all_bytes(folder) + got.content
    for text in (*ALIASES, *IDEAS, *DIFFICULTY_TEXTS, *NEVER):
        assert text.encode("utf-8") not in everything, text
    assert [r for r in read_csv(folder, "solutions") if r["kind"] == "idea"], (
        "ideas are counted, without words"
    )


def test_the_residents_words_only_when_the_team_ticks_them(study: SeededStudy, tmp_path: Path) -> None:
    diagnostic = study.diagnostic().json()
    got = download(study, "?include_texts=true")
    assert got.status_code == 200, got.text
    folder = extract(got.content, tmp_path / "texts")
    validate(folder)
    package = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    assert package["fresque:texts_included"] is True
    assert "words" in {r["name"] for r in package["resources"]}
    everything = all_bytes(folder)
    words = read_csv(folder, "words")
    # the words are the diagnostic's own: the territory's published words, none other
    assert sorted((w["workshop_id"], w["kind"], w["text"]) for w in words) == sorted(
        (w["workshop"], w["kind"], w["text"]) for w in diagnostic["territory"]["workshops"]["words"]
    )
    assert {"Une permanence en arabe", "Pas d'ordinateur"} <= {w["text"] for w in words}
    ideas = {r["idea_text"] for r in read_csv(folder, "solutions") if r["kind"] == "idea"} - {""}
    assert ideas and ideas <= set(IDEAS)
    # still never an alias, nor words the diagnostic leaves out
    for text in (*ALIASES, *NEVER):
        assert text.encode("utf-8") not in everything, text
    # the small neighbourhood's words stay out, as on the diagnostic page
    small = diagnostic["by_neighbourhood"][2]["neighbourhood"]
    assert not [w for w in words if w["area_id"] == small]


def test_readme_in_three_languages_and_the_licence(study: SeededStudy, tmp_path: Path) -> None:
    texts = {}
    for lang in ("fr", "en", "ar"):
        got = download(study, f"?lang={lang}" if lang != "fr" else "")
        assert got.status_code == 200, got.text
        folder = extract(got.content, tmp_path / lang)
        texts[lang] = (folder / "README.md").read_text(encoding="utf-8")
        package = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
        assert package["language"] == lang
        for table in ("headcounts", "solutions", "heatmap"):
            assert f"data/{table}.csv" in texts[lang]
    fr, en, ar = texts["fr"], texts["en"], texts["ar"]
    assert "Licence Ouverte / Open Licence 2.0" in fr and "ODbL" in fr and "partage à l'identique" in fr
    # « < 5 » with French spacing: no-break spaces inside the guillemets
    assert "«\u00a0< 5\u00a0»" in fr and "suppressed" in fr and "true" in fr
    assert "`?licence=odbl-1.0`" in fr  # how to get the alternative
    assert "share-alike" in en and "Etalab" in en
    assert ar.startswith('<div dir="rtl" lang="ar">') and ar.rstrip().endswith("</div>")
    arabic = sum(1 for ch in ar if "\u0600" <= ch <= "\u06ff")
    assert arabic > 500, arabic
    assert "الرخصة" in ar and "suppressed" in ar
    # Latin names and URLs inside Arabic sentences are isolated (FSI … PDI), so they keep their order
    assert "\u2068Aix-en-Provence\u2069" in ar and "\u2068Licence Ouverte / Open Licence 2.0\u2069" in ar
    package_ar = json.loads(
        (extract(download(study, "?lang=ar").content, tmp_path / "ar2") / "datapackage.json").read_text(
            encoding="utf-8"
        )
    )
    assert any("\u0600" <= ch <= "\u06ff" for ch in package_ar["resources"][0]["description"])

    odbl = extract(download(study, "?licence=odbl-1.0").content, tmp_path / "odbl")
    assert (
        json.loads((odbl / "datapackage.json").read_text(encoding="utf-8"))["licenses"][0]["name"]
        == "ODbL-1.0"
    )
    odbl_readme = (odbl / "README.md").read_text(encoding="utf-8")
    assert "ODbL) 1.0 (https://opendatacommons.org" in odbl_readme and "`?licence=etalab-2.0`" in odbl_readme
    assert download(study, "?licence=cc0").status_code == 422
    assert download(study, "?lang=de").status_code == 422


def test_the_studys_team_only(study: SeededStudy) -> None:
    server = study.server
    assert server.get(f"/api/studies/{study.study_id}/open-data.zip").status_code == 401
    stranger = account_token(server, "etranger")
    denied = download(study, token=stranger)
    assert denied.status_code == 404 and denied.json()["error"] == "study_not_found"
    assert server.get("/api/studies/nope/open-data.zip", study.token).status_code == 404


def test_the_dashboard_offers_the_zip_with_the_texts_checkbox(study: SeededStudy) -> None:
    server = study.server
    page = httpx.get(
        f"{server.base_url}/studies/{study.study_id}?lang=ar",
        cookies={"fresque_account": study.token},
        timeout=30,
    )
    assert page.status_code == 200
    html = page.text
    assert f'action="/api/studies/{study.study_id}/open-data.zip"' in html and 'method="get"' in html
    assert 'name="include_texts" value="true"' in html and 'type="checkbox"' in html
    assert '<option value="ar" selected>' in html
    assert "تضمين كلمات السكان" in html


def test_an_empty_study_gives_a_valid_bundle_with_its_period(
    sqlite_server: ServerProcess, tmp_path: Path
) -> None:
    """Before any workshop or survey: every table is a header row, still valid; the period and the QPV code
    are the study's."""
    token = account_token(sqlite_server, "equipeperiode")
    made = sqlite_server.post(
        "/api/studies",
        {
            "title": "Étude vide",
            "territory": "Marseille",
            "period_start": "2026-01-15",
            "period_end": "2026-06-30",
            "neighbourhoods": [{"name": "Belsunce", "qpv_code": "QN01306M"}],
        },
        token,
    )
    assert made.status_code == 201, made.text
    study_id = made.json().get("id") or made.json()["study"]["id"]
    got = sqlite_server.get(f"/api/studies/{study_id}/open-data.zip", token)
    assert got.status_code == 200, got.text
    folder = extract(got.content, tmp_path / "empty")
    validate(folder)
    package = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    assert package["fresque:period"] == {"start": "2026-01-15", "end": "2026-06-30"}
    assert "2026-01-15" in package["description"] and "2026-06-30" in package["description"]
    readme = (folder / "README.md").read_text(encoding="utf-8")
    assert "du 2026-01-15 au 2026-06-30" in readme and "Belsunce" in readme
    areas = read_csv(folder, "areas")
    assert [(a["kind"], a["name"], a["qpv_code"]) for a in areas] == [
        ("territory", "Marseille", ""),
        ("neighbourhood", "Belsunce", "QN01306M"),
    ]
    headcounts = read_csv(folder, "headcounts")
    assert {(h["population"], h["suppressed"]) for h in headcounts} == {
        ("respondents", "true"),
        ("participants", "true"),
        ("voters", "true"),
    }  # 0 people is « < 5 » too

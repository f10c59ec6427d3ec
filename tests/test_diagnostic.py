"""The study's diagnostic (`GET /api/studies/{id}/diagnostic`) against a real `fresque serve` (SQLite and
PostgreSQL): a seeded study (three neighbourhoods, three residents' workshops whose boards are imported as
export documents, survey responses) whose every figure is recomputed here, independently, from the boards'
JSON exports as the facilitators download them and from the responses, and compared cell by cell; every
cell from fewer than 5 people is « < 5 », and no published total minus its published parts gives back 1 to
4 people (within a group, across the neighbourhoods, and across the values of a filter, each asked of the
API like anyone would)."""

from __future__ import annotations

import asyncio
import random

from support.client import BoardClient
from support.diagnostic_reference import (
    LEVELS,
    SUPPRESSED,
    T,
    check_across,
    check_against,
    compare,
    reference_groups,
)
from support.server import ServerProcess
from support.study_seed import account_token, add_responses, seed_study

# The reference (the figures recomputed from the exports and the responses, apart from the module) is in
# tests/support/diagnostic_reference.py, shared with tests/test_study_story.py.


def test_every_figure_recomputed_from_the_exports_and_the_responses(
    server: ServerProcess, database_url: str
) -> None:
    study = seed_study(
        server,
        database_url,
        random.Random(13),
        residents=[20, 16, 5],
        responses=[27, 22, 7],
        no_neighbourhood_responses=4,
    )
    assert len(study.responses) == 60
    exports = study.exports()
    answer = study.diagnostic()
    assert answer.status_code == 200, answer.text
    diagnostic = answer.json()
    assert diagnostic["threshold"] == T
    assert [h["id"] for h in diagnostic["neighbourhoods"]] == study.neighbourhoods
    assert {w["id"] for w in diagnostic["workshops"]} == {w["workshop"]["id"] for w in study.workshops}
    shown, hidden, complementary = check_against(diagnostic, reference_groups(study, exports))
    assert shown > 100 and hidden > 50 and complementary > 0, (shown, hidden, complementary)
    check_across(diagnostic["territory"], diagnostic["by_neighbourhood"], "neighbourhoods")
    # the small neighbourhood: its workshop's people are « < 5 », and so is every workshop figure of it
    small = diagnostic["by_neighbourhood"][2]["workshops"]
    assert small["people"] == SUPPRESSED and small["words_suppressed"] and small["words"] == []
    # what must never show: hidden cards, the facilitators' words, a resident who said no
    text = answer.text
    assert "caché" not in text and "pas compté" not in text
    # the ranking: published solutions by dots per voter
    rates = [
        r["cell"]["rate"] for r in diagnostic["territory"]["workshops"]["solutions"] if r["cell"]["rate"]
    ]
    assert rates == sorted(rates, reverse=True) and rates

    # A facilitator hides a resident's activity card: the next diagnostic reads that board again (its
    # head_seq moved; the others' facts are kept) and every figure still matches the exports.
    workshop = study.workshops[0]
    board = study.boards[workshop["workshop"]["id"]][1]
    document = next(e for e in exports if e["board"]["id"] == board)
    residents = {
        p["id"]
        for p in document["participants"]
        if p["role"] == "participant" and p.get("consent") is not False
    }
    top = diagnostic["by_neighbourhood"][0]["workshops"]["activities"][0]
    card = next(
        i
        for i in document["items"]
        if i["kind"] == "activity"
        and i["ref"] == top["ref"]
        and not i.get("hidden")
        and i["author"] in residents
    )
    asyncio.run(hide(study.server, board, workshop["facilitator"]["token"], card["id"]))
    after = study.exports()
    assert next(i for e in after for i in e["items"] if i["id"] == card["id"])["hidden"] is True
    changed = study.diagnostic().json()
    check_against(changed, reference_groups(study, after))
    was = top["cell"]["value"]
    now = next(r for r in changed["by_neighbourhood"][0]["workshops"]["activities"] if r["ref"] == top["ref"])
    assert now["cell"]["suppressed"] or now["cell"]["value"] == was - 1


async def hide(server: ServerProcess, board: str, token: str, item: str) -> None:
    client = BoardClient(server.ws_url(board), server.origin, token)
    await client.connect()
    answer = await client.commit([{"op": "item.hide", "id": item, "hidden": True}])
    assert answer["type"] == "ack", answer
    await client.close()


def test_filters_recomputed_and_never_subtracted(server: ServerProcess, database_url: str) -> None:
    study = seed_study(server, database_url, random.Random(7), residents=[22, 18, 12], responses=[30, 20, 10])
    exports = study.exports()
    whole = study.diagnostic().json()
    bands = {}
    for band in ("18_25", "26_40", "41_60", "61_75", "under_18", "over_75"):
        got = study.diagnostic(age_band=band)
        assert got.status_code == 200, got.text
        bands[band] = got.json()
        assert bands[band]["filters"]["age_band"] == band
        refs = reference_groups(
            study,
            exports,
            keep_person=lambda p, b=band: p.get("age_band") == b,
            keep_response=lambda r, b=band: r["answers"].get("age_band") == b,
        )
        check_against(bands[band], refs)
    # the whole territory minus every age band's published figures: never 1 to 4 people
    check_across(whole["territory"], [b["territory"] for b in bands.values()], "age bands")
    for i, hood in enumerate(whole["by_neighbourhood"]):
        check_across(hood, [b["by_neighbourhood"][i] for b in bands.values()], "age bands by neighbourhood")

    levels = {}
    for level in LEVELS:
        levels[level] = study.diagnostic(fragility=level).json()
        refs = reference_groups(
            study,
            exports,
            keep_person=lambda p, lv=level: p.get("fragility") == lv,
            keep_response=lambda r, lv=level: r["fragility"] == lv,
        )
        check_against(levels[level], refs)
    check_across(whole["territory"], [lv["territory"] for lv in levels.values()], "fragility levels")

    per_workshop = []
    for w in study.workshops:
        wid = w["workshop"]["id"]
        got = study.diagnostic(workshop=wid).json()
        check_against(got, reference_groups(study, exports, workshop=wid))
        per_workshop.append(got)
    check_across(whole["territory"], [g["territory"] for g in per_workshop], "workshops")

    # one neighbourhood with two filters: its own figures, the territory is that neighbourhood
    hood = study.neighbourhoods[0]
    got = study.diagnostic(neighbourhood=hood, fragility="N2").json()
    assert [g["neighbourhood"] for g in got["by_neighbourhood"]] == [hood]
    assert got["territory"] == got["by_neighbourhood"][0]
    refs = reference_groups(
        study,
        exports,
        keep_person=lambda p: p.get("fragility") == "N2",
        keep_response=lambda r: r["fragility"] == "N2",
    )
    compare(refs[hood], got["territory"])

    bad = study.diagnostic(neighbourhood="nowhere")
    assert bad.status_code == 422 and bad.json()["error"] == "unknown_neighbourhood"
    bad = study.diagnostic(workshop="nowhere")
    assert bad.status_code == 422 and bad.json()["error"] == "unknown_workshop"
    assert study.diagnostic(age_band="ancient").status_code == 422


def test_only_the_team_reads_the_diagnostic(sqlite_server: ServerProcess, sqlite_url: str) -> None:
    study = seed_study(sqlite_server, sqlite_url, random.Random(1), residents=[6], responses=[5])
    first = study.diagnostic()
    assert first.status_code == 200
    assert first.json()["territory"]["surveys"]["respondents"]["value"] == 5
    # a new response: the answer kept from the last request is not served again
    hood = study.neighbourhoods[0]
    asyncio.run(add_responses(sqlite_url, study.study_id, [(hood, {"neighbourhood": hood}, "N1")]))
    assert study.diagnostic().json()["territory"]["surveys"]["respondents"]["value"] == 6
    stranger = account_token(sqlite_server, "voisine")
    refused = study.diagnostic(token=stranger)
    assert refused.status_code == 404 and refused.json()["error"] == "study_not_found"
    anonymous = sqlite_server.get(f"/api/studies/{study.study_id}/diagnostic")
    assert anonymous.status_code == 401
    # a workshop's facilitator session is no account session
    facilitator = study.workshops[0]["facilitator"]["token"]
    assert study.diagnostic(token=facilitator).status_code == 401

"""Who gets the schéma (issue 14), on SQLite and PostgreSQL: the study's team (owner or member) gets both
documents; a signed-in account off the team gets 404 `study_not_found` (as for no such study: ids cannot be
probed), no account 401. Cheap: a new study with no workshop, whose document still has every chapter."""

from __future__ import annotations

import io
import uuid

import httpx
import odfdo
from fresque.i18n import translator
from support.server import ServerProcess
from support.study_export_seed import make_account


def test_the_team_and_only_the_team_gets_the_schema(server: ServerProcess) -> None:
    owner = make_account(server, f"cheffe-{uuid.uuid4().hex[:6]}")
    stranger = make_account(server, f"ailleurs-{uuid.uuid4().hex[:6]}")
    made = server.post(
        "/api/studies",
        {"title": "Étude de Gardanne", "territory": "Gardanne", "neighbourhoods": [{"name": "Biver"}]},
        owner.token,
    )
    assert made.status_code == 201, made.text
    study = made.json().get("id") or made.json()["study"]["id"]

    def get(path: str, headers: dict[str, str]) -> httpx.Response:
        return httpx.get(f"{server.base_url}{path}", headers=headers, timeout=120)

    odt = get(f"/api/studies/{study}/schema.odt?lang=ar", owner.bearer())
    assert odt.status_code == 200, odt.text
    headings = [str(h).strip() for h in odfdo.Document(io.BytesIO(odt.content)).body.headers]
    t = translator("ar")
    for key in ("schema.method.title", "schema.diagnostic.title", "schema.plan.title", "schema.annex.title"):
        assert t(key) in headings
    for suffix in ("pdf", "odt"):
        assert get(f"/api/studies/{study}/schema.{suffix}", {}).status_code == 401
        for target in (study, "no-such-study"):
            refused = get(f"/api/studies/{target}/schema.{suffix}", stranger.bearer())
            assert refused.status_code == 404 and refused.json()["error"] == "study_not_found"
    assert get(f"/api/studies/{study}/schema.odt?lang=xx", owner.bearer()).status_code == 422

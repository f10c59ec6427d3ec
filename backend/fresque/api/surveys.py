"""The street survey's API: a study's questionnaire (read; replaced before the first response) and its
responses (sent by the surveyors' phones and the paper-entry page; read by the team).

- `GET /api/studies/{id}/surveys/questionnaire`: the latest version, neighbourhoods, whether it may change;
- `PUT /api/studies/{id}/surveys/questionnaire`: a new version (`{"questions": [...]}`, checked), 409 once a
  response exists;
- `POST /api/studies/{id}/surveys/responses`: one response; 201 stored, 200 already stored (the stored one);
- `GET /api/studies/{id}/surveys/responses`: every response, raw answers, questionnaire version, fragility.

The study's team only (an account of its team; others get 404 `study_not_found`). Responses are anonymous:
there is no field for a name or a contact, and `extra="forbid"` refuses one. A response is taken only with
`consent: true` (the surveyor asked first). Idempotent: the phone makes `client_id` once per response and
sends it until acknowledged; a resend gets the stored response back (200), never a second row, even if its
answers differ (the first one that arrived is kept, and returned, so the phone can see what the server holds).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Response
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StrictBool, StrictInt

from ..auth import new_id
from ..db.surveys import NewResponse, ResponseRow
from ..survey.checks import SurveyError, check_questionnaire, check_response
from ..survey.fragility import fragility
from .account_deps import AccountReader, AccountWriter, study_role
from .deps import Services, ServicesDep
from .errors import ApiError

router = APIRouter(prefix="/api/studies/{study_id}/surveys")

ClientId = Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]{8,64}$")]


class ResponseIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    client_id: ClientId
    questionnaire_version: StrictInt = Field(ge=1)
    answers: dict[str, Any]
    consent: StrictBool
    answered_at: AwareDatetime | None = None
    source: Literal["phone", "paper"] = "phone"


def _questionnaire_json(version: int, body: str, neighbourhoods: list[Any], count: int) -> dict[str, Any]:
    return {
        "version": version,
        "questionnaire": json.loads(body),
        "neighbourhoods": [{"id": n.id, "name": n.name, "qpv_code": n.qpv_code} for n in neighbourhoods],
        "responses": count,
        "editable": count == 0,
    }


async def questionnaire_state(services: Services, study_id: str) -> dict[str, Any]:
    """What the questionnaire's GET answers (also the pages' bootstrap)."""
    found = await services.surveys.questionnaire(study_id)
    if found is None:  # every study is made with its version 1; a study imported without one gets it now
        raise ApiError(404, "questionnaire_not_found", "this study has no questionnaire")
    count = await services.surveys.count_responses(study_id)
    neighbourhoods = await services.studies.neighbourhoods(study_id)
    return _questionnaire_json(found[0], found[1], neighbourhoods, count)


def response_json(row: ResponseRow) -> dict[str, Any]:
    return {
        "id": row.id,
        "client_id": row.client_id,
        "questionnaire_version": row.questionnaire_version,
        "neighbourhood_id": row.neighbourhood_id,
        "answers": json.loads(row.answers),
        "fragility": row.fragility,
        "source": row.source,
        "answered_at": None if row.answered_at is None else row.answered_at.isoformat(),
        "received_at": row.received_at.isoformat(),
    }


@router.get("/questionnaire")
async def get_questionnaire(study_id: str, services: ServicesDep, signed_in: AccountReader) -> Any:
    await study_role(services, study_id, signed_in)
    return await questionnaire_state(services, study_id)


@router.put("/questionnaire")
async def put_questionnaire(
    study_id: str, body: dict[str, Any], services: ServicesDep, signed_in: AccountWriter
) -> Any:
    await study_role(services, study_id, signed_in)
    try:
        checked = check_questionnaire(body, services.catalogue.pictures())
    except SurveyError as exc:
        raise ApiError(422, exc.code, exc.message) from None
    text = json.dumps(checked, ensure_ascii=False, separators=(",", ":"))
    version = await services.surveys.add_questionnaire_version_if_unanswered(study_id, text)
    if version is None:
        raise ApiError(
            409,
            "questionnaire_answered",
            "the questionnaire cannot change once a response exists: every response keeps its version",
        )
    return await questionnaire_state(services, study_id)


@router.post("/responses", status_code=201)
async def post_response(
    study_id: str, body: ResponseIn, services: ServicesDep, signed_in: AccountWriter, response: Response
) -> Any:
    await study_role(services, study_id, signed_in)
    if body.consent is not True:
        raise ApiError(422, "consent_required", "a response is taken only with the person's consent")
    # A resend (the phone did not hear the first answer) is acknowledged before anything else is checked:
    # the stored response stands, whatever this copy says.
    known = await services.surveys.response_by_client_id(study_id, body.client_id)
    if known is not None:
        response.status_code = 200
        return {"response": response_json(known), "created": False}
    found = await services.surveys.questionnaire(study_id, body.questionnaire_version)
    if found is None:
        raise ApiError(
            422,
            "unknown_questionnaire_version",
            f"this study has no questionnaire version {body.questionnaire_version}",
        )
    neighbourhoods = {n.id for n in await services.studies.neighbourhoods(study_id)}
    try:
        checked = check_response(json.loads(found[1]), neighbourhoods, body.answers)
    except SurveyError as exc:
        raise ApiError(422, exc.code, exc.message) from None
    # in UTC before it is stored: SQLite keeps no offset, and reads every time back as UTC
    answered_at: datetime | None = None if body.answered_at is None else body.answered_at.astimezone(UTC)
    row, created = await services.surveys.add_response(
        NewResponse(
            id=new_id(),
            study_id=study_id,
            client_id=body.client_id,
            questionnaire_version=body.questionnaire_version,
            neighbourhood_id=checked.neighbourhood_id,
            answers=checked.as_json(),
            fragility=fragility(checked.answers),
            source=body.source,
            answered_at=answered_at,
        )
    )
    if not created:  # the same client id arrived at the same moment through another request
        response.status_code = 200
    return {"response": response_json(row), "created": created}


@router.get("/responses")
async def get_responses(study_id: str, services: ServicesDep, signed_in: AccountReader) -> Any:
    await study_role(services, study_id, signed_in)
    rows = await services.surveys.responses(study_id)
    return {"count": len(rows), "responses": [response_json(r) for r in rows]}

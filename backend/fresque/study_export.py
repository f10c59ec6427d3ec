"""A whole study as one versioned JSON document (`"format": "fresque-study"`): what
`GET /api/studies/{id}/export` gives and `POST /api/studies/import` takes back (`fresque.api.study_data`;
the format is described in docs/study-export.md).

It holds the study (title, territory, period), its team as usernames and roles (never a password hash nor a
session), its neighbourhoods, every version of its street-survey questionnaire, every response with its raw
answers, its questions de travail, and each of its workshops with the neighbourhood it was held for and its
full `fresque-workshop` export (`fresque.api.workshop_data.workshop_document`: the boards' own documents, the
pseudonymous participants, the custom pictures inlined).

The JSON columns (a questionnaire's body, a response's answers, a question's finding) are given as JSON
values, not as text: a reader needs no second parse. Times are ISO 8601 with their UTC offset.

Upgrading: when the format changes, `STUDY_FORMAT_VERSION` goes up and `upgrade_study_document` learns to
bring an older document to the current version, so every study export stays importable.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Annotated, Any, Final, Literal

from pydantic import BaseModel, ConfigDict, Field

from .export import AnyExportDocument, Generator, ParticipantEntry, WorkshopInfo

STUDY_FORMAT: Final = "fresque-study"
STUDY_FORMAT_VERSION: Final = 1

MAX_WORKSHOPS: Final = 200  # a study of months: a few dozen workshops, far under this
MAX_RESPONSES: Final = 100_000
MAX_BOARDS: Final = 50  # as FRESQUE_MAX_BOARDS_PER_WORKSHOP's default
MAX_PEOPLE: Final = 5_000
MAX_PICTOGRAMS: Final = 200  # as `fresque.uploads.MAX_PER_WORKSHOP`

RowId = Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]{1,64}$")]
Moment = Annotated[str, Field(min_length=10, max_length=40)]  # ISO 8601, checked by `parse_moment`
IsoDate = Annotated[str, Field(pattern=r"^\d{4}-\d{2}-\d{2}$")]


class Closed(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class StudyEntry(Closed):
    id: RowId
    title: Annotated[str, Field(min_length=1, max_length=200)]
    territory: Annotated[str, Field(min_length=1, max_length=200)]
    period_start: IsoDate | None = None
    period_end: IsoDate | None = None
    created_at: Moment  # when the study was made; an import makes a new study, made at the import


class TeamEntry(Closed):
    """Who ran the study: informative only, an import never makes accounts (docs/study-export.md)."""

    username: Annotated[str, Field(min_length=1, max_length=60)]
    role: Literal["owner", "member"]


class NeighbourhoodEntry(Closed):
    id: RowId
    name: Annotated[str, Field(min_length=1, max_length=120)]
    qpv_code: Annotated[str, Field(min_length=1, max_length=16)] | None = None


class QuestionnaireEntry(Closed):
    version: Annotated[int, Field(ge=1)]
    created_at: Moment
    body: dict[str, Any]  # `fresque.survey.questionnaire`'s shape


class ResponseEntry(Closed):
    id: RowId
    client_id: Annotated[str, Field(min_length=1, max_length=64)]  # the surveyor's phone made it
    questionnaire_version: Annotated[int, Field(ge=1)]
    neighbourhood: RowId | None = None  # a `neighbourhoods[].id`
    answers: dict[str, Any]  # {question id: answer id | [answer ids]}: the raw answers
    fragility: Literal["N0", "N1", "N2", "N3", "N4"] | None = None
    source: Literal["phone", "paper"]
    answered_at: Moment | None = None  # the phone's clock
    received_at: Moment  # the server's


class PictogramEntry(Closed):
    """A workshop's own picture, as `GET /api/workshops/{id}/export` gives it (the PNG inlined)."""

    id: RowId
    ref: str
    labels: dict[str, str]
    category: str | None = None
    picture_url: str
    thumbnail_url: str
    width: int
    height: int
    picture_png_base64: Annotated[str, Field(max_length=8 * 1024 * 1024)] | None


class WorkshopDocument(Closed):
    """`GET /api/workshops/{id}/export`'s document (`fresque.api.workshop_data.workshop_document`)."""

    format: Literal["fresque-workshop"]
    format_version: Literal[1]
    generator: Generator
    exported_at: str
    workshop: WorkshopInfo
    boards: Annotated[list[AnyExportDocument], Field(max_length=MAX_BOARDS)]
    participants: Annotated[list[ParticipantEntry], Field(max_length=MAX_PEOPLE)]
    custom_pictograms: Annotated[list[PictogramEntry], Field(max_length=MAX_PICTOGRAMS)]


class StudyWorkshopEntry(Closed):
    neighbourhood: RowId | None = None  # a `neighbourhoods[].id`; none: the whole territory (partners)
    export: WorkshopDocument


class WorkQuestionEntry(Closed):
    id: RowId
    position: int
    finding: Any  # what the team pinned of the diagnostic, as `fresque.api.work_questions` keeps it
    question: Annotated[str, Field(max_length=20_000)]
    created_at: Moment


class StudyDocument(Closed):
    format: Literal["fresque-study"]
    format_version: Literal[1]
    generator: Generator
    exported_at: str
    study: StudyEntry
    team: list[TeamEntry]
    neighbourhoods: Annotated[list[NeighbourhoodEntry], Field(max_length=500)]
    questionnaires: Annotated[list[QuestionnaireEntry], Field(min_length=1, max_length=1000)]
    responses: Annotated[list[ResponseEntry], Field(max_length=MAX_RESPONSES)]
    workshops: Annotated[list[StudyWorkshopEntry], Field(max_length=MAX_WORKSHOPS)]
    work_questions: Annotated[list[WorkQuestionEntry], Field(max_length=1000)]


def upgrade_study_document(raw: dict[str, Any]) -> dict[str, Any]:
    """Bring an older study export to the current format. Version 1 is the first: nothing to upgrade yet."""
    return raw


# -- small pieces shared by the export and the import ---------------------------------------------------


def moment(value: datetime) -> str:
    """A stored time as the document writes it: ISO 8601, UTC, to the microsecond (orderings survive)."""
    aware = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    return aware.astimezone(UTC).isoformat()


def parse_moment(text: str, field: str) -> datetime:
    """A document's time back to a datetime; `ValueError` naming `field` when it is not ISO 8601 with an
    offset."""
    try:
        found = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{field}: not an ISO 8601 time") from None
    if found.tzinfo is None:
        raise ValueError(f"{field}: the time needs its UTC offset")
    return found.astimezone(UTC)


def canonical_json(value: Any) -> str:
    """How a JSON column is stored again on import (keys sorted, no spaces, UTF-8 kept)."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def remap_ids(value: Any, ids: Mapping[str, str]) -> Any:
    """`value` (JSON) with every string equal to an old id of `ids` replaced by its new id, keys included.

    For JSON whose shape this module does not own (a question's finding, fields other parts add to an
    action): the ids Fresque makes are 128 random bits, so a string equal to one is a reference to it."""
    if isinstance(value, str):
        return ids.get(value, value)
    if isinstance(value, list):
        return [remap_ids(v, ids) for v in value]
    if isinstance(value, dict):
        return {ids.get(k, k): remap_ids(v, ids) for k, v in value.items()}
    return value

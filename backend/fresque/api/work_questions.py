"""Questions de travail (issue 13): the study's team pins a finding of the diagnostic and writes from it the
question the partners' workshop will work on; the partners see the questions on their action fresco, and
each action may say which one it answers (op `action.question`, checked against these ids).

| route | who | what |
|---|---|---|
| `GET /api/studies/{id}/questions` | the study's team | `{questions: [question, ...]}` in the team's order |
| `POST /api/studies/{id}/questions` `{finding, question}` | the team | 201: the new question, last |
| `PATCH /api/studies/{id}/questions/{qid}` `{finding?, question?}` | the team | the question, changed |
| `PUT /api/studies/{id}/questions/order` `{ids: [...]}` | the team | `{questions}`: every id once |
| `DELETE /api/studies/{id}/questions/{qid}` | the team | 204 (actions naming it keep the id: « removed ») |
| `GET /api/studies/{id}/ideas` | the team | the ideas one may pin: every live solution of the study |
| `GET /api/workshops/{wid}/questions` | any session of the workshop | `{study, questions}` (see below) |

The team: an account on the study's team (`fresque.api.account_deps`), Bearer or the `fresque_account` cookie
(writes: + Origin and `X-Fresque-CSRF`); anyone else, signed in or not, gets 404 `study_not_found`.

**The POST body** (what the diagnostic page's « Épingler » buttons send), `finding` one of:

- a heat-map cell: `{"kind": "heatmap", "activity": "<activity ref>", "severity": "ok" | "difficile" |
  "bloque" | null, "neighbourhood": "<neighbourhood id>" | null}` — the activity's catalogue id (or a study
  workshop's own picture, `custom:<id>`); `severity: null` is the activity's whole row; `neighbourhood: null`
  is the whole territory;
- an online service: `{"kind": "service", "service": "<touchpoint ref>", "neighbourhood": ... | null}`;
- a residents' idea: `{"kind": "idea", "board": "<exploration board id>", "item": "<solution id>"}`, a live
  solution (not hidden by moderation, not in an open private round) of a workshop of the study;

each may carry `"note"`: the figure as the page showed it (≤ 300 characters, e.g. « 14 difficultés, 9
habitants »). `question`: the working question, 1–500 characters. For example:

    POST /api/studies/3f9c…/questions
    {"finding": {"kind": "heatmap", "activity": "shopping", "severity": "bloque",
                 "neighbourhood": "a1b2…", "note": "9 habitants"},
     "question": "Comment accompagner les courses en ligne des personnes bloquées ?"}

Refusals: 422 `invalid_finding` (the shape), `unknown_activity`, `unknown_service`, `unknown_severity`,
`unknown_neighbourhood`, `unknown_idea` (a board or solution out of the study, gone or hidden), `text_*`
(the question or the note); 409 `too_many_questions` (100 a study); 404 `question_not_found`;
422 `invalid_order` (not exactly the study's ids).

A question is answered as `{id, position, question, finding, about, created_at}`: `finding` as kept, `about`
what it names, ready to show — `{kind, label: {fr, en, ar} | null, text, picture_url, severity,
neighbourhood: {id, name} | null, workshop: {id, title} | null, found}` (an idea's `text` is the resident's
words, `found: false` once it is gone or hidden).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Annotated, Any, Final

from fastapi import APIRouter, Response
from pydantic import BaseModel, ConfigDict, Field

from ..auth import new_id
from ..behind import PicturesByWorkshop, live_solution, solution_rank, votes_shown
from ..core.actions import ActionBoard
from ..core.board import Board
from ..core.errors import RuleError
from ..core.text import check_text
from ..db.work_questions import TooManyQuestions, WorkQuestionRow
from ..rooms.registry import BoardNotFound
from ..study_scope import STRANGER, study_id_of
from ..uploads import CUSTOM_REF_PREFIX
from .account_deps import AccountReader, AccountWriter, study_role
from .deps import ReaderSession, Services, ServicesDep
from .errors import ApiError

router = APIRouter(prefix="/api")

Json = dict[str, Any]

SEVERITIES: Final = ("ok", "difficile", "bloque")
MAX_QUESTION: Final = 500
MAX_NOTE: Final = 300
_FINDING_KEYS: Final[Mapping[str, tuple[frozenset[str], frozenset[str]]]] = {
    # kind → (required keys, optional keys), besides `kind` and `note`
    "heatmap": (frozenset({"activity"}), frozenset({"severity", "neighbourhood"})),
    "service": (frozenset({"service"}), frozenset({"neighbourhood"})),
    "idea": (frozenset({"board", "item"}), frozenset()),
}


class QuestionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    finding: dict[str, Any]
    question: str


class QuestionPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    finding: dict[str, Any] | None = None
    question: str | None = None


class OrderIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    ids: Annotated[list[Annotated[str, Field(max_length=64)]], Field(max_length=1000)]


# -- checking what is pinned ---------------------------------------------------------------------------------


def _text(value: Any, *, field: str, max_chars: int, required: bool) -> str:
    if not isinstance(value, str):
        raise ApiError(422, "text_invalid", f"{field} is text")
    try:
        check_text(value, max_chars=max_chars, field=field)
    except RuleError as error:
        raise ApiError(422, error.code, error.message) from None
    if required and not value.strip():
        raise ApiError(422, "text_required", f"{field} is empty")
    return value.strip()


def _invalid(message: str) -> ApiError:
    return ApiError(422, "invalid_finding", message)


async def _study_workshops(services: Services, study_id: str) -> list[str]:
    return [w.workshop_id for w in await services.studies.study_workshops(study_id)]


async def check_finding(services: Services, study_id: str, raw: Mapping[str, Any]) -> Json:
    """The finding as it will be kept, or a 422 naming what is wrong."""
    kind = str(raw.get("kind"))
    if kind not in _FINDING_KEYS:
        raise _invalid("finding.kind is heatmap, service or idea")
    required, optional = _FINDING_KEYS[kind]
    keys = set(raw) - {"kind", "note"}
    if required - keys or keys - required - optional:
        names = ", ".join(sorted(required | optional))
        raise _invalid(f"a {kind} finding has {names} (and an optional note)")
    kept: Json = {"kind": kind}
    if kind == "idea":
        board, item = raw["board"], raw["item"]
        if not isinstance(board, str) or not isinstance(item, str):
            raise _invalid("an idea names its board and its item")
        if await _idea(services, study_id, board, item) is None:
            raise ApiError(422, "unknown_idea", "no such idea on the boards of this study's workshops")
        kept.update(board=board, item=item)
    else:
        neighbourhood = raw.get("neighbourhood")
        if neighbourhood is not None and neighbourhood not in {
            n.id for n in await services.studies.neighbourhoods(study_id)
        }:
            raise ApiError(422, "unknown_neighbourhood", "not one of this study's neighbourhoods")
        if kind == "heatmap":
            activity = raw["activity"]
            if not await _known_activity(services, study_id, activity):
                raise ApiError(422, "unknown_activity", f"{activity!r} is not an activity of the catalogue")
            severity = raw.get("severity")
            if severity is not None and severity not in SEVERITIES:
                raise ApiError(422, "unknown_severity", "severity is ok, difficile, bloque or null")
            kept.update(activity=activity, severity=severity)
        else:
            service = raw["service"]
            if not isinstance(service, str) or service not in services.catalogue.ids("touchpoint"):
                raise ApiError(
                    422, "unknown_service", f"{service!r} is not an online service of the catalogue"
                )
            kept["service"] = service
        kept["neighbourhood"] = neighbourhood
    if raw.get("note") is not None:
        kept["note"] = _text(raw["note"], field="finding.note", max_chars=MAX_NOTE, required=False)
    return kept


async def _known_activity(services: Services, study_id: str, ref: Any) -> bool:
    if not isinstance(ref, str):
        return False
    if ref in services.catalogue.ids("activity"):
        return True
    if not ref.startswith(CUSTOM_REF_PREFIX):
        return False
    for workshop_id in await _study_workshops(services, study_id):
        refs = await services.rooms.refs_of(workshop_id)
        if ref in refs.get("activity", frozenset()):
            return True
    return False


async def _idea(services: Services, study_id: str, board_id: str, item_id: str) -> Json | None:
    """A live solution of a study workshop's exploration board, as a stranger sees it; None otherwise."""
    row = await services.store.board(board_id)
    if row is None or row.kind != "exploration":
        return None
    if await study_id_of(services.store, row.workshop_id) != study_id:
        return None
    try:
        async with services.rooms.use(board_id) as room, room.lock:
            board = room.board
            if not isinstance(board, Board):  # pragma: no cover - the row said exploration
                return None
            item = live_solution(board, item_id, STRANGER)
            if item is None:
                return None
            return {"workshop_id": row.workshop_id, "board_title": board.settings.title, "item": item}
    except BoardNotFound:
        return None


# -- showing what is pinned ----------------------------------------------------------------------------------


class About:
    """Resolves findings into what a page shows, reading each study's neighbourhoods and workshops once."""

    def __init__(self, services: Services, study_id: str) -> None:
        self.services = services
        self.study_id = study_id
        self.pictures = PicturesByWorkshop(services)
        self._places: dict[str, str] | None = None
        self._workshops: dict[str, tuple[str, str | None]] | None = None

    async def places(self) -> dict[str, str]:
        if self._places is None:
            self._places = {n.id: n.name for n in await self.services.studies.neighbourhoods(self.study_id)}
        return self._places

    async def workshops(self) -> dict[str, tuple[str, str | None]]:
        if self._workshops is None:
            self._workshops = {
                w.workshop_id: (w.title, w.neighbourhood_id)
                for w in await self.services.studies.study_workshops(self.study_id)
            }
        return self._workshops

    async def place(self, neighbourhood_id: str | None) -> Json | None:
        if neighbourhood_id is None:
            return None
        name = (await self.places()).get(neighbourhood_id)
        return None if name is None else {"id": neighbourhood_id, "name": name}

    async def labels(self, ref: str) -> tuple[dict[str, str] | None, str | None]:
        """A ref's labels and picture: the catalogue's, else a study workshop's own picture."""
        for workshop_id in list(await self.workshops()) or [""]:
            pictures = await self.pictures.of(workshop_id)
            label = pictures.label(ref)
            if label is not None:
                return label, pictures.picture(ref)
        return None, None

    async def of(self, finding: Mapping[str, Any]) -> Json:
        kind = finding.get("kind")
        about: Json = {
            "kind": kind,
            "label": None,
            "text": None,
            "picture_url": None,
            "severity": finding.get("severity"),
            "neighbourhood": None,
            "workshop": None,
            "found": True,
        }
        if kind in ("heatmap", "service"):
            ref = str(finding.get("activity") if kind == "heatmap" else finding.get("service"))
            about["label"], about["picture_url"] = await self.labels(ref)
            about["neighbourhood"] = await self.place(finding.get("neighbourhood"))
        elif kind == "idea":
            idea = await _idea(
                self.services, self.study_id, str(finding.get("board")), str(finding.get("item"))
            )
            if idea is None:
                about["found"] = False
            else:
                item = idea["item"]
                pictures = await self.pictures.of(idea["workshop_id"])
                title, neighbourhood_id = (await self.workshops()).get(idea["workshop_id"], ("", None))
                about.update(
                    label=pictures.label(item.ref),
                    text=item.text,
                    picture_url=pictures.picture(item.ref),
                    workshop={"id": idea["workshop_id"], "title": title},
                    neighbourhood=await self.place(neighbourhood_id),
                )
        return about


async def _question_json(row: WorkQuestionRow, about: About) -> Json:
    finding = json.loads(row.finding)
    return {
        "id": row.id,
        "position": row.position,
        "question": row.question,
        "finding": finding,
        "about": await about.of(finding),
        "created_at": row.created_at.isoformat(timespec="seconds"),
    }


async def questions_json(services: Services, study_id: str) -> list[Json]:
    about = About(services, study_id)
    return [await _question_json(row, about) for row in await services.work_questions.questions(study_id)]


# -- the team's routes ---------------------------------------------------------------------------------------


@router.get("/studies/{study_id}/questions")
async def list_questions(study_id: str, signed_in: AccountReader, services: ServicesDep) -> Json:
    await study_role(services, study_id, signed_in)
    return {"questions": await questions_json(services, study_id)}


@router.post("/studies/{study_id}/questions", status_code=201)
async def add_question(
    study_id: str, body: QuestionIn, signed_in: AccountWriter, services: ServicesDep
) -> Json:
    await study_role(services, study_id, signed_in)
    question = _text(body.question, field="question", max_chars=MAX_QUESTION, required=True)
    finding = await check_finding(services, study_id, body.finding)
    try:
        row = await services.work_questions.add(study_id, new_id(), _dumps(finding), question)
    except TooManyQuestions:
        raise ApiError(409, "too_many_questions", "a study has at most 100 questions de travail") from None
    return await _question_json(row, About(services, study_id))


@router.patch("/studies/{study_id}/questions/{question_id}")
async def edit_question(
    study_id: str, question_id: str, body: QuestionPatch, signed_in: AccountWriter, services: ServicesDep
) -> Json:
    await study_role(services, study_id, signed_in)
    question = None
    if body.question is not None:
        question = _text(body.question, field="question", max_chars=MAX_QUESTION, required=True)
    finding = None if body.finding is None else _dumps(await check_finding(services, study_id, body.finding))
    if not await services.work_questions.edit(study_id, question_id, finding=finding, question=question):
        raise ApiError(404, "question_not_found", "this study has no such question")
    row = await services.work_questions.question(study_id, question_id)
    if row is None:  # deleted meanwhile
        raise ApiError(404, "question_not_found", "this study has no such question")
    return await _question_json(row, About(services, study_id))


@router.put("/studies/{study_id}/questions/order")
async def order_questions(
    study_id: str, body: OrderIn, signed_in: AccountWriter, services: ServicesDep
) -> Json:
    await study_role(services, study_id, signed_in)
    if not await services.work_questions.reorder(study_id, body.ids):
        raise ApiError(422, "invalid_order", "name each of the study's questions once")
    return {"questions": await questions_json(services, study_id)}


@router.delete("/studies/{study_id}/questions/{question_id}", status_code=204)
async def delete_question(
    study_id: str, question_id: str, signed_in: AccountWriter, services: ServicesDep
) -> Response:
    await study_role(services, study_id, signed_in)
    if not await services.work_questions.delete(study_id, question_id):
        raise ApiError(404, "question_not_found", "this study has no such question")
    return Response(status_code=204)


@router.get("/studies/{study_id}/ideas")
async def study_ideas(study_id: str, signed_in: AccountReader, services: ServicesDep) -> Json:
    """Every live solution of the study's exploration boards, as a stranger sees them (moderated cards and an
    open private round's left out, hidden votes null), most voted first: what the team may pin."""
    await study_role(services, study_id, signed_in)
    about = About(services, study_id)
    workshops = await about.workshops()
    ideas: list[Json] = []
    for workshop_id, (title, neighbourhood_id) in workshops.items():
        pictures = await about.pictures.of(workshop_id)
        place = await about.place(neighbourhood_id)
        for row in await services.store.boards_of(workshop_id):
            if row.kind != "exploration":
                continue
            try:
                async with services.rooms.use(row.id) as room, room.lock:
                    board = room.board
                    if not isinstance(board, Board):  # pragma: no cover
                        continue
                    totals = board.vote_totals()
                    for item_id in sorted(board.items):
                        item = live_solution(board, item_id, STRANGER)
                        if item is None:
                            continue
                        ideas.append(
                            {
                                "board": row.id,
                                "board_title": board.settings.title,
                                "item": item.id,
                                "text": item.text,
                                "ref": item.ref,
                                "label": pictures.label(item.ref),
                                "picture_url": pictures.picture(item.ref),
                                "votes": votes_shown(board, item.id, STRANGER, totals),
                                "workshop": {"id": workshop_id, "title": title},
                                "neighbourhood": place,
                            }
                        )
            except BoardNotFound:
                continue
    ideas.sort(key=solution_rank)
    return {"ideas": ideas}


# -- the partners' read --------------------------------------------------------------------------------------


@router.get("/workshops/{workshop_id}/questions")
async def workshop_questions(workshop_id: str, session: ReaderSession, services: ServicesDep) -> Json:
    """The questions de travail of the workshop's study, for any session of the workshop (read-only), each
    with the actions of this workshop's action frescoes that answer it (`answered_by`: `{board, action,
    title}`); a workshop without a study: `{"study": null, "questions": []}`."""
    if session.workshop_id != workshop_id:
        raise ApiError(403, "not_your_workshop", "this session belongs to another workshop")
    study_id = await study_id_of(services.store, workshop_id)
    if study_id is None:
        return {"study": None, "questions": []}
    study = await services.studies.study(study_id)
    answered: dict[str, list[Json]] = {}
    for row in await services.store.boards_of(workshop_id):
        if row.kind != "actions":
            continue
        try:
            async with services.rooms.use(row.id) as room, room.lock:
                board = room.board
                if isinstance(board, ActionBoard):
                    for action_id in sorted(board.actions):
                        action = board.actions[action_id]
                        if action.question is not None:
                            answered.setdefault(action.question, []).append(
                                {"board": row.id, "action": action.id, "title": action.fiche.title}
                            )
        except BoardNotFound:
            continue
    questions = await questions_json(services, study_id)
    for question in questions:
        question["answered_by"] = answered.get(question["id"], [])
    return {
        "study": None if study is None else {"id": study.id, "title": study.title},
        "questions": questions,
    }


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))

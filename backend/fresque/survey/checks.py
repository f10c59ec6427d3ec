"""Checking a questionnaire a team wrote, and a response against the questionnaire version it names.

Both refuse rather than repair (an unknown id is an error, never dropped), with a stable `code` the API
returns as its `error`. A checked response comes back canonical: its keys and a `multiple` question's answers
in the questionnaire's order, so that two phones sending the same answers store the same text.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any, Final

KINDS: Final = ("single", "multiple", "neighbourhood")
LANGS: Final = ("fr", "en", "ar")
ID_PATTERN: Final = re.compile(r"^[a-z0-9][a-z0-9_]{0,39}$")
MAX_QUESTIONS: Final = 60
MAX_ANSWERS: Final = 40
MAX_LABEL: Final = 200


class SurveyError(ValueError):
    """A questionnaire or a response that cannot be taken: `code` is the API's `error`."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def _label_text(value: object, where: str, *, required: bool) -> str | None:
    if value is None or value == "":
        if required:
            raise SurveyError("label_required", f"{where}: a French label is required")
        return None
    if not isinstance(value, str):
        raise SurveyError("invalid_label", f"{where}: a label is text")
    text = value.strip()
    if not text:
        if required:
            raise SurveyError("label_required", f"{where}: a French label is required")
        return None
    if len(text) > MAX_LABEL:
        raise SurveyError("label_too_long", f"{where}: at most {MAX_LABEL} characters")
    if any(unicodedata.category(c) in ("Cc", "Cs") for c in text):
        raise SurveyError("invalid_label", f"{where}: control characters are not allowed")
    return text


def _labels(value: object, where: str) -> dict[str, str]:
    if not isinstance(value, dict):
        raise SurveyError("label_required", f"{where}.labels: an object {{fr, en?, ar?}} is required")
    unknown = set(value) - set(LANGS)
    if unknown:
        raise SurveyError("invalid_label", f"{where}.labels: unknown language {sorted(unknown)[0]!r}")
    out: dict[str, str] = {}
    for lang in LANGS:
        text = _label_text(value.get(lang), f"{where}.labels.{lang}", required=lang == "fr")
        if text is not None:
            out[lang] = text
    return out


def _id(value: object, where: str) -> str:
    if not isinstance(value, str) or not ID_PATTERN.match(value):
        raise SurveyError(
            "invalid_id", f"{where}.id: lower-case letters, digits and _ (not first), at most 40"
        )
    return value


def check_questionnaire(body: object, pictures: Collection[str]) -> dict[str, Any]:
    """The questionnaire as stored (labels trimmed, empty optional labels dropped), or `SurveyError`.

    `pictures` are the codes an answer's `picture` may name (the catalogue's, which the pages can show)."""
    if not isinstance(body, dict) or set(body) != {"questions"} or not isinstance(body["questions"], list):
        raise SurveyError("invalid_questionnaire", 'a questionnaire is {"questions": [...]}')
    questions = body["questions"]
    if not questions:
        raise SurveyError("no_questions", "a questionnaire has at least one question")
    if len(questions) > MAX_QUESTIONS:
        raise SurveyError("too_many_questions", f"at most {MAX_QUESTIONS} questions")
    seen: set[str] = set()
    out: list[dict[str, Any]] = []
    for n, question in enumerate(questions):
        where = f"questions[{n}]"
        if not isinstance(question, dict):
            raise SurveyError("invalid_questionnaire", f"{where}: a question is an object")
        extra = set(question) - {"id", "kind", "labels", "answers"}
        if extra:
            raise SurveyError("invalid_questionnaire", f"{where}: unknown field {sorted(extra)[0]!r}")
        qid = _id(question.get("id"), where)
        if qid in seen:
            raise SurveyError("duplicate_id", f"{where}.id: {qid!r} is used twice")
        seen.add(qid)
        kind = question.get("kind")
        if kind not in KINDS:
            raise SurveyError("invalid_kind", f"{where}.kind: one of {', '.join(KINDS)}")
        checked: dict[str, Any] = {"id": qid, "kind": kind, "labels": _labels(question.get("labels"), where)}
        if kind == "neighbourhood":
            if question.get("answers"):
                raise SurveyError(
                    "invalid_questionnaire", f"{where}: a neighbourhood question lists the study's own"
                )
            if any(q["kind"] == "neighbourhood" for q in out):
                raise SurveyError("invalid_questionnaire", f"{where}: one neighbourhood question at most")
        else:
            checked["answers"] = _answers(question.get("answers"), where, kind, pictures)
        out.append(checked)
    return {"questions": out}


def _answers(value: object, where: str, kind: str, pictures: Collection[str]) -> list[dict[str, Any]]:
    if not isinstance(value, list) or not value:
        raise SurveyError("no_answers", f"{where}.answers: at least one answer")
    if len(value) > MAX_ANSWERS:
        raise SurveyError("too_many_answers", f"{where}.answers: at most {MAX_ANSWERS}")
    seen: set[str] = set()
    out: list[dict[str, Any]] = []
    for m, answer in enumerate(value):
        at = f"{where}.answers[{m}]"
        if not isinstance(answer, dict):
            raise SurveyError("invalid_questionnaire", f"{at}: an answer is an object")
        extra = set(answer) - {"id", "labels", "picture", "exclusive"}
        if extra:
            raise SurveyError("invalid_questionnaire", f"{at}: unknown field {sorted(extra)[0]!r}")
        aid = _id(answer.get("id"), at)
        if aid in seen:
            raise SurveyError("duplicate_id", f"{at}.id: {aid!r} is used twice in this question")
        seen.add(aid)
        checked: dict[str, Any] = {"id": aid, "labels": _labels(answer.get("labels"), at)}
        picture = answer.get("picture")
        if picture is not None and picture != "":
            if not isinstance(picture, str) or picture not in pictures:
                raise SurveyError("unknown_picture", f"{at}.picture: not a pictogram of the catalogue")
            checked["picture"] = picture
        exclusive = answer.get("exclusive", False)
        if not isinstance(exclusive, bool):
            raise SurveyError("invalid_questionnaire", f"{at}.exclusive: true or false")
        if exclusive:
            if kind != "multiple":
                raise SurveyError("invalid_questionnaire", f"{at}.exclusive: only in a multiple question")
            checked["exclusive"] = True
        out.append(checked)
    return out


@dataclass(frozen=True)
class CheckedResponse:
    answers: dict[str, str | list[str]]  # canonical: the questionnaire's order
    neighbourhood_id: str | None

    def as_json(self) -> str:
        return json.dumps(self.answers, ensure_ascii=False, separators=(",", ":"))


def check_response(
    questionnaire: Mapping[str, Any], neighbourhood_ids: Collection[str], answers: object
) -> CheckedResponse:
    """`answers` ({question id: answer id | [answer ids]}) against a questionnaire version, or `SurveyError`:
    `unknown_question`, `unknown_answer`, `unknown_neighbourhood`, `invalid_answer` (wrong shape),
    `exclusive_answer` (« none » with another)."""
    if not isinstance(answers, dict):
        raise SurveyError("invalid_answer", "answers: an object {question id: answer}")
    by_id = {q["id"]: q for q in questionnaire["questions"]}
    for qid in answers:
        if qid not in by_id:
            raise SurveyError("unknown_question", f"answers.{qid}: no such question in this version")
    out: dict[str, str | list[str]] = {}
    neighbourhood: str | None = None
    for question in questionnaire["questions"]:
        qid = question["id"]
        if qid not in answers:
            continue  # a question left unanswered is absent
        given = answers[qid]
        if question["kind"] == "neighbourhood":
            if not isinstance(given, str):
                raise SurveyError("invalid_answer", f"answers.{qid}: one neighbourhood id")
            if given not in neighbourhood_ids:
                raise SurveyError("unknown_neighbourhood", f"answers.{qid}: not a neighbourhood of the study")
            out[qid] = neighbourhood = given
            continue
        known = [a["id"] for a in question["answers"]]
        if question["kind"] == "single":
            if not isinstance(given, str):
                raise SurveyError("invalid_answer", f"answers.{qid}: one answer id")
            if given not in known:
                raise SurveyError("unknown_answer", f"answers.{qid}: {given!r} is not one of its answers")
            out[qid] = given
            continue
        if not isinstance(given, list) or not given or not all(isinstance(a, str) for a in given):
            raise SurveyError("invalid_answer", f"answers.{qid}: a non-empty list of answer ids")
        if len(set(given)) != len(given):
            raise SurveyError("invalid_answer", f"answers.{qid}: an answer is given twice")
        for a in given:
            if a not in known:
                raise SurveyError("unknown_answer", f"answers.{qid}: {a!r} is not one of its answers")
        exclusive = {a["id"] for a in question["answers"] if a.get("exclusive")}
        if len(given) > 1 and exclusive & set(given):
            raise SurveyError(
                "exclusive_answer", f"answers.{qid}: « {sorted(exclusive & set(given))[0]} » goes alone"
            )
        out[qid] = [a for a in known if a in given]
    return CheckedResponse(out, neighbourhood)

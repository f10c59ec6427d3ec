"""The street survey's default questionnaire, and the shape every questionnaire has.

A questionnaire is JSON: `{"questions": [question, ...]}`; a question is
`{"id", "kind", "labels": {fr, en, ar}, "answers": [{"id", "labels", "picture"?, "exclusive"?}, ...]}` where
`kind` is `single` (one answer), `multiple` (several) or `neighbourhood` (one of the study's neighbourhoods:
its answers are not listed, the study's are used). `picture` is a catalogue pictogram's code (an OpenMoji
hexcode) shown beside the answer; an `exclusive` answer of a `multiple` question (« none », « nobody »)
cannot be chosen with another. A response is `{question id: answer id}` for `single` / `neighbourhood` and
`{question id: [answer ids]}` for `multiple`; a question left unanswered is absent. `fresque.survey.checks`
checks a questionnaire, and a response against it.

The question and answer ids below are a contract: the fragility rule (`fresque.survey.fragility`) and the
diagnostic (`fresque.diagnostic`) read them. A team may relabel, reorder, add or remove questions in its own
copy; the diagnostic shows what it finds. Why these questions (the public indicators they follow) is in
docs/diagnostic.md.
"""

from __future__ import annotations

import copy
from typing import Any, Final

from ..people import AGE_BANDS

Labels = dict[str, str]


def _l(fr: str, en: str, ar: str) -> Labels:
    return {"fr": fr, "en": en, "ar": ar}


#: The tasks whose autonomy is asked, one question each (`autonomy_<task>`), answers in `AUTONOMY`.
AUTONOMY_TASKS: Final[dict[str, Labels]] = {
    "online_procedure": _l(
        "Faire une démarche en ligne (CAF, impôts…)",
        "Do a procedure online (family benefits, taxes…)",
        "القيام بإجراء إداري عبر الإنترنت (CAF، الضرائب…)",
    ),
    "email": _l("Envoyer un e-mail", "Send an email", "إرسال بريد إلكتروني"),
    "documents": _l(
        "Envoyer un document ou une photo de papier",
        "Send a document or a photo of a paper",
        "إرسال وثيقة أو صورة لورقة",
    ),
    "appointment": _l(
        "Prendre un rendez-vous en ligne", "Book an appointment online", "حجز موعد عبر الإنترنت"
    ),
    "video_call": _l("Faire un appel vidéo", "Make a video call", "إجراء مكالمة فيديو"),
}

#: How a person does a task, from the most to the least autonomous.
AUTONOMY: Final[tuple[str, ...]] = ("alone", "with_help", "cannot")

_AUTONOMY_ANSWERS: Final = (
    ("alone", _l("Seul·e", "Alone", "وحدي"), "1F44D"),
    ("with_help", _l("Avec de l'aide", "With help", "بمساعدة"), "1F91D"),
    ("cannot", _l("Je ne peux pas", "I cannot", "لا أستطيع"), "1F62B"),
)

_QUESTIONS: Final[list[dict[str, Any]]] = [
    {
        "id": "neighbourhood",
        "kind": "neighbourhood",
        "labels": _l(
            "Dans quel quartier habitez-vous ?", "Which neighbourhood do you live in?", "في أي حي تسكن؟"
        ),
    },
    {
        "id": "age_band",
        "kind": "single",
        "labels": _l("Quel âge avez-vous ?", "How old are you?", "كم عمرك؟"),
        "answers": [
            {"id": band, "labels": labels}
            for band, labels in zip(
                AGE_BANDS,
                (
                    _l("Moins de 18 ans", "Under 18", "أقل من 18 سنة"),
                    _l("18 à 25 ans", "18 to 25", "من 18 إلى 25 سنة"),
                    _l("26 à 40 ans", "26 to 40", "من 26 إلى 40 سنة"),
                    _l("41 à 60 ans", "41 to 60", "من 41 إلى 60 سنة"),
                    _l("61 à 75 ans", "61 to 75", "من 61 إلى 75 سنة"),
                    _l("Plus de 75 ans", "Over 75", "أكثر من 75 سنة"),
                ),
                strict=True,
            )
        ],
    },
    {
        "id": "language",
        "kind": "single",
        "labels": _l(
            "Quelle langue parlez-vous le mieux ?",
            "Which language do you speak best?",
            "ما اللغة التي تتقنها أكثر؟",
        ),
        "answers": [
            {"id": "fr", "labels": _l("Français", "French", "الفرنسية")},
            {"id": "ar", "labels": _l("Arabe", "Arabic", "العربية")},
            {"id": "en", "labels": _l("Anglais", "English", "الإنجليزية")},
            {"id": "other", "labels": _l("Une autre langue", "Another language", "لغة أخرى")},
        ],
    },
    {
        "id": "equipment",
        "kind": "multiple",
        "labels": _l("Qu'avez-vous ?", "What do you have?", "ماذا تملك؟"),
        "answers": [
            {
                "id": "smartphone",
                "labels": _l("Un smartphone", "A smartphone", "هاتف ذكي"),
                "picture": "1F4F1",
            },
            {"id": "computer", "labels": _l("Un ordinateur", "A computer", "حاسوب"), "picture": "1F5A5"},
            {"id": "tablet", "labels": _l("Une tablette", "A tablet", "جهاز لوحي"), "picture": "1F4F2"},
            {
                "id": "internet_home",
                "labels": _l("Internet à la maison", "Internet at home", "إنترنت في المنزل"),
                "picture": "1F3E0",
            },
            {
                "id": "mobile_data",
                "labels": _l("Internet sur le téléphone", "Internet on the phone", "إنترنت على الهاتف"),
                "picture": "1F4F6",
            },
            {
                "id": "none",
                "labels": _l("Rien de tout ça", "None of these", "لا شيء من هذا"),
                "picture": "274C",
                "exclusive": True,
            },
        ],
    },
    {
        "id": "services_used",
        "kind": "multiple",
        "labels": _l(
            "Quels services utilisez-vous en ligne ?",
            "Which services do you use online?",
            "ما الخدمات التي تستعملها عبر الإنترنت؟",
        ),
        "answers": [
            {
                "id": "caf",
                "labels": _l("CAF", "CAF (family benefits)", "CAF (المنح العائلية)"),
                "picture": "1F9D1-200D-1F9D1-200D-1F9D2",
            },
            {
                "id": "ameli",
                "labels": _l(
                    "Ameli (Assurance maladie)", "Ameli (health insurance)", "Ameli (التأمين الصحي)"
                ),
                "picture": "1F48A",
            },
            {
                "id": "impots",
                "labels": _l("impots.gouv", "impots.gouv (taxes)", "impots.gouv (الضرائب)"),
                "picture": "1F4B6",
            },
            {
                "id": "france_travail",
                "labels": _l("France Travail", "France Travail (jobs)", "France Travail (التشغيل)"),
                "picture": "1F4BC",
            },
            {
                "id": "ent",
                "labels": _l("Pronote / ENT (école)", "Pronote / ENT (school)", "Pronote / ENT (المدرسة)"),
                "picture": "1F4D3",
            },
            {"id": "bank", "labels": _l("Banque", "Bank", "البنك"), "picture": "1F4B3"},
            {
                "id": "doctolib",
                "labels": _l("Doctolib (médecin)", "Doctolib (doctor)", "Doctolib (الطبيب)"),
                "picture": "1F4C5",
            },
            {
                "id": "ants",
                "labels": _l("ANTS (papiers, permis)", "ANTS (ID, licence)", "ANTS (الوثائق، رخصة السياقة)"),
                "picture": "1FAAA",
            },
            {"id": "none", "labels": _l("Aucun", "None", "لا شيء"), "picture": "274C", "exclusive": True},
        ],
    },
    *[
        {
            "id": f"autonomy_{task}",
            "kind": "single",
            "labels": labels,
            "answers": [{"id": aid, "labels": al, "picture": pic} for aid, al, pic in _AUTONOMY_ANSWERS],
        }
        for task, labels in AUTONOMY_TASKS.items()
    ],
    {
        "id": "help_from",
        "kind": "multiple",
        "labels": _l("Qui vous aide ?", "Who helps you?", "من يساعدك؟"),
        "answers": [
            {"id": "family", "labels": _l("La famille", "Family", "العائلة"), "picture": "1F46A"},
            {
                "id": "friends",
                "labels": _l("Des amis, des voisins", "Friends, neighbours", "الأصدقاء والجيران"),
                "picture": "1F9D1-200D-1F91D-200D-1F9D1",
            },
            {
                "id": "mediator",
                "labels": _l(
                    "Un conseiller numérique, France services",
                    "A digital adviser, France services",
                    "مستشار رقمي، France services",
                ),
                "picture": "E246",
            },
            {
                "id": "social_worker",
                "labels": _l("Un travailleur social", "A social worker", "مساعد اجتماعي"),
                "picture": "1F9D1-200D-1F4BC",
            },
            {
                "id": "association",
                "labels": _l("Une association", "An association", "جمعية"),
                "picture": "E098",
            },
            {
                "id": "nobody",
                "labels": _l("Personne", "Nobody", "لا أحد"),
                "picture": "1F645",
                "exclusive": True,
            },
        ],
    },
    {
        "id": "barriers",
        "kind": "multiple",
        "labels": _l(
            "Qu'est-ce qui vous gêne avec internet ?",
            "What gets in your way online?",
            "ما الذي يعيقك على الإنترنت؟",
        ),
        "answers": [
            {"id": "cost", "labels": _l("Le prix", "The cost", "الثمن"), "picture": "1F4B8"},
            {
                "id": "skills",
                "labels": _l("Je ne sais pas faire", "I don't know how", "لا أعرف كيف"),
                "picture": "1F615",
            },
            {"id": "language", "labels": _l("La langue", "The language", "اللغة"), "picture": "1F524"},
            {
                "id": "trust",
                "labels": _l("Je n'ai pas confiance", "I don't trust it", "لا أثق به"),
                "picture": "1F628",
            },
            {
                "id": "disability",
                "labels": _l("Un handicap, ma vue", "A disability, my sight", "إعاقة، بصري"),
                "picture": "267F",
            },
            {"id": "none", "labels": _l("Rien", "Nothing", "لا شيء"), "picture": "1F642", "exclusive": True},
        ],
    },
]


def default_questionnaire() -> dict[str, Any]:
    """A fresh copy of the default questionnaire (a study's first version; the team may edit its copy)."""
    return {"questions": copy.deepcopy(_QUESTIONS)}

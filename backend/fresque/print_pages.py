"""Printable pages of an actions board (issue 5): server-rendered, styled by `css/print.css`, no service.

| route | page |
|---|---|
| `GET /boards/{id}/actions/{action}/print` | one fiche action, A4 portrait (`print_fiche.html`) |
| `GET /boards/{id}/print` | the timeline, A4 landscape: lanes × periods, one bar per action, and its index |
| `GET /boards/{id}/print?fiches=1` | every fiche, one per page (`print_fiche.html`, several fiches) |

Any session of the board's workshop may print (stakeholders print their fiches); without a session the
browser goes to `/join`, like the board page. The residents' ideas an action links are read by
`fresque.behind.action_sources`, the rule of the fiche on screen, as this session may see them: in a study,
the fiche prints « Derrière cette action » (the neighbourhoods and the number of residents behind it, each
idea with its neighbourhood) and the question de travail the action answers; a workshop on its own prints
its linked ideas only. The capabilities web is the PNG of
`GET /api/boards/{id}/actions/{action}/radar.png` (`fresque.api.board_exports`), with the levels written out
in a table beside it (the picture's text alternative, and what a photocopy keeps). Votes are not printed.

The views (`fiche_view`, `timeline_view`) are pure functions of the board's snapshot and the words of one
language (`Labeller`), so they are tested without a server. The timeline is drawn as SVG (one per lane, so a
page breaks between lanes), since the pages' CSP allows no inline styles to place bars.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from . import behind
from .api.board_exports import BoardState, Labeller, board_state
from .api.deps import services
from .core.choices import LEVELS
from .core.fiche import FUNDING_STATES
from .core.timeline import SCALE_MONTHS, format_month, parse_month, periods
from .core.visibility import Viewer
from .pages import page_session, problem, render
from .study_scope import questions_of

router = APIRouter(include_in_schema=False)

RADAR_SIZE: Final = 800  # px of the PNG in a fiche (shown about 9 cm wide: sharp when printed)
ORDER_OF_PRIORITY: Final = {"high": 0, "medium": 1, "low": 2}


# -- words ----------------------------------------------------------------------------------------------


def month_label(words: Labeller, month: str) -> str:
    """`2025-03` → « mars 2025 » / "Mar 2025" / « مارس 2025 »."""
    year, number = month.split("-")
    return words.t("print.month_year", month=words.t(f"print.month.{int(number)}"), year=year)


def plural(words: Labeller, key: str, n: int, **variables: object) -> str:
    """`key_one` for one when the language has it (the catalogues' convention), else `key`."""
    one = f"{key}_one"
    return words.t(one if n == 1 and one in words.words else key, n=n, **variables)


def money(amount: int | None, lang: str) -> str:
    """Whole euros for a document: « 50 000 € » in French (narrow no-break spaces), "€50,000" in English."""
    if amount is None:
        return ""
    grouped = f"{amount:,}"
    if lang == "en":
        return f"€{grouped}"
    if lang == "fr":
        return grouped.replace(",", "\u202f") + "\u00a0€"
    return grouped + "\u00a0€"


# -- one fiche -------------------------------------------------------------------------------------------


def action_ref(action: Mapping[str, Any], index: int) -> str:
    """What names the action in a small space: its number, else its place in the board's order."""
    return str(action["fiche"]["number"] or f"#{index}")


def ordered_actions(snapshot: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Actions in reading order: by lane (the board's order), then start, then number and title."""
    lanes = {str(lane["id"]): i for i, lane in enumerate(snapshot["settings"]["lanes"])}
    return sorted(
        snapshot["actions"],
        key=lambda a: (
            lanes.get(a["lane"], len(lanes)),
            a["start"],
            a["fiche"]["number"] or "\uffff",
            a["fiche"]["title"].casefold(),
            a["id"],
        ),
    )


def fiche_view(
    snapshot: Mapping[str, Any],
    action: Mapping[str, Any],
    words: Labeller,
    *,
    board_id: str,
    index: int,
    solutions: Mapping[tuple[str, str], str | None],
    places: Mapping[tuple[str, str], str | None] | None = None,
    behind_it: Mapping[str, Any] | None = None,
    questions: Sequence[tuple[str, str]] | None = None,
) -> dict[str, Any]:
    """Everything a printed fiche shows, as words of `words.lang` (lists, tables, totals).

    `solutions`: each linked idea's words (None: gone, or not shown to this reader). In a study (`places` not
    None): each idea's neighbourhood (None: the whole territory), `behind_it` the action's entry of
    `behind.Sources.behind`, and `questions` the study's questions de travail in the team's order."""
    settings = snapshot["settings"]
    fiche = action["fiche"]
    lanes, orgs = words.of("lanes", "lane"), words.of("organisations", "organisation")
    groups = words.of("target_groups", "target_group")
    totals = {state: 0 for state in FUNDING_STATES}
    for line in fiche["funding"]:
        totals[line["state"]] += int(line["amount"])
    budget = fiche["budget"]
    secured = totals["secured"]
    start, end = parse_month(action["start"]), parse_month(action["end"])
    series_labels = words.of("series", "series")
    capabilities = action.get("capabilities", {})
    axes = [
        {
            "label": words.entry("axis", axis),
            "levels": [capabilities.get(s["id"], {}).get(axis["id"]) for s in settings["series"]],
        }
        for axis in settings["axes"]
    ]
    return {
        "id": action["id"],
        "ref": action_ref(action, index),
        "number": fiche["number"],
        "title": fiche["title"],
        "lane": lanes.get(action["lane"], action["lane"]),
        "axis": fiche["axis"],
        "status": words.t(f"print.status.{fiche['status']}"),
        "status_id": fiche["status"],
        "priority": words.t(f"print.priority.{fiche['priority']}") if fiche["priority"] else "",
        "priority_id": fiche["priority"] or "",
        "start": month_label(words, action["start"]),
        "end": month_label(words, action["end"]),
        "duration": plural(words, "print.months", end - start + 1),
        "period": month_label(words, action["start"])
        if start == end
        else words.t(
            "print.from_to",
            start=month_label(words, action["start"]),
            end=month_label(words, action["end"]),
        ),
        "calendar": fiche["calendar"],
        "milestones": [
            {"month": month_label(words, m["month"]), "label": m["label"]} for m in action["milestones"]
        ],
        "findings": fiche["findings"],
        "linked": [
            {
                "label": solutions.get((link["board"], link["item"])),
                "board": link["board"],
                "item": link["item"],
                "place": None if places is None else _place(words, places.get((link["board"], link["item"]))),
            }
            for link in action["links"]
        ],
        "in_study": places is not None,
        "behind": None if places is None else behind_view(words, behind_it),
        "question": question_view(action.get("question"), questions or []),
        "general_objective": fiche["general_objective"],
        "operational_objectives": list(fiche["operational_objectives"]),
        "target_groups": [groups.get(g, g) for g in fiche["target_groups"]],
        "territory": list(fiche["territory"]),
        "lead": orgs.get(fiche["lead"], fiche["lead"]) if fiche["lead"] else "",
        "partners": [
            {"name": orgs.get(p["organisation"], p["organisation"]), "role": p["role"]}
            for p in fiche["partners"]
        ],
        "human_means": fiche["human_means"],
        "material_means": fiche["material_means"],
        "budget": money(budget, words.lang),
        "has_budget": budget is not None,
        "funding": [
            {
                "source": line["source"],
                "amount": money(int(line["amount"]), words.lang),
                "state": words.t(f"print.funding.{line['state']}"),
                "state_id": line["state"],
            }
            for line in fiche["funding"]
        ],
        "funding_totals": [
            {
                "state": words.t(f"print.funding.{state}"),
                "state_id": state,
                "amount": money(totals[state], words.lang),
            }
            for state in FUNDING_STATES
        ],
        "to_secure": money(budget - secured, words.lang) if budget is not None else "",
        "indicators": [
            {
                "kind": words.t(f"print.indicator.{i['kind']}"),
                "label": i["label"],
                "target": i["target"],
                "source": i["source"],
            }
            for i in fiche["indicators"]
        ],
        "risks": fiche["risks"],
        "series": [series_labels[str(s["id"])] for s in settings["series"]],
        "axes": axes,
        "scored": any(capabilities.values()),
        "radar_url": (
            f"/api/boards/{board_id}/actions/{action['id']}/radar.png?size={RADAR_SIZE}&lang={words.lang}"
        ),
    }


def _place(words: Labeller, name: str | None) -> str:
    return name or words.t("questions.territory")


def behind_view(words: Labeller, behind_it: Mapping[str, Any] | None) -> dict[str, Any]:
    """« Jas-de-Bouffan, Encagnane · 4 habitants »: where and how many residents are behind an action (an
    action linking no idea that this reader may see: no neighbourhood, 0 residents)."""
    found = behind_it or {"neighbourhoods": [], "residents": 0, "votes_hidden": False}
    places = ", ".join(n["name"] for n in found["neighbourhoods"]) or words.t("questions.territory")
    n = int(found["residents"])
    # as the screen counts them (Intl.PluralRules): French says « 0 habitant », English "0 residents"
    one = n == 1 or (n == 0 and words.lang == "fr")
    people = words.t("questions.behind.residents_one" if one else "questions.behind.residents", n=n)
    return {
        "places": places,
        "people": people,
        "summary": words.t("print.behind.summary", places=places, people=people),
        "votes_hidden": bool(found["votes_hidden"]),
        "residents": int(found["residents"]),
    }


def question_view(question_id: str | None, questions: Sequence[tuple[str, str]]) -> dict[str, Any] | None:
    """The question de travail an action answers: its number in the study's order and its words; a question
    deleted meanwhile is said so (`gone`)."""
    if not question_id:
        return None
    for i, (qid, text) in enumerate(questions):
        if qid == question_id:
            return {"tag": f"Q{i + 1}", "text": text, "gone": False}
    return {"tag": "", "text": "", "gone": True}


def level_legend(words: Labeller) -> list[dict[str, Any]]:
    return [{"level": level, "label": words.level(level)} for level in LEVELS]


# -- the timeline ----------------------------------------------------------------------------------------

# Drawing units are millimetres of the printed page (A4 landscape, 10 mm margins: 277 mm wide).
WIDTH: Final = 277.0
LABEL_W: Final = 34.0
ROW_H: Final = 9.0
BAR_H: Final = 6.4
LANE_PAD: Final = 2.0
FONT: Final = 2.7  # mm, about 7.7 pt
CHAR_W: Final = 0.6  # of the font size: a wide (bold) character, to cut titles before they overflow
LANE_COLOURS: Final = (
    ("#e6eefb", "#1f5fbf"),  # blue
    ("#fdf0e1", "#b35900"),  # orange
    ("#e3f3ef", "#0f6b5f"),  # green
    ("#f6e8f2", "#8c3a72"),  # purple
    ("#eef6fc", "#2a6f97"),  # sky
    ("#fbf5dc", "#7a6200"),  # yellow
)


@dataclass(frozen=True)
class Column:
    x: float
    w: float
    label: str
    strong: bool  # a year's first period: a darker line


def fit(text: str, width: float, font: float = FONT) -> str:
    """`text` cut with « … » so that it fits `width` mm at `font` mm (an estimate; the table has it whole)."""
    room = int(width / (font * CHAR_W))
    if len(text) <= room:
        return text
    return text[: max(room - 1, 0)].rstrip() + "…" if room > 1 else ""


PERIOD_FONT: Final = 2.8


def fit_label(label: str, short: str, width: float) -> str:
    """A period's name in its column: whole if it fits, else `short`, else nothing."""
    for text in (label, short):
        if text and len(text) * PERIOD_FONT * CHAR_W <= width - 0.6:
            return text
    return ""


def pack(bars: Sequence[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """Bars on as few rows as possible without overlap, first come first placed (bars sorted by start)."""
    rows: list[list[dict[str, Any]]] = []
    ends: list[int] = []
    for bar in bars:
        for i, last in enumerate(ends):
            if bar["first"] > last:
                rows[i].append(bar)
                ends[i] = bar["last"]
                break
        else:
            rows.append([bar])
            ends.append(bar["last"])
    return rows


def timeline_view(
    snapshot: Mapping[str, Any], words: Labeller, *, today: str | None = None
) -> dict[str, Any]:
    """The landscape timeline: header columns (years, periods), one SVG block per lane with its bars packed
    in rows, milestones as diamonds, today's line, and the index of actions (the table under the chart)."""
    settings = snapshot["settings"]
    timeline = settings["timeline"]
    scale = timeline["scale"]
    first, last = parse_month(timeline["start"]), parse_month(timeline["end"])
    total = last - first + 1
    chart = WIDTH - LABEL_W
    per_month = chart / total

    def x_of(month: int) -> float:
        return round(LABEL_W + (month - first) * per_month, 2)

    step = SCALE_MONTHS[scale]
    columns = []
    width = round(step * per_month, 2)
    for p in periods(first, last, scale):
        month = p % 12 + 1
        if scale == "month":  # « janv. », else « 1 » when months are narrow, else nothing
            label = fit_label(words.t(f"print.month.{month}"), str(month), width)
        else:
            label = fit_label(words.t(f"print.{scale}", n=(month - 1) // step + 1), "", width)
        columns.append(Column(x_of(p), width, label, month == 1 or p == first))
    years = []
    for year in range(first // 12, last // 12 + 1):
        a, b = max(first, year * 12), min(last, year * 12 + 11)
        years.append({"x": x_of(a), "w": round((b - a + 1) * per_month, 2), "label": str(year)})

    ordered = ordered_actions(snapshot)
    refs = {a["id"]: action_ref(a, i) for i, a in enumerate(ordered, start=1)}
    lane_words = words.of("lanes", "lane")
    lanes = []
    for li, lane in enumerate(settings["lanes"]):
        fill, stroke = LANE_COLOURS[li % len(LANE_COLOURS)]
        bars = []
        for action in (a for a in ordered if a["lane"] == lane["id"]):
            a_first, a_last = parse_month(action["start"]), parse_month(action["end"])
            x, w = x_of(a_first), round((a_last - a_first + 1) * per_month, 2)
            ref = refs[action["id"]]
            text = fit(f"{ref} · {action['fiche']['title']}", w - 2.4)
            if not text or len(text) <= len(ref) + 3:
                text = fit(ref, w - 1.2)
            bars.append(
                {
                    "id": action["id"],
                    "first": a_first,
                    "last": a_last,
                    "x": x,
                    "w": w,
                    "text": text,
                    "title": f"{ref} · {action['fiche']['title']}",
                    "status": action["fiche"]["status"],
                    "milestones": [
                        {
                            "x": round(x_of(parse_month(m["month"])) + per_month / 2, 2),
                            "label": m["label"],
                        }
                        for m in action["milestones"]
                    ],
                }
            )
        rows = pack(bars)
        height = LANE_PAD * 2 + ROW_H * max(len(rows), 1)
        for r, row in enumerate(rows):
            for bar in row:
                bar["y"] = round(LANE_PAD + r * ROW_H + (ROW_H - BAR_H) / 2, 2)
                bar["text_y"] = round(bar["y"] + BAR_H / 2 + FONT * 0.36, 2)
                bar["mid_y"] = round(bar["y"] + BAR_H, 2)
        label = lane_words.get(str(lane["id"]), str(lane["id"]))
        lanes.append(
            {
                "label": label,
                "label_lines": wrap(label, LABEL_W - 4, 3.2, 3),
                "fill": fill,
                "stroke": stroke,
                "bars": [b for row in rows for b in row],
                "height": round(height, 2),
                "count": len(bars),
                "summary": plural(words, "print.lane_summary", len(bars), lane=label),
            }
        )
    today_x = None
    if today is not None:
        now_month = parse_month(today)
        if first <= now_month <= last:
            today_x = round(x_of(now_month) + per_month / 2, 2)
    index = [
        {
            "ref": refs[a["id"]],
            "title": a["fiche"]["title"],
            "lane": lane_words.get(a["lane"], a["lane"]),
            "dates": words.t(
                "print.from_to", start=month_label(words, a["start"]), end=month_label(words, a["end"])
            ),
            "lead": words.of("organisations", "organisation").get(a["fiche"]["lead"], a["fiche"]["lead"])
            if a["fiche"]["lead"]
            else "",
            "status": words.t(f"print.status.{a['fiche']['status']}"),
            "milestones": [
                {"month": month_label(words, m["month"]), "label": m["label"]} for m in a["milestones"]
            ],
        }
        for a in ordered
    ]
    return {
        "width": WIDTH,
        "label_w": LABEL_W,
        "header_h": 12.0,
        "columns": columns,
        "years": years,
        "lanes": lanes,
        "today_x": today_x,
        "today": month_label(words, today) if today else "",
        "range": words.t(
            "print.from_to",
            start=month_label(words, timeline["start"]),
            end=month_label(words, timeline["end"]),
        ),
        "scale": words.t(f"print.scale.{scale}"),
        "index": index,
        "count": plural(words, "print.actions_count", len(ordered)),
        "font": FONT,
        "bar_h": BAR_H,
        "legend": [{k: lane[k] for k in ("label", "fill", "stroke")} for lane in lanes],
    }


def wrap(text: str, width: float, font: float, lines: int) -> list[str]:
    """Words on at most `lines` lines of `width` mm (estimated), the last one cut with « … »."""
    room = max(int(width / (font * CHAR_W)), 1)
    out: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}" if current else word
        if len(candidate) <= room or not current:
            current = candidate
        else:
            out.append(current)
            current = word
    if current:
        out.append(current)
    if len(out) > lines:
        out = [*out[: lines - 1], fit(" ".join(out[lines - 1 :]), width, font)]
    return [fit(line, width, font) for line in out]


# -- routes --------------------------------------------------------------------------------------------


async def _board_for_print(
    request: Request, board_id: str
) -> tuple[BoardState, dict[str, Any], Viewer] | Response:
    session = await page_session(request)
    if session is None:
        return RedirectResponse("/join", status_code=303)
    found = services(request)
    row = await found.store.board(board_id)
    if row is None or row.kind != "actions":
        return problem(request, "not_found", 404)
    if row.workshop_id != session.workshop_id:
        return problem(request, "forbidden", 403)
    workshop = await found.store.workshop(row.workshop_id)
    assert workshop is not None
    state = await board_state(found, row)
    viewer = await behind.viewer_of(found, session)  # as the sockets and the fiche's sources see it
    return state, {k: workshop[k] for k in ("id", "title", "neighbourhood")}, viewer


def _words(request: Request, snapshot: Mapping[str, Any]) -> Labeller:
    from .i18n import requested_language

    lang, _ = requested_language(request)
    return Labeller(snapshot["settings"], lang)


def _printed_on(words: Labeller) -> str:
    today = datetime.now(UTC).date()
    month = words.t(f"print.month.{today.month}")
    day = words.t("print.day_month_year", day=today.day, month=month, year=today.year)
    return words.t("print.printed_on", date=day)


async def _fiches(
    request: Request,
    state: BoardState,
    words: Labeller,
    actions: Sequence[Mapping[str, Any]],
    viewer: Viewer,
) -> list[dict[str, Any]]:
    found = services(request)
    workshop_id = state.row.workshop_id
    sources = await behind.action_sources(found, workshop_id, viewer, behind.wanted_of_snapshot(actions))
    solutions = {
        (link["board"], link["item"]): behind.solution_words(link["solution"], words.lang)
        if link["found"]
        else None
        for link in sources.links
    }
    places = None
    if sources.in_study:
        places = {
            (link["board"], link["item"]): (link["neighbourhood"] or {}).get("name") for link in sources.links
        }
    questions = await questions_of(found.store, workshop_id) if sources.in_study else []
    index = {a["id"]: i for i, a in enumerate(ordered_actions(state.snapshot), start=1)}
    return [
        fiche_view(
            state.snapshot,
            a,
            words,
            board_id=state.row.id,
            index=index[a["id"]],
            solutions=solutions,
            places=places,
            behind_it=(sources.behind or {}).get(a["id"]),
            questions=questions,
        )
        for a in actions
    ]


@router.get("/boards/{board_id}/actions/{action_id}/print")
async def print_fiche(request: Request, board_id: str, action_id: str) -> Response:
    found = await _board_for_print(request, board_id)
    if isinstance(found, Response):
        return found
    state, workshop, viewer = found
    action = next((a for a in state.snapshot["actions"] if a["id"] == action_id), None)
    if action is None:
        return problem(request, "not_found", 404)
    words = _words(request, state.snapshot)
    fiches = await _fiches(request, state, words, [action], viewer)
    return render(
        request,
        "print_fiche.html",
        {
            "page": "print-fiche",
            "title_key": "print.fiche.page_title",
            "workshop": workshop,
            "board": {"id": board_id, "title": state.snapshot["settings"]["title"]},
            "fiches": fiches,
            "levels": level_legend(words),
            "printed_on": _printed_on(words),
            "back_url": f"/boards/{board_id}",
        },
    )


@router.get("/boards/{board_id}/print")
async def print_board(request: Request, board_id: str, fiches: str | None = None) -> Response:
    found = await _board_for_print(request, board_id)
    if isinstance(found, Response):
        return found
    state, workshop, viewer = found
    words = _words(request, state.snapshot)
    board = {"id": board_id, "title": state.snapshot["settings"]["title"]}
    if fiches not in (None, "", "0"):
        return render(
            request,
            "print_fiche.html",
            {
                "page": "print-fiche",
                "title_key": "print.fiches.page_title",
                "workshop": workshop,
                "board": board,
                "fiches": await _fiches(request, state, words, ordered_actions(state.snapshot), viewer),
                "levels": level_legend(words),
                "printed_on": _printed_on(words),
                "back_url": f"/boards/{board_id}",
            },
        )
    today = format_month(datetime.now(UTC).year * 12 + datetime.now(UTC).month - 1)
    return render(
        request,
        "print_timeline.html",
        {
            "page": "print-timeline",
            "title_key": "print.timeline.page_title",
            "workshop": workshop,
            "board": board,
            "timeline": timeline_view(state.snapshot, words, today=today),
            "count": len(state.snapshot["actions"]),
            "printed_on": _printed_on(words),
            "back_url": f"/boards/{board_id}",
            "fiches_url": f"/boards/{board_id}/print?fiches=1",
        },
    )

"""The schéma's content (`tree.Document`), built once from the study's facts (`gather.StudyFacts`) in one
language; the PDF and the ODT draw this same tree.

Nothing is counted here a second way: the diagnostic's figures, charts and tables are the diagnostic
page's (`charts.diagnostic.build_view` on the diagnostic's own figures, « < 5 » included), the fiches are
the printed fiches' view (`print_pages.fiche_view`), the fresco is the printed timeline's layout
(`print_pages.timeline_view`), and the residents behind an action are counted by the traceability's rule
(`gather`). Words come from the pages' dictionaries (`schema.*`, and the diagnostic's and print's keys).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Any, Final

from ..api.board_exports import Labeller, web_inputs
from ..charts.diagnostic import Figure as ChartFigure
from ..charts.diagnostic import Words, build_view
from ..charts.svg import SUPPRESSED
from ..diagnostic import THRESHOLD
from ..i18n import direction_of, translator
from ..print_pages import fiche_view, ordered_actions, timeline_view
from .bidi import isolate
from .figures import fresco_svg, radar_svg
from .gather import Idea, PlanBoard, StudyFacts
from .tree import Block, Cover, Document, Figure, Items, Paragraph, Quote, Quotes, Section, Table

PAGE_MM: Final = 170.0  # A4 portrait's width inside 20 mm margins
LANDSCAPE_MM: Final = 257.0  # A4 landscape's
CHART_MM_PER_PX: Final = 0.25  # a chart's 15 px words print at ~11 pt
_SIZE = re.compile(r'<svg[^>]*?\swidth="([\d.]+)"[^>]*?\sheight="([\d.]+)"')


class Builder:
    def __init__(self, facts: StudyFacts, lang: str, today: date) -> None:
        self.facts = facts
        self.lang = lang
        self.t = translator(lang)
        self.words = Words(lang, self.t)
        self.today = today
        self.anchors: set[str] = set()

    def anchor(self, wanted: str) -> str:
        name, n = wanted, 1
        while name in self.anchors:
            n += 1
            name = f"{wanted}-{n}"
        self.anchors.add(name)
        return name

    def section(
        self, level: int, heading: str, anchor: str, *blocks: Block, page_break: bool = False
    ) -> Section:
        return Section(level, heading, self.anchor(anchor), list(blocks), page_break=page_break)

    def day(self, when: date) -> str:
        month = self.t(f"print.month.{when.month}")
        return self.t("print.day_month_year", day=when.day, month=month, year=when.year)

    def label(self, labels: Mapping[str, str] | None, fallback: str) -> str:
        return self.words.label(labels, fallback)

    # -- the document --------------------------------------------------------------------------------------

    def document(self) -> Document:
        t = self.t
        study = self.facts.dashboard["study"]
        period = t("schema.cover.period", start=study["period_start"] or "…", end=study["period_end"] or "…")
        return Document(
            lang=self.lang,
            direction=direction_of(self.lang),
            title=t("schema.document_title", title=study["title"]),
            cover=Cover(
                kicker=t("schema.cover.kicker"),
                title=study["title"],
                territory=study["territory"],
                period=period if study["period_start"] or study["period_end"] else "",
                date=t("schema.cover.date", date=self.day(self.today)),
            ),
            contents=t("schema.contents"),
            sections=[self.method(), self.diagnostic(), self.questions(), self.plan(), self.annexes()],
            footer=f"{t('schema.cover.kicker')} · {study['title']}",
        )

    # -- context and method ----------------------------------------------------------------------------------

    def method(self) -> Section:
        t, d = self.t, self.facts.dashboard
        study = d["study"]
        territory = self.facts.diagnostic["territory"]
        residents_workshops = [w for w in d["workshops"] if not w["partners"]]
        partners_workshops = [w for w in d["workshops"] if w["partners"]]
        organisations = self.organisations()
        rows = [
            (t("schema.method.territory"), study["territory"]),
            (
                t("schema.method.period"),
                t("schema.cover.period", start=study["period_start"] or "…", end=study["period_end"] or "…"),
            ),
            (t("schema.method.neighbourhoods"), str(len(d["neighbourhoods"]))),
            (t("schema.method.surveys"), self.words.count(territory["surveys"]["respondents"])),
            (t("schema.method.workshops"), str(len(residents_workshops))),
            (t("schema.method.residents"), self.words.count(territory["workshops"]["people"])),
            (t("schema.method.partner_workshops"), str(len(partners_workshops))),
            (t("schema.method.partners"), str(len(organisations))),
        ]
        blocks: list[Block] = [
            Paragraph(t("schema.method.intro", territory=study["territory"]), "lead"),
            Paragraph(t("schema.method.how")),
            Table(t("schema.method.facts"), (), tuple(rows)),
            Paragraph(t("diagnostic.small_n", n=self.facts.diagnostic.get("threshold", THRESHOLD)), "note"),
        ]
        places = [
            n["name"] + (f" ({n['qpv_code']})" if n.get("qpv_code") else "") for n in d["neighbourhoods"]
        ]
        children = [self.section(2, t("schema.method.neighbourhoods"), "method-neighbourhoods")]
        children[0].blocks.append(Items(tuple(places)) if places else Paragraph(t("schema.none")))
        workshops = [
            (w["title"], w["neighbourhood"] or t("diagnostic.territory"), w["date"] or "—")
            for w in d["workshops"]
        ]
        children.append(
            self.section(
                2,
                t("schema.method.workshop_list"),
                "method-workshops",
                Table(
                    t("schema.method.workshop_list"),
                    (t("schema.col.workshop"), t("schema.col.neighbourhood"), t("schema.col.date")),
                    tuple(workshops),
                )
                if workshops
                else Paragraph(t("schema.none")),
            )
        )
        if organisations:
            children.append(
                self.section(2, t("schema.method.partners"), "method-partners", Items(tuple(organisations)))
            )
        children.append(
            self.section(
                2, t("schema.method.credits"), "method-credits", Paragraph(t("schema.method.attribution"))
            )
        )
        top = self.section(1, t("schema.method.title"), "method", *blocks, page_break=True)
        top.children = children
        return top

    def organisations(self) -> list[str]:
        """Every organisation named on a fiche (lead or partner), once, in the order first met."""
        out: dict[str, None] = {}
        for plan in self.facts.boards:
            orgs = Labeller(plan.snapshot["settings"], self.lang).of("organisations", "organisation")
            for action in ordered_actions(plan.snapshot):
                fiche = action["fiche"]
                for org in [fiche["lead"], *(p["organisation"] for p in fiche["partners"])]:
                    if org:
                        out.setdefault(orgs.get(org, org), None)
        return list(out)

    # -- the diagnostic ------------------------------------------------------------------------------------

    def figure(self, chart: ChartFigure) -> Section:
        svg = str(chart.svg)
        found = _SIZE.search(svg)
        width, height = (float(found.group(1)), float(found.group(2))) if found else (340.0, 200.0)
        table = Table(chart.table.caption, chart.table.head, chart.table.rows)
        alt = self.t("schema.figure_alt", title=chart.heading, note=chart.note)
        return self.section(
            3,
            chart.heading,
            chart.id,
            Paragraph(chart.note, "note"),
            Figure(
                chart.id, chart.heading, alt, svg, width, height, min(PAGE_MM, width * CHART_MM_PER_PX), table
            ),
        )

    def diagnostic(self) -> Section:
        t = self.t
        view = build_view(self.facts.diagnostic, self.words)
        keys = self.section(
            2,
            t("diagnostic.key.title"),
            "diagnostic-keys",
            Table(
                t("diagnostic.key.title"),
                (t("schema.col.figure"), t("schema.col.value"), t("schema.col.note")),
                tuple((k.label, k.value, k.note) for k in view.keys),
            ),
            Table(view.comparison.caption, view.comparison.head, view.comparison.rows),
        )
        survey = self.section(2, t("diagnostic.section.survey"), "diagnostic-survey")
        survey.children = [self.figure(f) for f in view.survey]
        workshops = self.section(2, t("diagnostic.section.workshops"), "diagnostic-workshops")
        workshops.children = [self.figure(f) for f in view.workshops]
        words = self.section(2, t("diagnostic.section.words"), "diagnostic-words")
        if view.words_suppressed:
            words.blocks.append(Paragraph(t("diagnostic.words.suppressed")))
        elif not view.words:
            words.blocks.append(Paragraph(t("diagnostic.words.empty")))
        else:
            if view.words_total > len(view.words):
                words.blocks.append(
                    Paragraph(
                        t("diagnostic.words.more", shown=len(view.words), total=view.words_total), "note"
                    )
                )
            words.blocks.append(
                Quotes(
                    tuple(
                        Quote(
                            q.text,
                            " · ".join(p for p in (q.kind, q.severity, q.neighbourhood, q.workshop) if p),
                        )
                        for q in view.words
                    )
                )
            )
        top = self.section(
            1,
            t("schema.diagnostic.title"),
            "diagnostic",
            Paragraph(t("schema.diagnostic.intro"), "lead"),
            page_break=True,
        )
        top.children = [keys, survey, workshops, words]
        return top

    # -- the questions de travail ----------------------------------------------------------------------------

    def about(self, question: Mapping[str, Any]) -> str:
        about = question.get("about") or {}
        finding = question.get("finding") or {}
        parts = [self.label(about.get("label"), "") or about.get("text") or ""]
        if about.get("severity"):
            parts.append(self.t(f"board.severity.{about['severity']}"))
        place = about.get("neighbourhood")
        parts.append(place["name"] if place else self.t("diagnostic.territory"))
        if finding.get("note"):
            parts.append(str(finding["note"]))
        kind = self.t(f"schema.questions.kind.{about.get('kind') or finding.get('kind') or 'idea'}")
        about = " · ".join(isolate(p) for p in parts if p)  # anyone's words inside our sentence
        return self.t("schema.questions.from", kind=kind, about=about)

    def questions(self) -> Section:
        t = self.t
        top = self.section(1, t("schema.questions.title"), "questions", page_break=True)
        if not self.facts.questions:
            top.blocks.append(Paragraph(t("schema.questions.none")))
            return top
        top.blocks.append(Paragraph(t("schema.questions.intro"), "lead"))
        for i, q in enumerate(self.facts.questions, start=1):
            top.blocks.append(Paragraph(t("schema.questions.item", n=i, question=q["question"])))
            top.blocks.append(Paragraph(self.about(q), "note"))
        return top

    # -- the action plan -------------------------------------------------------------------------------------

    def idea_words(self, idea: Idea) -> str:
        label = self.label(idea.labels, "") if idea.labels else ""
        if idea.text and label:
            return f"{label} — {self.t('print.quoted', text=isolate(idea.text))}"
        return idea.text or label or "—"

    def plan(self) -> Section:
        t = self.t
        top = self.section(1, t("schema.plan.title"), "plan", page_break=True)
        boards = [b for b in self.facts.boards if b.snapshot["actions"]]
        if not boards:
            top.blocks.append(Paragraph(t("schema.plan.none")))
            return top
        top.blocks.append(Paragraph(t("schema.plan.intro"), "lead"))
        for plan in boards:
            top.children.append(self.fresco(plan, len(boards) > 1))
            top.children.extend(self.fiches(plan))
        return top

    def fresco(self, plan: PlanBoard, several: bool) -> Section:
        t = self.t
        words = Labeller(plan.snapshot["settings"], self.lang)
        timeline = timeline_view(plan.snapshot, words)
        heading = t("schema.plan.fresco")
        if several:
            heading = t("schema.plan.fresco_of", title=plan.snapshot["settings"]["title"])
        lanes = "; ".join(lane["summary"] for lane in timeline["lanes"])
        alt = t("schema.plan.fresco_alt", range=timeline["range"], lanes=lanes)
        svg, width, height = fresco_svg(
            timeline, heading, self.lang, (t("print.legend.draft"), t("print.legend.milestone"))
        )
        index = Table(
            t("print.timeline.index"),
            (
                t("print.col.number"),
                t("print.col.action"),
                t("print.field.lane"),
                t("print.field.period"),
                t("print.field.lead"),
                t("print.field.status"),
            ),
            tuple(
                (a["ref"], a["title"], a["lane"], a["dates"], a["lead"] or "—", a["status"])
                for a in timeline["index"]
            ),
        )
        section = self.section(
            2,
            heading,
            "fresco",
            Paragraph(f"{timeline['range']} · {timeline['scale']} · {timeline['count']}", "note"),
            Figure("fresco", heading, alt, svg, width, height, LANDSCAPE_MM, index),
            page_break=True,
        )
        section.landscape = True
        return section

    def fiches(self, plan: PlanBoard) -> list[Section]:
        words = Labeller(plan.snapshot["settings"], self.lang)
        solutions: dict[tuple[str, str], str | None] = {
            key: self.idea_words(idea) for key, idea in self.facts.ideas.items()
        }
        out = []
        for index, action in enumerate(ordered_actions(plan.snapshot), start=1):
            view = fiche_view(
                plan.snapshot,
                action,
                words,
                board_id=plan.row.id,
                index=index,
                solutions=solutions,
                questions=[(q["id"], q["question"]) for q in self.facts.questions],
            )
            out.append(self.fiche(plan, action, view, words))
        return out

    def fiche(
        self, plan: PlanBoard, action: Mapping[str, Any], f: Mapping[str, Any], words: Labeller
    ) -> Section:
        t = self.t
        empty = t("print.empty")
        heading = t("schema.fiche.heading", ref=f["ref"], title=f["title"])
        top = self.section(2, heading, f"fiche-{f['id']}", page_break=True)
        ident = [
            (t("print.field.lane"), f["lane"]),
            (t("print.field.status"), f["status"]),
            (t("print.field.priority"), f["priority"] or "—"),
            (t("print.field.axis"), f["axis"] or empty),
            (t("print.field.period"), f"{f['period']} ({f['duration']})"),
            (t("print.field.lead"), f["lead"] or empty),
            (t("print.field.territory"), ", ".join(f["territory"]) or empty),
            (t("print.field.target_groups"), ", ".join(f["target_groups"]) or empty),
        ]
        question = f.get("question")
        if question is not None:
            answered = (
                t("schema.fiche.question_gone")
                if question["gone"]
                else f"{question['tag']} · {question['text']}"
            )
            ident.append((t("schema.fiche.question"), answered))
        top.blocks.append(Table(t("schema.fiche.identity"), (), tuple(ident)))
        kids = top.children
        aid = f["id"]
        kids.append(
            self.section(3, t("print.section.findings"), f"findings-{aid}", Paragraph(f["findings"] or empty))
        )
        kids.append(self.ideas_section(plan, action, aid))
        objectives: list[Block] = [
            Paragraph(
                t("print.colon", label=t("print.field.general_objective"))
                + " "
                + (f["general_objective"] or empty)
            )
        ]
        if f["operational_objectives"]:
            objectives.append(Paragraph(t("print.field.operational_objectives")))
            objectives.append(Items(tuple(f["operational_objectives"]), ordered=True))
        kids.append(self.section(3, t("print.section.objectives"), f"objectives-{aid}", *objectives))
        partners = [(f["lead"] or empty, t("print.role.lead"))] + [
            (p["name"], p["role"] or "—") for p in f["partners"]
        ]
        kids.append(
            self.section(
                3,
                t("print.section.partners"),
                f"partners-{aid}",
                Table(
                    t("print.section.partners"),
                    (t("print.col.organisation"), t("print.col.role")),
                    tuple(partners),
                ),
            )
        )
        kids.append(
            self.section(
                3,
                t("print.section.means"),
                f"means-{aid}",
                Table(
                    t("print.section.means"),
                    (),
                    (
                        (t("print.field.human_means"), f["human_means"] or empty),
                        (t("print.field.material_means"), f["material_means"] or empty),
                    ),
                ),
            )
        )
        funding = [(line["source"], line["state"], line["amount"]) for line in f["funding"]]
        if f["funding"]:
            funding += [(t("print.total_of", state=x["state"]), "", x["amount"]) for x in f["funding_totals"]]
        if f["has_budget"]:
            funding.append((t("print.to_secure"), "", f["to_secure"]))
        kids.append(
            self.section(
                3,
                t("print.section.budget"),
                f"budget-{aid}",
                Paragraph(t("print.colon", label=t("print.field.budget")) + " " + (f["budget"] or "—")),
                Table(
                    t("print.section.budget"),
                    (t("print.col.source"), t("print.col.state"), t("print.col.amount")),
                    tuple(funding),
                )
                if funding
                else Paragraph(empty),
            )
        )
        calendar: list[Block] = [Paragraph(f["period"] + (f" — {f['calendar']}" if f["calendar"] else ""))]
        if f["milestones"]:
            calendar.append(
                Table(
                    t("print.section.calendar"),
                    (t("print.col.month"), t("print.col.milestone")),
                    tuple((m["month"], m["label"]) for m in f["milestones"]),
                )
            )
        kids.append(self.section(3, t("print.section.calendar"), f"calendar-{aid}", *calendar))
        kids.append(
            self.section(
                3,
                t("print.section.indicators"),
                f"indicators-{aid}",
                Table(
                    t("print.section.indicators"),
                    (
                        t("print.col.kind"),
                        t("print.col.indicator"),
                        t("print.col.target"),
                        t("print.col.data_source"),
                    ),
                    tuple(
                        (i["kind"], i["label"], i["target"] or "—", i["source"] or "—")
                        for i in f["indicators"]
                    ),
                )
                if f["indicators"]
                else Paragraph(empty),
            )
        )
        kids.append(self.section(3, t("print.section.risks"), f"risks-{aid}", Paragraph(f["risks"] or empty)))
        kids.append(self.web(plan, action, f, words))
        return top

    def ideas_section(self, plan: PlanBoard, action: Mapping[str, Any], aid: str) -> Section:
        t = self.t
        section = self.section(3, t("schema.fiche.ideas"), f"ideas-{aid}")
        behind = plan.behind.get(str(action["id"]))
        rows = []
        for link in action["links"]:
            idea = self.facts.ideas.get((link["board"], link["item"]))
            if idea is None:
                rows.append((t("print.linked_gone"), "—", "—", "—"))
                continue
            votes = t("schema.votes_hidden") if idea.votes is None else str(idea.votes)
            rows.append(
                (self.idea_words(idea), idea.neighbourhood or t("diagnostic.territory"), idea.workshop, votes)
            )
        if not rows:
            section.blocks.append(Paragraph(t("schema.fiche.no_ideas")))
            return section
        if behind is not None:
            residents = behind["residents"]
            places = ", ".join(n["name"] for n in behind["neighbourhoods"]) or t("diagnostic.territory")
            section.blocks.append(
                Paragraph(
                    t(
                        "schema.fiche.behind",
                        residents=SUPPRESSED if residents < THRESHOLD else residents,
                        neighbourhoods=places,
                    )
                )
            )
            if behind["votes_hidden"]:
                section.blocks.append(Paragraph(t("schema.fiche.votes_hidden_note"), "note"))
        section.blocks.append(
            Table(
                t("schema.fiche.ideas"),
                (
                    t("schema.col.idea"),
                    t("schema.col.neighbourhood"),
                    t("schema.col.workshop"),
                    t("schema.col.votes"),
                ),
                tuple(rows),
            )
        )
        return section

    def web(
        self, plan: PlanBoard, action: Mapping[str, Any], f: Mapping[str, Any], words: Labeller
    ) -> Section:
        t = self.t
        settings = plan.snapshot["settings"]
        section = self.section(3, t("print.section.capabilities"), f"web-{f['id']}")
        web = web_inputs(settings, action, words)
        table = Table(
            t("print.section.capabilities"),
            (t("print.col.axis"), *f["series"]),
            tuple(
                (axis["label"], *("—" if lv is None else str(lv) for lv in axis["levels"]))
                for axis in f["axes"]
            ),
        )
        if not f["scored"]:
            section.blocks.append(Paragraph(t("print.empty")))
        scale = "; ".join(f"{lv} = {words.level(lv)}" for lv in range(5))
        section.blocks.append(Paragraph(scale, "note"))
        alt = t("print.radar_alt", title=f["title"])
        svg = radar_svg(web.axes, web.labels, web.series, web.levels, alt, self.lang)
        section.blocks.append(
            Figure(
                f"web-{f['id']}",
                t("print.section.capabilities"),
                t("print.radar_alt", title=f["title"]),
                svg,
                520,
                520,
                95,
                table,
            )
        )
        return section

    # -- annexes ------------------------------------------------------------------------------------------

    def annexes(self) -> Section:
        t = self.t
        top = self.section(1, t("schema.annex.title"), "annexes", page_break=True)
        rows = []
        for plan in self.facts.boards:
            for index, action in enumerate(ordered_actions(plan.snapshot), start=1):
                ref = str(action["fiche"]["number"] or f"#{index}")
                for link in action["links"]:
                    idea = self.facts.ideas.get((link["board"], link["item"]))
                    if idea is None:
                        continue
                    rows.append(
                        (
                            self.idea_words(idea),
                            idea.neighbourhood or t("diagnostic.territory"),
                            idea.workshop,
                            t("schema.fiche.heading", ref=ref, title=action["fiche"]["title"]),
                        )
                    )
        trace = self.section(
            2,
            t("schema.annex.traceability"),
            "annex-traceability",
            Paragraph(t("schema.annex.traceability_intro")),
        )
        trace.blocks.append(
            Table(
                t("schema.annex.traceability"),
                (
                    t("schema.col.idea"),
                    t("schema.col.neighbourhood"),
                    t("schema.col.workshop"),
                    t("schema.col.action"),
                ),
                tuple(rows),
            )
            if rows
            else Paragraph(t("schema.annex.no_links"))
        )
        questionnaire = self.section(2, t("schema.annex.questionnaire"), "annex-questionnaire")
        questions = (self.facts.questionnaire or {}).get("questions", [])
        for i, q in enumerate(questions, start=1):
            questionnaire.blocks.append(
                Paragraph(t("schema.annex.question_item", n=i, question=self.label(q.get("labels"), q["id"])))
            )
            answers = [self.label(a.get("labels"), a["id"]) for a in q.get("answers", [])]
            if answers:
                questionnaire.blocks.append(Items(tuple(answers)))
        if not questions:
            questionnaire.blocks.append(Paragraph(t("schema.none")))
        top.children = [trace, questionnaire]
        return top


def build(facts: StudyFacts, lang: str, today: date) -> Document:
    """The whole schéma in `lang` (fr, en or ar), as it stands on `today`."""
    return Builder(facts, lang, today).document()


__all__ = ["Builder", "build"]

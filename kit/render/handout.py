"""The handout: a finished review as one self-contained HTML document, and the other export formats.

:func:`build_notebook` makes a fresh notebook of static outputs only: HTML (``text/html``)
display outputs and PNG risk charts drawn by :mod:`kit.render.charts`. It never touches the live
widget notebook, whose widgets would load from a CDN and render blank offline.
:func:`to_html` converts it with nbconvert's ``HTMLExporter`` (no input cells) and our
template (:mod:`kit.render.handout_style`), which drops every script and remote reference and
inlines our own screen and print styles. :func:`export` picks the format from the file's
suffix and writes it (the command line, ``pillarkit export``); :func:`to_bytes` makes the same
file in memory (the app's "Export" download, in the Review file page). Both go through the
same functions: :func:`to_html`, :mod:`kit.render.pdf` and :mod:`kit.render.tables`.

The handout holds, in order: a cover; an executive summary (HIGH and MEDIUM counts in total
and per pillar, the risk chart, the top risks); a section per pillar (each question's risk,
practices followed, missing and not applicable with reasons, notes, field statistics); the
improvement plan grouped into the 3, 12 and 36-month roadmap; the parking lot; the changes
since the last milestone (when there is one); sources and attribution.

Safety: every string that comes from the review or from a lens (user text, and a custom
lens's text) goes through :func:`html.escape` via :func:`fmt`, and only into HTML outputs;
nothing is rendered as markdown. Links are only ``http(s)`` URLs, as plain ``<a href>``.
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import os
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import nbformat

from kit.core import fieldstats
from kit.core import milestones as milestone_changes
from kit.core import roadmap as roadmaps
from kit.core import top_risks as ranking
from kit.core.errors import ExportError
from kit.core.jsonio import write_atomic
from kit.core.lens import Choice, Lens, Pillar, Question
from kit.core.review import Answer, Review
from kit.core.rules import NOT_APPLICABLE as CHOICE_NA
from kit.core.rules import SELECTED
from kit.core.scoring import Improvement, ReviewScore, improvement_list, score
from kit.core.vocabulary import HIGH, MEDIUM, NONE, NOT_APPLICABLE, UNANSWERED
from kit.render import tables as exports
from kit.render.handout_style import (
    A4,
    CONTENT_SECURITY_POLICY,
    PAPERS,
    RISK_CLASS,
    TEMPLATE,
    TEMPLATE_NAME,
    stylesheet,
)
from kit.render.tables import REASON_WORDS, RISK_WORDS, level_words

#: How many top risks the executive summary describes.
TOP_RISKS = ranking.COUNT
#: The handout's editions: the whole review (the default), or the executive edition a CTO reads
#: in five minutes: cover, summary with the top risks, the roadmap's three columns and the parking
#: lot, in at most four A4 pages.
FULL = "full"
SUMMARY = "summary"
EDITIONS = (FULL, SUMMARY)
#: The formats that are the handout, and so take an edition and a paper size.
HANDOUT_SUFFIXES = (".html", ".pdf")
#: The narrow chart, for screens about a phone's width (390 CSS pixels): fewer inches at the same
#: resolution, so its labels stay readable when the picture is scaled to the screen.
NARROW_CHART_INCHES = 3.4
#: The chart's size: drawn at 7 inches and 192 dpi, shown 672 CSS pixels wide (sharp on screen and paper).
CHART_WIDTH_INCHES = 7.0
CHART_DPI = 192
CHART_CSS_WIDTH = 672
KPI_ORDER = (HIGH, MEDIUM, NONE, NOT_APPLICABLE, UNANSWERED)
#: Column heads on a phone, where "Medium risk" would not fit a fifth of the width.
SHORT_RISK_WORDS = {HIGH: "High", MEDIUM: "Med.", NONE: "None", NOT_APPLICABLE: "N/A", UNANSWERED: "Open"}
HORIZON_TITLES = {3: ("Now", "within 3 months"), 12: ("Next", "within 12 months"), 36: ("Later", "within 36 months")}
#: Said of a HIGH or MEDIUM question with no missing practice ("None of these" ticked, every practice set aside).
NO_PRACTICE_MISSING = "No practice is missing, yet the lens\u2019s rules rate this question at risk (\u201cNone of these\u201d may be ticked): check the answer."
#: Friendly names of the business context keys the app writes; other keys are shown as they are.
CONTEXT_LABELS = {
    "recovery_time_objective": "Recovery time objective (RTO)",
    "rto": "Recovery time objective (RTO)",
    "recovery_point_objective": "Recovery point objective (RPO)",
    "rpo": "Recovery point objective (RPO)",
    "compliance": "Compliance needs",
    "priorities": "Business priorities",
}
#: Attribution of the bundled banks (see frameworks/README.md).
BUNDLED_ATTRIBUTION = (
    "Pillar, question and practice ids, titles, levels and links come from AWS's published documentation; "
    "framework and lens texts are \u00a9 Amazon Web Services. Question explanations, helpful texts and "
    "improvement steps are pillarkit's own words; each practice links to its official page."
)


# --- safe HTML --------------------------------------------------------------------------


class Html(str):
    """A fragment of markup that is already safe; anything else is text and gets escaped."""


def esc(value: object) -> Html:
    """``value`` as safe markup: escaped with :func:`html.escape` unless it is already :class:`Html`."""
    if isinstance(value, Html):
        return value
    return Html(html.escape("" if value is None else str(value), quote=True))


def fmt(template: str, *args: object, **kwargs: object) -> Html:
    """Fill a markup template of ours; every argument is escaped unless it is :class:`Html`."""
    return Html(template.format(*(esc(a) for a in args), **{k: esc(v) for k, v in kwargs.items()}))


def join(parts: Iterable[object], separator: str = "") -> Html:
    return Html(separator.join(esc(p) for p in parts))


def safe_url(url: str | None) -> str | None:
    """The URL if it is a plain ``http`` or ``https`` link, else ``None`` (so ``javascript:`` never becomes a link)."""
    if not url or not isinstance(url, str):
        return None
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc or any(c in url for c in "\x00\n\r\t <>\"'`"):
        return None
    return url


def link(url: str | None, text: object, css: str = "pk-guidance-link") -> Html:
    """A plain link to official guidance; a URL that is not ``http(s)`` is shown as text, not linked."""
    target = safe_url(url)
    if target is None:
        return esc(text)
    return fmt('<a class="{}" href="{}">{}</a>', css, target, text)


def badge(risk: str) -> Html:
    return fmt('<span class="pk-badge pk-badge--{}">{}</span>', RISK_CLASS[risk], RISK_WORDS[risk])


def anchor(*parts: str) -> str:
    """An id for a cell or an element: letters, digits, ``-`` and ``_`` only."""
    return re.sub(r"[^A-Za-z0-9_-]+", "-", "-".join(parts))[:64]


def _plural(count: int, word: str, plural: str | None = None) -> str:
    return f"{count} {word if count == 1 else plural or word + 's'}"


def _words(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def nice_date(text: str) -> str:
    """An ISO date or time as "6 November 2024"; anything else as it is."""
    value = str(text or "").strip()
    try:
        day = dt.date.fromisoformat(value[:10])
    except ValueError:
        return value
    if len(value) > 10 and value[10] not in "T ":
        return value
    return f"{day.day} {day:%B} {day.year}"


def _paragraphs(text: str, css: str = "pk-pre") -> Html:
    return fmt('<p class="{}">{}</p>', css, text)


# --- what the handout is made of ---------------------------------------------------------


@dataclass
class Facts:
    """Everything computed once per handout: the score, the improvement list, the roadmap, the changes."""

    review: Review
    result: ReviewScore
    items: list[Improvement]
    plan: dict[int, list[Improvement]]
    diff: milestone_changes.MilestoneDiff | None
    generated: str
    top: list[ranking.TopRisk]

    @classmethod
    def of(cls, review: Review, now: dt.datetime | None = None) -> Facts:
        result = score(review)
        items = improvement_list(review, result)
        moment = (now or dt.datetime.now(dt.UTC)).replace(microsecond=0)
        return cls(
            review,
            result,
            items,
            roadmaps.roadmap(review, items),
            milestone_changes.compare(review, result=result),
            nice_date(moment.date().isoformat()),
            ranking.top_risks(review, result),
        )

    @property
    def multi_lens(self) -> bool:
        return len(self.review.lenses) > 1

    def pillar_name(self, alias: str, pillar: Pillar) -> str:
        return f"{pillar.name} ({self.review.lenses[alias].name})" if self.multi_lens else pillar.name


def _lens_title(lens: Lens) -> str:
    return f"{lens.name}, edition of {nice_date(lens.edition)}" if lens.edition else lens.name


def _context_label(key: str) -> str:
    return CONTEXT_LABELS.get(key.lower(), key.replace("_", " ").strip().capitalize() or key)


def cover(facts: Facts, edition: str = FULL) -> Html:
    review, workload = facts.review, facts.review.workload
    rows = [
        (
            "Environment",
            {"PRODUCTION": "Production", "PREPRODUCTION": "Pre-production"}.get(
                workload.environment, workload.environment
            ),
        ),
        ("Review date", nice_date(workload.review_date)),
        ("Owner", workload.owner),
        ("Facilitator", workload.facilitator),
        ("Industry", workload.industry),
        ("Regions", ", ".join(workload.regions)),
    ]
    facts_html = [fmt("<div><dt>{}</dt><dd>{}</dd></div>", label, value) for label, value in rows if value]
    if workload.participants:
        people = join(fmt("<li>{}</li>", p) for p in workload.participants)
        facts_html.append(fmt('<div class="pk-wide"><dt>Participants</dt><dd><ul>{}</ul></dd></div>', people))
    lenses = join(fmt("<li>{}</li>", _lens_title(lens)) for lens in review.lenses.values())
    facts_html.append(
        fmt(
            '<div class="pk-wide"><dt>{}</dt><dd><ul>{}</ul></dd></div>',
            "Lenses" if facts.multi_lens else "Lens",
            lenses,
        )
    )

    context = [
        fmt('<dt>{}</dt><dd class="pk-pre">{}</dd>', _context_label(k), v)
        for k, v in workload.business_context.items()
        if str(v).strip()
    ]
    pillar_names = {p.id: p.name for lens in review.lenses.values() for p in lens.pillars}
    if review.pillar_priorities:
        ranked = join(fmt("<li>{}</li>", pillar_names.get(pid, pid)) for pid in review.pillar_priorities)
        context.append(fmt("<dt>Pillar priorities</dt><dd><ol>{}</ol></dd>", ranked))
    context_html = (
        fmt('<section class="pk-context"><h2>Business context</h2><dl>{}</dl></section>', join(context))
        if context
        else Html()
    )
    notes_html = (
        fmt('<section class="pk-context"><h2>Workload notes</h2>{}</section>', _paragraphs(workload.notes))
        if workload.notes.strip()
        else Html()
    )

    toc = [fmt('<li><a href="#summary">Executive summary</a></li>')]
    if edition == FULL:
        for alias, lens in review.lenses.items():
            for pillar in lens.pillars:
                toc.append(
                    fmt(
                        '<li><a href="#{}">{}</a></li>',
                        anchor("pillar", alias, pillar.id),
                        facts.pillar_name(alias, pillar),
                    )
                )
    toc.append(fmt('<li><a href="#plan">Improvement plan and roadmap</a></li>'))
    toc.append(fmt('<li><a href="#parking-lot">Parking lot</a></li>'))
    if facts.diff is not None and edition == FULL:
        toc.append(fmt('<li><a href="#changes">Changes since the last milestone</a></li>'))
    if edition == FULL:
        toc.append(fmt('<li><a href="#sources">Sources and attribution</a></li>'))

    return fmt(
        '<section class="pk-cover" id="cover" aria-label="Cover">'
        '<div class="pk-cover-band"></div>'
        '<p class="pk-eyebrow">Well-Architected review \u00b7 {edition}</p>'
        "<h1>{name}</h1>"
        "{description}"
        '<dl class="pk-facts">{facts}</dl>'
        "{context}{notes}"
        '<nav class="pk-toc" aria-label="Contents"><h4>Contents</h4><ol>{toc}</ol></nav>'
        "</section>",
        name=workload.name.strip() or "Unnamed workload",
        description=_paragraphs(workload.description, "pk-lede pk-pre") if workload.description.strip() else Html(),
        facts=join(facts_html),
        context=context_html,
        notes=notes_html,
        toc=join(toc),
        edition="Handout" if edition == FULL else "Executive summary",
    )


def summary_intro(facts: Facts) -> Html:
    counts = facts.result.counts
    pillars = sum(len(lens.pillars) for lens in facts.review.lenses.values())
    lens_names = _words([lens.name for lens in facts.review.lenses.values()])
    if counts.answered == 0:
        lede = f"None of the {counts.total} questions of the {lens_names} has been answered yet."
    else:
        lede = (
            f"The team answered {counts.answered} of {_plural(counts.total, 'question')} across {_plural(pillars, 'pillar')} "
            f"of the {lens_names}. {_plural(counts[HIGH], 'question is', 'questions are')} high risk and "
            f"{counts[MEDIUM]} medium risk"
        )
        lede += (
            f"; {counts[UNANSWERED]} {'is' if counts[UNANSWERED] == 1 else 'are'} still unanswered."
            if counts[UNANSWERED]
            else "."
        )
    kpis = join(
        fmt(
            '<div class="pk-kpi pk-kpi--{cls}" data-risk="{risk}"><span class="pk-kpi-number">{n}</span>'
            '<span class="pk-kpi-label"><span class="pk-kpi-swatch"></span>{label}</span></div>',
            cls=RISK_CLASS[risk],
            risk=risk,
            n=counts[risk],
            label=RISK_WORDS[risk],
        )
        for risk in KPI_ORDER
    )
    return fmt(
        '<section class="pk-summary" id="summary"><div class="pk-section-head"><p class="pk-eyebrow">Executive summary</p>'
        "<h2>Where the workload stands</h2></div>"
        '<p class="pk-lede">{}</p><div class="pk-kpis" aria-label="Questions by risk">{}</div></section>',
        lede,
        kpis,
    )


def chart_caption(facts: Facts, alias: str) -> Html:
    lens = facts.review.lenses[alias]
    return fmt(
        '<p class="pk-caption">Risk by pillar{}: questions in each pillar by risk, worst first.</p>',
        f", {lens.name}" if facts.multi_lens else "",
    )


def chart_alt(facts: Facts, alias: str) -> str:
    parts = []
    for pillar_score in facts.result.lenses[alias].pillars.values():
        counts = pillar_score.counts
        parts.append(
            f"{pillar_score.pillar.name}: "
            + ", ".join(f"{counts[r]} {RISK_WORDS[r].lower()}" for r in KPI_ORDER if counts[r])
        )
    return "Risk by pillar. " + "; ".join(parts) + "."


def counts_table(facts: Facts) -> Html:
    def cells(counts) -> Html:
        return join(fmt('<td class="pk-num{}">{}</td>', "" if counts[r] else " pk-zero", counts[r]) for r in KPI_ORDER)

    head = join(
        fmt(
            '<th class="pk-num" scope="col" aria-label="{words}"><span class="pk-long">{words}</span>'
            '<span class="pk-short" aria-hidden="true">{short}</span></th>',
            words=RISK_WORDS[r],
            short=SHORT_RISK_WORDS[r],
        )
        for r in KPI_ORDER
    )
    body = []
    for alias, lens_score in facts.result.lenses.items():
        for pid, pillar_score in lens_score.pillars.items():
            body.append(
                fmt(
                    '<tr data-lens="{}" data-pillar="{}"><th scope="row"><a href="#{}">{}</a></th>{}</tr>',
                    alias,
                    pid,
                    anchor("pillar", alias, pid),
                    facts.pillar_name(alias, pillar_score.pillar),
                    cells(pillar_score.counts),
                )
            )
    total = fmt('<tr data-total="review"><th scope="row">All pillars</th>{}</tr>', cells(facts.result.counts))
    return fmt(
        '<table class="pk-counts"><caption>Questions by pillar and risk</caption>'
        '<colgroup><col style="width:30%">{cols}</colgroup><thead><tr><th scope="col">Pillar</th>{head}</tr></thead>'
        "<tbody>{body}</tbody><tfoot>{total}</tfoot></table>",
        cols=Html('<col style="width:14%">' * len(KPI_ORDER)),
        head=head,
        body=join(body),
        total=total,
    )


def level_tag(choice: Choice) -> Html:
    """A practice's level as a small tag: "High if missing" for the Framework, "Required" for the Serverless lens."""
    if not choice.risk_level:
        return Html()
    words = level_words(choice)
    text = f"{words} if missing" if choice.risk_level in ("HIGH", "MEDIUM", "LOW") else words
    return fmt('<span class="pk-level" title="Risk when this practice is missing">{}</span>', text)


def _top_missing(item: Improvement) -> list[Choice]:
    """Missing practices, the high-level ones first."""
    rank = {"HIGH": 0, "Required": 0, "MEDIUM": 1, "Good": 1, "LOW": 2, "Best": 2}
    return sorted(item.missing, key=lambda c: rank.get(str(c.risk_level), 3))


def top_risks(facts: Facts) -> Html:
    chosen = facts.top
    if not chosen:
        body = fmt(
            '<p class="pk-empty">{}</p>',
            "No question is high or medium risk."
            if facts.result.counts.answered
            else "No risks yet: nothing has been answered.",
        )
        return fmt('<section class="pk-top-risks"><h3>Top risks</h3>{}</section>', body)
    paragraphs = []
    for top in chosen:
        item = top.item
        practices = len(item.question.practices)
        missing = _top_missing(item)
        if missing:
            named = _words([f"\u201c{c.title}\u201d" for c in missing[:2]])
            gap = (
                f"{len(missing)} of {_plural(practices, 'practice')} missing, including {named}."
                if len(missing) > 2
                else f"Missing: {named}."
            )
        else:
            gap = NO_PRACTICE_MISSING
        first = next((c.improvement.text for c in missing if c.improvement and c.improvement.text), "")
        paragraphs.append(
            fmt(
                '<div class="pk-top-risk" data-question="{qid}"><p>{badge} <strong>{label}</strong> '
                '<span class="pk-muted">({pillar})</span> {gap}{first}</p>'
                '<p class="pk-why"><span class="pk-why-label">Why it is here:</span> {why}.</p></div>',
                qid=item.question.id,
                badge=badge(item.risk),
                label=item.question.label,
                pillar=facts.pillar_name(item.lens, item.pillar),
                gap=gap,
                first=fmt(" First step: {}", first) if first else Html(),
                why="; ".join(top.reasons),
            )
        )
    intro = fmt(
        '<p class="pk-muted pk-small">{} of {}, ranked by risk, then by the high-risk practices missing, '
        "the review\u2019s pillar priorities and how common the gap was in the 2020 reviews.</p>",
        _plural(len(chosen), "question").capitalize(),
        _plural(len(facts.items), "high or medium risk"),
    )
    return fmt('<section class="pk-top-risks"><h3>Top risks</h3>{}{}</section>', intro, join(paragraphs))


def _stat_sentences(stats: list) -> Html:
    return join(fmt("<span>{}</span> ", s.sentence) for s in stats)


def question_block(facts: Facts, alias: str, question: Question) -> Html:
    lens = facts.review.lenses[alias]
    answer: Answer | None = facts.review.answers[alias].get(question.id)
    risk = facts.result.lenses[alias].questions[question.id]
    statuses = answer.statuses() if answer else {}
    choice_state = answer.choices if answer else {}

    def note(choice: Choice) -> Html:
        state = choice_state.get(choice.id)
        return fmt('<span class="pk-choice-note">{}</span>', state.notes) if state and state.notes else Html()

    followed, missing, set_aside = [], [], []
    for choice in question.practices:
        status = statuses.get(choice.id)
        code = fmt('<span class="pk-code">{}</span> ', choice.code) if choice.code else Html()
        if status == SELECTED:
            followed.append(fmt("<li>{}{}{}</li>", code, choice.title, note(choice)))
        elif status == CHOICE_NA:
            reason = choice_state[choice.id].reason
            why = (
                fmt(' <span class="pk-reason">Reason: {}</span>', REASON_WORDS.get(reason, reason))
                if reason
                else fmt(' <span class="pk-reason">No reason given</span>')
            )
            set_aside.append(fmt("<li>{}{}{}{}</li>", code, choice.title, why, note(choice)))
        elif risk != NOT_APPLICABLE:
            level = level_tag(choice)
            stats = fieldstats.for_choice(lens, question.id, choice.id)
            stat = fmt('<span class="pk-practice-stat">{}</span>', _stat_sentences(stats)) if stats else Html()
            missing.append(fmt("<li>{}{}{}{}{}</li>", code, choice.title, level, note(choice), stat))

    status_lines = []
    if risk == NOT_APPLICABLE:
        reason = answer.reason if answer else None
        status_lines.append(
            fmt(
                '<p class="pk-status">Not applicable to this workload{}.</p>',
                f". Reason: {REASON_WORDS.get(reason, reason).lower()}" if reason else "",
            )
        )
    elif risk == UNANSWERED:
        status_lines.append(fmt('<p class="pk-status pk-muted">Not answered in this review.</p>'))
    none = question.none_of_these
    if none is not None and statuses.get(none.id) == SELECTED:
        status_lines.append(fmt('<p class="pk-status">The team ticked \u201c{}\u201d.{}</p>', none.title, note(none)))
    elif none is not None and choice_state.get(none.id) and choice_state[none.id].notes:
        status_lines.append(fmt('<p class="pk-status">On \u201c{}\u201d:{}</p>', none.title, note(none)))

    lists = []
    if followed:
        lists.append(
            fmt(
                '<h4>Practices followed ({})</h4><ul class="pk-practices pk-followed">{}</ul>',
                len(followed),
                join(followed),
            )
        )
    if missing and risk != UNANSWERED:
        lists.append(
            fmt(
                '<h4>Practices missing ({})</h4><ul class="pk-practices pk-missing">{}</ul>',
                len(missing),
                join(missing),
            )
        )
    if set_aside:
        lists.append(
            fmt(
                '<h4>Not applicable ({})</h4><ul class="pk-practices pk-set-aside">{}</ul>',
                len(set_aside),
                join(set_aside),
            )
        )

    notes = (
        fmt('<div class="pk-notes"><h4>Notes</h4>{}</div>', _paragraphs(answer.notes))
        if answer and answer.notes.strip()
        else Html()
    )
    stats = fieldstats.for_question(lens, question.id)
    stat = (
        fmt('<p class="pk-stat"><strong>You\u2019re not alone.</strong> {}</p>', _stat_sentences(stats))
        if stats
        else Html()
    )
    return fmt(
        '<article class="pk-question pk-question--{cls}" id="{id}" data-risk="{risk}" data-question="{qid}">'
        '<header class="pk-question-head"><h3>{code}{title}</h3>{badge}</header>'
        "{status}{lists}{notes}{stat}</article>",
        cls=RISK_CLASS[risk],
        id=anchor("q", alias, question.id),
        risk=risk,
        qid=question.id,
        code=fmt('<span class="pk-code">{}</span> ', question.code) if question.code else Html(),
        title=question.title,
        badge=badge(risk),
        status=join(status_lines),
        lists=join(lists),
        notes=notes,
        stat=stat,
    )


def pillar_section(facts: Facts, alias: str, pillar: Pillar, position: int, total: int) -> Html:
    lens = facts.review.lenses[alias]
    counts = facts.result.lenses[alias].pillars[pillar.id].counts
    chips = join(
        fmt('<span class="pk-badge pk-badge--{}">{} {}</span>', RISK_CLASS[r], counts[r], RISK_WORDS[r].lower())
        for r in KPI_ORDER
        if counts[r]
    )
    return fmt(
        '<section class="pk-pillar" id="{id}" data-lens="{alias}" data-pillar="{pid}">'
        '<header class="pk-pillar-head"><p class="pk-eyebrow">{lens} \u00b7 Pillar {position} of {total}</p>'
        "<h2>{name}</h2>{description}"
        '<p class="pk-pillar-counts" aria-label="Questions by risk">{chips}</p></header>'
        "{questions}</section>",
        id=anchor("pillar", alias, pillar.id),
        alias=alias,
        pid=pillar.id,
        lens=lens.name,
        position=position,
        total=total,
        name=pillar.name,
        description=fmt('<p class="pk-muted">{}</p>', pillar.description) if pillar.description else Html(),
        chips=chips,
        questions=join(question_block(facts, alias, q) for q in pillar.questions),
    )


def _horizon_heading(months: int) -> tuple[str, str]:
    return HORIZON_TITLES.get(months, (f"{months} months", f"within {months} months"))


def plan_section(facts: Facts, details: bool = True) -> Html:
    """The roadmap's three columns, then (unless ``details`` is False, as in the executive edition) every item's steps."""
    review = facts.review
    names = {p.id: p.name for lens in review.lenses.values() for p in lens.pillars}
    if review.pillar_priorities:
        order = f"ordered by the review\u2019s pillar priorities ({', '.join(names.get(p, p) for p in review.pillar_priorities)})"
    else:
        order = "in the lenses\u2019 pillar order (the review sets no pillar priorities)"
    lede = (
        f"Every high-risk question, then every medium-risk one, {order}. Each is placed on a roadmap: "
        "high risks within 3 months and medium risks within 12 unless the facilitator moved them."
    )
    if not facts.items:
        return fmt(
            '<section class="pk-plan" id="plan"><div class="pk-section-head"><p class="pk-eyebrow">Improvement plan</p><h2>Roadmap</h2></div>'
            '<p class="pk-empty">{}</p></section>',
            "No high or medium risks: there is nothing to improve yet."
            if facts.result.counts.answered
            else "Nothing has been answered yet.",
        )

    overview = []
    for months, items in facts.plan.items():
        word, span = _horizon_heading(months)
        highs = sum(i.risk == HIGH for i in items)
        split = _words(
            [w for n, w in ((highs, f"{highs} high"), (len(items) - highs, f"{len(items) - highs} medium")) if n]
        )
        by_pillar: dict[tuple, list[Improvement]] = {}
        for i in items:
            by_pillar.setdefault((i.lens, i.pillar.id), []).append(i)
        groups = join(
            fmt(
                '<li><span class="pk-horizon-pillar">{}</span> {}</li>',
                facts.pillar_name(group[0].lens, group[0].pillar),
                join(
                    (
                        fmt(
                            '<a class="{}" href="#{}" title="{}">{}</a>',
                            "pk-ref-code" if i.question.code else "pk-ref-title",
                            anchor("item", i.lens, i.question.id),
                            i.question.title,
                            i.question.code or i.question.title,
                        )
                        if details
                        else fmt(
                            '<span class="{}" title="{}">{}</span>',
                            "pk-ref-code" if i.question.code else "pk-ref-title",
                            i.question.title,
                            i.question.code or i.question.title,
                        )
                        for i in group
                    ),
                    ", ",
                ),
            )
            for group in by_pillar.values()
        )
        overview.append(
            fmt(
                '<div class="pk-horizon pk-horizon--{m}" data-horizon="{m}"><h3><span class="pk-horizon-word">{word}</span> {span}</h3>'
                '<p class="pk-horizon-count">{count}{split}</p>{entries}</div>',
                m=months,
                word=word,
                span=span,
                count=_plural(len(items), "question"),
                split=f": {split}" if items else "",
                entries=fmt("<ul>{}</ul>", groups)
                if items
                else fmt('<p class="pk-empty pk-small">Nothing planned.</p>'),
            )
        )

    steps = []
    for months, items in facts.plan.items():
        if not items or not details:
            continue
        word, span = _horizon_heading(months)
        steps.append(fmt('<h3 class="pk-horizon-title">{}: {}</h3>', word, span))
        for item in items:
            steps.append(plan_item(facts, item, months))
    return fmt(
        '<section class="pk-plan" id="plan"><div class="pk-section-head"><p class="pk-eyebrow">Improvement plan</p><h2>Roadmap</h2></div>'
        '<p class="pk-lede">{lede}</p><div class="pk-roadmap">{overview}</div>{details}</section>',
        lede=lede,
        overview=join(overview),
        details=join(steps),
    )


def plan_item(facts: Facts, item: Improvement, months: int) -> Html:
    steps = []
    for practice in _top_missing(item):
        level = level_tag(practice)
        code = fmt('<span class="pk-code">{}</span> ', practice.code) if practice.code else Html()
        improvement = practice.improvement
        guidance = (
            fmt(' <span class="pk-guidance">{}</span>', link(improvement.url, "Official guidance"))
            if improvement and safe_url(improvement.url)
            else Html()
        )
        text = (
            fmt("<p>{}{}</p>", improvement.text, guidance)
            if improvement and improvement.text
            else (fmt("<p>{}</p>", guidance) if guidance else Html())
        )
        steps.append(fmt("<li><strong>{}{}</strong>{}{}</li>", code, practice.title, level, text))
    if not steps:
        steps_html = fmt('<p class="pk-muted">{}</p>', NO_PRACTICE_MISSING)
    else:
        steps_html = fmt('<ol class="pk-steps">{}</ol>', join(steps))
    notes = (
        fmt('<div class="pk-notes"><h4>Notes from the review</h4>{}</div>', _paragraphs(item.notes))
        if item.notes.strip()
        else Html()
    )
    moved = (
        roadmaps.is_moved(facts.review, item.lens, item.question.id) and roadmaps.default_horizon(item.risk) != months
    )
    return fmt(
        '<article class="pk-item" id="{id}" data-risk="{risk}" data-horizon="{months}" data-question="{qid}">'
        '<header class="pk-item-head"><h4>{code}{title}</h4>{badge}</header>'
        '<p class="pk-muted pk-small">{pillar}{moved}</p>{notes}{steps}</article>',
        id=anchor("item", item.lens, item.question.id),
        risk=item.risk,
        months=months,
        qid=item.question.id,
        code=fmt('<span class="pk-code">{}</span> ', item.question.code) if item.question.code else Html(),
        title=item.question.title,
        badge=badge(item.risk),
        pillar=facts.pillar_name(item.lens, item.pillar),
        moved=f" \u00b7 moved by the facilitator from {roadmaps.default_horizon(item.risk)} to {months} months"
        if moved
        else "",
        notes=notes,
        steps=steps_html,
    )


def parking_section(facts: Facts) -> Html:
    review = facts.review
    if not review.parking_lot:
        body = fmt('<p class="pk-empty">Nothing was parked during the review.</p>')
    else:
        rows = []
        for number, item in enumerate(review.parking_lot, start=1):
            lens = review.lenses.get(item.lens or "")
            where = Html()
            if lens is not None and item.question_id and lens.has_question(item.question_id):
                where = fmt(
                    '<a href="#{}">{}</a>',
                    anchor("q", lens.alias, item.question_id),
                    lens.question(item.question_id).label,
                )
            rows.append(
                fmt(
                    '<tr data-done="{done}"><td class="pk-num">{n}</td><td class="pk-pre">{text}</td><td>{owner}</td><td>{where}</td><td>{status}</td></tr>',
                    done="true" if item.done else "false",
                    n=number,
                    text=item.text,
                    owner=item.owner or "\u2014",
                    where=where or "\u2014",
                    status="Done" if item.done else "Open",
                )
            )
        body = fmt(
            '<table class="pk-parking"><colgroup><col style="width:6%"><col style="width:44%"><col style="width:18%"><col style="width:22%"><col style="width:10%"></colgroup>'
            '<thead><tr><th class="pk-num" scope="col">#</th><th scope="col">Topic</th><th scope="col">Owner</th><th scope="col">Raised at</th><th scope="col">Status</th></tr></thead>'
            "<tbody>{}</tbody></table>",
            join(rows),
        )
    return fmt(
        '<section class="pk-parking-lot" id="parking-lot"><div class="pk-section-head"><p class="pk-eyebrow">Follow-ups</p><h2>Parking lot</h2></div>'
        '<p class="pk-muted">Topics the team set aside to keep the review moving, with who will take each one forward.</p>{}</section>',
        body,
    )


def changes_section(facts: Facts) -> Html:
    diff = facts.diff
    assert diff is not None
    counts = diff.counts()
    summary = _words([f"{counts[k]} {k}" for k in milestone_changes.KINDS if counts[k]]) or "no change in risk"
    if diff.changes:
        rows = join(
            fmt(
                '<tr data-kind="{kind}"><th scope="row"><a href="#{qa}">{label}</a></th><td data-label="Pillar">{pillar}</td>'
                '<td data-label="Then">{before}</td><td data-label="Now">{after}</td>'
                '<td data-label="Change"><span class="pk-change pk-change--{kind}">{word}</span></td></tr>',
                kind=c.kind,
                qa=anchor("q", c.lens, c.question.id),
                label=c.question.label,
                pillar=facts.pillar_name(c.lens, c.pillar),
                before=badge(c.before),
                after=badge(c.after),
                word={
                    "improved": "\u2191 Improved",
                    "regressed": "\u2193 Regressed",
                    "new": "New",
                    "cleared": "Cleared",
                }[c.kind],
            )
            for c in sorted(diff.changes, key=lambda c: milestone_changes.KINDS.index(c.kind))
        )
        table = fmt(
            '<table class="pk-diff"><colgroup><col style="width:34%"><col style="width:17%"><col style="width:16%"><col style="width:16%"><col style="width:17%"></colgroup>'
            '<thead><tr><th scope="col">Question</th><th scope="col">Pillar</th><th scope="col">Then</th><th scope="col">Now</th><th scope="col">Change</th></tr></thead>'
            "<tbody>{}</tbody></table>",
            rows,
        )
    else:
        table = fmt('<p class="pk-empty">No question\u2019s risk has changed since then.</p>')
    return fmt(
        '<section class="pk-changes" id="changes"><div class="pk-section-head"><p class="pk-eyebrow">Progress</p>'
        "<h2>Changes since \u201c{name}\u201d</h2></div>"
        "<p>Milestone saved {date}: {summary}. Improved and regressed compare risk (not applicable counts as no risk); "
        "new questions were unanswered then; cleared ones are unanswered now.</p>{table}{edits}</section>",
        name=diff.milestone.name,
        date=nice_date(diff.milestone.date),
        summary=summary,
        table=table,
        edits=answer_edits_html(facts),
    )


def _edit_words(edit: milestone_changes.Edit) -> Html:
    """One edit as a line: what was done, to which practice (or the question), with the new text for notes."""
    subject = fmt("\u201c{}\u201d", edit.choice.title) if edit.choice is not None else Html("the question")
    if edit.kind == milestone_changes.TICKED:
        return fmt("Ticked {}", subject)
    if edit.kind == milestone_changes.UNTICKED:
        return fmt("Unticked {}", subject)
    if edit.kind == milestone_changes.SET_ASIDE:
        reason = fmt(" ({})", REASON_WORDS.get(edit.after, edit.after).lower()) if edit.after else Html()
        return fmt("Marked {} not applicable{}", subject, reason)
    if edit.kind == milestone_changes.RESTORED:
        return fmt("Marked {} applicable again", subject)
    where = fmt(" on {}", subject) if edit.choice is not None else Html()
    if not edit.after.strip():
        return fmt("Removed the note{}", where)
    verb = "Changed the note" if edit.before.strip() else "Added a note"
    return fmt('{}{}: <span class="pk-pre">{}</span>', verb, where, edit.after)


def answer_edits_html(facts: Facts) -> Html:
    """The answers' own edits since the milestone (ticks, not-applicable marks, notes), question by question."""
    diff = facts.diff
    assert diff is not None
    if not diff.edits:
        return fmt(
            '<h3 class="pk-edits-title">Edits to the answers</h3><p class="pk-empty">No answer was edited since then.</p>'
        )
    items = join(
        fmt(
            '<li class="pk-edit" data-question="{qid}"><a href="#{qa}">{label}</a> <span class="pk-muted">({pillar})</span>'
            "<ul>{edits}</ul></li>",
            qid=q.question.id,
            qa=anchor("q", q.lens, q.question.id),
            label=q.question.label,
            pillar=facts.pillar_name(q.lens, q.pillar),
            edits=join(fmt("<li>{}</li>", _edit_words(e)) for e in q.edits),
        )
        for q in diff.edits
    )
    return fmt(
        '<h3 class="pk-edits-title">Edits to the answers</h3>'
        '<p class="pk-muted pk-small">Every practice ticked or unticked, marked not applicable, and every note '
        "added or changed, whether or not the risk moved.</p>"
        '<ul class="pk-edits">{}</ul>',
        items,
    )


def sources_section(facts: Facts, used_stats: bool) -> Html:
    from kit import __version__

    entries = []
    for lens in facts.review.lenses.values():
        origin = "bundled with pillarkit" if lens.bundled else "a custom lens carried in the review file"
        url = lens.extension.get("url") if isinstance(lens.extension, dict) else None
        attribution = BUNDLED_ATTRIBUTION if lens.bundled else "Texts as supplied in the custom lens."
        entries.append(
            fmt(
                '<dt>{title}</dt><dd>{origin} (alias <span class="pk-code">{alias}</span>). {attribution}{official}</dd>',
                title=_lens_title(lens),
                origin=origin.capitalize(),
                alias=lens.alias,
                attribution=attribution,
                official=fmt(" {}", link(url, "Official documentation")) if safe_url(url) else Html(),
            )
        )
    stats = Html()
    if used_stats:
        source = fieldstats.provenance()
        talk, blog = source.get("talk", {}), source.get("blog", {})
        stats = fmt(
            "<dt>Field statistics</dt><dd>From {reviews} reviews run {period}, published in the talk "
            "{talk} ({speaker}, {event}) and the article {blog} ({author}, {publisher}). {note}</dd>",
            reviews=source.get("reviews", ""),
            period=source.get("period", ""),
            talk=link(talk.get("url"), f"\u201c{talk.get('title', '')}\u201d"),
            speaker=talk.get("speaker", ""),
            event=talk.get("event", ""),
            blog=link(blog.get("url"), f"\u201c{blog.get('title', '')}\u201d"),
            author=blog.get("author", ""),
            publisher=blog.get("publisher", ""),
            note=source.get("mapping_note", ""),
        )
    return fmt(
        '<section class="pk-sources" id="sources"><div class="pk-section-head"><p class="pk-eyebrow">Sources</p><h2>Sources and attribution</h2></div>'
        "<dl>{entries}{stats}</dl>"
        '<p class="pk-colophon">Prepared with pillarkit {version} on {date}. Risks follow each lens\u2019s rules exactly as the '
        "AWS Well-Architected Tool applies them. pillarkit is open source under the Apache License 2.0.</p></section>",
        entries=join(entries),
        stats=stats,
        version=__version__,
        date=facts.generated,
    )


# --- the notebook -------------------------------------------------------------------------


def _html_output(markup: Html, plain: str) -> nbformat.NotebookNode:
    return nbformat.v4.new_output("display_data", data={"text/html": str(markup), "text/plain": plain})


def _png_output(png: bytes, alt: str, variant: str = "wide") -> nbformat.NotebookNode:
    """A chart as a PNG output; ``variant`` ("wide" or "narrow") says which screens show it (see the stylesheet)."""
    return nbformat.v4.new_output(
        "display_data",
        data={"image/png": base64.b64encode(png).decode("ascii"), "text/plain": alt},
        metadata={"image/png": {"width": CHART_CSS_WIDTH, "alt": alt, "variant": variant}},
    )


def _cell(cell_id: str, tag: str, outputs: list) -> nbformat.NotebookNode:
    cell = nbformat.v4.new_code_cell(source="", id=cell_id)
    cell.outputs = outputs
    cell.metadata["tags"] = [tag]
    return cell


class _Charts:
    """One reused chart Figure, and the PNGs it made, so identical charts are never drawn twice."""

    def __init__(self, keep: int = 16, width: float = CHART_WIDTH_INCHES):
        self._width = width
        self._lock = threading.Lock()
        self._chart = None
        self._pngs: OrderedDict[tuple, bytes] = OrderedDict()
        self._keep = keep

    def png(self, rows: list) -> bytes:
        from kit.render.charts import RiskChart

        key = tuple(row.key() for row in rows)
        with self._lock:
            if key in self._pngs:
                self._pngs.move_to_end(key)
                return self._pngs[key]
            if self._chart is None:
                self._chart = RiskChart(width=self._width, dpi=CHART_DPI)
            png = self._chart.render(rows)
            self._pngs[key] = png
            while len(self._pngs) > self._keep:
                self._pngs.popitem(last=False)
            return png


CHARTS = _Charts()
CHARTS_NARROW = _Charts(width=NARROW_CHART_INCHES)


def build_notebook(review: Review, now: dt.datetime | None = None, edition: str = FULL) -> nbformat.NotebookNode:
    """The handout as a fresh notebook of static outputs (HTML and PNG only), one cell per part.

    Cells are tagged (``pk-cover``, ``pk-summary``, ``pk-pillar``, ``pk-plan``, ``pk-parking``,
    ``pk-changes``, ``pk-sources``) so the print styles can break pages before them. ``now``
    fixes the date in the colophon (for reproducible output). ``edition`` is :data:`FULL` (every
    part) or :data:`SUMMARY` (the executive edition: cover, summary with the top risks, the
    roadmap's three columns and the parking lot).
    """
    from kit.render.charts import rows_from_lens_score

    if edition not in EDITIONS:
        raise ExportError.at("handout", "", f"no edition {edition!r}; use one of {', '.join(EDITIONS)}")
    facts = Facts.of(review, now)
    notebook = nbformat.v4.new_notebook()
    kind = "handout" if edition == FULL else "executive summary"
    notebook.metadata["title"] = f"{review.workload.name.strip() or 'Unnamed workload'}: Well-Architected review {kind}"
    notebook.metadata["pillarkit"] = {"kind": "handout", "edition": edition, "generated": facts.generated}
    cells = [_cell("cover", "pk-cover", [_html_output(cover(facts, edition), f"Cover: {review.workload.name}")])]

    summary = [_html_output(summary_intro(facts), "Executive summary")]
    for alias, lens_score in facts.result.lenses.items():
        rows = rows_from_lens_score(lens_score)
        summary.append(_html_output(chart_caption(facts, alias), "Risk by pillar"))
        summary.append(_png_output(CHARTS.png(rows), chart_alt(facts, alias)))
        summary.append(_png_output(CHARTS_NARROW.png(rows), chart_alt(facts, alias), "narrow"))
    summary.append(_html_output(Html(counts_table(facts) + top_risks(facts)), "Counts and top risks"))
    cells.append(_cell("summary", "pk-summary", summary))

    used_stats = False
    for alias, lens in review.lenses.items() if edition == FULL else ():
        used_stats = used_stats or any(
            fieldstats.for_question(lens, q.id) or any(fieldstats.for_choice(lens, q.id, c.id) for c in q.choices)
            for q in lens.questions()
        )
        for position, pillar in enumerate(lens.pillars, start=1):
            section = pillar_section(facts, alias, pillar, position, len(lens.pillars))
            cells.append(
                _cell(
                    anchor("pillar", alias, pillar.id), "pk-pillar", [_html_output(section, f"Pillar: {pillar.name}")]
                )
            )

    plan = plan_section(facts, details=edition == FULL)
    cells.append(_cell("plan", "pk-plan", [_html_output(plan, "Improvement plan")]))
    cells.append(_cell("parking-lot", "pk-parking", [_html_output(parking_section(facts), "Parking lot")]))
    if edition == FULL:
        if facts.diff is not None:
            changes = changes_section(facts)
            cells.append(_cell("changes", "pk-changes", [_html_output(changes, "Changes since the last milestone")]))
        sources = sources_section(facts, used_stats)
        cells.append(_cell("sources", "pk-sources", [_html_output(sources, "Sources and attribution")]))
    notebook.cells = cells
    return notebook


# --- HTML -----------------------------------------------------------------------------------

_EXPORTER = None
_EXPORTER_LOCK = threading.Lock()


def _exporter():
    """One configured HTMLExporter per process: building one loads every template, which is slow."""
    global _EXPORTER
    with _EXPORTER_LOCK:
        if _EXPORTER is None:
            from jinja2 import DictLoader
            from nbconvert import HTMLExporter

            _EXPORTER = HTMLExporter(
                template_name="lab",
                template_file=TEMPLATE_NAME,
                extra_loaders=[DictLoader({TEMPLATE_NAME: TEMPLATE})],
                exclude_input=True,
                exclude_input_prompt=True,
                exclude_output_prompt=True,
                anchor_link_text="",
            )
        return _EXPORTER


def notebook_to_html(notebook: nbformat.NotebookNode, paper: str = A4) -> str:
    """Convert a handout notebook to one self-contained HTML document, printing on ``paper`` ("a4" or "letter")."""
    from kit import __version__

    exporter = _exporter()
    resources = {"pillarkit": {"css": stylesheet(paper), "csp": CONTENT_SECURITY_POLICY, "version": __version__}}
    with _EXPORTER_LOCK:
        body, _ = exporter.from_notebook_node(notebook, resources=resources)
    remote = remote_references(body)
    if remote:
        # The template drops every remote reference; this only fires if nbconvert changes under us.
        raise ExportError.at(
            "handout", "", f"the HTML would fetch {remote[0]!r} from the network; refusing to write it"
        )
    return body


def to_html(review: Review, now: dt.datetime | None = None, edition: str = FULL, paper: str = A4) -> str:
    """The handout as one self-contained HTML document: no script, and nothing fetched from the network.

    ``edition``: :data:`FULL` or :data:`SUMMARY`; ``paper``: "a4" (the default) or "letter", for printing.
    """
    return notebook_to_html(build_notebook(review, now, edition), paper)


_LOADING_ATTRIBUTES = {
    "src",
    "srcset",
    "data",
    "poster",
    "background",
    "action",
    "formaction",
    "xlink:href",
    "ping",
    "manifest",
}
_REMOTE_STYLE = (re.compile(r"@import\b", re.I), re.compile(r"url\(\s*[\"']?\s*(?!data:|#)[^)\s]", re.I))


class _RemoteFinder(HTMLParser):
    """Finds what would run a script or load anything but a ``data:`` URL, tag by tag (text is never markup)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in ("script", "link", "iframe", "frame", "object", "embed", "base", "form", "template"):
            self.found.append(f"<{tag}>")
        if tag == "style":
            self._in_style = True
        for name, value in attrs:
            value = (value or "").strip()
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}=...>")
            elif name in _LOADING_ATTRIBUTES or (name == "href" and tag != "a"):
                if not value.lower().startswith(("data:image/", "#")):
                    self.found.append(f"<{tag} {name}={value[:60]!r}>")
            elif name == "href" and not (value.startswith("#") or safe_url(value)):
                self.found.append(f"<a href={value[:60]!r}>")
            elif name == "style":
                self._check_style(value)
            elif tag == "meta" and name == "http-equiv" and value.lower() == "refresh":
                self.found.append("<meta http-equiv=refresh>")

    def handle_endtag(self, tag: str) -> None:
        if tag == "style":
            self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self._check_style(data)

    def _check_style(self, css: str) -> None:
        for pattern in _REMOTE_STYLE:
            self.found.extend(m.group(0) for m in pattern.finditer(css))


def remote_references(document: str) -> list[str]:
    """Markup in an HTML document that would run a script or load anything but a ``data:`` image.

    Plain ``<a href>`` links to ``http(s)`` pages and ``#`` anchors are allowed: they fetch
    nothing until the reader follows them. User text is never markup, so it is never reported.
    """
    finder = _RemoteFinder()
    finder.feed(document)
    finder.close()
    return finder.found


# --- export: one function for the command line and the app -----------------------------------


def html_bytes(review: Review, edition: str = FULL, paper: str = A4) -> bytes:
    """The handout's HTML file, as bytes."""
    return to_html(review, edition=edition, paper=paper).encode("utf-8")


def pdf_bytes(review: Review, edition: str = FULL, paper: str = A4) -> bytes:
    """The handout printed to PDF by Chromium on A4 (or US letter) pages, as bytes; :class:`ExportError` without Chromium."""
    from kit.render.pdf import print_pdf

    return print_pdf(to_html(review, edition=edition, paper=paper))


def check_handout_options(suffix: str, edition: str, paper: str, source: str = "export") -> None:
    """Refuse an edition or a paper size that is unknown, or given for a file that is not the handout."""
    if edition not in EDITIONS:
        raise ExportError.at(source, "", f"no edition {edition!r}; use one of {', '.join(EDITIONS)}")
    if paper not in PAPERS:
        raise ExportError.at(source, "", f"no paper size {paper!r}; use one of {', '.join(PAPERS)}")
    if suffix not in HANDOUT_SUFFIXES and (edition, paper) != (FULL, A4):
        raise ExportError.at(
            source, "", f"an edition and a paper size are for the handout ({', '.join(HANDOUT_SUFFIXES)}), not {suffix}"
        )


#: The files by suffix, made in memory: what :func:`export` writes and the app offers for download.
#: A new format is a renderer and one line here, plus its line in :data:`MEDIA_TYPES`.
RENDERERS: dict[str, Callable[[Review], bytes]] = {
    ".html": html_bytes,
    ".pdf": pdf_bytes,
    ".csv": exports.csv_bytes,
    ".xlsx": exports.to_xlsx,
    ".json": exports.json_bytes,
}

#: The handout's formats take an edition and a paper size.
HANDOUT_RENDERERS: dict[str, Callable[[Review, str, str], bytes]] = {".html": html_bytes, ".pdf": pdf_bytes}

#: The media type of each format, for a download link.
MEDIA_TYPES: dict[str, str] = {
    ".html": "text/html;charset=utf-8",
    ".pdf": "application/pdf",
    ".csv": "text/csv;charset=utf-8",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".json": "application/json;charset=utf-8",
}


def to_bytes(review: Review, suffix: str, edition: str = FULL, paper: str = A4) -> bytes:
    """The file :func:`export` writes for ``suffix`` (``".html"``, ``".pdf"``, ``".csv"``, ``".xlsx"``, ``".json"``), made in memory.

    The app offers it as a download. ``edition`` and ``paper`` apply to the handout only. Raises
    :class:`ExportError` for an unknown suffix, edition or paper size, or for a PDF without
    Chromium (with how to install it).
    """
    key = str(suffix).lower()
    if key not in RENDERERS:
        raise ExportError.at("export", "", f"no export format {suffix!r}; use one of {', '.join(RENDERERS)}")
    check_handout_options(key, edition, paper)
    if key in HANDOUT_SUFFIXES:
        return HANDOUT_RENDERERS[key](review, edition, paper)
    return RENDERERS[key](review)


def format_of(path: str | os.PathLike) -> str:
    """The export format of a path, from its suffix; :class:`ExportError` for a suffix we do not write."""
    suffix = Path(path).suffix.lower()
    if suffix not in RENDERERS:
        known = ", ".join(RENDERERS)
        raise ExportError.at(
            str(path), "", f"cannot tell the format from {suffix or 'a name without a suffix'!r}; use one of {known}"
        )
    return suffix


def export(review: Review, path: str | os.PathLike, edition: str = FULL, paper: str = A4) -> Path:
    """Write the review to ``path`` in the format its suffix names: ``.html``, ``.pdf``, ``.csv``, ``.xlsx`` or ``.json``.

    ``edition`` (:data:`FULL` or :data:`SUMMARY`) and ``paper`` ("a4" or "letter") apply to the
    handout. The file is written atomically. Raises :class:`ExportError` for an unknown suffix,
    edition or paper size, or for a PDF without Chromium (with how to install it). Returns the path written.
    """
    suffix = format_of(path)
    check_handout_options(suffix, edition, paper, str(path))
    write_atomic(path, to_bytes(review, suffix, edition, paper))
    return Path(path)


__all__ = [
    "EDITIONS",
    "FULL",
    "HANDOUT_SUFFIXES",
    "MEDIA_TYPES",
    "RENDERERS",
    "SUMMARY",
    "Html",
    "build_notebook",
    "esc",
    "export",
    "fmt",
    "format_of",
    "notebook_to_html",
    "remote_references",
    "safe_url",
    "to_bytes",
    "to_html",
]

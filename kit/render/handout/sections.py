"""The handout's parts, each rendered from its template: cover, summary, top risks, pillars, plan, parking lot,
changes since the last milestone, and sources.

Each function gathers what its part shows (from :class:`.facts.Facts` and :mod:`.wording`) and
renders the part's template in ``templates/``. Templates escape everything they are given
(:mod:`.jinja`), so user and lens text reach the HTML only as text; what a function returns is
:class:`~markupsafe.Markup`, ready to be a notebook output or part of another template.
"""

from __future__ import annotations

from collections.abc import Iterable

from markupsafe import Markup

from kit.core import fieldstats
from kit.core import milestones as milestone_changes
from kit.core import roadmap as roadmaps
from kit.core.lens import Pillar, Question
from kit.core.vocabulary import HIGH, MEDIUM, NONE, NOT_APPLICABLE, UNANSWERED, WORST_FIRST, Environment
from kit.render.handout import wording
from kit.render.handout.facts import (
    Facts,
    QuestionFacts,
    anchor,
    horizons,
    is_moved,
    weightiest_first,
)
from kit.render.handout.jinja import macro, render

#: The handout's editions: the whole review (the default), or the executive edition a CTO reads in
#: five minutes: cover, summary with the top risks, the roadmap's three columns and the parking lot.
FULL = "full"
SUMMARY = "summary"
EDITIONS = (FULL, SUMMARY)
#: Column heads on a phone, where a risk's full words would not fit a fifth of the width.
SHORT_RISK_WORDS = {HIGH: "High", MEDIUM: "Med.", NONE: "None", NOT_APPLICABLE: "N/A", UNANSWERED: "Open"}


def cover(facts: Facts, edition: str = FULL) -> Markup:
    review, workload = facts.review, facts.review.workload
    details = [
        ("Environment", Environment(workload.environment).words),
        ("Review date", wording.nice_date(workload.review_date)),
        ("Owner", workload.owner),
        ("Facilitator", workload.facilitator),
        ("Industry", workload.industry),
        ("Regions", ", ".join(workload.regions)),
    ]
    pillar_names = {p.id: p.name for lens in review.lenses.values() for p in lens.pillars}
    # The executive edition shows the register on the cover's page, so it comes first there.
    contents = [("register", "Risk register")] if review.risk_register and edition != FULL else []
    contents.append(("summary", "Executive summary"))
    if edition == FULL:
        contents += [
            (anchor("pillar", alias, pillar.id), facts.pillar_name(alias, pillar))
            for alias, lens in review.lenses.items()
            for pillar in lens.pillars
        ]
    contents.append(("plan", "Improvement plan and roadmap"))
    if review.risk_register and edition == FULL:
        contents.append(("register", "Risk register"))
    contents.append(("parking-lot", "Parking lot"))
    if facts.diff is not None and edition == FULL:
        contents.append(("changes", "Changes since the last milestone"))
    if edition == FULL:
        contents.append(("sources", "Sources and attribution"))
    return render(
        "cover.html.j2",
        name=workload.name.strip() or "Unnamed workload",
        description=workload.description if workload.description.strip() else "",
        details=[(label, value) for label, value in details if value],
        participants=workload.participants,
        lenses=[wording.lens_title(lens) for lens in review.lenses.values()],
        context=[(wording.context_label(k), v) for k, v in workload.business_context.items() if str(v).strip()],
        priorities=[pillar_names.get(pid, pid) for pid in review.pillar_priorities],
        notes=workload.notes if workload.notes.strip() else "",
        contents=contents,
        edition="Handout" if edition == FULL else "Executive summary",
    )


def summary_intro(facts: Facts) -> Markup:
    counts = facts.result.counts
    pillars = sum(len(lens.pillars) for lens in facts.review.lenses.values())
    lede = wording.summary_lede(counts, pillars, [lens.name for lens in facts.review.lenses.values()])
    review = facts.review
    sources = [mark.source for marks in review.prefilled.values() for mark in marks.values()]
    caution = wording.prefilled_caution(review.prefilled_count(), sources)
    return render("summary.html.j2", lede=lede, counts=counts, caution=caution)


def chart_caption(facts: Facts, alias: str) -> Markup:
    return render("chart_caption.html.j2", lens_name=facts.review.lenses[alias].name if facts.multi_lens else "")


def chart_alt(facts: Facts, alias: str) -> str:
    """The chart's text alternative: every pillar's counts in words."""
    parts = []
    for pillar_score in facts.result.lenses[alias].pillars.values():
        counts = pillar_score.counts
        words = ", ".join(f"{counts[r]} {r.words.lower()}" for r in WORST_FIRST if counts[r])
        parts.append(f"{pillar_score.pillar.name}: {words}")
    return "Risk by pillar. " + "; ".join(parts) + "."


def counts_table(facts: Facts) -> Markup:
    rows = [
        {
            "alias": alias,
            "pillar_id": pid,
            "anchor": anchor("pillar", alias, pid),
            "name": facts.pillar_name(alias, pillar_score.pillar),
            "counts": pillar_score.counts,
        }
        for alias, lens_score in facts.result.lenses.items()
        for pid, pillar_score in lens_score.pillars.items()
    ]
    return render("counts.html.j2", rows=rows, total=facts.result.counts, short=SHORT_RISK_WORDS)


def top_risks(facts: Facts) -> Markup:
    chosen = facts.top_risks()
    risks = []
    for top in chosen:
        item = top.item
        missing = weightiest_first(item.missing)
        first = next((c.improvement.text for c in missing if c.improvement and c.improvement.text), "")
        risks.append(
            {
                "risk": item.risk,
                "label": item.question.label,
                "pillar": facts.pillar_name(item.lens, item.pillar),
                "gap": wording.missing_summary(missing, len(item.question.practices)),
                "first_step": first,
                "question_id": item.question.id,
                "why": "; ".join(top.reasons),
            }
        )
    empty = (
        "No question is high or medium risk."
        if facts.result.counts.answered
        else "No risks yet: nothing has been answered."
    )
    chosen_words = (
        f"{wording.plural(len(chosen), 'question').capitalize()} of the {len(facts.items)} on the improvement plan"
    )
    return render("top_risks.html.j2", risks=risks, chosen=chosen_words, empty=empty)


def question_block(facts: Facts, alias: str, question: Question) -> Markup:
    """One question's block, as its pillar's section shows it."""
    return macro("question.html.j2", "question")(QuestionFacts.of(facts, alias, question))


def pillar_section(facts: Facts, alias: str, pillar: Pillar, position: int, total: int) -> Markup:
    return render(
        "pillar.html.j2",
        anchor=anchor("pillar", alias, pillar.id),
        alias=alias,
        pillar=pillar,
        lens_name=facts.review.lenses[alias].name,
        position=position,
        total=total,
        counts=facts.result.lenses[alias].pillars[pillar.id].counts,
        questions=[QuestionFacts.of(facts, alias, q) for q in pillar.questions],
    )


def plan_section(facts: Facts, details: bool = True) -> Markup:
    """The roadmap's three columns, then (unless ``details`` is False, as in the executive edition) every item's steps."""
    review = facts.review
    if not facts.items:
        empty = (
            "No high or medium risks: there is nothing to improve yet."
            if facts.result.counts.answered
            else "Nothing has been answered yet."
        )
        return render("plan.html.j2", empty=empty)
    names = {p.id: p.name for lens in review.lenses.values() for p in lens.pillars}
    columns = []
    for horizon in horizons(facts):
        word, span = wording.horizon_heading(horizon.months)
        columns.append(
            {
                "months": horizon.months,
                "word": word,
                "span": span,
                "count": wording.horizon_count(len(horizon.items), horizon.highs),
                "groups": [
                    {
                        "pillar": facts.pillar_name(group[0].lens, group[0].pillar),
                        "questions": [
                            {"anchor": anchor("item", i.lens, i.question.id), "question": i.question} for i in group
                        ],
                    }
                    for group in horizon.by_pillar()
                ],
                "articles": [
                    {
                        "anchor": anchor("item", item.lens, item.question.id),
                        "risk": item.risk,
                        "question": item.question,
                        "pillar": facts.pillar_name(item.lens, item.pillar),
                        "moved_from": roadmaps.default_horizon(item.risk)
                        if is_moved(facts, item, horizon.months)
                        else None,
                        "notes": item.notes if item.notes.strip() else "",
                        "steps": weightiest_first(item.missing),
                    }
                    for item in horizon.items
                ],
            }
        )
    return render(
        "plan.html.j2",
        empty="",
        lede=wording.plan_lede([names.get(p, p) for p in review.pillar_priorities]),
        horizons=columns,
        no_practice_missing=wording.NO_PRACTICE_MISSING,
        details=details,
    )


def parking_section(facts: Facts, shown_risks: Iterable[str] | None = None) -> Markup:
    """The parking lot; a topic parked from the register links to its entry where the handout shows it
    (``shown_risks``: the ids of the entries shown, by default every one)."""
    review = facts.review
    rows = []
    risks = {entry.id for entry in review.risk_register} if shown_risks is None else set(shown_risks)
    for item in review.parking_lot:
        lens = review.lenses.get(item.lens or "")
        # A topic parked from the risk register links to its entry in the register's section.
        risk = {"risk": item.risk or "", "risk_anchor": anchor("risk", item.risk) if item.risk in risks else ""}
        if lens is not None and item.question_id and lens.has_question(item.question_id):
            rows.append(
                {
                    "item": item,
                    "anchor": anchor("q", lens.alias, item.question_id),
                    "question": lens.question(item.question_id).label,
                }
                | risk
            )
        else:
            rows.append({"item": item, "anchor": "", "question": ""} | risk)
    return render("parking.html.j2", rows=rows)


def changes_section(facts: Facts) -> Markup:
    diff = facts.diff
    assert diff is not None
    counts = diff.counts()
    summary = wording.listing([f"{counts[k]} {k}" for k in milestone_changes.KINDS if counts[k]]) or "no change in risk"
    rows = [
        {
            "change": c,
            "anchor": anchor("q", c.lens, c.question.id),
            "pillar": facts.pillar_name(c.lens, c.pillar),
            "words": wording.CHANGE_WORDS[c.kind],
        }
        for c in sorted(diff.changes, key=lambda c: milestone_changes.KINDS.index(c.kind))
    ]
    edits = [
        {
            "question_id": q.question.id,
            "anchor": anchor("q", q.lens, q.question.id),
            "label": q.question.label,
            "pillar": facts.pillar_name(q.lens, q.pillar),
            "lines": [wording.edit_line(e) for e in q.edits],
        }
        for q in diff.edits
    ]
    return render(
        "changes.html.j2",
        edits=edits,
        milestone=diff.milestone,
        date=wording.nice_date(diff.milestone.date),
        summary=summary,
        rows=rows,
    )


def sources_section(facts: Facts, used_stats: bool) -> Markup:
    from kit import __version__

    lenses = []
    for lens in facts.review.lenses.values():
        origin = "bundled with pillarkit" if lens.bundled else "a custom lens carried in the review file"
        lenses.append(
            {
                "title": wording.lens_title(lens),
                "origin": origin.capitalize(),
                "alias": lens.alias,
                "attribution": wording.BUNDLED_ATTRIBUTION if lens.bundled else "Texts as supplied in the custom lens.",
                "url": lens.extension.get("url") if isinstance(lens.extension, dict) else None,
            }
        )
    stats = None
    if used_stats:
        source = fieldstats.provenance()
        talk, blog = source.get("talk", {}), source.get("blog", {})
        stats = {
            "reviews": source.get("reviews", ""),
            "period": source.get("period", ""),
            "note": source.get("mapping_note", ""),
            "talk": {key: talk.get(key, "") for key in ("url", "title", "speaker", "event")},
            "blog": {key: blog.get(key, "") for key in ("url", "title", "author", "publisher")},
        }
    return render("sources.html.j2", lenses=lenses, stats=stats, version=__version__, date=facts.generated)

"""How the handout says things: dates, counts, lists of names, and the sentences built from them.

Plain text only: nothing here makes markup. The templates escape every string they are
given, so a sentence that holds a lens's or a workload's name is safe to pass as it is.
"""

from __future__ import annotations

import datetime as dt

from kit.core import milestones
from kit.core.lens import Choice, Lens
from kit.core.scoring import RiskCounts
from kit.core.vocabulary import HIGH, MEDIUM, UNANSWERED, Reason
from kit.render.tables import level_words

#: Said of a HIGH or MEDIUM question with no missing practice ("None of these" ticked, or an "||" of practices all set aside).
NO_PRACTICE_MISSING = (
    "No practice is missing, yet the lens\u2019s rules rate this question at risk: \u201cNone of these\u201d may be ticked, "
    "or a rule asks for one of several practices and every one of them was set aside as not applicable (the WA Tool "
    "scores that as not met). Check the answer."
)
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
#: Each roadmap horizon's heading: (word, span).
HORIZON_TITLES = {3: ("Now", "within 3 months"), 12: ("Next", "within 12 months"), 36: ("Later", "within 36 months")}
#: How each kind of milestone change reads in the changes table.
CHANGE_WORDS = {"improved": "\u2191 Improved", "regressed": "\u2193 Regressed", "new": "New", "cleared": "Cleared"}


def plural(count: int, word: str, many: str | None = None) -> str:
    """``3 questions``, ``1 question``; ``many`` when the plural is not ``word + "s"``."""
    return f"{count} {word if count == 1 else many or word + 's'}"


def listing(items: list[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
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


def lens_title(lens: Lens) -> str:
    return f"{lens.name}, edition of {nice_date(lens.edition)}" if lens.edition else lens.name


def context_label(key: str) -> str:
    return CONTEXT_LABELS.get(key.lower(), key.replace("_", " ").strip().capitalize() or key)


def level_tag(choice: Choice) -> str:
    """A practice's level as its tag says it: "High if missing" for the Framework, "Required" for the Serverless lens."""
    if not choice.risk_level:
        return ""
    words = level_words(choice)
    return f"{words} if missing" if choice.risk_level in ("HIGH", "MEDIUM", "LOW") else words


def horizon_heading(months: int) -> tuple[str, str]:
    return HORIZON_TITLES.get(months, (f"{months} months", f"within {months} months"))


def summary_lede(counts: RiskCounts, pillars: int, lens_names: list[str]) -> str:
    """The executive summary's first sentence: how much is answered, and how much of it is at risk."""
    names = listing(lens_names)
    if counts.answered == 0:
        return f"None of the {counts.total} questions of the {names} has been answered yet."
    lede = (
        f"The team answered {counts.answered} of {plural(counts.total, 'question')} across {plural(pillars, 'pillar')} "
        f"of the {names}. {plural(counts[HIGH], 'question is', 'questions are')} high risk and "
        f"{counts[MEDIUM]} medium risk"
    )
    unanswered = counts[UNANSWERED]
    return lede + (f"; {unanswered} {'is' if unanswered == 1 else 'are'} still unanswered." if unanswered else ".")


def prefilled_caution(count: int, sources: list[str]) -> str:
    """Why a reader should weigh some answers less: they came from elsewhere and nobody confirmed them."""
    if not count:
        return ""
    these = plural(count, "answer was", "answers were")
    return (
        f"{these} pre-filled ({listing(sorted(set(sources)))}) and not confirmed in the session: "
        f"{'its risk comes' if count == 1 else 'their risks come'} from the source, not from this team, "
        "and each is marked below."
    )


def plan_lede(priorities: list[str]) -> str:
    """What the improvement plan holds and in which order, given the names of the review's pillar priorities."""
    if priorities:
        order = f"ordered by the review\u2019s pillar priorities ({', '.join(priorities)})"
    else:
        order = "in the lenses\u2019 pillar order (the review sets no pillar priorities)"
    return (
        f"Every high-risk question, then every medium-risk one, {order}. Each is placed on a roadmap: "
        "high risks within 3 months and medium risks within 12 unless the facilitator moved them."
    )


def horizon_count(total: int, highs: int) -> str:
    """``3 questions: 2 high and 1 medium`` (a horizon holds only high and medium questions)."""
    split = listing(
        [
            words
            for n, words in ((highs, f"{highs} {HIGH.short}"), (total - highs, f"{total - highs} {MEDIUM.short}"))
            if n
        ]
    )
    return plural(total, "question") + (f": {split}" if total else "")


def missing_summary(missing: list[Choice], practices: int) -> str:
    """A top risk's gap: the practices it misses, the first two by name."""
    if not missing:
        return NO_PRACTICE_MISSING
    named = listing([f"\u201c{c.title}\u201d" for c in missing[:2]])
    if len(missing) > 2:
        return f"{len(missing)} of {plural(practices, 'practice')} missing, including {named}."
    return f"Missing: {named}."


def edit_line(edit: milestones.Edit) -> dict[str, str]:
    """One edit to an answer since the milestone, in words ("Ticked “…”"), with a note's new text apart."""
    subject = f"“{edit.choice.title}”" if edit.choice is not None else "the question"
    if edit.kind == milestones.TICKED:
        return {"words": f"Ticked {subject}", "text": ""}
    if edit.kind == milestones.UNTICKED:
        return {"words": f"Unticked {subject}", "text": ""}
    if edit.kind == milestones.SET_ASIDE:
        reason = f" ({Reason(edit.after).words.lower()})" if edit.after else ""
        return {"words": f"Marked {subject} not applicable{reason}", "text": ""}
    if edit.kind == milestones.RESTORED:
        return {"words": f"Marked {subject} applicable again", "text": ""}
    where = f" on {subject}" if edit.choice is not None else ""
    if not edit.after.strip():
        return {"words": f"Removed the note{where}", "text": ""}
    verb = "Changed the note" if edit.before.strip() else "Added a note"
    return {"words": f"{verb}{where}", "text": edit.after}

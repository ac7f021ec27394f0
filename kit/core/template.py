"""Review templates: start a review from another review's answers, marked pre-filled until confirmed.

The WA Tool has review templates for teams that answer many workloads alike. Here any review
file is a template: its answers and notes are copied into a new review, each question marked
pre-filled (``Review.prefilled``) until the facilitator confirms it in the session. Nothing
else is copied: the workload, milestones, parking lot, roadmap moves and sync state belong to
the review they were made for.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from kit.core import lens as lenses
from kit.core.errors import Diagnostic
from kit.core.review import Answer, Review, Workload, check_text


def from_template(
    template: Review, workload_name: str, lens_names: Iterable[str] | None = None, source: str | None = None
) -> tuple[Review, list[Diagnostic]]:
    """A new review of ``workload_name`` with ``template``'s answers, marked pre-filled.

    The lenses are ``lens_names`` (aliases or paths) if given, else the template's own (a custom
    lens travels with it). Answers are copied for the lenses both apply; what cannot be copied
    (a question or choice the lens does not have, a lens the new review does not apply) is
    returned as diagnostics, one per question, rather than dropped in silence.
    """
    source = source or template.source
    check_text(workload_name, "--workload", "workload", "name", place="")
    applied = [lenses.load(name) for name in lens_names] if lens_names else list(template.lenses.values())
    review = Review(applied, Workload(name=workload_name, review_date=dt.date.today().isoformat()))
    skipped: list[Diagnostic] = []
    origin = f"template: {source}"
    for alias, answers in template.answers.items():
        if not answers:
            continue
        if alias not in review.lenses:
            skipped.append(
                Diagnostic(
                    source,
                    f"answers.{alias}",
                    f"{len(answers)} answers for lens {alias!r}, which the new review does not apply, were not copied",
                    "template-skipped",
                )
            )
            continue
        lens = review.lenses[alias]
        for qid, answer in answers.items():
            where = f"answers.{alias}.{qid}"
            if not lens.has_question(qid):
                skipped.append(
                    Diagnostic(
                        source,
                        where,
                        f"lens {alias!r} has no question {qid!r}; its answer was not copied",
                        "template-skipped",
                    )
                )
                continue
            known = set(lens.question(qid).choice_ids)
            unknown = sorted(set(answer.choices) - known)
            if unknown:
                skipped.append(
                    Diagnostic(
                        source,
                        where,
                        f"question {qid!r} has no choice {', '.join(map(repr, unknown))}; the rest of its answer was copied",
                        "template-skipped",
                    )
                )
            copied = Answer.from_api(answer.to_api(), source, ["answers", alias, qid])
            copied.choices = {cid: choice for cid, choice in copied.choices.items() if cid in known}
            if copied.is_blank():
                continue
            review.answers[alias][qid] = copied
            review.mark_prefilled(alias, qid, origin)
    return review, skipped

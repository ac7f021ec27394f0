"""Synthetic review files: the demo portfolio for newcomers and Binder, and the benchmark's reviews.

The workloads, teams and people are invented, and every file says so twice: its workload
description starts with :data:`DESCRIPTION`, and ``extensions["synthetic"]`` records the
generator and its seed. :func:`is_synthetic` reads that mark, so every output made from such
files (the portfolio's report, workbook, table and notebook) can say the data is synthetic.

How answers are drawn, for the bundled Framework lens:

- Each practice has a chance of being followed. Where the 2020 reviews measured the practice
  (:mod:`kit.core.fieldstats`, ``choice_selected`` with high or medium confidence), that share
  is the chance; elsewhere it comes from the practice's risk level (High-risk-if-missing
  practices are followed more often), nudged by pillar the way the seed talk found teams to be
  (better at building than at running and securing) and spread a little per practice by a
  fixed hash of its id, so that every seed draws the same kind of portfolio.
- Where 2020 measured a whole question (the share that was high risk, high or medium risk, or
  had no risk), the practices of a question are drawn together often enough to meet that
  share: with probability ``w`` one uniform number decides every practice of the question (a
  team that does the hard practice does the easy ones too), otherwise each is drawn on its
  own. ``w`` is solved from the figure; the shares of single practices stay as they were.
- "None of these" is ticked as often as 2020 measured it (else now and then), and whenever a
  team follows nothing. A few practices and questions are marked not applicable, with a reason.
- About a third of the reviews carry an earlier milestone ("Baseline"), from which the current
  answers mostly improved and now and then regressed.

Pure Python and deterministic for a given seed; nothing here needs numpy.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import random
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from kit.core import fieldstats
from kit.core import lens as lenses
from kit.core.errors import ReviewError
from kit.core.jsonio import FilePath, JsonObject, dumps, write_atomic
from kit.core.review import FORMAT, FORMAT_VERSION
from kit.core.vocabulary import REASONS, ChoiceStatus

SELECTED = ChoiceStatus.SELECTED
NOT_APPLICABLE = ChoiceStatus.NOT_APPLICABLE

#: The key under ``extensions`` that marks a review as synthetic.
EXTENSION = "synthetic"
GENERATOR = "pillarkit demo portfolio"
#: Every synthetic workload's description starts with this.
DESCRIPTION = (
    "Synthetic review made by `pillarkit demo portfolio`: the workload, its team and its answers are invented."
)
#: Written beside the files, for a reader who opens the folder.
README = (
    "These review files are synthetic. They were made by `pillarkit demo portfolio` to show the\n"
    "portfolio analysis: the workloads, teams, people and answers are invented. Practice adoption\n"
    "follows the 2020 field statistics bundled with pillarkit where they exist, and a plausible\n"
    "spread elsewhere. Do not read them as findings about real workloads.\n"
)
README_NAME = "README-SYNTHETIC.txt"
DEFAULT_REVIEWS = 150
DEFAULT_SEED = 2020
LENS = "wellarchitected"

#: The seed talk's themes: teams build well but run and secure badly. Adoption is nudged by theme.
_THEME_NUDGE = {
    "performance": 0.08,
    "costOptimization": 0.05,
    "sustainability": 0.02,
    "operationalExcellence": -0.03,
    "reliability": -0.06,
    "security": -0.08,
}
_LEVEL_BASE = {"HIGH": 0.64, "MEDIUM": 0.50, "LOW": 0.36}
#: How strongly a team's overall maturity ties its questions together (Gaussian copula weight).
_MATURITY = 0.35
_PRACTICE_NA = 0.03
_QUESTION_NA = 0.012
_NONE_OF_THESE = 0.03
_MILESTONE_SHARE = 0.35

_INDUSTRIES = (
    ("Financial services", 5),
    ("Retail", 4),
    ("Media", 2),
    ("Healthcare", 3),
    ("Public sector", 2),
    ("Software", 4),
    ("Logistics", 2),
)
_REGIONS = ("eu-west-1", "eu-west-2", "eu-central-1", "us-east-1", "us-west-2", "ap-southeast-2")
_SYSTEMS = (
    "Orders API",
    "Claims portal",
    "Payments gateway",
    "Data lake ingest",
    "Customer identity",
    "Search service",
    "Media transcoder",
    "Booking engine",
    "Pricing engine",
    "Analytics warehouse",
    "Mobile backend",
    "Partner integration",
    "Inventory sync",
    "Notification hub",
    "Content platform",
    "Fraud scoring",
)
_GIVEN = ("Ada", "Bram", "Chiara", "Dev", "Elin", "Femi", "Goran", "Hana", "Ines", "Jonas", "Kemi", "Lior")
_FAMILY = ("Quillfeather", "Marchbanks", "Oyelaran", "Vasquez-Lind", "Thorsby", "Nakamura-Pike", "Brennagh")
_TEAMS = ("Falcon", "Otter", "Heron", "Lynx", "Badger", "Kestrel", "Marten", "Puffin")
_NOTES = (
    "Team says the runbook lives in the wiki; not seen during the review.",
    "Backups exist but restores were never timed.",
    "Ask the platform team about the shared VPC.",
    "Owner to confirm the recovery objectives with the business.",
)


def _phi(x: float) -> float:
    return 0.5 * (1.0 + math.erf(x / math.sqrt(2.0)))


def _stable_unit(text: str) -> float:
    """A number in [0, 1) fixed by ``text``: the per-practice spread is the same for every seed."""
    return int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:8], "big") / 2.0**64


@dataclass(frozen=True)
class QuestionPlan:
    """How one question's answers are drawn."""

    question: lenses.Question
    chances: tuple[float, ...]  # per practice, in question order
    together: float  # w: the chance that one number decides every practice
    none_of_these: float


def _figures(measure: str) -> dict[str | tuple[str, str | None], float]:
    found: dict[str | tuple[str, str | None], float] = {}
    for figure in fieldstats.all_figures():
        if figure.measure == measure and figure.percent is not None and figure.question_id:
            key = figure.question_id if measure != "choice_selected" else (figure.question_id, figure.choice_id)
            found.setdefault(key, figure.percent / 100)  # the first figure wins where two map to one id
    return found


def _solve_together(chances: list[float], target: float) -> float:
    """``w`` so that P(all followed) = w * min(p) + (1 - w) * prod(p) equals ``target`` (clipped to [0, 1])."""
    if not chances:
        return 0.0
    low, high = math.prod(chances), min(chances)
    if high - low < 1e-9:
        return 0.0
    return min(1.0, max(0.0, (target - low) / (high - low)))


@cache
def plans(alias: str = LENS) -> tuple[QuestionPlan, ...]:
    """The drawing plan of every question of a lens (the field figures apply to the Framework lens only)."""
    lens = lenses.bundled(alias)
    practice_share = _figures("choice_selected") if alias == LENS else {}
    high = _figures("question_high_risk") if alias == LENS else {}
    high_or_medium = _figures("question_high_or_medium") if alias == LENS else {}
    no_risk = _figures("question_no_risk") if alias == LENS else {}
    none_share = _figures("none_of_these") if alias == LENS else {}
    # The talk ranked some questions best without a share: drawn as often fully followed as the best measured one.
    best = (
        {f.question_id for f in fieldstats.all_figures() if f.measure == "question_rank_best"}
        if alias == LENS
        else set()
    )
    result = []
    for pillar in lens.pillars:
        for question in pillar.questions:
            practices = question.practices
            none = none_share.get(question.id, _NONE_OF_THESE)
            measured: dict[int, float] = {}
            chances = []
            for i, choice in enumerate(practices):
                if (question.id, choice.id) in practice_share:
                    measured[i] = practice_share[(question.id, choice.id)]
                    chances.append(measured[i])
                    continue
                base = _LEVEL_BASE.get(choice.risk_level or "", 0.5) + _THEME_NUDGE.get(pillar.id, 0.0)
                chances.append(base + (_stable_unit(choice.id) - 0.5) * 0.24)
            # Which practices a question-level figure is about, and the share that followed them all.
            if question.id in high:
                group = [i for i, c in enumerate(practices) if c.risk_level == "HIGH"] or list(range(len(practices)))
                target = 1 - high[question.id]
            elif question.id in high_or_medium:
                group, target = list(range(len(practices))), 1 - high_or_medium[question.id]
            elif question.id in no_risk:
                group, target = list(range(len(practices))), no_risk[question.id]
            elif question.id in best:
                group, target = list(range(len(practices))), max(no_risk.values(), default=0.7) + 0.04
            else:
                group, target = [], None
            if target is not None:
                # A question that was often fully followed needs its unmeasured practices followed at least as often.
                for i in group:
                    if i not in measured:
                        chances[i] = max(chances[i], min(0.97, target / (1 - none) + 0.06))
            # Practices are drawn only when "None of these" was not ticked, so their chances are raised to
            # keep each practice's overall share; targets are about the same conditional world.
            chances = [min(0.98, max(0.04, p)) for p in chances]
            conditional = [min(0.99, p / (1 - none)) for p in chances]
            together = 0.35
            if target is not None:
                together = _solve_together([conditional[i] for i in group], target / (1 - none))
            result.append(QuestionPlan(question, tuple(conditional), together, none))
    return tuple(result)


# --- one review -----------------------------------------------------------------------------


def _choice_entry(cid: str, status: str, reason: str | None = None) -> JsonObject:
    entry: JsonObject = {"ChoiceId": cid, "Status": status}
    if reason:
        entry["Reason"] = reason
    return entry


def _answer(plan: QuestionPlan, rng: random.Random, maturity: float) -> JsonObject:
    question = plan.question
    if rng.random() < _QUESTION_NA:
        return {"SelectedChoices": [], "ChoiceAnswers": [], "IsApplicable": False, "Reason": rng.choice(REASONS[:4])}
    none = question.none_of_these
    if none is not None and rng.random() < plan.none_of_these:
        return {"SelectedChoices": [none.id], "ChoiceAnswers": [_choice_entry(none.id, SELECTED)], "IsApplicable": True}
    shared = _phi(math.sqrt(_MATURITY) * maturity + math.sqrt(1 - _MATURITY) * rng.gauss(0.0, 1.0))
    together = rng.random() < plan.together
    selected: list[str] = []
    entries: list[JsonObject] = []
    for choice, chance in zip(question.practices, plan.chances):
        draw = shared if together else rng.random()
        if draw < chance:
            selected.append(choice.id)
            entries.append(_choice_entry(choice.id, SELECTED))
        elif rng.random() < _PRACTICE_NA:
            entries.append(_choice_entry(choice.id, NOT_APPLICABLE, rng.choice(REASONS[:4])))
    if not entries and none is not None:
        selected, entries = [none.id], [_choice_entry(none.id, SELECTED)]
    return {"SelectedChoices": selected, "ChoiceAnswers": entries, "IsApplicable": True}


def _earlier(answer: JsonObject, question: lenses.Question, rng: random.Random) -> JsonObject:
    """The same question at an earlier milestone: most changes since were improvements, a few regressions."""
    if not answer.get("IsApplicable", True):
        return answer
    statuses = {e["ChoiceId"]: e for e in answer["ChoiceAnswers"]}
    entries: list[JsonObject] = []
    none = question.none_of_these
    for choice in question.practices:
        entry = statuses.get(choice.id)
        if entry is not None and entry["Status"] == SELECTED:
            if rng.random() >= 0.22:
                entries.append(entry)
        elif entry is not None:
            entries.append(entry)
        elif rng.random() < 0.05:
            entries.append(_choice_entry(choice.id, SELECTED))
    if not entries and none is not None:
        entries = [_choice_entry(none.id, SELECTED)]
    return {
        "SelectedChoices": [e["ChoiceId"] for e in entries if e["Status"] == SELECTED],
        "ChoiceAnswers": entries,
        "IsApplicable": True,
    }


def _weighted(rng: random.Random, pairs: Sequence[tuple[str, float]]) -> str:
    total = sum(weight for _, weight in pairs)
    pick = rng.random() * total
    for value, weight in pairs:
        pick -= weight
        if pick < 0:
            return value
    return pairs[-1][0]


def _person(rng: random.Random) -> str:
    return f"{rng.choice(_GIVEN)} {rng.choice(_FAMILY)}"


def review_document(index: int, seed: int, complete: bool = False, alias: str = LENS) -> JsonObject:
    """The ``index``-th synthetic review of a portfolio drawn with ``seed``, as a review file's JSON.

    ``complete`` answers every question (the benchmark's reviews); otherwise about one review in
    ten leaves a pillar unanswered, as a review cut short does.
    """
    rng = random.Random(f"{seed}:{index}")
    lens = lenses.bundled(alias)
    year = 2023 + rng.randrange(3)
    date = dt.date(year, 1, 1) + dt.timedelta(days=rng.randrange(365))
    maturity = rng.gauss(0.0, 1.0) + (year - 2024) * 0.15
    skipped_pillar = None
    if not complete and rng.random() < 0.1:
        skipped_pillar = rng.choice(lens.pillars[-3:]).id
    answers = {}
    for plan in plans(alias):
        if plan.question.pillar_id == skipped_pillar:
            continue
        answers[plan.question.id] = _answer(plan, rng, maturity)
    system = rng.choice(_SYSTEMS)
    name = f"{system} {index + 1:03d}"
    notes_question = rng.choice(list(answers)) if answers and rng.random() < 0.3 else None
    if notes_question is not None:
        answers[notes_question]["Notes"] = rng.choice(_NOTES)
    milestones = []
    if rng.random() < _MILESTONE_SHARE:
        earlier = {qid: _earlier(a, lens.question(qid), rng) for qid, a in answers.items()}
        when = date - dt.timedelta(days=90 + rng.randrange(180))
        milestones.append({"name": "Baseline", "date": when.isoformat(), "answers": {alias: earlier}})
    team = rng.choice(_TEAMS)
    return {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "workload": {
            "name": name,
            "description": f"{DESCRIPTION} {system} of the {team} team.",
            "environment": "PRODUCTION" if rng.random() < 0.75 else "PREPRODUCTION",
            "owner": f"{_person(rng)} (team {team})",
            "regions": sorted(rng.sample(_REGIONS, 1 + (rng.random() < 0.3))),
            "industry": _weighted(rng, _INDUSTRIES),
            "review_date": date.isoformat(),
            "facilitator": _person(rng),
            "participants": sorted({_person(rng) for _ in range(2 + rng.randrange(3))}),
            "notes": f"Synthetic notes for {name}: " + rng.choice(_NOTES),
            "business_context": {"recovery_time_objective": f"{rng.choice((1, 4, 8, 24))} hours"},
        },
        "lenses": [{"alias": alias, "hash": lens.content_hash}],
        "answers": {alias: answers},
        "pillar_priorities": [],
        "milestones": milestones,
        "parking_lot": [{"text": f"Follow up with {_person(rng)} on {system.lower()} quotas", "owner": team}]
        if rng.random() < 0.2
        else [],
        "extensions": {EXTENSION: {"generator": GENERATOR, "seed": seed, "index": index}},
    }


def is_synthetic(extensions: object) -> bool:
    """Whether a review file's ``extensions`` carry the synthetic mark."""
    return isinstance(extensions, dict) and bool(extensions.get(EXTENSION))


def file_name(document: JsonObject) -> str:
    name: str = document["workload"]["name"]
    words = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    return f"{words or 'review'}.json"


def documents(count: int, seed: int, complete: bool = False) -> Iterator[JsonObject]:
    for index in range(count):
        yield review_document(index, seed, complete)


def write_portfolio(
    folder: FilePath, count: int = DEFAULT_REVIEWS, seed: int = DEFAULT_SEED, durable: bool = True
) -> list[Path]:
    """Write ``count`` synthetic review files (and a README saying they are synthetic) into ``folder``.

    Refuses, before writing anything, when a file it would write already exists, so nothing of
    the user's is overwritten. ``durable`` writes each file atomically with fsync (the command);
    the benchmark turns it off to make ten thousand files quickly.
    """
    if count < 1:
        raise ReviewError.at(str(folder), "", "a demo portfolio needs at least one review")
    target = Path(folder)
    if target.exists() and not target.is_dir():
        raise ReviewError.at(str(target), "", "is not a folder")
    drawn = list(documents(count, seed))
    paths = [target / file_name(d) for d in drawn]
    for path in [*paths, target / README_NAME]:
        if path.exists():
            raise ReviewError.at(str(path), "", "already exists; choose an empty or new folder")
    target.mkdir(parents=True, exist_ok=True)
    for path, document in zip(paths, drawn):
        text = dumps(document)
        if durable:
            write_atomic(path, text)
        else:
            path.write_text(text, encoding="utf-8")
    (write_atomic if durable else _plain_write)(target / README_NAME, README)
    return paths


def _plain_write(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")

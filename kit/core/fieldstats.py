"""Field statistics: how about 150 reviews run up to January 2020 answered each question.

The figures come from Jon Topper's QCon London 2020 talk and a later article of his, and
were measured against the 2018 edition of the framework. Each one is mapped onto a
question (and for practices, a choice) of the bundled ``wellarchitected`` lens, with the
confidence of that mapping. The app and the handout show them next to a question or a
choice as "you're not alone", so every figure reads as one plain sentence
(:attr:`FieldStat.sentence`) that owns up to a loose mapping instead of hiding it.

The data is built from ``frameworks/source/fieldstats/reviews-2020.csv`` by
``tools/build_fieldstats.py`` and read here through the installed package.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kit.core.jsonio import JsonObject
    from kit.core.lens import Lens

DATA_PACKAGE = "kit.frameworks.fieldstats"
DATA_FILE = "reviews-2020.json"

#: Measures about a whole question, shown with the question rather than with one choice.
QUESTION_MEASURES = (
    "question_no_risk",
    "question_high_risk",
    "question_high_or_medium",
    "question_rank_best",
    "none_of_these",
    "legacy_choice_selected",
)
#: Measures about one practice, shown with its choice.
CHOICE_MEASURES = ("choice_selected",)
CONFIDENCES = ("high", "medium", "low")

_PREFIX = "In 2020 reviews,"
# How each share reads: about the current question when the mapping is exact, and about the
# 2018 question ({q}) when it is not.
_SHARE_PHRASES = {
    "question_no_risk": ("had no risk here", "had no risk on the 2018 question {q}"),
    "question_high_risk": ("were high risk here", "were high risk on the 2018 question {q}"),
    "question_high_or_medium": ("were high or medium risk here", "were high or medium risk on the 2018 question {q}"),
    "choice_selected": ("followed this practice", "followed the 2018 form of this practice, under the question {q}"),
    "none_of_these": ("followed none of these practices", "followed none of the practices of the 2018 question {q}"),
}
_MATCH_WORDING = {"medium": "a medium-confidence match", "low": "a loose match"}


@dataclass(frozen=True)
class FieldStat:
    """One published figure, tied to the 2018 question it was measured on and the current ids it maps to.

    ``percent`` is a whole-number share of the reviewed workloads, or ``None`` for
    ``question_rank_best``, which the talk gave as a ranking only. ``confidence`` (``high``,
    ``medium`` or ``low``) says how closely the 2018 question or practice matches the current one.
    """

    id: str
    source: str
    legacy_question: str
    legacy_title: str
    question_code: str | None
    question_id: str | None
    bp_code: str | None
    choice_id: str | None
    measure: str
    percent: int | None
    confidence: str
    topic: str
    #: True when another figure gives the same measure for the same question or choice (the
    #: 2018 framework asked about people and programs separately); the sentence then names
    #: its 2018 question, so that two shares shown side by side do not seem to contradict.
    shared: bool = field(default=False, compare=False)

    def __post_init__(self) -> None:
        # A figure that cannot be worded must fail where it is made, not later inside the app.
        if self.measure not in QUESTION_MEASURES + CHOICE_MEASURES:
            raise ValueError(f"field statistic {self.id!r}: unknown measure {self.measure!r}")
        if self.confidence not in CONFIDENCES:
            raise ValueError(f"field statistic {self.id!r}: unknown confidence {self.confidence!r}")
        if self.percent is None and self.measure != "question_rank_best":
            raise ValueError(f"field statistic {self.id!r}: {self.measure} needs a percent")

    @property
    def exact(self) -> bool:
        """True when the figure maps onto the current question or practice with high confidence."""
        return self.confidence == "high"

    @property
    def reason(self) -> str | None:
        """Why the mapping is not exact, from the part of ``topic`` after its first ";", if any."""
        _, _, rest = self.topic.partition(";")
        return rest.strip() or None

    @property
    def sentence(self) -> str:
        """The figure as one plain English sentence, in pillarkit's words.

        An exact figure reads about the current question ("In 2020 reviews, 79% of workloads
        were high risk here."). A medium or low confidence one names the 2018 question it was
        measured on and says how loose the match is, with the reason when the data gives one.
        """
        if self.measure == "legacy_choice_selected":
            return self._legacy_sentence()
        if self.measure == "question_rank_best":
            if self.exact:
                return f"{_PREFIX} this was the question most often rated Well-Architected."
            return (
                f"{_PREFIX} the 2018 question “{self.legacy_title}” was the one most often rated "
                f"Well-Architected ({self._match()})."
            )
        here, elsewhere = _SHARE_PHRASES[self.measure]
        question = f"“{self.legacy_title}”"
        if self.exact and self.shared:
            return f"{_PREFIX} on the 2018 question {question}, {self.percent}% of workloads {here}."
        if self.exact:
            return f"{_PREFIX} {self.percent}% of workloads {here}."
        return f"{_PREFIX} {self.percent}% of workloads {elsewhere.format(q=question)} ({self._match()})."

    def _legacy_sentence(self) -> str:
        # The practice has no current choice to stand next to, so the sentence has to name it.
        practice = _lower_first(self.topic.partition(";")[0].strip())
        text = (
            f"{_PREFIX} on the question “{self.legacy_title}”, {self.percent}% of workloads followed "
            f"a 2018 practice with no current equivalent: {practice}"
        )
        # The reason in these rows only repeats "no current equivalent", so it is left out.
        return f"{text}." if self.exact else f"{text} ({_MATCH_WORDING[self.confidence]})."

    def _match(self) -> str:
        wording = _MATCH_WORDING[self.confidence]
        return f"{wording}: {self.reason}" if self.reason else wording


def _lower_first(text: str) -> str:
    # Lower-case a leading capital only when it starts an ordinary word, so "KPIs" stays "KPIs".
    if len(text) > 1 and text[0].isupper() and text[1].islower():
        return text[0].lower() + text[1:]
    return text


@cache
def _document() -> JsonObject:
    document: JsonObject = json.loads(files(DATA_PACKAGE).joinpath(DATA_FILE).read_text(encoding="utf-8"))
    return document


@cache
def _figures() -> tuple[FieldStat, ...]:
    figures = _document()["figures"]
    targets = Counter(_target(f) for f in figures)
    return tuple(FieldStat(**f, shared=targets[_target(f)] > 1) for f in figures)


def _target(figure: JsonObject) -> tuple[str | None, ...]:
    # A figure with no current question stands alone: it is never shown next to another.
    if figure["question_id"] is None:
        return (figure["id"],)
    return (figure["question_id"], figure["choice_id"], figure["measure"])


def _alias(lens: Lens | str) -> str:
    # Duck-typed so that this module needs nothing from kit.core.lens at import time.
    return lens if isinstance(lens, str) else lens.alias


def all_figures() -> list[FieldStat]:
    """Every field statistic, in the order of the source CSV."""
    return list(_figures())


def provenance() -> JsonObject:
    """Where the figures come from: the talk, the article, how many reviews, when, and how they were mapped.

    Returns a copy of the ``source`` object of the bundled JSON, so callers may change it freely.
    """
    source: JsonObject = json.loads(json.dumps(_document()["source"]))
    return source


def for_question(lens: Lens | str, question_id: str) -> list[FieldStat]:
    """The figures about a whole question: its risk shares, its rank, "none of these" and 2018-only practices.

    ``lens`` is a :class:`kit.core.lens.Lens` or an alias. Only the Framework lens
    (``wellarchitected``) was measured, so any other lens, and any question the reviews did
    not cover, gives an empty list.
    """
    if _alias(lens) != _document()["lens"]:
        return []
    return [f for f in _figures() if f.question_id == question_id and f.measure in QUESTION_MEASURES]


def for_choice(lens: Lens | str, question_id: str, choice_id: str) -> list[FieldStat]:
    """The share of workloads that followed one practice (choice) of a question.

    A practice can carry more than one figure, because two 2018 questions may map onto it
    (people and programs were asked about separately in 2018); all of them are returned, in
    source order. An unmeasured choice, or a lens other than ``wellarchitected``, gives an empty list.
    """
    if _alias(lens) != _document()["lens"]:
        return []
    return [
        f
        for f in _figures()
        if f.question_id == question_id and f.choice_id == choice_id and f.measure in CHOICE_MEASURES
    ]

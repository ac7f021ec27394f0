"""The portfolio: many reviews read together, as one tidy table and the reports of the seed talk.

:func:`read` takes review files and folders (searched recursively for ``*.json``), reads them
in bulk (:mod:`kit.core.bulk_reviews`: Review.load's errors, without its per-file costs) and
scores every question of every review at once, bit-parallel, with the rule engine
(:func:`kit.core.scoring.question_risk_bits`). A file that cannot be read is skipped with one
line that names it and says why (:class:`Skipped`); the rest are analysed.

A :class:`Portfolio` keeps, per lens, a matrix of choice statuses and one of question risks
(a row per review), beside one row of facets per review. From these come:

- :meth:`Portfolio.table`: the tidy table, review × lens × pillar × question × choice, with the
  question's risk and reason, the choice's status and reason, and the review's facets;
- the reports (each a pandas DataFrame): :func:`question_report`, :func:`top_high_risk`,
  :func:`best_rated`, :func:`practice_report`, :func:`pillar_report`, :func:`theme_report`,
  :func:`by_facet`, :func:`over_time_report` and :func:`field_report`;
- :meth:`Portfolio.to_json`: the counts ``pillarkit portfolio --json`` prints (a contract);
- :meth:`Portfolio.where` and :meth:`Portfolio.anonymised`: a subset, and a copy to share.

Shares are over the reviews that *rated* a question: answered and applicable (HIGH, MEDIUM or
NONE). A practice's adoption is the share of those reviews that selected it.

numpy and pandas are imported inside the functions that need them, so ``import kit`` stays
cheap; numpy comes with pandas.
"""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
import hmac
import json
import os
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from functools import partial
from itertools import chain, compress
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kit.core import bulk_reviews, fieldstats, options, record_cache, scoring
from kit.core import milestones as milestone_changes
from kit.core.errors import PillarkitError, ReviewError
from kit.core.jsonio import FilePath, JsonObject
from kit.core.lens import Lens
from kit.core.review import Workload
from kit.core.vocabulary import HIGH, MEDIUM, NONE, RISKS, UNANSWERED

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd
    from numpy.typing import ArrayLike

#: Risk codes in the matrices: the position in RISKS (UNANSWERED, HIGH, MEDIUM, NONE, NOT_APPLICABLE).
RISK_CODE: dict[str, int] = {risk: code for code, risk in enumerate(RISKS)}
RATED = (HIGH, MEDIUM, NONE)
#: Facets a report can be split by.
FACETS = ("industry", "environment", "year", "region", "facilitator")
FACET_WORDS = {
    "industry": "Industry",
    "environment": "Environment",
    "year": "Review year",
    "region": "Region",
    "facilitator": "Facilitator",
}
#: Shown for a facet a review left empty.
NOT_GIVEN = "(not given)"

#: The seed talk's themes ("teams build well but run and secure badly"), as pillarkit groups the
#: Framework's pillars: building is choosing and shaping resources, running is operating and
#: recovering them, securing is its own pillar. The grouping is ours, not the talk's.
THEMES: dict[str, tuple[str, ...]] = {
    "build": ("performance", "costOptimization", "sustainability"),
    "run": ("operationalExcellence", "reliability"),
    "secure": ("security",),
}


@dataclass(frozen=True)
class Skipped:
    """A file left out of the analysis: ``file`` as found, ``error`` the place and the problem."""

    file: str
    error: str

    @property
    def line(self) -> str:
        """The one line that names the file and says why: ``file: place: problem``."""
        return f"{self.file}: {self.error}"

    def to_json(self) -> dict[str, str]:
        return {"file": self.file, "error": self.error}


# --- finding and reading files ---------------------------------------------------------------


def review_files(paths: Iterable[FilePath]) -> Iterator[Path]:
    """Every file named, and every ``*.json`` under every folder named (recursively, sorted).

    Hidden files and folders (``.name``: temporary files, checkpoints, version control) are
    passed over. A path that does not exist is yielded as it is, so reading it reports it.
    """
    for given in paths:
        path = Path(given)
        if not path.is_dir():
            yield path
            continue
        found: list[str] = []
        for folder, folders, files in os.walk(path):
            folders[:] = [f for f in folders if not f.startswith(".")]
            found.extend(os.path.join(folder, f) for f in files if f.endswith(".json") and not f.startswith("."))
        # Sorted as text (path by path, as the folders nest), then made paths: sorting Path objects costs more.
        found.sort(key=lambda text: text.split(os.sep))
        yield from map(Path, found)


def read(
    paths: Iterable[FilePath],
    milestone: str | None = None,
    documents: Iterable[tuple[str, object | PillarkitError]] = (),
    cache: bool | Path = True,
) -> Portfolio:
    """Read, score and gather review files and folders into a :class:`Portfolio`.

    ``milestone`` is ``None`` for each review's current answers, ``"latest"`` for its last
    milestone, or a milestone's name; a review without it is skipped, with a line saying so.
    ``documents`` adds reviews from elsewhere (the WA Tool), after the files: (name, the review's
    JSON), or (name, the error that kept it from being read), which is skipped with its line.
    ``cache`` keeps what each file gave for the next reading (:mod:`kit.core.record_cache`):
    True for the configured folder (``PILLARKIT_CACHE``), a folder, or False for none.
    """
    given = [Path(p) for p in paths]
    reader = bulk_reviews.ReviewReader(milestone)
    builder = _Builder(milestone)
    where = record_cache.folder() if cache is True else (cache or None)
    kept = record_cache.RecordCache.for_reading(where, given, milestone) if where and given else None
    read_file = reader.read_file if kept is None else partial(kept.read, reader)
    with _without_cycle_collection():
        for path in review_files(given):
            try:
                builder.add(read_file(path))
            except PillarkitError as exc:
                builder.skip(str(path), exc)
        for source, data in documents:
            if isinstance(data, PillarkitError):
                builder.skip(source, data)
                continue
            try:
                builder.add(reader.read_bytes(json.dumps(data).encode("utf-8"), source))
            except PillarkitError as exc:
                builder.skip(source, exc)
    result = builder.build()
    if kept is not None:
        kept.save()
        result.cached_reads = kept.hits
    return result


@contextmanager
def _without_cycle_collection() -> Iterator[None]:
    """Python's cycle collector paused while many files are read, and put back as it was.

    Reading makes many lists and dicts and keeps the records, so the collector would scan the
    growing heap again and again (a fifth of the reading time in the benchmark) for cycles
    that cannot be there: decoded files and records are trees. Memory is still freed as
    usual, by reference counting.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def from_documents(documents: Iterable[tuple[str, object]], milestone: str | None = None) -> Portfolio:
    """A portfolio of review documents already parsed, as (name, JSON) pairs (the demo, tests)."""
    return read((), milestone, documents)


def demo(count: int | None = None, seed: int | None = None) -> Portfolio:
    """The synthetic demo portfolio, made in memory (nothing is written)."""
    from kit.core import synthetic

    count = options.DEMO_REVIEWS.value() if count is None else count
    seed = options.DEMO_SEED.value() if seed is None else seed
    documents = synthetic.documents(count, seed)
    return from_documents((f"demo/{synthetic.file_name(d)}", d) for d in documents)


def _error_text(exc: PillarkitError, source: str) -> str:
    """The first problem without the file's name (the file is named beside it)."""
    if not exc.diagnostics:
        return str(exc)
    first = exc.diagnostics[0]
    if first.source == source:
        return f"{first.where}: {first.message}" if first.where else first.message
    return str(first)


# --- building ----------------------------------------------------------------------------------


@dataclass
class LensData:
    """One lens's answers across the portfolio: a row per review that applies it.

    ``statuses`` (reviews × choices: 0 unselected, 1 selected, 2 not applicable), ``risks``
    (reviews × questions: codes into :data:`kit.core.vocabulary.RISKS`), the reasons given
    (codes into :data:`kit.core.bulk_reviews.REASON_NAMES`), and ``baseline``: each question's
    risk at the milestone before the analysed answers (-1 where the review has none).
    """

    key: str
    alias: str
    lens: Lens
    layout: bulk_reviews.LensLayout
    rows: np.ndarray
    statuses: np.ndarray
    risks: np.ndarray
    question_reasons: np.ndarray
    choice_reasons: np.ndarray
    baseline: np.ndarray

    @property
    def reviews(self) -> int:
        return len(self.rows)

    def take(self, keep: np.ndarray, renumber: np.ndarray) -> LensData:
        """The rows whose review is kept (``keep`` over the portfolio's reviews), renumbered."""
        mine = keep[self.rows]
        return replace(
            self,
            rows=renumber[self.rows[mine]],
            statuses=self.statuses[mine],
            risks=self.risks[mine],
            question_reasons=self.question_reasons[mine],
            choice_reasons=self.choice_reasons[mine],
            baseline=self.baseline[mine],
        )


#: The per-review columns, in order (what :meth:`Portfolio.reviews` holds).
REVIEW_COLUMNS = (
    "file",
    "workload",
    "owner",
    "industry",
    "environment",
    "regions",
    "review_date",
    "facilitator",
    "milestone",
    "milestone_date",
    "baseline",
    "baseline_date",
    "date",
    "year",
    "synthetic",
)
_WORKLOAD_DEFAULTS = Workload().to_dict()


#: One review's rows of one lens: its row in the portfolio, its answers, and its baseline's (or None).
_Rows = tuple[int, bulk_reviews.LensRecord, bulk_reviews.LensRecord | None]


class _Builder:
    def __init__(self, milestone: str | None):
        self.milestone = milestone
        self.facets: dict[str, list[Any]] = {name: [] for name in REVIEW_COLUMNS}
        self.skipped: list[Skipped] = []
        # (alias, content hash) -> (lens, [(review row, record, baseline record or None)])
        self.groups: dict[tuple[str, str], tuple[Lens, list[_Rows]]] = {}
        self.lens_changed = 0
        self.orphans = 0
        self.slow = 0

    def skip(self, source: str, exc: PillarkitError) -> None:
        self.skipped.append(Skipped(source, _error_text(exc, source)))

    def add(self, record: bulk_reviews.ReviewRecord) -> None:
        row = len(self.facets["file"])
        workload = {**_WORKLOAD_DEFAULTS, **record.workload}
        when = record.milestone_date if record.milestone else workload["review_date"]
        day = _date(when)
        values = {
            "file": record.source,
            "workload": workload["name"],
            "owner": workload["owner"],
            "industry": workload["industry"],
            "environment": workload["environment"],
            "regions": tuple(workload["regions"]),
            "review_date": workload["review_date"],
            "facilitator": workload["facilitator"],
            "milestone": record.milestone,
            "milestone_date": record.milestone_date,
            "baseline": record.baseline_name,
            "baseline_date": record.baseline_date,
            "date": day,
            "year": day.year if day else None,
            "synthetic": record.synthetic,
        }
        for name, value in values.items():
            self.facets[name].append(value)
        self.lens_changed += record.lens_changed
        self.slow += record.slow
        for alias, lens in record.lenses:
            group = self.groups.setdefault((alias, lens.content_hash), (lens, []))
            answers = record.answers[alias]
            self.orphans += answers.orphans
            group[1].append((row, answers, record.baseline.get(alias)))

    def build(self) -> Portfolio:
        aliases: dict[str, int] = {}
        for alias, _ in self.groups:
            aliases[alias] = aliases.get(alias, 0) + 1
        lenses: dict[str, LensData] = {}
        for (alias, content), (lens, items) in self.groups.items():
            # Two different lenses under one alias (custom lenses that changed between reviews) stay apart.
            key = alias if aliases[alias] == 1 or lens.bundled else f"{alias}@{content.removeprefix('sha256:')[:8]}"
            lenses[key] = _lens_data(key, alias, lens, items)
        notices = []
        if self.lens_changed:
            notices.append(
                f"{self.lens_changed} review file(s) were saved with an earlier version of a bundled lens; "
                "their answers are scored against the current one"
            )
        if self.orphans:
            notices.append(
                f"{self.orphans} answer(s) name questions or choices their lens does not have; "
                "they are kept in the files and left out of the counts"
            )
        result = Portfolio(self.facets, lenses, self.skipped, notices, milestone=self.milestone)
        result.slow_reads = self.slow
        return result


def _date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(text or "")[:10])
    except ValueError:
        return None


def _lens_data(key: str, alias: str, lens: Lens, items: list[_Rows]) -> LensData:
    import numpy as np

    layout = bulk_reviews.LensLayout(lens)
    rows = np.fromiter((row for row, _, _ in items), dtype=np.int64, count=len(items))
    statuses, question_na, question_reasons, choice_reasons = _matrices(layout, [record for _, record, _ in items])
    risks = _score(layout, statuses, question_na)
    baseline = np.full(risks.shape, -1, dtype=np.int8)
    with_baseline = [i for i, (_, _, before) in enumerate(items) if before is not None]
    if with_baseline:
        befores = [before for _, _, before in items if before is not None]
        before_statuses, before_na, _, _ = _matrices(layout, befores)
        baseline[with_baseline] = _score(layout, before_statuses, before_na)
    return LensData(key, alias, lens, layout, rows, statuses, risks, question_reasons, choice_reasons, baseline)


def _matrices(
    layout: bulk_reviews.LensLayout, records: Sequence[bulk_reviews.LensRecord]
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Status, question-not-applicable and reason matrices of records (one row each)."""
    import numpy as np

    n, columns, questions = len(records), layout.n_columns, layout.n_questions
    statuses = np.zeros((n, columns), dtype=np.int8)
    for attribute, code in (("selected", 1), ("not_applicable", 2)):
        chunks = [getattr(r, attribute) for r in records]
        counts = np.fromiter(map(len, chunks), dtype=np.int64, count=n)
        total = int(counts.sum())
        if total:
            flat = np.fromiter(chain.from_iterable(chunks), dtype=np.int64, count=total)
            statuses[np.repeat(np.arange(n), counts), flat] = code
    question_na = np.zeros((n, questions), dtype=bool)
    question_reasons = np.zeros((n, questions), dtype=np.int8)
    choice_reasons = np.zeros((n, columns), dtype=np.int8)
    for row, record in enumerate(records):
        if record.questions_not_applicable:
            question_na[row, record.questions_not_applicable] = True
        for question, reason in record.question_reasons:
            question_reasons[row, question] = reason
        for column, reason in record.choice_reasons:
            choice_reasons[row, column] = reason
    return statuses, question_na, question_reasons, choice_reasons


def _score(layout: bulk_reviews.LensLayout, statuses: np.ndarray, question_na: np.ndarray) -> np.ndarray:
    """Every question's risk for every row, scored bit-parallel: one rule evaluation per question for all rows."""
    import numpy as np

    n = statuses.shape[0]
    risks = np.zeros((n, layout.n_questions), dtype=np.int8)
    if n == 0:
        return risks
    all_bits = (1 << n) - 1
    width = (n + 7) // 8

    def packed(matrix: np.ndarray) -> list[int]:
        columns = np.ascontiguousarray(np.packbits(matrix, axis=0, bitorder="little").T)
        return [int.from_bytes(column.tobytes(), "little") for column in columns]

    selected, not_applicable, marked = packed(statuses == 1), packed(statuses == 2), packed(question_na)
    for index, question in enumerate(layout.questions):
        start = layout.question_start[index]
        ids = [choice.id for choice in question.choices]
        bits = scoring.question_risk_bits(
            question,
            dict(zip(ids, selected[start : start + len(ids)])),
            dict(zip(ids, not_applicable[start : start + len(ids)])),
            marked[index],
            all_bits,
        )
        for risk, members in bits.items():
            if members and risk != UNANSWERED:  # UNANSWERED is code 0, what the matrix starts as
                hits = np.unpackbits(
                    np.frombuffer(members.to_bytes(width, "little"), dtype=np.uint8), count=n, bitorder="little"
                )
                risks[hits.view(bool), index] = RISK_CODE[risk]
    return risks


# --- the portfolio ------------------------------------------------------------------------------


class Portfolio:
    """Many reviews: facets per review (:attr:`reviews`), and per lens the matrices of :class:`LensData`."""

    def __init__(
        self,
        facets: dict[str, list[Any]],
        lenses: dict[str, LensData],
        skipped: list[Skipped],
        notices: list[str] | None = None,
        milestone: str | None = None,
        anonymous: bool = False,
    ):
        self.facets = facets
        self.lenses = lenses
        self.skipped = skipped
        self.notices = notices or []
        self.milestone = milestone
        self.anonymous = anonymous
        #: How many files the fast path handed to Review.from_dict (for the benchmark and the tests).
        self.slow_reads = 0
        #: Files whose record came from the cache (their bytes were read and hashed, not parsed).
        self.cached_reads = 0
        self._reviews: pd.DataFrame | None = None

    def __len__(self) -> int:
        return len(self.facets["file"])

    def __repr__(self) -> str:
        return f"<Portfolio of {len(self)} reviews, {len(self.skipped)} skipped, lenses {', '.join(self.lenses)}>"

    @property
    def synthetic(self) -> bool:
        """True when any review in it is synthetic (made by ``pillarkit demo portfolio``)."""
        return any(self.facets["synthetic"])

    @property
    def all_synthetic(self) -> bool:
        return bool(self.facets["synthetic"]) and all(self.facets["synthetic"])

    @property
    def reviews(self) -> pd.DataFrame:
        """One row per review: file, workload, owner, industry, environment, regions, dates, facilitator, milestones."""
        if self._reviews is None:
            import pandas as pd

            frame = pd.DataFrame({name: self.facets[name] for name in REVIEW_COLUMNS})
            frame["regions"] = [", ".join(r) for r in self.facets["regions"]]
            frame["year"] = pd.array(self.facets["year"], dtype="Int64")
            frame["date"] = pd.to_datetime(pd.Series(self.facets["date"], dtype=object), errors="coerce")
            frame.index.name = "review"
            self._reviews = frame
        return self._reviews

    def lens(self, key: str) -> LensData:
        try:
            return self.lenses[key]
        except KeyError:
            raise ReviewError.at(
                "portfolio", "", f"no lens {key!r} in this portfolio (it has {', '.join(self.lenses) or 'none'})"
            ) from None

    # --- subsets ---------------------------------------------------------------------------

    def where(
        self, keep: Sequence[bool] | np.ndarray, lenses: Iterable[str] | None = None, facets: bool = True
    ) -> Portfolio:
        """The reviews where ``keep`` is true (and only ``lenses``, if given); the skipped files stay listed.

        ``facets=False`` keeps only each review's file and synthetic mark (enough for the reports,
        cheaper for the many subsets a split makes).
        """
        import numpy as np

        mask = np.asarray(keep, dtype=bool)
        if mask.shape != (len(self),):
            raise ValueError(f"keep has {mask.size} values for {len(self)} reviews")
        renumber = np.cumsum(mask) - 1
        wanted = set(self.lenses) if lenses is None else set(lenses)
        kept = {key: data.take(mask, renumber) for key, data in self.lenses.items() if key in wanted}
        flags = mask.tolist()
        names = self.facets if facets else ("file", "synthetic")
        kept_facets = {name: list(compress(self.facets[name], flags)) for name in names}
        return Portfolio(kept_facets, kept, self.skipped, self.notices, self.milestone, self.anonymous)

    def filter(
        self,
        lens: str | None = None,
        industry: Iterable[str] | None = None,
        environment: Iterable[str] | None = None,
        year: Iterable[int] | None = None,
        region: Iterable[str] | None = None,
        since: dt.date | None = None,
        until: dt.date | None = None,
    ) -> Portfolio:
        """The reviews that match every filter given: a lens, facet values, and a date range (inclusive).

        A review without a date is left out by a date range. An industry (or facilitator) left
        empty is matched by :data:`NOT_GIVEN`. With ``lens``, only reviews applying it remain.
        """
        keep = [True] * len(self)

        def narrow(values: Iterable[Any], test: Callable[[Any], bool]) -> None:
            for i, value in enumerate(values):
                keep[i] = keep[i] and test(value)

        if lens is not None:
            self.lens(lens)
            rows = set(self.lenses[lens].rows.tolist())
            narrow(range(len(self)), rows.__contains__)
        if industry is not None:
            industries = set(industry)
            narrow(self.facets["industry"], lambda v: (v or NOT_GIVEN) in industries)
        if environment is not None:
            narrow(self.facets["environment"], set(environment).__contains__)
        if year is not None:
            narrow(self.facets["year"], set(year).__contains__)
        if region is not None:
            regions_chosen = set(region)
            narrow(self.facets["regions"], lambda regions: bool(regions_chosen.intersection(regions)))
        if since is not None:
            narrow(self.facets["date"], lambda d: d is not None and d >= since)
        if until is not None:
            narrow(self.facets["date"], lambda d: d is not None and d <= until)
        return self.where(keep, None if lens is None else [lens])

    def facet_values(self, facet: str) -> list[Any]:
        """The values a facet takes, sorted (regions one by one; an empty one as :data:`NOT_GIVEN`)."""
        return sorted({value for _, value in self._facet_pairs(facet)}, key=lambda v: (v == NOT_GIVEN, str(v)))

    def _facet_pairs(self, facet: str) -> list[tuple[int, Any]]:
        if facet not in FACETS:
            raise ReviewError.at("portfolio", "", f"no facet {facet!r}; use one of {', '.join(FACETS)}")
        if facet == "region":
            return [(i, r) for i, regions in enumerate(self.facets["regions"]) for r in regions or (NOT_GIVEN,)]
        column = self.facets[facet]
        return [(i, NOT_GIVEN if v in (None, "") else v) for i, v in enumerate(column)]

    def split(self, facet: str, facets: bool = True) -> dict[Any, Portfolio]:
        """A sub-portfolio per value of a facet (a review with two regions is in both); ``facets`` as for :meth:`where`."""
        import numpy as np

        pairs = self._facet_pairs(facet)
        rows = np.fromiter((i for i, _ in pairs), dtype=np.int64, count=len(pairs))
        values = np.empty(len(pairs), dtype=object)
        values[:] = [v for _, v in pairs]
        result = {}
        for value in self.facet_values(facet):
            keep = np.zeros(len(self), dtype=bool)
            keep[rows[values == value]] = True
            result[value] = self.where(keep, facets=facets)
        return result

    # --- the tidy table ------------------------------------------------------------------------

    def table(self) -> pd.DataFrame:
        """The tidy table: one row per review, lens and choice (so per pillar, question and practice too).

        Columns: ``review`` (the row of :attr:`reviews`), the review's facets (``file``,
        ``workload``, ``industry``, ``environment``, ``regions``, ``review_date``, ``year``,
        ``facilitator``, ``milestone``), then ``lens``, ``pillar``, ``question``,
        ``question_code``, ``question_title``, ``question_risk``, ``question_reason``, ``choice``,
        ``practice_code``, ``practice``, ``status`` (SELECTED, NOT_APPLICABLE or UNSELECTED),
        ``reason``, and ``synthetic``. Text columns are categorical, so a table of ten thousand
        reviews stays small.
        """
        import numpy as np
        import pandas as pd

        frames = []
        facets = self._facet_codes()
        for data in self.lenses.values():
            layout = data.layout
            n, c = data.statuses.shape
            if n == 0:
                continue
            rows = np.repeat(np.arange(n), c)
            cols = np.tile(np.arange(c), n)
            question_of = np.asarray(layout.column_question, dtype=np.int64)[cols]
            review = data.rows[rows]
            columns: dict[str, Any] = {"review": review}
            for name, (codes, categories) in facets.items():
                columns[name] = pd.Categorical.from_codes(codes[review], categories=categories)
            pillar_names = list(dict.fromkeys(layout.pillar_of_question))
            pillar_code = np.asarray([pillar_names.index(p) for p in layout.pillar_of_question], dtype=np.int16)
            questions = layout.questions
            columns["lens"] = pd.Categorical.from_codes(np.zeros(len(rows), dtype=np.int8), categories=[data.key])
            columns["pillar"] = pd.Categorical.from_codes(pillar_code[question_of], categories=pillar_names)
            columns["question"] = pd.Categorical.from_codes(question_of, categories=[q.id for q in questions])
            columns["question_code"] = pd.Categorical.from_codes(
                question_of, categories=_unique_labels([q.code or "" for q in questions])
            )
            columns["question_title"] = pd.Categorical.from_codes(
                question_of, categories=_unique_labels([q.title for q in questions])
            )
            columns["question_risk"] = pd.Categorical.from_codes(
                data.risks[rows, question_of].astype(np.int8), categories=list(RISKS)
            )
            columns["question_reason"] = pd.Categorical.from_codes(
                data.question_reasons[rows, question_of], categories=list(bulk_reviews.REASON_NAMES)
            )
            choices = layout.column_choice
            columns["choice"] = pd.Categorical.from_codes(cols, categories=_unique_labels([ch.id for ch in choices]))
            columns["practice_code"] = pd.Categorical.from_codes(
                cols, categories=_unique_labels([ch.code or "" for ch in choices])
            )
            columns["practice"] = pd.Categorical.from_codes(
                cols, categories=_unique_labels([ch.title for ch in choices])
            )
            columns["status"] = pd.Categorical.from_codes(
                data.statuses.reshape(-1), categories=list(bulk_reviews.STATUS_NAMES)
            )
            columns["reason"] = pd.Categorical.from_codes(
                data.choice_reasons.reshape(-1), categories=list(bulk_reviews.REASON_NAMES)
            )
            columns["synthetic"] = np.asarray(self.facets["synthetic"], dtype=bool)[review]
            frames.append(pd.DataFrame(columns))
        if not frames:
            return pd.DataFrame(columns=list(TABLE_COLUMNS))
        if len(frames) == 1:
            return frames[0]
        from pandas.api.types import union_categoricals

        combined = {}
        for name in frames[0].columns:
            if isinstance(frames[0][name].dtype, pd.CategoricalDtype):
                combined[name] = union_categoricals([f[name] for f in frames], ignore_order=True)
            else:
                combined[name] = np.concatenate([f[name].to_numpy() for f in frames])
        return pd.DataFrame(combined)

    def _facet_codes(self) -> dict[str, tuple[np.ndarray, list[Any]]]:
        import numpy as np

        result = {}
        for name in TABLE_REVIEW_COLUMNS:
            values = self.facets[name]
            if name == "regions":
                values = [", ".join(r) for r in values]
            if name == "year":
                values = ["" if v is None else str(v) for v in values]
            categories = list(dict.fromkeys(values))
            index = {v: i for i, v in enumerate(categories)}
            codes = np.fromiter((index[v] for v in values), dtype=np.int32, count=len(values))
            result[name] = (codes, categories)
        return result

    # --- the JSON contract ---------------------------------------------------------------------

    def to_json(self) -> JsonObject:
        """What ``pillarkit portfolio --json`` prints, exactly.

        ``{"reviews": N, "skipped": [{"file", "error"}], "lenses": {KEY: {"reviews": n,
        "questions": {QUESTION_ID: RiskCounts}, "choices": {QUESTION_ID: {CHOICE_ID:
        {"SELECTED", "NOT_APPLICABLE", "UNSELECTED"}}}}}}``. Every RiskCounts holds all five
        keys; choice counts are over the reviews that rated the question (HIGH, MEDIUM or NONE),
        so each choice's three numbers add up to that.
        """
        lenses = {}
        for key, data in self.lenses.items():
            counts = question_counts(data)
            choice = choice_counts(data)
            layout = data.layout
            questions = {}
            choices = {}
            for index, question in enumerate(layout.questions):
                questions[question.id] = {risk: int(counts[index, code]) for risk, code in RISK_CODE.items()}
                start = layout.question_start[index]
                choices[question.id] = {
                    c.id: {
                        name: int(choice[start + offset, code])
                        for code, name in ((1, "SELECTED"), (2, "NOT_APPLICABLE"), (0, "UNSELECTED"))
                    }
                    for offset, c in enumerate(question.choices)
                }
            lenses[key] = {"reviews": data.reviews, "questions": questions, "choices": choices}
        return {"reviews": len(self), "skipped": [s.to_json() for s in self.skipped], "lenses": lenses}

    # --- sharing ---------------------------------------------------------------------------------

    def anonymised(self, key: str | bytes | None = None) -> Portfolio:
        """A copy to share: workloads, files and facilitators become stable pseudonyms, free text goes.

        Workload names, owners and file names are replaced by pseudonyms (``workload-3fa9c1``,
        ``review-8d02e4.json``), facilitators by ``facilitator-…``, milestone names by
        "milestone" (the analysed one) and "earlier milestone"; skipped files are numbered and their errors lose every quoted
        value. Notes, descriptions, participants and the rest of a review file's free text never
        enter a portfolio at all. Pseudonyms are keyed (HMAC-SHA256) with
        ``PILLARKIT_PSEUDONYM_KEY`` if set, so they stay the same from run to run and across
        portfolios; without it the key is derived from every name in this portfolio, so the
        same files give the same pseudonyms and a guessed name cannot be checked on its own.
        """
        secret = _pseudonym_key(self, key)

        def alias(kind: str, value: str) -> str:
            return f"{kind}-{hmac.new(secret, value.encode('utf-8'), hashlib.sha256).hexdigest()[:6]}"

        facets = dict(self.facets)
        names = [(w or "").strip().casefold() or f"\0{f}" for w, f in zip(self.facets["workload"], self.facets["file"])]
        facets["workload"] = [alias("workload", n) for n in names]
        facets["file"] = [alias("review", f) + ".json" for f in self.facets["file"]]
        facets["owner"] = ["" for _ in self.facets["owner"]]
        facets["facilitator"] = [
            alias("facilitator", f.strip().casefold()) if f.strip() else "" for f in self.facets["facilitator"]
        ]
        facets["milestone"] = [_milestone_label(m, "milestone") for m in self.facets["milestone"]]
        facets["baseline"] = [_milestone_label(m, "earlier milestone") for m in self.facets["baseline"]]
        skipped = [Skipped(f"skipped-file-{i:03d}", _scrub(s.error)) for i, s in enumerate(self.skipped, start=1)]
        return Portfolio(
            facets, self.lenses, skipped, [_scrub(n) for n in self.notices], self.milestone, anonymous=True
        )


#: The long table's columns that describe the review a row comes from, rather than the row's answer.
TABLE_REVIEW_COLUMNS = (
    "file",
    "workload",
    "industry",
    "environment",
    "regions",
    "review_date",
    "year",
    "facilitator",
    "milestone",
)
TABLE_COLUMNS = (
    "review",
    *TABLE_REVIEW_COLUMNS,
    "lens",
    "pillar",
    "question",
    "question_code",
    "question_title",
    "question_risk",
    "question_reason",
    "choice",
    "practice_code",
    "practice",
    "status",
    "reason",
    "synthetic",
)


def _unique_labels(labels: list[str]) -> list[str]:
    """Categories must be unique: a repeated label (two practices with one title) gets its position added."""
    seen: dict[str, int] = {}
    result = []
    for label in labels:
        count = seen.get(label, 0)
        seen[label] = count + 1
        result.append(label if count == 0 else f"{label} ({count + 1})")
    return result


def _milestone_label(name: str, label: str) -> str:
    return label if name else ""


_QUOTED = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"|“[^”]*”")


def _scrub(text: str) -> str:
    """A message with every quoted value (where user text would appear) replaced by '…'."""
    return _QUOTED.sub("'…'", text)


def _pseudonym_key(portfolio: Portfolio, key: str | bytes | None) -> bytes:
    if key is None:
        key = options.PSEUDONYM_KEY.value()
    if key:
        return key.encode("utf-8") if isinstance(key, str) else key
    everything = sorted(
        set(portfolio.facets["workload"]) | set(portfolio.facets["file"]) | set(portfolio.facets["facilitator"])
    )
    return hashlib.sha256("\0".join(everything).encode("utf-8")).digest()


# --- aggregates (numpy) ------------------------------------------------------------------------


def question_counts(data: LensData) -> np.ndarray:
    """Questions × 5: how many reviews have each risk (columns in :data:`RISKS` order)."""
    import numpy as np

    counts = np.zeros((data.layout.n_questions, len(RISKS)), dtype=np.int64)
    for code in range(len(RISKS)):
        counts[:, code] = (data.risks == code).sum(axis=0)
    return counts


def rated_mask(data: LensData) -> np.ndarray:
    """Reviews × questions: the question was answered and applicable (HIGH, MEDIUM or NONE)."""
    return (data.risks >= RISK_CODE[HIGH]) & (data.risks <= RISK_CODE[NONE])


def choice_counts(data: LensData) -> np.ndarray:
    """Choices × 3: reviews that rated the choice's question with it unselected, selected, not applicable."""
    import numpy as np

    rated = rated_mask(data)[:, np.asarray(data.layout.column_question, dtype=np.int64)]
    counts = np.zeros((data.layout.n_columns, 3), dtype=np.int64)
    for code in range(3):
        counts[:, code] = ((data.statuses == code) & rated).sum(axis=0)
    return counts


def _share(part: ArrayLike, whole: ArrayLike) -> np.ndarray:
    """``part / whole`` element by element, NaN where ``whole`` is 0 (a share of nobody)."""
    import numpy as np

    part = np.asarray(part, dtype=float)
    whole = np.asarray(whole, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(whole > 0, part / np.where(whole > 0, whole, 1), np.nan)


# --- reports (pandas) --------------------------------------------------------------------------


def question_report(portfolio: Portfolio) -> pd.DataFrame:
    """One row per question of every lens: reviews by risk, how many rated it, and the shares.

    Columns: ``lens``, ``pillar``, ``pillar_name``, ``question``, ``code``, ``title``, the
    five risks' counts, ``rated`` (HIGH + MEDIUM + NONE), ``high`` (share HIGH),
    ``high_or_medium`` and ``no_risk`` (shares of the rated reviews).
    """
    import pandas as pd

    rows = []
    for key, data in portfolio.lenses.items():
        counts = question_counts(data)
        pillars = {p.id: p.name for p in data.lens.pillars}
        for index, question in enumerate(data.layout.questions):
            row: dict[str, object] = {
                "lens": key,
                "pillar": question.pillar_id,
                "pillar_name": pillars[question.pillar_id],
                "question": question.id,
                "code": question.code or "",
                "title": question.title,
            }
            row.update({risk: int(counts[index, code]) for risk, code in RISK_CODE.items()})
            rows.append(row)
    frame = pd.DataFrame(rows, columns=["lens", "pillar", "pillar_name", "question", "code", "title", *RISKS])
    rated = frame[HIGH] + frame[MEDIUM] + frame[NONE]
    frame["rated"] = rated
    frame["high"] = _share(frame[HIGH], rated)
    frame["high_or_medium"] = _share(frame[HIGH] + frame[MEDIUM], rated)
    frame["no_risk"] = _share(frame[NONE], rated)
    return frame


def top_high_risk(portfolio: Portfolio, count: int = 10, minimum: int = 1) -> pd.DataFrame:
    """The questions most often HIGH (by share of the reviews that rated them; ties by count)."""
    frame = question_report(portfolio)
    frame = frame[frame["rated"] >= minimum]
    return frame.sort_values(["high", "high_or_medium", HIGH], ascending=False, kind="stable").head(count)


def best_rated(portfolio: Portfolio, count: int = 10, minimum: int = 1) -> pd.DataFrame:
    """The questions most often without risk (by share of the reviews that rated them)."""
    frame = question_report(portfolio)
    frame = frame[frame["rated"] >= minimum]
    return frame.sort_values(["no_risk", NONE], ascending=False, kind="stable").head(count)


def practice_report(portfolio: Portfolio, include_none_of_these: bool = True) -> pd.DataFrame:
    """One row per choice: among the reviews that rated its question, how many selected it.

    Columns: ``lens``, ``pillar``, ``question``, ``question_code``, ``choice``, ``code``,
    ``title``, ``level`` (risk if missing), ``none_of_these``, ``SELECTED``,
    ``NOT_APPLICABLE``, ``UNSELECTED``, ``rated`` and ``adoption`` (SELECTED / rated).
    """
    import pandas as pd

    rows = []
    for key, data in portfolio.lenses.items():
        counts = choice_counts(data)
        layout = data.layout
        for column, choice in enumerate(layout.column_choice):
            if choice.is_none_of_these and not include_none_of_these:
                continue
            question = layout.questions[layout.column_question[column]]
            rows.append(
                {
                    "lens": key,
                    "pillar": question.pillar_id,
                    "question": question.id,
                    "question_code": question.code or "",
                    "choice": choice.id,
                    "code": choice.code or "",
                    "title": choice.title,
                    "level": choice.risk_level or "",
                    "none_of_these": choice.is_none_of_these,
                    "SELECTED": int(counts[column, 1]),
                    "NOT_APPLICABLE": int(counts[column, 2]),
                    "UNSELECTED": int(counts[column, 0]),
                }
            )
    columns = ["lens", "pillar", "question", "question_code", "choice", "code", "title", "level", "none_of_these"]
    frame = pd.DataFrame(rows, columns=[*columns, "SELECTED", "NOT_APPLICABLE", "UNSELECTED"])
    frame["rated"] = frame["SELECTED"] + frame["NOT_APPLICABLE"] + frame["UNSELECTED"]
    frame["adoption"] = _share(frame["SELECTED"], frame["rated"])
    return frame


def pillar_report(portfolio: Portfolio) -> pd.DataFrame:
    """One row per pillar of every lens: question answers by risk, summed over the reviews, and the shares.

    Columns: ``lens``, ``pillar``, ``pillar_name``, ``theme``, ``reviews``, the five risks,
    ``rated``, ``high``, ``high_or_medium`` and ``no_risk``.
    """
    questions = question_report(portfolio)
    frame = questions.groupby(["lens", "pillar"], sort=False, as_index=False)[list(RISKS)].sum()
    names = questions.drop_duplicates(["lens", "pillar"]).set_index(["lens", "pillar"])["pillar_name"]
    frame.insert(2, "pillar_name", [names[(lens, pillar)] for lens, pillar in zip(frame["lens"], frame["pillar"])])
    frame.insert(3, "theme", [theme_of(p) for p in frame["pillar"]])
    frame.insert(4, "reviews", [portfolio.lenses[k].reviews for k in frame["lens"]])
    return _with_shares(frame)


def _with_shares(frame: pd.DataFrame) -> pd.DataFrame:
    rated = frame[HIGH] + frame[MEDIUM] + frame[NONE]
    frame["rated"] = rated
    frame["high"] = _share(frame[HIGH], rated)
    frame["high_or_medium"] = _share(frame[HIGH] + frame[MEDIUM], rated)
    frame["no_risk"] = _share(frame[NONE], rated)
    return frame


def theme_of(pillar_id: str) -> str:
    """ "build", "run" or "secure" for a Framework pillar id (:data:`THEMES`); "" for any other pillar."""
    return next((theme for theme, pillars in THEMES.items() if pillar_id in pillars), "")


def theme_report(portfolio: Portfolio) -> pd.DataFrame:
    """The talk's themes: question answers by risk in the build, run and secure pillars (all lenses)."""
    import pandas as pd

    pillars = pillar_report(portfolio)
    pillars = pillars[pillars["theme"] != ""]
    frame = pillars.groupby("theme", sort=False, as_index=False)[list(RISKS)].sum()
    frame["pillars"] = [
        ", ".join(dict.fromkeys(pillars.loc[pillars["theme"] == t, "pillar_name"])) for t in frame["theme"]
    ]
    order = {theme: i for i, theme in enumerate(THEMES)}
    frame = frame.sort_values("theme", key=lambda s: s.map(order)).reset_index(drop=True)
    if frame.empty:
        frame = pd.DataFrame(columns=["theme", *RISKS, "pillars"])
    return _with_shares(frame)


#: The reports :func:`by_facet` can split, by name.
SPLITTABLE: dict[str, Callable[[Portfolio], pd.DataFrame]] = {}


def by_facet(
    portfolio: Portfolio, facet: str, report: str | Callable[[Portfolio], pd.DataFrame] = "pillars"
) -> pd.DataFrame:
    """Any report split by a facet (industry, environment, year, region, facilitator): one block per value.

    ``report`` is a report function or the name of one in :data:`SPLITTABLE` (``pillars``,
    ``themes``, ``questions``, ``practices``, ``over_time``). The result is that report's rows for
    each facet value, with ``facet`` and ``value`` columns in front and the value's ``reviews``.
    """
    import pandas as pd

    make = SPLITTABLE[report] if isinstance(report, str) else report
    blocks = []
    for value, part in portfolio.split(facet, facets=False).items():
        frame = make(part)
        frame.insert(0, "value", str(value))
        frame.insert(0, "facet", facet)
        frame.insert(2, "value_reviews", len(part))
        blocks.append(frame)
    if not blocks:
        empty = make(portfolio).iloc[0:0]
        empty.insert(0, "value", [])
        empty.insert(0, "facet", [])
        empty.insert(2, "value_reviews", [])
        return empty
    return pd.concat(blocks, ignore_index=True)


#: Kinds of change, coded: 0 no change or not compared, then these (kit.core.milestones' words).
CHANGE_KINDS = milestone_changes.KINDS


def _change_table() -> np.ndarray:
    import numpy as np

    table = np.zeros((len(RISKS), len(RISKS)), dtype=np.int8)
    for before, b in RISK_CODE.items():
        for after, a in RISK_CODE.items():
            kind = milestone_changes.kind_of(before, after)
            table[b, a] = 0 if kind is None else CHANGE_KINDS.index(kind) + 1
    return table


def over_time_report(portfolio: Portfolio) -> pd.DataFrame:
    """For reviews with a milestone before the analysed answers: per question, how many improved or regressed.

    The comparison is :func:`kit.core.milestones.kind_of`'s, question by question (the handout's
    "changes since the last milestone"). Columns: ``lens``, ``pillar``, ``question``, ``code``,
    ``title``, ``compared`` (reviews with a baseline), ``regressed``, ``improved``, ``new``,
    ``cleared``, ``unchanged`` and ``net`` (improved minus regressed).
    """
    import numpy as np
    import pandas as pd

    table = _change_table()
    rows = []
    for key, data in portfolio.lenses.items():
        compared = data.baseline[:, 0] >= 0 if data.baseline.size else np.zeros(0, dtype=bool)
        before = data.baseline[compared]
        after = data.risks[compared]
        kinds = (
            table[before.astype(np.int64), after.astype(np.int64)]
            if len(before)
            else np.zeros((0, data.layout.n_questions), dtype=np.int8)
        )
        for index, question in enumerate(data.layout.questions):
            column = kinds[:, index]
            row = {
                "lens": key,
                "pillar": question.pillar_id,
                "question": question.id,
                "code": question.code or "",
                "title": question.title,
                "compared": int(compared.sum()),
            }
            for position, kind in enumerate(CHANGE_KINDS, start=1):
                row[kind] = int((column == position).sum())
            row["unchanged"] = int((column == 0).sum())
            rows.append(row)
    columns = ["lens", "pillar", "question", "code", "title", "compared", *CHANGE_KINDS, "unchanged"]
    frame = pd.DataFrame(rows, columns=columns)
    frame["net"] = frame["improved"] - frame["regressed"]
    return frame


#: How each field measure reads in a table.
MEASURE_WORDS = {
    "question_high_risk": "share high risk",
    "question_high_or_medium": "share high or medium risk",
    "question_no_risk": "share with no risk",
    "question_rank_best": "rank by share with no risk",
    "choice_selected": "share following the practice",
    "none_of_these": "share following none of the practices",
    "legacy_choice_selected": "share following a 2018 practice",
}


def field_report(portfolio: Portfolio) -> pd.DataFrame:
    """This portfolio beside the 2020 reviews ("you are not alone"), figure by figure, with each mapping's confidence.

    Only the bundled Framework lens was measured in 2020. Columns: ``figure``, ``legacy_question``,
    ``legacy_title``, ``code``, ``question``, ``choice``, ``measure``, ``confidence``,
    ``field`` (the 2020 share, 0 to 1; for the rank, None), ``portfolio`` (this portfolio's
    share, or its rank for ``question_rank_best``; None where nothing maps onto it),
    ``difference`` (portfolio minus field), ``rated`` (reviews behind the portfolio's figure)
    and ``sentence`` (the 2020 figure in words).
    """
    import pandas as pd

    alias = "wellarchitected"
    data = portfolio.lenses.get(alias)
    only = Portfolio(portfolio.facets, {alias: data}, portfolio.skipped) if data is not None else None
    questions = question_report(only) if only is not None else None
    practices = practice_report(only) if only is not None else None
    by_question = questions.set_index("question") if questions is not None else None
    by_choice = practices.set_index(["question", "choice"]) if practices is not None else None
    ranks = None
    if by_question is not None:
        rated = by_question[by_question["rated"] > 0]
        ranks = rated["no_risk"].rank(ascending=False, method="min")
    rows = []
    for figure in fieldstats.all_figures():
        value = None
        rated_count = 0
        if (
            by_question is not None
            and by_choice is not None
            and figure.question_id is not None
            and figure.question_id in by_question.index
        ):
            question = by_question.loc[figure.question_id]
            rated_count = int(question["rated"])
            if figure.measure == "question_high_risk":
                value = question["high"]
            elif figure.measure == "question_high_or_medium":
                value = question["high_or_medium"]
            elif figure.measure == "question_no_risk":
                value = question["no_risk"]
            elif figure.measure == "question_rank_best" and ranks is not None and figure.question_id in ranks.index:
                value = float(ranks[figure.question_id])
            elif figure.measure == "choice_selected" and (figure.question_id, figure.choice_id) in by_choice.index:
                value = by_choice.loc[(figure.question_id, figure.choice_id), "adoption"]
            elif figure.measure == "none_of_these":
                lens = data.lens if data is not None else None
                none = lens.question(figure.question_id).none_of_these if lens is not None else None
                if none is not None and (figure.question_id, none.id) in by_choice.index:
                    value = by_choice.loc[(figure.question_id, none.id), "adoption"]
        if value is not None and value != value:  # NaN: nobody rated it
            value = None
        share = None if figure.percent is None else figure.percent / 100
        rows.append(
            {
                "figure": figure.id,
                "legacy_question": figure.legacy_question,
                "legacy_title": figure.legacy_title,
                "code": figure.question_code or "",
                "question": figure.question_id or "",
                "choice": figure.choice_id or "",
                "practice_code": figure.bp_code or "",
                "measure": figure.measure,
                "confidence": figure.confidence,
                "field": share,
                "portfolio": None if value is None else float(value),
                "difference": None
                if value is None or share is None or figure.measure == "question_rank_best"
                else float(value) - share,
                "rated": rated_count,
                "sentence": figure.sentence,
            }
        )
    return pd.DataFrame(rows)


SPLITTABLE.update(
    {
        "pillars": pillar_report,
        "themes": theme_report,
        "questions": question_report,
        "practices": practice_report,
        "over_time": over_time_report,
    }
)


@dataclass
class Reports:
    """Every report of one portfolio, computed once (the report, the workbook and the notebook share them)."""

    questions: pd.DataFrame
    top_high: pd.DataFrame
    best: pd.DataFrame
    practices: pd.DataFrame
    pillars: pd.DataFrame
    themes: pd.DataFrame
    facets: dict[str, pd.DataFrame] = field(default_factory=dict)
    over_time: pd.DataFrame | None = None
    field: pd.DataFrame | None = None

    @classmethod
    def of(
        cls, portfolio: Portfolio, top: int = 10, facets: Sequence[str] = ("industry", "environment", "year")
    ) -> Reports:
        return cls(
            questions=question_report(portfolio),
            top_high=top_high_risk(portfolio, top),
            best=best_rated(portfolio, top),
            practices=practice_report(portfolio),
            pillars=pillar_report(portfolio),
            themes=theme_report(portfolio),
            facets={facet: by_facet(portfolio, facet, "pillars") for facet in facets},
            over_time=over_time_report(portfolio),
            field=field_report(portfolio),
        )


__all__ = [
    "FACETS",
    "THEMES",
    "LensData",
    "Portfolio",
    "Reports",
    "Skipped",
    "best_rated",
    "by_facet",
    "choice_counts",
    "demo",
    "field_report",
    "from_documents",
    "over_time_report",
    "pillar_report",
    "practice_report",
    "question_counts",
    "question_report",
    "read",
    "review_files",
    "theme_report",
    "top_high_risk",
]

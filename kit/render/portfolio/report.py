"""The portfolio report: one self-contained HTML document of the seed talk's analysis, and the other formats.

Made from the handout's pieces: :func:`build_notebook` makes a fresh notebook of static outputs
only, each part rendered from its ``portfolio_*.html.j2`` template in the handout's autoescaped
Jinja environment (:mod:`kit.render.handout.jinja`), with the portfolio's charts from
:mod:`kit.render.charts` as PNG; :func:`to_html` converts it with the handout's nbconvert page
and stylesheet (:func:`kit.render.handout.notebook.notebook_to_html`): no script, a
Content-Security-Policy that loads nothing, and the handout's audit refusing to write a page
that would fetch anything. This module gathers what each part shows, as data.

:func:`to_bytes` and :func:`export` pick the format from a suffix: ``.html`` (this report),
``.xlsx`` (a sheet per report) and ``.csv`` (the tidy table), both from
:mod:`kit.render.portfolio.workbook`.
"""

from __future__ import annotations

import datetime as dt
import math
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from markupsafe import Markup

from kit.core import fieldstats
from kit.core import portfolio as portfolios
from kit.core.errors import ExportError
from kit.core.jsonio import write_atomic
from kit.core.portfolio import FACET_WORDS, THEMES, Portfolio, Reports
from kit.core.vocabulary import HIGH, MEDIUM, NONE, NOT_APPLICABLE, RISKS, UNANSWERED, Environment
from kit.render.handout.jinja import macro, render

if TYPE_CHECKING:
    import nbformat
    import pandas as pd
    from matplotlib.figure import Figure

#: The facets the report splits by.
REPORT_FACETS = ("industry", "environment", "year")
#: Charts are drawn 9 inches wide at 160 dpi and shown 864 CSS pixels wide (sharp on screen and paper).
CHART_DPI = 160
CHART_CSS_WIDTH = 864


@dataclass(frozen=True)
class Column:
    title: str
    numeric: bool = False
    width: str = ""


# --- words -----------------------------------------------------------------------------------


def percent(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{value:.0%}"


def _join(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


@dataclass
class Info:
    """The facts on the cover and around every section."""

    title: str
    lede: str
    reviews: int
    skipped: list[portfolios.Skipped]
    notices: list[str]
    state: str
    dates: str
    lenses: list[dict[str, Any]]
    synthetic: bool
    all_synthetic: bool
    synthetic_count: int
    anonymous: bool
    contents: list[tuple[str, str]]
    themes: dict[str, str]
    version: str
    generated: str

    @classmethod
    def of(cls, portfolio: Portfolio, now: dt.datetime | None = None) -> Info:
        from kit import __version__

        dates = sorted(d for d in portfolio.facets["date"] if d is not None)
        span = f"{nice_date(dates[0])} to {nice_date(dates[-1])}" if dates else "not given"
        if portfolio.milestone is None:
            state = "each review's current answers"
        elif portfolio.milestone == "latest":
            state = "each review's latest milestone"
        else:
            state = "each review's milestone named " + f"“{portfolio.milestone}”"
        lenses = [
            {"key": key, "name": data.lens.name, "reviews": data.reviews, "questions": data.layout.n_questions}
            for key, data in portfolio.lenses.items()
        ]
        pillar_names = {p.id: p.name for data in portfolio.lenses.values() for p in data.lens.pillars}
        themes = {t: _join([pillar_names.get(p, p) for p in pillars]) for t, pillars in THEMES.items()}
        synthetic_count = sum(portfolio.facets["synthetic"])
        moment = (now or dt.datetime.now(dt.UTC)).replace(microsecond=0)
        title = f"Portfolio of {len(portfolio)} review{'s' if len(portfolio) != 1 else ''}"
        return cls(
            title=title + (" (synthetic)" if portfolio.all_synthetic else ""),
            lede="The seed talk's analysis of many reviews at once: where workloads are most often at risk, "
            "what they do best, how pillars and teams compare, what changed, and how this portfolio "
            "stands beside the 2020 reviews.",
            reviews=len(portfolio),
            skipped=list(portfolio.skipped),
            notices=list(portfolio.notices),
            state=state,
            dates=span,
            lenses=lenses,
            synthetic=portfolio.synthetic,
            all_synthetic=portfolio.all_synthetic,
            synthetic_count=synthetic_count,
            anonymous=portfolio.anonymous,
            contents=list(CONTENTS),
            themes=themes,
            version=__version__,
            generated=nice_date(moment.date()),
        )


CONTENTS = (
    ("summary", "Summary"),
    ("pillars", "Risk by pillar"),
    ("questions", "Questions"),
    ("practices", "Practices"),
    ("themes", "Build, run and secure"),
    ("facets", "By industry, environment and year"),
    ("over-time", "Over time"),
    ("field", "Beside the 2020 reviews"),
    ("method", "Method and sources"),
)


def nice_date(day: dt.date) -> str:
    return f"{day.day} {day:%B} {day.year}"


@dataclass
class Findings:
    """The summary in sentences (the report's and the notebook's)."""

    lede: str
    kpis: list[dict[str, str]] = field(default_factory=list)
    worst: list[str] = field(default_factory=list)
    best: list[str] = field(default_factory=list)
    themes: str = ""
    practices: list[str] = field(default_factory=list)


def _label(row: Any) -> str:
    """A question's or a practice's code and title, or its title alone where it has no code."""
    return f"{row.code} {row.title}" if row.code else row.title


def _question_line(row: Any, measure: str, words: str) -> str:
    return f"{percent(getattr(row, measure))} {words} on {_label(row)} ({row.rated} reviews rated it)"


def _practice_words(row: Any) -> str:
    return f"{_label(row)} ({percent(row.adoption)})"


def findings(portfolio: Portfolio, reports: Reports, count: int = 5) -> Findings:
    """The headline findings: the talk's kind of sentence, from this portfolio's numbers."""
    pillars = reports.pillars
    totals = {risk: int(pillars[risk].sum()) for risk in RISKS}
    rated = totals[HIGH] + totals[MEDIUM] + totals[NONE]
    if not len(portfolio):
        return Findings("No review could be analysed.")
    lede = (
        f"{len(portfolio):,} reviews gave {rated:,} rated answers in all: {percent(totals[HIGH] / rated if rated else None)} "
        f"of those answers are high risk and {percent(totals[MEDIUM] / rated if rated else None)} medium."
    )
    kpis = [
        {"value": str(len(portfolio)), "label": "reviews", "risk": ""},
        {
            "value": percent(totals[HIGH] / rated if rated else None),
            "label": "of rated answers high risk",
            "risk": HIGH,
        },
        {"value": percent(totals[MEDIUM] / rated if rated else None), "label": "medium risk", "risk": MEDIUM},
        {"value": percent(totals[NONE] / rated if rated else None), "label": "no risk", "risk": NONE},
    ]
    worst = [_question_line(r, "high", "of workloads are high risk") for r in reports.top_high.head(count).itertuples()]
    best = [_question_line(r, "no_risk", "have no risk") for r in reports.best.head(count).itertuples()]
    theme_text = ""
    themes = reports.themes
    if len(themes) and themes["rated"].sum():
        parts = [f"{t} pillars {percent(h)} high risk" for t, h in zip(themes["theme"], themes["high"])]
        ordered = themes.sort_values("high", kind="stable")
        verdict = ""
        if len(ordered) >= 2:
            verdict = f" Teams here do best on the {ordered['theme'].iloc[0]} pillars and worst on the {ordered['theme'].iloc[-1]} pillars."
        theme_text = "Of the rated answers, " + _join(parts) + "." + verdict
    practices = reports.practices
    practice_lines = []
    real = practices[(~practices["none_of_these"]) & (practices["rated"] > 0)]
    if len(real):
        top = real.sort_values("adoption", ascending=False, kind="stable").head(3)
        low = real.sort_values("adoption", kind="stable").head(3)
        practice_lines.append("Most followed: " + "; ".join(_practice_words(r) for r in top.itertuples()))
        practice_lines.append("Least followed: " + "; ".join(_practice_words(r) for r in low.itertuples()))
    return Findings(lede, kpis, worst, best, theme_text, practice_lines)


# --- tables -------------------------------------------------------------------------------------------


def _count(value: Any) -> str:
    return f"{int(value):,}"


#: The columns of a row's risk mix: how many reviews rated it, and the shares of those answers that
#: are high, high or medium, and no risk (pillars, questions and themes alike).
SHARE_COLUMNS = (Column("Rated", True), Column("High", True), Column("High or medium", True), Column(NONE.words, True))


def _shares(row: Any) -> list[str]:
    """A row's cells under :data:`SHARE_COLUMNS`."""
    return [_count(row.rated), percent(row.high), percent(row.high_or_medium), percent(row.no_risk)]


def pillar_table(frame: pd.DataFrame) -> tuple[list[Column], list[list[str]]]:
    multi = frame["lens"].nunique() > 1
    columns = [Column("Pillar", width="22%"), Column("Reviews", True), *SHARE_COLUMNS]
    columns += [Column("N/A", True), Column("Unanswered", True, "12%")]
    rows = []
    for r in frame.itertuples():
        name = f"{r.pillar_name} ({r.lens})" if multi else r.pillar_name
        rows.append(
            [name, _count(r.reviews), *_shares(r)]
            + [_count(getattr(r, NOT_APPLICABLE)), _count(getattr(r, UNANSWERED))]
        )
    return columns, rows


def question_table(frame: pd.DataFrame) -> tuple[list[Column], list[list[str]]]:
    columns = [Column("Question", width="46%"), *SHARE_COLUMNS]
    rows = [[_label(r), *_shares(r)] for r in frame.itertuples()]
    return columns, rows


def practice_table(frame: pd.DataFrame) -> tuple[list[Column], list[list[str]]]:
    columns = [
        Column("Practice", width="44%"),
        Column("Question", width="12%"),
        Column("Rated", True),
        Column("Selected", True),
        Column("N/A", True),
        Column("Adoption", True, "11%"),
    ]
    rows = [
        [
            _label(r),
            r.question_code or r.question,
            _count(r.rated),
            _count(r.SELECTED),
            _count(r.NOT_APPLICABLE),
            percent(r.adoption),
        ]
        for r in frame.itertuples()
    ]
    return columns, rows


def theme_table(frame: pd.DataFrame) -> tuple[list[Column], list[list[str]]]:
    columns = [Column("Theme", width="14%"), Column("Pillars", width="40%"), *SHARE_COLUMNS]
    rows = [[r.theme.capitalize(), r.pillars, *_shares(r)] for r in frame.itertuples()]
    return columns, rows


def facet_label(facet: str, value: object) -> str:
    """How a facet's value reads: an environment in the vocabulary's words, anything else as it is."""
    if facet == "environment":
        try:
            return Environment(str(value)).words
        except ValueError:
            pass
    return str(value)


def facet_table(frame: pd.DataFrame, facet: str) -> tuple[list[Column], list[list[str]]]:
    """A row per facet value, a column per pillar (share high risk)."""
    multi = frame["lens"].nunique() > 1 if len(frame) else False
    names = [f"{n} ({lens})" if multi else n for n, lens in zip(frame["pillar_name"], frame["lens"])]
    pillars = list(dict.fromkeys(names))
    columns = [Column(FACET_WORDS[facet], width="16%"), Column("Reviews", True, "9%")]
    columns += [Column(p, True) for p in pillars]
    rows: dict[str, list[str]] = {}
    for (value, reviews), name, share in zip(zip(frame["value"], frame["value_reviews"]), names, frame["high"]):
        row = rows.setdefault(value, [facet_label(facet, value), _count(reviews)] + ["–"] * len(pillars))
        row[2 + pillars.index(name)] = percent(share)
    return columns, list(rows.values())


def over_time_table(frame: pd.DataFrame) -> tuple[list[Column], list[list[str]]]:
    changed = frame[(frame["improved"] + frame["regressed"] + frame["new"] + frame["cleared"]) > 0]
    columns = [
        Column("Question", width="40%"),
        Column("Compared", True, "12%"),
        Column("Improved", True, "12%"),
        Column("Regressed", True, "12%"),
        Column("New", True),
        Column("Cleared", True),
    ]
    rows = [
        [
            _label(r),
            _count(r.compared),
            _count(r.improved),
            _count(r.regressed),
            _count(r.new),
            _count(r.cleared),
        ]
        for r in changed.sort_values(["net", "improved"], ascending=False, kind="stable").itertuples()
    ]
    return columns, rows


def field_table(frame: pd.DataFrame) -> tuple[list[Column], list[list[str]]]:
    columns = [
        Column("2020 figure", width="42%"),
        Column("Match", width="12%"),
        Column("2020", True),
        Column("Here", True),
        Column("Difference", True),
        Column("Rated", True),
    ]
    rows = []
    for r in frame.itertuples():
        if r.measure == "question_rank_best":
            here = "–" if r.portfolio is None or r.portfolio != r.portfolio else f"rank {int(r.portfolio)}"
            rows.append([r.sentence, r.confidence, "best", here, "–", _count(r.rated)])
            continue
        difference = "–" if r.difference is None or r.difference != r.difference else f"{r.difference * 100:+.0f} pt"
        here = "no current practice" if r.measure == "legacy_choice_selected" else percent(r.portfolio)
        rows.append([r.sentence, r.confidence, percent(r.field), here, difference, _count(r.rated)])
    return columns, rows


# --- the notebook -----------------------------------------------------------------------------------


def _png(figure: Figure, alt: str) -> nbformat.NotebookNode:
    from kit.render.charts import figure_png
    from kit.render.handout.notebook import png_output

    return png_output(figure_png(figure, dpi=CHART_DPI), alt, CHART_CSS_WIDTH)


def table(caption: str, columns: list[Column], rows: list[list[str]]) -> Markup:
    """A report's table from the report's template: every cell escaped, numeric columns aligned right."""
    return macro("portfolio_macros.html.j2", "table")(caption, columns, rows)


def _table(caption: str, made: tuple[list[Column], list[list[str]]]) -> Markup:
    return table(caption, *made)


def _folded(summary_text: str, caption: str, made: tuple[list[Column], list[list[str]]]) -> Markup:
    return macro("portfolio_macros.html.j2", "folded")(summary_text, caption, *made)


def build_notebook(
    portfolio: Portfolio, reports: Reports | None = None, now: dt.datetime | None = None
) -> nbformat.NotebookNode:
    """The report as a fresh notebook of static outputs (HTML and PNG only), one cell per section."""
    import nbformat

    from kit.render import charts
    from kit.render.handout.notebook import cell as _cell
    from kit.render.handout.notebook import html_output as _html

    reports = reports or Reports.of(portfolio)
    info = Info.of(portfolio, now)
    synthetic = portfolio.synthetic
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["title"] = info.title + ": Well-Architected portfolio report"
    notebook.metadata["pillarkit"] = {"kind": "portfolio", "generated": info.generated, "synthetic": synthetic}
    cells = [_cell("cover", "pk-cover", [_html(render("portfolio_cover.html.j2", info=info), "Cover")])]
    summary = render("portfolio_summary.html.j2", info=info, findings=findings(portfolio, reports))
    cells.append(_cell("summary", "pk-summary", [_html(summary, "Summary")]))

    def intro(anchor: str, eyebrow: str, title: str, text: str) -> nbformat.NotebookNode:
        section = render(
            "portfolio_section.html.j2", anchor=anchor, eyebrow=eyebrow, title=title, intro=text, info=info
        )
        return _html(section, title)

    pillars = reports.pillars
    cells.append(
        _cell(
            "pillars",
            "pk-pillar",
            [
                intro(
                    "pillars",
                    "Pillars",
                    "Risk by pillar",
                    "Every question answer of every review, by pillar: how much of it is high, medium or no risk.",
                ),
                _png(charts.pillar_mix(pillars, synthetic), "Risk mix by pillar"),
                _html(_table("Share of rated answers by pillar", pillar_table(pillars)), "Pillar table"),
            ],
        )
    )
    cells.append(
        _cell(
            "questions",
            "pk-questions",
            [
                intro(
                    "questions",
                    "Questions",
                    "Where workloads are most often at risk",
                    "The questions most often high risk, and those most often without risk, as shares of the reviews that rated them.",
                ),
                _png(
                    charts.question_shares(reports.top_high, "high", "Questions most often high risk", synthetic),
                    "Questions most often high risk",
                ),
                _html(_table("Questions most often high risk", question_table(reports.top_high)), "Top high risk"),
                _png(
                    charts.question_shares(reports.best, "no_risk", "Best-rated questions", synthetic),
                    "Best-rated questions",
                ),
                _html(_table("Best-rated questions", question_table(reports.best)), "Best rated"),
                _html(
                    _folded(
                        f"All {len(reports.questions)} questions", "Every question", question_table(reports.questions)
                    ),
                    "All questions",
                ),
            ],
        )
    )
    practices = reports.practices[(~reports.practices["none_of_these"]) & (reports.practices["rated"] > 0)]
    least = practices.sort_values("adoption", kind="stable").head(15)
    most = practices.sort_values("adoption", ascending=False, kind="stable").head(15)
    cells.append(
        _cell(
            "practices",
            "pk-practices",
            [
                intro(
                    "practices",
                    "Practices",
                    "Which practices teams follow",
                    "Adoption is the share of the reviews that rated a question which selected the practice.",
                ),
                _png(charts.practice_adoption(least, "Least adopted practices", synthetic), "Least adopted practices"),
                _png(charts.practice_adoption(most, "Most adopted practices", synthetic), "Most adopted practices"),
                _html(
                    _folded(f"All {len(practices)} practices", "Adoption of every practice", practice_table(practices)),
                    "All practices",
                ),
            ],
        )
    )
    cells.append(
        _cell(
            "themes",
            "pk-themes",
            [
                intro(
                    "themes",
                    "Themes",
                    "Build, run and secure",
                    "The seed talk found that teams build well but run and secure badly. Here is how this portfolio reads, with the pillars grouped as the method below says.",
                ),
                _png(charts.themes(reports.themes, synthetic), "Build, run and secure"),
                _html(_table("Themes", theme_table(reports.themes)), "Theme table"),
            ],
        )
    )
    facet_outputs = [
        intro(
            "facets",
            "Facets",
            "By industry, environment and year",
            "The share of rated answers that are high risk, per pillar, for each value of a facet (the number of reviews beside it).",
        )
    ]
    for facet, frame in reports.facets.items():
        labelled = frame.assign(value=[facet_label(facet, v) for v in frame["value"]])
        facet_outputs.append(
            _png(
                charts.facet_heatmap(labelled, FACET_WORDS[facet], synthetic),
                f"{HIGH.words} by pillar and {FACET_WORDS[facet].lower()}",
            )
        )
        facet_outputs.append(
            _html(
                _table(f"Share high risk by {FACET_WORDS[facet].lower()}", facet_table(frame, facet)),
                FACET_WORDS[facet],
            )
        )
    cells.append(_cell("facets", "pk-facets", facet_outputs))
    over = reports.over_time
    compared = int(over["compared"].max()) if over is not None and len(over) else 0
    over_outputs = [
        intro(
            "over-time",
            "Over time",
            "What improved and what regressed",
            f"{compared} reviews have a milestone before the analysed answers; each of their questions is compared with it.",
        )
    ]
    if over is not None:
        over_outputs.append(_png(charts.over_time(over, synthetic=synthetic), "Changes since the previous milestone"))
        made = over_time_table(over)
        if made[1]:
            over_outputs.append(
                _html(
                    _folded(
                        f"The {len(made[1])} questions that changed",
                        "Questions that changed since the previous milestone",
                        made,
                    ),
                    "Changes",
                )
            )
    cells.append(_cell("over-time", "pk-changes", over_outputs))
    field_frame = reports.field if reports.field is not None else portfolios.field_report(portfolio)
    cells.append(
        _cell(
            "field",
            "pk-field",
            [
                intro(
                    "field",
                    "You are not alone",
                    "Beside the 2020 reviews",
                    "Each published 2020 figure next to the same measure here. The 2020 reviews used the 2018 framework; each figure's match to the current question or practice is high, medium or loose.",
                ),
                _png(charts.against_field(field_frame, synthetic), "This portfolio beside the 2020 reviews"),
                _html(
                    _folded(
                        f"All {len(field_frame)} figures from 2020, one by one",
                        "The 2020 figures and this portfolio",
                        field_table(field_frame),
                    ),
                    "Field table",
                ),
            ],
        )
    )
    provenance = fieldstats.provenance()
    source = {
        "reviews": provenance["reviews"],
        "period": provenance["period"],
        "framework_edition": provenance["framework_edition"],
        "talk_url": provenance["talk"]["url"],
        "talk_title": provenance["talk"]["title"],
        "speaker": provenance["talk"]["speaker"],
        "event": provenance["talk"]["event"],
        "blog_url": provenance["blog"]["url"],
        "blog_title": provenance["blog"]["title"],
        "mapping_note": provenance["mapping_note"],
    }
    sources = render("portfolio_sources.html.j2", info=info, source=source)
    cells.append(_cell("sources", "pk-sources", [_html(sources, "Method and sources")]))
    notebook.cells = cells
    return notebook


# --- HTML ---------------------------------------------------------------------------------------------


def to_html(portfolio: Portfolio, reports: Reports | None = None, now: dt.datetime | None = None) -> str:
    """The report as one self-contained HTML document: no script, and nothing fetched when it is opened."""
    from kit.render.handout.notebook import notebook_to_html
    from kit.render.handout.style import PORTFOLIO_FOOTER

    return notebook_to_html(build_notebook(portfolio, reports, now), "portfolio report", PORTFOLIO_FOOTER)


# --- every format -------------------------------------------------------------------------------------

#: What each suffix holds, and its media type (for a download link).
FORMATS = {
    ".html": ("report", "text/html;charset=utf-8"),
    ".xlsx": ("workbook, a sheet per report", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ".csv": ("tidy table", "text/csv;charset=utf-8"),
}


def format_of(path: str | os.PathLike[str]) -> str:
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        known = ", ".join(FORMATS)
        raise ExportError.at(
            str(path), "", f"cannot tell the format from {suffix or 'a name without a suffix'!r}; use one of {known}"
        )
    return suffix


def to_bytes(portfolio: Portfolio, suffix: str, reports: Reports | None = None) -> bytes:
    """The file :func:`export` writes for a suffix (``.html``, ``.xlsx`` or ``.csv``), made in memory."""
    from kit.render.portfolio import workbook

    key = format_of(f"x{suffix}")
    if key == ".csv":
        return workbook.csv_bytes(portfolio)
    reports = reports or Reports.of(portfolio)
    if key == ".xlsx":
        return workbook.to_xlsx(portfolio, reports)
    return to_html(portfolio, reports).encode("utf-8")


def export(portfolio: Portfolio, path: str | os.PathLike[str], reports: Reports | None = None) -> Path:
    """Write the report (``.html``), the workbook (``.xlsx``) or the tidy table (``.csv``) atomically."""
    suffix = format_of(path)
    write_atomic(path, to_bytes(portfolio, suffix, reports))
    return Path(path)


__all__ = [
    "FORMATS",
    "Column",
    "Findings",
    "build_notebook",
    "export",
    "facet_label",
    "findings",
    "format_of",
    "table",
    "to_bytes",
    "to_html",
]

"""The portfolio's charts: matplotlib Figures through the object API only, rendered with Agg.

One function per report, each taking that report's DataFrame (:mod:`kit.core.portfolio`) and
returning a :class:`~matplotlib.figure.Figure`; :func:`png` renders one to PNG bytes. Nothing
touches ``pyplot``, so no global figure state leaks between the report, the notebook and the
tests. Colours are the risk palette of :mod:`kit.render.charts` (Okabe-Ito, safe for the common
colour-vision deficiencies), and every bar carries its number as text, so colour is never the
only cue. A chart of synthetic data says so under its title (``synthetic=True``).
"""

from __future__ import annotations

import io
import math
from typing import TYPE_CHECKING

from kit.core.vocabulary import HIGH, MEDIUM, NONE, NOT_APPLICABLE, UNANSWERED
from kit.render.charts import LABELS, PALETTE, TEXT_COLOUR

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

#: Said under the title of every chart drawn from synthetic reviews.
SYNTHETIC_NOTE = "Synthetic demo data (pillarkit demo portfolio): not real workloads"
WIDTH = 8.0  # inches
DPI = 110
FONT = 9
ROW = 0.30  # inches per bar
INK = "#1c2430"
MUTED = "#56606c"
IMPROVED = PALETTE[NONE]
REGRESSED = PALETTE[HIGH]
FIELD_COLOUR = "#56606c"
PORTFOLIO_COLOUR = "#0b4f6c"
SEGMENTS = (HIGH, MEDIUM, NONE, NOT_APPLICABLE, UNANSWERED)


def png(figure: Figure, dpi: int = DPI) -> bytes:
    """The figure as PNG bytes (Agg, white background)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(figure)  # Agg, whatever backend pyplot might have picked elsewhere
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi, facecolor="white")
    return buffer.getvalue()


def _figure(rows: int, title: str, synthetic: bool, extra: float = 0.9, width: float = WIDTH) -> tuple[Figure, Axes]:
    from matplotlib.figure import Figure

    height = max(rows, 1) * ROW + extra + (0.22 if synthetic else 0)
    figure = Figure(figsize=(width, height), dpi=DPI, facecolor="white", layout="constrained")
    axes = figure.add_subplot()
    figure.suptitle(title, x=0.01, ha="left", fontsize=FONT + 2, color=INK, fontweight="bold")
    if synthetic:
        axes.set_title(SYNTHETIC_NOTE, loc="left", fontsize=FONT - 1, color="#b34700", pad=6)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    axes.tick_params(labelsize=FONT, colors=INK)
    return figure, axes


def _percent_axis(axes: Axes, limit: float = 1.0) -> None:
    from matplotlib.ticker import PercentFormatter

    axes.set_xlim(0, limit)
    axes.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    axes.grid(axis="x", color="#e4e8ec", linewidth=0.8)
    axes.set_axisbelow(True)


def _clip(text: str, length: int = 58) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


def _label(code: str, title: str, length: int = 58) -> str:
    return _clip(f"{code} {title}" if code else title, length)


def _percent(value: float) -> str:
    return "–" if value is None or (isinstance(value, float) and math.isnan(value)) else f"{value:.0%}"


def _empty(axes: Axes, message: str = "Nothing to show for this selection") -> None:
    axes.text(0.5, 0.5, message, ha="center", va="center", fontsize=FONT + 1, color=MUTED, transform=axes.transAxes)
    axes.set_xticks([])
    axes.set_yticks([])


def pillar_mix(pillars: pd.DataFrame, synthetic: bool = False, title: str = "Risk mix by pillar") -> Figure:
    """100% stacked bars, one per pillar: the share of question answers at each risk, over every review."""
    multi = pillars["lens"].nunique() > 1
    labels = [f"{n} ({lens})" if multi else n for n, lens in zip(pillars["pillar_name"], pillars["lens"])]
    figure, axes = _figure(len(labels), title, synthetic, extra=1.2)
    if not len(pillars):
        _empty(axes)
        return figure
    totals = pillars[list(SEGMENTS)].sum(axis=1).replace(0, 1)
    left = [0.0] * len(labels)
    for risk in SEGMENTS:
        shares = (pillars[risk] / totals).tolist()
        bars = axes.barh(labels, shares, left=left, color=PALETTE[risk], label=LABELS[risk], height=0.7)
        for bar, share in zip(bars, shares):
            if share >= 0.06:
                axes.text(
                    bar.get_x() + share / 2,
                    bar.get_y() + bar.get_height() / 2,
                    f"{share:.0%}",
                    ha="center",
                    va="center",
                    fontsize=FONT - 1,
                    color=TEXT_COLOUR,
                )
        left = [a + b for a, b in zip(left, shares)]
    axes.invert_yaxis()
    _percent_axis(axes)
    axes.legend(loc="upper center", bbox_to_anchor=(0.5, -0.08), ncol=5, fontsize=FONT - 1, frameon=False)
    return figure


def question_shares(
    questions: pd.DataFrame,
    measure: str = "high",
    title: str = "Questions most often high risk",
    synthetic: bool = False,
) -> Figure:
    """Horizontal bars of one share per question (``high``, ``high_or_medium`` or ``no_risk``), in the frame's order.

    For ``high`` the share high or medium risk is drawn lighter behind it, so the two read together.
    """
    labels = [_label(c, t) for c, t in zip(questions["code"], questions["title"])]
    figure, axes = _figure(len(labels), title, synthetic)
    if not len(questions):
        _empty(axes)
        return figure
    colour = {"high": PALETTE[HIGH], "high_or_medium": PALETTE[MEDIUM], "no_risk": PALETTE[NONE]}[measure]
    if measure == "high":
        axes.barh(
            labels, questions["high_or_medium"], color=PALETTE[MEDIUM], alpha=0.45, height=0.7, label="High or medium"
        )
    bars = axes.barh(
        labels,
        questions[measure],
        color=colour,
        height=0.7,
        label={"high": "High", "high_or_medium": "High or medium", "no_risk": "No risk"}[measure],
    )
    # The number goes past the longer of the two bars, so it never sits on the lighter one.
    ends = questions["high_or_medium"] if measure == "high" else questions[measure]
    for bar, value, rated, end in zip(bars, questions[measure], questions["rated"], ends):
        axes.text(
            max(bar.get_width(), 0 if end != end else end) + 0.01,
            bar.get_y() + bar.get_height() / 2,
            f"{_percent(value)} of {rated}",
            va="center",
            fontsize=FONT - 1,
            color=INK,
        )
    axes.invert_yaxis()
    _percent_axis(axes, 1.18)
    axes.set_xticks([0, 0.25, 0.5, 0.75, 1.0])
    if measure == "high":
        axes.legend(loc="upper center", bbox_to_anchor=(0.5, -0.1), ncol=2, fontsize=FONT - 1, frameon=False)
    return figure


def practice_adoption(
    practices: pd.DataFrame, title: str = "Least adopted practices", synthetic: bool = False
) -> Figure:
    """Horizontal bars of adoption per practice, in the frame's order."""
    labels = [_label(c, t) for c, t in zip(practices["code"], practices["title"])]
    figure, axes = _figure(len(labels), title, synthetic)
    if not len(practices):
        _empty(axes)
        return figure
    bars = axes.barh(labels, practices["adoption"], color=PORTFOLIO_COLOUR, height=0.7)
    for bar, value, rated in zip(bars, practices["adoption"], practices["rated"]):
        axes.text(
            bar.get_width() + 0.01,
            bar.get_y() + bar.get_height() / 2,
            f"{_percent(value)} of {rated}",
            va="center",
            fontsize=FONT - 1,
            color=INK,
        )
    axes.invert_yaxis()
    _percent_axis(axes, 1.18)
    axes.set_xticks([0, 0.25, 0.5, 0.75, 1.0])
    return figure


def themes(frame: pd.DataFrame, synthetic: bool = False, title: str = "Build, run and secure") -> Figure:
    """Two bars per theme: the share of rated question answers that are high risk, and high or medium."""
    figure, axes = _figure(len(frame) * 2, title, synthetic, extra=1.1)
    if not len(frame):
        _empty(axes)
        return figure
    labels = [f"{t.capitalize()}\n({p})" for t, p in zip(frame["theme"], frame["pillars"])]
    positions = list(range(len(frame)))
    high = axes.barh([p - 0.2 for p in positions], frame["high"], height=0.38, color=PALETTE[HIGH], label="High")
    both = axes.barh(
        [p + 0.2 for p in positions],
        frame["high_or_medium"],
        height=0.38,
        color=PALETTE[MEDIUM],
        label="High or medium",
    )
    for bars, values in ((high, frame["high"]), (both, frame["high_or_medium"])):
        for bar, value in zip(bars, values):
            axes.text(
                bar.get_width() + 0.01,
                bar.get_y() + bar.get_height() / 2,
                _percent(value),
                va="center",
                fontsize=FONT - 1,
                color=INK,
            )
    axes.set_yticks(positions, [_clip(label, 70) for label in labels], fontsize=FONT - 1)
    axes.invert_yaxis()
    _percent_axis(axes, 1.1)
    axes.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=2, fontsize=FONT - 1, frameon=False)
    return figure


def facet_heatmap(frame: pd.DataFrame, facet_label: str, synthetic: bool = False, measure: str = "high") -> Figure:
    """A grid: a row per facet value, a column per pillar, each cell the share of rated answers high risk."""
    import numpy as np

    title = f"Share high risk by pillar and {facet_label.lower()}"
    if not len(frame):
        figure, axes = _figure(2, title, synthetic)
        _empty(axes)
        return figure
    multi = frame["lens"].nunique() > 1
    frame = frame.assign(
        column=[f"{n} ({lens})" if multi else n for n, lens in zip(frame["pillar_name"], frame["lens"])]
    )
    values = list(dict.fromkeys(frame["value"]))
    columns = list(dict.fromkeys(frame["column"]))
    reviews = dict(zip(frame["value"], frame["value_reviews"]))
    grid = np.full((len(values), len(columns)), np.nan)
    for value, column, share in zip(frame["value"], frame["column"], frame[measure]):
        grid[values.index(value), columns.index(column)] = share
    figure, axes = _figure(len(values), title, synthetic, extra=1.6)
    from matplotlib.colors import LinearSegmentedColormap

    cmap = LinearSegmentedColormap.from_list("pk-risk", ["#ffffff", PALETTE[MEDIUM], PALETTE[HIGH]])
    axes.imshow(np.nan_to_num(grid, nan=0.0), cmap=cmap, vmin=0, vmax=1, aspect="auto")
    for i in range(len(values)):
        for j in range(len(columns)):
            axes.text(j, i, _percent(grid[i, j]), ha="center", va="center", fontsize=FONT - 1, color=TEXT_COLOUR)
    axes.set_xticks(range(len(columns)), [_clip(c, 22) for c in columns], fontsize=FONT - 1, rotation=20, ha="right")
    axes.set_yticks(range(len(values)), [f"{_clip(v, 28)} ({reviews[v]})" for v in values], fontsize=FONT - 1)
    for side in ("left", "bottom"):
        axes.spines[side].set_visible(False)
    axes.tick_params(length=0)
    return figure


def over_time(frame: pd.DataFrame, count: int = 12, synthetic: bool = False) -> Figure:
    """Diverging bars for the questions that changed most: regressions to the left, improvements to the right."""
    changed = frame[(frame["improved"] + frame["regressed"]) > 0]
    changed = (
        changed.assign(moved=changed["improved"] + changed["regressed"])
        .sort_values(["moved", "improved"], ascending=False, kind="stable")
        .head(count)
    )
    compared = int(frame["compared"].max()) if len(frame) else 0
    title = f"Since the previous milestone ({compared} reviews compared)"
    figure, axes = _figure(len(changed), title, synthetic, extra=1.2)
    if not len(changed):
        _empty(axes, "No review has a milestone to compare with" if not compared else "No question changed")
        return figure
    labels = [_label(c, t, 50) for c, t in zip(changed["code"], changed["title"])]
    improved = axes.barh(labels, changed["improved"], color=IMPROVED, height=0.7, label="Improved")
    regressed = axes.barh(labels, -changed["regressed"], color=REGRESSED, height=0.7, label="Regressed")
    for bar, value in zip(improved, changed["improved"]):
        if value:
            axes.text(
                bar.get_width() + 0.2, bar.get_y() + bar.get_height() / 2, str(value), va="center", fontsize=FONT - 1
            )
    for bar, value in zip(regressed, changed["regressed"]):
        if value:
            axes.text(
                bar.get_width() - 0.2,
                bar.get_y() + bar.get_height() / 2,
                str(value),
                va="center",
                ha="right",
                fontsize=FONT - 1,
            )
    widest = max(int(changed["improved"].max()), int(changed["regressed"].max()), 1)
    axes.set_xlim(-widest * 1.25, widest * 1.25)
    axes.axvline(0, color=MUTED, linewidth=0.8)
    axes.invert_yaxis()
    axes.set_xlabel("reviews", fontsize=FONT - 1, color=MUTED)
    axes.legend(loc="upper center", bbox_to_anchor=(0.5, -0.1), ncol=2, fontsize=FONT - 1, frameon=False)
    return figure


#: How a confidence reads beside a figure's label.
CONFIDENCE_MARK = {"high": "", "medium": " (medium match)", "low": " (loose match)"}


def against_field(frame: pd.DataFrame, synthetic: bool = False) -> Figure:
    """This portfolio beside the 2020 reviews: a row per figure with both shares, the gap drawn between them."""
    shown = frame[frame["field"].notna() & frame["portfolio"].notna() & (frame["measure"] != "question_rank_best")]
    title = "This portfolio beside the 2020 reviews"
    figure, axes = _figure(len(shown), title, synthetic, extra=1.3)
    if not len(shown):
        _empty(axes, "The 2020 figures are about the Framework lens, which this selection does not hold")
        return figure
    from kit.core.portfolio import MEASURE_WORDS

    labels = []
    for row in shown.itertuples():
        labels.append(f"{row.practice_code or row.code} {MEASURE_WORDS[row.measure]}" + CONFIDENCE_MARK[row.confidence])
    positions = list(range(len(shown)))
    for y, field, mine in zip(positions, shown["field"], shown["portfolio"]):
        axes.plot([field, mine], [y, y], color="#c9d0d6", linewidth=2, zorder=1)
    axes.scatter(
        shown["field"],
        positions,
        s=36,
        facecolors="white",
        edgecolors=FIELD_COLOUR,
        linewidths=1.6,
        label="2020 reviews",
        zorder=2,
    )
    axes.scatter(shown["portfolio"], positions, s=36, color=PORTFOLIO_COLOUR, label="This portfolio", zorder=3)
    axes.set_yticks(positions, labels, fontsize=FONT - 1)
    axes.set_ylim(len(shown) - 0.5, -0.5)
    _percent_axis(axes)
    axes.legend(loc="upper center", bbox_to_anchor=(0.5, -0.06), ncol=2, fontsize=FONT - 1, frameon=False)
    return figure


__all__ = [
    "SYNTHETIC_NOTE",
    "against_field",
    "facet_heatmap",
    "over_time",
    "pillar_mix",
    "png",
    "practice_adoption",
    "question_shares",
    "themes",
]

"""Charts built from scores: matplotlib Figures through the object API only, rendered with Agg.

Nothing here touches ``pyplot``, so there is no global figure state to leak between the app,
the handout and the tests, and importing this module never picks a GUI backend. matplotlib
itself is imported when the first chart is made, so the palette, the labels and :class:`Row`
cost nothing to import (the app shows its first question before paying for matplotlib).

:class:`RiskChart` is the live risk panel's chart: one horizontal stacked bar per pillar,
segmented into HIGH, MEDIUM, NONE, NOT_APPLICABLE and UNANSWERED questions. It owns ONE
Figure for its whole life and re-renders it to PNG bytes on every change. A change of counts
only moves existing rectangles and rewrites existing labels; the axes, the pillar names and
the legend are built again only when the rows themselves (their number or labels) change.

:func:`risk_figure` draws the same chart once, for static outputs such as the handout.

The portfolio's charts (:func:`pillar_mix`, :func:`question_shares`, :func:`practice_adoption`,
:func:`themes`, :func:`facet_heatmap`, :func:`over_time`, :func:`against_field`) draw the reports
of :mod:`kit.core.portfolio` in the same palette and type, each once, as a static Figure that
:func:`figure_png` renders for the portfolio report and notebook.
:class:`HeatMap` is the risk register's likelihood x impact grid: three rows of likelihood
(high on top), three columns of impact (low on the left), each cell coloured by how serious its
rating is and carrying its count of entries not closed. It too owns one Figure and only rewrites
colours and numbers when the counts change (the app's register page redraws it on every edit).
"""

from __future__ import annotations

import io
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from kit.core.vocabulary import (
    HIGH,
    LEVEL_WEIGHT,
    LEVEL_WORDS,
    LEVELS,
    LOW,
    MEDIUM,
    NONE,
    NOT_APPLICABLE,
    UNANSWERED,
    WORST_FIRST,
    Risk,
)

#: Okabe-Ito colours (safe for the common colour-vision deficiencies), distinct in lightness too;
#: every segment also carries its count as text, so colour is never the only cue.
PALETTE: dict[Risk, str] = {
    HIGH: "#D55E00",  # vermillion
    MEDIUM: "#E69F00",  # orange
    NONE: "#009E73",  # bluish green
    NOT_APPLICABLE: "#999999",  # mid grey
    UNANSWERED: "#E4E4E4",  # light grey
}

#: Black text reads better than white on every colour of the palette (WCAG contrast of 5:1 or more).
TEXT_COLOUR = "#000000"

DEFAULT_WIDTH = 5.0  # inches
DEFAULT_DPI = 96  # modest: a 480 px wide image, small to send and quick to encode
ROW_HEIGHT = 0.34  # inches per pillar
FONT_SIZE = 9


if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes
    from matplotlib.container import BarContainer
    from matplotlib.figure import Figure

#: CSS for the app's risk badges, in the same colours as the chart.
PALETTE_CSS = "\n".join(f".pk-app .pk-badge.{risk.css} {{ background: {colour}; }}" for risk, colour in PALETTE.items())


@dataclass(frozen=True)
class Row:
    """One bar: a label (a pillar's name) and its counts by risk (a ``RiskCounts`` or any mapping)."""

    label: str
    counts: Mapping[str, int]

    def key(self) -> tuple:
        return (self.label,) + tuple(int(self.counts.get(risk, 0)) for risk in WORST_FIRST)


def rows_from_lens_score(lens_score, prefix: str = "") -> list[Row]:
    """The rows of one lens's score (a :class:`kit.core.scoring.LensScore`), one per pillar, in lens order."""
    return [Row(f"{prefix}{p.pillar.name}", p.counts) for p in lens_score.pillars.values()]


def _as_rows(rows: Iterable[Row | tuple[str, Mapping[str, int]]]) -> list[Row]:
    return [row if isinstance(row, Row) else Row(*row) for row in rows]


class RiskChart:
    """One reused Figure with a stacked horizontal bar per pillar, re-rendered to PNG bytes.

    >>> chart = RiskChart()
    >>> png = chart.render([("Security", {"HIGH": 2, "UNANSWERED": 9})])

    The static part (pillar names, legend) is drawn once per layout and kept as a background;
    a change of counts restores the background of the rows that changed and draws only their
    bars and numbers there (blitting), then encodes the pixels. Rendering the same rows again
    returns the same bytes without drawing. ``rows`` holds the rows last drawn (the counts
    behind the picture) and ``renders`` how many times it drew.
    """

    def __init__(self, width: float = DEFAULT_WIDTH, dpi: int = DEFAULT_DPI, font_size: float = FONT_SIZE):
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        self.width = width
        self.dpi = dpi
        self.font_size = font_size
        self.figure = Figure(figsize=(width, 1.0), dpi=dpi, facecolor="white")
        self.canvas = FigureCanvasAgg(self.figure)
        self.rows: list[Row] = []
        self.renders = 0
        self._layout: tuple[str, ...] | None = None
        self._scale: int | None = None
        self._keys: list[tuple] = []
        self._png = b""
        self._bars: dict[str, list] = {}
        self._texts: dict[str, list] = {}
        self._strips: list = []
        self._sprites: dict[tuple[str, str], tuple] = {}
        self._axes: Axes | None = None

    # --- public ---------------------------------------------------------------------

    def render(self, rows: Iterable[Row | tuple[str, Mapping[str, int]]]) -> bytes:
        """PNG bytes of the chart for these rows (label, counts), top to bottom."""
        rows = _as_rows(rows)
        keys = [row.key() for row in rows]
        if keys == self._keys and self._png:
            return self._png
        labels = tuple(row.label for row in rows)
        scale = max([sum(key[1:]) for key in keys] + [1])
        if labels != self._layout or scale != self._scale:
            self._build(labels, scale)
            changed: Sequence[int] = range(len(rows))
        else:
            changed = [i for i, key in enumerate(keys) if key != self._keys[i]]
        for i in changed:
            self._draw_row(i, rows[i])
        self._png = self._encode()
        self._keys = keys
        self.rows = rows
        self.renders += 1
        return self._png

    # --- drawing --------------------------------------------------------------------

    def _build(self, labels: tuple[str, ...], scale: int) -> None:
        """Lay out axes, bars, count labels and legend, and keep the empty chart as background."""
        from matplotlib.transforms import Bbox

        fig = self.figure
        fig.clear()
        n = max(len(labels), 1)
        # The legend takes one row when it fits the width, else two (a narrow or large-type chart).
        columns = len(WORST_FIRST) if self._legend_fits() else 3
        legend_rows = math.ceil(len(WORST_FIRST) / columns)
        legend_height = 0.36 + (legend_rows - 1) * 0.2 * self.font_size / FONT_SIZE
        height = n * ROW_HEIGHT * max(1.0, self.font_size / FONT_SIZE) + legend_height + 0.08
        fig.set_size_inches(self.width, height)
        label_width = self._label_width(labels)
        left = min(0.5, (label_width + 0.12) / self.width)
        bottom = legend_height / height
        ax = fig.add_axes((left, bottom, 0.98 - left, 1 - bottom - 0.04 / height))
        ax.set_xlim(0, scale)
        ax.set_ylim(n - 0.5, -0.5)  # first row on top
        ax.set_yticks(range(len(labels)), labels, fontsize=self.font_size)
        ax.tick_params(axis="y", length=0, pad=4)
        ax.xaxis.set_visible(False)
        for side in ("top", "right", "bottom", "left"):
            ax.spines[side].set_visible(False)

        positions = list(range(len(labels)))
        self._bars, self._texts = {}, {}
        for risk in WORST_FIRST:
            # animated: left out of the full draw, drawn row by row onto the background instead.
            container = ax.barh(
                positions, [0] * len(labels), height=0.72, color=PALETTE[risk], linewidth=0, animated=True
            )
            self._bars[risk] = list(container.patches)
            self._texts[risk] = [
                ax.text(
                    0,
                    y,
                    "",
                    ha="center",
                    va="center_baseline",
                    fontsize=self.font_size - 0.5,
                    color=TEXT_COLOUR,
                    animated=True,
                )
                for y in positions
            ]
        fig.legend(
            handles=self._legend_handles(),
            loc="lower center",
            ncol=columns,
            fontsize=self.font_size - 1,
            frameon=False,
            handlelength=1.1,
            columnspacing=1.0,
            borderaxespad=0.2,
        )
        self._axes = ax
        self._sprites = {}
        self._layout = labels
        self._scale = scale
        self.canvas.draw()
        # One background strip per row, a little taller than the bar, to restore before redrawing it.
        to_display = ax.transData.transform
        self._strips = []
        for y in positions:
            (_x0, y0), (_x1, y1) = to_display([(0, y + 0.5), (scale, y - 0.5)])
            box = Bbox.from_extents(ax.bbox.x0, y0, ax.bbox.x1 + 1, y1)
            self._strips.append(self.canvas.copy_from_bbox(box))

    def _legend_handles(self) -> list:
        from matplotlib.patches import Patch

        return [Patch(facecolor=PALETTE[risk], label=risk.words) for risk in WORST_FIRST]

    def _legend_fits(self) -> bool:
        """Whether the legend fits on one row across the figure's width (measured, not guessed)."""
        probe = self.figure.legend(
            handles=self._legend_handles(),
            ncol=len(WORST_FIRST),
            fontsize=self.font_size - 1,
            frameon=False,
            handlelength=1.1,
            columnspacing=1.0,
        )
        width = probe.get_window_extent(self.canvas.get_renderer()).width / self.dpi
        probe.remove()
        return width <= self.width - 0.1

    def _label_width(self, labels: Sequence[str]) -> float:
        """The widest label in inches, measured with the figure's own renderer."""
        if not labels:
            return 0.0
        renderer = self.canvas.get_renderer()
        probe = self.figure.text(0, 0, "", fontsize=self.font_size)
        widest = 0.0
        for label in labels:
            probe.set_text(label)
            widest = max(widest, probe.get_window_extent(renderer).width)
        probe.remove()
        return widest / self.dpi

    def _draw_row(self, i: int, row: Row) -> None:
        """Restore row ``i``'s background, move its rectangles, rewrite its numbers and draw them."""
        self.canvas.restore_region(self._strips[i])
        ax = self._axes
        assert ax is not None  # drawn only after _build
        left = 0
        numbers = []
        for risk in WORST_FIRST:
            count = int(row.counts.get(risk, 0))
            bar = self._bars[risk][i]
            bar.set_x(left)
            bar.set_width(count)
            text = self._texts[risk][i]
            text.set_visible(bool(count))
            if count:
                ax.draw_artist(bar)
                text.set_text(str(count))
                text.set_x(left + count / 2)
                numbers.append((risk, bar, text))
            left += count
        for risk, bar, text in numbers:
            self._draw_number(risk, bar, text)

    def _draw_number(self, risk: str, bar, text) -> None:
        """Draw a segment's count; each (number, colour) is rasterised once and then pasted.

        Laying out text costs far more than the rest of a redraw, so the first time a number
        appears on a colour its pixels (glyphs on that colour) are copied, and later draws
        paste them. Anchors are snapped to whole pixels, so a pasted number is exactly the
        pixels a fresh draw would make. A number that does not fit inside its segment is
        drawn normally and not kept.
        """
        ax = self._axes
        assert ax is not None  # drawn only after _build
        to_display = ax.transData
        cx, cy = to_display.transform((text.get_position()[0], text.get_position()[1]))
        px, py = round(cx), round(cy)
        height = self.canvas.get_width_height()[1]
        key = (text.get_text(), risk)
        sprite = self._sprites.get(key)
        if sprite is not None:
            region, dx, dy, width, tall = sprite
            if self._fits(bar, px + dx, py - dy - tall, width, tall):
                self.canvas.restore_region(region, xy=(px + dx, height - py + dy))
                return
        text.set_position(to_display.inverted().transform((px, py)))
        ax.draw_artist(text)
        extent = text.get_window_extent(self.canvas.get_renderer())
        x0, y0 = math.floor(extent.x0) - 1, math.floor(extent.y0) - 1
        x1, y1 = math.ceil(extent.x1) + 1, math.ceil(extent.y1) + 1
        if sprite is None and self._fits(bar, x0, y0, x1 - x0, y1 - y0):
            from matplotlib.transforms import Bbox

            region = self.canvas.copy_from_bbox(Bbox.from_extents(x0, y0, x1, y1))
            rx, ry, _, _ = region.get_extents()  # top-down pixel coordinates
            self._sprites[key] = (region, rx - px, ry - (height - py), x1 - x0, y1 - y0)

    def _fits(self, bar, x0: float, y0: float, width: float, height: float) -> bool:
        """Whether a box (display pixels, bottom-up) lies inside the bar's rectangle."""
        box = bar.get_window_extent(self.canvas.get_renderer())
        return box.x0 <= x0 and x0 + width <= box.x1 and box.y0 <= y0 and y0 + height <= box.y1

    def _encode(self) -> bytes:
        from PIL import Image  # a dependency of matplotlib

        width, height = self.canvas.get_width_height()
        image = Image.frombuffer("RGBA", (width, height), self.canvas.buffer_rgba(), "raw", "RGBA", 0, 1)
        buffer = io.BytesIO()
        # A 64-colour palette keeps the flat bars and anti-aliased text intact at a quarter of
        # the bytes (about 5 KB): every tick sends this picture through the server to the
        # browser, and there the bytes cost more time than the quantising did here.
        palette = image.convert("RGB").quantize(colors=64, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)
        palette.save(buffer, format="PNG", compress_level=6)
        return buffer.getvalue()

    def to_png(self) -> bytes:
        """The last rendered PNG."""
        return self._png


#: A heat-map cell's colour by how serious its rating is (:func:`kit.core.register.band`): the risk
#: palette's vermillion and orange, and Okabe-Ito yellow for low. An empty cell shows a pale tint.
BAND_COLOURS = {HIGH: PALETTE[HIGH], MEDIUM: PALETTE[MEDIUM], LOW: "#F0E442"}
EMPTY_TINT = 0.72  # how far an empty cell's colour is mixed with white
HEATMAP_WIDTH = 4.6  # inches
HEATMAP_HEIGHT = 3.4


def _band(rating: int) -> str:
    from kit.core.register import band

    return band(rating)


def _tint(colour: str, amount: float) -> str:
    """``colour`` mixed with white by ``amount`` (0 keeps it, 1 is white)."""
    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    mix = [round(c + (255 - c) * amount) for c in (red, green, blue)]
    return "#" + "".join(f"{c:02X}" for c in mix)


class HeatMap:
    """One reused Figure of the register's likelihood x impact grid, rendered to PNG bytes.

    >>> png = HeatMap().render({"HIGH": {"HIGH": 1, "MEDIUM": 0, "LOW": 0}, ...})

    ``grid`` is :func:`kit.core.register.heatmap`'s shape (likelihood, then impact, then a
    count). Each cell shows its count in large type and its rating (likelihood weight times
    impact weight) small in a corner, so colour is never the only cue. Rendering the same counts
    again returns the same bytes without drawing; ``renders`` counts the draws.
    """

    def __init__(self, width: float = HEATMAP_WIDTH, height: float = HEATMAP_HEIGHT, dpi: int = DEFAULT_DPI):
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
        from matplotlib.patches import Rectangle

        self.dpi = dpi
        self.figure = Figure(figsize=(width, height), dpi=dpi, facecolor="white")
        self.canvas = FigureCanvasAgg(self.figure)
        self.renders = 0
        self._key: tuple | None = None
        self._png = b""
        ax = self.figure.add_axes((0.25, 0.2, 0.72, 0.76))
        ax.set_xlim(0, 3)
        ax.set_ylim(0, 3)
        across = tuple(reversed(LEVELS))  # impact: low on the left
        ax.set_xticks([0.5, 1.5, 2.5], [LEVEL_WORDS[level] for level in across], fontsize=FONT_SIZE)
        ax.set_yticks([0.5, 1.5, 2.5], [LEVEL_WORDS[level] for level in across], fontsize=FONT_SIZE)
        ax.tick_params(length=0, pad=4)
        ax.set_xlabel("Impact \u2192", fontsize=FONT_SIZE, labelpad=6)
        ax.set_ylabel("Likelihood \u2192", fontsize=FONT_SIZE, labelpad=6)
        for side in ("top", "right", "bottom", "left"):
            ax.spines[side].set_visible(False)
        self._cells: dict[tuple[str, str], tuple] = {}
        for row, likelihood in enumerate(across):
            for column, impact in enumerate(across):
                rating = LEVEL_WEIGHT[likelihood] * LEVEL_WEIGHT[impact]
                patch = Rectangle((column, row), 1, 1, linewidth=2, edgecolor="white")
                ax.add_patch(patch)
                count = ax.text(
                    column + 0.5,
                    row + 0.47,
                    "",
                    ha="center",
                    va="center",
                    fontsize=FONT_SIZE * 2.1,
                    fontweight="bold",
                    color=TEXT_COLOUR,
                )
                ax.text(
                    column + 0.93,
                    row + 0.9,
                    str(rating),
                    ha="right",
                    va="top",
                    fontsize=FONT_SIZE - 1.5,
                    color=TEXT_COLOUR,
                )
                self._cells[(likelihood, impact)] = (patch, count, _band(rating))
        self._axes = ax

    def render(self, grid: Mapping[str, Mapping[str, int]]) -> bytes:
        """PNG bytes of the grid for these counts."""
        key = tuple(int(grid.get(row, {}).get(column, 0)) for row in LEVELS for column in LEVELS)
        if key == self._key and self._png:
            return self._png
        for (likelihood, impact), (patch, text, band) in self._cells.items():
            count = int(grid.get(likelihood, {}).get(impact, 0))
            colour = BAND_COLOURS[band]
            patch.set_facecolor(colour if count else _tint(colour, EMPTY_TINT))
            text.set_text(str(count) if count else "\u2013")
            text.set_alpha(1.0 if count else 0.45)
        self.canvas.draw()
        buffer = io.BytesIO()
        self.canvas.print_png(buffer)
        self._png = buffer.getvalue()
        self._key = key
        self.renders += 1
        return self._png

    def to_png(self) -> bytes:
        return self._png


def heatmap_png(grid: Mapping[str, Mapping[str, int]], width: float = HEATMAP_WIDTH, dpi: int = DEFAULT_DPI) -> bytes:
    """The heat map drawn once, as PNG bytes (for static outputs: the handout, the executive edition)."""
    return HeatMap(width=width, height=width * HEATMAP_HEIGHT / HEATMAP_WIDTH, dpi=dpi).render(grid)


def risk_figure(
    rows: Iterable[Row | tuple[str, Mapping[str, int]]], width: float = DEFAULT_WIDTH, dpi: int = 100
) -> Figure:
    """A fresh Figure of the risk chart, for static outputs (the handout)."""
    chart = RiskChart(width=width, dpi=dpi)
    chart.render(rows)
    for artists in list(chart._bars.values()) + list(chart._texts.values()):
        for artist in artists:
            artist.set_animated(False)  # a static figure draws everything in one pass
    return chart.figure


# --- the portfolio's charts ------------------------------------------------------------------
# One function per report of kit.core.portfolio, each taking that report's DataFrame and
# returning a static Figure (drawn once, for the portfolio report and notebook); figure_png
# renders one. Every bar carries its number as text, and a chart of synthetic reviews says so
# under its title.

#: Said under the title of every chart drawn from synthetic reviews.
SYNTHETIC_NOTE = "Synthetic demo data (pillarkit demo portfolio): not real workloads"
#: Portfolio charts are drawn 9 inches wide: the report shows them 864 CSS pixels wide (96 per inch, as
#: the handout's chart), the width of its column.
PORTFOLIO_WIDTH = 9.0  # inches
PORTFOLIO_DPI = 110
FONT = FONT_SIZE
ROW = 0.30  # inches per bar
INK = "#1c2430"
MUTED = "#56606c"
IMPROVED = PALETTE[NONE]
REGRESSED = PALETTE[HIGH]
FIELD_COLOUR = "#56606c"
PORTFOLIO_COLOUR = "#0b4f6c"


def figure_png(figure: Figure, dpi: int = PORTFOLIO_DPI) -> bytes:
    """A static figure as PNG bytes (Agg, white background), whatever backend pyplot may have picked.

    Flat bars and text need few colours: like :class:`RiskChart`, the picture is quantised (to
    128 colours, enough for the heatmap's shades), which makes it a third of the size, and a
    report of a dozen charts stays small enough to mail.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from PIL import Image  # a dependency of matplotlib

    FigureCanvasAgg(figure)  # Agg, whatever backend pyplot might have picked elsewhere
    drawn = io.BytesIO()
    figure.savefig(drawn, format="png", dpi=dpi, facecolor="white")
    drawn.seek(0)
    with Image.open(drawn) as image:
        palette = image.convert("RGB").quantize(colors=128, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)
    # The octree averages the background with the near-white edges of text and bars; the most
    # common colour is the background, and it is set back to pure white, so no grey box shows.
    _count, background = max(palette.getcolors(maxcolors=256) or [(0, 0)])
    colours = palette.getpalette() or []
    if isinstance(background, int):  # a palette image's colours are its palette's indices
        colours[3 * background : 3 * background + 3] = [255, 255, 255]
        palette.putpalette(colours)
    buffer = io.BytesIO()
    palette.save(buffer, format="PNG", compress_level=6)
    return buffer.getvalue()


def _figure(
    rows: int, title: str, synthetic: bool, extra: float = 0.9, width: float = PORTFOLIO_WIDTH
) -> tuple[Figure, Axes]:
    from matplotlib.figure import Figure

    height = max(rows, 1) * ROW + extra + (0.25 if synthetic else 0)
    figure = Figure(figsize=(width, height), dpi=PORTFOLIO_DPI, facecolor="white", layout="constrained")
    axes = figure.add_subplot()
    figure.suptitle(title, x=0.01, ha="left", fontsize=FONT + 2, color=INK, fontweight="bold")
    if synthetic:
        # Under everything, from the figure's left edge: long labels can push the axes far right.
        figure.supxlabel(SYNTHETIC_NOTE, x=0.01, ha="left", fontsize=FONT - 1, color="#b34700")
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


def _percent(value: float | None) -> str:
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
    totals = pillars[list(WORST_FIRST)].sum(axis=1).replace(0, 1)
    left = [0.0] * len(labels)
    for risk in WORST_FIRST:
        shares = (pillars[risk] / totals).tolist()
        bars = axes.barh(labels, shares, left=left, color=PALETTE[risk], label=risk.words, height=0.7)
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
        label={"high": "High", "high_or_medium": "High or medium", "no_risk": NONE.words}[measure],
    )
    # The number goes past the longer of the two bars, so it never sits on the lighter one.
    ends = questions["high_or_medium"] if measure == "high" else None
    _share_labels_top_down(axes, bars, questions[measure], questions["rated"], ends)
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
    _share_labels_top_down(axes, bars, practices["adoption"], practices["rated"])
    return figure


def _share_labels_top_down(
    axes: Axes, bars: BarContainer, shares: pd.Series, rated: pd.Series, ends: pd.Series | None = None
) -> None:
    """Finish a chart of one share per row: each bar's "share of rated" just past its end (or past
    ``ends``, where a longer bar stands behind it), the first row on top, a 0-100% axis."""
    for bar, value, count, end in zip(bars, shares, rated, shares if ends is None else ends):
        x = bar.get_width() if ends is None else max(bar.get_width(), 0 if end != end else end)
        axes.text(
            x + 0.01,
            bar.get_y() + bar.get_height() / 2,
            f"{_percent(value)} of {count}",
            va="center",
            fontsize=FONT - 1,
            color=INK,
        )
    axes.invert_yaxis()
    _percent_axis(axes, 1.18)
    axes.set_xticks([0, 0.25, 0.5, 0.75, 1.0])


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
    from matplotlib.ticker import FuncFormatter

    axes.xaxis.set_major_formatter(FuncFormatter(lambda value, _position: f"{abs(value):g}"))  # reviews, both ways
    axes.axvline(0, color=MUTED, linewidth=0.8)
    axes.invert_yaxis()
    axes.set_xlabel("reviews: regressed to the left, improved to the right", fontsize=FONT - 1, color=MUTED)
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
    axes.tick_params(axis="x", top=True, labeltop=True)  # a tall chart: the scale above as well as below
    axes.legend(loc="upper center", bbox_to_anchor=(0.5, -0.06), ncol=2, fontsize=FONT - 1, frameon=False)
    return figure


__all__ = [
    "BAND_COLOURS",
    "PALETTE",
    "PALETTE_CSS",
    "SYNTHETIC_NOTE",
    "HeatMap",
    "RiskChart",
    "Row",
    "against_field",
    "facet_heatmap",
    "figure_png",
    "heatmap_png",
    "over_time",
    "pillar_mix",
    "practice_adoption",
    "question_shares",
    "risk_figure",
    "rows_from_lens_score",
    "themes",
]

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
"""

from __future__ import annotations

import io
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from kit.core.vocabulary import HIGH, MEDIUM, NONE, NOT_APPLICABLE, UNANSWERED

#: The order of the segments, left to right: the worst first, what is still open last.
SEGMENTS = (HIGH, MEDIUM, NONE, NOT_APPLICABLE, UNANSWERED)

#: Okabe-Ito colours (safe for the common colour-vision deficiencies), distinct in lightness too;
#: every segment also carries its count as text, so colour is never the only cue.
PALETTE = {
    HIGH: "#D55E00",  # vermillion
    MEDIUM: "#E69F00",  # orange
    NONE: "#009E73",  # bluish green
    NOT_APPLICABLE: "#999999",  # mid grey
    UNANSWERED: "#E4E4E4",  # light grey
}

#: How a risk reads in a legend, a badge or a table.
LABELS = {
    HIGH: "High risk",
    MEDIUM: "Medium risk",
    NONE: "No risk",
    NOT_APPLICABLE: "Not applicable",
    UNANSWERED: "Unanswered",
}

#: Black text reads better than white on every colour of the palette (WCAG contrast of 5:1 or more).
TEXT_COLOUR = "#000000"

DEFAULT_WIDTH = 5.0  # inches
DEFAULT_DPI = 96  # modest: a 480 px wide image, small to send and quick to encode
ROW_HEIGHT = 0.34  # inches per pillar
FONT_SIZE = 9


if TYPE_CHECKING:
    from matplotlib.figure import Figure

#: CSS for risk badges in the same colours as the chart (for the app and the handout).
PALETTE_CSS = "\n".join(
    f".pk-app .pk-badge-{risk.lower()} {{ background: {colour}; }}" for risk, colour in PALETTE.items()
)


@dataclass(frozen=True)
class Row:
    """One bar: a label (a pillar's name) and its counts by risk (a ``RiskCounts`` or any mapping)."""

    label: str
    counts: Mapping[str, int]

    def key(self) -> tuple:
        return (self.label,) + tuple(int(self.counts.get(risk, 0)) for risk in SEGMENTS)


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
        self._axes = None

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
            changed = range(len(rows))
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
        columns = len(SEGMENTS) if self._legend_fits() else 3
        legend_rows = math.ceil(len(SEGMENTS) / columns)
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
        for risk in SEGMENTS:
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

        return [Patch(facecolor=PALETTE[risk], label=LABELS[risk]) for risk in SEGMENTS]

    def _legend_fits(self) -> bool:
        """Whether the legend fits on one row across the figure's width (measured, not guessed)."""
        probe = self.figure.legend(
            handles=self._legend_handles(),
            ncol=len(SEGMENTS),
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
        left = 0
        numbers = []
        for risk in SEGMENTS:
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
        to_display = self._axes.transData
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
        self._axes.draw_artist(text)
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


__all__ = ["LABELS", "PALETTE", "PALETTE_CSS", "SEGMENTS", "RiskChart", "Row", "risk_figure", "rows_from_lens_score"]

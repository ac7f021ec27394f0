"""The live risk panel: every pillar's counts as a chart (one reused Figure) and the totals as text.

The chart is a :class:`kit.render.charts.RiskChart` rendered into an ``Image`` widget. matplotlib is
imported on the first render, not when the app is built, so the first question is on screen
before the chart's cost is paid (the app schedules that first render just after it is shown).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import ipywidgets as w
from markupsafe import escape

from kit.app.ui import classed, html
from kit.core.scoring import ReviewScore, RiskCounts
from kit.core.vocabulary import RISKS, WORST_FIRST

if TYPE_CHECKING:
    from kit.core.review import Review
    from kit.render.charts import RiskChart

#: Charts kept ready, keyed by their counts: the current one and those one tick away.
CACHE_SIZE = 48


def totals_html(counts: RiskCounts, label: str = "") -> str:
    parts = "".join(
        f"<span class='pk-total pk-total-{risk.lower()}'><b>{counts[risk]}</b> {risk.short}</span>"
        for risk in WORST_FIRST
    )
    head = f"<span class='pk-total-label'>{escape(label)}</span>" if label else ""
    return f"<div class='pk-totals-line'>{head}{parts}</div>"


class RiskPanel:
    def __init__(self, width_px: int = 480):
        self.chart: RiskChart | None = None
        #: The chart's width in inches, dots per inch and font size in points (see :meth:`set_size`).
        self.size = (5.0, 96, 9.0)
        self.image = classed(
            w.Image(format="png", layout=w.Layout(width="100%", max_width=f"{width_px}px", height="auto")),
            "pk-risk-chart",
        )
        self.totals = html("", "pk-risk-totals")
        self.widget = classed(w.VBox([self.totals, self.image]), "pk-risk-panel")
        #: (label, counts) per pillar, as last computed; the chart draws exactly these.
        self.rows: list[tuple[str, RiskCounts]] = []
        #: (lens alias, pillar id) of each row.
        self.keys: list[tuple[str, str]] = []
        self.counts = RiskCounts()
        self._shown: list[tuple[str, RiskCounts]] = []
        self._pngs: dict[tuple, bytes] = {}

    def refresh(self, review: Review, score: ReviewScore, draw: bool = True, totals: bool = True) -> None:
        """Take the new counts; draw the chart unless ``draw`` is False, show the totals unless ``totals`` is False."""
        many = len(score.lenses) > 1
        rows: list[tuple[str, RiskCounts]] = []
        keys: list[tuple[str, str]] = []
        for alias, lens_score in score.lenses.items():
            prefix = f"{alias} · " if many else ""
            rows.extend((prefix + p.pillar.name, p.counts) for p in lens_score.pillars.values())
            keys.extend((alias, pillar_id) for pillar_id in lens_score.pillars)
        self.rows = rows
        self.keys = keys
        self.counts = score.counts
        if draw:
            self.draw()
        if totals:
            self.show_totals(review, score)

    def show_totals(self, review: Review, score: ReviewScore) -> None:
        many = len(score.lenses) > 1
        lines = [totals_html(score.counts, "All questions:" if many else f"{score.counts.total} questions:")]
        if many:
            lines += [totals_html(s.counts, f"{review.lenses[a].name}:") for a, s in score.lenses.items()]
        value = "".join(lines)
        if self.totals.value != value:
            self.totals.value = value

    def draw(self) -> None:
        png = self._png(self.rows)
        self._shown = list(self.rows)
        if self.image.value != png:
            self.image.value = png

    def alternatives(self, alias: str, pillar_id: str, risk: str) -> list[list[tuple[str, RiskCounts]]]:
        """The rows after one question of that pillar moves from ``risk`` to each other risk."""
        if (alias, pillar_id) not in self.keys:
            return []
        index = self.keys.index((alias, pillar_id))
        label, counts = self.rows[index]
        found = []
        for other in RISKS:
            if other == risk or counts[risk] == 0:
                continue
            moved = RiskCounts()
            moved.update(counts)
            moved[risk] -= 1
            moved[other] += 1
            rows = list(self.rows)
            rows[index] = (label, moved)
            found.append(rows)
        return found

    def set_size(self, width: float, dpi: int, font_size: float) -> None:
        """Draw the chart at another size from now on (and redraw it if it was drawn)."""
        if (width, dpi, font_size) == self.size:
            return
        self.size = (width, dpi, font_size)
        self._pngs.clear()
        if self.chart is not None:
            self.chart = None
            self.draw()

    def prepare(self, rows: list[tuple[str, RiskCounts]]) -> bool:
        """Render ``rows`` ahead of need, so the tick that leads there only swaps the picture; True if it drew."""
        if self.chart is None or _key(rows) in self._pngs:
            return False
        self._png(rows)
        return True

    def _png(self, rows: list[tuple[str, RiskCounts]]) -> bytes:
        key = _key(rows)
        png = self._pngs.get(key)
        if png is None:
            if self.chart is None:
                from kit.render.charts import RiskChart

                width, dpi, font_size = self.size
                self.chart = RiskChart(width=width, dpi=dpi, font_size=font_size)
            png = self._pngs[key] = self.chart.render(rows)
            if len(self._pngs) > CACHE_SIZE:
                del self._pngs[next(iter(self._pngs))]
        return png

    @property
    def drawn_rows(self) -> list:
        """The rows behind the picture on screen (empty before the first draw)."""
        from kit.render.charts import Row

        return [Row(label, counts) for label, counts in self._shown]


def _key(rows: list[tuple[str, RiskCounts]]) -> tuple:
    return tuple((label,) + tuple(counts[risk] for risk in RISKS) for label, counts in rows)

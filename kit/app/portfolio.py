"""The portfolio notebook's app: filters that redraw the portfolio's charts, and an export of the report.

``PortfolioApp()`` analyses the review files named by ``PILLARKIT_PORTFOLIO`` (``pillarkit serve
--portfolio DIR`` sets it), or, with nothing named, the synthetic demo portfolio (made in
memory, and said to be synthetic wherever it shows). Filters: the lens, industries,
environments, years and a date range. A row of buttons picks the report shown (only it is
drawn; the others are drawn when picked), each a chart and its table. "Prepare download" makes
the HTML report, the workbook or the tidy table of the filtered portfolio, optionally
anonymised, through :mod:`kit.render.portfolio.report`, the same code as ``pillarkit portfolio -o``.

Stable CSS classes for browser tests: ``pk-portfolio`` (root), ``pk-portfolio-summary``,
``pk-portfolio-synthetic`` (the banner, hidden for real data), ``pk-filter-lens``,
``pk-filter-industry``, ``pk-filter-environment``, ``pk-filter-year``, ``pk-filter-since``,
``pk-filter-until``, ``pk-filter-reset``, ``pk-report-picker``, ``pk-report-stack``,
``pk-report-page``, ``pk-report-chart`` (an Image), ``pk-report-table``, ``pk-facet-picker``,
``pk-portfolio-export-format``, ``pk-portfolio-anonymise``, ``pk-portfolio-export``,
``pk-portfolio-export-status`` (the link is ``a.pk-export-link``), ``pk-portfolio-message``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any

import ipywidgets as w
from markupsafe import Markup, escape

from kit.app.storage import download_link
from kit.app.ui import button, checkbox, classed, dropdown, held, html, show
from kit.core import options
from kit.core import portfolio as portfolios
from kit.core.errors import PillarkitError
from kit.core.portfolio import FACET_WORDS, Portfolio, Reports
from kit.core.vocabulary import NONE

#: The reports one can pick, in order: (key, button label).
PAGES = (
    ("pillars", "Pillars"),
    ("questions", "Questions"),
    ("practices", "Practices"),
    ("themes", "Build, run, secure"),
    ("facets", "By facet"),
    ("over_time", "Over time"),
    ("field", "2020 field"),
)
EXPORTS = (("Report (HTML)", ".html"), ("Workbook (XLSX)", ".xlsx"), ("Tidy table (CSV)", ".csv"))
SPLITS = ("industry", "environment", "year")

CSS = """
<style>
.pk-portfolio { font-size: 14px; line-height: 1.4; width: 100%; color: var(--jp-ui-font-color1, #1c2430); }
.pk-portfolio .pk-portfolio-synthetic { background: #fff4e5; border-left: 4px solid #D55E00; padding: .35em .7em; margin: .3em 0; }
.pk-portfolio .pk-filters { flex-wrap: wrap; gap: .6em; align-items: flex-start; border-bottom: 1px solid #d8dde3; padding-bottom: .5em; }
.pk-portfolio .pk-filter { flex-direction: column; }
.pk-portfolio .pk-filter-label { font-size: .8em; font-weight: 600; color: #56606c; text-transform: uppercase; letter-spacing: .05em; }
.pk-portfolio .pk-report-chart img, .pk-portfolio .pk-report-chart { max-width: 100%; height: auto; }
.pk-portfolio .pk-report-table table { border-collapse: collapse; font-size: .9em; width: 100%; }
.pk-portfolio .pk-report-table th, .pk-portfolio .pk-report-table td { padding: .25em .5em; border-bottom: 1px solid #e4e8ec; text-align: left; }
.pk-portfolio .pk-report-table td.pk-num, .pk-portfolio .pk-report-table th.pk-num { text-align: right; font-variant-numeric: tabular-nums; }
.pk-portfolio .pk-portfolio-export-row { align-items: center; gap: .6em; flex-wrap: wrap; }
.pk-portfolio a.pk-export-link { font-weight: 600; color: #0072B2; }
.pk-portfolio .pk-portfolio-message { color: #a33f00; }
</style>
"""


def _percent(value: Any) -> str:
    return "–" if value is None or value != value else f"{value:.0%}"


def table_html(caption: str, columns: list[tuple[str, bool]], rows: Iterable[Iterable[Any]], limit: int = 60) -> str:
    """A report's table (header, numeric flags) of at most ``limit`` rows, from the report's own template."""
    from kit.render.portfolio.report import Column, table

    cells = [["" if value is None else str(value) for value in row] for row in rows]
    markup = table(caption, [Column(title, numeric) for title, numeric in columns], cells[:limit])
    if len(cells) > limit:
        markup += Markup("<p><em>{} more rows in the workbook (export below).</em></p>").format(len(cells) - limit)
    return str(markup)


class PortfolioApp:
    """Filters, a picked report (chart and table) and an export, over one portfolio. Display it as a cell's last expression.

    ``paths``: review files or folders (default: ``PILLARKIT_PORTFOLIO``, else the synthetic demo);
    ``portfolio``: an already read :class:`~kit.core.portfolio.Portfolio` instead.
    """

    def __init__(self, paths: Iterable[str] | str | None = None, portfolio: Portfolio | None = None):
        if portfolio is None:
            named = [paths] if isinstance(paths, str) else list(paths or [])
            if not named and options.PORTFOLIO.value():
                named = [options.PORTFOLIO.value()]
            portfolio = portfolios.read(named) if named else portfolios.demo()
        self.full = portfolio
        self.current = portfolio
        self._reports: Reports | None = None
        self._drawn: dict[str, bool] = {}
        names = [d.lens.name for d in portfolio.lenses.values()]
        lenses = [
            (d.lens.name if names.count(d.lens.name) == 1 else f"{d.lens.name} ({key})", key)
            for key, d in portfolio.lenses.items()
        ]
        self.lens = classed(
            w.Dropdown(options=lenses, value=lenses[0][1] if lenses else None, layout=w.Layout(width="17em")),
            "pk-filter-lens",
        )
        self.industry = self._multi(portfolio.facet_values("industry"), "pk-filter-industry")
        self.environment = self._multi(portfolio.facet_values("environment"), "pk-filter-environment", "environment")
        self.year = self._multi(portfolio.facet_values("year"), "pk-filter-year")
        dates = sorted(d for d in portfolio.facets["date"] if d is not None)
        narrow = {"layout": w.Layout(width="10.5em")}
        self.since = classed(w.DatePicker(value=dates[0] if dates else None, **narrow), "pk-filter-since")
        self.until = classed(w.DatePicker(value=dates[-1] if dates else None, **narrow), "pk-filter-until")
        self.reset = button("Show all", "pk-filter-reset", tooltip="Clear every filter")
        self.summary = html("", "pk-portfolio-summary")
        self.banner = html(
            "<strong>Synthetic data.</strong> These reviews were made up by <code>pillarkit demo portfolio</code>: "
            "invented workloads whose practice adoption follows the 2020 figures. Set PILLARKIT_PORTFOLIO, or run "
            "<code>pillarkit serve --portfolio DIR</code>, to analyse your own review files.",
            "pk-portfolio-synthetic",
        )
        self.message = html("", "pk-portfolio-message")
        self.picker = classed(
            w.ToggleButtons(options=[(label, key) for key, label in PAGES], value=PAGES[0][0]), "pk-report-picker"
        )
        self.facet = dropdown(
            [(FACET_WORDS[f], f) for f in SPLITS], "pk-facet-picker", value="industry", label="Split by"
        )
        self.pages: dict[str, tuple[w.Image, w.HTML]] = {}
        children = []
        for key, _ in PAGES:
            image = classed(w.Image(format="png", layout=w.Layout(max_width="100%")), "pk-report-chart")
            table = html("", "pk-report-table")
            self.pages[key] = (image, table)
            extra = [self.facet] if key == "facets" else []
            children.append(classed(w.VBox([*extra, image, table]), "pk-report-page"))
        self.stack = classed(w.Stack(children, selected_index=0), "pk-report-stack")
        self.export_format = dropdown(list(EXPORTS), "pk-portfolio-export-format", value=".html")
        self.anonymise = checkbox("Anonymise", "pk-portfolio-anonymise")
        self.export_button = button("Prepare download", "pk-portfolio-export", icon="download")
        self.export_status = html("", "pk-portfolio-export-status")
        filters = classed(
            w.HBox(
                [
                    self._filter("Lens", self.lens),
                    self._filter("Industry", self.industry),
                    self._filter("Environment", self.environment),
                    self._filter("Year", self.year),
                    self._filter("From", self.since),
                    self._filter("To", self.until),
                    self._filter("", self.reset),
                ]
            ),
            "pk-filters",
        )
        export = classed(
            w.HBox([self.export_format, self.anonymise, self.export_button, self.export_status]),
            "pk-portfolio-export-row",
        )
        self.widget = classed(
            w.VBox([w.HTML(CSS), self.banner, self.summary, filters, self.message, self.picker, self.stack, export]),
            "pk-portfolio",
        )
        show(self.banner, portfolio.synthetic)
        for control in (self.lens, self.industry, self.environment, self.year, self.since, self.until):
            control.observe(self._guarded(self.refilter), names="value")
        self.picker.observe(self._guarded(self._pick), names="value")
        self.facet.observe(self._guarded(lambda _change: self._redraw("facets")), names="value")
        self.reset.on_click(self._guarded(lambda _b: self.clear_filters()))
        self.export_button.on_click(self._guarded(lambda _b: self.prepare_download()))
        self.export_format.observe(lambda _change: setattr(self.export_status, "value", ""), names="value")
        self.anonymise.observe(lambda _change: setattr(self.export_status, "value", ""), names="value")
        self.refilter()

    # --- building ------------------------------------------------------------------------

    @staticmethod
    def _multi(values: list, css: str, facet: str = "") -> w.SelectMultiple:
        from kit.render.portfolio.report import facet_label

        labels = [(facet_label(facet, v), v) for v in values]
        return classed(
            w.SelectMultiple(
                options=labels, value=tuple(values), rows=min(5, max(2, len(values))), layout=w.Layout(width="12em")
            ),
            css,
        )

    @staticmethod
    def _filter(label: str, control: w.Widget) -> w.Widget:
        return classed(w.VBox([html(f"<span class='pk-filter-label'>{escape(label)}</span>"), control]), "pk-filter")

    def _guarded(self, callback: Callable) -> Callable:
        """A callback whose failure is shown in the message line rather than lost in the kernel's log."""

        def run(*args):
            try:
                self.message.value = ""
                return callback(*args)
            except PillarkitError as exc:
                self.message.value = escape(str(exc))
            except Exception as exc:  # shown, and re-raised so the kernel's log has the traceback
                self.message.value = escape(f"Something went wrong: {exc}")
                raise

        return run

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)

    # --- filters ------------------------------------------------------------------------------

    def clear_filters(self) -> None:
        dates = sorted(d for d in self.full.facets["date"] if d is not None)
        with held([self.industry, self.environment, self.year, self.since, self.until]):
            self.industry.value = tuple(v for _, v in self.industry.options)
            self.environment.value = tuple(v for _, v in self.environment.options)
            self.year.value = tuple(v for _, v in self.year.options)
            self.since.value = dates[0] if dates else None
            self.until.value = dates[-1] if dates else None
        self.refilter()

    def filtered(self) -> Portfolio:
        """The portfolio as the filters stand."""
        return self.full.filter(
            lens=self.lens.value,
            industry=self.industry.value,
            environment=self.environment.value,
            year=self.year.value,
            since=self.since.value if isinstance(self.since.value, dt.date) else None,
            until=self.until.value if isinstance(self.until.value, dt.date) else None,
        )

    def refilter(self, _change: object = None) -> None:
        """Filter again, say how many reviews remain, and redraw the report on screen (the others when picked)."""
        self.current = self.filtered()
        self._reports = None
        self._drawn = {}
        self.export_status.value = ""
        count = len(self.current)
        skipped = len(self.full.skipped)
        text = f"<b>{count}</b> of {len(self.full)} reviews shown"
        if skipped:
            text += f"; {skipped} file{'s' if skipped != 1 else ''} could not be read and {'were' if skipped != 1 else 'was'} skipped"
        if self.current.synthetic:
            text += " · <b>synthetic data</b>"
        self.summary.value = text
        self._redraw(self.picker.value)

    def _pick(self, change: dict) -> None:
        self.stack.selected_index = [key for key, _ in PAGES].index(change["new"])
        if not self._drawn.get(change["new"]):
            self._redraw(change["new"])

    @property
    def reports(self) -> Reports:
        if self._reports is None:
            self._reports = Reports.of(self.current, top=options.TOP_QUESTIONS.value(), facets=())
        return self._reports

    # --- drawing -------------------------------------------------------------------------------

    def _redraw(self, key: str) -> None:
        from kit.render import charts
        from kit.render.portfolio.report import facet_label

        image, table = self.pages[key]
        synthetic = self.current.synthetic
        rows: list[tuple[Any, ...]]
        reports = self.reports
        if key == "pillars":
            figure = charts.pillar_mix(reports.pillars, synthetic)
            rows = [
                (r.pillar_name, r.rated, _percent(r.high), _percent(r.high_or_medium), _percent(r.no_risk))
                for r in reports.pillars.itertuples()
            ]
            markup = table_html(
                "Share of rated answers by pillar",
                [("Pillar", False), ("Rated", True), ("High", True), ("High or medium", True), (NONE.words, True)],
                rows,
            )
        elif key == "questions":
            figure = charts.question_shares(reports.top_high, "high", "Questions most often high risk", synthetic)
            rows = [
                (f"{r.code} {r.title}", r.rated, _percent(r.high), _percent(r.no_risk))
                for r in reports.questions.sort_values("high", ascending=False).itertuples()
            ]
            markup = table_html(
                "Every question, most often high risk first",
                [("Question", False), ("Rated", True), ("High", True), (NONE.words, True)],
                rows,
            )
        elif key == "practices":
            practices = reports.practices[(~reports.practices["none_of_these"]) & (reports.practices["rated"] > 0)]
            ordered = practices.sort_values("adoption", kind="stable")
            figure = charts.practice_adoption(ordered.head(15), "Least adopted practices", synthetic)
            rows = [(f"{r.code} {r.title}", r.rated, _percent(r.adoption)) for r in ordered.itertuples()]
            markup = table_html(
                "Every practice, least adopted first", [("Practice", False), ("Rated", True), ("Adoption", True)], rows
            )
        elif key == "themes":
            figure = charts.themes(reports.themes, synthetic)
            rows = [
                (r.theme, r.pillars, r.rated, _percent(r.high), _percent(r.high_or_medium))
                for r in reports.themes.itertuples()
            ]
            markup = table_html(
                "Themes",
                [("Theme", False), ("Pillars", False), ("Rated", True), ("High", True), ("High or medium", True)],
                rows,
            )
        elif key == "facets":
            facet = self.facet.value
            frame = portfolios.by_facet(self.current, facet, "pillars")
            labelled = frame.assign(value=[facet_label(facet, v) for v in frame["value"]])
            figure = charts.facet_heatmap(labelled, FACET_WORDS[facet], synthetic)
            rows = [
                (facet_label(facet, r.value), r.value_reviews, r.pillar_name, _percent(r.high))
                for r in frame.itertuples()
            ]
            markup = table_html(
                f"Share high risk by {FACET_WORDS[facet].lower()} and pillar",
                [(FACET_WORDS[facet], False), ("Reviews", True), ("Pillar", False), ("High", True)],
                rows,
            )
        elif key == "over_time":
            over = reports.over_time
            assert over is not None
            figure = charts.over_time(over, synthetic=synthetic)
            changed = over[(over["improved"] + over["regressed"]) > 0].sort_values("net", ascending=False)
            rows = [(f"{r.code} {r.title}", r.compared, r.improved, r.regressed) for r in changed.itertuples()]
            markup = table_html(
                "Questions that changed since the previous milestone",
                [("Question", False), ("Compared", True), ("Improved", True), ("Regressed", True)],
                rows,
            )
        else:
            field = reports.field
            assert field is not None
            figure = charts.against_field(field, synthetic)
            rows = [
                (
                    r.sentence,
                    r.confidence,
                    _percent(r.field),
                    _percent(r.portfolio)
                    if r.measure != "question_rank_best"
                    else ("–" if r.portfolio is None else f"rank {r.portfolio:.0f}"),
                )
                for r in field.itertuples()
            ]
            markup = table_html(
                "The 2020 figures and this portfolio",
                [("2020 figure", False), ("Match", False), ("2020", True), ("Here", True)],
                rows,
            )
        with held([image, table]):
            image.value = charts.figure_png(figure)
            table.value = markup
        self._drawn[key] = True

    # --- export ---------------------------------------------------------------------------------

    def prepare_download(self) -> None:
        """The filtered portfolio in the picked format (anonymised if ticked), as a download link."""
        from kit.render.portfolio import report

        suffix = self.export_format.value
        chosen = self.current.anonymised() if self.anonymise.value else self.current
        self.export_status.value = "<span>Preparing the file…</span>"
        self.export_button.disabled = True
        try:
            content = report.to_bytes(chosen, suffix)
        finally:
            self.export_button.disabled = False
        name = f"portfolio{'-synthetic' if chosen.synthetic else ''}{'-anonymised' if chosen.anonymous else ''}{suffix}"
        link = download_link(content, name, f"Download {name}", report.FORMATS[suffix][1], css="pk-export-link")
        self.export_status.value = f"{link} <span>({len(chosen)} reviews, {len(content) / 1024:.0f} KB)</span>"


__all__ = ["PortfolioApp"]

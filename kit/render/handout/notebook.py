"""The handout as a notebook of static outputs, and that notebook as one self-contained HTML page.

:func:`build_notebook` makes a fresh notebook: one cell per part, whose outputs are the parts'
HTML (``text/html``, from :mod:`.sections`) and the risk charts as PNG (drawn by
:mod:`kit.render.charts`). It never touches the live widget notebook, whose widgets would load
from a CDN and render blank offline. :func:`notebook_to_html` converts it with nbconvert's
``HTMLExporter`` (no input cells) and our page template (``templates/nbconvert/handout.html.j2``),
which replaces nbconvert's whole ``<head>``: no require.js, MathJax, Mermaid or widget scripts,
no JupyterLab style sheet, no font or style sheet URL; only our stylesheet, inlined, and a
Content-Security-Policy. :mod:`.audit` then checks the page fetches nothing.
"""

from __future__ import annotations

import base64
import datetime as dt
import threading
from collections import OrderedDict
from importlib.resources import files
from typing import Any

import nbformat

from kit.core.errors import ExportError
from kit.core.review import Review
from kit.core.text import for_document
from kit.render.handout import sections
from kit.render.handout.audit import remote_references
from kit.render.handout.facts import Facts, anchor
from kit.render.handout.style import A4, CONTENT_SECURITY_POLICY, HANDOUT_FOOTER, PAPERS, stylesheet

#: The chart's size: drawn at 7 inches and 192 dpi, shown 672 CSS pixels wide (sharp on screen and paper).
CHART_WIDTH_INCHES = 7.0
CHART_DPI = 192
CHART_CSS_WIDTH = 672
#: The narrow chart, for screens about a phone's width (390 CSS pixels): fewer inches at the same
#: resolution, so its labels stay readable when the picture is scaled to the screen.
NARROW_CHART_INCHES = 3.4
#: The page template's name in nbconvert's environment (which is not ours: it escapes with ``| escape_html``).
PAGE_TEMPLATE = "pillarkit-handout.html.j2"


def html_output(markup: str, plain: str) -> nbformat.NotebookNode:
    """Rendered markup as a static output (``plain`` is its text/plain stand-in)."""
    return nbformat.v4.new_output("display_data", data={"text/html": str(markup), "text/plain": plain})


def png_output(png: bytes, alt: str, width: int = CHART_CSS_WIDTH, variant: str = "wide") -> nbformat.NotebookNode:
    """A chart as a static output: the PNG shown ``width`` CSS pixels wide, with ``alt`` as its text alternative;
    ``variant`` ("wide" or "narrow") says which screens show it (see the handout's stylesheet)."""
    return nbformat.v4.new_output(
        "display_data",
        data={"image/png": base64.b64encode(png).decode("ascii"), "text/plain": alt},
        metadata={"image/png": {"width": width, "alt": alt, "variant": variant}},
    )


def cell(cell_id: str, tag: str, outputs: list[nbformat.NotebookNode]) -> nbformat.NotebookNode:
    """A code cell without source holding ``outputs``, tagged (the print styles break pages on tags)."""
    made = nbformat.v4.new_code_cell(source="", id=cell_id)
    made.outputs = outputs
    made.metadata["tags"] = [tag]
    return made


class _Charts:
    """One reused chart Figure, and the PNGs it made, so identical charts are never drawn twice."""

    def __init__(self, keep: int = 16, width: float = CHART_WIDTH_INCHES):
        self._width = width
        self._lock = threading.Lock()
        self._chart: Any = None
        self._pngs: OrderedDict[tuple[Any, ...], bytes] = OrderedDict()
        self._keep = keep

    def png(self, rows: list[Any]) -> bytes:
        from kit.render.charts import RiskChart

        key = tuple(row.key() for row in rows)
        with self._lock:
            if key in self._pngs:
                self._pngs.move_to_end(key)
                return self._pngs[key]
            if self._chart is None:
                self._chart = RiskChart(width=self._width, dpi=CHART_DPI)
            png: bytes = self._chart.render(rows)
            self._pngs[key] = png
            while len(self._pngs) > self._keep:
                self._pngs.popitem(last=False)
            return png


CHARTS = _Charts()
CHARTS_NARROW = _Charts(width=NARROW_CHART_INCHES)


def _register_cell(review: Review, now: dt.datetime | None, full: bool) -> tuple[nbformat.NotebookNode, list[str]]:
    """The risk register: its lede, the heat map, and the ranked table (the executive edition: the top
    entries, without what to do); and the ids of the entries it shows."""
    from kit.render.handout import register

    found = register.RegisterFacts.of(review, (now or dt.datetime.now(dt.UTC)).date())
    alt = register.heatmap_alt(found)
    if full:
        outputs = [
            html_output(register.lede(found), "Risk register"),
            png_output(register.heatmap_png(found), alt, register.HEATMAP_CSS_WIDTH, "any"),
            html_output(register.section(found), "Risk register, ranked"),
        ]
        return cell("register", "pk-register", outputs), [entry.id for entry in found.entries]
    # The executive edition: a smaller map with the top entries beside it, on the cover's page (no break before).
    shown = register.top(found, register.SUMMARY_TOP)
    picture = register.heatmap_png(found, register.SUMMARY_HEATMAP_WIDTH_INCHES)
    outputs = [
        html_output(register.summary_lede(found), "Risk register"),
        png_output(picture, alt, register.SUMMARY_HEATMAP_CSS_WIDTH, "any"),
        html_output(register.table(found, shown, brief=True), "Risk register, top entries"),
    ]
    return cell("register", "pk-register-brief", outputs), [entry.id for entry in shown]


def build_notebook(
    review: Review, now: dt.datetime | None = None, edition: str = sections.FULL
) -> nbformat.NotebookNode:
    """The handout as a fresh notebook of static outputs (HTML and PNG only), one cell per part.

    Cells are tagged (``pk-cover``, ``pk-summary``, ``pk-pillar``, ``pk-plan``, ``pk-register``,
    ``pk-parking``, ``pk-changes``, ``pk-sources``) so the print styles can break pages before
    them. ``now`` fixes the date in the colophon and the day the risk register is read on (an
    acceptance that has run out by then reads as open), for reproducible output. ``edition`` is
    ``"full"`` (every part) or ``"summary"`` (the executive edition: cover with the register's heat map
    and top entries, summary with the top risks, the roadmap's three columns, and the parking lot).
    """
    from kit.render.charts import rows_from_lens_score

    if edition not in sections.EDITIONS:
        raise ExportError.at("handout", "", f"no edition {edition!r}; use one of {', '.join(sections.EDITIONS)}")
    full = edition == sections.FULL
    facts = Facts.of(review, now)
    notebook = nbformat.v4.new_notebook()
    kind = "handout" if full else "executive summary"
    notebook.metadata["title"] = for_document(
        f"{review.workload.name.strip() or 'Unnamed workload'}: Well-Architected review {kind}"
    )
    notebook.metadata["pillarkit"] = {"kind": "handout", "edition": edition, "generated": facts.generated}
    cover = sections.cover(facts, edition)
    cells = [cell("cover", "pk-cover", [html_output(cover, f"Cover: {review.workload.name}")])]
    shown_risks: list[str] = []
    if review.risk_register and not full:
        # The executive edition: the register's heat map and top entries fill the cover's page.
        register_cell, shown_risks = _register_cell(review, now, full)
        cells.append(register_cell)

    summary = [html_output(sections.summary_intro(facts), "Executive summary")]
    for alias, lens_score in facts.result.lenses.items():
        rows = rows_from_lens_score(lens_score)
        summary.append(html_output(sections.chart_caption(facts, alias), "Risk by pillar"))
        summary.append(png_output(CHARTS.png(rows), sections.chart_alt(facts, alias)))
        summary.append(png_output(CHARTS_NARROW.png(rows), sections.chart_alt(facts, alias), variant="narrow"))
    summary.append(html_output(sections.counts_table(facts) + sections.top_risks(facts), "Counts and top risks"))
    cells.append(cell("summary", "pk-summary", summary))

    for alias, lens in review.lenses.items() if full else ():
        for position, pillar in enumerate(lens.pillars, start=1):
            section = sections.pillar_section(facts, alias, pillar, position, len(lens.pillars))
            cells.append(
                cell(anchor("pillar", alias, pillar.id), "pk-pillar", [html_output(section, f"Pillar: {pillar.name}")])
            )

    plan = sections.plan_section(facts, details=full)
    cells.append(cell("plan", "pk-plan", [html_output(plan, "Improvement plan")]))
    if review.risk_register and full:
        register_cell, shown_risks = _register_cell(review, now, full)
        cells.append(register_cell)
    parking = sections.parking_section(facts, shown_risks)
    cells.append(cell("parking-lot", "pk-parking", [html_output(parking, "Parking lot")]))
    if full:
        if facts.diff is not None:
            changes = sections.changes_section(facts)
            cells.append(cell("changes", "pk-changes", [html_output(changes, "Changes since the last milestone")]))
        sources = sections.sources_section(facts, facts.uses_field_statistics())
        cells.append(cell("sources", "pk-sources", [html_output(sources, "Sources and attribution")]))
    notebook.cells = cells
    return notebook


_EXPORTER: Any = None
_EXPORTER_LOCK = threading.Lock()


def _exporter() -> Any:
    """One configured HTMLExporter per process: building one loads every template, which is slow."""
    global _EXPORTER
    with _EXPORTER_LOCK:
        if _EXPORTER is None:
            from jinja2 import DictLoader
            from nbconvert import HTMLExporter

            page = files("kit.render.handout").joinpath("templates/nbconvert/handout.html.j2").read_text("utf-8")
            _EXPORTER = HTMLExporter(
                template_name="lab",
                template_file=PAGE_TEMPLATE,
                extra_loaders=[DictLoader({PAGE_TEMPLATE: page})],
                exclude_input=True,
                exclude_input_prompt=True,
                exclude_output_prompt=True,
                anchor_link_text="",
            )
        return _EXPORTER


def notebook_to_html(
    notebook: nbformat.NotebookNode, what: str = "handout", footer: str = HANDOUT_FOOTER, paper: str = A4
) -> str:
    """Convert a notebook of static outputs to one self-contained HTML document that prints on ``paper``
    ("a4" or "letter"); :class:`ExportError` if it would fetch anything. ``what`` names the document in
    that error; ``footer`` is its printed pages' footer (the portfolio report is made this way too)."""
    from kit import __version__

    if paper not in PAPERS:
        raise ExportError.at("handout", "", f"no paper size {paper!r}; use one of {', '.join(PAPERS)}")
    exporter = _exporter()
    resources = {
        "pillarkit": {"css": stylesheet(footer, paper), "csp": CONTENT_SECURITY_POLICY, "version": __version__}
    }
    with _EXPORTER_LOCK:
        body, _ = exporter.from_notebook_node(notebook, resources=resources)
    remote = remote_references(body)
    if remote:
        # The page template drops every remote reference; this only fires if nbconvert changes under us.
        raise ExportError.at(what, "", f"the HTML would fetch {remote[0]!r} from the network; refusing to write it")
    return str(body)


def to_html(review: Review, now: dt.datetime | None = None, edition: str = sections.FULL, paper: str = A4) -> str:
    """The handout as one self-contained HTML document: no script, and nothing fetched from the network.

    ``edition``: "full" (the default) or "summary"; ``paper``: "a4" (the default) or "letter", for printing.
    """
    return notebook_to_html(build_notebook(review, now, edition), paper=paper)

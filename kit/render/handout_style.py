"""The handout's look: the nbconvert template and the stylesheet, both ours and both offline.

The template extends nbconvert's ``lab`` template but replaces its whole ``<head>``: no
require.js, MathJax, Mermaid or widget scripts, no JupyterLab style sheet, no font or style
sheet URL. What is left is our stylesheet, inlined, and a Content-Security-Policy that lets
the page load nothing but inline styles and ``data:`` images, so even a mistake elsewhere
could not make it fetch anything or run a script.

The stylesheet uses the system font stack (no web fonts), the risk palette of
:mod:`kit.render.charts` (Okabe-Ito, safe for colour-blind readers; every badge also says its risk
in words), tables that wrap rather than clip, a readable column on screen, and print rules:
``@page`` margins and page numbers, a page break before the summary, each pillar and the plan.
"""

from __future__ import annotations

from functools import cache

from kit.core.vocabulary import HIGH, MEDIUM, NONE, NOT_APPLICABLE, UNANSWERED

#: Paper sizes for printing, by name: the CSS ``@page`` size. A4 is the default (most of the world).
A4 = "a4"
LETTER = "letter"
PAPERS = {A4: "A4", LETTER: "letter"}

#: CSS class suffix of each risk: ``pk-badge--high`` and so on.
RISK_CLASS = {HIGH: "high", MEDIUM: "medium", NONE: "none", NOT_APPLICABLE: "na", UNANSWERED: "unanswered"}

#: What the page may load: inline styles and data: images, nothing else (no scripts at all).
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; img-src data:; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"
)

TEMPLATE_NAME = "pillarkit-handout.html.j2"

TEMPLATE = """\
{%- extends 'index.html.j2' -%}

{%- block html_head -%}
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="{{ resources.pillarkit.csp | escape_html }}">
<meta name="generator" content="pillarkit {{ resources.pillarkit.version | escape_html }}">
<title>{{ nb.metadata.get('title', 'Review handout') | escape_html }}</title>
<style>
{{ resources.pillarkit.css }}
</style>
{%- endblock html_head -%}

{% block data_png scoped %}
{%- set variant = output | get_metadata('variant', 'image/png') | default('wide', true) -%}
<div class="jp-RenderedImage jp-OutputArea-output pk-figure pk-figure--{{ variant | escape_html }}">
<img src="data:image/png;base64,{{ output.data['image/png'] | escape_html }}"
{%- set width = output | get_metadata('width', 'image/png') -%}
{%- if width is not none %} width="{{ width | escape_html }}"{% endif -%}
{%- set height = output | get_metadata('height', 'image/png') -%}
{%- if height is not none %} height="{{ height | escape_html }}"{% endif %}
 alt="{{ output | get_metadata('alt', 'image/png') | default('', true) | escape_html }}" class="pk-chart">
</div>
{% endblock data_png %}
"""


@cache
def stylesheet(paper: str = A4) -> str:
    """The handout's CSS for pages of ``paper`` ("a4" or "letter"), with the risk palette of
    :mod:`kit.render.charts` (imported here, so that the tabular exports never load matplotlib)."""
    from kit.render.charts import PALETTE, TEXT_COLOUR

    return (
        _STYLESHEET.replace("@TEXT_COLOUR@", TEXT_COLOUR)
        .replace("@PAPER@", PAPERS[paper])
        .replace("@BADGES@", _badge_rules(PALETTE))
        .replace("@BAND@", f"{PALETTE[NONE]} 60% 75%, {PALETTE[MEDIUM]} 75% 88%, {PALETTE[HIGH]} 88% 100%")
    )


def _badge_rules(palette: dict) -> str:
    rules = []
    for risk, suffix in RISK_CLASS.items():
        rules.append(f".pk-badge--{suffix}, .pk-kpi--{suffix} .pk-kpi-swatch {{ background: {palette[risk]}; }}")
        rules.append(f".pk-question.pk-question--{suffix} {{ border-left-color: {palette[risk]}; }}")
    return "\n".join(rules)


_STYLESHEET = """\
:root {
  --pk-ink: #1c2430;
  --pk-muted: #56606c;
  --pk-faint: #69727c;
  --pk-rule: #d8dde3;
  --pk-soft: #f4f6f8;
  --pk-accent: #0b4f6c;
  --pk-link: #0a5d86;
  --pk-badge-text: @TEXT_COLOUR@;
  --pk-font: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Liberation Sans", "Noto Sans", "DejaVu Sans", sans-serif;
  --pk-mono: ui-monospace, "SFMono-Regular", Menlo, Consolas, "Liberation Mono", "DejaVu Sans Mono", monospace;
}

*, *::before, *::after { box-sizing: border-box; }
* { -webkit-print-color-adjust: exact; print-color-adjust: exact; }

html { font-size: 16px; -webkit-text-size-adjust: 100%; }
body {
  margin: 0;
  background: #e9edf1;
  color: var(--pk-ink);
  font-family: var(--pk-font);
  font-size: 1rem;
  line-height: 1.55;
  text-rendering: optimizeLegibility;
}
main {
  max-width: 52rem;
  margin: 2.5rem auto;
  padding: 3.5rem 4rem 3rem;
  background: #fff;
  border-radius: 4px;
  box-shadow: 0 1px 3px rgba(20, 30, 40, .12), 0 8px 24px rgba(20, 30, 40, .06);
}

/* nbconvert's cell wrappers: plain blocks, no prompts, no collapsers. */
.jp-Cell, .jp-Cell-outputWrapper, .jp-OutputArea, .jp-OutputArea-child, .jp-OutputArea-output { display: block; margin: 0; padding: 0; }
.jp-OutputPrompt, .jp-InputPrompt, .jp-Collapser, .jp-Cell-inputWrapper { display: none; }
.jp-Cell + .jp-Cell { margin-top: 3rem; }

h1, h2, h3, h4 { color: var(--pk-ink); line-height: 1.25; margin: 0; font-weight: 700; }
h2 { font-size: 1.65rem; letter-spacing: -.01em; margin-bottom: .75rem; }
h3 { font-size: 1.12rem; }
h4 { font-size: .78rem; text-transform: uppercase; letter-spacing: .06em; color: var(--pk-muted); margin: 1rem 0 .35rem; }
p { margin: .5rem 0; }
a { color: var(--pk-link); text-decoration-thickness: 1px; text-underline-offset: 2px; }
ul, ol { margin: .35rem 0; padding-left: 1.25rem; }
li { margin: .2rem 0; }
.pk-muted { color: var(--pk-muted); }
.pk-small { font-size: .86rem; }
.pk-code { font-family: var(--pk-mono); font-size: .82em; color: var(--pk-muted); white-space: nowrap; }
.pk-pre { white-space: pre-wrap; overflow-wrap: anywhere; }
.pk-eyebrow { font-size: .78rem; font-weight: 600; letter-spacing: .08em; text-transform: uppercase; color: var(--pk-accent); margin: 0 0 .5rem; }
.pk-lede { font-size: 1.08rem; color: #2e3a47; }
.pk-section-head { border-bottom: 2px solid var(--pk-ink); padding-bottom: .6rem; margin-bottom: 1.25rem; }
.pk-section-head h2 { margin: 0; }

/* Risk badges: colour and words, never colour alone. */
.pk-badge {
  display: inline-block;
  padding: .08rem .55rem;
  border-radius: 999px;
  font-size: .74rem;
  font-weight: 650;
  line-height: 1.5;
  color: var(--pk-badge-text);
  white-space: nowrap;
  vertical-align: .1em;
}
.pk-badge--unanswered { box-shadow: inset 0 0 0 1px #767676; }
@BADGES@

/* Cover */
.pk-cover { padding-top: 1rem; }
.pk-cover-band { height: 6px; background: linear-gradient(90deg, var(--pk-accent) 0 60%, @BAND@); margin-bottom: 2.5rem; border-radius: 3px; }
.pk-cover h1 { font-size: 2.6rem; letter-spacing: -.02em; line-height: 1.1; margin: 0 0 1rem; overflow-wrap: anywhere; }
.pk-cover .pk-lede { font-size: 1.2rem; max-width: 40rem; margin-bottom: 2rem; }
.pk-facts { display: grid; grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 1rem 2rem; margin: 0 0 2rem; padding: 1.25rem 0; border-top: 1px solid var(--pk-rule); border-bottom: 1px solid var(--pk-rule); }
.pk-facts > div { min-width: 0; }
.pk-facts dt { font-size: .72rem; text-transform: uppercase; letter-spacing: .07em; color: var(--pk-muted); font-weight: 600; }
.pk-facts dd { margin: .15rem 0 0; overflow-wrap: anywhere; }
.pk-facts .pk-wide { grid-column: 1 / -1; }
.pk-facts ul { list-style: none; padding: 0; margin: 0; }
.pk-context { background: var(--pk-soft); border-radius: 4px; padding: 1.1rem 1.4rem; margin: 0 0 1.5rem; }
.pk-context h2 { font-size: 1rem; margin: 0 0 .5rem; }
.pk-context dl { display: grid; grid-template-columns: minmax(9rem, 17rem) minmax(0, 1fr); gap: .3rem 1.25rem; margin: 0; }
.pk-context ol { margin: 0; padding-left: 1.2rem; }
.pk-context li, .pk-facts li { margin: 0; }
.pk-context dt { color: var(--pk-muted); }
.pk-context dd { margin: 0; overflow-wrap: anywhere; }
.pk-toc { margin-top: 2rem; }
.pk-toc ol { columns: 2; column-gap: 2rem; padding-left: 1.6rem; margin: 0; }
.pk-toc li { break-inside: avoid; margin: 0; padding: .12rem 0; }
.pk-toc a { text-decoration: none; color: var(--pk-ink); }
.pk-toc a:hover { text-decoration: underline; }

/* Executive summary */
.pk-kpis { display: grid; grid-template-columns: repeat(5, minmax(0, 1fr)); gap: .75rem; margin: 1.25rem 0 1.5rem; }
.pk-kpi { border: 1px solid var(--pk-rule); border-radius: 4px; padding: .7rem .8rem .6rem; min-width: 0; }
.pk-kpi-number { display: block; font-size: 2rem; font-weight: 700; line-height: 1.1; font-variant-numeric: tabular-nums; }
.pk-kpi-label { display: flex; align-items: center; gap: .4rem; font-size: .8rem; color: var(--pk-muted); }
.pk-kpi-swatch { display: inline-block; width: .7rem; height: .7rem; border-radius: 2px; flex: none; }
.pk-kpi--unanswered .pk-kpi-swatch { box-shadow: inset 0 0 0 1px #767676; }
.pk-figure { margin: 1.25rem 0 .25rem; }
.pk-chart { display: block; max-width: 100%; height: auto; }
.pk-caption { font-size: .85rem; color: var(--pk-muted); margin: 1.5rem 0 .25rem; }
.pk-top-risks { margin-top: 1.5rem; }
.pk-top-risks h3 { margin-bottom: .5rem; }
.pk-top-risk { margin: .9rem 0; padding-left: .9rem; border-left: 3px solid var(--pk-rule); }
.pk-top-risk strong { font-weight: 650; }

/* Tables: fixed layout and wrapping, so nothing is ever clipped. */
table { width: 100%; border-collapse: collapse; table-layout: fixed; margin: 1rem 0; font-size: .9rem; }
th, td { padding: .45rem .5rem; border-bottom: 1px solid var(--pk-rule); text-align: left; vertical-align: top; overflow-wrap: break-word; word-break: normal; hyphens: manual; }
thead th { font-size: .74rem; color: var(--pk-muted); font-weight: 650; border-bottom: 1.5px solid var(--pk-ink); vertical-align: bottom; }
thead th.pk-num { padding-left: .25rem; }
td a, th a, .pk-toc a, .pk-horizon a { color: inherit; text-decoration: none; }
td a:hover, th a:hover, .pk-horizon a:hover { color: var(--pk-link); text-decoration: underline; }
td .pk-badge { white-space: nowrap; border-radius: 4px; }
.pk-short { display: none; }
/* The chart for phones is shown only on narrow screens; paper always gets the wide one. */
.pk-figure--narrow { display: none; }
/* Changes since the milestone: the answers' own edits. */
.pk-edits-title { margin-top: 1.6rem; }
.pk-edits { list-style: none; padding: 0; }
.pk-edit { margin: .7rem 0; break-inside: avoid; overflow-wrap: break-word; }
.pk-edit > ul { margin: .2rem 0 0; padding-left: 1.2rem; list-style: disc; }
.pk-why { font-size: .9rem; color: var(--pk-muted); margin: .2rem 0 0; }
.pk-why-label { font-weight: 650; color: var(--pk-ink); }
.pk-top-risk p { margin: 0; }
tfoot td, tfoot th { font-weight: 700; border-top: 1.5px solid var(--pk-ink); border-bottom: none; }
td.pk-num, th.pk-num { text-align: right; font-variant-numeric: tabular-nums; }
td.pk-zero { color: var(--pk-faint); }
tbody th { font-weight: 500; }
table caption { caption-side: top; text-align: left; font-weight: 650; padding-bottom: .35rem; }

/* Pillars and questions */
.pk-pillar-head { border-bottom: 2px solid var(--pk-ink); padding-bottom: .8rem; margin-bottom: 1.25rem; }
.pk-pillar-head h2 { font-size: 1.9rem; margin: 0 0 .4rem; }
.pk-pillar-head p { margin: .35rem 0; }
.pk-pillar-counts { display: flex; flex-wrap: wrap; gap: .4rem; margin-top: .6rem !important; }
.pk-question { border-left: 4px solid var(--pk-rule); padding: .15rem 0 .2rem 1.1rem; margin: 0 0 1.9rem; }
.pk-question-head { display: flex; align-items: baseline; gap: .75rem; break-after: avoid; page-break-after: avoid; }
.pk-question-head h3 { flex: 1 1 auto; min-width: 0; overflow-wrap: anywhere; }
.pk-question-head .pk-code { display: block; font-size: .78rem; margin-bottom: .1rem; }
.pk-question-head .pk-badge { flex: none; }
.pk-status { margin: .45rem 0; }
.pk-practices { list-style: none; padding: 0; margin: .25rem 0 .5rem; }
.pk-practices li { position: relative; padding-left: 1.5rem; margin: .3rem 0; break-inside: avoid; overflow-wrap: anywhere; }
.pk-practices li::before { position: absolute; left: 0; top: 0; width: 1.1rem; text-align: center; font-weight: 700; }
.pk-followed li::before { content: "\\2713"; color: #00785a; }
.pk-missing li::before { content: "\\2715"; color: #b34700; }
.pk-set-aside li::before { content: "\\2013"; color: var(--pk-faint); }
.pk-level { font-size: .74rem; color: var(--pk-muted); border: 1px solid var(--pk-rule); border-radius: 3px; padding: 0 .3rem; margin-left: .3rem; white-space: nowrap; }
.pk-choice-note { display: block; font-size: .88rem; color: #334150; margin-top: .15rem; padding-left: .6rem; border-left: 2px solid var(--pk-rule); white-space: pre-wrap; }
.pk-reason { color: var(--pk-muted); font-style: italic; }
.pk-notes { background: var(--pk-soft); border-radius: 4px; padding: .6rem .9rem; margin: .6rem 0; }
.pk-notes h4 { margin-top: 0; }
.pk-notes p { margin: 0; }
.pk-stat { font-size: .88rem; color: #334150; margin: .6rem 0 0; padding: .45rem .8rem; border: 1px dashed #b9c3cc; border-radius: 4px; }
.pk-stat strong { color: var(--pk-accent); }
.pk-practice-stat { display: block; font-size: .82rem; color: var(--pk-muted); }

/* Improvement plan and roadmap */
.pk-roadmap { display: grid; grid-template-columns: repeat(3, minmax(0, 1fr)); gap: 1rem; margin: 1.25rem 0 2rem; }
.pk-horizon { border: 1px solid var(--pk-rule); border-top: 4px solid var(--pk-accent); border-radius: 4px; padding: .8rem .9rem; min-width: 0; }
.pk-horizon--12 { border-top-color: #3f7f9c; }
.pk-horizon--36 { border-top-color: #8fb3c5; }
.pk-horizon h3 { font-size: 1rem; margin: 0; }
.pk-horizon-word { display: block; font-size: .72rem; letter-spacing: .08em; text-transform: uppercase; color: var(--pk-accent); }
.pk-horizon .pk-horizon-count { font-size: .82rem; color: var(--pk-muted); margin: .15rem 0 .6rem; }
.pk-horizon ul { list-style: none; font-size: .84rem; padding: 0; margin: 0; }
.pk-horizon li { margin: 0 0 .45rem; overflow-wrap: anywhere; }
.pk-horizon-pillar { display: block; font-weight: 650; font-size: .78rem; color: var(--pk-ink); }
.pk-horizon a.pk-ref-code { font-family: var(--pk-mono); font-size: .8rem; }
.pk-horizon-title { font-size: 1.3rem; margin: 2rem 0 .25rem; padding-bottom: .3rem; border-bottom: 1px solid var(--pk-rule); break-after: avoid; page-break-after: avoid; }
.pk-item { margin: 0; padding: 1rem 0 1.1rem; border-bottom: 1px solid #e9ecef; }
.pk-item:last-child { border-bottom: none; }
.pk-item-head { display: flex; align-items: baseline; gap: .6rem; break-after: avoid; page-break-after: avoid; }
.pk-item-head h4 { font-size: 1rem; text-transform: none; letter-spacing: 0; color: var(--pk-ink); margin: 0; flex: 1 1 auto; min-width: 0; overflow-wrap: anywhere; }
.pk-item-head .pk-badge { flex: none; }
.pk-steps { margin: .4rem 0 0; padding-left: 1.4rem; }
.pk-steps li { margin: .5rem 0; break-inside: avoid; overflow-wrap: anywhere; }
.pk-steps p { margin: .15rem 0; }
.pk-guidance { font-size: .84rem; white-space: nowrap; }
.pk-guidance a::after { content: " \\2197"; }
.pk-empty { color: var(--pk-muted); font-style: italic; }

/* Changes since the last milestone */
.pk-change { font-weight: 650; white-space: nowrap; }
.pk-change--improved { color: #00785a; }
.pk-change--regressed { color: #b34700; }
.pk-change--new, .pk-change--cleared { color: var(--pk-muted); }

/* Sources */
.pk-sources dl { margin: .5rem 0 1rem; }
.pk-sources dt { font-weight: 650; margin-top: .75rem; }
.pk-sources dd { margin: .15rem 0 0; overflow-wrap: anywhere; }
.pk-colophon { margin-top: 2.5rem; padding-top: .8rem; border-top: 1px solid var(--pk-rule); font-size: .8rem; color: var(--pk-muted); }

@media (max-width: 700px) {
  main { margin: 0; padding: 1.5rem 1.1rem; border-radius: 0; }
  .pk-figure--wide { display: none; }
  .pk-figure--narrow { display: block; }
  .pk-long { display: none; }
  .pk-short { display: inline; }
  .pk-cover h1 { font-size: 2rem; }
  h2 { font-size: 1.4rem; }
  .pk-context dl { grid-template-columns: minmax(0, 1fr); }
  .pk-kpi-label { font-size: .75rem; }
  .pk-guidance { white-space: normal; }
  /* Tables of several words per cell become one block per row, labelled, instead of squeezed columns. */
  table.pk-diff, .pk-diff tbody, .pk-diff tr, .pk-diff th, .pk-diff td,
  table.pk-parking, .pk-parking tbody, .pk-parking tr, .pk-parking td { display: block; width: auto; }
  .pk-diff thead, .pk-parking thead, .pk-diff colgroup, .pk-parking colgroup { display: none; }
  .pk-diff tr, .pk-parking tr { border-bottom: 1px solid var(--pk-rule); padding: .4rem 0; }
  .pk-diff th, .pk-diff td, .pk-parking td { border: 0; padding: .1rem 0; }
  .pk-diff td[data-label]::before { content: attr(data-label) ": "; color: var(--pk-muted); font-size: .8em; }
  .pk-kpis { grid-template-columns: repeat(2, minmax(0, 1fr)); }
  .pk-roadmap, .pk-facts { grid-template-columns: minmax(0, 1fr); }
  .pk-toc ol { columns: 1; }
  table { font-size: .8rem; }
  th, td { padding: .35rem .25rem; }
  .pk-code { white-space: normal; }
  .pk-question-head, .pk-item-head { flex-wrap: wrap; }
}

@page {
  size: @PAPER@;
  margin: 16mm 15mm 18mm;
  @bottom-left { content: "Well-Architected review handout"; font: 8pt var(--pk-font); color: #5f6873; }
  @bottom-right { content: "Page " counter(page) " of " counter(pages); font: 8pt var(--pk-font); color: #5f6873; }
}
@page :first {
  @bottom-left { content: none; }
  @bottom-right { content: none; }
}

@media print {
  html { font-size: 10pt; }
  .pk-figure--narrow { display: none !important; }
  .pk-figure--wide { display: block !important; }
  .pk-long { display: inline !important; }
  .pk-short { display: none !important; }
  body { background: #fff; }
  main { max-width: none; margin: 0; padding: 0; border-radius: 0; box-shadow: none; }
  .jp-Cell + .jp-Cell { margin-top: 2rem; }
  .celltag_pk-summary, .celltag_pk-pillar, .celltag_pk-plan { break-before: page; page-break-before: always; }
  .pk-cover { padding-top: 12mm; }
  .pk-cover h1 { font-size: 30pt; }
  h2, h3, h4, .pk-horizon-title { break-after: avoid; page-break-after: avoid; }
  tr, li, .pk-kpi, .pk-horizon li, .pk-stat, .pk-notes, .pk-top-risk { break-inside: avoid; page-break-inside: avoid; }
  thead { display: table-header-group; }
  .pk-figure, .pk-kpis { break-inside: avoid; page-break-inside: avoid; }
  .pk-top-risks h3, .pk-top-risks > p.pk-small, .pk-section-head, .pk-pillar-head { break-after: avoid; page-break-after: avoid; }
  .pk-toc { display: none; }
  .pk-parking-lot > p, .pk-changes > p, .pk-plan > .pk-lede, .pk-item > .pk-muted { break-after: avoid; page-break-after: avoid; }
  .pk-item { break-inside: avoid; page-break-inside: avoid; }
  .pk-summary .pk-lede { font-size: 1rem; }
  .pk-kpis { margin: .8rem 0 1rem; }
  .pk-kpi { padding: .45rem .7rem .4rem; }
  .pk-kpi-number { font-size: 1.6rem; }
  .pk-chart { max-width: 88%; }
  .pk-caption { margin-top: .8rem; }
  table { margin: .6rem 0; }
  th, td { padding: .28rem .45rem; }
  .pk-top-risks { margin-top: .8rem; }
  .pk-top-risk { margin: .55rem 0; font-size: .95rem; }
  a { color: inherit; text-decoration: none; }
  a.pk-guidance-link::after { content: " " attr(href); font-size: .8em; color: var(--pk-muted); overflow-wrap: anywhere; }
}
"""

__all__ = ["A4", "CONTENT_SECURITY_POLICY", "LETTER", "PAPERS", "RISK_CLASS", "TEMPLATE", "TEMPLATE_NAME", "stylesheet"]

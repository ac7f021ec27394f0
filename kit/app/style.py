"""The app's stylesheet, shipped as one ``<style>`` inside an HTML widget (works in Lab, Notebook 7 and Voila).

Every rule is scoped under ``.pk-app`` so nothing leaks into the rest of the notebook; the one
exception lets the output area that holds the app stop clipping, so the side column can stay in
view (``position: sticky``) while the question scrolls. Presenter mode (``.pk-presenter``) is
laid out for a projector: type that grows with the screen, one row of navigation, the chart
and the agenda scaled with the type, and the question's title, practices and the chart on one
screen at 1280×720. Compact mode (``.pk-compact``) tightens it for a laptop. Badge colours
follow the chart's palette, with black text (WCAG AA; ``tests/unit/test_contrast.py``), and
every risk is also written in words.
"""

from __future__ import annotations

from kit.app.ui import html
from kit.core.vocabulary import HIGH, LOW, MEDIUM, NONE, NOT_APPLICABLE
from kit.render.charts import BAND_COLOURS, PALETTE, PALETTE_CSS

CSS = """
.pk-app { --pk-gap: .6em; font-size: 14px; line-height: 1.4; color: var(--jp-ui-font-color1, #1a1a1a); width: 100%; }
.pk-app .widget-html-content { line-height: 1.4; }
.pk-app h2, .pk-app h3, .pk-app h4 { margin: .2em 0 .3em; }
.pk-app .pk-toolbar { justify-content: space-between; align-items: center; flex-wrap: wrap; gap: var(--pk-gap);
  border-bottom: 1px solid var(--jp-border-color2, #ddd); padding: .2em 0 .4em; }
.pk-app .pk-brand { font-weight: 700; letter-spacing: .02em; }
.pk-app .pk-workload-title { font-weight: 600; margin-left: .4em; }
.pk-app .pk-file-status, .pk-app .pk-modes { align-items: center; gap: var(--pk-gap); }
.pk-app .pk-saved-ok { color: #006b4f; }
.pk-app .pk-saved-pending { color: #6b6b6b; }
.pk-app .pk-saved-failed { color: #a33f00; font-weight: 700; }
.pk-app .pk-saved-readonly { color: #8a5a00; font-weight: 600; }
.pk-app .pk-download-link { font-weight: 600; color: #0072B2; }
.pk-app .pk-download-link::before { content: "⬇ "; }
.pk-app .pk-export { margin: .3em 0 .5em; }
.pk-app .pk-export-row { align-items: center; gap: var(--pk-gap); flex-wrap: wrap; }
.pk-app .pk-export-status a.pk-export-link { font-weight: 600; color: #0072B2; word-break: break-all; }
.pk-app .pk-export-status a.pk-export-link::before { content: "⬇ "; }
.pk-app .pk-message { align-items: flex-start; padding: .35em .6em; margin: .3em 0; border-radius: 4px; border-left: 5px solid #0072B2; background: #e8f1f8; }
.pk-app .pk-message.pk-message-is-error { border-left-color: #D55E00; background: #fbe9e1; }
.pk-app .pk-message.pk-message-is-warning { border-left-color: #E69F00; background: #fdf3dd; }
.pk-app .pk-message.pk-message-is-success { border-left-color: #009E73; background: #e3f4ee; }
.pk-app .pk-message-text { flex: 1 1 auto; }
.pk-app .pk-message-details { margin: .2em 0 0 1.2em; padding: 0; font-family: var(--jp-code-font-family, monospace); font-size: .85em; }
.pk-app .pk-body { gap: 1.2em; align-items: flex-start; overflow: visible; }
.pk-app .pk-main { flex: 1 1 60%; min-width: 0; }
/* The side column (chart, overview, agenda) stays in view while the question scrolls. */
.pk-app .pk-side { flex: 0 1 500px; min-width: 320px; gap: .4em; overflow-x: hidden; overflow-y: auto;
  position: sticky; top: 0; align-self: flex-start; max-height: 100vh; box-sizing: border-box; padding-bottom: .5em; }
/* The side column scrolls on its own, so nothing in it may shrink to fit its height. */
.pk-app .pk-side > *, .pk-app .pk-side .widget-vbox > * { flex-shrink: 0; }
.jp-OutputArea:has(.pk-app), .jp-OutputArea-child:has(.pk-app), .jp-OutputArea-output:has(> .pk-app) { overflow: visible; }
.pk-app.widget-box { overflow: visible; }
.pk-app .pk-side .widget-inline-hbox, .pk-app .pk-side .widget-tagsinput { max-width: calc(100% - 6px); box-sizing: border-box; }
.pk-app .pk-resume-banner { align-items: center; gap: var(--pk-gap); padding: .4em .6em; border-radius: 4px; background: #e3f4ee; margin-bottom: .4em; flex-wrap: wrap; }
.pk-app .pk-resume-copies { font-size: .92em; margin-top: .3em; }
.pk-app .pk-resume-copies ul { margin: .2em 0 0 1.2em; padding: 0; }
.pk-app .pk-owner-banner { align-items: center; gap: var(--pk-gap); padding: .45em .7em; border-radius: 4px; background: #fdf3dd;
  border-left: 5px solid #E69F00; margin-bottom: .4em; flex-wrap: wrap; }
.pk-app .pk-owner-banner-text { flex: 1 1 30em; }
/* Read-only: another window writes this review. Looking around stays possible; changing does not. */
.pk-app.pk-read-only .pk-choices, .pk-app.pk-read-only .pk-na-row, .pk-app.pk-read-only .pk-notes,
.pk-app.pk-read-only .pk-horizon, .pk-app.pk-read-only .pk-reveal, .pk-app.pk-read-only .pk-park-capture,
.pk-app.pk-read-only .pk-park-list, .pk-app.pk-read-only .pk-agenda-head, .pk-app.pk-read-only .pk-workload,
.pk-app.pk-read-only .pk-milestone-row, .pk-app.pk-read-only .pk-undo { pointer-events: none; opacity: .6; }
/* Navigation on one row: the buttons keep their size, the pickers share what is left. */
.pk-app .pk-nav { align-items: center; gap: .4em; flex-wrap: nowrap; }
.pk-app .pk-pickers { gap: .3em; flex-wrap: nowrap; flex: 1 1 auto; min-width: 0; }
.pk-app .pk-pickers .widget-dropdown { min-width: 0; flex: 1 1 auto; width: auto; }
.pk-app .pk-pickers .pk-pillar-picker, .pk-app .pk-pickers .pk-lens-picker { flex: 0 0 auto; max-width: 18em; }
.pk-app .pk-pickers select { min-width: 0; width: 100%; text-overflow: ellipsis; }
.pk-app .pk-position { color: #4a4a4a; white-space: nowrap; }
/* No button is ever squeezed into "…": buttons keep their width and text; rows wrap instead. */
.pk-app .jupyter-button, .pk-app .widget-upload { flex-shrink: 0; }
.pk-app .jupyter-button:not(.pk-choice-more) { min-width: max-content; }
.pk-app .widget-toggle-buttons .widget-toggle-button { min-width: max-content; }
.pk-app .pk-resume-row, .pk-app .pk-milestone-row, .pk-app .pk-export-row, .pk-app .pk-park-row { flex-wrap: wrap; gap: .3em; }
.pk-app .pk-resume-row .pk-resume-picker { flex: 1 1 12em; min-width: 0; width: auto; }
/* A label only screen readers read (the control's purpose is plain on screen). */
.pk-app .pk-sr-label > .widget-label { position: absolute !important; width: 1px; height: 1px; margin: -1px; padding: 0;
  overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; border: 0; }
.pk-app:focus { outline: none; }
.pk-app .pk-progress-pillar { display: inline-block; margin: 0 .9em .2em 0; color: #555; font-size: .9em; }
.pk-app .pk-progress-current { color: inherit; font-weight: 600; text-decoration: underline; }
.pk-app .pk-progress-done b { color: #006b4f; }
.pk-app .pk-agenda-hint { background: #fdf3dd; border-left: 5px solid #E69F00; padding: .3em .6em; margin: .3em 0; border-radius: 4px; }
.pk-app .pk-question-header { justify-content: space-between; align-items: center; margin-top: .5em; }
.pk-app .pk-question-pillar { color: #4a4a4a; }
.pk-app .pk-question-header > .widget-hbox { gap: .6em; flex-wrap: wrap; justify-content: flex-end; }
.pk-app .pk-horizon { display: flex; align-items: center; gap: .4em; width: auto; }
.pk-app .pk-horizon > .widget-label { color: #555; margin: 0; }
.pk-app .pk-horizon .widget-toggle-button { font-size: .85em; padding: 0 .6em; }
.pk-app .pk-question-title h2 { font-size: 1.45em; line-height: 1.25; }
.pk-app .pk-code { color: #555; font-weight: 600; margin-right: .3em; }
.pk-app .pk-question-description p { margin: .2em 0 .5em; max-width: 60em; }
.pk-app .pk-question-fieldstat p { margin: .2em 0; padding: .25em .6em; border-left: 4px solid #56B4E9; background: #eef6fb; max-width: 60em; font-size: .95em; }
.pk-app .pk-badge { display: inline-block; padding: .15em .7em; border-radius: 1em; font-weight: 700; color: #000; white-space: nowrap; }
PALETTE_BADGES
.pk-app .pk-choices { gap: .15em; margin: .4em 0; }
.pk-app .pk-prefill-bar { align-items: center; gap: var(--pk-gap); flex-wrap: wrap; padding: .35em .7em; margin: .3em 0; border-left: 5px solid #9a6700; background: #fff6d5; border-radius: 4px; }
.pk-app .pk-prefill-note { color: #5c3d00; }
.pk-app .pk-question.pk-prefilled .pk-choices { border-left: 4px dashed #9a6700; padding-left: .6em; background: #fffbea; }
.pk-app .pk-prefilled-nav { align-items: center; gap: .6em; margin-top: .2em; }
.pk-app .pk-prefilled-count { color: #5c3d00; font-size: .9em; }
.pk-app .pk-reveal { align-self: flex-start; margin: .4em 0; }
.pk-app .pk-choices.pk-dimmed { opacity: .45; }
.pk-app .pk-choice-row { align-items: flex-start; gap: .4em; }
.pk-app .pk-choice-none { margin-top: .3em; }
.pk-app .pk-choice-row-none { border-top: 1px dashed var(--jp-border-color2, #ccc); padding-top: .2em; }
.pk-app .widget-checkbox.pk-choice, .pk-app .widget-checkbox.pk-na-toggle, .pk-app .widget-checkbox.pk-choice-na,
.pk-app .widget-checkbox.pk-hide-choices, .pk-app .widget-checkbox.pk-lens-toggle, .pk-app .widget-checkbox.pk-park-done {
  height: auto; min-height: var(--jp-widgets-inline-height, 28px); width: auto; }
.pk-app .widget-checkbox.pk-choice { flex: 1 1 auto; }
.pk-app .widget-checkbox .widget-label-basic { white-space: normal; overflow: visible; height: auto; line-height: 1.35;
  display: flex; align-items: flex-start; gap: .45em; padding: .2em 0; }
.pk-app .widget-checkbox .widget-label-basic input { flex: 0 0 auto; margin-top: .2em; }
.pk-app .widget-checkbox.pk-choice .widget-label-basic span { font-size: 1.05em; }
.pk-app button.pk-choice-more { min-width: 2.2em; width: 2.2em; padding: 0; background: transparent; color: #0072B2; box-shadow: none; }
.pk-app button.pk-choice-more:hover { background: #e8f1f8; }
.pk-app button.pk-choice-more.mod-active { background: #d6e7f3; color: #004f7c; }
.pk-app .pk-choice-details { margin: 0 0 .5em 1.8em; padding: .3em .6em; border-left: 3px solid #ddd; max-width: 60em; }
.pk-app .pk-choice-help p { margin: .15em 0; }
.pk-app .pk-improvement { color: #333; }
.pk-app .pk-choice-facts { font-size: .9em; color: #555; }
.pk-app .pk-fieldstat { font-size: .9em; color: #1f4e66; }
.pk-app .pk-na-row { align-items: center; gap: .6em; margin-top: .3em; }
.pk-app .pk-notes textarea { min-height: 5.5em; }
.pk-app .pk-invalid textarea, .pk-app .pk-invalid input { border: 2px solid #D55E00; }
.pk-app .pk-count { font-size: .85em; color: #666; }
.pk-app .pk-count-over { color: #a33f00; font-weight: 700; }
.pk-app .pk-park-capture { gap: .4em; margin-top: .6em; }
.pk-app .pk-totals-line { display: flex; flex-wrap: wrap; gap: .2em .8em; font-size: .9em; }
.pk-app .pk-total-label { font-weight: 600; }
.pk-app .pk-total-high b { color: #a33f00; }
.pk-app .pk-risk-chart { display: block; }
.pk-app .pk-side-picker .widget-toggle-buttons { flex-wrap: wrap; }
.pk-app .pk-side-picker .widget-toggle-button { width: auto; min-width: max-content; }
.pk-app .pk-side-page { padding-top: .3em; }
.pk-app .pk-agenda-head { align-items: center; gap: .6em; }
.pk-app .pk-agenda-row { align-items: center; gap: .4em; }
.pk-app .pk-agenda-pillar { flex: 0 0 13em; }
.pk-app .pk-agenda-over { color: #a33f00; font-weight: 700; }
.pk-app .pk-agenda-now { color: #0072B2; }
.pk-app .pk-park-row { align-items: center; gap: .4em; }
.pk-app .pk-park-item { flex: 1 1 auto; }
.pk-app .pk-park-is-done { text-decoration: line-through; color: #6b6b6b; }
.pk-app .pk-park-who, .pk-app .pk-park-where { font-size: .85em; color: #555; margin-left: .4em; }
.pk-app .pk-hint { font-size: .88em; color: #555; }
.pk-app .pk-binder-note p { background: #fdf3dd; padding: .4em .6em; border-radius: 4px; }

/* The question overview: one button per question, its risk as a mark in words and a colour. */
.pk-app .pk-overview-nav { font-size: .92em; }
.pk-app .pk-overview-pillar { font-size: .95em; margin: .6em 0 .2em; color: #1a1a1a; }
.pk-app .pk-overview-list { list-style: none; margin: 0; padding: 0; }
.pk-app .pk-overview-item { display: flex; align-items: baseline; gap: .45em; width: 100%; text-align: left; font: inherit;
  color: inherit; background: transparent; border: 0; border-radius: 3px; padding: .2em .3em; cursor: pointer; line-height: 1.3; }
.pk-app .pk-overview-item:hover { background: #eef3f7; }
.pk-app .pk-overview-item:focus-visible { outline: 3px solid #0072B2; outline-offset: -1px; }
.pk-app .pk-overview-item[aria-current="true"] { background: #dde9f3; font-weight: 600; }
.pk-app .pk-overview-mark { flex: 0 0 2.6em; text-align: center; font-size: .78em; font-weight: 700; border-radius: 3px;
  padding: .05em 0; color: #000; background: #E4E4E4; box-shadow: inset 0 0 0 1px #767676; }
.pk-app .pk-risk-high .pk-overview-mark { background: RISK_HIGH; box-shadow: none; }
.pk-app .pk-risk-medium .pk-overview-mark { background: RISK_MEDIUM; box-shadow: none; }
.pk-app .pk-risk-none .pk-overview-mark { background: RISK_NONE; box-shadow: none; }
.pk-app .pk-risk-na .pk-overview-mark { background: RISK_NA; box-shadow: none; }
.pk-app .pk-overview-code { flex: 0 0 auto; color: #4a4a4a; font-weight: 600; }
.pk-app .pk-overview-title { flex: 1 1 auto; min-width: 0; }
.pk-app .pk-keys { width: auto; }

/* Presenter mode: a projector (1280×720 up to 1920×1080). What the room reads (the question, its
   practices, the chart, the totals, the agenda and the overview) takes type that grows with the
   screen; the facilitator's controls (toolbar, navigation, notes) keep their size. The title, every
   practice and the chart fit on one screen. */
.pk-app.pk-presenter { --pk-room: clamp(16px, calc(.6vw + 1.1vh + 3px), 30px); }
.pk-app.pk-presenter .pk-question, .pk-app.pk-presenter .pk-side {
  font-size: var(--pk-room); --jp-widgets-font-size: var(--pk-room); --jp-widgets-inline-height: 1.9em; }
.pk-app.pk-presenter .pk-notes, .pk-app.pk-presenter .pk-notes-count, .pk-app.pk-presenter .pk-na-row {
  --jp-widgets-font-size: 14px; --jp-widgets-inline-height: 28px; font-size: 14px; }
.pk-app.pk-presenter .pk-question-header { margin-top: .1em; font-size: .72em; --jp-widgets-font-size: .72em; }
.pk-app.pk-presenter .pk-question-header .pk-badge { font-size: 1.35em; }
.pk-app.pk-presenter .pk-question-title h2 { font-size: 1.45em; line-height: 1.2; margin: .1em 0 .2em; }
.pk-app.pk-presenter .pk-question-description p { font-size: .9em; line-height: 1.4; margin: .1em 0 .3em; max-width: none; }
.pk-app.pk-presenter .pk-question-fieldstat p { font-size: .8em; padding: .15em .6em; max-width: none; }
.pk-app.pk-presenter .pk-choices { gap: 0; margin: .2em 0; }
.pk-app.pk-presenter .widget-checkbox.pk-choice .widget-label-basic { padding: .12em 0; }
.pk-app.pk-presenter .widget-checkbox.pk-choice .widget-label-basic span { font-size: 1.15em; }
.pk-app.pk-presenter .widget-checkbox.pk-choice .widget-label-basic input { width: calc(var(--pk-room) * 1.1); height: calc(var(--pk-room) * 1.1); margin-top: .25em; }
.pk-app.pk-presenter .pk-side { flex: 0 1 clamp(360px, 36vw, 760px); }
.pk-app.pk-presenter .pk-risk-chart { max-width: 100% !important; }
.pk-app.pk-presenter .pk-totals-line { font-size: .8em; }
.pk-app.pk-presenter .pk-side-picker { --jp-widgets-font-size: 14px; --jp-widgets-inline-height: 28px; }
.pk-app.pk-presenter .pk-agenda-head { --jp-widgets-font-size: 14px; --jp-widgets-inline-height: 28px; }
.pk-app.pk-presenter .pk-agenda-table, .pk-app.pk-presenter .pk-agenda-total { font-size: .85em; }

/* The main picker and the risk register page. */
.pk-app .pk-main-picker { margin-bottom: .4em; }
.pk-app .pk-main-picker .widget-toggle-button { width: auto; min-width: 8em; }
.pk-app .pk-register-intro h3 { font-size: 1.3em; }
.pk-app .pk-register-intro p { margin: .1em 0 .5em; max-width: 60em; }
.pk-app .pk-register-top { gap: 1.2em; align-items: flex-start; flex-wrap: wrap; }
.pk-app .pk-register-map { flex: 0 0 318px; }
.pk-app .pk-register-heatmap { max-width: 100%; }
.pk-app .pk-register-adding { flex: 1 1 320px; min-width: 0; gap: .3em; }
.pk-app .pk-register-adding .widget-dropdown select { text-overflow: ellipsis; }
.pk-app .pk-register-add-row { gap: .4em; align-items: center; }
.pk-app .pk-register-add-row .widget-text { flex: 1 1 auto; min-width: 0; }
.pk-app .pk-register-add-row button, .pk-app .pk-register-row button, .pk-app .pk-register-suggestion button,
.pk-app .pk-register-question-row button, .pk-app .pk-register-editor-actions button { flex: none; width: auto; }
.pk-app .pk-register-preview-box { font-size: .88em; color: #333; border-left: 3px solid #ddd; padding: .1em .6em; margin: .2em 0; }
.pk-app .pk-register-suggestions { margin: .6em 0 .2em; gap: .15em; }
.pk-app .pk-register-suggestion { align-items: flex-start; gap: .5em; }
.pk-app .pk-register-suggestion .widget-html { flex: 1 1 auto; min-width: 0; }
.pk-app .pk-register-finder { gap: .5em; align-items: center; flex-wrap: wrap; margin: .8em 0 .3em; padding-top: .5em;
  border-top: 1px solid var(--jp-border-color2, #ddd); }
.pk-app .pk-register-list { gap: .1em; }
.pk-app .pk-register-entry { border-bottom: 1px solid #eee; padding: .15em 0; }
.pk-app .pk-register-entry.pk-register-editing { background: #f6f9fb; border-left: 4px solid #0072B2; padding-left: .4em; }
.pk-app .pk-register-row { align-items: flex-start; gap: .5em; }
.pk-app .pk-register-row .widget-html { flex: 1 1 auto; min-width: 0; }
.pk-app .pk-register-line { display: flex; flex-wrap: wrap; gap: .15em .6em; align-items: baseline; }
.pk-app .pk-register-rank { color: #666; font-variant-numeric: tabular-nums; min-width: 1.4em; text-align: right; }
.pk-app .pk-register-id { font-weight: 700; color: #555; }
.pk-app .pk-register-what { flex: 1 1 22em; min-width: 0; overflow-wrap: anywhere; }
.pk-app .pk-register-levels, .pk-app .pk-register-owner, .pk-app .pk-register-links { font-size: .85em; color: #555; }
.pk-app .pk-rating { display: inline-block; min-width: 1.6em; text-align: center; border-radius: 1em; font-weight: 700; color: #000; }
.pk-app .pk-rating-high { background: RATING_HIGH; }
.pk-app .pk-rating-medium { background: RATING_MEDIUM; }
.pk-app .pk-rating-low { background: RATING_LOW; }
.pk-app .pk-register-status { font-size: .85em; font-weight: 600; }
.pk-app .pk-register-status-open { color: #a33f00; }
.pk-app .pk-register-status-mitigated, .pk-app .pk-register-status-closed { color: #006b4f; }
.pk-app .pk-register-editor { gap: .25em; padding: .4em .4em .6em 0; max-width: 60em; box-sizing: border-box; }
.pk-app .pk-register-editor > .widget-inline-hbox { max-width: 100%; box-sizing: border-box; }
.pk-app .pk-register-levels-row { align-items: center; gap: .5em; flex-wrap: wrap; }
.pk-app .pk-register-label { display: inline-block; width: 9em; text-align: right; padding-right: 8px; box-sizing: border-box; }
.pk-app .pk-register-levels-row .widget-html:nth-child(3) .pk-register-label { width: auto; margin-left: 1em; }
.pk-app .pk-register-questions-hint { margin-left: 9em; }
.pk-app .pk-register-status-row, .pk-app .pk-register-question-row, .pk-app .pk-register-editor-actions { gap: .5em; align-items: center; flex-wrap: wrap; }
.pk-app .pk-register-editor textarea { min-height: 3.2em; }
.pk-app .pk-invalid input, .pk-app .pk-invalid select { border: 2px solid #D55E00; }
.pk-app.pk-presenter .pk-register-line { font-size: 1.15em; }

/* Compact mode: the facilitator's own laptop. */
.pk-app.pk-compact { font-size: 12.5px; --pk-gap: .35em; }
.pk-app.pk-compact .pk-question-title h2 { font-size: 1.2em; }
.pk-app.pk-compact .pk-question-description p { margin: .1em 0 .3em; }
.pk-app.pk-compact .pk-side { flex-basis: 380px; min-width: 280px; }
.pk-app.pk-compact .widget-checkbox .widget-label-basic { padding: 0; }
"""


def stylesheet() -> str:
    colours = {
        "RISK_HIGH": PALETTE[HIGH],
        "RISK_MEDIUM": PALETTE[MEDIUM],
        "RISK_NONE": PALETTE[NONE],
        "RISK_NA": PALETTE[NOT_APPLICABLE],
    }
    css = CSS.replace("PALETTE_BADGES", PALETTE_CSS)
    for name, colour in colours.items():
        css = css.replace(name, colour)
    for level in (HIGH, MEDIUM, LOW):
        css = css.replace(f"RATING_{level}", BAND_COLOURS[level])
    return css


def style_widget():
    return html(f"<style>{stylesheet()}</style>", "pk-style")

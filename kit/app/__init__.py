"""The facilitation app: an ipywidgets shell over a review. ``from kit.app import ReviewApp``.

Modules, one job each. Without widgets: ``session`` (the review on one page: its file,
autosave, one writer, merging, resume, upload, undo), ``ownership`` (the lease that makes one
session the writer), ``merge`` (two versions of a review, question by question), ``undo``,
``timer`` (the agenda's clock), ``settings`` (the app's state in the review file, checked before
a review is shown), ``filewriter`` (writes off the kernel's thread), ``storage`` (file names, the
folder, autosave's debounce, download and upload), ``page`` (the page's request, address and
liveness) and ``timing`` (injectable clock and scheduler). Views: ``app`` (ReviewApp: builds the
views and shows what the session tells it), ``question_view``, ``register_page`` (the risk register), ``navigator``, ``risk_panel``,
``agenda``, ``parking_lot``, ``banners`` (resume offer, read-only), ``workload_panel``,
``files_panel`` (resume, upload, milestones), ``export_panel`` (the handout, spreadsheets and
data as downloads, in every format of ``kit.render.formats``), ``overview`` (every question with
its risk mark), ``keyboard`` (every key, Ctrl+Z for Undo among them, and their help),
``priorities`` (the ordered picker of pillar priorities), ``tab_title``, ``icons``, ``printer``
(the browser's print-to-PDF), ``toolbar``, ``page_script`` (the review's id in the page address),
``messages`` (message line and log file), ``events`` (the one callback wrapper), ``ui`` (widget
helpers, escaping) and ``style`` (the stylesheet). The anywidgets' page code is in ``js/``.

Stable CSS classes for browser tests, added with ``add_class`` (user text never becomes a
class). ``tests/app/test_app_classes.py`` checks that this list and the widgets agree.

App, modes and messages
  pk-app                  the root VBox; also carries the mode classes below
  pk-presenter            on pk-app while presenter mode is on
  pk-compact              on pk-app while compact mode is on
  pk-read-only            on pk-app while another window writes the review (or this page lost its connection)
  pk-page-script          hidden Output: the script that keeps ?review=<id> in the address
  pk-style                the HTML widget holding the stylesheet
  pk-tab-title            the (hidden) widget that names the browser tab "pillarkit · <workload>" in Voila
  pk-icons                the (hidden) widget that hides every i.fa icon from screen readers (they are decoration)
  pk-sr-label             on a widget whose description is read by screen readers but not shown
  pk-toolbar              top bar
  pk-title                "pillarkit <workload name>"
  pk-file-status          box of pk-saved-status and pk-download
  pk-saved-status         "saved hh:mm:ss" (when the file was last saved, also after a resume), "saving…",
                          "NOT SAVED: …" or "read-only · saved hh:mm:ss"
  pk-download             HTML holding the download anchor (a.pk-download-link, data URI) of the file as last saved,
                          refreshed once the review has settled; empty before the first save
  pk-undo                 Button: undo the last change (Ctrl+Z or U outside text fields, kit.app.keyboard); disabled when there is none
  pk-modes                box of the three mode switches
  pk-presenter-toggle     ToggleButton: presenter mode
  pk-hide-choices         Checkbox: hide choices until revealed
  pk-compact-toggle       ToggleButton: compact mode
  pk-keys                 the keyboard: its button (button.pk-keys-button) opens the help, a div.pk-keys-help
                          (role dialog) on the page's body listing every key
  pk-message              the message line (hidden when there is none)
  pk-message-is-info      on pk-message, by level of the message shown (also -success, -warning, -error)
  pk-message-is-success
  pk-message-is-warning
  pk-message-is-error
  pk-message-text         its text (details as ul.pk-message-details)
  pk-message-dismiss      Button: dismiss the message
  pk-body                 main column and side column
  pk-main                 the main column: pk-main-picker over pk-main-stack
  pk-main-picker          ToggleButtons: Questions, Risk register
  pk-main-stack           the Stack of main pages
  pk-main-page            the holder of the risk register page (empty until first shown)
  pk-side                 the side column

Question page
  pk-question-page        the main page
  pk-owner-banner         "This review is open in another window… read-only" (hidden while this window writes)
  pk-owner-banner-text
  pk-take-over            Button: make this window the one that saves the review
  pk-resume-banner        "Continue the review of …?" (hidden unless offered)
  pk-resume-banner-text   also lists other copies of the review (div.pk-resume-copies), each with what differs
  pk-banner-resume        Button: continue the offered review
  pk-banner-dismiss       Button: start a new review instead
  pk-agenda-hint          "⏱ <pillar> is N min over its timebox" (hidden unless over)
  pk-navigator            navigation bar and progress
  pk-nav                  the bar
  pk-prev                 Button: previous question
  pk-next                 Button: next question
  pk-pickers              box of the three pickers
  pk-lens-picker          Dropdown: lens (hidden when the review has one lens)
  pk-pillar-picker        Dropdown: pillar
  pk-question-picker      Dropdown: question of the pillar
  pk-position             "Question n of N"
  pk-progress             answered/total per pillar (span.pk-progress-pillar, .pk-progress-current)
  pk-prefilled-nav        box of pk-prefilled-count and pk-next-prefilled (hidden when nothing awaits confirmation)
  pk-prefilled-count      "N pre-filled answers to confirm with the team"
  pk-next-prefilled       Button: the next question whose answer is pre-filled
  pk-question             the question view
  pk-prefilled            on pk-question while its answer is pre-filled (from a template or a workbook), not yet confirmed
  pk-question-header      pillar line and badge
  pk-prefill-bar          box of pk-prefill-note and pk-confirm (shown only for a pre-filled answer)
  pk-prefill-note         "Pre-filled from <source> (<date>), not yet confirmed by the team."
  pk-confirm              Button: the team confirms the pre-filled answer
  pk-question-pillar      "<pillar> · question n of N"
  pk-risk-badge           the question's risk (span.pk-badge with data-risk="HIGH|MEDIUM|NONE|NOT_APPLICABLE|UNANSWERED")
  pk-horizon              ToggleButtons: roadmap horizon, 3, 12 or 36 months (shown only for a HIGH or MEDIUM question)
  pk-question-title       code and title (h2)
  pk-question-description our description and the question's official link
  pk-question-fieldstat   field statistics sentences (hidden when there is none)
  pk-reveal               Button: reveal the choices (presenter option)
  pk-choices              box of the choice rows (and of open details)
  pk-dimmed               on pk-choices while the question does not apply
  pk-choice-row           one choice: pk-choice-more then the checkbox
  pk-choice-row-none      the row of "None of these" (always last)
  pk-choice               Checkbox of a choice; its label is the choice title (+ " — does not apply", " — has a note")
  pk-choice-N             on the Nth practice's checkbox, N = 1, 2, … (fixed per row of the pool)
  pk-choice-none          on the "None of these" checkbox
  pk-choice-more          ToggleButton: a choice's details
  pk-choice-details       details box, built on first open
  pk-choice-help          description, help text, official link, improvement plan, field statistic
  pk-choice-na-row        box of pk-choice-na and pk-choice-na-reason (hidden for "None of these")
  pk-choice-na            Checkbox: this practice does not apply
  pk-choice-na-reason     Dropdown: why
  pk-choice-notes         Textarea: note on the practice (up to 250 characters)
  pk-choice-notes-count   "n / 250"
  pk-na-row               box of the question's not-applicable switch and reason
  pk-na-toggle            Checkbox: the question does not apply
  pk-na-reason            Dropdown: why (shown while it does not apply)
  pk-notes                Textarea: notes on the question (up to 2084 characters)
  pk-notes-count          "n / 2084" (span.pk-count-over when too long)
  pk-invalid              on pk-notes, pk-choice-notes, a workload field or a register field while its text is too long to save
  pk-park-capture         box to park a topic from the question on screen
  pk-park-text            Text: the topic
  pk-park-owner           Text: its owner
  pk-park-add             Button: park it

Risk register page (built the first time it is shown)
  pk-register-page        the page
  pk-register-intro       its heading and what it is for
  pk-register-top         box of the heat map and the ways to add
  pk-register-map         box of the heat map and its summary
  pk-register-heatmap     Image: likelihood x impact, counts of risks not closed (PNG)
  pk-register-summary     "n risks, n not closed"
  pk-register-adding      box of the two ways to add
  pk-register-kind        Dropdown: a kind of component from the catalogue
  pk-register-failure     Dropdown: one of its failure modes
  pk-register-preview     its detection, mitigation and runbook hint
  pk-register-component   Text: your own component's name (optional)
  pk-register-add-row     box of a name field and its Add button
  pk-register-add-catalogue Button: add the catalogue's failure mode
  pk-register-scratch-component Text: a component, for a risk of your own
  pk-register-scratch-failure Text: what can go wrong with it
  pk-register-add-scratch Button: add it
  pk-register-suggestions box of suggestions (empty when the review has no HIGH question they bear on)
  pk-register-suggestion  one suggestion: pk-register-suggestion-add then its text
  pk-register-suggestion-text the kind, the failure mode, and the HIGH questions behind it
  pk-register-suggestion-add Button: add it
  pk-register-finder      box of the filters and the sort
  pk-register-filter-component Dropdown: all components, or one
  pk-register-filter-status Dropdown: all statuses, or one
  pk-register-sort        Dropdown: rank, component, status, newest first
  pk-register-count       "n shown, n hidden by the filters" (empty when none is hidden)
  pk-register-list        box of the entries shown
  pk-register-empty       what to do when the register is empty (hidden otherwise)
  pk-register-entry       one entry: its row, and the editor while it is edited
  pk-register-editing     on pk-register-entry while its editor is open
  pk-register-row         box of the entry's line and its Edit button
  pk-register-row-text    the line (div.pk-register-line with data-risk-id; span.pk-rating-high|medium|low)
  pk-register-edit        Button: edit the entry in place
  pk-register-editor      the one editor, under the row being edited
  pk-register-editor-heading "Editing R3"
  pk-register-field-component Text
  pk-register-field-failure-mode Textarea
  pk-register-field-likelihood ToggleButtons: Low, Medium, High
  pk-register-field-impact ToggleButtons: Low, Medium, High
  pk-register-levels-row  box of the two ratings, each after its label
  pk-register-status-row  box of the status and the acceptance date
  pk-register-field-status Dropdown: Open, Accepted, Mitigated, Closed
  pk-register-field-accepted-until DatePicker: accepted until (enabled only while accepted)
  pk-register-field-detection Textarea: how we would notice
  pk-register-field-mitigation Textarea
  pk-register-field-runbook Textarea
  pk-register-field-owner Text
  pk-register-field-questions SelectMultiple: the review's questions the risk bears on
  pk-register-questions-hint how to pick several
  pk-register-field-notes Textarea
  pk-register-problem     why the last change was refused (a text past its limit), else empty
  pk-register-question-row box of an open question and its button
  pk-register-question    Text: an open question about the risk
  pk-register-park        Button: put it in the parking lot, linked to the risk
  pk-register-editor-actions box of Done and Delete
  pk-register-done        Button: close the editor
  pk-register-delete      Button: delete (a second click confirms)

Side column
  pk-risk-panel           totals and chart
  pk-risk-totals          counts by risk (span.pk-total-high, …)
  pk-risk-chart           Image: the risk chart (PNG)
  pk-side-picker          ToggleButtons: Questions, Agenda, Parking lot, Workload, Review file
  pk-side-stack           the Stack of side pages
  pk-side-page            each side page
  pk-side-heading         headings inside side pages
  pk-overview             the question overview: per pillar (h4.pk-overview-pillar) one button.pk-overview-item
                          per question in review order, with one of pk-risk-high, pk-risk-medium,
                          pk-risk-none, pk-risk-na, pk-risk-unanswered, aria-current on the one shown
  pk-agenda               the agenda page
  pk-agenda-head          box of the two agenda buttons
  pk-timer-toggle         ToggleButton: start or pause the timer
  pk-agenda-edit          ToggleButton: show the timebox editor
  pk-agenda-total         "Elapsed h:mm of h:mm planned"
  pk-agenda-table         table per pillar (tr.pk-agenda-current, span.pk-agenda-over)
  pk-agenda-editor        box of timebox inputs (built on first open)
  pk-timebox              BoundedIntText: a pillar's minutes
  pk-parking-lot          the parking lot page
  pk-park-summary         "n parked, n open"
  pk-park-list            box of parked topics
  pk-park-row             one parked topic
  pk-park-done            Checkbox: done
  pk-park-item            its text, owner and question
  pk-park-goto            Button: go to its question
  pk-workload             the workload page (built on first open)
  pk-workload-name        Text
  pk-workload-description Textarea
  pk-workload-environment Dropdown: PRODUCTION or PREPRODUCTION
  pk-workload-owner       Text
  pk-workload-industry    Text
  pk-workload-regions     Text, comma separated
  pk-workload-date        DatePicker: review date
  pk-workload-facilitator Text
  pk-workload-participants Textarea, one per line
  pk-workload-notes       Textarea
  pk-workload-rto         Text: recovery time objective
  pk-workload-rpo         Text: recovery point objective
  pk-workload-compliance  Text: compliance needs
  pk-pillar-priorities    the ordered picker of pillar priorities, most important first
  pk-priority-empty       "No priorities yet" (hidden once one is ranked)
  pk-priority-list        box of the ranked pillars
  pk-priority-row         one ranked pillar: its number and name, then three buttons
  pk-priority-name        "1. Security" (span.pk-priority-rank holds the number)
  pk-priority-up          Button: move it up (its tooltip, "Move Security up", is its accessible name)
  pk-priority-down        Button: move it down
  pk-priority-remove      Button: take it out of the priorities
  pk-priority-add         Dropdown: add one of the review's other pillars at the end (hidden when none is left)
  pk-lens-list            box of lens checkboxes
  pk-lens-toggle          Checkbox: apply a lens (bundled and custom ones)
  pk-lens-custom          on the checkbox of an uploaded lens
  pk-lens-upload          FileUpload: a custom lens JSON
  pk-files                the review file page (built on first open)
  pk-binder-note          how saving works, and "download to keep your work" on Binder
  pk-current-file         the file being saved to
  pk-export               the export section
  pk-export-row           box of the format picker and the button
  pk-export-format        Dropdown: Handout (HTML), Handout (PDF), Spreadsheet (XLSX), Spreadsheet (CSV), Data (JSON),
                          Backlog (CSV), Risk register (CSV); without Chromium on the server,
                          "Handout (PDF, from your browser)" instead of Handout (PDF)
  pk-export-edition       Dropdown: Full handout or Executive summary (shown for the handout's formats)
  pk-printer              the (hidden) widget that opens the browser's print dialog on the handout (iframe.pk-print-frame)
  pk-export-prepare       Button: prepare the download
  pk-export-status        "Preparing the file…", then the download anchor (a.pk-export-link, data URI) and what it holds
  pk-resume-recent-text   the most recent other review
  pk-resume-recent        Button: resume it
  pk-resume-row           box of the picker and its buttons
  pk-resume-picker        Dropdown: saved reviews, newest first
  pk-resume-open          Button: open the picked review
  pk-resume-refresh       Button: read the folder again
  pk-upload               FileUpload: a review file to continue
  pk-new-review           Button: start a new review
  pk-milestone-row        box of the milestone name and button
  pk-milestone-name       Text
  pk-milestone-save       Button: save a milestone
  pk-milestones           list of milestones
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kit.app.app import ReviewApp

__all__ = ["ReviewApp"]


def __getattr__(name: str) -> Any:
    # Imported on first use, so that the widget-free modules (kit.app.session and the modules it
    # uses) can be imported, and tested, without ipywidgets.
    if name == "ReviewApp":
        from kit.app.app import ReviewApp

        return ReviewApp
    raise AttributeError(f"module 'kit.app' has no attribute {name!r}")

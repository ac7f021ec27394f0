"""The browser scenario: what a facilitator does in the app, as plain functions on a Playwright page.

The Voila tests (``test_voila_app.py``) and the Binder rehearsal (``test_binder_rehearsal.py``)
run these same functions, so both servings are held to the same checks. Widgets are found
only by the stable ``pk-*`` classes listed in ``kit/app/__init__.py``. Waiting is left to
Playwright's ``expect`` wherever the screen shows the result; the autosaved file, which
lags the screen by up to a second by design, is polled in a bounded loop.
"""

from __future__ import annotations

import base64
import functools
import json
import re
import time
from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import expect

from tests.browser.harness import (
    READY,
    READY_TIMEOUT_MS,
    Target,
    kernel_id,
    kernels_by_id,
    wait_until_kernels_stopped,
)

LENS = "wellarchitected"
#: How long the autosaved file may take to show a change: the 1 s debounce and a round trip, with room to spare.
SAVE_TIMEOUT = 10.0

CHART = "img.pk-risk-chart, .pk-risk-chart img"
BADGE = ".pk-risk-badge .pk-badge[data-risk]"
NONE_OF_THESE = ".pk-choice-none input[type=checkbox]"
NOTES = ".pk-notes textarea"
SAVED = re.compile(r"saved \d\d:\d\d:\d\d")
REVIEW_FILE_NAME = re.compile(r"^untitled-[0-9a-f]{8}\.json$")


# --- the lens, as the app shows it --------------------------------------------------------


@functools.cache
def _questions() -> list:
    from kit.core.lens import load

    return list(load(LENS).questions())


def question(n: int):
    """The lens's n-th question (1: OPS01)."""
    return _questions()[n - 1]


def question_count() -> int:
    return len(_questions())


def practice_ids(n: int) -> list[str]:
    return [choice.id for choice in question(n).practices]


# --- the page -----------------------------------------------------------------------------


def box(page, n: int):
    """The checkbox of the n-th practice of the question on screen."""
    return page.locator(f".pk-choice-{n} input[type=checkbox]")


def badge(page, risk: str):
    return page.locator(f"{BADGE}[data-risk='{risk}']")


def total(page, risk: str):
    """The overall count of one risk (``high``, ``medium``, ``none``, ``not_applicable``, ``unanswered``)."""
    return page.locator(f".pk-risk-totals .pk-total-{risk} b").first


def expect_totals(page, **counts: int) -> None:
    for risk, count in counts.items():
        expect(total(page, risk), f"{risk} in .pk-risk-totals").to_have_text(str(count))


def expect_question(page, n: int) -> None:
    expect(page.locator(".pk-question-title")).to_contain_text(question(n).code)


def chart_source(page) -> str:
    chart = page.locator(CHART).first
    expect(chart).to_have_attribute("src", re.compile(r".+"))
    return chart.get_attribute("src")


def chart_fingerprint(page) -> dict:
    """The picture on screen: its SHA-256 and pixel size, read back from the image itself."""
    return page.locator(CHART).first.evaluate(
        """async (img) => {
            await img.decode();
            const bytes = await (await fetch(img.src)).arrayBuffer();
            const digest = await crypto.subtle.digest('SHA-256', bytes);
            const hex = [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
            return {sha256: hex, width: img.naturalWidth, height: img.naturalHeight, bytes: bytes.byteLength};
        }"""
    )


def expect_redrawn(page, before_src: str, before: dict) -> dict:
    """The chart's picture was replaced by a different, decodable one."""
    expect(page.locator(CHART).first).not_to_have_attribute("src", before_src)
    after = chart_fingerprint(page)
    assert after["width"] > 0 and after["height"] > 0, f"the new chart does not decode: {after}"
    assert after["sha256"] != before["sha256"], "the chart's source changed but the picture is the same"
    return after


def open_side_page(page, name: str) -> None:
    page.locator(".pk-side-picker button", has_text=name).click()


def upload_review(page, path: Path) -> None:
    """Upload a review file through the "Review file" side page's upload button.

    ipywidgets 8's FileUpload keeps its ``<input type=file>`` out of the document (the button
    clicks it), so there is no input to fill inside ``.pk-upload``: the file goes through the
    file chooser the button opens, as it does for a person.
    """
    button = page.locator(".pk-upload")
    expect(button).to_be_visible()
    inputs = button.locator("input[type=file]")
    if inputs.count():
        inputs.first.set_input_files(path)
        return
    with page.expect_file_chooser() as chooser:
        button.click()
    chooser.value.set_files(path)


def wait_ready(page) -> None:
    expect(page.locator(READY)).to_be_visible(timeout=READY_TIMEOUT_MS)


# --- the review files ---------------------------------------------------------------------


def review_files(reviews: Path) -> list[Path]:
    """The review files in the folder, newest first."""
    if not reviews.is_dir():
        return []
    return sorted(reviews.glob("*.json"), key=lambda p: p.stat().st_mtime_ns, reverse=True)


def answer(data: dict, n: int) -> dict | None:
    return data.get("answers", {}).get(LENS, {}).get(question(n).id)


def saved_review(
    page, reviews: Path, expected: Callable[[dict], bool], what: str, exclude: tuple[Path, ...] = ()
) -> tuple[Path, dict]:
    """The newest review file once the status says saved and the file shows ``expected``.

    Polls for at most ``SAVE_TIMEOUT`` seconds (the autosave is at most one second behind).
    """
    expect(page.locator(".pk-saved-status")).to_have_text(SAVED, timeout=SAVE_TIMEOUT * 1000)
    deadline = time.monotonic() + SAVE_TIMEOUT
    seen: object = "no review file"
    while True:
        files = [p for p in review_files(reviews) if p not in exclude]
        if files:
            try:
                data = json.loads(files[0].read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:  # read while being replaced: try again
                seen = f"{files[0].name}: {exc}"
            else:
                seen = data.get("answers")
                if expected(data):
                    return files[0], data
        if time.monotonic() > deadline:
            raise AssertionError(
                f"the autosaved review never showed {what} within {SAVE_TIMEOUT:.0f} s; last seen: {seen}"
            )
        page.wait_for_timeout(200)


def choice_statuses(entry: dict) -> dict[str, str]:
    return {c["ChoiceId"]: c["Status"] for c in entry.get("ChoiceAnswers", [])}


# --- the scenario -------------------------------------------------------------------------


def first_question_is_shown(page, console_errors: list[str], blocked: list[str]) -> None:
    """The page opens on OPS01 with its practices ready to tick, and nothing went wrong."""
    first = question(1)
    title = page.locator(".pk-question-title")
    expect(title).to_contain_text(first.code)
    expect(title).to_contain_text(first.title)
    for n in range(1, len(first.practices) + 1):
        expect(box(page, n)).to_be_visible()
        expect(box(page, n)).to_be_enabled()
        expect(box(page, n)).not_to_be_checked()
    expect(page.locator(NONE_OF_THESE)).to_be_visible()
    expect(page.locator(f".pk-choice-{len(first.practices) + 1}")).to_have_count(0)  # one row per practice, no more
    expect(page.locator(BADGE)).to_have_attribute("data-risk", "UNANSWERED")
    expect_totals(page, unanswered=question_count(), high=0)
    expect(page.locator(".pk-message-is-error")).to_be_hidden()
    chart_source(page)  # the chart was drawn
    # voila.json strips the sources: the facilitator sees the app, never the notebook's code.
    assert "from kit.app import" not in page.content(), (
        "the notebook's source is on the page (strip_sources is not applied)"
    )
    assert console_errors == [], f"the page logged errors: {console_errors}"
    assert blocked == [], f"the page asked for resources off this machine: {blocked}"


def ticking_redraws_chart_and_badge(page) -> None:
    """Each tick replaces the chart and the badge, and the totals count the question right."""
    count = len(question(1).practices)
    before_src, before = chart_source(page), chart_fingerprint(page)
    assert before["width"] > 0, "the first chart does not decode"

    box(page, 1).check()
    # OPS01's other practices include HIGH ones, so one tick leaves the question at high risk.
    expect(page.locator(BADGE)).to_have_attribute("data-risk", "HIGH")
    expect_totals(page, high=1, medium=0, none=0, not_applicable=0, unanswered=question_count() - 1)
    after_one = expect_redrawn(page, before_src, before)
    src_one = chart_source(page)

    for n in range(2, count + 1):
        box(page, n).check()
    expect(page.locator(BADGE)).to_have_attribute("data-risk", "NONE")
    expect_totals(page, high=0, medium=0, none=1, not_applicable=0, unanswered=question_count() - 1)
    expect_redrawn(page, src_one, after_one)
    for n in range(1, count + 1):
        expect(box(page, n)).to_be_checked()


def notes_are_counted_and_limited(page) -> None:
    """Notes are counted as typed; past the limit they are flagged and refused, then accepted once shortened."""
    notes = page.locator(NOTES)
    counter = page.locator(".pk-notes-count")
    text = "The team ranks external customers first."
    notes.fill(text)
    expect(counter).to_contain_text(f"{len(text)} / 2084")
    expect(page.locator(".pk-notes")).not_to_have_class(re.compile(r"\bpk-invalid\b"))

    notes.fill("x" * 2085)
    expect(page.locator(".pk-notes")).to_have_class(re.compile(r"\bpk-invalid\b"))
    expect(counter.locator(".pk-count-over")).to_be_visible()
    expect(page.locator(".pk-message-is-error")).to_be_visible()
    expect(page.locator(".pk-message-text")).to_contain_text("OPS01")

    notes.fill(text)
    expect(page.locator(".pk-notes")).not_to_have_class(re.compile(r"\bpk-invalid\b"))
    expect(counter.locator(".pk-count-over")).to_have_count(0)
    expect(notes).to_have_value(text)
    # A note alone does not answer the question.
    expect(page.locator(BADGE)).to_have_attribute("data-risk", "UNANSWERED")


def not_applicable_with_reason(page) -> None:
    """'Does not apply' with a reason makes the question NOT_APPLICABLE; unticking it undoes that."""
    toggle = page.locator(".pk-na-toggle input[type=checkbox]")
    reason = page.locator(".pk-na-reason select")
    expect(reason).to_be_hidden()
    toggle.check()
    expect(reason).to_be_visible()
    reason.select_option(label="Out of scope")
    expect(page.locator(BADGE)).to_have_attribute("data-risk", "NOT_APPLICABLE")
    expect(page.locator(".pk-choices")).to_have_class(re.compile(r"\bpk-dimmed\b"))
    expect_totals(page, not_applicable=1, unanswered=question_count() - 1)
    expect(reason).to_have_value("Out of scope")

    toggle.uncheck()
    expect(page.locator(BADGE)).to_have_attribute("data-risk", "UNANSWERED")
    expect(reason).to_be_hidden()
    expect(page.locator(".pk-choices")).not_to_have_class(re.compile(r"\bpk-dimmed\b"))
    expect_totals(page, not_applicable=0, unanswered=question_count())


def none_of_these_is_exclusive(page) -> None:
    """Ticking "None of these" unticks the practices; ticking a practice unticks "None of these"."""
    none = page.locator(NONE_OF_THESE)
    box(page, 1).check()
    box(page, 2).check()
    expect(page.locator(BADGE)).to_have_attribute("data-risk", "HIGH")
    none.check()
    expect(box(page, 1)).not_to_be_checked()
    expect(box(page, 2)).not_to_be_checked()
    expect(none).to_be_checked()
    expect(page.locator(BADGE)).to_have_attribute("data-risk", "HIGH")
    expect_totals(page, high=1)

    box(page, 3).check()
    expect(none).not_to_be_checked()
    expect(box(page, 3)).to_be_checked()
    expect(box(page, 1)).not_to_be_checked()
    expect(page.locator(BADGE)).to_have_attribute("data-risk", "HIGH")


def autosave_matches_clicks(page, reviews: Path) -> None:
    """The autosaved file holds exactly what was clicked, in the WA Tool API's shape."""
    c = practice_ids(1)
    notes = "Customers <b>first</b> & then compliance"  # markup is data: kept verbatim
    box(page, 1).check()
    box(page, 3).check()
    page.locator(NOTES).fill(notes)
    page.locator(".pk-next").click()
    expect_question(page, 2)
    page.locator(".pk-na-toggle input[type=checkbox]").check()
    page.locator(".pk-na-reason select").select_option(label="Business priorities")
    expect(page.locator(BADGE)).to_have_attribute("data-risk", "NOT_APPLICABLE")

    def done(data: dict) -> bool:
        second = answer(data, 2)
        return bool(second) and second.get("Reason") == "BUSINESS_PRIORITIES"

    path, data = saved_review(page, reviews, done, "OPS02 not applicable for business priorities")
    assert REVIEW_FILE_NAME.match(path.name), f"unexpected file name {path.name}"
    assert [p.name for p in review_files(reviews)] == [path.name], "the app wrote more than one review file"
    assert data["format"] == "pillarkit-review"
    assert [lens["alias"] for lens in data["lenses"]] == [LENS]
    assert answer(data, 1) == {
        "SelectedChoices": [c[0], c[2]],
        "ChoiceAnswers": [{"ChoiceId": c[0], "Status": "SELECTED"}, {"ChoiceId": c[2], "Status": "SELECTED"}],
        "IsApplicable": True,
        "Notes": notes,
    }
    assert answer(data, 2) == {
        "SelectedChoices": [],
        "ChoiceAnswers": [],
        "IsApplicable": False,
        "Reason": "BUSINESS_PRIORITIES",
    }
    answered = {qid for qid, entry in data["answers"][LENS].items() if not _blank(entry)}
    assert answered == {question(1).id, question(2).id}, f"answers nobody gave: {answered}"


def download_then_upload_restores(page, reviews: Path, open_app: Callable[[], object], folder: Path) -> None:
    """Download the review file; a fresh page that uploads it shows every answer again."""
    c1, c2 = practice_ids(1), practice_ids(2)
    notes = "Decided: review again in Q3."
    box(page, 1).check()
    box(page, 3).check()
    page.locator(NOTES).fill(notes)
    page.locator(".pk-next").click()
    expect_question(page, 2)
    box(page, 1).check()
    page.locator(".pk-prev").click()
    expect_question(page, 1)

    def done(data: dict) -> bool:
        first, second = answer(data, 1) or {}, answer(data, 2) or {}
        position = data.get("extensions", {}).get("app", {}).get("position", {})
        return (
            first.get("SelectedChoices") == [c1[0], c1[2]]
            and first.get("Notes") == notes
            and second.get("SelectedChoices") == [c2[0]]
            and position.get("question") == question(1).id
        )

    original, _ = saved_review(page, reviews, done, "both questions answered and OPS01 on screen")
    text = original.read_text(encoding="utf-8")
    saved = json.loads(text)
    link = page.locator("a.pk-download-link")
    # The link is rebuilt with every save: wait until it carries the file as saved.
    deadline = time.monotonic() + SAVE_TIMEOUT
    while _data_uri_text(link.get_attribute("href") or "") != text:
        if time.monotonic() > deadline:
            raise AssertionError("the download link never carried the saved review")
        page.wait_for_timeout(200)
    with page.expect_download() as info:
        link.click()
    download = info.value
    assert download.failure() is None, download.failure()
    assert download.suggested_filename == original.name
    kept = folder / download.suggested_filename
    download.save_as(kept)
    downloaded = json.loads(kept.read_text(encoding="utf-8"))
    assert downloaded == saved, "the downloaded review differs from the autosaved one"

    page.close(run_before_unload=True)
    fresh = open_app()
    for n in (1, 2, 3):
        expect(box(fresh, n)).not_to_be_checked()  # a new review, before the upload
    expect(fresh.locator(NOTES)).to_have_value("")
    open_side_page(fresh, "Review file")
    upload_review(fresh, kept)

    expect(fresh.locator(".pk-message-is-success")).to_contain_text("uploaded")
    expect_question(fresh, 1)
    expect(box(fresh, 1)).to_be_checked()
    expect(box(fresh, 2)).not_to_be_checked()
    expect(box(fresh, 3)).to_be_checked()
    expect(fresh.locator(NOTES)).to_have_value(notes)
    expect(fresh.locator(BADGE)).to_have_attribute("data-risk", "HIGH")

    copy, restored = saved_review(fresh, reviews, lambda data: True, "the uploaded review", exclude=(original,))
    assert copy != original, "the upload overwrote the downloaded file instead of saving a copy"
    assert restored["answers"] == downloaded["answers"], (
        "the uploaded review's answers differ from the downloaded file's"
    )
    assert restored["workload"] == downloaded["workload"]

    fresh.locator(".pk-next").click()
    expect_question(fresh, 2)
    expect(box(fresh, 1)).to_be_checked()
    expect(box(fresh, 2)).not_to_be_checked()


def reload_resumes(page, reviews: Path) -> None:
    """A reload shows the same review at once, with no click: every answer, presenter mode, hidden choices and
    the running timer come back from the file, the status says when it was saved, and it saves to the same file."""
    c = practice_ids(1)
    notes = "Resume me after a reload."
    box(page, 2).check()
    page.locator(NOTES).fill(notes)
    page.locator(".pk-presenter-toggle").click()
    page.locator(".pk-hide-choices input[type=checkbox]").check()
    page.locator(".pk-timer-toggle").click()
    expect(page.locator(".pk-agenda-total")).to_contain_text("timer running")

    def ticked_noted_and_set(data: dict) -> bool:
        first = answer(data, 1) or {}
        modes = data.get("extensions", {}).get("app", {}).get("modes", {})
        running = data.get("extensions", {}).get("agenda", {}).get("running")
        return (
            first.get("Notes") == notes
            and first.get("SelectedChoices") == [c[1]]
            and modes.get("presenter") is True
            and modes.get("hide_choices") is True
            and running is True
        )

    path, _ = saved_review(page, reviews, ticked_noted_and_set, "the tick, the notes, the modes and the timer")
    review_id = path.stem.rsplit("-", 1)[1]
    expect(page).to_have_url(re.compile(rf"[?&]review={review_id}\b"))  # the address names the review

    page.reload()
    wait_ready(page)
    expect(box(page, 2)).to_be_checked()  # at once: nobody clicked anything
    expect(page.locator(NOTES)).to_have_value(notes)
    expect(page.locator(".pk-resume-banner")).to_be_hidden()
    expect(page.locator(".pk-app")).to_have_class(re.compile(r"\bpk-presenter\b"))
    expect(page.locator(".pk-hide-choices input[type=checkbox]")).to_be_checked()
    expect(page.locator(".pk-agenda-total")).to_contain_text("timer running")
    expect(page.locator(".pk-saved-status")).to_have_text(SAVED)  # when the file was last saved, not "not saved yet"
    expect(page.locator("a.pk-download-link")).to_have_attribute("download", path.name)
    expect(page.locator(BADGE)).to_have_attribute("data-risk", "HIGH")
    expect(page.locator(".pk-owner-banner")).to_be_hidden()

    # The reloaded page saves to the same file: once the old page has let go, a tick is accepted.
    expect(page.locator(".pk-app")).not_to_have_class(re.compile(r"\bpk-read-only\b"), timeout=15_000)
    box(page, 4).check()
    again, data = saved_review(
        page,
        reviews,
        lambda data: (answer(data, 1) or {}).get("SelectedChoices") == [c[1], c[3]],
        "the tick after the reload",
    )
    assert again == path, f"the reloaded page saved to {again.name} instead of {path.name}"
    assert [p.name for p in review_files(reviews)] == [path.name]
    assert answer(data, 1)["Notes"] == notes


def closing_pages_stops_their_kernels(open_app: Callable[[], object], target: Target) -> None:
    """Each open page has a kernel of its own; closing the pages (beforeunload) stops them all."""
    pages = [open_app(), open_app()]
    ids = {kernel_id(page) for page in pages}
    assert len(ids) == 2, f"two pages share a kernel: {ids}"
    running = kernels_by_id(target.server_pid)
    assert ids <= running.keys(), f"the pages' kernels {ids} are not among the server's {running}"
    for page in pages:
        page.close(run_before_unload=True)
    wait_until_kernels_stopped(target, ids)
    left = kernels_by_id(target.server_pid)
    assert not ids & left.keys()
    assert len(left) == target.pool, f"expected the pool of {target.pool} kernels, found {left}"


def _blank(entry: dict) -> bool:
    return not (entry.get("SelectedChoices") or entry.get("ChoiceAnswers") or entry.get("Notes")) and entry.get(
        "IsApplicable", True
    )


def _data_uri_text(href: str) -> str | None:
    head, _, payload = href.partition(",")
    if not head.startswith("data:") or not head.endswith(";base64"):
        return None
    return base64.b64decode(payload).decode("utf-8")


HEATMAP = "img.pk-register-heatmap, .pk-register-heatmap img"


def register_page_adds_edits_parks_and_resumes(page, reviews: Path) -> None:
    """The Risk register page: add from the catalogue, rate it (the heat map redraws), park a question, reload."""
    page.locator(".pk-main-picker button", has_text="Risk register").click()
    heatmap = page.locator(HEATMAP)
    expect(heatmap).to_be_visible()
    expect(page.locator(".pk-register-empty")).to_be_visible()
    empty_map = heatmap.get_attribute("src")

    page.locator(".pk-register-kind select").select_option(label="Relational databases")
    page.locator(".pk-register-failure select").select_option(index=0)
    expect(page.locator(".pk-register-preview")).to_contain_text("Notice it:")
    page.locator(".pk-register-component input").fill("Orders <database>")
    page.locator(".pk-register-add-catalogue").click()
    row = page.locator(".pk-register-line[data-risk-id='R1']")
    expect(row).to_contain_text("Orders <database>")  # text, never markup
    expect(page.locator(".pk-register-editor")).to_be_visible()
    expect(heatmap).not_to_have_attribute("src", empty_map)
    medium_map = heatmap.get_attribute("src")

    page.locator(".pk-register-field-likelihood button", has_text="High").click()
    page.locator(".pk-register-field-impact button", has_text="High").click()
    expect(row.locator(".pk-rating-high")).to_have_text("9")
    expect(heatmap).not_to_have_attribute("src", medium_map)
    page.locator(".pk-register-field-owner input").fill("Data team")
    page.locator(".pk-register-question input").fill("Does the app re-resolve DNS after a failover?")
    page.locator(".pk-register-park").click()
    expect(page.locator(".pk-message-is-success")).to_contain_text("Parked for later, with risk R1")

    def saved_register(data: dict) -> bool:
        entries = data.get("risk_register", [])
        parked = data.get("parking_lot", [])
        return (
            bool(entries)
            and entries[0].get("likelihood") == "HIGH"
            and entries[0].get("owner") == "Data team"
            and any(p.get("risk") == "R1" for p in parked)
        )

    path, data = saved_review(page, reviews, saved_register, "the rated risk and its parked question")
    entry = data["risk_register"][0]
    assert (entry["id"], entry["component"], entry["impact"]) == ("R1", "Orders <database>", "HIGH")
    assert entry["catalogue"].startswith("relational-database.")

    page.reload()  # the page's address names the review: it is shown again at once, with no click
    wait_ready(page)
    expect(page.locator(".pk-resume-banner")).to_be_hidden()
    page.locator(".pk-main-picker button", has_text="Risk register").click()
    expect(page.locator(".pk-register-line[data-risk-id='R1']")).to_contain_text("Data team")
    assert [p.name for p in review_files(reviews)] == [path.name]

    # The reloaded page writes once the page it replaced has let go; a change to a risk is undone like any other.
    expect(page.locator(".pk-app")).not_to_have_class(re.compile(r"\bpk-read-only\b"), timeout=15_000)
    row = page.locator(".pk-register-line[data-risk-id='R1']")
    page.locator(".pk-register-edit").first.click()
    page.locator(".pk-register-field-impact button", has_text="Low").click()
    expect(row.locator(".pk-rating-medium")).to_have_text("3")
    saved_review(page, reviews, lambda d: d["risk_register"][0]["impact"] == "LOW", "the lowered impact")
    page.locator(".pk-undo").click()
    expect(row.locator(".pk-rating-high")).to_have_text("9")
    expect(page.locator(".pk-register-field-impact button.mod-active")).to_have_text("High")
    path, data = saved_review(page, reviews, lambda d: d["risk_register"][0]["impact"] == "HIGH", "the undone rating")
    assert [p.name for p in review_files(reviews)] == [path.name]

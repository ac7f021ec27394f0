"""The room's view in Chromium against Voila, at 1280×720 and 1920×1080 (issue 12, items 1 to 5).

Presenter mode must show a question's title, every practice and the risk chart without
scrolling; navigation sits on one row; no label is cut to "…"; the question overview carries
one ``pk-overview-item`` per question with its risk class; the keyboard works and never fires
while typing; the tab, dates, icons, fonts, log and labels are what a person expects. Checks
use bounding boxes and classes. Every test saves screenshots, to ``$PILLARKIT_SCREENSHOTS``
when set (for a person to look at) or to the test's own folder.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser import scenario
from tests.browser.harness import READY, READY_TIMEOUT_MS

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SIZES = {"1280x720": (1280, 720), "1920x1080": (1920, 1080)}
RISK_CLASSES = ("pk-risk-high", "pk-risk-medium", "pk-risk-none", "pk-risk-na", "pk-risk-unanswered")
#: Elements whose text a too-narrow box would cut to "…" (buttons, labels, checkbox captions).
LABELLED = (
    ".pk-app button:visible, .pk-app .widget-label:visible, .pk-app .widget-label-basic span:visible, "
    ".pk-app .widget-html-content:visible"
)
#: The page's scroller in Voila 0.5 (its body does not scroll).
SCROLLER = "#rendered_cells"


@pytest.fixture
def screenshots(request, tmp_path) -> Path:
    folder = Path(os.environ.get("PILLARKIT_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def shoot(page, folder: Path, name: str) -> None:
    page.screenshot(path=folder / f"{name}.png")


def open_at(session, size: tuple[int, int]):
    """The app in a fresh page of the given viewport, with the resume offer (if any) declined."""
    page = session.new_page()
    page.set_viewport_size({"width": size[0], "height": size[1]})
    page.goto(session.target.url)
    session.wait_ready(page)
    banner = page.locator(".pk-resume-banner")
    if banner.is_visible():
        page.locator(".pk-banner-dismiss").click()
        expect(banner).to_be_hidden()
    return page


def box(page, selector: str) -> dict:
    found = page.locator(selector).first.bounding_box()
    assert found is not None, f"{selector} is not on screen"
    return found


def within_viewport(page, selector: str) -> None:
    """Every element matching ``selector`` lies entirely inside the viewport, as the page first shows it."""
    height = page.viewport_size["height"]
    width = page.viewport_size["width"]
    boxes = [b for b in (el.bounding_box() for el in page.locator(selector).all()) if b is not None]
    assert boxes, f"no {selector} on screen"
    for b in boxes:
        assert b["y"] >= 0 and b["y"] + b["height"] <= height + 0.5, f"{selector} is cut at the bottom: {b}"
        assert b["x"] >= 0 and b["x"] + b["width"] <= width + 0.5, f"{selector} is cut at the side: {b}"


def scroll_top(page) -> float:
    return page.evaluate(f"() => document.querySelector('{SCROLLER}').scrollTop")


def go_to_question(page, n: int) -> None:
    """Through the overview (one click), as a facilitator would."""
    scenario.open_side_page(page, "Questions")
    page.locator(".pk-overview-item").nth(n - 1).click()
    scenario.expect_question(page, n)


def cut_labels(page) -> list[str]:
    """Visible labels whose text does not fit their box (shown as "…" or a first letter)."""
    return page.evaluate(
        """(selector) => [...document.querySelectorAll(selector.replaceAll(':visible', ''))]
            .filter((el) => el.offsetParent !== null && el.getClientRects().length)
            .filter((el) => !el.matches('.pk-sr-label > .widget-label'))  // hidden from sight on purpose
            .filter((el) => el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflowX !== 'visible'
                            || el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).textOverflow === 'ellipsis')
            .map((el) => `${el.className} "${el.textContent.trim().slice(0, 40)}" ${el.scrollWidth}>${el.clientWidth}`)""",
        LABELLED,
    )


# --- 1. presenter mode fits a projector ------------------------------------------------------


@pytest.mark.parametrize(("size", "n"), [("1280x720", 1), ("1920x1080", 5)], ids=["1280x720-OPS01", "1920x1080-OPS05"])
def test_presenter_mode_shows_title_every_practice_and_the_chart_without_scrolling(
    browser_session, screenshots, size, n
):
    page = open_at(browser_session, SIZES[size])
    go_to_question(page, n)
    scenario.open_side_page(page, "Agenda")
    normal_chart = box(page, scenario.CHART)["width"]
    normal_agenda = page.locator(".pk-agenda-table").evaluate("(el) => parseFloat(getComputedStyle(el).fontSize)")
    normal_title = page.locator(".pk-question-title h2").evaluate("(el) => parseFloat(getComputedStyle(el).fontSize)")
    shoot(page, screenshots, f"normal-{size}")

    page.locator(".pk-presenter-toggle").click()
    expect(page.locator(".pk-app.pk-presenter")).to_have_count(1)
    page.wait_for_timeout(300)  # the chart is redrawn larger
    assert scroll_top(page) == 0
    practices = len(scenario.question(n).practices)
    expect(page.locator(".pk-choice-row:visible")).to_have_count(practices + 1)  # and "None of these"
    within_viewport(page, ".pk-question-title")
    within_viewport(page, ".pk-choice-row:visible")
    within_viewport(page, scenario.CHART)
    within_viewport(page, ".pk-risk-totals")
    # Large type for the room; the chart and the agenda grow with it (at 1280 the question keeps the width it needs).
    title = page.locator(".pk-question-title h2").evaluate("(el) => parseFloat(getComputedStyle(el).fontSize)")
    agenda = page.locator(".pk-agenda-table").evaluate("(el) => parseFloat(getComputedStyle(el).fontSize)")
    assert title > normal_title and agenda > normal_agenda
    if size == "1920x1080":
        assert box(page, scenario.CHART)["width"] > normal_chart * 1.2
    # The notebook's own heading is not shown above the app: the toolbar is the top of the page.
    assert box(page, ".pk-toolbar")["y"] < 40
    assert page.locator(".jp-MarkdownCell, .jp-RenderedMarkdown").count() == 0
    shoot(page, screenshots, f"presenter-{size}-{scenario.question(n).code}")


@pytest.mark.parametrize("size", SIZES)
def test_navigation_is_one_row_and_the_risk_panel_stays_in_view_while_the_question_scrolls(
    browser_session, screenshots, size
):
    page = open_at(browser_session, SIZES[size])
    for presenter in (False, True):
        if presenter:
            page.keyboard.press("p")
            expect(page.locator(".pk-app.pk-presenter")).to_have_count(1)
        rows = [box(page, s) for s in (".pk-prev", ".pk-pillar-picker", ".pk-question-picker", ".pk-next")]
        middles = [b["y"] + b["height"] / 2 for b in rows]
        assert max(middles) - min(middles) < 6, f"the navigation wraps: {rows}"
        assert rows[0]["x"] < rows[1]["x"] < rows[2]["x"] < rows[3]["x"]
        # Open every practice's details so the question is taller than the screen, then scroll it.
        # One at a time: a details box opening moves the toggles below it, so a click sent before
        # it opened could land beside the next toggle.
        details = page.locator(".pk-choice-more:visible").all()
        for opened, toggle in enumerate(details, start=1):
            toggle.click()
            expect(page.locator(".pk-choice-details:visible")).to_have_count(opened)
        page.evaluate(f"() => document.querySelector('{SCROLLER}').scrollBy(0, 400)")
        page.wait_for_timeout(100)
        assert scroll_top(page) > 0, "nothing to scroll: the test proves nothing"
        within_viewport(page, scenario.CHART)
        shoot(page, screenshots, f"scrolled-{'presenter' if presenter else 'normal'}-{size}")
        page.evaluate(f"() => document.querySelector('{SCROLLER}').scrollTo(0, 0)")
        for still_open, toggle in reversed(list(enumerate(details))):
            toggle.click()
            expect(page.locator(".pk-choice-details:visible")).to_have_count(still_open)


# --- 2. the question overview --------------------------------------------------------------


def overview_classes(page) -> list[list[str]]:
    return page.locator(".pk-overview-item").evaluate_all(
        "(items) => items.map((el) => [...el.classList].filter((c) => c.startsWith('pk-risk-')))"
    )


def test_the_overview_lists_every_question_in_order_with_a_live_risk_mark(browser_session, screenshots):
    page = open_at(browser_session, SIZES["1280x720"])
    scenario.open_side_page(page, "Questions")
    items = page.locator(".pk-overview-item")
    expect(items).to_have_count(scenario.question_count())
    codes = items.locator(".pk-overview-code").all_text_contents()
    assert codes == [scenario.question(n).code for n in range(1, scenario.question_count() + 1)]
    assert all(classes == ["pk-risk-unanswered"] for classes in overview_classes(page))
    assert page.locator(".pk-overview-pillar").all_text_contents()[:2] == ["Operational Excellence", "Security"]
    expect(items.first).to_have_attribute("aria-current", "true")

    scenario.box(page, 1).check()  # OPS01: one practice of several -> HIGH
    expect(items.first).to_have_class(re.compile(r"\bpk-risk-high\b"))
    for n in range(1, len(scenario.practice_ids(1)) + 1):
        scenario.box(page, n).check()
    expect(items.first).to_have_class(re.compile(r"\bpk-risk-none\b"))
    page.keyboard.press("n")
    page.locator(".pk-na-toggle input").check()  # OPS02 does not apply
    expect(items.nth(1)).to_have_class(re.compile(r"\bpk-risk-na\b"))
    expect(items.nth(1)).to_have_attribute("aria-current", "true")
    classes = overview_classes(page)
    assert all(len(c) == 1 and c[0] in RISK_CLASSES for c in classes), classes
    assert classes[0] == ["pk-risk-none"] and classes[1] == ["pk-risk-na"]
    # Risk is said in words too, for a screen reader and for anyone who does not see the colour.
    expect(items.first).to_have_attribute("aria-label", re.compile(r"OPS01 .+: no risk$"))
    expect(items.first.locator(".pk-overview-mark")).to_have_text("OK")
    expect(items.nth(2).locator(".pk-overview-mark")).to_have_text("–")
    shoot(page, screenshots, "overview-1280x720")

    items.nth(20).click()
    scenario.expect_question(page, 21)
    expect(items.nth(20)).to_have_attribute("aria-current", "true")


# --- 3. the keyboard -----------------------------------------------------------------------


def test_the_keyboard_moves_ticks_toggles_and_never_fires_while_typing(browser_session, screenshots):
    page = open_at(browser_session, SIZES["1280x720"])
    page.keyboard.press("n")
    scenario.expect_question(page, 2)
    page.keyboard.press("ArrowRight")
    scenario.expect_question(page, 3)
    page.keyboard.press("b")
    page.keyboard.press("ArrowLeft")
    scenario.expect_question(page, 1)

    page.keyboard.press("2")
    expect(scenario.box(page, 2)).to_be_checked()
    page.keyboard.press("2")
    expect(scenario.box(page, 2)).not_to_be_checked()
    page.keyboard.press("1")
    expect(scenario.box(page, 1)).to_be_checked()
    page.keyboard.press("0")  # "None of these" clears the others, as a click does
    expect(page.locator(scenario.NONE_OF_THESE)).to_be_checked()
    expect(scenario.box(page, 1)).not_to_be_checked()
    page.keyboard.press("0")
    expect(page.locator(scenario.NONE_OF_THESE)).not_to_be_checked()

    # Typing in a text field types: no key of the app fires.
    notes = page.locator(scenario.NOTES)
    notes.click()
    page.keyboard.type("n1 p0 b?")
    expect(notes).to_have_value("n1 p0 b?")
    expect(scenario.box(page, 1)).not_to_be_checked()
    expect(page.locator(".pk-app.pk-presenter")).to_have_count(0)
    expect(page.locator(".pk-keys-help")).to_have_count(0)
    scenario.expect_question(page, 1)
    page.locator(".pk-park-text input").click()
    page.keyboard.type("3")
    expect(scenario.box(page, 3)).not_to_be_checked()

    # Back on the page (a click on the question's title), the keys act again.
    page.locator(".pk-question-title").click()
    page.keyboard.press("p")
    expect(page.locator(".pk-app.pk-presenter")).to_have_count(1)
    page.keyboard.press("p")
    expect(page.locator(".pk-app.pk-presenter")).to_have_count(0)

    # Hidden choices: a number does not tick what the room cannot see; R reveals them.
    page.locator(".pk-hide-choices input").check()
    page.keyboard.press("n")
    scenario.expect_question(page, 2)
    expect(page.locator(".pk-choices")).to_be_hidden()
    page.locator(".pk-question-title").click()
    page.keyboard.press("1")
    page.keyboard.press("r")
    expect(page.locator(".pk-choices")).to_be_visible()
    expect(scenario.box(page, 1)).not_to_be_checked()

    # The help overlay lists every key; Esc closes it and gives the focus back.
    page.keyboard.press("?")
    help_box = page.locator(".pk-keys-help[role=dialog]")
    expect(help_box).to_be_visible()
    listed = help_box.locator(".pk-keys-what").all_text_contents()
    for what in ("Next question", "Previous question", "Tick or untick that practice", "Presenter mode on or off"):
        assert what in listed
    assert any("None of these" in text for text in listed) and any("hidden choices" in text for text in listed)
    shoot(page, screenshots, "keys-help-1280x720")
    page.keyboard.press("n")  # keys wait while the help is open
    page.keyboard.press("Escape")
    expect(help_box).to_have_count(0)
    scenario.expect_question(page, 2)
    page.locator(".pk-keys-button").click()
    expect(help_box).to_be_visible()
    help_box.locator(".pk-keys-close").click()
    expect(help_box).to_have_count(0)
    assert browser_session.console_errors(page) == []


def test_ctrl_z_undoes_one_change_once_and_leaves_typing_to_the_browser(browser_session):
    """One key listener for the page: Ctrl+Z (or U) outside a text field is the Undo button, once a press."""
    page = open_at(browser_session, SIZES["1280x720"])
    undo = page.locator("button.pk-undo")
    expect(undo).to_be_disabled()
    page.keyboard.press("1")
    expect(scenario.box(page, 1)).to_be_checked()
    page.keyboard.press("2")
    expect(scenario.box(page, 2)).to_be_checked()
    expect(undo).to_be_enabled()
    page.keyboard.press("Control+z")  # one change back, not two: no second listener acts on the key
    expect(scenario.box(page, 2)).not_to_be_checked()
    page.wait_for_timeout(500)
    expect(scenario.box(page, 1)).to_be_checked()
    page.keyboard.press("Control+Shift+z")  # redo elsewhere; never an undo
    page.wait_for_timeout(500)
    expect(scenario.box(page, 1)).to_be_checked()
    page.keyboard.press("u")  # U does what Ctrl+Z does
    expect(scenario.box(page, 1)).not_to_be_checked()

    # In a text field Ctrl+Z is the browser's undo of typing: the tick stays.
    page.keyboard.press("1")
    expect(scenario.box(page, 1)).to_be_checked()
    notes = page.locator(scenario.NOTES)
    notes.click()
    page.keyboard.type("rollback")
    page.keyboard.press("Control+z")
    page.wait_for_timeout(500)
    expect(scenario.box(page, 1)).to_be_checked()
    expect(page.locator(".pk-message-is-error")).to_have_count(0)
    assert browser_session.console_errors(page) == []


# --- 4. labels, dates, the tab, local icons, the log ----------------------------------------------


def test_no_label_is_cut_on_any_page_at_1280x720(browser_session, screenshots):
    page = open_at(browser_session, SIZES["1280x720"])
    page.locator(".pk-park-text input").fill("Backups of the ledger")
    page.locator(".pk-park-add").click()
    for presenter in (False, True):
        if presenter:
            page.locator(".pk-presenter-toggle").click()
        for name in ("Questions", "Agenda", "Parking lot", "Workload", "Review file"):
            scenario.open_side_page(page, name)
            page.wait_for_timeout(150)
            if name == "Workload" and not presenter:
                page.locator(".pk-priority-add select").select_option(label="Security")
                expect(page.locator(".pk-priority-row")).to_have_count(1)
            cut = cut_labels(page)
            shoot(
                page, screenshots, f"page-{name.replace(' ', '-').lower()}{'-presenter' if presenter else ''}-1280x720"
            )
            assert cut == [], f"cut labels on the {name} page: {cut}"
            # The pillar picker shows its whole value too.
            select = page.locator(".pk-pillar-picker select")
            assert select.evaluate("(el) => el.scrollWidth <= el.clientWidth + 1")


def test_the_tab_the_dates_and_the_pillar_priorities_read_as_people_write_them(browser_session):
    page = open_at(browser_session, SIZES["1280x720"])
    expect(page).to_have_title("pillarkit · Untitled workload")
    scenario.open_side_page(page, "Workload")
    page.locator(".pk-workload-name input").fill("Checkout (PCI)")
    page.locator(".pk-workload-name input").press("Enter")
    expect(page).to_have_title("pillarkit · Checkout (PCI)")

    picker = page.locator(".pk-priority-add select")
    options = [" ".join(text.split()) for text in picker.locator("option").all_text_contents()]
    assert options[0] == "Add a pillar…" and "Security" in options and "Reliability" in options
    names = page.locator(".pk-priority-name")
    picker.select_option(label="Security")
    expect(names).to_have_count(1)  # the picker's options are rebuilt before the next pick
    picker.select_option(label="Reliability")
    expect(names).to_have_text(["1. Security", "2. Reliability"])
    page.get_by_role("button", name="Move Reliability up").click()
    expect(names).to_have_text(["1. Reliability", "2. Security"])

    scenario.open_side_page(page, "Review file")
    page.locator(".pk-milestone-name input").fill("Before migration")
    page.locator(".pk-milestone-save").click()
    listed = page.locator(".pk-milestones li")
    expect(listed).to_have_count(1)
    readable = re.compile(r"Before migration \d{1,2} [A-Z][a-z]+ 20\d\d, \d\d:\d\d$")
    expect(listed.first).to_have_text(readable)
    assert "T" not in listed.first.locator(".pk-hint").text_content()
    expect(page.locator(".pk-message-text")).to_contain_text(re.compile(r"\(\d{1,2} [A-Z][a-z]+ 20\d\d, \d\d:\d\d\)"))


def test_icons_and_fonts_come_from_this_machine_and_the_log_stays_quiet(browser_session, target):
    page = open_at(browser_session, SIZES["1280x720"])
    page.reload()
    browser_session.wait_ready(page)
    assert browser_session.stubbed == [], "the page asked a CDN for something"
    assert browser_session.blocked == []
    icons = page.locator(".pk-app i.fa").evaluate_all(
        """(icons) => icons.filter((i) => i.offsetParent !== null).map((i) => {
            const before = getComputedStyle(i, '::before');
            return [i.className, before.content, before.fontFamily, i.getBoundingClientRect().width];
        })"""
    )
    assert len(icons) >= 5
    for name, content, family, width in icons:
        assert content not in ("none", "normal", '""'), f"{name} draws no glyph"
        assert "Font Awesome" in family and width > 0, (name, family, width)
    assert page.evaluate(
        "() => [...document.fonts].some((f) => f.family.includes('Font Awesome') && f.status === 'loaded')"
    ), "no Font Awesome face was loaded"
    if target.log is not None:
        log = target.log.read_text(encoding="utf-8", errors="replace")
        for chatter in ("is not trusted", "TCP without encryption", "Kernel started", "Connecting to kernel"):
            assert chatter not in log, f"the server log repeats {chatter!r} for every page"


# --- 5. accessible ---------------------------------------------------------------------------


INTERACTIVE_ROLES = {"button", "checkbox", "combobox", "textbox", "radio", "spinbutton", "listbox", "slider", "switch"}


def test_every_control_has_a_name_a_screen_reader_announces(browser_session):
    page = open_at(browser_session, SIZES["1280x720"])
    page.locator(".pk-choice-more").first.click()  # a practice's details: their controls too
    scenario.open_side_page(page, "Workload")
    page.locator(".pk-priority-add select").select_option(label="Security")  # the priorities' buttons too
    expect(page.locator(".pk-priority-row")).to_have_count(1)
    session = page.context.new_cdp_session(page)
    unnamed = []
    for side in ("Questions", "Agenda", "Parking lot", "Workload", "Review file"):
        scenario.open_side_page(page, side)
        page.wait_for_timeout(150)
        nodes = session.send("Accessibility.getFullAXTree")["nodes"]
        for node in nodes:
            role = (node.get("role") or {}).get("value")
            if node.get("ignored") or role not in INTERACTIVE_ROLES:
                continue
            name = ((node.get("name") or {}).get("value") or "").strip()
            # An icon font's glyph (a private-use character) is no name a screen reader can say.
            if not "".join(c for c in name if not 0xE000 <= ord(c) <= 0xF8FF).strip():
                unnamed.append((side, role, node.get("backendDOMNodeId")))
    session.detach()
    assert unnamed == [], f"controls without an accessible name: {unnamed}"
    # The badge says its risk in words, so colour is never the only cue.
    scenario.box(page, 1).check()
    expect(page.locator(scenario.BADGE)).to_have_text("High risk")


# --- `pillarkit serve` itself ------------------------------------------------------------------


def test_pillarkit_serve_prints_the_address_voila_listens_on_and_keeps_a_quiet_log(chrome, tmp_path):
    """Against ``pillarkit serve``: its one line names 127.0.0.1 (where Voila listens), pages open with
    the room's view, and loading pages adds nothing to the log."""
    import signal
    import socket
    import subprocess
    import sys
    import time

    from tests.support.voila import free_port, wait_for_kernels

    port = free_port()
    out = tmp_path / "serve.log"
    token = "room-view-test-token"
    env = {
        **os.environ,
        "JUPYTER_CONFIG_DIR": str(tmp_path / "config"),
        "JUPYTER_DATA_DIR": str(tmp_path / "data"),
        "PILLARKIT_TOKEN": token,
    }
    pillarkit = Path(sys.executable).with_name("pillarkit")
    with open(out, "wb") as log:
        server = subprocess.Popen(
            [str(pillarkit), "serve", "--port", str(port), "--folder", str(tmp_path / "reviews")],
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=tmp_path,
            env=env,
            start_new_session=True,
        )
    try:
        url = f"http://127.0.0.1:{port}/?token={token}"
        # Wait for the port, not the page: a request for the page would take the preheated kernel.
        deadline = time.monotonic() + 180
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=2).close()
                break
            except OSError:
                assert time.monotonic() < deadline, "pillarkit serve did not listen within 180 s"
                time.sleep(0.2)
        wait_for_kernels(server.pid, 1, timeout=180)  # the preheated kernel has run the notebook
        context = chrome.new_context(viewport={"width": 1280, "height": 720})
        outside: list[str] = []
        context.route(
            "**/*",
            lambda route: (
                route.continue_()
                if route.request.url.startswith(("http://127.0.0.1", "data:", "blob:"))
                else (outside.append(route.request.url), route.abort())
            ),
        )
        try:
            for _ in range(2):
                page = context.new_page()
                page.goto(url)
                expect(page.locator(READY)).to_be_visible(timeout=READY_TIMEOUT_MS)
                expect(page).to_have_title("pillarkit · Untitled workload")
                page.close(run_before_unload=True)
        finally:
            context.close()
        assert outside == []
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(timeout=60)
    lines = [line for line in out.read_text(encoding="utf-8", errors="replace").splitlines() if line.strip()]
    assert lines[0].startswith(f"pillarkit: the review app is at {url} ")
    assert lines[-1] == "pillarkit: stopped"
    assert lines[1:-1] == [], "the server logged something for a page load:\n" + "\n".join(lines[1:-1])

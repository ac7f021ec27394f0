"""Binder's case in Chromium: the server has no Chromium, so the app prints the handout with the browser's
own dialog (issue 12, item 7). ``pillarkit serve`` runs with ``PILLARKIT_CHROMIUM`` naming no program."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from kit.render import formats
from tests.browser import scenario
from tests.support.voila import serve_app

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def voila(voila_scratch):
    """``pillarkit serve`` as in conftest.py, but on a server where no Chromium can be found."""
    env = {
        "JUPYTER_CONFIG_DIR": str(voila_scratch / "config"),
        "JUPYTER_DATA_DIR": str(voila_scratch / "data"),
        "PILLARKIT_CHROMIUM": str(voila_scratch / "no-chromium-here"),
    }
    with serve_app(voila_scratch / "reviews", env=env, log=voila_scratch / "voila.log") as served:
        yield served


#: Records every frame the app adds to print, and every print() it calls, before the app loads.
WATCH_PRINTS = """
window.__pkPrinted = [];
new MutationObserver((changes) => {
  for (const change of changes) for (const node of change.addedNodes) {
    if (node.tagName === 'IFRAME' && node.classList.contains('pk-print-frame')) {
      node.addEventListener('load', () => {
        const doc = node.contentDocument;
        window.__pkPrinted.push({title: doc.title, text: doc.body.innerText.slice(0, 2000),
                                 sheets: [...doc.querySelectorAll('style')].map((s) => s.textContent).join('')});
      });
    }
  }
}).observe(document, {childList: true, subtree: true});  // the document: its root element does not exist yet
"""


def test_without_chromium_on_the_server_the_browser_prints_the_handout(browser_session, tmp_path):
    browser_session.context.add_init_script(WATCH_PRINTS)
    page = browser_session.open_app()
    scenario.box(page, 1).check()
    scenario.open_side_page(page, "Review file")
    picker = page.locator(".pk-export-format select")
    # The page is built the first time it is shown: every registered format, the browser's PDF for the server's.
    expect(picker.locator("option")).to_have_count(len(formats.FORMATS))
    labels = [" ".join(t.split()) for t in picker.locator("option").all_text_contents()]
    assert "Handout (PDF, from your browser)" in labels and "Handout (PDF)" not in labels
    picker.select_option(label="Handout (PDF, from your browser)")
    expect(page.locator(".pk-export-prepare")).to_have_text("Print…")
    page.locator(".pk-export-edition select").select_option(label="Executive summary (4 pages)")
    page.locator(".pk-export-prepare").click()
    expect(page.locator(".pk-message-is-error")).to_have_count(0)
    expect(page.locator(".pk-export-status")).to_contain_text(
        "Save as PDF", timeout=60_000
    )  # the handout is made first
    page.wait_for_function("() => window.__pkPrinted.length === 1", timeout=60_000)
    printed = page.evaluate("() => window.__pkPrinted[0]")
    assert "Executive summary" in printed["text"] and "Top risks" in printed["text"]
    assert "@media print" in printed["sheets"] and "size: A4;" in printed["sheets"]
    expect(page.locator("iframe.pk-print-frame")).to_have_count(0, timeout=10_000)  # removed once printed
    assert browser_session.console_errors(page) == []
    assert page.locator(".pk-message-is-error").count() == 0

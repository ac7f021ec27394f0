"""The handout in a real Chromium with the network blocked: no console error, no request, charts drawn, every pillar shown."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from kit.render import handout
from kit.render.handout import notebook
from tests.handout.reviews import LENS_FILE, SCRIPT_PAYLOADS, limits_review, payload_review

NOW = dt.datetime(2025, 3, 15, tzinfo=dt.UTC)

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture
def browser(chrome):
    """The run's one Chromium (tests/conftest.py), with the network blocked page by page below."""
    return chrome


class Visit:
    """One page of the handout, with every console error, page error and network request attempted."""

    def __init__(self, browser, path: Path, width: int = 1280):
        self.errors: list[str] = []
        self.blocked: list[str] = []
        self.requests: list[str] = []
        self.page = browser.new_page(viewport={"width": width, "height": 900})
        self.page.on(
            "console", lambda m: self.errors.append(f"console {m.type}: {m.text}") if m.type == "error" else None
        )
        self.page.on("pageerror", lambda e: self.errors.append(f"page error: {e}"))
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.route("**/*", self._route)
        self.page.goto(path.resolve().as_uri(), wait_until="load")

    def _route(self, route):
        url = route.request.url
        if url.startswith(("file://", "data:")):
            route.continue_()
        else:
            self.blocked.append(url)
            route.abort()

    def close(self) -> None:
        self.page.close(run_before_unload=True)


def write(tmp_path: Path, document: str) -> Path:
    path = tmp_path / "handout.html"
    path.write_text(document, encoding="utf-8")
    return path


def test_the_handout_opens_offline_with_everything_visible(browser, framework, tmp_path):
    visit = Visit(browser, write(tmp_path, handout.to_html(framework, NOW)))
    try:
        page = visit.page
        charts = page.locator("img.pk-chart")
        assert charts.count() == 1
        assert page.evaluate("() => [...document.images].every(i => i.complete && i.naturalWidth > 0)")
        assert charts.first.evaluate("i => i.naturalWidth") >= notebook.CHART_CSS_WIDTH
        sections = page.locator("section.pk-pillar")
        assert sections.count() == 6
        for i in range(sections.count()):
            assert sections.nth(i).is_visible()
        for part in (
            "section.pk-cover",
            "section.pk-summary",
            "section.pk-plan",
            "section.pk-parking-lot",
            "section.pk-sources",
        ):
            assert page.locator(part).is_visible(), part
        # No table is wider than its container, so nothing is clipped.
        assert page.evaluate(
            "() => [...document.querySelectorAll('table')].every(t => t.scrollWidth <= t.parentElement.clientWidth + 1)"
        )
        assert visit.errors == []
        assert visit.blocked == []
        assert all(url.startswith(("file://", "data:")) for url in visit.requests)
    finally:
        visit.close()


def test_on_a_phone_nothing_is_wider_than_the_screen(browser, framework, tmp_path):
    visit = Visit(browser, write(tmp_path, handout.to_html(framework, NOW)), width=375)
    try:
        assert visit.page.evaluate("() => document.documentElement.scrollWidth") <= 375
        assert visit.errors == [] and visit.blocked == []
    finally:
        visit.close()


def test_a_review_at_every_limit_lays_out_within_the_page(browser, tmp_path):
    """Every text at its limit, as one unbreakable word: the page wraps it rather than growing sideways.

    (How fast it opens and prints is measured by hand and in benchmarks: a few seconds to open.)
    """
    visit = Visit(browser, write(tmp_path, handout.to_html(limits_review(str(LENS_FILE)), NOW)), width=1280)
    try:
        assert visit.page.evaluate("() => document.documentElement.scrollWidth") <= 1280
        assert visit.page.locator(".pk-parking li, .pk-parking tr").count() >= 200
        assert visit.errors == [] and visit.blocked == []
    finally:
        visit.close()


def test_every_payload_stays_inert_in_the_browser(browser, tmp_path):
    review = payload_review(" ".join(SCRIPT_PAYLOADS[:6]))
    visit = Visit(browser, write(tmp_path, handout.to_html(review, NOW)))
    try:
        assert visit.page.evaluate("() => document.scripts.length") == 0
        assert visit.page.evaluate("() => window.__pwned === undefined")
        assert visit.page.locator("h1").inner_text().startswith("<script>alert(1)</script>")
        assert visit.errors == [] and visit.blocked == []
    finally:
        visit.close()


def test_the_harness_notices_a_remote_reference(browser, review, tmp_path):
    """Self-check: a page that tries to load something is caught, by the block list or the console."""
    document = handout.to_html(review, NOW).replace("</main>", '<img src="http://example.invalid/x.png"></main>')
    visit = Visit(browser, write(tmp_path, document))
    try:
        assert visit.blocked or any("Content Security Policy" in e for e in visit.errors)
    finally:
        visit.close()

"""The portfolio in Chromium: the HTML report offline, and the notebook served by Voila with its filters."""

from __future__ import annotations

import datetime as dt
import json
from urllib.parse import urlsplit

import pytest

from kit.core import portfolio as portfolios
from kit.render.portfolio import report
from kit.serve import PORTFOLIO_NOTEBOOK, notebooks_folder
from tests.support.voila import serve_folder

pytestmark = [pytest.mark.browser, pytest.mark.slow]

NOW = dt.datetime(2025, 3, 15, tzinfo=dt.UTC)
#: Voila's page asks a CDN for Font Awesome; there is no internet here, so it gets an empty style sheet.
FONT_CDN = "https://cdn.jsdelivr.net/npm/@fortawesome/"


class Visit:
    """One page, with its page errors and every request that would leave this machine."""

    def __init__(self, browser, url: str, width: int = 1280, height: int = 900):
        self.errors: list[str] = []
        self.blocked: list[str] = []
        self.page = browser.new_page(viewport={"width": width, "height": height})
        self.page.on("pageerror", lambda e: self.errors.append(f"page error: {e}"))
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.route("**/*", self._route)
        self.page.goto(url, wait_until="load", timeout=180_000)

    def _route(self, route):
        url = route.request.url
        if url.startswith(("file://", "data:", "blob:")) or urlsplit(url).hostname in ("127.0.0.1", "localhost"):
            route.continue_()
        elif url.startswith(FONT_CDN):
            route.fulfill(status=200, content_type="text/css", body="")
        else:
            self.blocked.append(url)
            route.abort()

    def close(self) -> None:
        self.page.close(run_before_unload=True)


def test_the_report_opens_offline_with_every_section_and_chart(chrome, tmp_path):
    path = tmp_path / "portfolio.html"
    path.write_text(report.to_html(portfolios.demo(60, 9), now=NOW), encoding="utf-8")
    for width in (1280, 375):
        visit = Visit(chrome, path.as_uri(), width=width)
        try:
            page = visit.page
            assert page.evaluate("() => document.scripts.length") == 0
            images = page.locator("img.pk-chart")
            assert images.count() >= 10
            assert page.evaluate("() => [...document.images].every(i => i.complete && i.naturalWidth > 0)")
            for anchor in (
                "summary",
                "pillars",
                "questions",
                "practices",
                "themes",
                "facets",
                "over-time",
                "field",
                "method",
            ):
                assert page.locator(f"#{anchor}").count() == 1, anchor
            assert "Synthetic data" in page.locator(".pk-synthetic").first.inner_text()
            assert page.evaluate("() => document.documentElement.scrollWidth") <= width
            assert visit.errors == [] and visit.blocked == []
        finally:
            visit.close()


@pytest.fixture(scope="module")
def portfolio_page(tmp_path_factory):
    scratch = tmp_path_factory.mktemp("voila-portfolio")
    notebook = json.loads((notebooks_folder() / PORTFOLIO_NOTEBOOK).read_text(encoding="utf-8"))
    env = {
        "JUPYTER_CONFIG_DIR": str(scratch / "config"),
        "JUPYTER_DATA_DIR": str(scratch / "data"),
        "PILLARKIT_PORTFOLIO": "",
    }
    with serve_folder({PORTFOLIO_NOTEBOOK: notebook}, env=env, log=scratch / "voila.log") as served:
        yield served.page_url(PORTFOLIO_NOTEBOOK)


def _chart_ready(page, unlike: str = "") -> str:
    """Wait until the chart on screen is drawn (and is not the picture ``unlike``); its src."""
    page.wait_for_function(
        "old => { const img = [...document.querySelectorAll('.pk-report-stack img')].find(i => i.offsetParent);"
        " return !!img && img.complete && img.naturalWidth > 0 && img.src !== old; }",
        arg=unlike,
        timeout=120_000,
    )
    return page.evaluate("() => [...document.querySelectorAll('.pk-report-stack img')].find(i => i.offsetParent).src")


def test_the_notebook_opens_on_the_demo_and_its_filters_redraw(chrome, portfolio_page):
    visit = Visit(chrome, portfolio_page)
    try:
        page = visit.page
        pillars = _chart_ready(page)
        summary = page.locator(".pk-portfolio-summary")
        assert summary.inner_text().startswith("150 of 150 reviews shown")
        assert "synthetic data" in summary.inner_text()
        assert page.locator(".pk-portfolio-synthetic").is_visible()
        page.locator(".pk-report-picker button", has_text="Practices").click()
        _chart_ready(page, unlike=pillars)
        page.locator(".pk-filter-industry select").select_option(["Retail"])
        page.wait_for_function(
            "() => !document.querySelector('.pk-portfolio-summary').innerText.startsWith('150 of')", timeout=60_000
        )
        shown = int(summary.inner_text().split()[0])
        assert 0 < shown < 150
        page.locator(".pk-portfolio-export").click()
        page.wait_for_selector("a.pk-export-link", timeout=120_000)
        assert page.locator("a.pk-export-link").get_attribute("download") == "portfolio-synthetic.html"
        assert [e for e in visit.errors if "page error" in e] == []
        assert visit.blocked == []
    finally:
        visit.close()

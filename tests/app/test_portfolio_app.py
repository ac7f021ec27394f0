"""The portfolio notebook's app: it opens on the demo, filters redraw, pages draw when picked, exports download."""

from __future__ import annotations

import base64
import re
from pathlib import Path

import pytest

from kit.app.portfolio import PAGES, PortfolioApp
from kit.core import lens as lenses
from kit.core import portfolio as portfolios
from kit.core.review import Review
from tests.support.notebooks import code_of_a_short_clean_notebook

NOTEBOOK = Path(__file__).resolve().parents[2] / "notebooks" / "portfolio.ipynb"


@pytest.fixture(scope="module")
def app() -> PortfolioApp:
    return PortfolioApp(portfolio=portfolios.demo(60, 4))


def test_it_opens_on_the_synthetic_demo_when_no_folder_is_given(monkeypatch):
    monkeypatch.delenv("PILLARKIT_PORTFOLIO", raising=False)
    app = PortfolioApp()
    assert len(app.full) == 150 and app.full.all_synthetic
    assert app.banner.layout.display is None and "Synthetic data" in app.banner.value
    assert app.summary.value.startswith("<b>150</b> of 150 reviews shown") and "synthetic data" in app.summary.value
    assert bytes(app.pages["pillars"][0].value).startswith(b"\x89PNG")


def test_it_reads_the_folder_pillarkit_serve_names_and_says_nothing_of_synthetic(tmp_path, monkeypatch):
    review = Review([lenses.bundled("wellarchitected")])
    review.workload.name = "Real one"
    review.set_choice("wellarchitected", "priorities", "ops_priorities_ext_cust_needs")
    review.save(tmp_path / "real.json")
    (tmp_path / "broken.json").write_text("{", encoding="utf-8")
    monkeypatch.setenv("PILLARKIT_PORTFOLIO", str(tmp_path))
    app = PortfolioApp()
    assert len(app.full) == 1 and not app.full.synthetic
    assert app.banner.layout.display == "none"
    assert "1 file could not be read and was skipped" in app.summary.value
    assert "synthetic" not in app.summary.value


def test_a_filter_redraws_the_page_on_screen_and_the_others_when_picked(app):
    before = app.pages["pillars"][0].value
    assert set(app._drawn) == {"pillars"}  # only the page on screen was drawn
    app.environment.value = ("PREPRODUCTION",)
    assert len(app.current) == len(app.full.filter(environment=["PREPRODUCTION"])) < len(app.full)
    assert app.summary.value.startswith(f"<b>{len(app.current)}</b> of {len(app.full)}")
    assert app.pages["pillars"][0].value != before
    for key, _label in PAGES:
        app.picker.value = key
        assert app.stack.selected_index == [k for k, _ in PAGES].index(key)
        assert bytes(app.pages[key][0].value).startswith(b"\x89PNG") and app.pages[key][1].value.startswith(
            '<table class="pk-portfolio-table">'
        )
    app.clear_filters()
    assert len(app.current) == len(app.full)


def test_a_date_range_and_a_year_narrow_the_reviews(app):
    import datetime as dt

    app.since.value = dt.date(2024, 1, 1)
    assert all(d >= dt.date(2024, 1, 1) for d in app.current.facets["date"])
    app.year.value = (2025,)
    assert set(app.current.facets["year"]) == {2025}
    app.clear_filters()


def test_the_export_is_the_filtered_report_and_anonymises_on_request(app):
    app.industry.value = ("Retail",)
    app.export_format.value = ".csv"
    app.anonymise.value = True
    app.prepare_download()
    link = re.search(r'href="data:text/csv;charset=utf-8;base64,([^"]+)"', app.export_status.value)
    assert link and 'download="portfolio-synthetic-anonymised.csv"' in app.export_status.value
    text = base64.b64decode(link.group(1)).decode("utf-8-sig")
    assert all(name not in text for name in app.current.facets["workload"])
    rows = text.splitlines()[1:]
    assert len(rows) == len(app.current) * 364 and all(",Retail," in row for row in rows[:50])
    app.export_format.value = ".html"
    assert app.export_status.value == ""  # another format: the old link goes
    app.anonymise.value = False
    app.prepare_download()
    assert 'download="portfolio-synthetic.html"' in app.export_status.value
    app.clear_filters()


def test_the_notebook_is_three_short_cells_saved_clean():
    code = code_of_a_short_clean_notebook(NOTEBOOK)
    assert "from kit.app.portfolio import PortfolioApp" in code and "PortfolioApp()" in code

"""The app in Debian's Chromium against Voila, as a facilitator uses it (DESIGN.md sections 6 and 8).

The checks live in ``scenario.py`` so the Binder rehearsal runs the same ones. Every test
ends (in the ``browser_session`` fixture) by closing its pages with ``run_before_unload=True``
and failing unless the server is back to its one preheated kernel.
"""

from __future__ import annotations

import pytest

from tests.browser import scenario

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_the_page_shows_the_first_question_without_error(browser_session):
    page = browser_session.open_app()
    scenario.first_question_is_shown(page, browser_session.console_errors(page), browser_session.blocked)


def test_ticking_redraws_the_chart_and_badge_and_counts_right(browser_session):
    page = browser_session.open_app()
    scenario.ticking_redraws_chart_and_badge(page)
    assert browser_session.console_errors(page) == []


def test_notes_are_counted_and_too_long_notes_are_refused(browser_session):
    scenario.notes_are_counted_and_limited(browser_session.open_app())


def test_not_applicable_with_a_reason(browser_session):
    scenario.not_applicable_with_reason(browser_session.open_app())


def test_none_of_these_is_exclusive(browser_session):
    scenario.none_of_these_is_exclusive(browser_session.open_app())


def test_the_autosaved_file_matches_the_clicks(browser_session, target):
    scenario.autosave_matches_clicks(browser_session.open_app(), target.reviews)


def test_download_then_upload_in_a_fresh_page_restores_every_answer(browser_session, target, tmp_path):
    page = browser_session.open_app()
    scenario.download_then_upload_restores(page, target.reviews, browser_session.open_app, tmp_path)


def test_reloading_the_page_resumes_the_review(browser_session, target):
    scenario.reload_resumes(browser_session.open_app(), target.reviews)


def test_closing_pages_leaves_no_kernel_beyond_the_pool(browser_session, target):
    scenario.closing_pages_stops_their_kernels(browser_session.open_app, target)


def test_the_risk_register_page_adds_rates_parks_and_resumes(browser_session, target):
    page = browser_session.open_app()
    scenario.register_page_adds_edits_parks_and_resumes(page, target.reviews)
    assert browser_session.console_errors(page) == []

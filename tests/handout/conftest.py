"""Fixtures for the handout tests; the reviews themselves are built in tests/handout/reviews.py."""

from __future__ import annotations

import pytest

from kit.core.review import Review
from tests.handout.reviews import framework_review, small_review


@pytest.fixture
def review() -> Review:
    return small_review()


@pytest.fixture(scope="session")
def framework() -> Review:
    return framework_review()

"""Lenses shaped like published ones load, and warn exactly where they break the spec.

The fixtures in tests/data/lenses/published are our own small lenses that reproduce the
structural quirks of real published custom lenses (QUIRKS.md says which and where).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kit.core import lens as lenses

FOLDER = Path(__file__).resolve().parents[1] / "data" / "lenses" / "published"
GOLDEN = json.loads((FOLDER / "expected-warnings.json").read_text(encoding="utf-8"))


def test_every_fixture_has_a_golden_entry():
    fixtures = sorted(p.name for p in FOLDER.glob("*.json") if p.name != "expected-warnings.json")
    assert fixtures == sorted(GOLDEN)
    assert len(fixtures) >= 10


@pytest.mark.parametrize("name", sorted(GOLDEN))
def test_published_shapes_load_with_the_expected_warnings(name):
    lens = lenses.load_file(FOLDER / name)
    assert list(lens.counts()) == GOLDEN[name]["counts"]
    assert sorted([w.code, w.where] for w in lens.warnings) == GOLDEN[name]["warnings"]
    assert not lens.import_blockers or all(w.code == "wa-import-limit" for w in lens.import_blockers)

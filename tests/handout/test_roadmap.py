"""The roadmap: HIGH to 3 months, MEDIUM to 12, moves kept in the review file under extensions.horizons."""

from __future__ import annotations

import json

import pytest

from kit.core import roadmap
from kit.core.errors import ReviewError
from kit.core.review import Review
from kit.core.scoring import improvement_list
from kit.core.vocabulary import HIGH, MEDIUM, NONE
from tests.handout.reviews import ALIAS


def keys(items):
    return [item.question.id for item in items]


def test_defaults_put_high_at_3_and_medium_at_12_in_improvement_order(review):
    plan = roadmap.roadmap(review, improvement_list(review))
    assert list(plan) == [3, 12, 36]
    assert keys(plan[3]) == ["backup", "observe"]  # HIGH, Resilience before Operations (the pillar priorities)
    assert keys(plan[12]) == ["deploy"]
    assert plan[36] == []
    assert roadmap.horizon(review, ALIAS, "backup", HIGH) == 3
    assert roadmap.horizon(review, ALIAS, "deploy", MEDIUM) == 12
    assert roadmap.horizon(review, ALIAS, "scale", NONE) == 36  # not on the roadmap; the last horizon if asked


def test_a_move_is_kept_in_the_review_file_and_survives_a_reload(review, tmp_path):
    roadmap.set_horizon(review, ALIAS, "observe", 36)
    roadmap.set_horizon(review, ALIAS, "deploy", 3)
    assert review.extensions["horizons"] == {f"{ALIAS}/observe": 36, f"{ALIAS}/deploy": 3}
    review.save(tmp_path / "r.json")
    assert json.loads((tmp_path / "r.json").read_text())["extensions"]["horizons"][f"{ALIAS}/observe"] == 36
    again = Review.load(tmp_path / "r.json")
    plan = roadmap.roadmap(again, improvement_list(again))
    assert keys(plan[3]) == ["backup", "deploy"]
    assert keys(plan[36]) == ["observe"]
    assert roadmap.is_moved(again, ALIAS, "observe") and not roadmap.is_moved(again, ALIAS, "backup")


def test_none_puts_an_item_back_on_its_default_and_drops_the_empty_record(review):
    roadmap.set_horizon(review, ALIAS, "observe", 12)
    roadmap.set_horizon(review, ALIAS, "observe", None)
    assert roadmap.horizon(review, ALIAS, "observe", HIGH) == 3
    assert "horizons" not in review.extensions


@pytest.mark.parametrize("months", [0, 6, 24, "3", 3.0, True, -3])
def test_only_3_12_or_36_months_are_accepted(review, months):
    with pytest.raises(ReviewError, match="3, 12 or 36 months"):
        roadmap.set_horizon(review, ALIAS, "observe", months)
    assert "horizons" not in review.extensions


def test_an_unknown_question_or_lens_is_refused(review):
    with pytest.raises(ReviewError, match="no question 'nope'"):
        roadmap.set_horizon(review, ALIAS, "nope", 3)
    with pytest.raises(ReviewError, match="not applied"):
        roadmap.set_horizon(review, "other", "deploy", 3)


def test_a_hand_edited_value_is_ignored_and_reported(review):
    review.extensions["horizons"] = {f"{ALIAS}/observe": 5, f"{ALIAS}/gone": 3, f"{ALIAS}/deploy": 36}
    assert roadmap.horizon(review, ALIAS, "observe", HIGH) == 3
    assert roadmap.horizon(review, ALIAS, "deploy", MEDIUM) == 36
    problems = [str(p) for p in roadmap.problems(review)]
    assert len(problems) == 2
    assert any("observe: 5 is not 3, 12 or 36 months" in p for p in problems)
    assert any("gone: names no question" in p for p in problems)


def test_a_horizons_record_that_is_not_an_object_is_reported_and_not_overwritten(review):
    review.extensions["horizons"] = ["not", "an", "object"]
    assert roadmap.horizon(review, ALIAS, "deploy", MEDIUM) == 12
    assert "is not an object" in str(roadmap.problems(review)[0])
    with pytest.raises(ReviewError, match="must be an object"):
        roadmap.set_horizon(review, ALIAS, "deploy", 3)
    assert review.extensions["horizons"] == ["not", "an", "object"]


def test_the_roadmap_module_is_pure():
    import subprocess
    import sys

    code = "import sys, kit.core.roadmap, kit.core.milestones; bad = [m for m in ('matplotlib', 'ipywidgets', 'nbformat', 'nbconvert', 'pandas') if m in sys.modules]; print(bad)"
    assert (
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip() == "[]"
    )

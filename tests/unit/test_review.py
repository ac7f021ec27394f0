"""The review file: API-shaped answers, the console's rules, atomic writes, and nothing lost."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from kit.core import jsonio
from kit.core import lens as lenses_module
from kit.core.errors import FormatVersionError, NoteTooLongError, ReviewError, TextTooLongError, WriteError
from kit.core.review import CHOICE_NOTES_LIMIT, FORMAT_VERSION, QUESTION_NOTES_LIMIT, Review, limit, new
from kit.core.vocabulary import ChoiceStatus

WA = "wellarchitected"
Q = "planning-for-recovery"
TESTED = "rel_planning_for_recovery_dr_tested"
OBJECTIVES = "rel_planning_for_recovery_objective_defined_recovery"
NONE_OF_THESE = "rel_planning_for_recovery_no"


@pytest.fixture
def review() -> Review:
    return new([WA], "Shop")


def test_answers_are_kept_in_the_wa_tool_api_shape(review, tmp_path):
    review.set_choice(WA, Q, TESTED)
    review.set_choice_reason(WA, Q, OBJECTIVES, "BUSINESS_PRIORITIES")
    review.set_notes(WA, Q, "Restores tested in March.")
    review.set_notes(WA, Q, "Only the database.", choice_id=TESTED)
    review.save(tmp_path / "r.json")
    stored = json.loads((tmp_path / "r.json").read_text())["answers"][WA][Q]
    assert stored == {
        "SelectedChoices": [TESTED],
        "ChoiceAnswers": [
            {"ChoiceId": TESTED, "Status": "SELECTED", "Notes": "Only the database."},
            {"ChoiceId": OBJECTIVES, "Status": "NOT_APPLICABLE", "Reason": "BUSINESS_PRIORITIES"},
        ],
        "IsApplicable": True,
        "Notes": "Restores tested in March.",
    }


def test_round_trip_keeps_everything(review, tmp_path):
    review.workload.environment = "PREPRODUCTION"
    review.workload.business_context = {"rto": "4 hours", "rpo": "15 minutes"}
    review.set_choice(WA, Q, TESTED)
    review.set_applicable(WA, "priorities", False, "OUT_OF_SCOPE")
    review.pillar_priorities = ["security", "reliability"]
    review.park("Ask finance about reserved instances", "Sam", WA, Q)
    review.save_milestone("Baseline", "2026-11-22")
    review.extensions["agenda"] = {"security": 40}
    review.save(tmp_path / "r.json")
    again = Review.load(tmp_path / "r.json")
    assert again.to_dict() == review.to_dict()


def test_none_of_these_and_practices_exclude_each_other(review):
    review.set_choice(WA, Q, TESTED)
    review.set_choice(WA, Q, OBJECTIVES)
    review.set_choice(WA, Q, NONE_OF_THESE)
    assert review.answer(WA, Q).selected == [NONE_OF_THESE]
    review.set_choice(WA, Q, TESTED)
    assert review.answer(WA, Q).selected == [TESTED]


def test_none_of_these_leaves_not_applicable_practices_alone(review):
    review.set_choice(WA, Q, OBJECTIVES, ChoiceStatus.NOT_APPLICABLE)
    review.set_choice(WA, Q, NONE_OF_THESE)
    assert review.answer(WA, Q).status(OBJECTIVES) == ChoiceStatus.NOT_APPLICABLE


def test_unticking_everything_leaves_no_answer_behind(review):
    review.set_choice(WA, Q, TESTED)
    review.set_choice(WA, Q, TESTED, ChoiceStatus.UNSELECTED)
    assert Q not in review.answers[WA]


def test_unknown_questions_and_choices_are_refused(review):
    with pytest.raises(ReviewError, match="has no question 'nope'"):
        review.set_choice(WA, "nope", TESTED)
    with pytest.raises(ReviewError, match="has no choice 'zz'"):
        review.set_choice(WA, Q, "zz")
    with pytest.raises(ReviewError, match="reason 'LAZY'"):
        review.set_applicable(WA, Q, False, "LAZY")


def test_notes_past_the_api_limits_are_refused_not_cut(review):
    review.set_notes(WA, Q, "x" * QUESTION_NOTES_LIMIT)
    with pytest.raises(NoteTooLongError, match="2085 characters; the limit is 2084"):
        review.set_notes(WA, Q, "y" * (QUESTION_NOTES_LIMIT + 1))
    assert review.answer(WA, Q).notes == "x" * QUESTION_NOTES_LIMIT
    with pytest.raises(NoteTooLongError, match="the limit is 250"):
        review.set_notes(WA, Q, "z" * (CHOICE_NOTES_LIMIT + 1), choice_id=TESTED)


def test_a_file_with_notes_past_the_limit_is_refused_with_its_place(review, tmp_path):
    review.set_notes(WA, Q, "ok")
    data = review.to_dict()
    data["answers"][WA][Q]["Notes"] = "n" * 2085
    path = tmp_path / "long.json"
    path.write_text(json.dumps(data))
    with pytest.raises(ReviewError) as caught:
        Review.load(path)
    assert (
        str(caught.value)
        == f"{path}: answers.{WA}.{Q}.Notes: notes have 2085 characters; the WA Tool's limit is 2084, so the file is refused rather than cut"
    )


def test_a_newer_format_version_is_refused_clearly(review, tmp_path):
    data = review.to_dict() | {"version": 7}
    path = tmp_path / "future.json"
    path.write_text(json.dumps(data))
    expected = rf"newer pillarkit \(format version 7; this one reads up to {FORMAT_VERSION}\)"
    with pytest.raises(FormatVersionError, match=expected):
        Review.load(path)


@pytest.mark.parametrize(
    "text, message",
    [
        ("[1, 2]", "not a pillarkit review"),
        ('{"format": "pillarkit-review"', "line 1, column 30: invalid JSON"),
    ],
)
def test_bad_review_files_are_one_line(tmp_path, text, message):
    path = tmp_path / "bad.json"
    path.write_text(text)
    with pytest.raises(ReviewError) as caught:
        Review.load(path)
    assert message in str(caught.value) and "\n" not in str(caught.value)


def test_selected_and_choice_answers_must_agree(review, tmp_path):
    data = review.to_dict()
    data["answers"][WA][Q] = {
        "SelectedChoices": [TESTED],
        "ChoiceAnswers": [{"ChoiceId": TESTED, "Status": "NOT_APPLICABLE"}],
    }
    path = tmp_path / "clash.json"
    path.write_text(json.dumps(data))
    with pytest.raises(
        ReviewError,
        match=rf"answers.{WA}.{Q}.SelectedChoices\[0\]: choice '{TESTED}' is selected here but NOT_APPLICABLE",
    ):
        Review.load(path)


def test_answers_for_ids_the_lens_no_longer_has_are_kept_and_reported(review, tmp_path):
    data = review.to_dict()
    data["answers"][WA]["retired-question"] = {"SelectedChoices": ["old_choice"], "IsApplicable": True}
    data["answers"][WA][Q] = {"SelectedChoices": [TESTED, "retired_choice"]}
    path = tmp_path / "old.json"
    path.write_text(json.dumps(data))
    loaded = Review.load(path)
    reported = [str(d) for d in loaded.orphans()]
    assert any("no question 'retired-question'; its answer is kept" in line for line in reported)
    assert any("no choice 'retired_choice'; its answer is kept" in line for line in reported)
    loaded.save(path)
    kept = json.loads(path.read_text())["answers"][WA]
    assert kept["retired-question"]["SelectedChoices"] == ["old_choice"]
    assert "retired_choice" in kept[Q]["SelectedChoices"]


def test_a_custom_lens_travels_inside_the_file(tmp_path, write_lens, lens_document):
    lens_path = write_lens(lens_document(), "team-lens.json")
    review = new(["wellarchitected", str(lens_path)], "Shop")
    review.set_choice("team-lens", "q1", "a")
    review.save(tmp_path / "r.json")
    lens_path.unlink()
    again = Review.load(tmp_path / "r.json")
    assert again.lens("team-lens").question("q1").title == "Question q1?"
    assert again.answer("team-lens", "q1").selected == ["a"]
    entries = json.loads((tmp_path / "r.json").read_text())["lenses"]
    assert "lens" not in entries[0] and "lens" in entries[1]


def test_a_changed_bundled_lens_is_noticed(review, tmp_path):
    data = review.to_dict()
    data["lenses"][0]["hash"] = "sha256:0"
    path = tmp_path / "r.json"
    path.write_text(json.dumps(data))
    notices = Review.load(path).notices
    assert len(notices) == 1 and "has changed since this review was saved" in str(notices[0])


def test_an_unknown_lens_alias_in_a_file_is_an_error(review, tmp_path):
    data = review.to_dict()
    data["lenses"][0]["alias"] = "ghost"
    data["answers"] = {"ghost": {}}
    path = tmp_path / "r.json"
    path.write_text(json.dumps(data))
    with pytest.raises(ReviewError, match=r"lenses\[0\]: lens 'ghost' is neither bundled nor embedded"):
        Review.load(path)


def test_saving_leaves_no_temporary_files(review, tmp_path):
    for _ in range(3):
        review.save(tmp_path / "r.json")
    assert [p.name for p in tmp_path.iterdir()] == ["r.json"]


def test_parking_lot_and_milestones_check_their_input(review):
    with pytest.raises(ReviewError, match="needs some text"):
        review.park("   ")
    item = review.park("Check DNS failover", "Ana", WA, Q)
    assert (item.lens, item.question_id, item.owner) == (WA, Q, "Ana")
    review.set_choice(WA, Q, TESTED)
    milestone = review.save_milestone("Before")
    review.set_choice(WA, Q, TESTED, ChoiceStatus.UNSELECTED)
    assert milestone.answers[WA][Q]["SelectedChoices"] == [TESTED]  # frozen, not a live view


WRITER = textwrap.dedent(
    """
    import sys
    from kit.core.review import new
    review = new(["wellarchitected"], "Writer")
    lens = review.lenses["wellarchitected"]
    n = 0
    print("ready", flush=True)
    while True:
        for question in lens.questions():
            for choice in question.practices:
                review.set_notes("wellarchitected", question.id, f"pass {n} " + "x" * 1500)
                review.set_choice("wellarchitected", question.id, choice.id)
        review.save(sys.argv[1])
        n += 1
    """
)


@pytest.mark.slow
def test_a_writer_killed_at_any_moment_leaves_a_loadable_file(tmp_path):
    path = tmp_path / "review.json"
    new([WA], "Seed").save(path)
    rng = random.Random(20201)
    for _attempt in range(12):
        writer = subprocess.Popen([sys.executable, "-c", WRITER, str(path)], stdout=subprocess.PIPE, text=True)
        assert writer.stdout.readline().strip() == "ready"
        time.sleep(rng.uniform(0.0, 0.6))
        os.kill(writer.pid, signal.SIGKILL)
        writer.wait()
        writer.stdout.close()
        Review.load(path)  # raises if the file were torn
    assert json.loads(path.read_text())["workload"]["name"] in {"Seed", "Writer"}
    # Whatever temporary files the kills left, the next write to the folder removes them; a file of a
    # writer's first instant (not yet locked) is left for a minute, as it may be a live writer's.
    Review.load(path).save(path)
    left = [p.name for p in tmp_path.iterdir() if p.name != "review.json"]
    assert all(name.endswith(jsonio.CREATING_SUFFIX) for name in left), left
    jsonio.clean_temporaries(tmp_path, now=time.time() + jsonio.CREATING_AGE + 1)
    assert [p.name for p in tmp_path.iterdir()] == ["review.json"]


def test_lenses_can_be_applied_and_removed_but_never_with_answers(review):
    review.apply_lens(lenses_module.bundled("serverless"))
    assert list(review.lenses) == [WA, "serverless"]
    with pytest.raises(ReviewError, match="already applied"):
        review.apply_lens(lenses_module.bundled("serverless"))
    review.set_choice("serverless", "ops1_health", "ops1_health_builtin_metrics")
    with pytest.raises(ReviewError, match="has 1 answered questions, so it stays applied"):
        review.remove_lens("serverless")
    review.clear("serverless", "ops1_health")
    review.remove_lens("serverless")
    assert list(review.lenses) == [WA]
    with pytest.raises(ReviewError, match="at least one lens"):
        review.remove_lens(WA)


def test_save_returns_exactly_what_it_wrote(review, tmp_path):
    text = review.save(tmp_path / "r.json")
    assert text == (tmp_path / "r.json").read_text(encoding="utf-8") == review.to_json()


def test_parked_topics_can_be_ticked_off(review):
    review.park("Ask about DNS")
    review.set_parked_done(0)
    assert review.parking_lot[0].done
    with pytest.raises(ReviewError, match=r"parking_lot\[3\]"):
        review.set_parked_done(3)


def test_saved_files_get_the_usual_permissions_and_keep_their_own(review, tmp_path):
    path = tmp_path / "r.json"
    previous = os.umask(0o022)
    try:
        review.save(path)
    finally:
        os.umask(previous)
    assert path.stat().st_mode & 0o777 == 0o644  # not mkstemp's 0600
    path.chmod(0o640)
    review.save(path)
    assert path.stat().st_mode & 0o777 == 0o640


def test_a_review_read_from_data_shares_nothing_mutable_with_it(review):
    review.extensions["horizons"] = {"wellarchitected/priorities": 12}
    review.save_milestone("Before")
    data = review.to_dict()
    again = Review.from_dict(data)
    again.extensions["horizons"]["wellarchitected/priorities"] = 36
    again.milestones[0].answers["wellarchitected"] = {"x": {}}
    assert data["extensions"]["horizons"]["wellarchitected/priorities"] == 12
    assert data["milestones"][0]["answers"] == {"wellarchitected": {}}


# --- never write a review that cannot be opened ------------------------------------------------


def test_a_review_that_could_not_be_opened_again_is_never_written(review, tmp_path):
    path = tmp_path / "r.json"
    review.set_choice(WA, Q, TESTED)
    review.save(path)
    before = path.read_bytes()
    review.workload.environment = "STAGING"  # the app sets workload fields directly
    with pytest.raises(ReviewError) as caught:
        review.save(path)
    assert str(caught.value) == (
        f"{path}: workload.environment: 'STAGING' must be one of ['PRODUCTION', 'PREPRODUCTION']: "
        "the review was not written, because it could not be opened again"
    )
    assert path.read_bytes() == before  # the last good file stands
    assert [p.name for p in tmp_path.iterdir()] == ["r.json"]  # and no temporary file is left
    with pytest.raises(ReviewError, match=r"workload\.environment"):
        review.to_json()  # the app's download goes through here too


def test_a_lens_whose_alias_the_file_refuses_is_never_written(tmp_path, lens_document):
    from dataclasses import replace

    lens = lenses_module.from_document(lens_document(), source="x.json", alias="fine")
    review = Review([replace(lens, alias="my lens (1)")])  # as loading from a file name once did
    with pytest.raises(ReviewError, match=r"lenses\[0\]\.alias: 'my lens \(1\)' must match pattern"):
        review.save(tmp_path / "r.json")
    assert not (tmp_path / "r.json").exists()


@pytest.mark.parametrize(
    "spoil",
    [
        lambda r: setattr(r.workload, "environment", "STAGING"),
        lambda r: setattr(r.workload, "regions", "eu-west-1"),
        lambda r: r.pillar_priorities.append(3),
        lambda r: setattr(r, "extensions", []),
        lambda r: r.answers[WA][Q].choices[TESTED].__setattr__("reason", "BECAUSE"),
        lambda r: r.answers[WA][Q].__setattr__("notes", "x" * (QUESTION_NOTES_LIMIT + 1)),
    ],
)
def test_what_the_writer_refuses_the_reader_refuses_too(review, spoil):
    review.set_choice(WA, Q, TESTED)
    spoil(review)
    document = review._document()
    with pytest.raises(ReviewError):
        review.to_dict()
    with pytest.raises(ReviewError):
        Review.from_dict(json.loads(json.dumps(document)))


# --- limits and types ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "most"),
    # The WA Tool API's own limits where it has them; pillarkit's for the others.
    [("name", 100), ("description", 250), ("owner", 255), ("industry", 100), ("facilitator", 255), ("notes", 2084)],
)
def test_workload_text_past_its_limit_is_refused_not_cut(review, field, most):
    review.set_workload(field, "x" * most)
    with pytest.raises(TextTooLongError) as caught:
        review.set_workload(field, "y" * (most + 1))
    assert str(caught.value) == (
        f"review: workload.{field}: workload {field} has {most + 1:,} characters; "
        f"at most {most:,} are allowed, so it was refused, not cut"
    )
    assert getattr(review.workload, field) == "x" * most


def test_lists_of_the_workload_are_limited_in_items_and_length(review):
    assert limit("workload", "regions") == (100, 50)
    review.set_workload("regions", ["eu-west-1"] * 50)
    with pytest.raises(TextTooLongError, match="workload regions has 51 items; at most 50"):
        review.set_workload("regions", ["eu-west-1"] * 51)
    with pytest.raises(TextTooLongError, match=r"workload.participants\[1\]: workload participants has 256"):
        review.set_workload("participants", ["Ana", "b" * 256])
    assert review.workload.regions == ["eu-west-1"] * 50 and review.workload.participants == []


def test_parked_topics_milestones_and_context_are_limited(review):
    with pytest.raises(TextTooLongError, match="parked topic text has 2,085 characters"):
        review.park("t" * 2085)
    with pytest.raises(TextTooLongError, match="milestone name has 101 characters"):
        review.save_milestone("m" * 101)
    for i in range(200):
        review.park(f"topic {i}")
    with pytest.raises(TextTooLongError, match="holds 200 topics already"):
        review.park("one more")
    review.set_context("rto", "4 hours")
    with pytest.raises(TextTooLongError, match="business context has 2,085 characters"):
        review.set_context("rpo", "r" * 2085)
    assert review.workload.business_context == {"rto": "4 hours"}


def test_text_a_terminal_passed_on_as_broken_bytes_is_refused(review):
    with pytest.raises(ReviewError, match=r"^--workload: workload name holds \\udcff, which is not a character"):
        new([WA], "caf\udcff")
    with pytest.raises(ReviewError, match="not a character"):
        review.set_notes(WA, Q, "\ud800")


@pytest.mark.parametrize(
    ("change", "where", "message"),
    [
        (lambda d: d["extensions"].update(agenda={"plan_minutes": "x"}), "extensions.agenda.plan_minutes", "'x' is not of type 'integer'"),
        (lambda d: d["extensions"].update(agenda={"timeboxes": {"wellarchitected:security": 601}}), "extensions.agenda.timeboxes.wellarchitected:security", "601 is above 600"),
        (lambda d: d["extensions"].update(agenda={"used": {"x": -1}}), "extensions.agenda.used.x", "-1 is below 0"),
        (lambda d: d["extensions"].update(app={"position": "q1"}), "extensions.app.position", "'q1' is not of type 'object'"),
        (lambda d: d["workload"].update(name="n" * 101), "workload.name", "has 101 characters; at most 100 are allowed"),
        (lambda d: d["workload"].update(owner="o" * 200_000), "workload.owner", "has 200,000 characters; at most 255"),
        (lambda d: d["workload"].update(regions=["r"] * 51), "workload.regions", "has 51 items; at most 50 are allowed"),
    ],
)  # fmt: skip
def test_a_file_with_settings_of_the_wrong_type_or_size_is_refused_at_load(review, tmp_path, change, where, message):
    data = review.to_dict()
    change(data)
    path = tmp_path / "r.json"
    path.write_text(json.dumps(data))
    with pytest.raises(ReviewError) as caught:
        Review.load(path)
    [line] = caught.value.lines()
    assert line.startswith(f"{path}: {where}: {message}")
    assert len(line) < 300


def test_twenty_thousand_unknown_answers_are_four_lines(review, tmp_path):
    # The hardening run used 100,000 (about eight seconds here); the grouping is the same.
    data = review.to_dict()
    data["answers"][WA] = {f"gone-{i}": {"SelectedChoices": [], "IsApplicable": False} for i in range(20_000)}
    path = tmp_path / "r.json"
    path.write_text(json.dumps(data))
    loaded = Review.load(path)
    assert len(loaded.orphans()) == 20_000
    lines = [str(d) for d in loaded.notices_grouped()]
    assert len(lines) == 4
    assert (
        lines[0]
        == f"{path}: answers.wellarchitected.gone-0: lens 'wellarchitected' has no question 'gone-0'; its answer is kept"
    )
    assert (
        lines[3]
        == f"{path}: and 19,997 more: answers name questions or choices the lenses do not have; every one is kept"
    )


def test_a_review_holding_a_number_json_cannot_hold_is_not_written(review, tmp_path):
    path = tmp_path / "r.json"
    review.save(path)
    before = path.read_bytes()
    review.extensions["agenda"] = {"used": {"x": float("inf")}}
    with pytest.raises(WriteError, match=r"r\.json: extensions\.agenda\.used\.x: inf is not a number JSON can hold"):
        review.save(path)
    assert path.read_bytes() == before


def test_a_large_file_with_a_wrong_setting_reports_its_first_problem_quickly(review, tmp_path):
    data = review.to_dict()
    data["answers"][WA] = {f"gone-{i}": {"IsApplicable": False} for i in range(6_000)}
    data["answers"][WA]["gone-5999"]["Notes"] = "n" * 2085
    data["extensions"] = {"agenda": {"plan_minutes": "x"}}
    path = tmp_path / "r.json"
    path.write_text(json.dumps(data))
    with pytest.raises(ReviewError) as caught:
        Review.load(path)
    [line] = caught.value.lines()
    assert line.startswith(f"{path}: answers.wellarchitected.gone-5999.Notes: must be shorter than or equal to 2084")


@pytest.mark.parametrize(
    ("settings", "where"),
    [
        ({"app": {"modes": {"presenter": "yes"}}}, "extensions.app.modes.presenter"),
        ({"app": {"revision": -1}}, "extensions.app.revision"),
        ({"app": {"answered_at": {"wellarchitected": {"q": 5}}}}, "extensions.app.answered_at.wellarchitected.q"),
        ({"agenda": {"running": "no"}}, "extensions.agenda.running"),
        ({"agenda": {"plan_minutes": 1441}}, "extensions.agenda.plan_minutes"),
    ],
)
def test_every_app_setting_the_app_reads_is_typed_by_the_schema(review, tmp_path, settings, where):
    """So `pillarkit serve FILE` and every command refuse it up front, not the app after it has started."""
    data = review.to_dict()
    data["extensions"] = settings
    path = tmp_path / "r.json"
    path.write_text(json.dumps(data))
    with pytest.raises(ReviewError) as caught:
        Review.load(path)
    assert caught.value.lines()[0].startswith(f"{path}: {where}: ")

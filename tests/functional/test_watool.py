"""Sync with the AWS Well-Architected Tool, tested without AWS and without network.

Every request goes through a real boto3 client and is checked against botocore's own service
model for ``wellarchitected``; tests/support/watool.py answers it in memory (see there).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from kit.cli import main
from kit.core.errors import SyncError
from kit.core.review import Review, new
from kit.core.vocabulary import ChoiceStatus
from kit.exchange import watool
from tests.support.watool import Fault, check_call

PILLARKIT = Path(sys.executable).with_name("pillarkit")
WA = "wellarchitected"
PRIORITIES = "priorities"
DEV = "dev-integ"
EXT = "ops_priorities_ext_cust_needs"
INT = "ops_priorities_int_cust_needs"
VERSION_CONTROL = "ops_dev_integ_version_control"


@pytest.fixture
def review() -> Review:
    review = new([WA], "Checkout")
    review.workload.description = "Cart, payment and order confirmation."
    review.workload.owner = "Payments team"
    review.workload.regions = ["eu-west-1"]
    review.pillar_priorities = ["security", "reliability"]
    review.set_choice(WA, PRIORITIES, EXT)
    review.set_notes(WA, PRIORITIES, "Customer councils every quarter.")
    review.set_notes(WA, PRIORITIES, "Surveyed in May.", choice_id=EXT)
    review.set_choice_reason(WA, DEV, VERSION_CONTROL, "ARCHITECTURE_CONSTRAINTS")
    review.set_notes(WA, DEV, "No code of our own.", choice_id=VERSION_CONTROL)
    review.set_applicable(WA, "ops-model", False, "OUT_OF_SCOPE")
    return review


def lines_of(calls) -> list[str]:
    return [call.operation for call in calls]


# --- the plan and the dry run ------------------------------------------------------------


def test_a_plan_to_create_maps_every_answer_to_one_update_answer(review):
    calls = watool.plan_push(review, None, milestone="After the review")
    assert lines_of(calls) == ["CreateWorkload", "UpdateAnswer", "UpdateAnswer", "UpdateAnswer", "CreateMilestone"]
    for call in calls:  # the stand-in for the id a run learns is replaced by a real-looking one
        params = call.params | ({"WorkloadId": "0" * 32} if "WorkloadId" in call.params else {})
        assert check_call(call.operation, params) == [], call
    create = calls[0].params
    assert create["WorkloadName"] == "Checkout" and create["Lenses"] == ["wellarchitected"]
    assert create["PillarPriorities"] == ["security", "reliability"] and create["ReviewOwner"] == "Payments team"
    assert create["ClientRequestToken"] == watool.plan_push(review, None)[0].params["ClientRequestToken"]
    updates = {call.params["QuestionId"]: call.params for call in calls if call.operation == "UpdateAnswer"}
    assert updates[PRIORITIES] == {
        "WorkloadId": watool.CREATED_WORKLOAD,
        "LensAlias": "wellarchitected",
        "QuestionId": PRIORITIES,
        "SelectedChoices": [EXT],
        "ChoiceUpdates": {EXT: {"Status": "SELECTED", "Notes": "Surveyed in May."}},
        "Notes": "Customer councils every quarter.",
        "IsApplicable": True,
    }
    assert updates[DEV]["ChoiceUpdates"] == {
        VERSION_CONTROL: {
            "Status": "NOT_APPLICABLE",
            "Reason": "ARCHITECTURE_CONSTRAINTS",
            "Notes": "No code of our own.",
        }
    }
    assert updates["ops-model"]["IsApplicable"] is False and updates["ops-model"]["Reason"] == "OUT_OF_SCOPE"
    assert calls[-1].params["MilestoneName"] == "After the review" and calls[-1].params["ClientRequestToken"]


def test_the_dry_run_needs_no_credentials_and_prints_one_json_object_a_line(review, tmp_path):
    path = tmp_path / "checkout.json"
    review.save(path)
    workload_id = "0123456789abcdef0123456789abcdef"
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env |= {"AWS_CONFIG_FILE": str(tmp_path / "none"), "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "none")}
    result = subprocess.run(
        [str(PILLARKIT), "aws", "push", str(path), "--workload-id", workload_id, "--dry-run"],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    printed = [json.loads(line) for line in result.stdout.splitlines()]
    assert [p["operation"] for p in printed] == [
        "UpdateWorkload",
        "AssociateLenses",
        "GetAnswer",
        "UpdateAnswer",
        "GetAnswer",
        "UpdateAnswer",
        "GetAnswer",
        "UpdateAnswer",
    ]
    assert all(set(p) == {"operation", "params"} for p in printed)
    for call in printed:
        assert check_call(call["operation"], call["params"]) == [], call
    assert path.read_text() == review.to_json()  # nothing recorded: nothing was done


def test_a_push_refuses_what_the_wa_tool_would(review):
    review.workload.description = ""
    with pytest.raises(SyncError) as caught:
        watool.plan_push(review, None)
    assert caught.value.lines() == [
        "review: workload.description: the WA Tool needs a workload description of 3 to 250 characters"
    ]


# --- push ---------------------------------------------------------------------------------


def test_push_creates_the_workload_writes_answers_and_records_the_sync(fake, review):
    result = watool.push(fake.client, review, None, milestone="After the review")
    assert result.created and result.milestone == 1
    workload = fake.workloads[result.workload_id]
    assert workload.fields["WorkloadName"] == "Checkout"
    assert sorted(workload.answers[WA]) == sorted([PRIORITIES, DEV, "ops-model"])
    assert fake.calls_of("GetAnswer") == []  # a new workload has nothing to merge with
    record = watool.snapshot(review, result.workload_id)
    assert record["answers"][WA][PRIORITIES] == watool.canonical(review.answers[WA][PRIORITIES])
    assert record["risks"][WA][PRIORITIES] == "HIGH"
    assert review.to_dict()["version"] == 2
    # A second push finds nothing to write.
    fake.calls.clear()
    again = watool.push(fake.client, review, result.workload_id)
    assert again.written == [] and len(again.unchanged) == 3
    assert fake.calls_of("UpdateAnswer") == []


def test_creates_carry_a_token_so_a_retried_run_makes_no_second_workload(fake, review):
    first = watool.push(fake.client, review, None)
    second = watool.push(fake.client, review, None)
    tokens = [params["ClientRequestToken"] for params in fake.calls_of("CreateWorkload")]
    assert len(tokens) == 2 and tokens[0] == tokens[1]
    assert first.workload_id == second.workload_id and len(fake.workloads) == 1


def test_throttling_is_retried(fake, review):
    fake.faults.append(Fault("UpdateAnswer", "ThrottlingException", times=2, status=400))
    result = watool.push(fake.client, review, None)
    assert len(result.written) == 3
    assert fake.attempts.count("UpdateAnswer") == 5 and len(fake.calls_of("UpdateAnswer")) == 3


def test_a_partial_failure_says_which_questions_were_written_and_a_rerun_carries_on(fake, review, tmp_path, capsys):
    path = tmp_path / "checkout.json"
    review.save(path)
    workload = fake.add_workload()
    fake.faults.append(Fault("UpdateAnswer", "ValidationException", times=1, after=2))
    assert main(["aws", "push", str(path), "--workload-id", workload.id]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err[0] == (
        f"error: WA Tool: answers.{WA}.{DEV}: UpdateAnswer failed: ValidationException: "
        "ValidationException (made by the test)"
    )
    assert err[1] == (
        f"error: WA Tool: workload {workload.id}: stopped after writing 2 questions "
        f"({WA}/{PRIORITIES}, {WA}/ops-model); the review's sync record has them, so running the push again carries on"
    )
    assert sorted(workload.answers[WA]) == sorted([PRIORITIES, "ops-model"])
    saved = Review.load(path)
    assert sorted(watool.snapshot(saved, workload.id)["answers"][WA]) == sorted([PRIORITIES, "ops-model"])
    fake.calls.clear()
    assert main(["aws", "push", str(path), "--workload-id", workload.id]) == 0
    assert [p["QuestionId"] for p in fake.calls_of("UpdateAnswer")] == [DEV]


def test_a_custom_lens_is_imported_polled_published_and_associated(fake, lens_document, write_lens):
    from kit.core import lens as lenses

    custom = lenses.load_file(write_lens(lens_document(), "team_lens.json"))
    review = Review([lenses.bundled(WA), custom])
    review.workload.name, review.workload.description = "Checkout", "Cart and payments."
    review.set_choice("team_lens", "q1", "a")
    fake.import_polls = 2
    result = watool.push(fake.client, review, None, sleep=lambda seconds: None)
    arn = watool.snapshot(review, result.workload_id)["lenses"]["team_lens"]
    assert fake.custom_lenses[arn]["published"] and "pillarkit" not in json.dumps(fake.custom_lenses[arn]["document"])
    assert len(fake.calls_of("GetLens")) == 3  # not there, not there, there
    assert fake.workloads[result.workload_id].lenses == ["wellarchitected", arn]
    assert fake.calls_of("UpdateAnswer")[0]["LensAlias"] == arn
    # The next push reuses the lens instead of importing it again.
    fake.calls.clear()
    watool.push(fake.client, review, result.workload_id)
    assert fake.calls_of("ImportLens") == []


# --- conflicts: no silent overwrite ------------------------------------------------------------


def test_a_push_over_an_answer_changed_in_the_wa_tool_is_a_conflict_until_told(fake, review, tmp_path, capsys):
    path = tmp_path / "checkout.json"
    review.save(path)
    workload = fake.add_workload()
    assert main(["aws", "push", str(path), "--workload-id", workload.id]) == 0
    # Both sides change priorities differently; only the WA Tool changes dev-integ.
    fake.set_answer(workload.id, WA, PRIORITIES, {"SelectedChoices": [INT], "IsApplicable": True})
    fake.set_answer(workload.id, WA, DEV, {"SelectedChoices": [VERSION_CONTROL], "IsApplicable": True})
    local = Review.load(path)
    local.set_choice(WA, PRIORITIES, "ops_priorities_governance_reqs")
    local.save(path)
    capsys.readouterr()
    fake.calls.clear()
    assert main(["aws", "push", str(path), "--workload-id", workload.id]) == 1
    err = capsys.readouterr().err
    assert f"conflict: {WA}/{PRIORITIES}: changed here (2 selected, notes) and in the WA Tool (1 selected)" in err
    assert "--prefer local or --prefer remote" in err
    assert fake.calls_of("UpdateAnswer") == []  # nothing written for the conflict, nothing over dev-integ
    assert workload.answers[WA][PRIORITIES]["SelectedChoices"] == [INT]
    after = Review.load(path)
    assert after.answer(WA, DEV).status(VERSION_CONTROL) == ChoiceStatus.SELECTED  # the WA Tool's change came in
    # Told which side wins, the push writes it.
    assert main(["aws", "push", str(path), "--workload-id", workload.id, "--prefer", "local"]) == 0
    assert sorted(workload.answers[WA][PRIORITIES]["SelectedChoices"]) == sorted(
        [EXT, "ops_priorities_governance_reqs"]
    )


def test_push_prefer_remote_takes_the_wa_tools_answer_here(fake, review):
    workload = fake.add_workload()
    watool.push(fake.client, review, workload.id)
    fake.set_answer(workload.id, WA, PRIORITIES, {"SelectedChoices": [INT], "IsApplicable": True})
    review.set_choice(WA, PRIORITIES, "ops_priorities_governance_reqs")
    result = watool.push(fake.client, review, workload.id, prefer="remote")
    assert result.kept_remote == [(WA, PRIORITIES)]
    assert review.answer(WA, PRIORITIES).selected == [INT]


def test_a_first_push_over_answers_made_in_the_console_is_a_conflict(fake, review):
    workload = fake.add_workload()
    fake.set_answer(workload.id, WA, PRIORITIES, {"SelectedChoices": [INT], "IsApplicable": True})
    result = watool.push(fake.client, review, workload.id)
    assert [(c.alias, c.question_id) for c in result.conflicts] == [(WA, PRIORITIES)]
    assert workload.answers[WA][PRIORITIES]["SelectedChoices"] == [INT]


# --- pull -----------------------------------------------------------------------------------


def answer_everything(fake, workload_id: str) -> None:
    from kit.core import lens as lenses

    for index, question in enumerate(lenses.bundled(WA).questions()):
        fake.set_answer(
            workload_id,
            WA,
            question.id,
            {"SelectedChoices": [question.practices[0].id], "IsApplicable": True, "Notes": f"note {index}"},
        )


def test_pull_follows_next_token_reads_notes_and_brings_milestones(fake, tmp_path, capsys):
    workload = fake.add_workload("Payments platform")
    answer_everything(fake, workload.id)
    fake._CreateMilestone({"WorkloadId": workload.id, "MilestoneName": "Baseline", "ClientRequestToken": "t1"})
    fake.set_answer(
        workload.id, WA, PRIORITIES, {"SelectedChoices": [EXT, INT], "IsApplicable": True, "Notes": "later"}
    )
    out = tmp_path / "pulled.json"
    assert main(["aws", "pull", "--workload-id", workload.id, "-o", str(out)]) == 0
    assert capsys.readouterr().out.startswith(
        f"wrote {out}: 'Payments platform', 57 answers, 1 milestone from workload {workload.id}"
    )
    pages = fake.calls_of("ListAnswers")
    current = [p for p in pages if "MilestoneNumber" not in p]
    assert [p.get("NextToken") for p in current] == [None, "50"] and all(p["MaxResults"] == 50 for p in pages)
    assert len([p for p in fake.calls_of("GetAnswer") if "MilestoneNumber" not in p]) == 57
    review = Review.load(out)
    assert review.answer(WA, PRIORITIES).notes == "later" and review.answer(WA, DEV).notes.startswith("note")
    assert review.milestones[0].name == "Baseline"
    assert review.milestones[0].answers[WA][PRIORITIES]["Notes"] == "note 0"
    assert len(watool.snapshot(review, workload.id)["risks"][WA]) == 57


def test_pull_as_of_a_milestone(fake):
    workload = fake.add_workload()
    fake.set_answer(workload.id, WA, PRIORITIES, {"SelectedChoices": [EXT], "IsApplicable": True})
    fake._CreateMilestone({"WorkloadId": workload.id, "MilestoneName": "Baseline", "ClientRequestToken": "t1"})
    fake.set_answer(workload.id, WA, PRIORITIES, {"SelectedChoices": [INT], "IsApplicable": True})
    review = watool.pull(fake.client, workload.id, milestone=1)
    assert review.answer(WA, PRIORITIES).selected == [EXT]


def test_pull_into_a_review_merges_three_ways(fake, review, tmp_path, capsys):
    path = tmp_path / "checkout.json"
    workload = fake.add_workload()
    watool.push(fake.client, review, workload.id)
    review.save(path)
    # Here: dev-integ changes. There: ops-model changes. Both: priorities, differently.
    review.set_notes(WA, DEV, "Vendor code only.")
    review.set_choice(WA, PRIORITIES, INT)
    review.save(path)
    fake.set_answer(
        workload.id, WA, "ops-model", {"SelectedChoices": ["ops_ops_model_def_resource_owners"], "IsApplicable": True}
    )
    fake.set_answer(
        workload.id, WA, PRIORITIES, {"SelectedChoices": ["ops_priorities_eval_tradeoffs"], "IsApplicable": True}
    )
    capsys.readouterr()
    assert main(["aws", "pull", "--workload-id", workload.id, "-o", str(path)]) == 1
    captured = capsys.readouterr()
    assert "1 answer taken, 1 local change kept" in captured.out
    assert f"conflict: {WA}/{PRIORITIES}" in captured.err
    merged = Review.load(path)
    assert merged.answer(WA, "ops-model").selected == ["ops_ops_model_def_resource_owners"]
    assert merged.answer(WA, DEV).notes == "Vendor code only."
    assert sorted(merged.answer(WA, PRIORITIES).selected) == sorted([EXT, INT])  # the conflict waits
    assert main(["aws", "pull", "--workload-id", workload.id, "-o", str(path), "--prefer", "remote"]) == 0
    assert Review.load(path).answer(WA, PRIORITIES).selected == ["ops_priorities_eval_tradeoffs"]


def test_where_the_wa_tools_risk_differs_from_ours_it_is_reported(fake, review, tmp_path, capsys):
    path = tmp_path / "checkout.json"
    review.save(path)
    workload = fake.add_workload()
    fake.risk_override[(WA, DEV)] = "MEDIUM"
    assert main(["aws", "push", str(path), "--workload-id", workload.id]) == 0
    out = capsys.readouterr().out
    assert f"risk differs: {WA}/{DEV}: the WA Tool says MEDIUM, pillarkit says HIGH" in out
    saved = Review.load(path)
    assert watool.snapshot(saved, workload.id)["risks"][WA][DEV] == "MEDIUM"


def test_list_shows_workloads_with_lenses_and_risk_counts(fake, review, capsys):
    watool.push(fake.client, review, None)
    fake.add_workload("Empty one")
    assert main(["aws", "list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split()[:4] == ["workload", "id", "name", "lenses"]
    checkout = next(line for line in lines if "Checkout" in line)
    assert checkout.split()[-5:] == ["54", "2", "0", "0", "1"]


def test_the_python_api_round_trips_a_review(fake, review):
    result = watool.push(fake.client, review, None)
    pulled = watool.pull(fake.client, result.workload_id)
    for qid in (PRIORITIES, DEV, "ops-model"):
        assert watool.canonical(pulled.answers[WA][qid]) == watool.canonical(review.answers[WA][qid])
    assert pulled.answer(WA, DEV).status(VERSION_CONTROL) == ChoiceStatus.NOT_APPLICABLE
    assert pulled.workload.name == "Checkout" and pulled.pillar_priorities == ["security", "reliability"]

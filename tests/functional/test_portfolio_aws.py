"""``pillarkit portfolio --aws``: the portfolio read straight from the WA Tool, tested without AWS.

The WA Tool is tests/support/watool.py's stand-in behind a real boto3 client: every request is
checked against botocore's service model, pages follow NextToken, and faults are real errors.
"""

from __future__ import annotations

import json
import random

import pytest

from kit.cli import main
from kit.core import lens as lenses
from kit.core import portfolio as portfolios
from kit.exchange import watool
from tests.support.watool import REGION, FakeWATool, Fault

WA = "wellarchitected"


def answer_at_random(fake: FakeWATool, workload_id: str, seed: int) -> None:
    """Answers of every kind: choices selected and set aside with reasons, questions not applicable, blanks."""
    rng = random.Random(seed)
    for question in lenses.bundled(WA).questions():
        roll = rng.random()
        if roll < 0.1:
            continue  # unanswered
        if roll < 0.18:
            fake.set_answer(workload_id, WA, question.id, {"IsApplicable": False, "Reason": "OUT_OF_SCOPE"})
            continue
        picked = [c.id for c in question.practices if rng.random() < 0.5]
        set_aside = [
            {"ChoiceId": c.id, "Status": "NOT_APPLICABLE", "Reason": "BUSINESS_PRIORITIES"}
            for c in question.practices
            if c.id not in picked and rng.random() < 0.15
        ]
        chosen = [{"ChoiceId": cid, "Status": "SELECTED"} for cid in picked]
        fake.set_answer(
            workload_id,
            WA,
            question.id,
            {
                "SelectedChoices": picked,
                "ChoiceAnswers": chosen + set_aside,
                "IsApplicable": True,
                "Notes": "Plover note XYZZY",
            },
        )


def portfolio_json(argv: list[str], capsys) -> tuple[int, dict, str]:
    code = main(["portfolio", *argv, "--json"])
    captured = capsys.readouterr()
    return code, json.loads(captured.out), captured.err


def test_the_counts_from_the_wa_tool_equal_those_of_the_same_workloads_pulled_to_files(fake, tmp_path, capsys):
    ids = []
    for index, name in enumerate(("Payments", "Search", "Ledger")):
        workload = fake.add_workload(name)
        answer_at_random(fake, workload.id, index)
        ids.append(workload.id)
    code, counted, err = portfolio_json(["--aws", "--region", REGION], capsys)
    assert code == 0, err
    assert fake.chosen == {"region": REGION, "profile": None}
    # The same workloads pulled in full (GetAnswer per question, notes and all), saved, and analysed as files.
    for workload_id in ids:
        watool.pull(fake.client, workload_id).save(tmp_path / f"{workload_id}.json")
    expected = portfolios.read([tmp_path]).to_json()
    assert counted == expected
    assert counted["reviews"] == 3 and counted["skipped"] == []
    assert sum(counted["lenses"][WA]["questions"]["priorities"].values()) == 3


def test_the_wa_tool_is_read_in_pages_of_summaries_without_a_call_per_question(fake, capsys):
    for name in ("One", "Two"):
        answer_at_random(fake, fake.add_workload(name).id, 7)
    fake.calls.clear()
    assert main(["portfolio", "--aws"]) == 0
    capsys.readouterr()
    assert fake.calls_of("GetAnswer") == []  # notes are never read
    pages = fake.calls_of("ListAnswers")
    assert [p.get("NextToken") for p in pages] == [None, "50", None, "50"]  # 57 questions: two pages each
    assert all(p["MaxResults"] == 50 for p in pages + fake.calls_of("ListWorkloads"))


def test_a_workload_that_cannot_be_read_is_skipped_with_one_line_and_the_rest_are_analysed(fake, capsys):
    readable = fake.add_workload("Readable")
    answer_at_random(fake, readable.id, 1)
    refused = fake.add_workload("Refused")
    serverless_only = fake.add_workload("Serverless only", lens_aliases=("serverless",))
    fake.faults.append(Fault("GetWorkload", "AccessDeniedException", times=1, after=1))
    code, counted, err = portfolio_json(["--aws"], capsys)
    assert code == 0
    assert counted["reviews"] == 1
    skipped = {item["file"]: item["error"] for item in counted["skipped"]}
    assert set(skipped) == {f"wa-tool/{REGION}/{refused.id}", f"wa-tool/{REGION}/{serverless_only.id}"}
    assert "GetWorkload failed: AccessDeniedException" in skipped[f"wa-tool/{REGION}/{refused.id}"]
    assert "no lens of this workload can be read" in skipped[f"wa-tool/{REGION}/{serverless_only.id}"]
    lines = [line for line in err.splitlines() if line.startswith("skipped ")]
    assert len(lines) == 2 and all(line.count("\n") == 0 for line in lines)


def test_failing_to_list_the_workloads_is_one_error_line_and_no_report(fake, tmp_path, capsys):
    fake.faults.append(Fault("ListWorkloads", "AccessDeniedException"))
    out = tmp_path / "report.html"
    assert main(["portfolio", "--aws", "-o", str(out)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [
        "error: WA Tool: workloads: ListWorkloads failed: AccessDeniedException: AccessDeniedException (made by the test)"
    ]
    assert not out.exists()


def test_files_and_the_wa_tool_together_with_milestones_and_dates(fake, tmp_path, capsys):
    workload = fake.add_workload("Checkout")
    answer_at_random(fake, workload.id, 3)
    fake._CreateMilestone({"WorkloadId": workload.id, "MilestoneName": "Baseline", "ClientRequestToken": "t1"})
    answer_at_random(fake, workload.id, 4)
    other = fake.add_workload("Without milestones")
    answer_at_random(fake, other.id, 5)
    local = tmp_path / "local"
    local.mkdir()
    watool.pull(fake.client, other.id).save(local / "a-file.json")
    code, counted, err = portfolio_json([str(local), "--aws"], capsys)
    assert code == 0, err
    assert counted["reviews"] == 3
    result = portfolios.read([local], documents=watool.portfolio_documents(fake.client))
    assert result.facets["file"] == [
        str(local / "a-file.json"),
        *(f"wa-tool/{REGION}/{w}" for w in (workload.id, other.id)),
    ]
    assert [d.year for d in result.facets["date"][1:]] == [2026, 2026]  # the workloads' last update
    assert result.facets["baseline"][1:] == ["Baseline", ""]  # over time compares with the milestone
    code, counted, err = portfolio_json(["--aws", "--milestone", "Baseline"], capsys)
    assert code == 0 and counted["reviews"] == 1
    assert [item["file"] for item in counted["skipped"]] == [f"wa-tool/{REGION}/{other.id}"]


def test_anonymised_outputs_from_the_wa_tool_hold_no_names(fake, tmp_path, capsys):
    for name in ("Acme secret payments", "Zebra internal ledger"):
        workload = fake.add_workload(name)
        workload.fields["ReviewOwner"] = "Jane Placeholder-Owner"
        answer_at_random(fake, workload.id, len(name))
    plain = tmp_path / "plain.csv"
    assert main(["portfolio", "--aws", "-o", str(plain)]) == 0
    assert b"Acme secret payments" in plain.read_bytes()  # the names are there to be removed
    for suffix in (".html", ".csv", ".xlsx"):
        out = tmp_path / f"shared{suffix}"
        assert main(["portfolio", "--aws", "--anonymise", "-o", str(out)]) == 0
        data = out.read_bytes()
        if suffix == ".xlsx":
            import zipfile

            with zipfile.ZipFile(out) as book:
                data = b"".join(book.read(name) for name in book.namelist())
        for secret in (b"Acme secret payments", b"Zebra internal ledger", b"Jane Placeholder-Owner", b"XYZZY"):
            assert secret not in data, (suffix, secret)
    capsys.readouterr()


def test_the_command_says_what_it_needs(fake, capsys):
    with pytest.raises(SystemExit) as exited:
        main(["portfolio"])
    assert exited.value.code == 2
    assert "give review files or folders (PATH ...), or --aws" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exited:
        main(["portfolio", "somewhere", "--region", "eu-west-1"])
    assert exited.value.code == 2
    assert "add --aws" in capsys.readouterr().err

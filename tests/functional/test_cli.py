"""The `pillarkit` command: its forms are a contract that scripts rely on."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kit.cli import main
from kit.core.vocabulary import RISKS

PILLARKIT = Path(sys.executable).with_name("pillarkit")


def run(*args: str) -> subprocess.CompletedProcess:
    """Run the installed command, as a user or a script would."""
    return subprocess.run([str(PILLARKIT), *args], capture_output=True, text=True, timeout=120)


def test_the_command_is_installed():
    assert PILLARKIT.exists() or shutil.which("pillarkit")


def test_lens_list_shows_bundled_lenses_with_counts(capsys):
    assert main(["lens", "list"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].split() == ["alias", "name", "edition", "pillars", "questions", "choices"]
    framework = next(line for line in out if line.startswith("wellarchitected"))
    assert "AWS Well-Architected Framework" in framework and framework.split()[-3:] == ["6", "57", "364"]
    assert any(line.startswith("serverless") for line in out)


def test_lens_validate_reports_counts_warnings_and_exit_status(write_lens, lens_document, capsys):
    good = write_lens(lens_document(tags=[]), "good.json")
    bad_document = lens_document()
    bad_document["pillars"][0]["questions"][0]["riskRules"][0]["condition"] = "a &&"
    bad = write_lens(bad_document, "bad.json")
    assert main(["lens", "validate", str(good)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == f"{good}: 1 pillars, 1 questions, 3 choices; 1 warning"
    assert out[1] == f"  warning: {good}: tags: unknown key 'tags' is kept but not used"
    assert main(["lens", "validate", str(good), str(bad)]) == 2
    out = capsys.readouterr().out.splitlines()
    assert f"{bad}: unusable, 1 error" in out
    assert (
        f"  error: {bad}: pillars[0] 'pillarA' .questions[0] 'q1' .riskRules[0].condition: column 5: condition ends where a choice id or '(' was expected in 'a &&'"
        in out
    )


def test_bundled_lenses_validate_with_only_wa_import_warnings():
    frameworks = Path(__file__).resolve().parents[2] / "frameworks"
    result = run("lens", "validate", "--all", *map(str, sorted(frameworks.glob("*.json"))))
    assert result.returncode == 0, result.stdout + result.stderr
    warnings = [line for line in result.stdout.splitlines() if line.startswith("  warning:")]
    assert warnings, "the Framework's official ids are expected to break the WA Tool's '-' rule"
    assert all("the WA Tool's import" in line for line in warnings)
    assert f"wellarchitected.json: 6 pillars, 57 questions, 364 choices; {len(warnings)} warnings" in result.stdout


def test_lens_export_plain_and_for_aws(tmp_path, write_lens, lens_document, capsys):
    document = lens_document()
    document["pillarkit"] = {"edition": "test"}
    document["pillars"][0]["questions"][0]["pillarkit"] = {"code": "T01"}
    document["pillars"][0]["questions"][0]["choices"][0]["description"] = "What following this practice means."
    source = write_lens(document)
    assert main(["lens", "export", str(source), "-o", str(tmp_path / "plain.json")]) == 0
    assert json.loads((tmp_path / "plain.json").read_text()) == document
    assert main(["lens", "export", str(source), "-o", str(tmp_path / "aws.json"), "--aws"]) == 0
    exported = json.loads((tmp_path / "aws.json").read_text())
    assert "pillarkit" not in json.dumps(exported)
    # a choice's description is a WA Tool API field: it goes to the WA Tool
    assert exported["pillars"][0]["questions"][0]["choices"][0]["description"] == "What following this practice means."
    assert exported["pillars"][0]["questions"][0]["riskRules"] == document["pillars"][0]["questions"][0]["riskRules"]


def test_aws_export_refuses_with_reasons_while_limits_are_broken(tmp_path):
    result = run("lens", "export", "wellarchitected", "-o", str(tmp_path / "wa.json"), "--aws")
    assert result.returncode == 2
    lines = result.stderr.splitlines()
    assert "cannot export for the WA Tool's import" in lines[0]
    assert any("question id 'dev-integ' has '-'" in line for line in lines)
    assert not (tmp_path / "wa.json").exists()


def test_new_and_score_json_contract(tmp_path):
    path = tmp_path / "review.json"
    created = run("new", "--lens", "wellarchitected", "--lens", "serverless", "--workload", "Shop", "-o", str(path))
    assert created.returncode == 0, created.stderr
    result = run("score", str(path), "--json")
    assert result.returncode == 0
    data = json.loads(result.stdout)
    assert set(data) == {"RiskCounts", "lenses"}
    assert data["RiskCounts"] == {"UNANSWERED": 66, "HIGH": 0, "MEDIUM": 0, "NONE": 0, "NOT_APPLICABLE": 0}
    framework = data["lenses"]["wellarchitected"]
    assert set(framework) == {"RiskCounts", "pillars", "questions"}
    assert list(framework["pillars"]) == [
        "operationalExcellence",
        "security",
        "reliability",
        "performance",
        "costOptimization",
        "sustainability",
    ]
    for pillar in framework["pillars"].values():
        assert set(pillar) == {"RiskCounts"} and list(pillar["RiskCounts"]) == list(RISKS)
    assert len(framework["questions"]) == 57 and set(framework["questions"].values()) == {"UNANSWERED"}


def test_a_lens_file_of_any_name_makes_a_review_every_command_opens(tmp_path, data):
    """The issue's done-when check: new, then score, plan and export, with an awkward file name."""
    lens_file = tmp_path / "my lens (1) v2.0 réversibilité.json"
    lens_file.write_bytes((data / "lenses" / "published" / "s3-like.json").read_bytes())
    second = tmp_path / "custom-lens-elasticache-v2.0 .json"
    second.write_bytes((data / "lenses" / "published" / "elasticache-like.json").read_bytes())
    review = tmp_path / "review.json"
    created = run("new", "--lens", str(lens_file), "--lens", str(second), "--workload", "Shop", "-o", str(review))
    assert created.returncode == 0, created.stderr
    assert "against my-lens-1-v2.0-reversibilite, custom-lens-elasticache-v2.0" in created.stdout
    score = run("score", str(review), "--json")
    assert score.returncode == 0, score.stderr
    assert list(json.loads(score.stdout)["lenses"]) == ["my-lens-1-v2.0-reversibilite", "custom-lens-elasticache-v2.0"]
    assert run("plan", str(review)).returncode == 0
    for suffix in (".html", ".csv", ".json"):
        exported = run("export", str(review), "-o", str(tmp_path / f"out{suffix}"))
        assert exported.returncode == 0, exported.stderr
    exported_review = json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))["review"]
    assert [e["alias"] for e in exported_review["lenses"]] == [
        "my-lens-1-v2.0-reversibilite",
        "custom-lens-elasticache-v2.0",
    ]


def test_new_takes_an_explicit_alias(tmp_path, data, capsys):
    lens_file = tmp_path / "lens (1).json"
    lens_file.write_bytes((data / "lenses" / "published" / "s3-like.json").read_bytes())
    review = tmp_path / "review.json"
    assert main(["new", "--lens", f"s3={lens_file}", "--lens", "serverless", "--workload", "x", "-o", str(review)]) == 0
    assert [entry["alias"] for entry in json.loads(review.read_text())["lenses"]] == ["s3", "serverless"]
    capsys.readouterr()
    refused = tmp_path / "refused.json"
    assert main(["new", "--lens", f"my s3={lens_file}", "--workload", "x", "-o", str(refused)]) == 2
    assert "alias 'my s3' may hold only letters, digits, '_', '.' and '-'" in capsys.readouterr().err
    assert not refused.exists()
    assert "ALIAS=FILE" in run("new", "--help").stdout


def test_new_refuses_to_overwrite_without_force(tmp_path):
    path = tmp_path / "review.json"
    path.write_text("precious")
    result = run("new", "--lens", "wellarchitected", "--workload", "Shop", "-o", str(path))
    assert result.returncode == 2 and "already exists; pass --force" in result.stderr
    assert path.read_text() == "precious"


def test_score_table_is_readable(tmp_path, capsys):
    path = tmp_path / "review.json"
    assert main(["new", "--lens", "serverless", "--workload", "Orders API", "-o", str(path)]) == 0
    capsys.readouterr()
    assert main(["score", str(path)]) == 0
    out = capsys.readouterr().out
    assert "Orders API" in out and "Serverless Applications Lens (serverless)" in out
    assert "UNANSWERED  HIGH  MEDIUM  NONE  NOT_APPLICABLE" in out
    assert out.splitlines()[-1].split() == ["total", "9", "0", "0", "0", "0"]


def test_plan_lists_high_then_medium_with_first_steps(tmp_path, capsys):
    from kit.core.review import new

    review = new(["wellarchitected"], "Shop")
    review.set_choice("wellarchitected", "planning-for-recovery", "rel_planning_for_recovery_no")
    incident = review.lenses["wellarchitected"].question("incident-response")
    for choice in incident.practices:
        if choice.risk_level == "HIGH":
            review.set_choice("wellarchitected", incident.id, choice.id)
    review.save(tmp_path / "r.json")
    assert main(["plan", str(tmp_path / "r.json")]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "HIGH   Reliability: REL13 How do you plan for disaster recovery (DR)?"
    assert any(line.startswith("MEDIUM Security: SEC10") for line in out)
    assert any(line.strip().startswith("https://docs.aws.amazon.com/wellarchitected/") for line in out)


@pytest.mark.parametrize(
    "args, message",
    [
        (["bogus"], "invalid choice: 'bogus'"),
        (["score"], "the following arguments are required: FILE"),
        (["score", "missing.json"], "missing.json: no such file"),
        (["new", "--lens", "nope", "--workload", "x", "-o", "r.json"], "nope: no bundled lens of that name"),
        (["lens", "export", "wellarchitected"], "the following arguments are required: -o/--output"),
    ],
)
def test_wrong_input_is_exit_2_and_one_line_never_a_traceback(args, message):
    result = run(*args)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1, result.stderr
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_a_broken_review_file_is_one_line(tmp_path):
    path = tmp_path / "r.json"
    path.write_text(
        '{"format": "pillarkit-review", "version": 1, "workload": {}, "lenses": [{"alias": "wellarchitected"}], "answers": {"wellarchitected": {"priorities": {"SelectedChoices": "x"}}}}'
    )
    result = run("score", str(path))
    assert result.returncode == 2
    assert (
        result.stderr.strip()
        == f"error: {path}: answers.wellarchitected.priorities.SelectedChoices: 'x' is not of type 'array'"
    )


def test_options_lists_every_option_with_its_default_and_environment_variable(capsys):
    from kit.core import options

    assert main(["options"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == len(options.ALL)
    for option, line in zip(options.ALL, lines, strict=True):
        assert line.split()[0] == option.name
        assert repr(option.default) in line and option.help in line
        if option.env:
            assert option.env in line


def test_an_option_set_in_the_environment_wins_and_a_bad_one_is_named(monkeypatch):
    from kit.core import options

    monkeypatch.setenv("PILLARKIT_PORT", "9000")
    assert options.PORT.value() == 9000
    monkeypatch.setenv("PILLARKIT_PORT", "nine")
    with pytest.raises(options.OptionError) as refused:
        options.PORT.value()
    assert str(refused.value) == "$PILLARKIT_PORT: 'nine' is not a valid port (a whole number)"


def test_serve_names_a_bad_port_variable_in_one_line(tmp_path):
    result = subprocess.run(
        [str(PILLARKIT), "serve"],
        capture_output=True,
        text=True,
        timeout=60,
        env={"PILLARKIT_PORT": "nine", "PATH": ""},
    )
    assert result.returncode == 2
    assert result.stderr.strip() == "error: $PILLARKIT_PORT: 'nine' is not a valid port (a whole number)"


def test_serve_refuses_a_folder_that_is_a_file_in_one_line(tmp_path):
    not_a_folder = tmp_path / "reviews"
    not_a_folder.write_text("", encoding="utf-8")
    result = run("serve", "--folder", str(not_a_folder), "--port", "1")
    assert result.returncode == 2
    assert (
        result.stderr.strip() == f"error: {not_a_folder}: is not a folder; pass --folder with a folder for the reviews"
    )
    assert result.stdout == ""

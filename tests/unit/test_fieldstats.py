"""Field statistics from the 2020 reviews: what the app and the handout can say next to a question or choice."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from kit.core import fieldstats, lens

ROOT = Path(__file__).resolve().parents[2]
BUILD_SCRIPT = ROOT / "tools" / "build_fieldstats.py"
SHIPPED = ROOT / "frameworks" / "fieldstats" / "reviews-2020.json"


def _build_module():
    spec = importlib.util.spec_from_file_location("fieldstats_build_under_test", BUILD_SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _by_id(stat_id: str) -> fieldstats.FieldStat:
    return next(f for f in fieldstats.all_figures() if f.id == stat_id)


# --- the data ------------------------------------------------------------------------


def test_all_48_figures_load():
    figures = fieldstats.all_figures()

    assert len(figures) == 48
    assert len({f.id for f in figures}) == 48


def test_every_share_is_a_whole_percentage_and_only_the_ranking_has_none():
    for figure in fieldstats.all_figures():
        if figure.measure == "question_rank_best":
            assert figure.percent is None
        else:
            assert isinstance(figure.percent, int) and 0 <= figure.percent <= 100, figure.id


def test_every_mapped_question_and_choice_exists_in_the_bundled_framework():
    framework = lens.bundled("wellarchitected")
    for figure in fieldstats.all_figures():
        if figure.question_id is None:
            assert figure.measure == "legacy_choice_selected", figure.id
            continue
        assert framework.has_question(figure.question_id), figure.id
        question = framework.question(figure.question_id)
        assert question.code == figure.question_code, figure.id
        if figure.choice_id is not None:
            assert figure.choice_id in question.choice_ids, figure.id
            assert question.choice(figure.choice_id).code == figure.bp_code, figure.id


def test_the_shipped_json_is_what_the_csv_builds():
    build = _build_module()

    assert SHIPPED.read_text(encoding="utf-8") == build.render(build.build())
    assert build.main(["--check"]) == 0


def test_check_reports_a_json_that_drifted_from_the_csv(tmp_path, monkeypatch, capsys):
    build = _build_module()
    stale = tmp_path / "reviews-2020.json"
    document = json.loads(SHIPPED.read_text(encoding="utf-8"))
    document["figures"][0]["percent"] = 99
    stale.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    monkeypatch.setattr(build, "TARGET", stale)

    assert build.main(["--check"]) == 1
    assert "out of date" in capsys.readouterr().err


def test_the_source_names_the_talk_and_the_article():
    source = fieldstats.provenance()

    assert source["talk"]["speaker"] == "Jon Topper"
    assert source["talk"]["event"] == "QCon London 2020"
    assert source["talk"]["url"].startswith("https://qconlondon.com/london2020/presentation/")
    assert source["blog"]["url"].startswith("https://")
    assert source["framework_edition"] == "2018"


# --- looking figures up --------------------------------------------------------------


def test_disaster_recovery_was_high_risk_for_79_percent():
    figures = fieldstats.for_question("wellarchitected", "planning-for-recovery")

    high = [f for f in figures if f.measure == "question_high_risk"]
    assert [f.percent for f in high] == [79]
    assert high[0].sentence == "In 2020 reviews, 79% of workloads were high risk here."


def test_question_lookup_gives_question_level_figures_only():
    figures = fieldstats.for_question("wellarchitected", "incident-response")

    assert {f.measure for f in figures} == {"question_high_or_medium", "none_of_these", "legacy_choice_selected"}
    assert all(f.question_id == "incident-response" for f in figures)


def test_tested_disaster_recovery_plans_were_a_quarter():
    figures = fieldstats.for_choice("wellarchitected", "planning-for-recovery", "rel_planning_for_recovery_dr_tested")

    assert [f.percent for f in figures] == [25]
    assert figures[0].sentence == "In 2020 reviews, 25% of workloads followed this practice."


def test_a_choice_measured_under_two_2018_questions_gives_both_and_tells_them_apart():
    figures = fieldstats.for_choice("wellarchitected", "permissions", "sec_permissions_least_privileges")

    assert sorted(f.percent for f in figures) == [58, 70]
    sentences = [f.sentence for f in figures]
    assert any("How do you control human access?" in s for s in sentences)
    assert any("How do you control programmatic access?" in s for s in sentences)


def test_a_lens_object_works_like_its_alias():
    framework = lens.bundled("wellarchitected")

    assert fieldstats.for_question(framework, "dev-integ") == []  # measured by choice only
    assert fieldstats.for_choice(framework, "dev-integ", "ops_dev_integ_version_control")[0].percent == 90
    assert fieldstats.for_question(framework, "priorities") == fieldstats.for_question("wellarchitected", "priorities")


@pytest.mark.parametrize("alias", ["serverless", "my-custom-lens"])
def test_other_lenses_have_no_figures(alias):
    assert fieldstats.for_question(alias, "planning-for-recovery") == []
    assert fieldstats.for_choice(alias, "planning-for-recovery", "rel_planning_for_recovery_dr_tested") == []


def test_the_serverless_lens_object_has_no_figures():
    serverless = lens.bundled("serverless")

    assert all(fieldstats.for_question(serverless, q.id) == [] for q in serverless.questions())


def test_unmeasured_questions_and_choices_give_nothing():
    assert fieldstats.for_question("wellarchitected", "no-such-question") == []
    assert fieldstats.for_choice("wellarchitected", "planning-for-recovery", "rel_planning_for_recovery_no") == []


def test_results_are_fresh_lists():
    fieldstats.for_question("wellarchitected", "planning-for-recovery").clear()

    assert fieldstats.for_question("wellarchitected", "planning-for-recovery")


# --- sentences -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("stat_id", "sentence"),
    [
        ("change-wa", "In 2020 reviews, 63% of workloads had no risk here."),
        ("dr-high-or-medium", "In 2020 reviews, 87% of workloads were high or medium risk here."),
        ("priorities-wa", "In 2020 reviews, this was the question most often rated Well-Architected."),
        ("incident-none", "In 2020 reviews, 35% of workloads followed none of these practices."),
    ],
)
def test_exact_figures_read_about_the_current_question(stat_id, sentence):
    assert _by_id(stat_id).sentence == sentence


def test_a_medium_confidence_figure_keeps_its_2018_wording_and_says_why():
    assert _by_id("storage-wa").sentence == (
        "In 2020 reviews, 70% of workloads had no risk on the 2018 question “How do you select your storage "
        "solution?” (a medium-confidence match: the current question also covers databases)."
    )


def test_every_inexact_figure_names_its_2018_question_and_the_match():
    inexact = [f for f in fieldstats.all_figures() if f.confidence != "high"]

    assert inexact
    for figure in inexact:
        assert f"“{figure.legacy_title}”" in figure.sentence, figure.id
        assert "match" in figure.sentence, figure.id
        wording = "a medium-confidence match" if figure.confidence == "medium" else "a loose match"
        assert wording in figure.sentence, figure.id


def test_a_2018_only_practice_is_named_and_called_so():
    sentence = _by_id("incident-tooling").sentence

    assert "27%" in sentence
    assert "2018 practice with no current equivalent" in sentence
    assert "know which tooling to use" in sentence
    assert "a loose match" in sentence


def test_every_sentence_is_one_plain_sentence():
    for figure in fieldstats.all_figures():
        sentence = figure.sentence
        assert sentence.startswith("In 2020 reviews, "), figure.id
        assert sentence.endswith(".") and not sentence.endswith("?”."), figure.id
        assert "\n" not in sentence and "None" not in sentence, figure.id


def test_a_figure_without_a_share_is_refused():
    with pytest.raises(ValueError, match="needs a percent"):
        fieldstats.FieldStat(
            id="x",
            source="talk",
            legacy_question="REL 9",
            legacy_title="How do you plan for disaster recovery?",
            question_code="REL13",
            question_id="planning-for-recovery",
            bp_code=None,
            choice_id=None,
            measure="question_high_risk",
            percent=None,
            confidence="high",
            topic="",
        )

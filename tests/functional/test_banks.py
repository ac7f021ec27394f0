"""The bundled banks: facts exactly as the reference gives them, our texts complete, scoring as designed."""

from __future__ import annotations

import csv
import importlib.util
import json
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest

from kit.core import lens as lenses
from kit.core.review import new

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = ROOT / "tests" / "data" / "reference"
PILLARKIT = Path(sys.executable).with_name("pillarkit")
PREFIX = {
    "operationalExcellence": "ops",
    "security": "sec",
    "reliability": "rel",
    "performance": "perf",
    "costOptimization": "cost",
    "sustainability": "sus",
}


def _rows(name: str) -> list[dict]:
    with (REFERENCE / name).open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


FRAMEWORK_ROWS = _rows("aws-wellarchitected-2024-11.csv")
SERVERLESS_ROWS = _rows("serverless-lens-2022.csv")


@pytest.fixture(scope="module")
def framework():
    return lenses.bundled("wellarchitected")


@pytest.fixture(scope="module")
def serverless():
    return lenses.bundled("serverless")


def _build_module():
    spec = importlib.util.spec_from_file_location("bank_build", ROOT / "tools" / "build_banks.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


# --- the shipped files are what their sources build -----------------------------------


@pytest.mark.parametrize("alias", ["wellarchitected", "serverless"])
def test_shipped_lens_equals_its_source(alias):
    build = _build_module()
    bank = next(b for b in build.BANKS if b.alias == alias)
    shipped = json.loads((ROOT / "frameworks" / f"{alias}.json").read_text(encoding="utf-8"))
    assert shipped == build.build(bank), f"run: python tools/build_banks.py ({alias} drifted from frameworks/source)"


def test_the_build_source_facts_are_the_reference_facts():
    source = (ROOT / "frameworks" / "source" / "wellarchitected" / "facts.csv").read_bytes()
    assert source == (REFERENCE / "aws-wellarchitected-2024-11.csv").read_bytes()


# --- the Framework: every id and title as the reference gives it ----------------------


def test_framework_counts(framework):
    questions = list(framework.questions())
    assert len(framework.pillars) == 6 and len(questions) == 57
    assert sum(len(q.practices) for q in questions) == 307
    assert all(q.none_of_these is not None for q in questions)


def test_framework_pillars_match_the_reference(framework):
    expected = list(dict.fromkeys((r["pillar_id"], r["pillar_name"]) for r in FRAMEWORK_ROWS))
    assert [(p.id, p.name) for p in framework.pillars] == expected


def test_framework_questions_match_the_reference(framework):
    expected = {r["question_id"]: (r["pillar_id"], r["question_code"], r["question_title"]) for r in FRAMEWORK_ROWS}
    actual = {q.id: (q.pillar_id, q.code, q.title) for q in framework.questions()}
    assert actual == expected


def test_framework_practices_match_the_reference(framework):
    expected = {
        (r["question_id"], r["choice_id"]): (r["bp_code"], r["bp_title"], r["risk_if_missing"], r["docs_url"])
        for r in FRAMEWORK_ROWS
    }
    actual = {
        (q.id, c.id): (c.code, c.title, c.risk_level, c.improvement.url)
        for q in framework.questions()
        for c in q.practices
    }
    assert actual == expected


def test_none_of_these_ids_follow_the_wa_tool_pattern(framework):
    for question in framework.questions():
        expected = f"{PREFIX[question.pillar_id]}_{question.id.replace('-', '_')}_no"
        assert question.none_of_these.id == expected
        assert question.none_of_these.title == "None of these"
    assert framework.question("priorities").none_of_these.id == "ops_priorities_no"
    assert framework.question("planning-for-recovery").none_of_these.id == "rel_planning_for_recovery_no"


# --- our texts ------------------------------------------------------------------------


def _all_texts(lens):
    for question in lens.questions():
        yield question.id, question.description
        for choice in question.practices:
            yield choice.id, choice.helpful.text
            yield choice.id, choice.improvement.text


@pytest.mark.parametrize("alias", ["wellarchitected", "serverless"])
def test_every_question_and_practice_has_our_texts(alias):
    lens = lenses.bundled(alias)
    for pillar in lens.pillars:
        assert 20 <= len(pillar.description) <= 400, pillar.id
    for question in lens.questions():
        assert 40 <= len(question.description) <= 400, question.id
        for choice in question.practices:
            assert 20 <= len(choice.helpful.text) <= 200, choice.id
            assert 20 <= len(choice.improvement.text) <= 350, choice.id
            assert choice.helpful.url == choice.improvement.url and choice.improvement.url.startswith(
                "https://docs.aws.amazon.com/wellarchitected/"
            )


@pytest.mark.parametrize("alias", ["wellarchitected", "serverless"])
def test_texts_are_plain_single_lines_and_never_repeat(alias):
    texts = [text for _, text in _all_texts(lenses.bundled(alias))]
    assert len(texts) == len(set(texts))
    for text in texts:
        assert "\n" not in text and "<" not in text and "**" not in text
        assert text == text.strip() and text[-1] in '.?)"'


# --- scoring through `pillarkit score`, for every question -------------------------------


def _score_all(review, tmp_path, name) -> dict:
    path = tmp_path / f"{name}.json"
    review.save(path)
    result = subprocess.run([str(PILLARKIT), "score", str(path), "--json"], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def _scenario_reviews(alias: str):
    """Reviews in which every question gets the same kind of answer: all ticked, None of these, one left out."""
    lens = lenses.bundled(alias)
    all_ticked, none = new([alias], "all"), new([alias], "none")
    for question in lens.questions():
        for choice in question.practices:
            all_ticked.set_choice(alias, question.id, choice.id)
        none.set_choice(alias, question.id, question.none_of_these.id)
    yield "all ticked", all_ticked, {q.id: "NONE" for q in lens.questions()}
    yield "none of these", none, {q.id: "HIGH" for q in lens.questions()}
    width = max(len(q.practices) for q in lens.questions())
    for left_out in range(width):
        review, expected = new([alias], f"without {left_out}"), {}
        for question in lens.questions():
            practices = question.practices
            if left_out >= len(practices):
                continue
            missing = practices[left_out]
            if len(practices) == 1:
                # The only practice left out can only be said with "None of these".
                review.set_choice(alias, question.id, question.none_of_these.id)
                expected[question.id] = "HIGH"
                continue
            for choice in practices:
                if choice is not missing:
                    review.set_choice(alias, question.id, choice.id)
            expected[question.id] = "HIGH" if missing.risk_level in ("HIGH", "Required") else "MEDIUM"
        yield f"practice {left_out} left out", review, expected


@pytest.mark.parametrize("alias", ["wellarchitected", "serverless"])
def test_scoring_every_question_through_the_command(alias, tmp_path):
    checked = defaultdict(int)
    for name, review, expected in _scenario_reviews(alias):
        scored = _score_all(review, tmp_path, name.replace(" ", "-"))["lenses"][alias]["questions"]
        for question_id, risk in expected.items():
            assert scored[question_id] == risk, f"{name}: {question_id}"
            checked[name] += 1
    lens = lenses.bundled(alias)
    questions = sum(1 for _ in lens.questions())
    assert checked["all ticked"] == checked["none of these"] == questions
    left_out = sum(v for k, v in checked.items() if k.endswith("left out"))
    assert left_out == sum(len(q.practices) for q in lens.questions())


def test_not_applicable_practices_drop_out_of_the_framework_rules(framework):
    review = new(["wellarchitected"], "Shop")
    question = framework.question("incident-response")
    for choice in question.practices:
        status = "SELECTED" if choice.risk_level == "HIGH" else "NOT_APPLICABLE"
        review.set_choice("wellarchitected", question.id, choice.id, status)
    from kit.core.scoring import score

    assert score(review).lenses["wellarchitected"].questions[question.id] == "NONE"
    for choice in question.practices:
        review.set_choice("wellarchitected", question.id, choice.id, "NOT_APPLICABLE")
    assert score(review).lenses["wellarchitected"].questions[question.id] == "NONE"


# --- the Serverless lens ----------------------------------------------------------------


def test_serverless_titles_and_labels_match_the_reference(serverless):
    expected = [
        (r["pillar_id"], r["question_code"], r["question_title"], r["choice_title"], r["label"])
        for r in SERVERLESS_ROWS
    ]
    actual = [
        (q.pillar_id, q.code, q.title, c.title, c.risk_level) for q in serverless.questions() for c in q.practices
    ]
    assert actual == expected
    assert len(list(serverless.questions())) == 9 and len(actual) == 38


def test_serverless_ids_are_ours_stable_and_importable(serverless):
    ids = [q.id for q in serverless.questions()] + [c.id for q in serverless.questions() for c in q.choices]
    assert len(ids) == len(set(ids))
    assert not serverless.import_blockers
    assert serverless.question("ops1_health").none_of_these.id == "ops1_health_no"

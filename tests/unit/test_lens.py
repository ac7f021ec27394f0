"""Loading and validating lenses: errors make a lens unusable, published quirks only warn."""

from __future__ import annotations

import json

import pytest

from kit.core import lens as lenses
from kit.core.errors import LensError, UnknownLensError


def _errors(document, write_lens) -> list[str]:
    with pytest.raises(LensError) as caught:
        lenses.load_file(write_lens(document))
    lines = caught.value.lines()
    assert all("\n" not in line for line in lines)
    return lines


def _warnings(document, write_lens, code=None) -> list[str]:
    lens = lenses.load_file(write_lens(document))
    return [str(w) for w in lens.warnings if code is None or w.code == code]


# --- finding lenses -------------------------------------------------------------------


def test_bundled_lenses_are_found_through_the_package_not_the_current_folder(tmp_path):
    (tmp_path / "wellarchitected.json").write_text("{not json", encoding="utf-8")
    lens = lenses.load("wellarchitected")
    assert lens.bundled and lens.alias == "wellarchitected"
    assert lens.counts() == (6, 57, 364)
    assert "serverless" in lenses.bundled_aliases()


def test_a_lens_file_takes_its_stem_as_alias(write_lens, lens_document):
    lens = lenses.load(str(write_lens(lens_document(), "my-lens.json")))
    assert lens.alias == "my-lens" and not lens.bundled
    assert lens.question("q1").choice_ids == ("a", "b", "q1_no")
    assert lens.question("q1").none_of_these.id == "q1_no"
    assert [c.id for c in lens.question("q1").practices] == ["a", "b"]


def test_unknown_alias_is_one_clear_line():
    with pytest.raises(UnknownLensError) as caught:
        lenses.load("no-such-lens")
    assert "no bundled lens" in str(caught.value) and "wellarchitected" in str(caught.value)


def test_content_hash_follows_content_not_formatting(write_lens, lens_document):
    document = lens_document()
    one = lenses.load_file(write_lens(document, "a.json"))
    path = write_lens(document, "b.json")
    path.write_text(json.dumps(document), encoding="utf-8")  # same content, other layout
    assert lenses.load_file(path).content_hash == one.content_hash
    document["name"] = "Changed"
    assert lenses.load_file(write_lens(document, "c.json")).content_hash != one.content_hash


# --- errors ---------------------------------------------------------------------------


def test_invalid_json_reports_line_and_column(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('{\n  "name": "x",\n  "pillars": [,]\n}', encoding="utf-8")
    with pytest.raises(LensError) as caught:
        lenses.load_file(path)
    assert str(caught.value) == f"{path}: pillars[0], line 3, column 15: invalid JSON: Expecting value"


def test_missing_file_is_one_line(tmp_path):
    with pytest.raises(LensError, match=r"nope\.json: no such file"):
        lenses.load_file(tmp_path / "nope.json")


@pytest.mark.parametrize(
    "mutate, where, message",
    [
        (lambda d: d.update(schemaVersion="2020-01-01"), "schemaVersion", "must be '2021-11-01'"),
        (lambda d: d.pop("pillars"), "$", "'pillars' is missing"),
        (
            lambda d: d["pillars"][0]["questions"][0]["choices"][0].update(id="a b"),
            "pillars[0].questions[0].choices[0].id",
            "letters, digits",
        ),
        (lambda d: d["pillars"][0].update(id="p.1"), "pillars[0].id", "letters, digits"),
        (
            lambda d: d["pillars"][0]["questions"][0].update(title="  "),
            "pillars[0].questions[0].title",
            "must not be blank",
        ),
        (
            lambda d: d["pillars"][0]["questions"][0].update(title=""),
            "pillars[0].questions[0].title",
            "must not be empty",
        ),
        (
            lambda d: d["pillars"][0]["questions"][0]["riskRules"][0].update(condition="q1_no ||"),
            "pillars[0].questions[0].riskRules[0].condition",
            "column 9",
        ),
        (
            lambda d: d["pillars"][0]["questions"][0]["riskRules"][1].update(condition="!zz"),
            "pillars[0].questions[0].riskRules[1].condition",
            "'zz', which is not a choice of this question",
        ),
        (
            lambda d: d["pillars"][0]["questions"][0]["riskRules"][0].update(risk="SEVERE"),
            "pillars[0].questions[0].riskRules[0].risk",
            "'SEVERE' is not one of",
        ),
        (
            lambda d: d["pillars"][0]["questions"][0]["choices"][0]["improvementPlan"].update(url="ftp://x.org/a"),
            "pillars[0].questions[0].choices[0].improvementPlan.url",
            "http:// or https://",
        ),
        (
            lambda d: d["pillars"][0]["questions"][0]["choices"][0]["improvementPlan"].update(
                url="javascript:alert(1)"
            ),
            "improvementPlan.url",
            "http:// or https://",
        ),
        (
            lambda d: d["pillars"][0]["questions"][0].update(choices=[]),
            "pillars[0].questions[0].choices",
            "must not be empty",
        ),
        (
            lambda d: d["pillars"][0]["questions"][0].update(title=7),
            "pillars[0].questions[0].title",
            "must be a string",
        ),
    ],
)
def test_unusable_lenses_fail_with_file_place_and_reason(mutate, where, message, write_lens, lens_document):
    document = lens_document()
    mutate(document)
    lines = _errors(document, write_lens)
    assert any(where in line and message in line for line in lines), lines
    assert all(line.startswith(str(write_lens(document))) for line in lines)


def test_duplicate_ids_are_errors(write_lens, lens_document):
    document = lens_document(
        {
            "q1": {"choices": ["a", "a"], "rules": [("default", "NO_RISK")]},
            "q2": {"choices": ["x"], "rules": [("default", "NO_RISK")]},
        }
    )
    document["pillars"][0]["questions"][1]["id"] = "q1"
    document["pillars"].append(dict(document["pillars"][0]))
    lines = _errors(document, write_lens)
    assert any(
        "pillars[0].questions[0].choices[1].id: choice id 'a' is already used by choices[0]" in line for line in lines
    )
    assert any(
        "pillars[0].questions[1].id: question id 'q1' is already used at pillars[0].questions[0]" in line
        for line in lines
    )
    assert any("pillars[1].id: pillar id 'pillarA' is already used by pillars[0]" in line for line in lines)


@pytest.mark.parametrize(
    "make, where, limit",
    [
        (lambda d: d.update(pillars=[dict(d["pillars"][0], id=f"p{i}") for i in range(11)]), "pillars", 10),
        (
            lambda d: d["pillars"][0].update(
                questions=[dict(d["pillars"][0]["questions"][0], id=f"q{i}") for i in range(21)]
            ),
            "pillars[0].questions",
            20,
        ),
        (
            lambda d: d["pillars"][0]["questions"][0].update(
                choices=[{"id": f"c{i}", "title": "C"} for i in range(16)],
                riskRules=[{"condition": "default", "risk": "NO_RISK"}],
            ),
            "pillars[0].questions[0].choices",
            15,
        ),
    ],
)
def test_size_limits_are_errors(make, where, limit, write_lens, lens_document):
    document = lens_document()
    make(document)
    lines = _errors(document, write_lens)
    assert any(f"{where}: has " in line and f"at most {limit} are allowed" in line for line in lines), lines


def test_every_error_is_reported_not_just_the_first(write_lens, lens_document):
    document = lens_document()
    document["pillars"][0]["questions"][0]["title"] = " "
    document["pillars"][0]["questions"][0]["riskRules"][0]["condition"] = "zz"
    assert len(_errors(document, write_lens)) == 2


# --- warnings -------------------------------------------------------------------------


def test_a_clean_lens_has_no_warnings(write_lens, lens_document):
    assert _warnings(lens_document(), write_lens) == []


def test_extra_keys_warn_and_load(write_lens, lens_document):
    document = lens_document(_version="3", tags=["x"])
    document["pillars"][0]["questions"][0]["choices"][0]["weight"] = 3
    warnings = _warnings(document, write_lens, "extra-key")
    assert len(warnings) == 3
    assert any("pillars[0].questions[0].choices[0].weight: unknown key 'weight'" in w for w in warnings)


def test_a_choice_without_improvement_plan_warns_but_none_of_these_does_not(write_lens, lens_document):
    document = lens_document()
    del document["pillars"][0]["questions"][0]["choices"][1]["improvementPlan"]
    warnings = _warnings(document, write_lens, "no-improvement-plan")
    assert warnings == [
        f"{write_lens(document)}: pillars[0].questions[0].choices[1]: choice 'b' has no improvementPlan"
    ]


def test_no_default_rule_warns(write_lens, lens_document):
    document = lens_document(
        {"q1": {"choices": ["a", "b"], "rules": [("a && b", "NO_RISK"), ("a || b", "MEDIUM_RISK")]}}
    )
    assert len(_warnings(document, write_lens, "no-default-rule")) == 1


def test_reused_choice_ids_across_questions_warn(write_lens, lens_document):
    spec = {"choices": ["a", "b"], "rules": [("a", "NO_RISK"), ("default", "HIGH_RISK")]}
    warnings = _warnings(lens_document({"q1": spec, "q2": spec, "q3": spec}), write_lens, "reused-choice-id")
    assert len(warnings) == 2  # one for each reused id, not one for each reuse
    assert "questions[1].choices[0].id: choice id 'a' is used in 3 questions ('q1', 'q2', 'q3')" in warnings[0]


def test_rules_that_can_never_fire_warn(write_lens, lens_document):
    spec = {"choices": ["a", "b"], "rules": [("a || !a", "HIGH_RISK"), ("b", "MEDIUM_RISK"), ("default", "NO_RISK")]}
    warnings = _warnings(lens_document({"q1": spec}), write_lens, "rule-never-fires")
    assert len(warnings) == 2
    assert "riskRules[1]: rule 'b' can never fire" in warnings[0]
    assert "riskRules[2]: rule 'default' can never fire" in warnings[1]


def test_wa_import_limits_warn_and_block_aws_export(write_lens, lens_document):
    document = lens_document({"dev-integ": {"choices": ["c" * 65, "b"], "rules": [("default", "NO_RISK")]}})
    document["pillars"][0]["questions"][0]["title"] = "Q" * 129
    lens = lenses.load_file(write_lens(document))
    blockers = [str(w) for w in lens.import_blockers]
    assert len(blockers) == 3
    assert any("question id 'dev-integ' has '-'" in b for b in blockers)
    assert any("question title has 129 characters" in b for b in blockers)
    assert any("choice id has 65 characters" in b for b in blockers)


def test_lens_objects_expose_extension_fields():
    question = lenses.bundled("wellarchitected").question("planning-for-recovery")
    assert question.code == "REL13" and question.pillar_id == "reliability"
    choice = question.choice("rel_planning_for_recovery_dr_tested")
    assert choice.code == "REL13-BP03" and choice.risk_level in {"HIGH", "MEDIUM", "LOW"}
    assert choice.improvement.url.startswith("https://docs.aws.amazon.com/wellarchitected/")


def test_non_standard_json_constants_are_refused_with_their_place(tmp_path):
    path = tmp_path / "nan.json"
    path.write_text('{"name": "NaN in a string is fine",\n  "title": NaN}', encoding="utf-8")
    with pytest.raises(LensError) as caught:
        lenses.load_file(path)
    assert str(caught.value) == f"{path}: title, line 2, column 12: invalid JSON: NaN is not a JSON value"


def test_links_with_spaces_or_nothing_in_them_warn(write_lens, lens_document):
    document = lens_document()
    document["pillars"][0]["questions"][0]["choices"][0]["improvementPlan"]["url"] = "https://example.org/a "
    document["pillars"][0]["questions"][0]["choices"][1]["improvementPlan"]["url"] = ""
    codes = sorted(w.code for w in lenses.load_file(write_lens(document)).warnings)
    assert codes == ["empty-link", "link-spaces"]


def test_more_than_three_rules_is_a_wa_import_limit(write_lens, lens_document):
    rules = [("a && b", "NO_RISK"), ("a", "MEDIUM_RISK"), ("b", "MEDIUM_RISK"), ("default", "HIGH_RISK")]
    lens = lenses.load_file(write_lens(lens_document({"q1": {"choices": ["a", "b"], "rules": rules}})))
    assert [w.message for w in lens.import_blockers] == ["has 4 rules; the WA Tool's import takes at most 3"]


def test_a_rule_that_needs_none_of_these_with_a_not_applicable_practice_can_fire(write_lens, lens_document):
    # "q1_no && a" holds when a is marked not applicable (a drops out), so it is not dead.
    rules = [("q1_no && a", "NO_RISK"), ("a", "MEDIUM_RISK"), ("default", "HIGH_RISK")]
    lens = lenses.load_file(write_lens(lens_document({"q1": {"choices": ["a", "q1_no"], "rules": rules}})))
    assert [w for w in lens.warnings if w.code == "rule-never-fires"] == []


def test_bundled_lenses_pass_the_full_schema_check_they_skip_at_load_time():
    for alias in lenses.bundled_aliases():
        loaded = lenses.bundled(alias)
        errors, warnings = lenses.validate(loaded.document, loaded.source)
        assert errors == []
        assert [str(w) for w in warnings] == [str(w) for w in loaded.warnings]


def test_loading_a_bundled_lens_does_not_import_jsonschema():
    import subprocess
    import sys

    probe = "import sys, kit.core.lens as l; l.bundled('wellarchitected'); print('jsonschema' in sys.modules)"
    assert (
        subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout.strip()
        == "False"
    )


@pytest.mark.parametrize(
    "where, extension, message",
    [
        ([], {"edition": 2025}, "pillarkit.edition: must be a string"),
        (["pillars", 0, "questions", 0, "choices", 0], {"level": ["HIGH"]}, "pillarkit.level: must be a string"),
        (
            ["pillars", 0, "questions", 0, "choices", 0],
            {"risk": "SEVERE"},
            "pillarkit.risk: 'SEVERE' is not one of HIGH, MEDIUM, LOW",
        ),
    ],
)
def test_our_extension_fields_are_typed(where, extension, message, write_lens, lens_document):
    document = lens_document()
    node = document
    for key in where:
        node = node[key]
    node["pillarkit"] = extension
    assert any(message in line for line in _errors(document, write_lens))


# --- hostile lenses -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("condition", "message"),
    [
        ("!" * 5000 + "a", "has 5,001 characters; at most 2,048 are allowed"),
        ("!" * 1500 + "a", "column 33: '!' and parentheses nested deeper than 32 levels in '!!!!"),
        ("(" * 300 + "a" + ")" * 300, "column 33: '!' and parentheses nested deeper than 32 levels in '((((("),
    ],
)
def test_deep_conditions_are_one_error_line_not_a_recursion_error(condition, message, write_lens, lens_document):
    document = lens_document()
    document["pillars"][0]["questions"][0]["riskRules"][0]["condition"] = condition
    path = write_lens(document)
    with pytest.raises(LensError) as caught:
        lenses.load_file(path)
    [line] = caught.value.lines()
    assert line.startswith(f"{path}: pillars[0].questions[0].riskRules[0].condition: {message}")
    assert len(line) < 300


@pytest.mark.parametrize(
    ("where", "key", "limit"),
    [([], "name", 1024), (["pillars", 0, "questions", 0], "description", 8192), (["pillars", 0], "id", 256)],
)
def test_text_past_a_readers_limit_is_refused_in_one_short_line(where, key, limit, write_lens, lens_document):
    document = lens_document()
    target = document
    for part in where:
        target = target[part]
    target[key] = "x" * 200_000
    with pytest.raises(LensError) as caught:
        lenses.load_file(write_lens(document))
    line = next(line for line in caught.value.lines() if f"has 200,000 characters; at most {limit:,}" in line)
    assert len(line) < 300

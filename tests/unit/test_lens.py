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


# --- aliases --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "file_name, alias",
    [
        ("s3-like.json", "s3-like"),
        ("Amazon_S3_Lens.json", "Amazon_S3_Lens"),
        ("custom-lens-elasticache-v2.0 .json", "custom-lens-elasticache-v2.0"),  # a real name, trailing space
        ("lens (1).json", "lens-1"),  # a browser's second download
        ("my lens.json", "my-lens"),
        ("réversibilité.json", "reversibilite"),
        ("my lens (1) v2.0 réversibilité.json", "my-lens-1-v2.0-reversibilite"),
        ("Straße Øresund Łódź.JSON", "Strasse-Oresund-Lodz"),
        ("lens - copy.json", "lens-copy"),
        ("__draft__.json", "draft"),
        ("/tmp/folder with space/ORR lens.json", "ORR-lens"),
        ("C:\\Users\\me\\Downloads\\orr (2).json", "orr-2"),
        ("镜头.json", "lens"),
        (".json", "lens"),
        ("x" * 100 + ".json", "x" * 64),
        ("a" * 63 + " b.json", "a" * 63),  # never ends on a separator after cutting
    ],
)
def test_an_alias_is_made_from_any_file_name(file_name, alias):
    made = lenses.alias_from_name(file_name)
    assert made == alias
    assert lenses.alias_problem(made) is None
    assert lenses.alias_from_name(made) == made  # stable: an alias names itself


def test_the_alias_rule_is_the_review_files_rule():
    from kit.core import schemas

    pattern = schemas.load("review")["properties"]["lenses"]["items"]["properties"]["alias"]["pattern"]
    assert pattern == f"^{lenses.ALIAS_PATTERN.pattern}$"


def test_a_lens_file_with_an_awkward_name_loads_under_a_safe_alias(tmp_path, lens_document):
    path = tmp_path / "my lens (1) v2.0 réversibilité.json"
    path.write_text(json.dumps(lens_document()), encoding="utf-8")
    assert lenses.load(str(path)).alias == "my-lens-1-v2.0-reversibilite"
    assert lenses.load_file(path, "orr").alias == "orr"
    with pytest.raises(LensError, match=r"alias 'my lens' may hold only letters, digits"):
        lenses.load_file(path, "my lens")


def test_lenses_of_one_review_never_share_an_alias(tmp_path, lens_document):
    first, second, third = (tmp_path / n for n in ("lens (1).json", "lens 1.json", "serverless.json"))
    for number, path in enumerate((first, second, third)):
        path.write_text(json.dumps(lens_document(name=f"Lens {number}")), encoding="utf-8")
    applied = lenses.load_many([str(first), str(second), "serverless", str(third)])
    # a custom file named like a bundled lens never takes the bundled lens's alias
    assert [lens.alias for lens in applied] == ["lens-1", "lens-1-2", "serverless", "serverless-2"]
    assert [lens.bundled for lens in applied] == [False, False, True, False]
    # and the same list gives the same aliases every time
    assert [lens.alias for lens in lenses.load_many([str(first), str(second), "serverless", str(third)])] == [
        "lens-1",
        "lens-1-2",
        "serverless",
        "serverless-2",
    ]


def test_an_explicit_alias_is_taken_as_given_and_checked(tmp_path, lens_document):
    path = tmp_path / "lens (1).json"
    path.write_text(json.dumps(lens_document()), encoding="utf-8")
    other = tmp_path / "other.json"
    other.write_text(json.dumps(lens_document(name="Other")), encoding="utf-8")
    applied = lenses.load_many([f"lens-1={other}", str(path)])
    assert [lens.alias for lens in applied] == ["lens-1", "lens-1-2"]  # the explicit alias wins
    refused = {
        f"my lens={path}": "alias 'my lens' may hold only letters",
        f"serverless={path}": "alias 'serverless' is a bundled lens's",
        "fw=wellarchitected": "a bundled lens keeps its own alias",
    }
    for spec, message in refused.items():
        with pytest.raises(LensError, match=message):
            lenses.load_many([spec])
    with pytest.raises(LensError, match="alias 'x' is already given to"):
        lenses.load_many([f"x={path}", f"x={other}"])
    with pytest.raises(LensError, match="is given twice; a review applies a lens once"):
        lenses.load_many([str(path), str(path)])


def test_a_file_whose_name_holds_an_equals_sign_still_loads(tmp_path, lens_document):
    path = tmp_path / "team=payments.json"
    path.write_text(json.dumps(lens_document()), encoding="utf-8")
    assert lenses.split_alias(str(path)) == (None, str(path))
    assert [lens.alias for lens in lenses.load_many([str(path)])] == ["team-payments"]
    assert lenses.split_alias("orr=orr.json") == ("orr", "orr.json")


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
            "pillars[0] 'pillarA' .questions[0] 'q1' .choices[0] 'a b' .id",
            "letters, digits",
        ),
        (lambda d: d["pillars"][0].update(id="p.1"), "pillars[0] 'p.1' .id", "letters, digits"),
        (
            lambda d: d["pillars"][0]["questions"][0].update(title="  "),
            "pillars[0] 'pillarA' .questions[0] 'q1' .title",
            "must not be blank",
        ),
        (
            lambda d: d["pillars"][0]["questions"][0].update(title=""),
            "pillars[0] 'pillarA' .questions[0] 'q1' .title",
            "must not be empty",
        ),
        (
            lambda d: d["pillars"][0]["questions"][0]["riskRules"][0].update(condition="q1_no ||"),
            "pillars[0] 'pillarA' .questions[0] 'q1' .riskRules[0].condition",
            "column 9",
        ),
        (
            lambda d: d["pillars"][0]["questions"][0]["riskRules"][1].update(condition="!zz"),
            "pillars[0] 'pillarA' .questions[0] 'q1' .riskRules[1].condition",
            "'zz', which is not a choice of this question",
        ),
        (
            lambda d: d["pillars"][0]["questions"][0]["riskRules"][0].update(risk="SEVERE"),
            "pillars[0] 'pillarA' .questions[0] 'q1' .riskRules[0].risk",
            "'SEVERE' is not one of",
        ),
        (
            lambda d: d["pillars"][0]["questions"][0]["choices"][0]["improvementPlan"].update(url="ftp://x.org/a"),
            "pillars[0] 'pillarA' .questions[0] 'q1' .choices[0] 'a' .improvementPlan.url",
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
            "pillars[0] 'pillarA' .questions[0] 'q1' .choices",
            "must not be empty",
        ),
        (
            lambda d: d["pillars"][0]["questions"][0].update(title=7),
            "pillars[0] 'pillarA' .questions[0] 'q1' .title",
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
        "pillars[0] 'pillarA' .questions[0] 'q1' .choices[1] 'a' .id: choice id 'a' is already used by choices[0]"
        in line
        for line in lines
    )
    assert any(
        "pillars[0] 'pillarA' .questions[1] 'q1' .id: question id 'q1' is already used at "
        "pillars[0] 'pillarA' .questions[0] 'q1'" in line
        for line in lines
    )
    assert any("pillars[1] 'pillarA' .id: pillar id 'pillarA' is already used by pillars[0]" in line for line in lines)


def test_error_places_name_the_ids_on_the_way(write_lens, lens_document):
    spec = {"choices": ["a", "b"], "rules": [("a", "NO_RISK"), ("default", "HIGH_RISK")]}
    document = lens_document({f"finops_co_q{n}": spec for n in range(1, 5)})
    pillar = document["pillars"][0]
    document["pillars"] = [dict(pillar, id=f"p{n}", questions=[]) for n in range(3)] + [dict(pillar, id="finops_co")]
    for p in document["pillars"][:3]:
        p["questions"] = [dict(pillar["questions"][0], id=f"{p['id']}_q1")]
    document["pillars"][3]["questions"][3]["id"] = "finops_co_q3"  # a second q3
    (line,) = _errors(document, write_lens)
    assert line.endswith(
        ": pillars[3] 'finops_co' .questions[3] 'finops_co_q3' .id: question id 'finops_co_q3' is already used at "
        "pillars[3] 'finops_co' .questions[2] 'finops_co_q3'"
    )


def test_a_place_names_ids_only_where_there_are_ids():
    from kit.core.jsonio import json_path

    document = {"pillars": [{"id": "x" * 60, "questions": "not a list"}, 7, {"id": 3}]}
    assert json_path(["pillars", 0, "questions", 2, "id"], document) == f"pillars[0] '{'x' * 47}…' .questions[2].id"
    assert json_path(["pillars", 1, "id"], document) == "pillars[1].id"  # not an object
    assert json_path(["pillars", 2, "id"], document) == "pillars[2].id"  # an id that is not text
    assert json_path(["pillars", 9], document) == "pillars[9]"  # past the end
    assert json_path(["pillars", 0, "questions"]) == "pillars[0].questions"  # no document, positions only
    assert json_path([], document) == "$"


@pytest.mark.parametrize(
    "make, where, limit",
    [
        (lambda d: d.update(pillars=[dict(d["pillars"][0], id=f"p{i}") for i in range(11)]), "pillars", 10),
        (
            lambda d: d["pillars"][0].update(
                questions=[dict(d["pillars"][0]["questions"][0], id=f"q{i}") for i in range(21)]
            ),
            "pillars[0] 'pillarA' .questions",
            20,
        ),
        (
            lambda d: d["pillars"][0]["questions"][0].update(
                choices=[{"id": f"c{i}", "title": "C"} for i in range(16)],
                riskRules=[{"condition": "default", "risk": "NO_RISK"}],
            ),
            "pillars[0] 'pillarA' .questions[0] 'q1' .choices",
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
    assert any(
        "pillars[0] 'pillarA' .questions[0] 'q1' .choices[0] 'a' .weight: unknown key 'weight'" in w for w in warnings
    )


def test_a_misspelt_url_key_is_named_and_its_link_is_kept(write_lens, lens_document):
    document = lens_document()
    choice = document["pillars"][0]["questions"][0]["choices"][0]
    choice["helpfulResource"] = {"displayText": "Read this.", "Url": "https://example.org/guide"}
    lens = lenses.load_file(write_lens(document))
    (warning,) = lens.warnings
    assert warning.code == "extra-key"
    assert warning.where == "pillars[0] 'pillarA' .questions[0] 'q1' .choices[0] 'a' .helpfulResource.Url"
    assert warning.message == (
        "unknown key 'Url'; did you mean 'url'? The link is used here, but the WA Tool ignores it under this name"
    )
    assert lens.question("q1").choice("a").helpful == lenses.Link("Read this.", "https://example.org/guide")
    choice["helpfulResource"]["Url"] = "ftp://example.org/guide"  # checked like any link
    assert any(
        "helpfulResource.Url: link 'ftp://example.org/guide' must start with" in e
        for e in _errors(document, write_lens)
    )


@pytest.mark.parametrize(
    "where, meant, key, message",
    [
        ("choice", "improvementPlan", "improvmentPlan", "did you mean 'improvementPlan'? It is kept but not used"),
        ("choice", "helpfulResource", "HelpfulResource", "did you mean 'helpfulResource'? It is kept but not used"),
        ("question", "description", "descripton", "did you mean 'description'? It is kept but not used"),
        ("lens", "description", "Description", "did you mean 'description'? It is kept but not used"),
        ("lens", None, "tags", "is kept but not used"),  # nothing like it: no guess
        ("question", None, "title_fr", "is kept but not used"),
    ],
)
def test_near_miss_keys_get_a_did_you_mean(where, meant, key, message, write_lens, lens_document):
    document = lens_document()
    question = document["pillars"][0]["questions"][0]
    target = {"lens": document, "question": question, "choice": question["choices"][0]}[where]
    target[key] = target.pop(meant, {"displayText": "Help."}) if meant else "x"
    (warning,) = _warnings(document, write_lens, "extra-key")
    assert warning.endswith(
        f": unknown key {key!r}; {message}" if "mean" in message else f": unknown key {key!r} {message}"
    )


def test_a_key_that_is_there_in_its_right_spelling_too_is_only_unknown(write_lens, lens_document):
    document = lens_document()
    document["pillars"][0]["questions"][0]["choices"][0]["improvementPlan"]["URL"] = "https://example.org/other"
    (warning,) = _warnings(document, write_lens, "extra-key")
    assert warning.endswith("improvementPlan.URL: unknown key 'URL' is kept but not used")
    lens = lenses.load_file(write_lens(document))
    assert lens.question("q1").choice("a").improvement.url == "https://example.org/a"  # 'url' itself wins


def test_a_choice_description_is_kept_and_its_wa_tool_limit_warns(write_lens, lens_document):
    document = lens_document()
    choices = document["pillars"][0]["questions"][0]["choices"]
    choices[0]["description"] = "Deploys go through the pipeline."
    choices[1]["description"] = ""
    lens = lenses.load_file(write_lens(document))
    assert lens.warnings == ()  # not an unknown key: the WA Tool's API has it
    assert lens.question("q1").choice("a").description == "Deploys go through the pipeline."
    assert lens.question("q1").choice("b").description == ""
    choices[0]["description"] = "x" * 1025
    lens = lenses.load_file(write_lens(document))
    assert [(w.where, w.message) for w in lens.import_blockers] == [
        (
            "pillars[0] 'pillarA' .questions[0] 'q1' .choices[0] 'a' .description",
            "choice description has 1025 characters; the WA Tool's import takes at most 1024",
        )
    ]
    choices[0]["description"] = 7
    assert any(".choices[0] 'a' .description: must be a string" in e for e in _errors(document, write_lens))


def test_a_choice_without_improvement_plan_warns_but_none_of_these_does_not(write_lens, lens_document):
    document = lens_document()
    del document["pillars"][0]["questions"][0]["choices"][1]["improvementPlan"]
    warnings = _warnings(document, write_lens, "no-improvement-plan")
    assert warnings == [
        f"{write_lens(document)}: pillars[0] 'pillarA' .questions[0] 'q1' .choices[1] 'b': choice 'b' has no improvementPlan"
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
    assert (
        "questions[1] 'q2' .choices[0] 'a' .id: choice id 'a' is used in 3 questions ('q1', 'q2', 'q3')" in warnings[0]
    )


def test_rules_that_can_never_fire_warn(write_lens, lens_document):
    always = "(a && b) || !(a && b)"  # a group is true or false, never neutral
    spec = {"choices": ["a", "b"], "rules": [(always, "HIGH_RISK"), ("b", "MEDIUM_RISK"), ("default", "NO_RISK")]}
    warnings = _warnings(lens_document({"q1": spec}), write_lens, "rule-never-fires")
    assert len(warnings) == 2
    assert "riskRules[1]: rule 'b' can never fire" in warnings[0]
    assert "riskRules[2]: rule 'default' can never fire" in warnings[1]


def test_a_rule_reached_only_through_a_not_applicable_alternative_does_not_warn(write_lens, lens_document):
    # "a || !a" is false when a is marked not applicable (it satisfies no "||"), so "b" can fire.
    spec = {"choices": ["a", "b"], "rules": [("a || !a", "HIGH_RISK"), ("b", "MEDIUM_RISK"), ("default", "NO_RISK")]}
    assert _warnings(lens_document({"q1": spec}), write_lens, "rule-never-fires") == []


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
    # "q1_no && a" holds when a is marked not applicable (it satisfies the "&&"), so it is not dead.
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
    assert line.startswith(f"{path}: pillars[0] 'pillarA' .questions[0] 'q1' .riskRules[0].condition: {message}")
    assert len(line) - len(str(path)) < 250  # the condition is quoted in part, never whole


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

"""Lenses shaped like published ones load, and warn exactly where they break the spec.

The fixtures in tests/data/lenses/published are our own small lenses that reproduce the
structural quirks of real published custom lenses (QUIRKS.md says which and where).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kit.cli import main
from kit.core import lens as lenses
from kit.core.review import Answer, ChoiceAnswer
from kit.core.scoring import question_risk
from kit.core.vocabulary import HIGH, MEDIUM, NONE, ChoiceStatus

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


def test_lens_validate_prints_the_golden_report(monkeypatch, capsys):
    """Every fixture through `pillarkit lens validate`: counts, then warnings grouped by kind."""
    monkeypatch.chdir(FOLDER)
    assert main(["lens", "validate", *sorted(GOLDEN)]) == 0
    assert capsys.readouterr().out == (FOLDER / "expected-validate.txt").read_text(encoding="utf-8")


def test_many_warnings_of_one_kind_stay_readable(write_lens, lens_document, capsys):
    """51 questions that all reuse seven choice ids: seven warnings, each naming 51 questions."""
    spec = {
        "choices": ["aa", "bb", "cc", "dd", "ee", "ff", "gg_no"],
        "rules": [("aa", "NO_RISK"), ("default", "HIGH_RISK")],
    }
    document = lens_document({f"q{n:02}": spec for n in range(51)})
    one = document["pillars"][0]
    document["pillars"] = [dict(one, id=f"p{p}", questions=one["questions"][p * 17 : (p + 1) * 17]) for p in range(3)]
    path = write_lens(document, "many.json")
    lens = lenses.load_file(path)
    assert len(lens.warnings) == 7
    assert lens.warnings[0].message == (
        "choice id 'aa' is used in 51 questions ('q00', 'q01', 'q02', 'q03', 'q04' and 46 more); "
        "rules stay within their question"
    )
    assert main(["lens", "validate", str(path)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[1] == "  7 reused-choice-id warnings; the first 3:"
    assert [line.split("choice id ")[1].split(" ")[0] for line in out[2:5]] == ["'aa'", "'bb'", "'cc'"]
    assert out[5:] == ["    and 4 more like these (--all lists every one)"]
    assert max(len(line.replace(str(path), "")) for line in out) < 200  # one line never lists 51 ids
    assert main(["lens", "validate", "--all", str(path)]) == 0
    every = capsys.readouterr().out.splitlines()
    assert len(every) == 8 and all(line.startswith("  warning: ") for line in every[1:])


# Answers on which the WA Tool's measured rule (DESIGN.md section 4) scores a published shape
# differently from dropping not-applicable practices out of the rule, which the kit did before.
# (fixture, question, {choice: status}, risk now)
WA_TOOL_RULE_CASES = [
    # "GRN_1_1 || GRN_1_2 || GRN_1_3" -> NO_RISK: alternatives set aside satisfy no "||".
    (
        "s3-like.json",
        "GRN_1",
        {
            "GRN_1_1": ChoiceStatus.NOT_APPLICABLE,
            "GRN_1_2": ChoiceStatus.NOT_APPLICABLE,
            "GRN_1_3": ChoiceStatus.NOT_APPLICABLE,
        },
        MEDIUM,
    ),
    # "WOPS_2_no || (WOPS_2_1 && WOPS_2_2)" -> NO_RISK: the "&&" of two set aside is satisfied.
    (
        "s3-like.json",
        "WOPS_2",
        {"WOPS_2_1": ChoiceStatus.NOT_APPLICABLE, "WOPS_2_2": ChoiceStatus.NOT_APPLICABLE},
        NONE,
    ),
    # "!sel3 || !sel3 || !sel5" -> MEDIUM no longer holds with both set aside; "!sel1 ..." -> HIGH does.
    (
        "connect-bots-like.json",
        "ChatBot_01",
        {"sel3": ChoiceStatus.NOT_APPLICABLE, "sel5": ChoiceStatus.NOT_APPLICABLE},
        HIGH,
    ),
    # "!sel1 || !sel2 || !sel3" -> HIGH first: every practice set aside no longer makes it HIGH.
    (
        "connect-bots-like.json",
        "ChatBot_03",
        {"sel1": ChoiceStatus.NOT_APPLICABLE, "sel2": ChoiceStatus.NOT_APPLICABLE, "sel3": ChoiceStatus.NOT_APPLICABLE},
        NONE,
    ),
    # "(check_int && (...)) || ..." -> MEDIUM: the set-aside checks satisfy no alternative.
    (
        "orr-like.json",
        "shipping_smoke_checks",
        {
            "check_int": ChoiceStatus.NOT_APPLICABLE,
            "check_unit": ChoiceStatus.NOT_APPLICABLE,
            "check_scan": ChoiceStatus.SELECTED,
        },
        HIGH,
    ),
]


@pytest.mark.parametrize("name, question_id, statuses, expected", WA_TOOL_RULE_CASES)
def test_published_shapes_score_by_the_wa_tools_rule_for_not_applicable(name, question_id, statuses, expected):
    question = lenses.load_file(FOLDER / name).question(question_id)
    answer = Answer(choices={cid: ChoiceAnswer(status) for cid, status in statuses.items()})
    assert question_risk(question, answer) == expected

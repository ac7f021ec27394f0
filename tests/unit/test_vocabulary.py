"""The vocabulary is defined once: the API's strings, their wording and CSS names, and nowhere else."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from kit.core import schemas
from kit.core.vocabulary import (
    ENVIRONMENTS,
    FROM_LENS,
    REASONS,
    RISKS,
    SEVERITY,
    STATUSES,
    TO_LENS,
    WORST_FIRST,
    ChoiceStatus,
    Environment,
    Reason,
    Risk,
)

KIT = Path(__file__).resolve().parents[2] / "kit"


def test_risks_are_the_apis_riskcounts_keys_in_its_order():
    assert list(RISKS) == ["UNANSWERED", "HIGH", "MEDIUM", "NONE", "NOT_APPLICABLE"]
    assert list(WORST_FIRST) == ["HIGH", "MEDIUM", "NONE", "NOT_APPLICABLE", "UNANSWERED"]
    assert sorted(WORST_FIRST) == sorted(RISKS)


def test_each_risk_has_its_wording_css_class_and_severity():
    assert {risk: (risk.words, risk.short, risk.css) for risk in Risk} == {
        Risk.HIGH: ("High risk", "high", "pk-risk-high"),
        Risk.MEDIUM: ("Medium risk", "medium", "pk-risk-medium"),
        Risk.NONE: ("No risk", "no risk", "pk-risk-none"),
        Risk.NOT_APPLICABLE: ("Not applicable", "not applicable", "pk-risk-na"),
        Risk.UNANSWERED: ("Unanswered", "unanswered", "pk-risk-unanswered"),
    }
    assert sorted(Risk, key=SEVERITY.__getitem__)[:3] == [Risk.HIGH, Risk.MEDIUM, Risk.NONE]


def test_the_lens_files_names_map_both_ways():
    assert FROM_LENS == {"HIGH_RISK": Risk.HIGH, "MEDIUM_RISK": Risk.MEDIUM, "NO_RISK": Risk.NONE}
    assert {TO_LENS[risk]: risk for risk in TO_LENS} == FROM_LENS


def test_statuses_reasons_and_environments_have_their_wording():
    assert [(s, s.words) for s in STATUSES] == [
        ("SELECTED", "Selected"),
        ("NOT_APPLICABLE", "Not applicable"),
        ("UNSELECTED", "Not selected"),
    ]
    assert [(r, r.words) for r in REASONS] == [
        ("OUT_OF_SCOPE", "Out of scope"),
        ("BUSINESS_PRIORITIES", "Business priorities"),
        ("ARCHITECTURE_CONSTRAINTS", "Architecture constraints"),
        ("OTHER", "Other"),
        ("NONE", "None"),
    ]
    assert [(e, e.words) for e in ENVIRONMENTS] == [("PRODUCTION", "Production"), ("PREPRODUCTION", "Pre-production")]


@pytest.mark.parametrize("kind", [Risk, ChoiceStatus, Reason, Environment])
def test_a_member_is_its_api_string_in_json_in_dicts_and_in_text(kind):
    for member in kind:
        plain = str(member.value)
        assert type(plain) is str and member == plain and hash(member) == hash(plain)
        assert kind(plain) is member
        assert {plain: 1}[member] == 1 and {member: 1}[plain] == 1
        assert str(member) == f"{member}" == plain
        assert json.dumps({member: [member]}) == json.dumps({plain: [plain]})
        assert json.dumps({member: member}, indent=2) == json.dumps({plain: plain}, indent=2)


def test_the_file_schemas_allow_exactly_the_vocabulary():
    review = schemas.load("review")
    assert review["$defs"]["reason"]["enum"] == list(REASONS)
    assert review["properties"]["workload"]["properties"]["environment"]["enum"] == list(ENVIRONMENTS)
    choice_answer = review["$defs"]["answer"]["properties"]["ChoiceAnswers"]["items"]
    assert choice_answer["properties"]["Status"]["enum"] == list(STATUSES)
    lens = json.dumps(schemas.load("lens"))
    assert '"enum": ["HIGH_RISK", "MEDIUM_RISK", "NO_RISK"]' in lens


def test_no_other_module_spells_out_the_wording():
    """A copy of the wording elsewhere in the kit would drift: every view looks it up in the vocabulary."""
    phrases = [Risk.HIGH.words, Risk.MEDIUM.words, Risk.NONE.words, Reason.OUT_OF_SCOPE.words]
    phrases += [Reason.ARCHITECTURE_CONSTRAINTS.words, Environment.PREPRODUCTION.words, "None given"]
    found = []
    for path in sorted(KIT.rglob("*")):
        if path.suffix not in (".py", ".j2", ".css") or path.name == "vocabulary.py":
            continue
        text = path.read_text(encoding="utf-8")
        found += [f"{path.relative_to(KIT)}: {p!r}" for p in phrases if re.search(rf"\b{re.escape(p)}\b", text)]
    assert found == []

"""The starter catalogue of failure modes: every kind the issue names, real Framework questions, our own texts."""

from __future__ import annotations

import copy
import csv
import json
from importlib.resources import files
from pathlib import Path

import pytest

from kit.core import catalogue as catalogues
from kit.core import lens as lenses
from kit.core import register
from kit.core.errors import RegisterError
from kit.core.review import new

REFERENCE = Path(__file__).resolve().parents[1] / "data" / "reference" / "aws-wellarchitected-2024-11.csv"

#: The component kinds issue 14 asks the catalogue to cover.
KINDS = {
    "function",
    "container",
    "virtual-machine",
    "relational-database",
    "key-value-database",
    "object-storage",
    "queue-stream",
    "load-balancer",
    "cdn-dns",
    "deployment-pipeline",
    "credentials-access",
    "third-party-api",
    "zone-region",
}


@pytest.fixture(scope="module")
def catalogue() -> catalogues.Catalogue:
    return catalogues.load()


def document() -> dict:
    return json.loads(files(catalogues.DATA_PACKAGE).joinpath(catalogues.DATA_FILE).read_text(encoding="utf-8"))


def test_every_kind_the_issue_names_is_covered_by_several_failure_modes(catalogue):
    assert {kind.id for kind in catalogue.kinds} == KINDS
    for kind in catalogue.kinds:
        assert len(catalogue.of_kind(kind.id)) >= 3, kind.id


def test_every_question_is_a_framework_question(catalogue):
    with REFERENCE.open(encoding="utf-8") as handle:
        reference = {row["question_id"] for row in csv.DictReader(handle)}
    framework = lenses.bundled("wellarchitected")
    for item in catalogue.entries:
        for link in item.questions:
            assert link.lens == "wellarchitected", item.id
            assert link.question in reference and framework.has_question(link.question), (item.id, link.question)


def test_the_questions_the_issue_names_get_suggestions(catalogue):
    """Disaster recovery, incident response and resilience testing each have entries to suggest."""
    named = {link.question for item in catalogue.entries for link in item.questions}
    assert {"planning-for-recovery", "event-response", "incident-response", "testing-resiliency"} <= named


def test_texts_are_whole_sentences_that_fit_the_register(catalogue):
    seen = set()
    for item in catalogue.entries:
        for name in catalogues.TEXTS:
            text = getattr(item, name)
            assert text == text.strip() and text[0].isupper() and text.endswith("."), (item.id, name)
            assert len(text) <= register.LIMITS[name]
            assert text not in seen, (item.id, name)  # no text is pasted from one entry into another
            seen.add(text)


def test_every_entry_can_be_added_to_a_framework_review(catalogue):
    review = new(["wellarchitected"], "Everything")
    for item in catalogue.entries:
        added = register.add_from_catalogue(review, item.id)
        assert added.catalogue == item.id and len(added.questions) == len(item.questions)
    assert len(review.risk_register) == len(catalogue.entries)
    assert len({e.id for e in review.risk_register}) == len(catalogue.entries)


@pytest.mark.parametrize(
    "change, place",
    [
        (lambda d: d["entries"][0].update(kind="mainframe"), "entries[0].kind"),
        (lambda d: d["entries"][1].update(id=d["entries"][0]["id"]), "entries[1].id"),
        (lambda d: d["entries"][2].update(detection=""), "entries[2].detection"),
        (lambda d: d["entries"][3].update(failure_mode="f" * 501), "entries[3].failure_mode"),
        (lambda d: d["entries"][4].update(questions=[]), "entries[4].questions"),
        (lambda d: d["kinds"][0].pop("component"), "kinds[0]"),
    ],
)
def test_a_broken_catalogue_is_refused_with_the_place(change, place):
    data = copy.deepcopy(document())
    change(data)
    with pytest.raises(RegisterError) as caught:
        catalogues.from_document(data, "catalogue.json")
    assert any(line.startswith(f"catalogue.json: {place}: ") for line in caught.value.lines()), caught.value.lines()


def test_the_catalogue_ships_inside_the_package():
    assert files("kit.frameworks.register").joinpath("catalogue.json").is_file()
    assert document()["format"] == catalogues.FORMAT

"""Reading reviews in bulk: the fast path extracts what the slow one does, and every bad file gets Review.load's error."""

from __future__ import annotations

import copy
import json
import random
from pathlib import Path

import pytest

from kit.core import lens as lenses
from kit.core import synthetic
from kit.core.bulk_reviews import LATEST, MilestoneMissing, ReviewReader
from kit.core.errors import ReviewError
from kit.core.jsonio import read_json
from kit.core.review import Review


def base_document(index: int = 0, seed: int = 11) -> dict:
    return synthetic.review_document(index, seed)


def with_milestone(index: int = 0) -> dict:
    for i in range(index, index + 200):
        document = base_document(i)
        if document["milestones"]:
            return document
    raise AssertionError("no synthetic review with a milestone")


def write(tmp_path: Path, document: object, name: str = "review.json", raw: bytes | None = None) -> Path:
    path = tmp_path / name
    path.write_bytes(raw if raw is not None else json.dumps(document).encode("utf-8"))
    return path


def outcome(reader: ReviewReader, path: Path):
    try:
        return ("ok", reader.read_file(path))
    except ReviewError as exc:
        return ("error", str(exc))


def slow_outcome(reader: ReviewReader, path: Path):
    """What Review.load says, then the slow extraction: the yardstick."""
    try:
        Review.load(path)
        return ("ok", reader.read_slow(read_json(path, ReviewError), str(path)))
    except ReviewError as exc:
        return ("error", str(exc))


def assert_same(reader: ReviewReader, path: Path) -> tuple:
    fast, slow = outcome(reader, path), slow_outcome(reader, path)
    assert fast[0] == slow[0], (fast, slow)
    if fast[0] == "error":
        assert fast[1] == slow[1]
    else:
        assert fast[1].canonical() == slow[1].canonical()
    return fast


@pytest.mark.parametrize("milestone", [None, LATEST, "Baseline"])
def test_the_fast_path_extracts_exactly_what_the_slow_path_does(tmp_path, milestone):
    reader = ReviewReader(milestone)
    fast_reads = 0
    for index in range(24):
        path = write(tmp_path, base_document(index), f"r{index}.json")
        kind, result = assert_same(reader, path)
        if kind == "ok":
            fast_reads += not result.slow
    assert fast_reads >= 6  # the demo's files are the shape pillarkit writes: none needs the slow path


def _answer(document: dict) -> dict:
    answers = document["answers"]["wellarchitected"]
    return answers[next(iter(answers))]


def _mutations() -> dict:
    """Files a reader may meet, from broken to odd but valid; each is compared with Review.load."""

    def edit(change):
        def make():
            document = base_document(3)
            change(document)
            return document

        return make

    def answer(change):
        return edit(lambda d: change(_answer(d)))

    def first_choice(d):
        a = _answer(d)
        a["SelectedChoices"] = a["SelectedChoices"] or ["ops_priorities_ext_cust_needs"]
        a["ChoiceAnswers"] = [{"ChoiceId": c, "Status": "SELECTED"} for c in a["SelectedChoices"]]
        return a

    def listed_twice(d):
        a = first_choice(d)
        a["ChoiceAnswers"].append(dict(a["ChoiceAnswers"][0]))

    def selected_but_na(d):
        a = first_choice(d)
        a["ChoiceAnswers"][0]["Status"] = "NOT_APPLICABLE"

    def missing_from_selected(d):
        a = first_choice(d)
        a["SelectedChoices"] = a["SelectedChoices"][1:]

    def selected_only(d):
        a = first_choice(d)
        a["ChoiceAnswers"] = []

    def reordered(d):
        a = first_choice(d)
        a["SelectedChoices"] = list(reversed(a["SelectedChoices"]))

    def selected_twice(d):
        a = first_choice(d)
        a["SelectedChoices"] = a["SelectedChoices"] + a["SelectedChoices"][:1]

    def unselected_with_note(d):
        a = _answer(d)
        a["ChoiceAnswers"].append(
            {"ChoiceId": "ops_priorities_eval_tradeoffs", "Status": "UNSELECTED", "Notes": "later"}
        )

    def embedded(d, valid=True):
        document = copy.deepcopy(lenses.bundled("serverless").document)
        if not valid:
            document["pillars"][0]["questions"][0]["riskRules"][0]["condition"] = "a &&"
        d["lenses"].append({"alias": "mine", "lens": document})
        question = document["pillars"][0]["questions"][0]
        d["answers"]["mine"] = {
            question["id"]: {"SelectedChoices": [question["choices"][0]["id"]], "IsApplicable": True}
        }

    def prefilled(d, alias="wellarchitected", mark=None):
        d["version"] = 2
        qid = next(iter(d["answers"]["wellarchitected"]))
        d["prefilled"] = {alias: {qid: mark or {"source": "base.json", "date": "2026-11-01T09:00:00+00:00"}}}

    def synced(d, risk="HIGH", synced_at="2026-11-20T10:00:00+00:00"):
        d["version"] = 2
        qid = next(iter(d["answers"]["wellarchitected"]))
        record = {
            "region": "eu-west-1",
            "lenses": {},
            "answers": {"wellarchitected": {qid: _answer(d)}},
            "risks": {"wellarchitected": {qid: risk}},
        }
        if synced_at:
            record["synced"] = synced_at
        d["sync"] = {"aws": {"0123456789abcdef0123456789abcdef": record}}

    return {
        "valid": edit(lambda d: None),
        "wrong format": edit(lambda d: d.update(format="something-else")),
        "newer version": edit(lambda d: d.update(version=3)),
        "format version 2 with pre-filled marks": edit(prefilled),
        "pre-filled marks for a lens not applied": edit(lambda d: prefilled(d, alias="nowhere")),
        "a pre-filled mark without a date": edit(lambda d: prefilled(d, mark={"source": "team.xlsx"})),
        "format version 2 with a sync snapshot": edit(synced),
        "a sync snapshot with an unknown risk": edit(lambda d: synced(d, risk="SEVERE")),
        "a sync snapshot without its time": edit(lambda d: synced(d, synced_at=None)),
        "version as a float": edit(lambda d: d.update(version=1.0)),
        "unknown top-level key": edit(lambda d: d.update(extra=1)),
        "unknown workload key": edit(lambda d: d["workload"].update(colour="blue")),
        "bad environment": edit(lambda d: d["workload"].update(environment="STAGING")),
        "regions not a list": edit(lambda d: d["workload"].update(regions="eu-west-1")),
        "no lenses": edit(lambda d: d.update(lenses=[])),
        "bad lens alias": edit(lambda d: d["lenses"][0].update(alias="well architected")),
        "lens neither bundled nor embedded": edit(lambda d: d["lenses"].append({"alias": "nowhere"})),
        "lens applied twice": edit(lambda d: d["lenses"].append({"alias": "wellarchitected"})),
        "answers for a lens not applied": edit(lambda d: d["answers"].update(serverless={})),
        "changed bundled lens": edit(lambda d: d["lenses"][0].update(hash="sha256:0000")),
        "question notes too long": answer(lambda a: a.update(Notes="x" * 2085)),
        "choice notes too long": edit(lambda d: first_choice(d)["ChoiceAnswers"][0].update(Notes="y" * 251)),
        "reason null": answer(lambda a: a.update(Reason=None)),
        "unknown reason": answer(lambda a: a.update(Reason="LAZY")),
        "not applicable with reason": answer(lambda a: a.update(IsApplicable=False, Reason="OUT_OF_SCOPE")),
        "IsApplicable as text": answer(lambda a: a.update(IsApplicable="no")),
        "entry without Status": edit(lambda d: first_choice(d)["ChoiceAnswers"][0].pop("Status")),
        "entry with unknown key": edit(lambda d: first_choice(d)["ChoiceAnswers"][0].update(Weight=1)),
        "entry status unknown": edit(lambda d: first_choice(d)["ChoiceAnswers"][0].update(Status="MAYBE")),
        "choice id a number": edit(lambda d: first_choice(d)["SelectedChoices"].append(7)),
        "choice listed twice": edit(listed_twice),
        "selected but not applicable": edit(selected_but_na),
        "SELECTED entry missing from SelectedChoices": edit(missing_from_selected),
        "selected without entries": edit(selected_only),
        "selections in another order": edit(reordered),
        "a choice selected twice": edit(selected_twice),
        "an unselected choice with a note": edit(unselected_with_note),
        "an unknown question": edit(lambda d: d["answers"]["wellarchitected"].update(gone={"SelectedChoices": ["x"]})),
        "an unknown choice": edit(lambda d: first_choice(d)["SelectedChoices"].append("not-a-choice")),
        "an embedded lens": edit(embedded),
        "a broken embedded lens": edit(lambda d: embedded(d, valid=False)),
        "a parked item without text": edit(lambda d: d.update(parking_lot=[{"owner": "me"}])),
        "a milestone without a date": edit(lambda d: d.update(milestones=[{"name": "m", "answers": {}}])),
    }


MUTATIONS = _mutations()


@pytest.mark.parametrize("name", sorted(MUTATIONS))
@pytest.mark.parametrize("milestone", [None, LATEST])
def test_each_kind_of_file_gets_review_load_s_outcome(tmp_path, name, milestone):
    path = write(tmp_path, MUTATIONS[name](), "case.json")
    kind, result = assert_same(ReviewReader(milestone), path)
    written = ("valid", "format version 2 with pre-filled marks", "format version 2 with a sync snapshot")
    if name in written and milestone is None:
        assert kind == "ok" and not result.slow  # what pillarkit writes takes the fast path
    if name == "an embedded lens" and milestone is None:
        assert kind == "ok" and "mine" in result.answers and not result.slow


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"{",
        b'{"format": "pillarkit-review", "version": 1,}',
        b"\xff\xfe not text",
        b'{"a": NaN}',
        b"[1, 2]",
    ],
    ids=["empty", "truncated", "trailing comma", "not UTF-8", "NaN", "an array"],
)
def test_unreadable_bytes_get_read_json_s_error(tmp_path, raw):
    path = write(tmp_path, None, "bad.json", raw=raw)
    kind, message = assert_same(ReviewReader(), path)
    assert kind == "error" and message.startswith(str(path) + ": ")


def test_a_byte_order_mark_is_read_the_slow_way_and_gives_the_same_record(tmp_path):
    path = write(tmp_path, None, "bom.json", raw=b"\xef\xbb\xbf" + json.dumps(base_document()).encode())
    kind, record = assert_same(ReviewReader(), path)
    assert kind == "ok" and record.slow


def test_a_missing_file_and_a_folder_are_named(tmp_path):
    reader = ReviewReader()
    assert assert_same(reader, tmp_path / "nowhere.json") == ("error", f"{tmp_path / 'nowhere.json'}: no such file")
    (tmp_path / "folder.json").mkdir()
    assert outcome(reader, tmp_path / "folder.json")[1].endswith("is a folder, not a file")


def test_a_milestone_that_is_not_there_is_said_so(tmp_path):
    path = write(tmp_path, base_document(), "plain.json")
    document = json.loads(path.read_text())
    document["milestones"] = []
    path.write_text(json.dumps(document))
    for reader, wording in (
        (ReviewReader(LATEST), "has no milestone"),
        (ReviewReader("Q3"), "has no milestone named 'Q3'"),
    ):
        with pytest.raises(MilestoneMissing) as fast:
            reader.read_file(path)
        with pytest.raises(MilestoneMissing) as slow:
            reader.read_slow(read_json(path, ReviewError), str(path))
        assert str(fast.value) == str(slow.value) == f"{path}: milestones: {wording}"


def test_an_inconsistent_milestone_answer_is_refused_where_milestone_risks_would(tmp_path):
    document = json.loads(json.dumps(with_milestone()))  # the generator shares entries between milestone and now
    frozen = document["milestones"][0]["answers"]["wellarchitected"]
    qid = next(q for q, a in frozen.items() if a["SelectedChoices"])
    frozen[qid]["ChoiceAnswers"][0]["Status"] = "NOT_APPLICABLE"
    path = write(tmp_path, document, "m.json")
    # The current answers are fine, so Review.load accepts the file; analysing the milestone refuses it.
    Review.load(path)
    fast = outcome(ReviewReader(LATEST), path)
    assert fast[0] == "error"
    assert fast[1].startswith(f"{path}: milestones[0].answers.wellarchitected.{qid}.SelectedChoices[0]: ")


def test_random_valid_files_agree_between_the_paths(tmp_path):
    """Random edits that keep a file valid: shuffles, not-applicable choices with reasons, notes, orphans."""
    rng = random.Random(5)
    reader = ReviewReader()
    lens = lenses.bundled("wellarchitected")
    for index in range(20):
        document = base_document(index, seed=99)
        answers = document["answers"]["wellarchitected"]
        for qid, answer in list(answers.items()):
            question = lens.question(qid)
            roll = rng.random()
            if roll < 0.1:
                rng.shuffle(answer["ChoiceAnswers"])
            elif roll < 0.2 and question.practices:
                choice = rng.choice(question.practices).id
                answer["ChoiceAnswers"] = [e for e in answer["ChoiceAnswers"] if e["ChoiceId"] != choice]
                answer["SelectedChoices"] = [c for c in answer["SelectedChoices"] if c != choice]
                answer["ChoiceAnswers"].append({"ChoiceId": choice, "Status": "NOT_APPLICABLE", "Reason": "OTHER"})
            elif roll < 0.25:
                answer["Notes"] = "a note"
            elif roll < 0.27:
                answers["retired-" + qid] = copy.deepcopy(answer)
        path = write(tmp_path, document, f"random-{index}.json")
        assert assert_same(reader, path)[0] == "ok"


# --- format version 3: the risk register ------------------------------------------------------


def _with_register(document: dict, **entry) -> dict:
    """A synthetic review with one register entry (its fields overridden by ``entry``) and a parked question from it."""
    document = copy.deepcopy(document)
    document["version"] = 3
    document["risk_register"] = [
        {
            "id": "R1",
            "component": "Orders database",
            "failure_mode": "Fails over",
            "likelihood": "HIGH",
            "impact": "MEDIUM",
            "detection": "",
            "mitigation": "",
            "runbook": "",
            "owner": "",
            "status": "OPEN",
            "questions": [],
            "accepted_until": None,
            "notes": "",
            "catalogue": None,
        }
        | entry
    ]
    document.setdefault("parking_lot", []).append({"text": "Does it reconnect?", "risk": "R1"})
    return document


@pytest.mark.parametrize(
    "entry, ok",
    [
        ({}, True),
        ({"status": "ACCEPTED", "accepted_until": "2099-01-01"}, True),
        ({"status": "ACCEPTED"}, False),  # an accepted risk needs its date: kit.core.register's rule
        ({"component": "x" * 121}, False),  # past its limit: the schema's
        ({"likelihood": "SEVERE"}, False),
    ],
    ids=["valid", "accepted until a date", "accepted without a date", "a text past its limit", "an unknown level"],
)
def test_a_file_with_a_register_gets_review_load_s_outcome(tmp_path, entry, ok):
    path = write(tmp_path, _with_register(base_document(), **entry), "register.json")
    kind, result = assert_same(ReviewReader(), path)
    assert (kind == "ok") is ok, result


def test_a_parked_question_from_a_removed_entry_takes_the_fast_path(tmp_path):
    document = _with_register(base_document())
    document["risk_register"] = []  # the entry was removed; its parked question still names it
    kind, record = assert_same(ReviewReader(), write(tmp_path, document, "parked.json"))
    assert kind == "ok" and not record.slow

"""Reading reviews in bulk: the fast path extracts what the slow one does, and every bad file gets Review.load's error."""

from __future__ import annotations

import copy
import json
import random
import re
from pathlib import Path

import msgspec
import pytest

from kit.core import bulk_reviews, synthetic
from kit.core import lens as lenses
from kit.core.bulk_reviews import LATEST, MilestoneMissing, ReviewReader
from kit.core.errors import ReviewError
from kit.core.jsonio import MAX_DEPTH, MAX_SAFE_INTEGER, read_json
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


# --- a key twice in one object --------------------------------------------------------------
# msgspec keeps the last of two equal keys; Review.load (kit.core.jsonio) refuses the file. The
# bulk reader must refuse it too, with Review.load's very line, wherever the repeat is, however
# the key is spelled, and whatever whitespace surrounds it.

REPEAT = re.compile(
    r"^(?P<file>.+?): (?P<where>.+), line \d+, column \d+: the key '(?P<key>.+)' appears twice in this object$"
)


def text_with_repeat(
    node: object,
    target: list,
    key: str,
    value: object = None,
    spelling: str | None = None,
    gap: str = "",
    first: bool = False,
    at: list | None = None,
) -> str:
    """``node`` as JSON text whose object at ``target`` holds ``key`` a second time.

    The repeat has ``value`` (by default the same value as the original), is written as
    ``spelling`` (by default the key itself), with ``gap`` before its colon, and comes before the
    original when ``first``, after it otherwise.
    """
    at = [] if at is None else at
    if isinstance(node, dict):
        items = [
            f"{json.dumps(k)}: {text_with_repeat(v, target, key, value, spelling, gap, first, at + [k])}"
            for k, v in node.items()
        ]
        if at == target:
            assert key in node, (target, key)
            repeat = f"{spelling or json.dumps(key)}{gap}:{gap} {json.dumps(node[key] if value is None else value)}"
            items.insert(0, repeat) if first else items.append(repeat)
        return "{" + ",\n ".join(items) + "}"
    if isinstance(node, list):
        return (
            "["
            + ", ".join(
                text_with_repeat(v, target, key, value, spelling, gap, first, at + [i]) for i, v in enumerate(node)
            )
            + "]"
        )
    return json.dumps(node)


def escaped(key: str, every: bool = False) -> str:
    """The key as a JSON string with its first character (or every character) as a \\u escape."""
    chars = [f"\\u{ord(c):04x}" if every or i == 0 else c for i, c in enumerate(key)]
    return '"' + "".join(chars) + '"'


def _repeat_document() -> dict:
    """A review with every part the reader reads: a milestone, a parked item, nested extensions, an embedded lens."""
    document = json.loads(json.dumps(with_milestone()))
    document["extensions"]["team"] = {"board": {"column": "doing", "limit": 3}}
    document["parking_lot"] = [{"text": "Ask: who owns the runbook?", "owner": "Ana"}]
    lens_document = copy.deepcopy(lenses.bundled("serverless").document)
    document["lenses"].append({"alias": "mine", "lens": lens_document})
    return document


def _repeat_places(document: dict) -> dict[str, tuple[list, str]]:
    qid = next(q for q, a in document["answers"]["wellarchitected"].items() if a["ChoiceAnswers"])
    frozen = document["milestones"][0]["answers"]["wellarchitected"]
    old = next(q for q, a in frozen.items() if a["ChoiceAnswers"])
    return {
        "top level": ([], "format"),
        "the workload": (["workload"], "name"),
        "the business context": (
            ["workload", "business_context"],
            next(iter(document["workload"]["business_context"])),
        ),
        "a lens entry": (["lenses", 0], "alias"),
        "the answers' lenses": (["answers"], "wellarchitected"),
        "a lens's questions": (["answers", "wellarchitected"], qid),
        "an answer": (["answers", "wellarchitected", qid], "IsApplicable"),
        "an answer's lists": (["answers", "wellarchitected", qid], "SelectedChoices"),
        "a choice entry": (["answers", "wellarchitected", qid, "ChoiceAnswers", 0], "Status"),
        "a milestone": (["milestones", 0], "date"),
        "a milestone's choice entry": (
            ["milestones", 0, "answers", "wellarchitected", old, "ChoiceAnswers", 0],
            "ChoiceId",
        ),
        "a parked item": (["parking_lot", 0], "text"),
        "nested extensions": (["extensions", "team", "board"], "limit"),
        "an embedded lens": (["lenses", 1, "lens", "pillars", 0, "questions", 0], "title"),
    }


REPEAT_DOCUMENT = _repeat_document()
REPEAT_PLACES = _repeat_places(REPEAT_DOCUMENT)


def assert_refused_as_review_load_does(reader: ReviewReader, path: Path, key: str) -> str:
    kind, message = assert_same(reader, path)
    assert kind == "error", message
    found = REPEAT.match(message)
    assert found, message
    assert found["file"] == str(path) and found["key"] == key
    assert "\n" not in message
    return found["where"]


def test_the_repeat_document_itself_is_read_the_fast_way(tmp_path):
    path = write(tmp_path, None, "plain.json", raw=text_with_repeat(REPEAT_DOCUMENT, ["nowhere"], "x").encode())
    kind, record = assert_same(ReviewReader(), path)
    assert kind == "ok" and not record.slow and "mine" in record.answers


@pytest.mark.parametrize("place", sorted(REPEAT_PLACES))
@pytest.mark.parametrize("milestone", [None, LATEST])
def test_a_key_twice_is_refused_with_review_load_s_line_at_every_depth(tmp_path, place, milestone):
    target, key = REPEAT_PLACES[place]
    path = write(tmp_path, None, "twice.json", raw=text_with_repeat(REPEAT_DOCUMENT, target, key).encode())
    where = assert_refused_as_review_load_does(ReviewReader(milestone), path, key)
    assert where.endswith(key)  # the path names the repeated key


@pytest.mark.parametrize(
    "spelling, gap, first",
    [
        ("plain", "", False),
        ("plain", " ", True),
        ("plain", "\n\t ", False),
        ("first character escaped", "", False),
        ("every character escaped", "\r\n", True),
    ],
)
@pytest.mark.parametrize("place", ["an answer", "a choice entry", "a lens's questions", "nested extensions"])
def test_a_key_twice_is_refused_however_it_is_spelled_and_spaced(tmp_path, place, spelling, gap, first):
    target, key = REPEAT_PLACES[place]
    written = {
        "plain": None,
        "first character escaped": escaped(key),
        "every character escaped": escaped(key, every=True),
    }
    raw = text_with_repeat(REPEAT_DOCUMENT, target, key, spelling=written[spelling], gap=gap, first=first)
    assert_refused_as_review_load_does(ReviewReader(), write(tmp_path, None, "twice.json", raw=raw.encode()), key)


def test_a_key_twice_is_refused_whatever_colons_the_text_holds(tmp_path):
    """Colons in notes, ids and a \\u003a escape: none of them may hide a repeated key."""
    document = json.loads(json.dumps(REPEAT_DOCUMENT))
    answers = document["answers"]["wellarchitected"]
    qid = next(iter(answers))
    answers[qid]["Notes"] = "Owner: ops; see https://example.com/a:b"
    answers[qid]["ChoiceAnswers"][0]["Notes"] = 'quoted ":" and a colon: here'
    document["workload"]["notes"] = "time: 10:30"
    target, key = (["answers", "wellarchitected", qid], "IsApplicable")
    reader = ReviewReader()
    for index, extra in enumerate(["", "\\u003a", "\\u003A"]):
        raw = text_with_repeat(document, target, key).replace('"time: 10:30"', f'"time: 10:30{extra}"')
        assert_refused_as_review_load_does(reader, write(tmp_path, None, f"twice-{index}.json", raw=raw.encode()), key)
        # The same text without the repeat is read, and gives the slow path's record.
        plain = text_with_repeat(document, ["nowhere"], key).replace('"time: 10:30"', f'"time: 10:30{extra}"')
        kind, record = assert_same(reader, write(tmp_path, None, f"once-{index}.json", raw=plain.encode()))
        assert kind == "ok" and record.slow == bool(extra)  # an escaped colon is read strictly


def test_a_key_twice_with_a_different_value_is_refused_too(tmp_path):
    target, key = REPEAT_PLACES["a choice entry"]
    for first in (False, True):
        raw = text_with_repeat(REPEAT_DOCUMENT, target, key, value="NOT_APPLICABLE", first=first)
        assert_refused_as_review_load_does(ReviewReader(), write(tmp_path, None, "twice.json", raw=raw.encode()), key)


def _objects(node: object, at: list) -> list[tuple[list, str]]:
    """(path, key) for every key of every object in ``node``."""
    found = []
    if isinstance(node, dict):
        for key, value in node.items():
            found.append((at, key))
            found.extend(_objects(value, at + [key]))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found.extend(_objects(value, at + [index]))
    return found


def test_random_repeats_anywhere_are_all_refused(tmp_path):
    """Seeded: any key of any object, repeated with any spelling, spacing, order and value."""
    rng = random.Random(17)
    reader = ReviewReader()
    places = _objects(REPEAT_DOCUMENT, [])
    for index in range(60):
        target, key = rng.choice(places)
        spelling = rng.choice([None, escaped(key), escaped(key, every=True)])
        value = rng.choice([None, None, "other", 0, [], {}])
        raw = text_with_repeat(
            REPEAT_DOCUMENT, target, key, value, spelling, rng.choice(["", " ", "\n  "]), rng.random() < 0.5
        )
        path = write(tmp_path, None, f"random-{index}.json", raw=raw.encode())
        kind, message = outcome(reader, path)
        assert kind == "error", (target, key)
        with pytest.raises(ReviewError) as loaded:
            Review.load(path)
        assert message == str(loaded.value)
        if REPEAT.match(message) is None:
            # A value other than the original can break the file before the repeat is reached.
            assert value is not None, message


# --- what msgspec takes and Review.load refuses, in the free-form parts ----------------------


def _nested(depth: int) -> object:
    value: object = "bottom"
    for _ in range(depth):
        value = {"down": value}
    return value


@pytest.mark.parametrize(
    "extension, ok",
    [
        ({"count": MAX_SAFE_INTEGER}, True),
        ({"count": MAX_SAFE_INTEGER + 1}, False),
        ({"count": -(MAX_SAFE_INTEGER + 1)}, False),
        ({"deep": _nested(MAX_DEPTH - 4)}, True),
        ({"deep": _nested(MAX_DEPTH + 1)}, False),
        ({"deep": [_nested(MAX_DEPTH)]}, False),
    ],
    ids=["the largest safe number", "one past it", "one past it below zero", "deep", "too deep", "too deep in a list"],
)
def test_numbers_and_nesting_in_extensions_get_review_load_s_outcome(tmp_path, extension, ok):
    document = base_document()
    document["extensions"]["team"] = extension
    kind, result = assert_same(ReviewReader(), write(tmp_path, document, "free.json"))
    assert (kind == "ok") is ok, result
    if not ok:
        assert "extensions.team." in result and "\n" not in result


def test_a_number_past_the_safe_range_in_an_embedded_lens_gets_review_load_s_error(tmp_path):
    document = copy.deepcopy(REPEAT_DOCUMENT)
    document["lenses"][1]["lens"]["pillars"][0]["questions"][0]["weight"] = 2**60
    kind, message = assert_same(ReviewReader(), write(tmp_path, document, "lens.json"))
    assert kind == "error" and f"is beyond ±{MAX_SAFE_INTEGER}" in message


def test_every_optional_field_is_unset_when_absent():
    """The repeat census counts a key only when the decoded file has it: no field may default to a value."""
    structs = [v for v in vars(bulk_reviews).values() if isinstance(v, type) and issubclass(v, msgspec.Struct)]
    assert len(structs) >= 10
    for struct in structs:
        for info in msgspec.structs.fields(struct):
            assert info.required or info.default is msgspec.UNSET, (struct.__name__, info.name)

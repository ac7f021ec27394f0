"""The failure-mode risk register: entries in the review file, limits refused never cut, ranking, heat map, expiry."""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path

import pytest

from kit.core import register, schemas
from kit.core.errors import FormatVersionError, RegisterError, ReviewError
from kit.core.register import Entry, QuestionLink
from kit.core.review import FORMAT_VERSION, Review, new
from kit.core.scoring import score as kit_score
from kit.core.vocabulary import ACCEPTED, CLOSED, HIGH, LEVELS, LOW, MEDIUM, MITIGATED, OPEN

WA = "wellarchitected"
OLD_FILES = Path(__file__).resolve().parents[1] / "data" / "review-files"
TODAY = dt.date(2026, 3, 1)


@pytest.fixture
def review() -> Review:
    return new([WA], "Checkout")


def entry(review: Review, component: str = "Orders database", failure_mode: str = "Fails over", **values) -> Entry:
    return register.add(review, component, failure_mode, **values)


# --- the file ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["format-1.json", "format-1-framework.json"])
def test_a_file_written_by_format_1_opens_unchanged(name):
    path = OLD_FILES / name
    before = path.read_bytes()
    original = json.loads(before)
    assert original["version"] == 1 and "risk_register" not in original

    review = Review.load(path)
    again = Review.load(path)
    assert path.read_bytes() == before  # reading never writes
    assert review.id == again.id  # an id derived from the file, the same each time
    assert review.risk_register == []
    data = review.to_dict()
    # Word for word what the old file said, in the same version; only the review's id joins the extensions.
    assert data["extensions"].pop("review_id") == review.id
    assert data == original


def test_a_review_is_written_in_the_lowest_version_that_holds_it(review):
    assert review.to_dict()["version"] == 1 and "risk_register" not in review.to_dict()
    item = review.park("Who owns the runbooks?")
    assert "risk" not in review.to_dict()["parking_lot"][0]
    entry(review)
    assert review.to_dict()["version"] == 3 and review.to_dict()["risk_register"][0]["id"] == "R1"
    register.remove(review, "R1")
    assert review.to_dict()["version"] == 1
    item.risk = "R1"  # a parked question from an entry since removed still needs version 3
    assert review.to_dict()["version"] == 3 and review.to_dict()["parking_lot"][0]["risk"] == "R1"


def test_an_old_file_keeps_its_derived_id_once_saved(tmp_path):
    review = Review.load(OLD_FILES / "format-1.json")
    derived = review.id
    review.workload.name = "Renamed checkout"
    review.save(tmp_path / "r.json")
    assert Review.load(tmp_path / "r.json").id == derived


def test_new_reviews_get_different_ids():
    assert new([WA], "A").id != new([WA], "A").id


def test_the_register_survives_a_round_trip(review, tmp_path):
    first = entry(
        review,
        likelihood=HIGH,
        impact=HIGH,
        detection="Failover alarm",
        mitigation="Multi-AZ",
        runbook="Recycle the pool",
        owner="Data team",
        questions=[(WA, "withstand-component-failures")],
        notes="Seen in March",
    )
    register.update(review, first.id, TODAY, status=ACCEPTED, accepted_until="2026-06-30")
    entry(review, "CDN", "Origin overload", status=CLOSED)
    register.park_question(review, first.id, "Does the app re-resolve DNS?")
    review.save(tmp_path / "r.json")
    again = Review.load(tmp_path / "r.json")
    assert again.to_dict() == review.to_dict()
    stored = json.loads((tmp_path / "r.json").read_text())
    assert stored["risk_register"][0] == {
        "id": "R1",
        "component": "Orders database",
        "failure_mode": "Fails over",
        "likelihood": "HIGH",
        "impact": "HIGH",
        "detection": "Failover alarm",
        "mitigation": "Multi-AZ",
        "runbook": "Recycle the pool",
        "owner": "Data team",
        "status": "ACCEPTED",
        "questions": [{"lens": WA, "question": "withstand-component-failures"}],
        "accepted_until": "2026-06-30",
        "notes": "Seen in March",
        "catalogue": None,
    }
    assert stored["parking_lot"][0]["risk"] == "R1"


def test_the_schema_limits_are_the_registers():
    entry_schema = schemas.load("review")["$defs"]["riskEntry"]["properties"]
    for name, limit in register.LIMITS.items():
        assert entry_schema[name]["maxLength"] == limit, name
    assert entry_schema["likelihood"] == entry_schema["impact"]
    assert entry_schema["likelihood"]["$ref"].endswith("#/$defs/level")
    assert schemas.load("review")["$defs"]["level"]["enum"] == list(LEVELS)


def file_with(review: Review, tmp_path, **changes) -> Path:
    data = review.to_dict()
    data["risk_register"] = [e.to_dict() | changes for e in review.risk_register]
    path = tmp_path / "r.json"
    path.write_text(json.dumps(data))
    return path


@pytest.mark.parametrize(
    "changes, place, words",
    [
        ({"failure_mode": "x" * 501}, "risk_register[0].failure_mode", "has 501 characters; at most 500 are allowed"),
        ({"notes": "n" * 2085}, "risk_register[0].notes", "has 2,085 characters; at most 2,084 are allowed"),
        ({"likelihood": "SEVERE"}, "risk_register[0].likelihood", "'SEVERE' is not one of HIGH, MEDIUM, LOW"),
        ({"status": "DONE"}, "risk_register[0].status", "'DONE' is not one of OPEN"),
        ({"id": "R 1"}, "risk_register[0].id", "does not match"),
        ({"accepted_until": "next year"}, "risk_register[0].accepted_until", "not a date written as YYYY-MM-DD"),
        ({"accepted_until": "2026-02-30"}, "risk_register[0].accepted_until", "not a date written as YYYY-MM-DD"),
        ({"status": ACCEPTED, "accepted_until": None}, "risk_register[0].accepted_until", "needs accepted_until"),
        ({"component": "  "}, "risk_register[0].component", "the component is empty"),
        ({"colour": "red"}, "risk_register[0]", "unknown key ('colour')"),
    ],
)
def test_a_file_with_a_bad_entry_is_refused_with_its_place(review, tmp_path, changes, place, words):
    entry(review)
    path = file_with(review, tmp_path, **changes)
    with pytest.raises(ReviewError) as caught:
        Review.load(path)
    line = caught.value.lines()[0]
    assert line.startswith(f"{path}: {place}: "), line
    assert words in line


def test_an_id_used_twice_is_refused(review, tmp_path):
    entry(review)
    entry(review)
    path = file_with(review, tmp_path, id="R7")
    with pytest.raises(RegisterError, match=r"risk_register\[1\]\.id: id 'R7' is already used by risk_register\[0\]"):
        Review.load(path)


def test_a_newer_format_is_still_refused(review, tmp_path):
    path = tmp_path / "r.json"
    path.write_text(json.dumps(review.to_dict() | {"version": FORMAT_VERSION + 1}))
    with pytest.raises(FormatVersionError):
        Review.load(path)


def test_links_to_questions_the_lens_no_longer_has_are_kept_and_reported(review, tmp_path):
    entry(review, questions=[(WA, "planning-for-recovery")])
    data = review.to_dict()
    data["risk_register"][0]["questions"].append({"lens": WA, "question": "retired-question"})
    path = tmp_path / "r.json"
    path.write_text(json.dumps(data))
    again = Review.load(path)
    assert again.risk_register[0].questions[-1] == QuestionLink(WA, "retired-question")
    orphans = [str(d) for d in again.orphans()]
    assert any("risk_register[0].questions[1]" in o and "the link is kept" in o for o in orphans)


# --- changes: checked first, applied whole ---------------------------------------------------


def test_new_entries_are_numbered_and_never_reuse_the_last_number(review):
    assert [entry(review).id for _ in range(3)] == ["R1", "R2", "R3"]
    register.remove(review, "R3")
    register.remove(review, "R1")
    assert entry(review).id == "R3"


@pytest.mark.parametrize(
    "field, limit", [(name, limit) for name, limit in register.LIMITS.items() if name != "failure_mode"]
)
def test_a_text_past_its_limit_is_refused_and_the_entry_kept(review, field, limit):
    item = entry(review, owner="Ops")
    before = copy.deepcopy(item)
    with pytest.raises(RegisterError, match=rf"has {limit + 1} characters; the limit is {limit}, so it was not saved"):
        register.update(review, item.id, **{field: "y" * (limit + 1)}, likelihood=HIGH)
    assert item == before  # the likelihood change in the same call was not applied either
    register.update(review, item.id, **{field: "y" * limit})
    assert getattr(item, field) == "y" * limit  # exactly at the limit is fine, and nothing is cut


def test_a_new_entry_past_a_limit_is_not_added(review):
    with pytest.raises(RegisterError, match=r"risk_register\[new\]\.failure_mode: the failure mode has 501"):
        register.add(review, "DB", "z" * 501)
    assert review.risk_register == []


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"component": " "}, "the component cannot be empty"),
        ({"impact": "huge"}, "'huge' is not one of HIGH, MEDIUM, LOW"),
        ({"status": "WONTFIX"}, "'WONTFIX' is not one of OPEN, ACCEPTED, MITIGATED, CLOSED"),
        ({"questions": [(WA, "no-such-question")]}, "lens 'wellarchitected' has no question 'no-such-question'"),
        ({"questions": [("serverless", "x")]}, "lens 'serverless' is not applied to this review"),
        ({"questions": [(WA, "priorities")] * 21}, "an entry links to at most 20"),
        ({"owner": 7}, "the owner must be text, not int"),
        ({"id": "R9"}, "an entry has no field 'id'"),
        ({"accepted_until": "2026-05-01"}, "only an accepted risk has an accepted_until date"),
    ],
)
def test_bad_changes_are_refused(review, changes, message):
    item = entry(review)
    before = copy.deepcopy(item)
    with pytest.raises(RegisterError, match=message.replace("(", r"\(").replace(")", r"\)")):
        register.update(review, item.id, TODAY, **changes)
    assert item == before


def test_an_unknown_entry_is_named(review):
    with pytest.raises(RegisterError, match="there is no risk 'R4' in the register"):
        register.update(review, "R4", notes="x")


def test_accepting_without_a_date_accepts_for_the_configured_days(review):
    item = entry(review)
    register.update(review, item.id, TODAY, status=ACCEPTED)
    assert item.accepted_until == "2026-05-30"  # 90 days
    register.update(review, item.id, TODAY, status=MITIGATED)
    assert item.accepted_until is None  # the date belongs to the acceptance
    register.update(review, item.id, TODAY, status=ACCEPTED, accepted_until="2026-03-01")
    assert item.accepted_until == "2026-03-01"  # today itself is allowed
    with pytest.raises(RegisterError, match="2026-02-28 has already passed"):
        register.update(review, item.id, TODAY, accepted_until="2026-02-28")
    with pytest.raises(RegisterError, match="not a date written as YYYY-MM-DD"):
        register.update(review, item.id, TODAY, accepted_until="1 May")


def test_accepting_again_keeps_a_date_still_to_come(review):
    item = entry(review)
    register.update(review, item.id, TODAY, status=ACCEPTED, accepted_until="2026-12-31")
    register.update(review, item.id, TODAY, notes="Reviewed")
    register.update(review, item.id, TODAY, status=ACCEPTED)
    assert item.accepted_until == "2026-12-31"


def test_an_open_question_goes_to_the_parking_lot_linked_to_its_entry(review):
    item = entry(review, owner="Data team", questions=[(WA, "withstand-component-failures"), (WA, "priorities")])
    parked = register.park_question(review, item.id, "Does the app re-resolve DNS after a failover?")
    assert review.parking_lot == [parked]
    assert (parked.risk, parked.owner, parked.lens, parked.question_id) == (
        "R1",
        "Data team",
        WA,
        "withstand-component-failures",
    )
    with pytest.raises(ReviewError, match="needs some text"):
        register.park_question(review, item.id, "  ")
    bare = entry(review, "Queue", "Backlog grows")
    assert register.park_question(review, bare.id, "Who scales consumers?", owner="Ops").lens is None


# --- expiry ---------------------------------------------------------------------------------------


def test_an_expired_acceptance_reopens_and_keeps_its_date(review):
    lapsed = entry(review, "DB", "Fails over")
    register.update(review, lapsed.id, dt.date(2025, 1, 1), status=ACCEPTED, accepted_until="2025-12-31")
    still = entry(review, "CDN", "Purge")
    register.update(review, still.id, TODAY, status=ACCEPTED, accepted_until="2026-03-01")

    views = register.current(review.risk_register, TODAY)
    assert [e.status for e in views] == [OPEN, ACCEPTED]
    assert lapsed.status == ACCEPTED  # current() gives copies; the review is untouched

    notices = register.reopen_expired(review, TODAY)
    assert [str(n) for n in notices] == [
        "review: risk_register[0]: risk R1 was accepted until 2025-12-31, which has passed: it is open again"
    ]
    assert (lapsed.status, lapsed.accepted_until, lapsed.lapsed(TODAY)) == (OPEN, "2025-12-31", True)
    assert still.status == ACCEPTED and not still.lapsed(TODAY)
    assert register.reopen_expired(review, TODAY) == []  # once


# --- ranking and the heat map ----------------------------------------------------------------------


def test_ranking_is_rating_then_status_then_impact_then_order(review):
    made = [
        entry(review, "a", "low low", likelihood=LOW, impact=LOW),
        entry(review, "b", "high high closed", likelihood=HIGH, impact=HIGH, status=CLOSED),
        entry(review, "c", "high medium", likelihood=HIGH, impact=MEDIUM),
        entry(review, "d", "medium high", likelihood=MEDIUM, impact=HIGH),
        entry(review, "e", "high high open", likelihood=HIGH, impact=HIGH),
        entry(review, "f", "high medium mitigated", likelihood=HIGH, impact=MEDIUM, status=MITIGATED),
        entry(review, "g", "medium high again", likelihood=MEDIUM, impact=HIGH),
    ]
    register.update(review, made[3].id, TODAY, status=ACCEPTED)
    order = [e.component for e in register.ranked(review.risk_register)]
    # 9 open, 9 closed; then 6: open (impact high before medium), accepted, mitigated; then 1.
    assert order == ["e", "b", "g", "c", "d", "f", "a"]
    assert [e.component for e in register.top(review.risk_register, 3)] == ["e", "g", "c"]


def test_the_heat_map_counts_entries_not_closed_by_likelihood_then_impact(review):
    entry(review, likelihood=HIGH, impact=HIGH)
    entry(review, likelihood=HIGH, impact=HIGH, status=MITIGATED)
    entry(review, likelihood=HIGH, impact=LOW)
    entry(review, likelihood=LOW, impact=HIGH, status=CLOSED)
    entry(review, likelihood=MEDIUM, impact=MEDIUM)
    grid = register.heatmap(review.risk_register)
    assert grid == {
        "HIGH": {"HIGH": 2, "MEDIUM": 0, "LOW": 1},
        "MEDIUM": {"HIGH": 0, "MEDIUM": 1, "LOW": 0},
        "LOW": {"HIGH": 0, "MEDIUM": 0, "LOW": 0},
    }
    assert list(grid) == ["HIGH", "MEDIUM", "LOW"] and all(
        list(row) == ["HIGH", "MEDIUM", "LOW"] for row in grid.values()
    )


def test_an_empty_register_has_an_empty_heat_map(review):
    assert register.to_json([]) == {
        "entries": [],
        "heatmap": {level: dict.fromkeys(LEVELS, 0) for level in LEVELS},
    }


def test_filters_by_component_status_and_text(review):
    entry(review, "Orders DB", "Fails over", notes="Seen in March")
    entry(review, "orders cache", "Evictions", status=CLOSED)
    entry(review, "CDN", "Purge storms")
    assert register.components(review.risk_register) == ["CDN", "orders cache", "Orders DB"]
    assert [e.id for e in register.matching(review.risk_register, component="Orders DB")] == ["R1"]
    assert [e.id for e in register.matching(review.risk_register, status=CLOSED)] == ["R2"]
    assert [e.id for e in register.matching(review.risk_register, text="MARCH")] == ["R1"]
    assert [e.id for e in register.matching(review.risk_register, status=OPEN, text="purge")] == ["R3"]


# --- suggestions ------------------------------------------------------------------------------------


def test_suggestions_follow_the_reviews_high_risk_questions(review):
    assert register.suggestions(review) == []  # nothing answered: nothing HIGH
    review.set_choice(WA, "planning-for-recovery", "rel_planning_for_recovery_no")
    review.set_choice(WA, "testing-resiliency", "rel_testing_resiliency_no")
    found = register.suggestions(review)
    # The entry on both HIGH questions first; then those on one, in the catalogue's order.
    assert [(s.entry.id, [link.question for link in s.because]) for s in found] == [
        ("zone-region.untested-recovery", ["testing-resiliency", "planning-for-recovery"]),
        ("relational-database.failover-reconnect", ["testing-resiliency"]),
        ("relational-database.data-loss", ["planning-for-recovery"]),
        ("load-balancer.health-check", ["testing-resiliency"]),
        ("zone-region.zone-loss", ["testing-resiliency"]),
        ("zone-region.region-loss", ["planning-for-recovery"]),
    ]

    taken = register.add_from_catalogue(review, "zone-region.untested-recovery", "DR plan")
    assert taken.catalogue == "zone-region.untested-recovery"
    assert "zone-region.untested-recovery" not in [s.entry.id for s in register.suggestions(review)]


def test_suggestions_ignore_medium_risks(review):
    question = review.lenses[WA].question("planning-for-recovery")
    for choice in question.practices:
        if choice.risk_level == "HIGH":
            review.set_choice(WA, question.id, choice.id)
    assert kit_score(review).lenses[WA].questions[question.id] == MEDIUM
    assert register.suggestions(review) == []


def test_an_entry_from_the_catalogue_starts_from_its_texts(review):
    added = register.add_from_catalogue(review, "function.concurrency-limit")
    assert added.component == "Function"
    assert added.failure_mode.startswith("The account's or the function's concurrency limit")
    assert (added.likelihood, added.impact, added.status) == (MEDIUM, MEDIUM, OPEN)
    assert [q.question for q in added.questions] == [
        "manage-service-limits",
        "adapt-to-changes",
        "prevent-interaction-failure",
    ]
    named = register.add_from_catalogue(review, "function.cold-start", "Checkout API", likelihood=HIGH)
    assert (named.component, named.likelihood) == ("Checkout API", HIGH)
    with pytest.raises(RegisterError, match="the catalogue has no entry 'nope'"):
        register.add_from_catalogue(review, "nope")


def test_a_lens_without_the_catalogues_questions_gets_entries_without_links():
    review = new(["serverless"], "Functions only")
    added = register.add_from_catalogue(review, "function.cold-start")
    assert added.questions == []

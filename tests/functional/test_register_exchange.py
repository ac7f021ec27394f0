"""A review holding a risk register and exchange data (pre-filled marks, a WA Tool sync) at once.

Format version 1 is a plain review, 2 adds pre-filled marks and sync snapshots (#15), 3 adds the
risk register (#14). A review with both is version 3, which holds everything version 2 holds:
it must round-trip whole, and the sync it records must still mean what it meant (a second push
finds nothing to write), whatever the register holds.
"""

from __future__ import annotations

import json

import pytest

from kit.core import register
from kit.core.errors import FormatVersionError
from kit.core.review import FORMAT_VERSION, PREFILL_AND_SYNC_VERSION, REGISTER_VERSION, Review, new
from kit.core.template import from_template
from kit.core.vocabulary import ACCEPTED, HIGH
from kit.exchange import watool

WA = "wellarchitected"
Q = "planning-for-recovery"
TESTED = "rel_planning_for_recovery_dr_tested"


@pytest.fixture
def review() -> Review:
    """Pre-filled from a template (one mark left to confirm), with a register and a parked question from it."""
    template = new([WA], "Base platform")
    template.set_choice(WA, Q, TESTED)
    template.set_notes(WA, Q, "Restores are tested every quarter.")
    template.set_applicable(WA, "priorities", False, "OUT_OF_SCOPE")
    review, _ = from_template(template, "Checkout", source="base.json")
    review.workload.description = "Cart, payment and order confirmation."
    review.workload.owner = "Payments team"
    review.workload.regions = ["eu-west-1"]
    review.confirm(WA, "priorities")
    assert review.is_prefilled(WA, Q)
    first = register.add(
        review,
        "Orders <database>",
        '=HYPERLINK("http://x")',
        likelihood=HIGH,
        impact=HIGH,
        questions=[(WA, Q)],
        owner="Data team",
    )
    register.add_from_catalogue(review, "relational-database.failover-reconnect", "Orders database")
    register.update(review, "R2", status=ACCEPTED, accepted_until="2099-01-01")
    register.park_question(review, first.id, "Does the app re-resolve DNS after a failover?")
    return review


def test_a_review_with_a_register_and_exchange_data_round_trips(fake, review, tmp_path):
    result = watool.push(fake.client, review, None)
    assert review.sync["aws"][result.workload_id]["answers"][WA]
    data = review.to_dict()
    assert data["version"] == REGISTER_VERSION == FORMAT_VERSION
    assert {"prefilled", "sync", "risk_register"} <= set(data)
    assert data["parking_lot"][0]["risk"] == "R1"

    path = tmp_path / "checkout.json"
    review.save(path)
    again = Review.load(path)
    assert again.to_dict() == data  # every part, word for word
    again.save(tmp_path / "again.json")
    assert (tmp_path / "again.json").read_text() == path.read_text()
    assert again.prefill(WA, Q).source == "template: base.json"
    assert [e.to_dict() for e in again.risk_register] == data["risk_register"]

    # The sync record read back still matches the workload: nothing to write on a second push.
    fake.calls.clear()
    second = watool.push(fake.client, again, result.workload_id)
    assert second.written == [] and fake.calls_of("UpdateAnswer") == []


def test_each_part_drops_the_version_only_as_far_as_what_is_left_needs(fake, review):
    watool.push(fake.client, review, None)
    for entry in list(review.risk_register):
        register.remove(review, entry.id)
    assert review.to_dict()["version"] == REGISTER_VERSION  # the parked question still names R1
    review.parking_lot[0].risk = None
    assert review.to_dict()["version"] == PREFILL_AND_SYNC_VERSION  # sync and a pre-filled mark remain
    review.sync = {}
    review.confirm(WA, Q)
    assert review.to_dict()["version"] == 1


def test_a_file_of_a_newer_version_is_refused_in_one_line(review, tmp_path):
    path = tmp_path / "future.json"
    path.write_text(json.dumps(review.to_dict() | {"version": FORMAT_VERSION + 1}))
    with pytest.raises(FormatVersionError) as caught:
        Review.load(path)
    lines = caught.value.lines()
    assert lines == [
        f"{path}: version: written by a newer pillarkit (format version {FORMAT_VERSION + 1}; "
        f"this one reads up to {FORMAT_VERSION}): upgrade pillarkit to open it"
    ]

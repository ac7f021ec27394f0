"""Reviews for the handout tests: a small one whose every risk is known, and a fully answered Framework review."""

from __future__ import annotations

import os
from pathlib import Path

from kit.core import lens as lenses
from kit.core import register
from kit.core.review import ParkedItem, Review, Workload, new
from kit.core.vocabulary import ChoiceStatus

LENS_FILE = Path(__file__).resolve().parents[1] / "data" / "handout" / "two-pillars.json"
ALIAS = "two-pillars"


def small_review() -> Review:
    """Two pillars, five questions, one of each risk, and a milestone with one change of each kind.

    Now:             deploy MEDIUM, observe HIGH, runbooks NOT_APPLICABLE, backup HIGH, scale UNANSWERED.
    At "Kick-off":   deploy HIGH,   observe -,    runbooks -,              backup NONE, scale MEDIUM.
    So deploy improved, backup regressed, observe and runbooks are new, scale was cleared.
    """
    review = Review([lenses.load_file(LENS_FILE)], Workload(name="Checkout", review_date="2025-03-14"))
    w = review.workload
    w.description = "Cart, payment and order confirmation."
    w.owner = "Payments team"
    w.facilitator = "Ada Lovelace"
    w.participants = ["Grace Hopper", "Alan Turing"]
    w.regions = ["eu-west-1"]
    w.industry = "Retail"
    w.notes = "Peak traffic on Black Friday."
    w.business_context = {"recovery_time_objective": "4 hours", "recovery_point_objective": "15 minutes"}
    review.pillar_priorities = ["rel", "ops"]

    # The state at the milestone.
    review.set_choice(ALIAS, "deploy", "deploy_no")
    for cid in ("backup_auto", "backup_restore", "backup_offsite"):
        review.set_choice(ALIAS, "backup", cid)
    review.set_choice(ALIAS, "scale", "scale_auto")
    review.save_milestone("Kick-off", "2025-01-10")

    # The state now.
    review.set_choice(ALIAS, "deploy", "deploy_pipeline")
    review.set_choice(ALIAS, "deploy", "deploy_rollback")
    review.set_notes(ALIAS, "deploy", "Deploys are manual on Fridays.\nRollback takes an hour.")
    review.set_choice(ALIAS, "observe", "observe_no")
    review.set_notes(ALIAS, "observe", "Nobody is paged at night.")
    review.set_applicable(ALIAS, "runbooks", False, "OUT_OF_SCOPE")
    review.set_choice(ALIAS, "backup", "backup_restore", ChoiceStatus.UNSELECTED)
    review.set_choice_reason(ALIAS, "backup", "backup_offsite", "BUSINESS_PRIORITIES")
    review.set_notes(ALIAS, "backup", "One region is enough for now.", "backup_offsite")
    review.set_notes(ALIAS, "backup", "Restores were never tried.", "backup_restore")
    review.clear(ALIAS, "scale")
    review.park("Ask the bank about its SLA", "Katherine Johnson", ALIAS, "backup")
    review.park("Budget for a second region", "Grace Hopper")
    return review


def framework_review() -> Review:
    """The Framework lens, every question answered: a realistic mix of HIGH, MEDIUM and NONE."""
    review = new(["wellarchitected"], "Benchmark workload")
    for index, question in enumerate(review.lenses["wellarchitected"].questions()):
        for position, choice in enumerate(question.practices):
            if (index + position) % 3:
                review.set_choice("wellarchitected", question.id, choice.id)
        if index % 7 == 0:
            review.set_notes("wellarchitected", question.id, f"Note on {question.id}: <b>bold</b> & more")
    return review


#: Markup, script and markdown payloads: none may survive as markup in the HTML.
SCRIPT_PAYLOADS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "'><svg onload=alert(1)>",
    "javascript:alert(1)",
    "[x](javascript:alert(1))",
    "![x](http://evil/x.png)",
    '<a href="javascript:alert(1)">click</a>',
    "</title></style><script>alert(1)</script>",
    "<!--<script>alert(1)//-->",
    "<iframe src=http://evil/></iframe>",
    "{{ 7 * 7 }} {% if 1 %}x{% endif %}",
    "&lt;script&gt; &amp; &#x3C;b&#x3E;",
]
#: Spreadsheet formula payloads (OWASP CSV injection): none may survive as a formula in CSV or XLSX.
FORMULA_PAYLOADS = [
    '=HYPERLINK("http://evil/","click")',
    "=1+1",
    "+1+1",
    "-2+3",
    "@SUM(A1)",
    "\t=1+1",
    "\r=1+1",
    "\r\n+cmd|' /C calc'!A0",
    "  =1+1",
]
PAYLOADS = SCRIPT_PAYLOADS + FORMULA_PAYLOADS
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")


def payload_review(payload: str) -> Review:
    """The small review with ``payload`` in every free-text field (see tests/handout/test_safety.py).

    The risk register gets it too: every text of one entry (component, failure mode, detection,
    mitigation, runbook, owner, notes), the failure mode and owner of an accepted one, and an
    open question parked from the first.
    """
    review = small_review()
    w = review.workload
    w.name = w.description = w.owner = w.industry = w.review_date = w.facilitator = w.notes = payload
    w.participants = [payload, "Grace Hopper"]
    w.regions = [payload]
    w.business_context = {"recovery_time_objective": payload, payload: payload}
    review.pillar_priorities = ["rel", payload]
    for qid in ("deploy", "observe", "backup"):
        review.set_notes(ALIAS, qid, payload)
    review.set_notes(ALIAS, "deploy", payload, "deploy_pipeline")  # followed
    review.set_notes(ALIAS, "deploy", payload, "deploy_small")  # missing
    review.set_notes(ALIAS, "backup", payload, "backup_offsite")  # not applicable
    review.set_notes(ALIAS, "observe", payload, "observe_no")  # "None of these"
    review.park(payload, payload, ALIAS, "deploy")
    review.parking_lot.append(ParkedItem(payload, payload, payload, payload, payload))
    review.milestones[0].name = payload
    review.milestones[0].date = payload
    # A component and an owner take 120 characters; a longer payload (several joined) goes in whole elsewhere.
    short = payload[: register.LIMITS["component"]]
    risk = register.add(
        review,
        short,
        payload,
        likelihood="HIGH",
        impact="HIGH",
        detection=payload,
        mitigation=payload,
        runbook=payload,
        owner=short,
        notes=payload,
        questions=[(ALIAS, "backup")],
    )
    register.add(review, "Payments API", payload, status="ACCEPTED", owner=short)
    register.park_question(review, risk.id, payload)
    return review


GOLDEN = LENS_FILE.parent


def golden(name: str, actual: str) -> str:
    """The expected text in tests/data/handout/NAME; PILLARKIT_UPDATE_GOLDEN=1 rewrites it from ``actual``."""
    path = GOLDEN / name
    if os.environ.get("PILLARKIT_UPDATE_GOLDEN"):
        with open(path, "w", encoding="utf-8", newline="") as handle:
            handle.write(actual)
    with open(path, encoding="utf-8", newline="") as handle:
        return handle.read()


def limits_review(lens: str = "wellarchitected") -> Review:
    """A review with every text at its limit and every list full: the worst a valid file holds.

    Texts are single words (no space to break a line at), which is what makes a browser's layout slow.
    ``lens`` is a bundled alias or a lens file.
    """
    from kit.core.review import limit

    def full(*path: str, letter: str = "x") -> str:
        return letter * limit(*path)[0]

    review = new([lens], full("workload", "name", letter="N"))
    for field in ("description", "owner", "industry", "facilitator", "notes"):
        review.set_workload(field, full("workload", field, letter=field[0]))
    for field in ("regions", "participants"):
        length, items = limit("workload", field)
        review.set_workload(field, [f"{i:03d}" + "r" * (length - 3) for i in range(items)])
    for i in range(limit("workload", "business_context")[1]):
        review.set_context(f"context-{i:02d}", full("workload", "business_context", letter="c"))
    alias = next(iter(review.lenses))
    for index, question in enumerate(review.lenses[alias].questions()):
        for position, choice in enumerate(question.practices):
            if (index + position) % 2:
                review.set_choice(alias, question.id, choice.id)
            review.set_notes(alias, question.id, "c" * 250, choice.id)
        review.set_notes(alias, question.id, "q" * 2084)
    review.save_milestone("m" * 100)
    for i in range(limit("parking_lot")[1]):
        review.park(f"{i:03d}" + "p" * 2081, "o" * 255)
    return review

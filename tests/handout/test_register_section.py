"""The handout's Risk register section: the heat map as a picture, the ranked table, and what to do about each risk."""

from __future__ import annotations

import base64
import datetime as dt
import io
import re
import shutil

import pytest
from bs4 import BeautifulSoup
from PIL import Image

from kit.core import register
from kit.render import handout
from kit.render.handout import register as section
from tests.handout.reviews import ALIAS, small_review

NOW = dt.datetime(2026, 3, 15, tzinfo=dt.UTC)


def register_review():
    review = small_review()
    db = register.add(
        review,
        "Orders database",
        "Fails over and the app keeps dead connections",
        likelihood="MEDIUM",
        impact="HIGH",
        detection="Connection errors alarm",
        mitigation="Validate pooled connections",
        runbook="Recycle the pool",
        owner="Data team",
        questions=[(ALIAS, "backup")],
        notes="Seen in March",
    )
    register.add(review, "CDN", "Purge storm reaches the origin", likelihood="HIGH", impact="HIGH", status="CLOSED")
    lapsed = register.add(review, "Payments API", "Provider outage", likelihood="LOW", impact="HIGH")
    register.update(review, lapsed.id, dt.date(2025, 1, 1), status="ACCEPTED", accepted_until="2025-12-31")
    still = register.add(review, "Queue", "Backlog grows", likelihood="LOW", impact="LOW")
    register.update(review, still.id, dt.date(2026, 3, 1), status="ACCEPTED", accepted_until="2026-06-30")
    register.park_question(review, db.id, "Does the app re-resolve DNS?")
    return review


def soup_of(review) -> BeautifulSoup:
    return BeautifulSoup(handout.to_html(review, NOW), "html5lib")


def test_the_section_ranks_the_register_and_says_what_to_do():
    soup = soup_of(register_review())
    assert soup.select_one("nav.pk-toc a[href='#register']").get_text() == "Risk register"
    head = soup.select_one("section#register")
    assert head.h2.get_text() == "Risk register"
    assert "4 failure modes" in head.get_text() and "2 open, 1 accepted, 1 closed" in head.get_text()
    rows = soup.select("tr.pk-register-entry")
    assert [(r["data-risk-id"], r["data-status"]) for r in rows] == [
        ("R2", "CLOSED"),  # 9
        ("R1", "OPEN"),  # 6
        ("R3", "OPEN"),  # 3: its acceptance lapsed on 31 December 2025, before the handout's date
        ("R4", "ACCEPTED"),  # 1
    ]
    assert [r.select_one("td.pk-num").get_text() for r in rows] == ["1", "2", "3", "4"]
    assert [r.select_one(".pk-rating")["class"][1] for r in rows] == [
        "pk-rating--high",
        "pk-rating--high",
        "pk-rating--medium",
        "pk-rating--low",
    ]
    assert "acceptance lapsed 31 December 2025" in rows[2].get_text()
    assert "until 30 June 2026" in rows[3].get_text()
    details = soup.select_one('tr.pk-register-details[data-risk-id="R1"]')
    labels = [dt_.get_text() for dt_ in details.select("dt")]
    assert labels == ["How we would notice", "Mitigation", "Runbook", "Review questions", "Notes"]
    link = details.select_one("a")
    assert link["href"] == f"#q-{ALIAS}-backup" and soup.select_one(f"#q-{ALIAS}-backup") is not None
    assert (
        "No detection, mitigation or runbook written yet."
        in soup.select_one('tr.pk-register-details[data-risk-id="R4"]').get_text()
    )


def test_a_topic_parked_from_a_risk_links_to_its_entry():
    soup = soup_of(register_review())
    rows = soup.select("table.pk-parking tbody tr")
    linked = [row for row in rows if row.select_one(".pk-parked-risk")]
    assert len(linked) == 1
    link = linked[0].select_one(".pk-parked-risk a")
    assert (link["href"], link.get_text()) == ("#risk-R1", "risk R1")
    assert soup.select_one("#risk-R1")["data-risk-id"] == "R1"


def test_no_template_text_reaches_the_reader():
    text = soup_of(register_review()).select_one(".celltag_pk-register").get_text(" ")
    for remnant in ("{#", "#}", "{{", "}}", "{%", "%}"):
        assert remnant not in text


def test_the_heat_map_is_a_picture_with_its_counts_in_words():
    soup = soup_of(register_review())
    images = soup.select(".celltag_pk-register img")
    assert len(images) == 1
    image = images[0]
    assert image["alt"] == (
        "Risk register heat map of the 3 risks not closed: 1 of medium likelihood and high impact; "
        "1 of low likelihood and high impact; 1 of low likelihood and low impact."
    )
    assert image["width"] == str(section.HEATMAP_CSS_WIDTH)
    picture = Image.open(io.BytesIO(base64.b64decode(image["src"].split(",", 1)[1])))
    assert picture.width == round(section.HEATMAP_WIDTH_INCHES * section.HEATMAP_DPI)


def test_a_review_without_a_register_has_no_section():
    soup = soup_of(small_review())
    assert soup.select("section#register, .celltag_pk-register, a[href='#register']") == []
    assert [img["alt"].split(".")[0] for img in soup.select("img")] == [
        "Risk by pillar"
    ] * 2  # the chart, wide and narrow


def test_the_section_prints_on_its_own_page():
    from kit.render.handout.style import stylesheet

    printed = stylesheet().split("@media print", 1)[1]
    rules = re.findall(r"([^{}]+)\{([^}]*)\}", printed)
    assert any(
        ".celltag_pk-register" in [part.strip() for part in selectors.split(",")] and "break-before: page" in body
        for selectors, body in rules
    )


def test_the_pieces_an_executive_edition_reuses():
    review = register_review()
    facts = section.RegisterFacts.of(review, NOW.date())
    assert [e.id for e in section.top(facts, 2)] == ["R1", "R3"]  # not closed, ranked
    soup = BeautifulSoup(section.table(facts, section.top(facts, 2), details=False), "html5lib")
    assert [r["data-risk-id"] for r in soup.select("tr.pk-register-entry")] == ["R1", "R3"]
    assert soup.select("tr.pk-register-details") == []
    assert [td.get_text() for td in soup.select("td.pk-num")] == ["2", "3"]  # the rank in the whole register
    assert section.heatmap_png(facts).startswith(b"\x89PNG")


# --- the executive edition (issue 12) ------------------------------------------------------------


def many_risks(review, count: int = 8):
    """``count`` open risks of every rating, and one closed; an open question parked from the lowest."""
    levels = ("HIGH", "MEDIUM", "LOW")
    for n in range(count):
        register.add(
            review,
            f"Component {n}",
            f"Failure mode {n}, written out at the length a team writes one",
            likelihood=levels[n % 3],
            impact=levels[(n // 3) % 3],
            detection="An alarm",
            mitigation="A plan",
            runbook="Steps",
        )
    register.add(review, "Retired", "No longer there", likelihood="HIGH", impact="HIGH", status="CLOSED")
    register.park_question(review, "R8", "Who owns component 7?")
    return review


def test_the_executive_edition_shows_the_heat_map_and_the_top_entries_alone():
    review = many_risks(small_review())
    soup = BeautifulSoup(handout.to_html(review, NOW, edition=handout.SUMMARY), "html5lib")
    assert soup.select_one("nav.pk-toc a[href='#register']").get_text() == "Risk register"
    head = soup.select_one("section#register")
    assert "9 failure modes of the workload\u2019s components: 8 open, 1 closed" in head.get_text()
    assert "The table lists the 5 risks not closed that rank highest" in head.get_text()
    assert soup.select(".celltag_pk-register") == []  # the full section, on a page of its own, is not there
    image = soup.select_one(".celltag_pk-register-brief img")
    assert image["alt"].startswith("Risk register heat map of the 8 risks not closed")
    assert image["width"] == str(section.SUMMARY_HEATMAP_CSS_WIDTH)
    # It follows the cover, before the summary: the cover's page has room for it (four A4 pages at most).
    cells = [tag for tag in soup.select("div.jp-Cell") if any(c.startswith("celltag_") for c in tag["class"])]
    tags = [next(c for c in cell["class"] if c.startswith("celltag_")) for cell in cells]
    assert tags[:3] == ["celltag_pk-cover", "celltag_pk-register-brief", "celltag_pk-summary"]
    assert "pk-figure--any" in image.parent["class"]  # shown on phones and on paper alike
    full = section.RegisterFacts.of(review, NOW.date())
    assert [r["data-risk-id"] for r in soup.select("tr.pk-register-entry")] == [e.id for e in section.top(full)]
    assert len(soup.select("tr.pk-register-entry")) == section.TOP and soup.select("tr.pk-register-details") == []
    # R8 (low, low) is not among them: its parked question names it without a link that leads nowhere.
    assert "R8" not in [r["data-risk-id"] for r in soup.select("tr.pk-register-entry")]
    parked = soup.select_one("#parking-lot").get_text()
    assert "Who owns component 7?" in parked and soup.select("#parking-lot a[href='#risk-R8']") == []
    anchors = {tag["id"] for tag in soup.select("[id]")}
    assert all(a["href"][1:] in anchors for a in soup.select("a[href^='#risk-']"))


def test_the_full_handout_keeps_every_entry_and_its_details():
    review = many_risks(small_review())
    soup = BeautifulSoup(handout.to_html(review, NOW), "html5lib")
    assert len(soup.select("tr.pk-register-entry")) == 9 and len(soup.select("tr.pk-register-details")) == 9
    assert soup.select("#parking-lot a[href='#risk-R8']")


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("chromium") is None, reason="Chromium is not installed")
def test_the_executive_pdf_with_a_register_is_still_at_most_four_a4_pages(tmp_path, capsys):
    from kit.cli import main
    from tests.handout.reviews import framework_review
    from tests.handout.test_editions import A4_POINTS, pdf_pages

    path = tmp_path / "review.json"
    many_risks(framework_review(), 12).save(path)
    summary = tmp_path / "summary.pdf"
    assert main(["export", str(path), "-o", str(summary), "--edition", "summary"]) == 0
    assert pdf_pages(summary) <= (4, A4_POINTS) and pdf_pages(summary)[1] == A4_POINTS

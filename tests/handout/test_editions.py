"""The handout for its readers (issue 12): ranked top risks with reasons, the executive edition in at most
four A4 pages, A4 or US letter, a phone's width without sideways scrolling or words cut in two,
and the answers' edits since the milestone."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from kit.cli import main
from kit.render import handout
from tests.handout.reviews import framework_review, small_review
from tests.unit.test_top_risks import checkout_review

NOW = dt.datetime(2025, 3, 15, tzinfo=dt.UTC)
needs_chromium = pytest.mark.skipif(shutil.which("chromium") is None, reason="Chromium is not installed")
#: PDF page sizes in points.
A4_POINTS = (595, 842)
LETTER_POINTS = (612, 792)


def pdf_pages(path: Path) -> tuple[int, tuple[int, int]]:
    """Pages and the first page's size in whole points, read by poppler's pdfinfo."""
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    pages = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
    width, height = re.search(r"^Page size:\s+([\d.]+) x ([\d.]+)", info, re.M).groups()
    return pages, (round(float(width)), round(float(height)))


# --- top risks ---------------------------------------------------------------------------------


def test_top_risks_are_ranked_and_say_why():
    document = handout.to_html(checkout_review(["security"]), NOW)
    section = document[document.index('class="pk-top-risks"') :]
    section = section[: section.index("</section>")]
    questions = re.findall(r'class="pk-top-risk" data-question="([^"]+)"', section)
    assert questions[:2] == ["planning-for-recovery", "data-classification"]
    assert section.count("Why it is here:") == 5
    assert "Security is the review’s first priority" in section
    assert "ranked by risk, then by the high-risk practices missing" in section


# --- editions and paper ---------------------------------------------------------------------------


def test_the_summary_edition_holds_cover_summary_top_risks_roadmap_and_parking_lot_only():
    review = small_review()
    summary = handout.to_html(review, NOW, edition=handout.SUMMARY)
    for part in ('class="pk-cover"', 'id="summary"', 'class="pk-top-risks"', 'class="pk-roadmap"', 'id="parking-lot"'):
        assert part in summary, part
    for part in ('class="pk-pillar"', 'class="pk-item"', 'id="changes"', 'id="sources"'):
        assert part not in summary, part
    assert "Well-Architected review · Executive summary" in summary
    assert 'href="#item-' not in summary  # the roadmap names questions without linking to absent details
    full = handout.to_html(review, NOW)
    assert 'class="pk-pillar"' in full and 'class="pk-item"' in full and "· Handout" in full


def test_a4_is_the_default_page_and_letter_the_other():
    review = small_review()
    assert "size: A4;" in handout.to_html(review, NOW)
    assert "size: letter;" in handout.to_html(review, NOW, paper="letter")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--edition", "summary", "-o", "x.csv"],
            "an edition and a paper size are for the handout (.html, .pdf), not .csv",
        ),
        (
            ["--paper", "letter", "-o", "x.json"],
            "an edition and a paper size are for the handout (.html, .pdf), not .json",
        ),
    ],
)
def test_an_edition_for_a_spreadsheet_is_one_line_and_exit_2(tmp_path, capsys, args, message):
    review = tmp_path / "r.json"
    small_review().save(review)
    args = [a if a not in ("x.csv", "x.json") else str(tmp_path / a) for a in args]
    assert main(["export", str(review), *args]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].endswith(message)
    assert not list(tmp_path.glob("x.*"))


@needs_chromium
@pytest.mark.slow
def test_the_executive_pdf_is_at_most_four_a4_pages_and_letter_when_asked(tmp_path, capsys):
    review = tmp_path / "review.json"
    framework_review().save(review)  # all 57 questions answered, many risks
    summary = tmp_path / "summary.pdf"
    assert main(["export", str(review), "-o", str(summary), "--edition", "summary"]) == 0
    assert capsys.readouterr().out.strip() == f"wrote {summary} (PDF executive summary, A4 pages)"
    pages, size = pdf_pages(summary)
    assert pages <= 4 and size == A4_POINTS
    letter = tmp_path / "letter.pdf"
    assert main(["export", str(review), "-o", str(letter), "--edition", "summary", "--paper", "letter"]) == 0
    assert pdf_pages(letter)[1] == LETTER_POINTS
    full = tmp_path / "full.pdf"
    assert main(["export", str(review), "-o", str(full)]) == 0
    full_pages, full_size = pdf_pages(full)
    assert full_size == A4_POINTS and full_pages > pages


# --- changes since the milestone ----------------------------------------------------------------------


def test_the_changes_list_ticks_not_applicable_marks_and_notes():
    document = handout.to_html(small_review(), NOW)
    section = document[document.index('id="changes"') :]
    edits = section[section.index('class="pk-edits"') :]
    assert "Ticked “" in edits and "Unticked “" in edits
    assert "Marked the question not applicable (out of scope)" in edits
    assert "not applicable (business priorities)" in edits
    assert "Added a note on “" in edits and "Restores were never tried." in edits


# --- a phone's width ----------------------------------------------------------------------------------


WORDS_CUT = """() => {
  // Every word of visible text that the browser laid out on more than one line: a word cut in two.
  const cut = [];
  const walker = document.createTreeWalker(document.querySelector('main'), NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    if (!parent || parent.offsetParent === null || getComputedStyle(parent).whiteSpace === 'pre-wrap') continue;
    for (const match of node.textContent.matchAll(/[A-Za-z][A-Za-z’'-]{3,}/g)) {
      const range = document.createRange();
      range.setStart(node, match.index);
      range.setEnd(node, match.index + match[0].length);
      const tops = new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top)));
      if (tops.size > 1 && !match[0].includes('-')) cut.push(`${match[0]} in <${parent.tagName.toLowerCase()} class="${parent.className}">`);
    }
  }
  return cut;
}"""


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.parametrize("edition", [handout.FULL, handout.SUMMARY])
def test_at_390_pixels_nothing_scrolls_sideways_no_word_is_cut_and_the_chart_reads(chrome, tmp_path, edition):
    review = framework_review()
    review.save_milestone("Kick-off", "2025-01-10")
    review.set_choice(
        "wellarchitected", "priorities", next(iter(review.lenses["wellarchitected"].questions())).practices[0].id
    )
    path = tmp_path / "handout.html"
    path.write_text(handout.to_html(review, NOW, edition=edition), encoding="utf-8")
    page = chrome.new_page(viewport={"width": 390, "height": 844})
    try:
        page.goto(path.as_uri())
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
        assert page.evaluate(WORDS_CUT) == []
        wide, narrow = page.locator(".pk-figure--wide img"), page.locator(".pk-figure--narrow img")
        assert not wide.is_visible() and narrow.is_visible()
        # The narrow chart's labels: its 9-point text at 192 dpi, as scaled to the screen, in CSS pixels.
        shown = narrow.evaluate("(img) => img.getBoundingClientRect().width / img.naturalWidth")
        assert 9 * 192 / 72 * shown >= 11, f"chart labels would be {9 * 192 / 72 * shown:.1f} px"
        heads = page.locator(".pk-counts thead th.pk-num").all_inner_texts()
        assert heads == ["High", "Med.", "None", "N/A", "Open"]
        page.screenshot(path=tmp_path / f"phone-{edition}.png", full_page=False)
    finally:
        page.close()
    desktop = chrome.new_page(viewport={"width": 1280, "height": 900})
    try:
        desktop.goto(path.as_uri())
        assert desktop.evaluate(WORDS_CUT) == []  # not even the "Unanswered" badge
        assert desktop.locator(".pk-figure--wide img").is_visible()
    finally:
        desktop.close()

"""The HTML handout, parsed as a browser would: every part is there, with the right numbers, and nothing is fetched."""

from __future__ import annotations

import datetime as dt
import re

import nbformat
import pytest
from bs4 import BeautifulSoup

from kit.core import fieldstats, roadmap
from kit.core.errors import ExportError
from kit.core.scoring import improvement_list, score
from kit.core.vocabulary import HIGH, MEDIUM, NONE, NOT_APPLICABLE, UNANSWERED, Risk
from kit.render import handout
from kit.render.handout import notebook, sections
from kit.render.handout.audit import remote_references
from tests.handout.reviews import ALIAS, golden

NOW = dt.datetime(2025, 3, 15, 9, 30, tzinfo=dt.UTC)


def parse(document: str) -> BeautifulSoup:
    return BeautifulSoup(document, "html5lib")


@pytest.fixture
def soup(review):
    return parse(handout.to_html(review, NOW))


def text(node) -> str:
    return " ".join(node.get_text(" ").split())


# --- the notebook ---------------------------------------------------------------------


def test_the_notebook_holds_only_static_html_and_png_outputs(review):
    notebook = handout.build_notebook(review, NOW)
    nbformat.validate(notebook)
    assert all(cell.cell_type == "code" and cell.source == "" for cell in notebook.cells)
    kinds = {key for cell in notebook.cells for output in cell.outputs for key in output.data}
    assert kinds == {"text/html", "text/plain", "image/png"}
    assert all(output.output_type == "display_data" for cell in notebook.cells for output in cell.outputs)
    assert [cell.metadata.tags[0] for cell in notebook.cells] == [
        "pk-cover",
        "pk-summary",
        "pk-pillar",
        "pk-pillar",
        "pk-plan",
        "pk-parking",
        "pk-changes",
        "pk-sources",
    ]
    assert "widgets" not in notebook.metadata


def test_risks_read_as_in_the_charts_legend_in_the_same_colours(soup):
    from kit.render import charts
    from kit.render.handout import style

    chart = charts.RiskChart()
    chart.render([("Security", {HIGH: 1})])
    legend = [text.get_text() for text in chart.figure.legends[0].get_texts()]
    assert legend == [kpi.select_one(".pk-kpi-label").get_text() for kpi in soup.select(".pk-kpi")]
    assert legend == ["High risk", "Medium risk", "No risk", "Not applicable", "Unanswered"]
    for risk, colour in charts.PALETTE.items():
        assert (
            f".pk-badge.{risk.css}, .pk-kpi.{risk.css} .pk-kpi-swatch {{ background: {colour}; }}" in style.stylesheet()
        )


def test_the_same_review_gives_the_same_document(review):
    assert handout.to_html(review, NOW) == handout.to_html(review, NOW)


# --- the seven parts --------------------------------------------------------------------


def test_the_cover_names_the_workload_people_lenses_and_business_context(soup):
    cover = soup.select_one("section.pk-cover")
    assert cover.h1.get_text() == "Checkout"
    words = text(cover)
    for expected in (
        "Cart, payment and order confirmation.",
        "Production",
        "14 March 2025",
        "Payments team",
        "Ada Lovelace",
        "Grace Hopper",
        "Alan Turing",
        "eu-west-1",
        "Retail",
        "Handout test lens, edition of 31 January 2025",
        "Recovery time objective (RTO) 4 hours",
        "Recovery point objective (RPO) 15 minutes",
        "Peak traffic on Black Friday.",
    ):
        assert expected in words, expected
    priorities = [li.get_text() for li in cover.select(".pk-context ol li")]
    assert priorities == ["Resilience", "Operations"]
    assert soup.title.get_text() == "Checkout: Well-Architected review handout"


def test_the_summary_counts_in_total_and_per_pillar(soup, review):
    result = score(review)
    kpis = {kpi["data-risk"]: int(kpi.select_one(".pk-kpi-number").get_text()) for kpi in soup.select(".pk-kpi")}
    assert kpis == dict(result.counts) == {HIGH: 2, MEDIUM: 1, NONE: 0, NOT_APPLICABLE: 1, UNANSWERED: 1}
    table = soup.select_one("table.pk-counts")
    headers = [th.get("aria-label") or th.get_text() for th in table.select("thead th")]  # the words a reader hears
    assert headers == ["Pillar", "High risk", "Medium risk", "No risk", "Not applicable", "Unanswered"]
    for row in table.select("tbody tr"):
        counts = result.lenses[row["data-lens"]].pillars[row["data-pillar"]].counts
        assert [int(td.get_text()) for td in row.select("td")] == [
            counts[k] for k in (HIGH, MEDIUM, NONE, NOT_APPLICABLE, UNANSWERED)
        ]
    assert [row["data-pillar"] for row in table.select("tbody tr")] == ["ops", "rel"]
    assert [int(td.get_text()) for td in table.select("tfoot td")] == [2, 1, 0, 1, 1]
    assert "answered 4 of 5 questions" in text(soup.select_one("section.pk-summary"))


def test_the_summary_has_the_chart_as_an_inline_png_with_a_text_alternative(soup):
    charts = soup.select(".pk-figure--wide img.pk-chart")
    assert len(charts) == 1
    # The same chart drawn narrower for a phone's width, with the same words for a screen reader.
    narrow = soup.select(".pk-figure--narrow img.pk-chart")
    assert len(narrow) == 1 and narrow[0]["alt"] == charts[0]["alt"]
    assert narrow[0]["src"].startswith("data:image/png;base64,iVBOR") and narrow[0]["src"] != charts[0]["src"]
    assert charts[0]["src"].startswith("data:image/png;base64,iVBOR")
    assert (
        charts[0]["alt"]
        == "Risk by pillar. Operations: 1 high risk, 1 medium risk, 1 not applicable; Resilience: 1 high risk, 1 unanswered."
    )
    assert charts[0]["width"] == str(notebook.CHART_CSS_WIDTH)


def test_top_risks_rank_high_before_medium_and_say_why_each_is_there(soup):
    risks = soup.select(".pk-top-risks .pk-top-risk")
    assert [r.strong.get_text() for r in risks] == [
        "REL01 How do you back up data?",
        "OPS02 How do you know the workload is healthy?",
        "OPS01 How do you deploy changes?",
    ]
    assert [r["data-question"] for r in risks] == ["backup", "observe", "deploy"]
    assert "Missing: \u201cTest restores\u201d." in text(risks[0])
    assert "First step: Start to test restores this month." in text(risks[0])
    assert "The team follows none of these practices." not in text(risks[1])
    for risk in risks:
        assert text(risk.select_one(".pk-why")).startswith("Why it is here: ")


def test_every_question_has_a_section_with_its_risk_badge(soup, review):
    risks = score(review).lenses[ALIAS].questions
    articles = {a["data-question"]: a for a in soup.select("section.pk-pillar article.pk-question")}
    assert list(articles) == ["deploy", "observe", "runbooks", "backup", "scale"]
    for qid, article in articles.items():
        assert article["data-risk"] == risks[qid]
        assert article.select_one(".pk-badge").get_text() == Risk(risks[qid]).words
    sections = soup.select("section.pk-pillar")
    assert [s.h2.get_text() for s in sections] == ["Operations", "Resilience"]


def test_practices_followed_missing_and_not_applicable_with_reasons_and_notes(soup):
    backup = soup.select_one('article[data-question="backup"]')
    assert [text(li) for li in backup.select(".pk-followed li")] == ["REL01-BP01 Back up automatically"]
    assert [text(li) for li in backup.select(".pk-missing li")] == [
        "REL01-BP02 Test restores High if missing Restores were never tried."
    ]
    assert [text(li) for li in backup.select(".pk-set-aside li")] == [
        "REL01-BP03 Keep a copy in another region Reason: Business priorities One region is enough for now."
    ]
    deploy = soup.select_one('article[data-question="deploy"]')
    assert (
        deploy.select_one(".pk-notes .pk-pre").get_text() == "Deploys are manual on Fridays.\nRollback takes an hour."
    )
    observe = soup.select_one('article[data-question="observe"]')
    assert "The team ticked \u201cNone of these\u201d." in text(observe)
    assert "Not applicable to this workload. Reason: out of scope." in text(
        soup.select_one('article[data-question="runbooks"]')
    )
    assert "Not answered in this review." in text(soup.select_one('article[data-question="scale"]'))


def test_every_high_and_medium_question_is_in_the_plan_with_its_steps_and_official_links(soup, review):
    items = improvement_list(review)
    articles = soup.select("section.pk-plan article.pk-item")
    assert [a["data-question"] for a in articles] == [i.question.id for i in items] == ["backup", "observe", "deploy"]
    assert [a["data-risk"] for a in articles] == [HIGH, HIGH, MEDIUM]
    observe = articles[1]
    steps = observe.select(".pk-steps li")
    assert [s.strong.get_text(" ", strip=True) for s in steps] == [
        "OPS02-BP01 Alarm on user-facing symptoms",
        "OPS02-BP02 Keep a dashboard per service",
    ]
    assert "Start to alarm on user-facing symptoms this month." in text(steps[0])
    assert steps[0].select_one("a")["href"] == "https://docs.example.org/observe_alarms.html"
    assert "Nobody is paged at night." in text(observe)


def test_a_missing_practices_description_is_in_its_plan_step_as_text(tmp_path):
    import json

    from kit.core import lens as lenses
    from kit.core.review import Review
    from tests.handout.reviews import LENS_FILE

    document = json.loads(LENS_FILE.read_text(encoding="utf-8"))
    observe = next(q for p in document["pillars"] for q in p["questions"] if q["id"] == "observe")
    observe["choices"][0]["description"] = "Page on <errors> & latency that users see, not on CPU."
    path = tmp_path / "described.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    review = Review([lenses.load_file(path)])
    review.set_choice("described", "observe", "observe_no")
    soup = parse(handout.to_html(review, NOW))
    steps = soup.select("article.pk-item[data-question=observe] .pk-steps li")
    described = steps[0].select_one("p.pk-practice-description")
    assert described.get_text() == "Page on <errors> & latency that users see, not on CPU."  # text, never markup
    assert described.find_previous_sibling("strong").get_text(" ", strip=True).endswith("Alarm on user-facing symptoms")
    assert not steps[1].select("p.pk-practice-description")  # no description, no empty paragraph


def test_the_roadmap_groups_items_by_horizon_and_shows_a_facilitators_move(review):
    roadmap.set_horizon(review, ALIAS, "observe", 36)
    soup = parse(handout.to_html(review, NOW))
    columns = {int(div["data-horizon"]): div for div in soup.select(".pk-roadmap .pk-horizon")}
    assert list(columns) == [3, 12, 36]
    assert [a.get_text() for a in columns[3].select("a")] == ["REL01"]
    assert [a.get_text() for a in columns[12].select("a")] == ["OPS01"]
    assert [a.get_text() for a in columns[36].select("a")] == ["OPS02"]
    assert text(columns[3].select_one(".pk-horizon-count")) == "1 question: 1 high"
    items = {a["data-question"]: int(a["data-horizon"]) for a in soup.select("article.pk-item")}
    assert items == {"backup": 3, "deploy": 12, "observe": 36}
    assert "moved by the facilitator from 3 to 36 months" in text(
        soup.select_one('article.pk-item[data-question="observe"]')
    )
    titles = [h.get_text() for h in soup.select(".pk-horizon-title")]
    assert titles == ["Now: within 3 months", "Next: within 12 months", "Later: within 36 months"]


def test_the_parking_lot_lists_topics_with_owners_and_where_they_came_up(soup):
    rows = soup.select("table.pk-parking tbody tr")
    cells = [[td.get_text(" ", strip=True) for td in row.select("td")] for row in rows]
    assert cells == [
        ["1", "Ask the bank about its SLA", "Katherine Johnson", "REL01 How do you back up data?", "Open"],
        ["2", "Budget for a second region", "Grace Hopper", "\u2014", "Open"],
    ]


def test_the_changes_since_the_last_milestone(soup):
    section = soup.select_one("section.pk-changes")
    assert section.h2.get_text() == "Changes since \u201cKick-off\u201d"
    assert "Milestone saved 10 January 2025: 1 regressed, 1 improved, 2 new and 1 cleared." in text(section)
    rows = [
        (row["data-kind"], row.th.get_text(), [b.get_text() for b in row.select(".pk-badge")])
        for row in section.select("tbody tr")
    ]
    assert rows == [
        ("regressed", "REL01 How do you back up data?", ["No risk", "High risk"]),
        ("improved", "OPS01 How do you deploy changes?", ["High risk", "Medium risk"]),
        ("new", "OPS02 How do you know the workload is healthy?", ["Unanswered", "High risk"]),
        ("new", "OPS03 How do you respond to events?", ["Unanswered", "Not applicable"]),
        ("cleared", "REL02 How do you adapt to changes in demand?", ["Medium risk", "Unanswered"]),
    ]


def test_without_milestones_there_is_no_changes_part(review):
    review.milestones.clear()
    soup = parse(handout.to_html(review, NOW))
    assert soup.select_one("section.pk-changes") is None
    assert "Changes since" not in text(soup.body)


def test_sources_and_attribution_name_each_lens_and_edition(soup):
    sources = text(soup.select_one("section.pk-sources"))
    assert "Handout test lens, edition of 31 January 2025" in sources
    assert "a custom lens carried in the review file" in sources.lower()
    assert "Prepared with pillarkit" in sources and "15 March 2025" in sources
    assert "Field statistics" not in sources  # no figure was shown for this lens


def test_a_framework_handout_shows_field_statistics_and_their_provenance(framework):
    soup = parse(handout.to_html(framework, NOW))
    sentences = [p.get_text(" ", strip=True) for p in soup.select(".pk-stat")]
    expected = fieldstats.for_question("wellarchitected", "planning-for-recovery")
    assert expected and any(expected[0].sentence in s for s in sentences)
    assert any(s.startswith("You\u2019re not alone.") for s in sentences)
    sources = text(soup.select_one("section.pk-sources"))
    provenance = fieldstats.provenance()
    assert provenance["talk"]["title"] in sources and provenance["blog"]["title"] in sources
    assert "AWS Well-Architected Framework, edition of 6 November 2024" in sources
    assert "\u00a9 Amazon Web Services" in sources
    links = {a["href"] for a in soup.select(".pk-sources a")}
    assert provenance["talk"]["url"] in links


def test_every_high_and_medium_question_of_a_full_framework_review(framework):
    soup = parse(handout.to_html(framework, NOW))
    result = score(framework).lenses["wellarchitected"]
    wanted = [qid for qid, risk in result.questions.items() if risk in (HIGH, MEDIUM)]
    assert len(wanted) > 40
    in_pillars = {a["data-question"]: a["data-risk"] for a in soup.select("article.pk-question")}
    in_plan = [a["data-question"] for a in soup.select("article.pk-item")]
    assert all(in_pillars[qid] == result.questions[qid] for qid in wanted)
    assert sorted(in_plan) == sorted(wanted)
    assert len(soup.select("section.pk-pillar")) == 6
    # notes hold markup-like text: shown as text, never as markup
    notes = soup.select(".pk-notes .pk-pre")
    assert notes and all(n.get_text().endswith(": <b>bold</b> & more") for n in notes)
    assert not soup.select(".pk-notes b")


def test_an_empty_review_still_makes_a_handout(review):
    review.answers[ALIAS].clear()
    review.milestones.clear()
    review.parking_lot.clear()
    soup = parse(handout.to_html(review, NOW))
    assert "None of the 5 questions of the Handout test lens has been answered yet." in text(soup)
    assert "Nothing has been answered yet." in text(soup.select_one("section.pk-plan"))
    assert "Nothing was parked during the review." in text(soup)


def test_two_lenses_name_their_lens_next_to_each_pillar(review):
    from kit.core import lens as lenses
    from kit.core.review import Review
    from tests.handout.reviews import LENS_FILE

    both = Review([lenses.load_file(LENS_FILE), lenses.bundled("serverless")])
    both.set_choice(ALIAS, "observe", "observe_no")
    soup = parse(handout.to_html(both, NOW))
    assert len(soup.select(".pk-figure--wide img.pk-chart")) == 2  # one per lens (and a narrow one each for phones)
    assert len(soup.select(".pk-figure--narrow img.pk-chart")) == 2
    names = [row.th.get_text() for row in soup.select("table.pk-counts tbody tr")]
    assert "Operations (Handout test lens)" in names and any(
        n.endswith("(Serverless Applications Lens)") for n in names
    )


def test_answers_pre_filled_and_not_confirmed_are_flagged_in_the_summary_and_on_their_question(review):
    review.mark_prefilled(ALIAS, "deploy", "template: base.json", "2025-03-01T10:00:00+00:00")
    review.mark_prefilled(ALIAS, "backup", "template: base.json", "2025-03-01T10:00:00+00:00")
    soup = parse(handout.to_html(review, NOW))
    caution = soup.select_one(".pk-summary .pk-prefilled-caution")
    assert caution is not None
    assert text(caution).startswith("2 answers were pre-filled (template: base.json) and not confirmed")
    flagged = {node.find_parent("article")["data-question"]: text(node) for node in soup.select(".pk-prefilled")}
    assert set(flagged) == {"deploy", "backup"}
    assert flagged["deploy"] == "Pre-filled from template: base.json on 1 March 2025; not confirmed in the session."


def test_a_confirmed_answer_is_no_longer_flagged(review):
    review.mark_prefilled(ALIAS, "deploy", "template: base.json", "2025-03-01")
    review.confirm(ALIAS, "deploy")
    soup = parse(handout.to_html(review, NOW))
    assert soup.select(".pk-prefilled") == [] and soup.select(".pk-prefilled-caution") == []


# --- self-contained and printable -------------------------------------------------------


def test_nothing_is_fetched_from_the_network(framework):
    document = handout.to_html(framework, NOW)
    soup = parse(document)
    assert soup.select("script") == []
    assert soup.select("link") == []
    assert soup.select("iframe, object, embed, video, audio, source, svg") == []
    styles = soup.select("style")
    assert len(styles) == 1 and len(styles[0].string) > 5000
    assert not re.search(r"@import|url\(\s*['\"]?\s*(https?:)?//", styles[0].string)
    for tag in soup.find_all(True):
        for attribute in ("src", "href", "srcset", "data", "poster", "action"):
            value = tag.get(attribute)
            if value is None:
                continue
            if tag.name == "a" and attribute == "href":
                assert value.startswith("#") or value.startswith("https://"), value
            else:
                assert tag.name == "img" and attribute == "src" and value.startswith("data:image/png;base64,"), (
                    tag.name,
                    attribute,
                    value[:60],
                )
    assert not re.search(r"https?://", " ".join(str(t) for t in soup.head.find_all(True) if t.name != "style"))
    assert "cdnjs" not in document and "mathjax" not in document.lower() and "require.js" not in document
    assert remote_references(document) == []


def test_a_content_security_policy_forbids_scripts_and_remote_loads(soup):
    policy = soup.select_one('meta[http-equiv="Content-Security-Policy"]')["content"]
    assert "default-src 'none'" in policy and "img-src data:" in policy and "script-src" not in policy


def test_links_to_guidance_are_plain_https_links(framework):
    soup = parse(handout.to_html(framework, NOW))
    external = [a for a in soup.select("a") if not a["href"].startswith("#")]
    assert external
    assert all(
        a["href"].startswith("https://") and not a.get("target") and set(a.attrs) <= {"href", "class"} for a in external
    )


def test_print_styles_break_pages_before_each_pillar_and_never_clip_tables(soup):
    css = soup.select_one("style").string
    assert re.search(r"\.celltag_pk-pillar[^{]*\{[^}]*break-before: page", css)
    assert "@page" in css and "margin:" in css.split("@page", 1)[1][:200]
    assert "table-layout: fixed" in css and "overflow-wrap: anywhere" in css
    assert "thead { display: table-header-group; }" in css
    assert "font-face" not in css


def test_remote_references_are_found_in_markup_and_style_sheets_but_not_in_text():
    found = remote_references(
        '<img src="http://evil/x.png"><style>@import url(https://x/y.css);</style><script>1</script>'
        '<p style="background: url(//evil/x)" onclick="x()">t</p><a href="javascript:alert(1)">x</a><link href="x.css">'
    )
    assert found == [
        "<img src='http://evil/x.png'>",
        "@import",
        "url(h",
        "<script>",
        "url(/",
        "<p onclick=...>",
        "<a href='javascript:alert(1)'>",
        "<link>",
        "<link href='x.css'>",
    ]
    harmless = '<p>@import url(http://x) &lt;script&gt;</p><a href="https://x">x</a><img alt=\'"&gt;&lt;img src=x\' src="data:image/png;base64,AA">'
    assert remote_references(harmless) == []


def test_a_document_that_would_fetch_something_is_refused(review, monkeypatch):
    notebook = handout.build_notebook(review, NOW)
    notebook.cells[0].outputs[0].data["text/html"] += '<img src="https://cdn.example.org/x.png">'
    with pytest.raises(ExportError, match="would fetch"):
        handout.notebook_to_html(notebook)


def test_question_golden(review):
    """One question's block, as the reader gets it: tests/data/handout/backup-question.html."""
    facts = handout.Facts.of(review, NOW)
    block = str(sections.question_block(facts, ALIAS, review.lenses[ALIAS].question("backup")))
    actual = block.replace("><", ">\n<") + "\n"
    assert actual == golden("backup-question.html", actual)


def test_one_chart_figure_is_reused_and_an_identical_chart_is_not_drawn_again(review, framework):
    notebook.CHARTS._pngs.clear()
    handout.to_html(review, NOW)
    chart = notebook.CHARTS._chart
    figure, renders = chart.figure, chart.renders
    handout.to_html(review, NOW)
    assert chart.renders == renders  # same counts, same PNG, nothing drawn
    handout.to_html(framework, NOW)
    assert notebook.CHARTS._chart is chart and chart.figure is figure and chart.renders == renders + 1

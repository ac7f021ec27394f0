"""The portfolio: counts exactly as an independent count of the same files says, the JSON contract, skipped files, reports."""

from __future__ import annotations

import json
import random
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from kit.core import lens as lenses
from kit.core import milestones, scoring, synthetic
from kit.core import portfolio as portfolios
from kit.core.errors import ReviewError
from kit.core.review import Answer, Review
from kit.core.vocabulary import HIGH, MEDIUM, NONE, RISKS, ChoiceStatus

SELECTED = ChoiceStatus.SELECTED
NOT_APPLICABLE = ChoiceStatus.NOT_APPLICABLE  # the choice status
RATED = (HIGH, MEDIUM, NONE)


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    """Forty synthetic reviews, some cut short, some with milestones, plus hand-made edge cases and two broken files."""
    root = tmp_path_factory.mktemp("portfolio")
    synthetic.write_portfolio(root / "demo", 40, seed=21, durable=False)
    nested = root / "demo" / "team-b"
    nested.mkdir()
    rng = random.Random(3)
    lens = lenses.bundled("wellarchitected")
    # Edge cases: a question marked not applicable with its choices ticked, choices set aside, "None of these".
    for index in range(6):
        review = Review([lens])
        review.workload.name = f"Edge {index}"
        review.workload.industry = "" if index % 2 else "Retail"
        review.workload.review_date = f"202{index % 3 + 3}-05-0{index + 1}"
        for question in list(lens.questions())[: 20 + index]:
            for choice in question.practices:
                roll = rng.random()
                if roll < 0.5:
                    review.set_choice("wellarchitected", question.id, choice.id)
                elif roll < 0.6:
                    review.set_choice_reason("wellarchitected", question.id, choice.id, "OTHER")
            if rng.random() < 0.05 and question.none_of_these:
                review.set_choice("wellarchitected", question.id, question.none_of_these.id)
            if rng.random() < 0.05:
                review.set_applicable("wellarchitected", question.id, False, "OUT_OF_SCOPE")
        if index % 2:
            review.save_milestone("Q1", "2024-01-01")
            review.set_choice("wellarchitected", "planning-for-recovery", "rel_planning_for_recovery_dr_tested")
        review.save(nested / f"edge-{index}.json")
    (root / "demo" / "broken.json").write_text('{"format": "pillarkit-review", "version": 1', encoding="utf-8")
    (root / "demo" / "lens.json").write_text(json.dumps(lens.document), encoding="utf-8")
    (root / "demo" / ".autosave.tmp.json").write_text("{", encoding="utf-8")  # hidden: passed over
    return root / "demo"


def independent_count(paths, milestone: str | None = None) -> dict:
    """The JSON shape, counted the plain way: Review.load, score each review, add up."""
    reviews = 0
    skipped = []
    lenses_seen: dict = {}
    for path in paths:
        try:
            review = Review.load(path)
        except Exception:
            skipped.append(str(path))
            continue
        if milestone is None:
            risks = {alias: s.questions for alias, s in scoring.score(review).lenses.items()}
            answers = review.answers
        else:
            chosen = [m for m in review.milestones if milestone == "latest" or m.name == milestone]
            if not chosen:
                skipped.append(str(path))
                continue
            picked = chosen[-1]
            risks = milestones.milestone_risks(review, picked)
            answers = {
                alias: {qid: Answer.from_api(a, "t", []) for qid, a in picked.answers.get(alias, {}).items()}
                for alias in review.lenses
            }
        reviews += 1
        for alias, lens in review.lenses.items():
            entry = lenses_seen.setdefault(alias, {"reviews": 0, "questions": {}, "choices": {}})
            entry["reviews"] += 1
            for question in lens.questions():
                risk = risks[alias][question.id]
                counts = entry["questions"].setdefault(question.id, dict.fromkeys(RISKS, 0))
                counts[risk] += 1
                choices = entry["choices"].setdefault(
                    question.id, {c.id: {"SELECTED": 0, "NOT_APPLICABLE": 0, "UNSELECTED": 0} for c in question.choices}
                )
                if risk not in RATED:
                    continue
                answer = answers.get(alias, {}).get(question.id)
                for choice in question.choices:
                    status = answer.status(choice.id) if answer else "UNSELECTED"
                    choices[choice.id][status] += 1
    return {"reviews": reviews, "skipped": sorted(skipped), "lenses": lenses_seen}


def files(folder: Path) -> list[Path]:
    return list(portfolios.review_files([folder]))


def test_counts_are_exactly_an_independent_count(folder):
    result = portfolios.read([folder]).to_json()
    expected = independent_count(files(folder))
    assert result["reviews"] == expected["reviews"] == 46
    assert sorted(s["file"] for s in result["skipped"]) == expected["skipped"]
    assert result["lenses"] == expected["lenses"]


@pytest.mark.parametrize("milestone", ["latest", "Baseline", "Q1"])
def test_milestone_counts_are_exactly_an_independent_count(folder, milestone):
    portfolio = portfolios.read([folder], milestone=milestone)
    expected = independent_count(files(folder), milestone)
    assert portfolio.to_json()["lenses"] == expected["lenses"]
    assert len(portfolio) == expected["reviews"] > 0
    wording = "has no milestone" if milestone == "latest" else f"has no milestone named {milestone!r}"
    assert sum(s.error == f"milestones: {wording}" for s in portfolio.skipped) == len(expected["skipped"]) - 2


def test_the_json_contract_has_exactly_its_shape(folder):
    result = json.loads(json.dumps(portfolios.read([folder]).to_json()))
    assert list(result) == ["reviews", "skipped", "lenses"]
    for item in result["skipped"]:
        assert list(item) == ["file", "error"] and isinstance(item["error"], str)
    framework = result["lenses"]["wellarchitected"]
    assert list(framework) == ["reviews", "questions", "choices"]
    lens = lenses.bundled("wellarchitected")
    assert list(framework["questions"]) == [q.id for q in lens.questions()]
    for question in lens.questions():
        counts = framework["questions"][question.id]
        assert list(counts) == ["UNANSWERED", "HIGH", "MEDIUM", "NONE", "NOT_APPLICABLE"]
        assert sum(counts.values()) == framework["reviews"]
        rated = counts["HIGH"] + counts["MEDIUM"] + counts["NONE"]
        assert list(framework["choices"][question.id]) == list(question.choice_ids)
        for choice in framework["choices"][question.id].values():
            assert list(choice) == ["SELECTED", "NOT_APPLICABLE", "UNSELECTED"]
            assert sum(choice.values()) == rated


def test_a_file_that_cannot_be_read_is_skipped_with_one_line_and_the_rest_are_analysed(folder):
    portfolio = portfolios.read([folder, folder / "missing.json"])
    lines = {Path(s.file).name: s.line for s in portfolio.skipped}
    assert set(lines) == {"broken.json", "lens.json", "missing.json"}
    for name in lines:
        with pytest.raises(ReviewError) as loaded:
            Review.load(folder / name)
        assert lines[name] == str(loaded.value)  # the very line Review.load gives
    assert lines["broken.json"].endswith(": version, line 1, column 44: invalid JSON: Expecting ',' delimiter")
    assert lines["lens.json"].endswith('format: not a pillarkit review (expected "format": "pillarkit-review")')
    assert lines["missing.json"] == f"{folder / 'missing.json'}: no such file"
    assert all("\n" not in line for line in lines.values())
    assert len(portfolio) == 46


def test_reports_agree_with_the_tidy_table(folder):
    portfolio = portfolios.read([folder])
    table = portfolio.table()
    lens = lenses.bundled("wellarchitected")
    assert len(table) == len(portfolio) * sum(len(q.choices) for q in lens.questions())
    assert list(table.columns) == list(portfolios.TABLE_COLUMNS)
    one_per_question = table.drop_duplicates(["review", "question"])
    by_table = one_per_question.groupby("question", observed=True)["question_risk"].value_counts().unstack(fill_value=0)
    report = portfolios.question_report(portfolio).set_index("question")
    for risk in RISKS:
        assert (by_table[risk].reindex(report.index) == report[risk]).all()
    rated = table[table["question_risk"].isin(RATED)]
    adoption = rated.groupby("choice", observed=True)["status"].apply(lambda s: (s == SELECTED).mean())
    practices = portfolios.practice_report(portfolio).set_index("choice")
    assert adoption.reindex(practices.index).round(12).equals(practices["adoption"].round(12))
    assert set(table["status"].unique()) <= {"SELECTED", "NOT_APPLICABLE", "UNSELECTED"}
    assert (table.loc[table["status"] == NOT_APPLICABLE, "reason"] != "").any()


def test_over_time_is_exactly_milestones_compare_per_review(folder):
    portfolio = portfolios.read([folder])
    expected: dict = defaultdict(Counter)
    compared = 0
    for path in files(folder):
        try:
            review = Review.load(path)
        except Exception:
            continue
        diff = milestones.compare(review)
        if diff is None:
            continue
        compared += 1
        for change in diff.changes:
            expected[change.question.id][change.kind] += 1
    report = portfolios.over_time_report(portfolio).set_index("question")
    assert (report["compared"] == compared).all() and compared > 5
    for qid, row in report.iterrows():
        for kind in milestones.KINDS:
            assert row[kind] == expected[qid][kind], (qid, kind)


def test_pillars_themes_and_facets_add_up(folder):
    portfolio = portfolios.read([folder])
    questions = portfolios.question_report(portfolio)
    pillars = portfolios.pillar_report(portfolio)
    assert pillars[list(RISKS)].sum().sum() == questions[list(RISKS)].sum().sum() == len(portfolio) * 57
    themes = portfolios.theme_report(portfolio)
    assert list(themes["theme"]) == ["build", "run", "secure"]
    assert themes[list(RISKS)].sum().sum() == pillars[list(RISKS)].sum().sum()
    by_year = portfolios.by_facet(portfolio, "year", "pillars")
    assert by_year.groupby("pillar", sort=False)[HIGH].sum().tolist() == pillars[HIGH].tolist()
    by_industry = portfolios.by_facet(portfolio, "industry", "pillars")
    assert portfolios.NOT_GIVEN in set(by_industry["value"])  # the edge reviews without an industry


def test_filters_keep_what_matches(folder):
    import datetime as dt

    portfolio = portfolios.read([folder])
    retail = portfolio.filter(industry=["Retail"])
    assert set(retail.facets["industry"]) == {"Retail"} and 0 < len(retail) < len(portfolio)
    assert retail.lenses["wellarchitected"].reviews == len(retail)
    recent = portfolio.filter(since=dt.date(2025, 1, 1))
    assert all(d >= dt.date(2025, 1, 1) for d in recent.facets["date"])
    assert recent.to_json()["lenses"]["wellarchitected"]["reviews"] == len(recent)
    with pytest.raises(Exception, match="no lens 'nope'"):
        portfolio.filter(lens="nope")


def test_field_report_puts_each_2020_figure_beside_this_portfolio(folder):
    portfolio = portfolios.read([folder])
    field = portfolios.field_report(portfolio).set_index("figure")
    questions = portfolios.question_report(portfolio).set_index("question")
    assert field.loc["dr-high", "field"] == 0.79
    assert field.loc["dr-high", "portfolio"] == pytest.approx(questions.loc["planning-for-recovery", "high"])
    assert field.loc["dr-high", "confidence"] == "high"
    assert (
        field.loc["incident-tooling", "portfolio"] is None
        or field.loc["incident-tooling", "portfolio"] != field.loc["incident-tooling", "portfolio"]
    )
    assert set(field["confidence"]) == {"high", "medium", "low"}


def test_the_demo_is_synthetic_and_follows_the_2020_figures():
    portfolio = portfolios.demo(150, 2020)
    assert portfolio.all_synthetic and len(portfolio) == 150
    field = portfolios.field_report(portfolio)
    # A practice two 2020 figures map onto (people and programs, asked apart in 2018) can follow only one of them.
    single = ~field.duplicated(["question", "choice", "measure"], keep=False)
    practices = field[(field["measure"] == "choice_selected") & (field["confidence"] == "high") & single]
    assert (practices["difference"].abs() < 0.12).all(), practices[["figure", "field", "portfolio"]]
    best = portfolios.best_rated(portfolio, 3)["code"].tolist()
    assert "OPS01" in best  # the talk's best-rated question


def test_anonymised_copies_keep_the_counts_and_drop_the_names(folder):
    portfolio = portfolios.read([folder])
    shared = portfolio.anonymised(key="k")
    assert shared.to_json()["lenses"] == portfolio.to_json()["lenses"]
    assert all(w.startswith("workload-") for w in shared.facets["workload"])
    assert shared.facets["workload"] == portfolio.anonymised(key="k").facets["workload"]  # stable
    assert shared.facets["workload"] != portfolio.anonymised(key="other").facets["workload"]
    assert portfolio.anonymised().facets["workload"] == portfolios.read([folder]).anonymised().facets["workload"]
    assert all(s.file.startswith("skipped-file-") for s in shared.skipped)


def test_a_file_with_a_key_twice_is_skipped_with_review_load_s_line(tmp_path):
    """msgspec would keep the last of two equal keys; the portfolio skips the file as every other command refuses it."""
    document = synthetic.review_document(0, 5)
    text = json.dumps(document, indent=2)
    qid = next(iter(document["answers"]["wellarchitected"]))
    marker = f'"{qid}": {{\n'
    assert text.count(marker) == 1
    (tmp_path / "fine.json").write_text(text, encoding="utf-8")
    (tmp_path / "twice.json").write_text(text.replace(marker, marker + '"IsApplicable" : false,\n'), encoding="utf-8")
    portfolio = portfolios.read([tmp_path])
    assert len(portfolio) == 1 and portfolio.reviews["file"].tolist() == [str(tmp_path / "fine.json")]
    [skipped] = portfolio.skipped
    with pytest.raises(ReviewError) as loaded:
        Review.load(tmp_path / "twice.json")
    assert skipped.line == str(loaded.value)
    assert skipped.line.startswith(f"{tmp_path / 'twice.json'}: answers.wellarchitected.{qid}.IsApplicable, line ")
    assert skipped.line.endswith(": the key 'IsApplicable' appears twice in this object")
    assert portfolio.to_json()["skipped"] == [{"file": skipped.file, "error": skipped.error}]

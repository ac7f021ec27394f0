"""Build the bundled lenses from their reviewable sources.

Each bank has a folder under ``frameworks/source/``: ``facts.csv`` holds the facts (ids,
titles, risk levels, links), and ``*.toml`` hold our own texts. This script joins them
into the custom lens JSON the kit loads. ``tests/functional/test_banks.py`` rebuilds every
lens and compares it with the shipped file, so the two never drift apart.

    python tools/build_banks.py          # rewrite frameworks/*.json
    python tools/build_banks.py --check  # exit 1 if a shipped lens differs from its source
"""

from __future__ import annotations

import csv
import json
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FRAMEWORKS = ROOT / "frameworks"  # the banks and their sources
SOURCE = FRAMEWORKS / "source"

NONE_OF_THESE_TITLE = "None of these"
NONE_OF_THESE_HELP = "Tick this when the team follows none of the practices above; it scores the question as high risk."
PILLAR_PREFIX = {
    "operationalExcellence": "ops",
    "security": "sec",
    "reliability": "rel",
    "performance": "perf",
    "costOptimization": "cost",
    "sustainability": "sus",
}


@dataclass(frozen=True)
class Bank:
    alias: str
    name: str
    description: str
    edition: str
    home_url: str
    #: How a practice's level in facts.csv maps onto the risk when it is missing.
    level_column: str
    level_to_risk: dict
    code_column: str | None
    none_id: callable


BANKS = (
    Bank(
        alias="wellarchitected",
        name="AWS Well-Architected Framework",
        description=(
            "The six pillars of the AWS Well-Architected Framework (edition of 6 November 2024), with the WA Tool's "
            "own ids. A question is high risk when a high-risk practice is missing or none is followed, medium risk "
            "when any other practice is missing. Texts are pillarkit's own; each practice links to its official page."
        ),
        edition="2024-11-06",
        home_url="https://docs.aws.amazon.com/wellarchitected/latest/framework/welcome.html",
        level_column="risk_if_missing",
        level_to_risk={"HIGH": "HIGH", "MEDIUM": "MEDIUM", "LOW": "MEDIUM"},
        code_column="bp_code",
        none_id=lambda row: f"{PILLAR_PREFIX[row['pillar_id']]}_{row['question_id'].replace('-', '_')}_no",
    ),
    Bank(
        alias="serverless",
        name="Serverless Applications Lens",
        description=(
            "The AWS Serverless Applications Lens (edition of 14 July 2022): nine questions for workloads built on "
            "functions, events and managed services. A missing Required practice is high risk; a missing Good or Best "
            "practice is medium risk. The ids are pillarkit's own, since the WA Tool's are not public."
        ),
        edition="2022-07-14",
        home_url="https://docs.aws.amazon.com/wellarchitected/latest/serverless-applications-lens/welcome.html",
        level_column="label",
        level_to_risk={"Required": "HIGH", "Good": "MEDIUM", "Best": "MEDIUM"},
        code_column=None,
        none_id=lambda row: f"{row['question_id']}_no",
    ),
)


class SourceError(Exception):
    pass


def _texts(folder: Path) -> dict:
    merged: dict = {"pillars": {}, "questions": {}, "practices": {}}
    for path in sorted(folder.glob("*.toml")):
        with path.open("rb") as handle:
            data = tomllib.load(handle)
        for table, entries in data.items():
            for key, value in entries.items():
                if key in merged[table]:
                    raise SourceError(f"{path}: [{table}.{key}] is also written in another file")
                merged[table][key] = value
    return merged


def _text(texts: dict, table: str, key: str, field: str, folder: Path) -> str:
    try:
        return texts[table][key][field]
    except KeyError:
        raise SourceError(f"{folder}: no {field!r} for [{table}.{key}]") from None


def build(bank: Bank) -> dict:
    """The lens document for a bank, built from its source folder."""
    folder = SOURCE / bank.alias
    with (folder / "facts.csv").open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    texts = _texts(folder)
    pillars: list[dict] = []
    questions: dict[str, dict] = {}
    levels: dict[str, list[tuple[str, str]]] = {}
    title_column = "bp_title" if "bp_title" in rows[0] else "choice_title"
    for row in rows:
        if not pillars or pillars[-1]["id"] != row["pillar_id"]:
            pillars.append(
                {
                    "id": row["pillar_id"],
                    "name": row.get("pillar_name") or _pillar_name(row["pillar_id"]),
                    "questions": [],
                    "pillarkit": {"description": _text(texts, "pillars", row["pillar_id"], "description", folder)},
                }
            )
        qid = row["question_id"]
        if qid not in questions:
            questions[qid] = {
                "id": qid,
                "title": row["question_title"],
                "description": _text(texts, "questions", qid, "description", folder),
                "choices": [],
                "riskRules": [],
                "pillarkit": {"code": row["question_code"], "none_of_these": bank.none_id(row)},
            }
            levels[qid] = []
            pillars[-1]["questions"].append(questions[qid])
        cid = row["choice_id"]
        risk = bank.level_to_risk[row[bank.level_column]]
        extension = {"risk": risk, "level": row[bank.level_column]}
        if bank.code_column:
            extension = {"code": row[bank.code_column], **extension}
        questions[qid]["choices"].append(
            {
                "id": cid,
                "title": row[title_column],
                "helpfulResource": {
                    "displayText": _text(texts, "practices", cid, "helpful", folder),
                    "url": row["docs_url"],
                },
                "improvementPlan": {
                    "displayText": _text(texts, "practices", cid, "improvement", folder),
                    "url": row["docs_url"],
                },
                "pillarkit": extension,
            }
        )
        levels[qid].append((cid, risk))
    for qid, question in questions.items():
        none_id = question["pillarkit"].pop("none_of_these")
        question["choices"].append(
            {"id": none_id, "title": NONE_OF_THESE_TITLE, "helpfulResource": {"displayText": NONE_OF_THESE_HELP}}
        )
        question["riskRules"] = risk_rules(none_id, levels[qid])
    _check_no_stray_texts(texts, pillars, questions, folder)
    return {
        "schemaVersion": "2021-11-01",
        "name": bank.name,
        "description": bank.description,
        "pillars": pillars,
        "pillarkit": {"alias": bank.alias, "edition": bank.edition, "url": bank.home_url},
    }


def risk_rules(none_id: str, practices: list[tuple[str, str]]) -> list[dict]:
    """Rules from risk levels: HIGH if "None of these" or a high-risk practice is unticked, else MEDIUM if any other is.

    ``none_id`` also closes the MEDIUM rule: it is never ticked there (HIGH would have fired).
    Under the WA Tool's rule a practice marked not applicable satisfies no ``||`` anyway, so it
    changes no score; it stays so that the built files and the hashes reviews keep of them do
    not change. A question with a single practice gets no MEDIUM rule: leaving its only
    practice out is "None of these".
    """
    high = [cid for cid, risk in practices if risk == "HIGH"]
    medium = [cid for cid, risk in practices if risk == "MEDIUM"]
    rules = [{"condition": " || ".join([none_id] + [f"!{cid}" for cid in high]), "risk": "HIGH_RISK"}]
    if medium and len(practices) > 1:
        rules.append({"condition": " || ".join([f"!{cid}" for cid in medium] + [none_id]), "risk": "MEDIUM_RISK"})
    rules.append({"condition": "default", "risk": "NO_RISK"})
    return rules


def _pillar_name(pillar_id: str) -> str:
    return {
        "operationalExcellence": "Operational Excellence",
        "security": "Security",
        "reliability": "Reliability",
        "performance": "Performance Efficiency",
        "costOptimization": "Cost Optimization",
        "sustainability": "Sustainability",
    }[pillar_id]


def _check_no_stray_texts(texts: dict, pillars: list, questions: dict, folder: Path) -> None:
    known = {
        "pillars": {p["id"] for p in pillars},
        "questions": set(questions),
        "practices": {c["id"] for q in questions.values() for c in q["choices"]},
    }
    for table, entries in texts.items():
        stray = sorted(set(entries) - known[table])
        if stray:
            raise SourceError(f"{folder}: [{table}] has texts for ids facts.csv does not have: {', '.join(stray)}")


def render(document: dict) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def main(argv: list[str]) -> int:
    check = "--check" in argv
    stale = []
    for bank in BANKS:
        target = FRAMEWORKS / f"{bank.alias}.json"
        try:
            text = render(build(bank))
        except SourceError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        if check:
            if not target.exists() or target.read_text(encoding="utf-8") != text:
                stale.append(target.name)
        else:
            target.write_text(text, encoding="utf-8")
            print(f"wrote {target.relative_to(FRAMEWORKS.parent)}")
    if stale:
        print(
            f"out of date with frameworks/source: {', '.join(stale)} (run python tools/build_banks.py)", file=sys.stderr
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

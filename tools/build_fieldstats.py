"""Build the bundled field statistics from their reviewable source.

``frameworks/source/fieldstats/reviews-2020.csv`` holds what about 150 Well-Architected
reviews, run up to January 2020, found: one row per published figure, each tied to the
2018 question it was measured on and to the current question and practice it maps to.
This script turns it into ``frameworks/fieldstats/reviews-2020.json``, which
``kit.core.fieldstats`` loads. The tests rebuild it and compare, so the two never drift apart.

    python tools/build_fieldstats.py          # rewrite the JSON
    python tools/build_fieldstats.py --check  # exit 1 if the JSON differs from the CSV
"""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FRAMEWORKS = ROOT / "frameworks"  # the banks and their sources
SOURCE = FRAMEWORKS / "source" / "fieldstats" / "reviews-2020.csv"
TARGET = FRAMEWORKS / "fieldstats" / "reviews-2020.json"

COLUMNS = (
    "stat_id",
    "source",
    "legacy_question",
    "legacy_title",
    "question_code",
    "question_id",
    "bp_code",
    "choice_id",
    "measure",
    "percent",
    "mapping_confidence",
    "topic",
)
MEASURES = (
    "question_no_risk",
    "question_high_risk",
    "question_high_or_medium",
    "question_rank_best",
    "choice_selected",
    "none_of_these",
    "legacy_choice_selected",
)
# The talk ranked one question first without giving a share; every other measure is a share.
MEASURES_WITHOUT_PERCENT = ("question_rank_best",)
CONFIDENCES = ("high", "medium", "low")

METADATA = {
    "talk": {
        "title": "Lessons Learned from Reviewing 150 Infrastructures",
        "speaker": "Jon Topper",
        "event": "QCon London 2020",
        "url": "https://qconlondon.com/london2020/presentation/lessons-learned-through-reviewing-150-unique-aws-workloads",
    },
    "blog": {
        "title": "Using AWS? This is probably why you're getting it wrong",
        "author": "Jon Topper",
        "affiliation": "The Scale Factory",
        "publisher": "CTO Craft",
        "url": "https://ctocraft.com/blog/using-aws-this-is-probably-why-youre-getting-it-wrong/",
        "note": "It speaks of over 250 reviewed infrastructures, more than the talk's 150.",
    },
    "reviews": "about 150",
    "period": "up to January 2020",
    "framework_edition": "2018",
    "mapping_note": (
        "The reviews used the 2018 edition of the framework. pillarkit mapped each figure to the question and "
        "practice of the 2024 edition that covers it, and gives the confidence of that mapping (high, medium or "
        "low); figures below high confidence are shown with their 2018 wording."
    ),
}


class SourceError(Exception):
    pass


def _optional(value: str) -> str | None:
    return value or None


def _figure(row: dict, line: int) -> dict:
    where = f"{SOURCE.name}, line {line} ({row['stat_id'] or 'no id'})"
    if row["measure"] not in MEASURES:
        raise SourceError(f"{where}: unknown measure {row['measure']!r}")
    if row["mapping_confidence"] not in CONFIDENCES:
        raise SourceError(f"{where}: unknown mapping_confidence {row['mapping_confidence']!r}")
    if row["source"] not in METADATA:
        raise SourceError(f"{where}: unknown source {row['source']!r}")
    if row["percent"]:
        try:
            percent = int(row["percent"])
        except ValueError:
            raise SourceError(f"{where}: percent {row['percent']!r} is not a whole number") from None
        if not 0 <= percent <= 100:
            raise SourceError(f"{where}: percent {percent} is outside 0..100")
    elif row["measure"] in MEASURES_WITHOUT_PERCENT:
        percent = None
    else:
        raise SourceError(f"{where}: {row['measure']} needs a percent")
    if row["measure"] == "choice_selected" and not (row["question_id"] and row["choice_id"]):
        raise SourceError(f"{where}: choice_selected needs a question_id and a choice_id")
    if (row["measure"].startswith("question_") or row["measure"] == "none_of_these") and not row["question_id"]:
        raise SourceError(f"{where}: {row['measure']} needs a question_id")
    return {
        "id": row["stat_id"],
        "source": row["source"],
        "legacy_question": row["legacy_question"],
        "legacy_title": row["legacy_title"],
        # Two legacy figures have no current question at all, so their code is as absent as their id.
        "question_code": _optional(row["question_code"]),
        "question_id": _optional(row["question_id"]),
        "bp_code": _optional(row["bp_code"]),
        "choice_id": _optional(row["choice_id"]),
        "measure": row["measure"],
        "percent": percent,
        "confidence": row["mapping_confidence"],
        "topic": row["topic"],
    }


def build(source: Path = SOURCE) -> dict:
    """The field statistics document, built from the CSV."""
    with source.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        if tuple(reader.fieldnames or ()) != COLUMNS:
            raise SourceError(f"{source.name}: expected the columns {', '.join(COLUMNS)}")
        # Line numbers count the header, as an editor shows them.
        figures = [_figure(row, line) for line, row in enumerate(reader, start=2)]
    seen: set[str] = set()
    for figure in figures:
        if figure["id"] in seen:
            raise SourceError(f"{source.name}: the id {figure['id']!r} is used twice")
        seen.add(figure["id"])
    return {"source": METADATA, "lens": "wellarchitected", "figures": figures}


def render(document: dict) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _shown(path: Path) -> str:
    try:
        return str(path.relative_to(FRAMEWORKS.parent))
    except ValueError:
        return str(path)


def main(argv: list[str]) -> int:
    try:
        text = render(build())
    except SourceError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if "--check" in argv:
        if not TARGET.exists() or TARGET.read_text(encoding="utf-8") != text:
            print(
                f"out of date with {_shown(SOURCE)}: {_shown(TARGET)} (run python tools/build_fieldstats.py)",
                file=sys.stderr,
            )
            return 1
        return 0
    TARGET.write_text(text, encoding="utf-8")
    print(f"wrote {_shown(TARGET)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

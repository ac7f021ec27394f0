"""Handout benchmarks: print the export time of a fully answered Framework review, assert nothing.

"Warm" is the median of repeated exports in one process, after a first export has loaded
nbconvert's templates and matplotlib; "cold" is that first export. The goal is under 2 s warm
for the HTML handout. PDF is printed once when Chromium is installed, since it starts a browser.

Run with `python -m benchmarks.bench_handout` (as `make bench` does).
"""

from __future__ import annotations

import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.bench_core import fully_answered as fully_answered_core
from kit.core.errors import ExportError
from kit.render import formats

GOAL_SECONDS = 2.0


def fully_answered():
    """The core benchmark's fully answered Framework review, with notes to escape, parked topics and a milestone."""
    review = fully_answered_core("wellarchitected")
    for index, question in enumerate(review.lenses["wellarchitected"].questions()):
        if index % 4 == 0:
            review.set_notes(
                "wellarchitected", question.id, "A note from the review, with <markup> & symbols to escape."
            )
    review.park("A follow-up", "Someone")
    review.save_milestone("Baseline")
    return review


def export_seconds(suffix: str = ".html", repeat: int = 7, review=None, variant: str = "") -> tuple[float, float]:
    """(cold, warm) seconds to export a fully answered Framework review to a file with this suffix (and
    variant, such as the backlog's CSV); warm is a median."""
    review = review or fully_answered()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"handout{suffix}"
        start = time.perf_counter()
        formats.export(review, path, variant=variant)
        cold = time.perf_counter() - start
        samples = []
        for _ in range(repeat):
            start = time.perf_counter()
            formats.export(review, path, variant=variant)
            samples.append(time.perf_counter() - start)
    return cold, statistics.median(samples)


def main() -> None:
    review = fully_answered()
    print(
        f"pillarkit handout benchmarks on {platform.node()} ({platform.python_implementation()} {platform.python_version()})"
    )
    print("fully answered Framework review (57 questions):")
    for name, export_format in formats.FORMATS.items():
        suffix = export_format.suffix
        if export_format.needs_chromium:
            try:
                export_format.ready()
            except ExportError as exc:
                print(f"  export {name:<12} skipped: {exc}")
            else:
                _, warm = export_seconds(suffix, repeat=1, review=review)
                print(f"  export {name:<12} {warm * 1000:8.1f} ms (starts Chromium)")
            continue
        cold, warm = export_seconds(suffix, review=review, variant=export_format.variant)
        goal = (
            f"   (goal under {GOAL_SECONDS:.0f} s warm: {'met' if warm < GOAL_SECONDS else 'MISSED'})"
            if suffix == ".html"
            else ""
        )
        print(f"  export {name:<12} warm {warm * 1000:8.1f} ms   cold {cold * 1000:8.1f} ms{goal}")


if __name__ == "__main__":
    sys.exit(main())

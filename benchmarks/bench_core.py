"""Core benchmarks: print figures, assert nothing. Run with `make bench`.

Figures are medians of repeated runs, because these machines are noisy.
"""

from __future__ import annotations

import platform
import statistics
import subprocess
import sys
import time
from importlib.resources import files

from kit.core import lens as lenses
from kit.core.errors import LensError
from kit.core.jsonio import read_json
from kit.core.review import new
from kit.core.scoring import improvement_list, score


def median_seconds(action, repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def largest_bundled() -> tuple[str, object]:
    sizes = {alias: files("kit.frameworks").joinpath(f"{alias}.json") for alias in lenses.bundled_aliases()}
    alias = max(sizes, key=lambda a: len(sizes[a].read_bytes()))
    return alias, sizes[alias]


def fully_answered(alias: str):
    review = new([alias], "Benchmark")
    for index, question in enumerate(review.lenses[alias].questions()):
        for position, choice in enumerate(question.practices):
            if (index + position) % 3:  # a realistic mix of HIGH, MEDIUM and NONE
                review.set_choice(alias, question.id, choice.id)
    return review


def import_time() -> float:
    def fresh(code: str) -> float:
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True)
        return time.perf_counter() - start

    bare = statistics.median(fresh("pass") for _ in range(7))
    with_kit = statistics.median(fresh("import kit") for _ in range(7))
    return max(with_kit - bare, 0.0)


def main() -> None:
    alias, resource = largest_bundled()
    path = str(resource)
    load = median_seconds(lambda: lenses.from_document(read_json(path, LensError), path, alias), 15)
    review = fully_answered(alias)
    counts = score(review).counts
    scoring = median_seconds(lambda: score(review), 50)
    plan = median_seconds(lambda: improvement_list(review), 50)
    imported = import_time()
    print(
        f"pillarkit core benchmarks on {platform.node()} ({platform.python_implementation()} {platform.python_version()})"
    )
    print(f"largest bundled lens: {alias} ({len(resource.read_bytes()) / 1024:.0f} KiB)")
    print(f"  load and validate:           {load * 1000:8.1f} ms")
    print(
        f"  score a fully answered review:{scoring * 1000:7.2f} ms   ({', '.join(f'{k} {v}' for k, v in counts.items())})"
    )
    print(f"  improvement list:            {plan * 1000:8.2f} ms")
    print(f"  import kit (fresh interpreter, above bare python): {imported * 1000:.0f} ms")


if __name__ == "__main__":
    main()

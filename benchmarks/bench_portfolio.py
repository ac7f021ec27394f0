"""Portfolio benchmark: analysing 10,000 fully answered Framework reviews against bare json.loads of the same files.

Run with ``make bench`` (``python -m benchmarks.bench_portfolio [COUNT]``). It writes COUNT
synthetic, fully answered reviews (about a third with a milestone) into a temporary folder,
then times, alternately and in the same run because these machines are noisy:

- **bare**: for each file, read its bytes and ``json.loads`` them;
- **analysis, cold**: ``kit.core.portfolio.read`` of the folder with no cache (find, read,
  check, score every review), then ``to_json`` and every report of
  :class:`kit.core.portfolio.Reports`;
- **analysis, cached**: the same with the cache (:mod:`kit.core.record_cache`) filled by an
  earlier reading, as a second run over a folder finds it: every file is still read and hashed.

It prints the medians (wall clock and CPU time) and their ratios (the goal is at most 2), how
many files the fast path handed to ``Review.from_dict`` and how many came from the cache, and
the peak memory of the cold analysis in fresh processes for a quarter, half and all of the
files, per review, to show it grows linearly. Figures only; nothing is asserted.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from kit.core import synthetic
from kit.core.jsonio import dumps

COUNT = 10_000
ROUNDS = 3
GOAL = 2.0
SEED = 7


def write_reviews(folder: Path, count: int) -> list[Path]:
    paths = []
    for index, document in enumerate(synthetic.documents(count, SEED, complete=True)):
        path = folder / f"review-{index:05d}.json"
        path.write_text(dumps(document), encoding="utf-8")
        paths.append(path)
    return paths


def bare(paths: list[Path]) -> int:
    loaded = 0
    for path in paths:
        with open(path, "rb") as handle:
            loaded += len(json.loads(handle.read()))
    return loaded


def analyse(folder: Path, cache: Path | bool = False):
    from kit.core import portfolio

    result = portfolio.read([folder], cache=cache)
    result.to_json()
    portfolio.Reports.of(result)
    return result


def timed(action) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    action()
    return time.perf_counter() - wall, time.process_time() - cpu


_MEMORY_PROBE = """
import sys, json
from pathlib import Path
import pandas, numpy
from kit.core import portfolio, lens
lens.bundled("wellarchitected")
def status(key):
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(key):
            return int(line.split()[1]) * 1024
before = status("VmRSS:")
files = sorted(Path(sys.argv[1]).glob("*.json"))[: int(sys.argv[2])]
result = portfolio.read(files, cache=False)
result.to_json()
portfolio.Reports.of(result)
print(json.dumps({"reviews": len(result), "growth": status("VmHWM:") - before}))
"""


def memory(folder: Path, count: int) -> dict:
    output = subprocess.run(
        [sys.executable, "-c", _MEMORY_PROBE, str(folder), str(count)], capture_output=True, text=True, check=True
    )
    return json.loads(output.stdout)


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else COUNT
    print(
        f"pillarkit portfolio benchmark on {platform.node()} ({platform.python_implementation()} {platform.python_version()}, "
        f"{os.cpu_count()} cores)"
    )
    folder = Path(tempfile.mkdtemp(prefix="pillarkit-portfolio-bench-"))
    try:
        start = time.perf_counter()
        paths = write_reviews(folder, count)
        size = sum(p.stat().st_size for p in paths)
        print(
            f"wrote {count} fully answered Framework reviews ({size / 2**20:.0f} MiB) in {time.perf_counter() - start:.0f} s"
        )
        # Warm both sides: imports, the bundled lens, the page cache.
        import pandas  # noqa: F401

        bare(paths)
        cache = folder.with_name(folder.name + "-cache")
        result = analyse(folder)
        print(f"  analysed {len(result)} reviews, {len(result.skipped)} skipped, {result.slow_reads} read the slow way")
        filling = time.perf_counter()
        filled = analyse(folder, cache)  # fills the cache, as a first run with it does
        filling = time.perf_counter() - filling
        samples: dict[str, list[tuple[float, float]]] = {"bare": [], "cold": [], "cached": []}
        for _ in range(ROUNDS):
            samples["bare"].append(timed(lambda: bare(paths)))
            samples["cold"].append(timed(lambda: analyse(folder)))
            samples["cached"].append(timed(lambda: analyse(folder, cache)))
        hits = analyse(folder, cache).cached_reads
        medians = {
            name: (statistics.median(s[0] for s in runs), statistics.median(s[1] for s in runs))
            for name, runs in samples.items()
        }
        bare_wall, bare_cpu = medians["bare"]
        print(
            f"  bare json.loads of every file:      {bare_wall:7.2f} s wall, {bare_cpu:7.2f} s CPU  (median of {ROUNDS})"
        )
        for name, label in (("cold", "read, score and aggregate, cold:"), ("cached", "the same from the cache:")):
            our_wall, our_cpu = medians[name]
            print(f"  {label:<35} {our_wall:7.2f} s wall, {our_cpu:7.2f} s CPU  (median of {ROUNDS})")
            print(
                f"    ratio to bare json.loads:         {our_wall / bare_wall:7.2f} wall, {our_cpu / bare_cpu:7.2f} CPU"
                f"   (goal: at most {GOAL:.1f})"
            )
        print(
            f"  from the cache: {hits} of {len(filled)} reviews (each file read and hashed, not parsed); "
            f"the reading that filled it took {filling:.2f} s wall"
        )
        print("  peak memory of the analysis, in a fresh process:")
        for part in (count // 4, count // 2, count):
            figures = memory(folder, part)
            growth = figures["growth"]
            print(
                f"    {figures['reviews']:6d} reviews: {growth / 2**20:7.1f} MiB, "
                f"{growth / max(figures['reviews'], 1) / 1024:6.1f} KiB per review"
            )
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        shutil.rmtree(folder.with_name(folder.name + "-cache"), ignore_errors=True)


if __name__ == "__main__":
    main()

"""The app in a real Chromium against Voila, as ratios to a bare notebook served the same way.

DESIGN.md section 7: both pages are served by one Voila with the project's voila.json in the
same run, because these machines are noisy; a figure alone means little, the ratio is the goal.
Prints figures; asserts nothing. Run with `make bench`.
"""

from __future__ import annotations

import statistics
import sys
import time

from tests.support.voila import (
    BARE_NOTEBOOK,
    chromium,
    kernel_pids,
    review_notebook,
    rss_mb,
    serve_folder,
    wait_for_kernels,
)

LOADS = 7  # page loads of each notebook, alternating
TICKS = 60  # ticks on each page, the two pages in turn
PAUSE = 0.35  # seconds between ticks: a person does not tick faster

APP_READY = ".pk-choice-1 input[type=checkbox]"
#: What Voila shows when a notebook's cell fails (an import error in a stale venv, say).
CELL_ERROR = ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']"
LOAD_TIMEOUT_MS = 120_000
BARE_READY = ".bare-box input[type=checkbox]"

# Resolves with the milliseconds from the click to the change it waits for.
TIMED_CLICK = """
([clickSelector, watchSelector, attribute]) => new Promise((resolve) => {
  const target = document.querySelector(watchSelector);
  const before = attribute ? target.getAttribute(attribute) : target.textContent;
  const observer = new MutationObserver(() => {
    const now = attribute ? target.getAttribute(attribute) : target.textContent;
    if (now !== before) { observer.disconnect(); resolve(performance.now() - start); }
  });
  observer.observe(target, {attributes: true, childList: true, characterData: true, subtree: true});
  const start = performance.now();
  document.querySelector(clickSelector).click();
})
"""


class PageFailed(RuntimeError):
    """The page showed an error, or never became usable: the figures would mean nothing."""


def wait_usable(page, ready: str) -> None:
    """Wait for ``ready``; stop at once, with the error's last line, if a cell failed instead."""
    where = page.url.split("?")[0]  # without the run's token
    try:
        page.locator(f"{ready}, {CELL_ERROR}").first.wait_for(state="visible", timeout=LOAD_TIMEOUT_MS)
    except Exception as exc:  # Playwright's TimeoutError
        raise PageFailed(f"{where} showed no {ready} within {LOAD_TIMEOUT_MS // 1000} s") from exc
    error = page.locator(CELL_ERROR)
    if error.count():
        lines = [line for line in error.first.inner_text().splitlines() if line.strip()]
        raise PageFailed(f"{where} failed: {lines[-1] if lines else 'a cell raised'}")


def load_time(browser, url: str, ready: str) -> float:
    page = browser.new_page()
    try:
        start = time.perf_counter()
        page.goto(url)
        wait_usable(page, ready)
        return time.perf_counter() - start
    finally:
        page.close(run_before_unload=True)


def open_usable(browser, url: str, ready: str):
    page = browser.new_page()
    page.goto(url)
    wait_usable(page, ready)
    page.wait_for_timeout(1500)  # let the first chart arrive
    return page


def tick(page, click: str, watch: str, attribute: str | None) -> float:
    sample = page.evaluate(TIMED_CLICK, [click, watch, attribute])
    page.wait_for_timeout(PAUSE * 1000)
    return sample


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, round(0.95 * len(ordered)) - 1)]


def main() -> int:
    notebooks = {"review.ipynb": review_notebook(), "bare.ipynb": BARE_NOTEBOOK}
    with serve_folder(notebooks) as served, chromium() as chrome:
        # One context for every page: closing a page's own context would drop the beacon
        # that asks Voila to shut its kernel down.
        browser = chrome.new_context()
        pool = len(notebooks)
        app_url, bare_url = served.page_url("review.ipynb"), served.page_url("bare.ipynb")
        app_loads, bare_loads = [], []
        for _ in range(LOADS):
            bare_loads.append(load_time(browser, bare_url, BARE_READY))
            wait_for_kernels(served.process.pid, pool)
            app_loads.append(load_time(browser, app_url, APP_READY))
            wait_for_kernels(served.process.pid, pool)
        # Both pages open at once and ticked in turn, so a busy moment of the machine falls on both.
        bare_page = open_usable(browser, bare_url, BARE_READY)
        app_page = open_usable(browser, app_url, APP_READY)
        bare_ticks, app_ticks = [], []
        for _ in range(TICKS):
            bare_ticks.append(tick(bare_page, BARE_READY, ".bare-label", None))
            app_ticks.append(tick(app_page, APP_READY, ".pk-risk-chart", "src"))
        kernels = kernel_pids(served.process.pid)
        rss = max(rss_mb(pid) for pid in kernels)
        bare_page.close(run_before_unload=True)
        app_page.close(run_before_unload=True)

    bare_load, app_load = statistics.median(bare_loads), statistics.median(app_loads)
    bare_median = statistics.median(bare_ticks)
    app_median, app_p95 = statistics.median(app_ticks), p95(app_ticks)
    rows = [
        (
            "first usable question",
            f"{app_load * 1000:.0f} ms",
            f"bare {bare_load * 1000:.0f} ms",
            app_load / bare_load,
            1.10,
        ),
        (
            "tick to redrawn chart, median",
            f"{app_median:.1f} ms",
            f"bare tick to label {bare_median:.1f} ms",
            app_median / bare_median,
            1.25,
        ),
        (
            "tick to redrawn chart, p95",
            f"{app_p95:.1f} ms",
            f"bare median {bare_median:.1f} ms",
            app_p95 / bare_median,
            2.0,
        ),
    ]
    print(f"app in Chromium against Voila: {LOADS} loads, {TICKS} ticks each")
    for name, app, bare, ratio, goal in rows:
        verdict = "meets" if ratio <= goal else "MISSES"
        print(f"  {name:<31} {app:>9}   {bare:<28} ratio {ratio:5.2f}  goal <= {goal:.2f}  {verdict}")
    verdict = "meets" if rss <= 150 else "MISSES"
    print(f"  {'app kernel memory (RSS)':<31} {rss:>6.0f} MB   {'':<28} goal <= 150 MB        {verdict}")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except PageFailed as exc:
        sys.exit(f"bench_browser: {exc}")

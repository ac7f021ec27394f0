"""The browser harness shared by the Voila tests and the Binder rehearsal.

A :class:`Target` says where the app is served (its page, its reviews folder, the server
process and how many kernels it runs with no page open). A :class:`BrowserSession` is one
Playwright context on a target: it opens app pages, keeps the network to this machine,
collects each page's console errors, and at the end closes every page the way a person
does (``run_before_unload=True``, so Voila's beacon shuts the page's kernel down) and
checks that no page's kernel is left running.
"""

from __future__ import annotations

import contextlib
import os
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.support.voila import kernel_pids, wait_for_kernels

#: The app is usable once the first practice's checkbox is on screen.
READY = ".pk-choice-1 input[type=checkbox]"
READY_TIMEOUT_MS = 120_000
#: Voila's template asks for Font Awesome there; this machine has no internet, so it gets empty CSS.
FONT_AWESOME = {"https://cdn.jsdelivr.net/": "text/css"}
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}
#: How long a closed page's kernel may take to be shut down (a beacon, then a kernel shutdown).
KERNEL_GONE_TIMEOUT = 60.0

_KERNEL_FILE = re.compile(rb"kernel-([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.json")


def unavailable(reason: str) -> None:
    """Skip for want of ``reason``; but fail under CI, where ``make test`` installed everything."""
    if os.environ.get("CI"):
        pytest.fail(
            f"{reason} (CI is set: make test installs it, so a skip would hide a broken install)", pytrace=False
        )
    pytest.skip(reason)


@dataclass(frozen=True)
class Target:
    """Where the app is served."""

    url: str  # the app's page
    reviews: Path  # where the app autosaves
    server_pid: int  # the process whose descendants are the kernels
    pool: int  # kernels running while no page is open (Voila's preheated pool; 0 for the server extension)
    label: str = ""
    #: URL prefix -> content type of the empty 200 response that stands in for a CDN this machine
    #: cannot reach, or None to fail the request as this machine's network would (expected, not blocked).
    stubs: dict = field(default_factory=lambda: dict(FONT_AWESOME))
    #: The server's log, read to say why a closed page's kernel is still running.
    log: Path | None = None
    #: A Jupyter server's base URL: after a failed kernel check, leftover kernels are stopped through
    #: its REST API, so that one failure does not spill into the next tests (their autosaves).
    api: str | None = None


def kernels_by_id(server_pid: int) -> dict[str, int]:
    """Kernel id -> pid of every kernel the server runs (read from the kernel's connection file name)."""
    found = {}
    for pid in kernel_pids(server_pid):
        try:
            command = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            continue
        match = _KERNEL_FILE.search(command)
        if match:
            found[match.group(1).decode()] = pid
    return found


def kernel_id(page) -> str:
    """The id of the kernel Voila gave this page (from the page's own configuration)."""
    return page.evaluate("() => JSON.parse(document.getElementById('jupyter-config-data').textContent).kernelId")


def wait_until_kernels_stopped(target: Target, ids: set[str], timeout: float = KERNEL_GONE_TIMEOUT) -> None:
    """Assert that the kernels ``ids`` stop and the server is back to exactly its pool.

    When the server logged that it refused a kernel's shutdown request (the beacon a page
    sends on beforeunload), that is said at once, with the log line, instead of waiting.
    """
    deadline = time.monotonic() + timeout
    while True:
        left = {kid: pid for kid, pid in kernels_by_id(target.server_pid).items() if kid in ids}
        if not left:
            break
        refused = refused_shutdowns(target, left)
        if refused or time.monotonic() > deadline:
            why = ("; the server refused their shutdown beacons:\n  " + "\n  ".join(refused)) if refused else ""
            raise AssertionError(f"the kernels of closed pages are still running ({len(left)}: {left}){why}")
        time.sleep(0.2)
    try:
        wait_for_kernels(target.server_pid, target.pool, timeout=timeout)
    except TimeoutError:
        running = kernels_by_id(target.server_pid)
        raise AssertionError(
            f"after closing every page the server runs {len(running)} kernels, expected exactly its pool of {target.pool}: {running}"
        ) from None


def refused_shutdowns(target: Target, ids) -> list[str]:
    """Log lines in which the server answered a kernel's shutdown request with an error (4xx or 5xx)."""
    if target.log is None:
        return []
    try:
        text = target.log.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return []
    return [
        line.strip()
        for line in text.splitlines()
        if "/api/shutdown/" in line and re.search(r"\] [45]\d\d POST", line) and any(kid in line for kid in ids)
    ]


class BrowserSession:
    """One browser context on a target, for one test."""

    def __init__(self, browser, target: Target):
        self.target = target
        self.context = browser.new_context(accept_downloads=True, viewport={"width": 1400, "height": 1000})
        self.pages: list = []
        self.kernel_ids: set[str] = set()
        self.stubbed: list[str] = []
        #: Requests to anywhere but this machine (and the stubbed fonts): aborted, and listed here.
        self.blocked: list[str] = []
        self._errors: dict[int, list[str]] = {}
        self.context.route("**/*", self._route)

    # --- network ----------------------------------------------------------------------

    def _route(self, route) -> None:
        url = route.request.url
        if url.startswith(("data:", "blob:")) or urlsplit(url).hostname in LOCAL_HOSTS:
            route.continue_()
        elif self._stubbed(url):
            self.stubbed.append(url)
            kind = self.target.stubs[self._stubbed(url)]
            if kind is None:
                route.abort()
            else:
                route.fulfill(status=200, content_type=kind, body="")
        else:
            self.blocked.append(url)
            route.abort()

    def _stubbed(self, url: str) -> str | None:
        """The stub prefix that ``url`` falls under, if any."""
        return next((prefix for prefix in self.target.stubs if url.startswith(prefix)), None)

    # --- pages ------------------------------------------------------------------------

    def console_errors(self, page) -> list[str]:
        """Console errors and uncaught exceptions of one page (the stubbed CDN requests aside)."""
        return self._errors.setdefault(id(page), [])

    def _on_console(self, page, message) -> None:
        if message.type != "error":
            return
        where = (message.location or {}).get("url", "") or ""
        if any(where.startswith(prefix) or prefix in message.text for prefix in self.target.stubs):
            return
        self.console_errors(page).append(f"console error: {message.text} ({where})")

    def new_page(self):
        page = self.context.new_page()
        self.pages.append(page)
        errors = self.console_errors(page)
        page.on("console", lambda message: self._on_console(page, message))
        page.on("pageerror", lambda error: errors.append(f"page error: {error}"))
        return page

    def open_app(self):
        """A new page on the app, once its first question can be ticked."""
        page = self.new_page()
        page.goto(self.target.url)
        self.wait_ready(page)
        return page

    def wait_ready(self, page) -> None:
        from playwright.sync_api import expect

        expect(page.locator(READY)).to_be_visible(timeout=READY_TIMEOUT_MS)
        self.kernel_ids.add(kernel_id(page))

    # --- the end ----------------------------------------------------------------------

    def close(self) -> None:
        """Close every page as a person does, check their kernels stopped, then close the context.

        The context is closed only after the kernels are gone: closing it earlier could drop
        the beforeunload beacon that asks Voila to shut a page's kernel down.
        """
        from playwright.sync_api import Error as PlaywrightError

        try:
            for page in self.pages:
                if page.is_closed():
                    continue
                with contextlib.suppress(PlaywrightError):  # a page that never loaded the app has no kernel id
                    self.kernel_ids.add(kernel_id(page))  # after a reload the page has a new kernel
                try:
                    page.close(run_before_unload=True)
                except PlaywrightError:
                    pass  # the test closed it already (closing with run_before_unload does not wait)
            try:
                wait_until_kernels_stopped(self.target, self.kernel_ids)
            except AssertionError:
                self._stop_leftover_kernels()
                raise
        finally:
            self.context.close()

    def _stop_leftover_kernels(self) -> None:
        """After a failed check: stop the pages' kernels through the Jupyter server's REST API (best effort)."""
        if self.target.api is None:
            return
        request = self.context.request
        request.get(self.target.api + "lab")  # a page Jupyter renders itself sets the _xsrf cookie
        xsrf = next((c["value"] for c in self.context.cookies() if c["name"] == "_xsrf"), "")
        for kid in kernels_by_id(self.target.server_pid):
            if kid in self.kernel_ids:
                request.delete(f"{self.target.api}api/kernels/{kid}", headers={"X-XSRFToken": xsrf})
        deadline = time.monotonic() + KERNEL_GONE_TIMEOUT
        while self.kernel_ids & kernels_by_id(self.target.server_pid).keys() and time.monotonic() < deadline:
            time.sleep(0.2)


def empty_reviews(target: Target) -> None:
    """Start a test with an empty reviews folder: no review, and no lease of a window still letting go."""
    for pattern in ("*.json", ".*.lease"):
        for stale in target.reviews.glob(pattern) if target.reviews.is_dir() else ():
            stale.unlink(missing_ok=True)

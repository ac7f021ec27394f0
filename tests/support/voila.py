"""Helpers for the browser tests and benchmarks: Voila on a free port, Debian's Chromium, kernels.

Not used by the app. They live in the package so ``tests/browser`` and ``benchmarks/`` share
one way to serve, drive and inspect the app. Playwright is imported only when a browser starts.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from subprocess import DEVNULL, Popen

from kit.render.pdf import OFFLINE_FLAGS
from kit.serve import APP_NOTEBOOK, launch, new_token, notebooks_folder, stop

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = list(OFFLINE_FLAGS)

#: A notebook as small as a widget page gets: one checkbox that updates one label.
BARE_NOTEBOOK = {
    "cells": [
        {
            "cell_type": "code",
            "execution_count": None,
            "id": "bare",
            "metadata": {},
            "outputs": [],
            "source": [
                "import ipywidgets as w\n",
                "box = w.Checkbox(description='tick')\n",
                "label = w.Label('False')\n",
                "label.add_class('bare-label')\n",
                "box.add_class('bare-box')\n",
                "box.observe(lambda change: setattr(label, 'value', str(change['new'])), 'value')\n",
                "w.VBox([box, label])",
            ],
        }
    ],
    "metadata": {"kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}},
    "nbformat": 4,
    "nbformat_minor": 5,
}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_http(url: str, timeout: float = 120) -> None:
    """Wait until ``url`` answers with anything but a server error (a 404 is an answer)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status < 500:
                    return
        except urllib.error.HTTPError as exc:
            if exc.code < 500:
                return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        if time.monotonic() > deadline:
            raise TimeoutError(f"{url} did not answer within {timeout} s")
        time.sleep(0.2)


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        tree.setdefault(parent, []).append(int(entry.name))
    return tree


def kernel_pids(server_pid: int) -> list[int]:
    """Kernels started by a server process (descendants running ipykernel)."""
    tree, found, stack = _children(), [], [server_pid]
    while stack:
        for child in tree.get(stack.pop(), []):
            stack.append(child)
            try:
                command = Path(f"/proc/{child}/cmdline").read_bytes()
            except OSError:
                continue
            if b"ipykernel" in command:
                found.append(child)
    return sorted(found)


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def wait_for_kernels(server_pid: int, count: int, timeout: float = 60) -> list[int]:
    """Wait until the server runs exactly ``count`` kernels (the preheated pool, say)."""
    deadline = time.monotonic() + timeout
    while True:
        pids = kernel_pids(server_pid)
        if len(pids) == count:
            return pids
        if time.monotonic() > deadline:
            raise TimeoutError(f"expected {count} kernels, found {len(pids)}")
        time.sleep(0.2)


@dataclass
class Served:
    url: str
    root: Path
    process: Popen
    #: The run's token (kit.voila_server): the first page carries it, then the browser has a cookie.
    token: str = ""

    def page_url(self, notebook: str) -> str:
        return f"{self.url}voila/render/{notebook}?token={self.token}"

    @property
    def reviews(self) -> Path:
        return self.root / "reviews"


@contextlib.contextmanager
def serve_folder(notebooks: dict[str, dict], env: dict | None = None, log: Path | None = None) -> Iterator[Served]:
    """Serve notebooks (name -> nbformat dict) from a fresh folder, with the project's voila.json.

    Every notebook is preheated, as ``make run`` does for the app; reviews go to
    ``<folder>/reviews``. The folder is removed afterwards.
    """
    root = Path(tempfile.mkdtemp(prefix="pillarkit-voila-"))
    try:
        shutil.copy(notebooks_folder() / "voila.json", root / "voila.json")
        for name, notebook in notebooks.items():
            (root / name).write_text(json.dumps(notebook), encoding="utf-8")
        port = free_port()
        environment = {**os.environ, **(env or {})}
        output = open(log, "ab") if log else DEVNULL  # noqa: SIM115 - closed below, after Voila stops
        try:
            token = new_token()
            process = launch(root, ".", port, environment, token=token, stdout=output, stderr=output)
            served = Served(f"http://127.0.0.1:{port}/", root, process, token)
            try:
                wait_for_http(served.url)
                wait_for_kernels(process.pid, len(notebooks))
                yield served
            finally:
                stop(process)
        finally:
            if log:
                output.close()
    finally:
        shutil.rmtree(root, ignore_errors=True)


#: Kernels `pillarkit serve` keeps ready with no page open (voila.json: preheat_kernel, default_pool_size).
APP_POOL = 1


@dataclass
class App:
    """The app as `pillarkit serve` runs it: its page, its reviews folder, and the `pillarkit` process."""

    url: str  # the page's address, with the run's token, as `pillarkit serve` prints it
    reviews: Path
    process: Popen
    #: The server's root address (no token): for requests that need no page.
    base: str = ""


@contextlib.contextmanager
def serve_app(
    reviews: Path, review: Path | None = None, env: dict | None = None, log: Path | None = None
) -> Iterator[App]:
    """``pillarkit serve [REVIEW] --port N --folder REVIEWS`` on a free port, until the block ends.

    The kernels are descendants of the returned process. Stopping it stops Voila, which shuts
    its kernels down.
    """
    port = free_port()
    command = [sys.executable, "-m", "kit.cli", "serve", "--port", str(port), "--folder", str(reviews)]
    if review is not None:
        command.insert(4, str(review))
    # A token of the test's own, so it knows the address `pillarkit serve` prints (kit.voila_server).
    token = new_token()
    output = open(log, "ab") if log else DEVNULL  # noqa: SIM115 - closed below, after the server stops
    try:
        environment = {**os.environ, **(env or {}), "PILLARKIT_TOKEN": token}
        process = Popen(command, env=environment, stdout=output, stderr=output)
        base = f"http://127.0.0.1:{port}/"
        app = App(f"{base}?token={token}", reviews, process, base)
        try:
            # Asked for something cheap: a request for the page itself would start a kernel for it.
            wait_for_http(f"{base}voila/static/", timeout=180)
            wait_for_kernels(process.pid, APP_POOL, timeout=180)
            yield app
        finally:
            stop(process, timeout=60)
    finally:
        if log:
            output.close()


def review_notebook() -> dict:
    return json.loads((notebooks_folder() / APP_NOTEBOOK).read_text(encoding="utf-8"))


@contextlib.contextmanager
def killable_chromium(browser_type, profile: Path):
    """A Chromium of its own, in its own process group, that a test can kill like a crash: (browser, process).

    ``browser_type`` is Playwright's ``chromium`` (of the running Playwright: only one may run at
    a time), which attaches over the DevTools protocol. Killing the process (SIGKILL) is what a
    crash, a closed laptop or a dropped network is to the server: the page sends nothing more.
    """
    port = free_port()
    process = Popen(
        [
            CHROMIUM,
            "--headless=new",
            f"--remote-debugging-port={port}",
            f"--user-data-dir={profile}",
            *CHROMIUM_ARGS,
            "about:blank",
        ],
        stdout=DEVNULL,
        stderr=DEVNULL,
        start_new_session=True,
    )
    try:
        endpoint = f"http://127.0.0.1:{port}"
        wait_for_http(f"{endpoint}/json/version", timeout=60)
        yield browser_type.connect_over_cdp(endpoint), process
    finally:
        kill_chromium(process)


def kill_chromium(process: Popen) -> None:
    """SIGKILL the whole Chromium (every process of its group), as a crash would."""
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()


@contextlib.contextmanager
def chromium(headless: bool = True):
    """Debian's Chromium driven by Playwright (its own browser download cannot work here)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=headless)
        try:
            yield browser
        finally:
            browser.close()

"""Helpers for the browser tests and benchmarks: Voila on a free port, Debian's Chromium, kernels.

Not used by the app. They live in the package so ``tests/browser`` and ``benchmarks/`` share
one way to serve, drive and inspect the app. Playwright is imported only when a browser starts.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
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
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status < 500:
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


def review_notebook() -> dict:
    return json.loads((notebooks_folder() / APP_NOTEBOOK).read_text(encoding="utf-8"))


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

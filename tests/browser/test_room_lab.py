"""The keyboard in JupyterLab: the same keys work once the app has the focus, and Lab's own shortcuts
never see them (its "1" would turn the selected cell into a heading); typing in a field only types.

JupyterLab runs from this environment on a free port with no token, in a folder holding a copy
of the shipped notebook; Chromium opens it, runs the cell with Shift+Enter and drives the app.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser import scenario
from tests.browser.harness import READY, READY_TIMEOUT_MS
from tests.support.voila import free_port, wait_for_http

pytestmark = [pytest.mark.browser, pytest.mark.slow]

NOTEBOOK = Path(__file__).resolve().parents[2] / "notebooks" / "review.ipynb"


@pytest.fixture
def lab(tmp_path):
    jupyter = Path(sys.executable).with_name("jupyter")
    if not (Path(sys.executable).parent / "jupyter-lab").exists():
        pytest.skip("JupyterLab is not installed (pip install 'pillarkit[lab]')")
    shutil.copy(NOTEBOOK, tmp_path / "review.ipynb")
    port = free_port()
    env = {
        **os.environ,
        "JUPYTER_CONFIG_DIR": str(tmp_path / ".jupyter"),
        "JUPYTER_DATA_DIR": str(tmp_path / ".data"),
        "JUPYTER_RUNTIME_DIR": str(tmp_path / ".runtime"),
        "PILLARKIT_FOLDER": str(tmp_path / "reviews"),
    }
    log = open(tmp_path / "lab.log", "wb")  # noqa: SIM115 - closed below, after the server stops
    server = subprocess.Popen(
        [
            str(jupyter),
            "lab",
            "--no-browser",
            f"--port={port}",
            "--ServerApp.ip=127.0.0.1",
            "--IdentityProvider.token=",
            "--ServerApp.password=",
            f"--ServerApp.root_dir={tmp_path}",
            "--allow-root",  # CI runs as root
            "--LabApp.news_url=",
            "--LabApp.extension_manager=readonly",
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        ],
        cwd=tmp_path,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        url = f"http://127.0.0.1:{port}/"
        wait_for_http(url + "api", timeout=180)
        yield url
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        log.close()


def test_keys_act_in_jupyterlab_when_the_app_has_the_focus_and_never_reach_labs_shortcuts(chrome, lab, tmp_path):
    context = chrome.new_context(viewport={"width": 1600, "height": 1000})
    context.route(
        "**/*",
        lambda route: (
            route.continue_() if route.request.url.startswith(("http://127.0.0.1", "data:", "blob:")) else route.abort()
        ),
    )
    page = context.new_page()
    try:
        page.goto(lab + "lab/tree/review.ipynb")
        cell = page.locator(".jp-CodeCell .cm-content").first
        expect(cell).to_be_visible(timeout=120_000)
        select = page.locator(".jp-Dialog").get_by_role("button", name="Select", exact=True)
        try:  # a fresh JupyterLab may ask which kernel to start
            select.click(timeout=10_000)
        except Exception:
            pass
        expect(page.get_by_text("Python 3 (ipykernel) | Idle")).to_be_visible(timeout=120_000)
        cell.click()
        page.keyboard.press("Control+Enter")  # run it, staying on the cell
        expect(page.locator(READY)).to_be_visible(timeout=READY_TIMEOUT_MS)
        cells = page.locator(".jp-Notebook .jp-Cell")
        count = cells.count()
        markdown = page.locator(".jp-Notebook .jp-MarkdownCell").count()

        # The app takes the keys once it has the focus (a click on it)...
        page.locator(".pk-question-title").click()
        page.keyboard.press("2")
        expect(scenario.box(page, 2)).to_be_checked()
        page.keyboard.press("n")
        scenario.expect_question(page, 2)
        page.keyboard.press("b")
        scenario.expect_question(page, 1)
        page.keyboard.press("1")
        expect(scenario.box(page, 1)).to_be_checked()
        # ...and JupyterLab never sees them: no cell became a heading, none was added or cut.
        assert cells.count() == count
        assert page.locator(".jp-Notebook .jp-MarkdownCell").count() == markdown

        # Typing in the notes types.
        page.locator(scenario.NOTES).click()
        page.keyboard.type("3 b n")
        expect(page.locator(scenario.NOTES)).to_have_value("3 b n")
        expect(scenario.box(page, 3)).not_to_be_checked()
        scenario.expect_question(page, 1)
        page.screenshot(path=tmp_path / "lab.png")
    finally:
        page.close()
        context.close()

"""Binder, rehearsed without Docker: the checkout as Binder builds it, then the same browser scenario.

What Binder does with this repository, step by step, in a temporary folder:

1. the repository's files (``git ls-files``: tracked files, plus files not yet committed and
   not ignored, so the rehearsal runs on what the next commit holds; a fresh clone in CI
   has none of the latter) are copied to a folder of their own;
2. a fresh virtualenv on the Python that ``binder/runtime.txt`` names installs
   ``binder/requirements.txt``, and ``binder/postBuild`` runs from the copy with that
   virtualenv first on PATH (it installs pillarkit itself, not editable);
3. ``jupyter server`` starts in the copy, so the Voila server extension reads the copy's
   ``voila.json``, and Chromium runs ``scenario.py`` against
   ``/voila/render/notebooks/review.ipynb``; reviews land in ``<copy>/notebooks/reviews``.

The server extension keeps no preheated pool, so once the pages are closed the server must
run no kernel at all. Nothing is cached between runs: every run builds a new virtualenv.
Slow (a pip install); the timeouts are generous bounds, not measurements.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest

from kit.serve import stop
from tests.browser import scenario
from tests.browser.harness import FONT_AWESOME, Target, unavailable
from tests.support.install import clean_environment, copy_checkout, run_logged, tail
from tests.support.voila import free_port, wait_for_http

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
APP_PATH = "voila/render/notebooks/review.ipynb"
SERVER_START_TIMEOUT = 180
#: Under jupyter server, Voila's page also loads MathJax from cdnjs (standalone Voila does not).
#: Binder reaches it; this machine cannot, so the request fails here, as expected (an empty
#: script would be worse: the page then calls a MathJax that is not there).
MATHJAX = {"https://cdnjs.cloudflare.com/ajax/libs/mathjax/": None}


@dataclass(frozen=True)
class Built:
    copy: Path  # the repository as Binder sees it
    venv: Path
    env: dict  # the environment of the image: the virtualenv first on PATH, a home of its own
    scratch: Path

    @property
    def python(self) -> Path:
        return self.venv / "bin" / "python"


def runtime_version() -> str:
    """``3.12`` from ``binder/runtime.txt`` (``python-3.12``)."""
    text = (ROOT / "binder" / "runtime.txt").read_text(encoding="utf-8").strip()
    match = re.fullmatch(r"python-(\d+\.\d+)", text)
    assert match, f"binder/runtime.txt should read python-X.Y, not {text!r}"
    return match.group(1)


def find_python(version: str) -> str | None:
    """A ``pythonX.Y`` that actually runs.

    ``shutil.which`` first. A pyenv shim is found by ``which`` even when no pyenv version
    selected here provides it (it then refuses to run), so pyenv's own installs are tried next.
    """
    candidates = [shutil.which(f"python{version}")]
    pyenv = shutil.which("pyenv")
    if pyenv:
        result = subprocess.run([pyenv, "root"], capture_output=True, text=True, check=False)
        if result.returncode == 0:
            candidates += sorted(
                Path(result.stdout.strip()).glob(f"versions/{version}*/bin/python{version}"), reverse=True
            )
    for candidate in candidates:
        if not candidate:
            continue
        probe = subprocess.run(
            [str(candidate), "-c", "import sys, venv; print('%d.%d' % sys.version_info[:2])"],
            capture_output=True,
            text=True,
            check=False,
        )
        if probe.returncode == 0 and probe.stdout.strip() == version:
            return str(candidate)
    return None


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Built:
    """The Binder image, rehearsed: copy, fresh virtualenv, requirements, postBuild."""
    version = runtime_version()
    python = find_python(version)
    if python is None:
        unavailable(f"needs python{version} (binder/runtime.txt says python-{version}) to rehearse Binder's build")
    scratch = tmp_path_factory.mktemp("binder")
    copy, venv, home = scratch / "repo", scratch / "venv", scratch / "home"
    home.mkdir()
    assert copy_checkout(ROOT, copy) > 0
    log = scratch / "build.log"

    base = clean_environment(home, PIP_NO_CACHE_DIR="1")  # CI starts clean; so does every rehearsal
    run_logged([python, "-m", "venv", str(venv)], log, env=base)
    env = {**base, "VIRTUAL_ENV": str(venv), "PATH": f"{venv / 'bin'}{os.pathsep}{base.get('PATH', '')}"}
    run_logged(
        [str(venv / "bin" / "python"), "-m", "pip", "install", "-r", "binder/requirements.txt"], log, cwd=copy, env=env
    )
    run_logged(["bash", "binder/postBuild"], log, cwd=copy, env=env)
    return Built(copy, venv, env, scratch)


@pytest.fixture(scope="module")
def jupyter_server(built):
    """``jupyter server`` from the copy, with Voila as a server extension, on a free port."""
    port = free_port()
    command = [
        str(built.venv / "bin" / "jupyter"),
        "server",
        "--no-browser",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.token=",
        "--ServerApp.password=",
        f"--ServerApp.root_dir={built.copy}",
    ]
    if os.geteuid() == 0:
        command.append("--ServerApp.allow_root=True")  # containers here run as root; Binder's user is not
    log = built.scratch / "server.log"
    with open(log, "ab") as output:
        process = subprocess.Popen(
            command, cwd=built.copy, env=built.env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            base = f"http://127.0.0.1:{port}/"
            try:
                wait_for_http(f"{base}api", timeout=SERVER_START_TIMEOUT)
            except TimeoutError:
                pytest.fail(f"jupyter server did not answer (exit code {process.poll()}):\n{tail(log)}", pytrace=False)
            yield base, process
        finally:
            stop(process)


@pytest.fixture(scope="module")
def target(built, jupyter_server) -> Target:
    base, process = jupyter_server
    return Target(
        base + APP_PATH,
        built.copy / "notebooks" / "reviews",
        process.pid,
        0,
        "binder",
        stubs={**FONT_AWESOME, **MATHJAX},
        log=built.scratch / "server.log",
        api=base,
    )


# --- the image ------------------------------------------------------------------------


def test_binder_runtime_is_python_3_12():
    # Binder's default 3.10 would make pip pick older pandas and matplotlib in silence.
    assert runtime_version() == "3.12"


def test_the_installed_packages_are_consistent(built):
    result = subprocess.run(
        [str(built.python), "-m", "pip", "check"],
        env=built.env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, f"pip check failed:\n{result.stdout}{result.stderr}"
    shown = subprocess.run(
        [str(built.python), "-m", "pip", "show", "pillarkit"],
        env=built.env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert shown.returncode == 0, "postBuild did not install pillarkit"


def test_kit_and_the_app_import_from_the_installed_package_outside_the_copy(built):
    elsewhere = built.scratch / "elsewhere"
    elsewhere.mkdir(exist_ok=True)
    probe = textwrap.dedent(
        """
        import json, importlib.resources
        import kit, kit.app
        from kit.app import ReviewApp
        from kit.core.lens import load
        lens = load("wellarchitected")
        bundled = sorted(p.name for p in importlib.resources.files("kit.frameworks").iterdir() if p.name.endswith(".json"))
        schemas = sorted(p.name for p in importlib.resources.files("kit.core.schemas").iterdir() if p.name.endswith(".json"))
        print(json.dumps({"kit": kit.__file__, "app": kit.app.__file__, "questions": len(list(lens.questions())),
                          "bundled": bundled, "schemas": schemas}))
        """
    )
    result = subprocess.run(
        [str(built.python), "-c", probe],
        cwd=elsewhere,
        env=built.env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, f"importing kit from the installed package failed:\n{result.stderr}"
    found = json.loads(result.stdout.strip().splitlines()[-1])
    site = built.venv / "lib"
    for module in ("kit", "app"):
        where = Path(found[module]).resolve()
        assert site in where.parents, (
            f"{module} was imported from {where}, not from the virtualenv's site-packages (an editable install?)"
        )
        assert built.copy not in where.parents
    assert found["questions"] == scenario.question_count()
    assert "wellarchitected.json" in found["bundled"], found["bundled"]
    assert found["schemas"], "kit.core.schemas shipped no JSON schema"


# --- the app in the browser, as Binder serves it --------------------------------------------

# The very tests the Voila module runs, collected here again: pytest resolves their fixtures in
# this module, where ``target`` is Binder's server.
from tests.browser.test_voila_app import (  # noqa: E402, F401
    test_closing_pages_leaves_no_kernel_beyond_the_pool,
    test_download_then_upload_in_a_fresh_page_restores_every_answer,
    test_none_of_these_is_exclusive,
    test_not_applicable_with_a_reason,
    test_notes_are_counted_and_too_long_notes_are_refused,
    test_reloading_the_page_resumes_the_review,
    test_the_autosaved_file_matches_the_clicks,
    test_the_page_shows_the_first_question_without_error,
    test_ticking_redraws_the_chart_and_badge_and_counts_right,
)

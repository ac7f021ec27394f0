"""Installing the kit as a stranger would: a copy of the checkout, a fresh virtualenv, logged steps.

Shared by the Binder rehearsal and the wheel rehearsal, which build what a newcomer's machine
builds and then drive the app in Chromium.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.browser.harness import unavailable

#: Bounds on steps that download and build: generous, they only stop a hung step.
INSTALL_TIMEOUT = 1800


def clean_environment(home: Path, **extra: str) -> dict[str, str]:
    """This process's environment without Python or virtualenv settings, and with a home of its own."""
    base = {
        k: v
        for k, v in os.environ.items()
        if k not in {"PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "PYTHONSTARTUP", "PYENV_VERSION"}
        and not k.startswith("PILLARKIT_")
    }
    base.update(
        HOME=str(home),  # no user-level Jupyter settings, kernels or caches from this machine
        JUPYTER_CONFIG_DIR=str(home / ".jupyter"),
        PIP_DISABLE_PIP_VERSION_CHECK="1",
        **extra,
    )
    return base


def copy_checkout(root: Path, dest: Path) -> int:
    """Copy the repository's files (tracked, and untracked but not ignored) from the working tree."""
    if shutil.which("git") is None:
        unavailable("needs git to list the repository's files")
    listed = subprocess.run(
        ["git", "-C", str(root), "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        capture_output=True,
        check=True,
    ).stdout
    copied = 0
    for raw in listed.split(b"\0"):
        if not raw:
            continue
        relative = os.fsdecode(raw)
        source = root / relative
        if not source.is_file():  # deleted in the working tree
            continue
        target = dest / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target)
        copied += 1
    return copied


def run_logged(command: list, log: Path, **kwargs) -> None:
    """Run a build step; fail with the end of its output when it fails."""
    with open(log, "ab") as output:
        output.write(f"\n$ {' '.join(map(str, command))}\n".encode())
        output.flush()
        result = subprocess.run(
            command, stdout=output, stderr=subprocess.STDOUT, timeout=INSTALL_TIMEOUT, check=False, **kwargs
        )
    if result.returncode != 0:
        pytest.fail(f"{' '.join(map(str, command))} exited with {result.returncode}:\n{tail(log)}", pytrace=False)


def tail(log: Path, lines: int = 40) -> str:
    try:
        return "\n".join(log.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"

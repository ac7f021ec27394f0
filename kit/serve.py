"""`pillarkit serve`: the review app as a web app, served by Voila on this machine.

Voila runs in a session of its own, so Ctrl-C reaches only this process, which then stops
Voila cleanly (one keypress, no "Shutdown this Voila server?" prompt) and waits for it.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

from .errors import ServeError

DEFAULT_PORT = 8866
#: Environment variable that tells the app which review file to open.
REVIEW_ENV = "PILLARKIT_REVIEW"


def project_root() -> Path:
    """The checkout that holds ``notebooks/review.ipynb`` and ``voila.json`` beside the kit."""
    root = Path(__file__).resolve().parents[1]
    if not (root / "notebooks" / "review.ipynb").is_file() or not (root / "voila.json").is_file():
        raise ServeError.at(
            str(root), "", "pillarkit serve runs from a source checkout (notebooks/review.ipynb and voila.json were not found next to the kit)"
        )
    return root


def port_is_free(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


def voila_command(target: str, port: int, open_browser: bool = False) -> list[str]:
    """Voila serving ``target`` (a notebook, or a folder of notebooks) on localhost only."""
    command = [sys.executable, "-m", "voila", target, f"--port={port}", "--Voila.ip=127.0.0.1"]
    if not open_browser:
        command.append("--no-browser")
    return command


def launch(cwd: Path, target: str, port: int, env: dict | None = None, open_browser: bool = False, **popen) -> subprocess.Popen:
    """Start Voila in ``cwd`` (where it reads ``voila.json``) in a session of its own."""
    return subprocess.Popen(voila_command(target, port, open_browser), cwd=cwd, env=env, start_new_session=True, **popen)


def stop(child: subprocess.Popen, timeout: float = 20) -> int:
    """Stop Voila as Ctrl-C would, and wait: it shuts its kernels down on SIGTERM."""
    if child.poll() is None:
        child.send_signal(signal.SIGTERM)
        try:
            child.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(child.pid, signal.SIGKILL)
            child.wait()
    return child.returncode


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt


def serve(review: str | None = None, port: int = DEFAULT_PORT, open_browser: bool = False) -> int:
    """Serve the app until Ctrl-C; open ``review`` (a review file) when given."""
    root = project_root()
    env = dict(os.environ)
    if review is not None:
        from .review import Review

        path = Path(review).resolve()
        Review.load(path)  # a broken file is reported here, in one line, not inside the app
        env[REVIEW_ENV] = str(path)
    if not port_is_free(port):
        raise ServeError.at(f"port {port}", "", f"is already in use; stop what runs there or pass --port {port + 1}")
    # voila.json is read from the working directory, so Voila runs from the project root.
    # Ctrl-C, or a SIGTERM from a supervisor, stops Voila cleanly; a shell may have told this
    # process to ignore SIGINT (a background job), so the handlers are set here explicitly.
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, _interrupt)
    child = launch(root, str(Path("notebooks") / "review.ipynb"), port, env, open_browser)
    print(f"pillarkit: the review app is at http://localhost:{port}/ (Ctrl-C to stop)", flush=True)
    try:
        return child.wait()
    except KeyboardInterrupt:
        stop(child)
        print("pillarkit: stopped", flush=True)
        return 0

"""`pillarkit serve`: the review app as a web app, served by Voila on this machine.

Voila runs in a session of its own, so Ctrl-C reaches only this process, which then stops
Voila cleanly (one keypress, no "Shutdown this Voila server?" prompt) and waits for it.

Voila reads ``voila.json`` beside the notebook and finds pillarkit's page template (which asks
no CDN for anything) through ``JUPYTER_PATH``, set to the shipped notebooks' folder. Its log
keeps warnings and errors, less the two that every page load would repeat (:class:`QuietLog`).
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import subprocess
import sys
from importlib.resources import files
from pathlib import Path

from kit.core import options
from kit.core.errors import ServeError

#: The package that holds the shipped notebooks and voila.json (``notebooks/`` in a checkout).
NOTEBOOKS_PACKAGE = "kit.notebooks"
APP_NOTEBOOK = "review.ipynb"
PORTFOLIO_NOTEBOOK = "portfolio.ipynb"


def notebooks_folder() -> Path:
    """The shipped notebooks with their ``voila.json``, from the installed package (a wheel or a checkout)."""
    folder = Path(str(files(NOTEBOOKS_PACKAGE)))
    if not (folder / APP_NOTEBOOK).is_file() or not (folder / "voila.json").is_file():
        raise ServeError.at(str(folder), "", "this installation of pillarkit lacks its notebooks; reinstall it")
    return folder


def port_is_free(port: int, host: str = options.HOST.default) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


def voila_command(target: str, port: int, open_browser: bool = False) -> list[str]:
    """Voila serving ``target`` (a notebook, or a folder of notebooks) on localhost only."""
    command = [sys.executable, "-m", "voila", target, f"--port={port}", f"--Voila.ip={options.HOST.default}"]
    if not open_browser:
        command.append("--no-browser")
    return command


def voila_environment(env: dict | None = None) -> dict:
    """``env`` (default: this process's) with the shipped template's folder first on ``JUPYTER_PATH``."""
    environment = dict(os.environ if env is None else env)
    paths = [str(notebooks_folder()), *filter(None, environment.get("JUPYTER_PATH", "").split(os.pathsep))]
    environment["JUPYTER_PATH"] = os.pathsep.join(dict.fromkeys(paths))
    return environment


def launch(
    cwd: Path, target: str, port: int, env: dict | None = None, open_browser: bool = False, **popen
) -> subprocess.Popen:
    """Start Voila in ``cwd`` (where it reads ``voila.json``) in a session of its own."""
    return subprocess.Popen(
        voila_command(target, port, open_browser),
        cwd=cwd,
        env=voila_environment(env),
        start_new_session=True,
        **popen,
    )


class QuietLog(logging.Filter):
    """Drops the log lines that every page load repeats and that ask nothing of the user.

    "Notebook review.ipynb is not trusted": trust is about showing a notebook's saved outputs,
    and Voila runs the shipped notebook afresh with its sources hidden. voila.json installs
    this filter on Voila's console handler (``Voila.logging_config``).
    """

    REPEATED = ("is not trusted",)

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        return not any(text in message for text in self.REPEATED)


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


def _run(
    notebooks: Path, notebook: str, port: int, env: dict[str, str], open_browser: bool, what: str, after: str = ""
) -> int:
    """Voila on ``notebook`` until Ctrl-C (or a supervisor's SIGTERM), which stops it cleanly."""
    if not port_is_free(port):
        raise ServeError.at(f"port {port}", "", f"is already in use; stop what runs there or pass --port {port + 1}")
    # A shell may have told this process to ignore SIGINT (a background job), so the handlers are set here.
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, _interrupt)
    child = launch(notebooks, notebook, port, env, open_browser)
    print(f"pillarkit: {what} at http://{options.HOST.default}:{port}/ (Ctrl-C to stop){after}", flush=True)
    try:
        return child.wait()
    except KeyboardInterrupt:
        stop(child)
        print("pillarkit: stopped", flush=True)
        return 0


def serve_portfolio(folder: str | Path, port: int | None = None, open_browser: bool = False) -> int:
    """Serve the portfolio notebook with Voila on a folder (or file) of review files, until Ctrl-C."""
    port = options.PORT.value() if port is None else port
    notebooks = notebooks_folder()
    if not (notebooks / PORTFOLIO_NOTEBOOK).is_file():
        raise ServeError.at(
            str(notebooks), "", "this installation of pillarkit lacks its portfolio notebook; reinstall it"
        )
    path = Path(folder).expanduser().resolve()
    if not path.exists():
        raise ServeError.at(str(folder), "", "no such folder or file of reviews")
    env = dict(os.environ)
    env[options.PORTFOLIO.variable] = str(path)
    return _run(notebooks, PORTFOLIO_NOTEBOOK, port, env, open_browser, f"the portfolio of {path} is")


def serve(
    review: str | None = None, port: int | None = None, folder: str | Path | None = None, open_browser: bool = False
) -> int:
    """Serve the app until Ctrl-C, from any folder.

    ``review`` is a review file to open; ``folder`` is where reviews are autosaved (default:
    ``reviews/`` in the current directory). Voila runs in the installed notebooks' folder and
    reads its ``voila.json`` there; the app learns the review and the folder from the environment.
    """
    port = options.PORT.value() if port is None else port
    notebooks = notebooks_folder()
    env = dict(os.environ)
    if review is not None:
        from kit.core.review import Review

        path = Path(review).resolve()
        Review.load(path)  # a broken file is reported here, in one line, not inside the app
        env[options.REVIEW.variable] = str(path)
    reviews = Path(folder).expanduser().resolve() if folder is not None else options.folder()
    if reviews.exists() and not reviews.is_dir():
        raise ServeError.at(str(reviews), "", "is not a folder; pass --folder with a folder for the reviews")
    env[options.FOLDER.variable] = str(reviews)
    return _run(
        notebooks, APP_NOTEBOOK, port, env, open_browser, "the review app is", f"; reviews are saved in {reviews}"
    )

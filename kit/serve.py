"""`pillarkit serve`: the review app as a web app, served by Voila, for its user only.

Voila runs in a session of its own, so Ctrl-C reaches only this process, which then stops
Voila cleanly (one keypress, no "Shutdown this Voila server?" prompt) and waits for it.
Voila runs as :mod:`kit.voila_server`: every page needs the run's token, which is in the
address printed (and opened with ``--open``); only this machine's host names are answered
unless others are allowed; a kernel starts only for a browser's page, and pages are capped.

Voila reads ``voila.json`` beside the notebook and finds pillarkit's page template (which asks
no CDN for anything) through ``JUPYTER_PATH``, set to the shipped notebooks' folder. Its log
keeps warnings and errors, less the two that every page load would repeat (:class:`QuietLog`).
"""

from __future__ import annotations

import logging
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
import webbrowser
from collections.abc import Sequence
from importlib.resources import files
from pathlib import Path

from kit.core import options
from kit.core.errors import ServeError

#: The package that holds the shipped notebooks and voila.json (``notebooks/`` in a checkout).
NOTEBOOKS_PACKAGE = "kit.notebooks"
APP_NOTEBOOK = "review.ipynb"
PORTFOLIO_NOTEBOOK = "portfolio.ipynb"
#: The module that runs Voila with pillarkit's rules (token, host names, XSRF, page kernels).
SERVER_MODULE = "kit.voila_server"


def notebooks_folder() -> Path:
    """The shipped notebooks with their ``voila.json``, from the installed package (a wheel or a checkout)."""
    folder = Path(str(files(NOTEBOOKS_PACKAGE)))
    if not (folder / APP_NOTEBOOK).is_file() or not (folder / "voila.json").is_file():
        raise ServeError.at(str(folder), "", "this installation of pillarkit lacks its notebooks; reinstall it")
    return folder


def port_is_free(port: int, host: str = options.HOST.default) -> bool:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


def new_token() -> str:
    """A token for one run: 32 random bytes, URL-safe."""
    return secrets.token_urlsafe(32)


def app_url(port: int, token: str, host: str = options.HOST.default) -> str:
    """The address to open: the page, with the token (the browser keeps a cookie after the first visit)."""
    return f"http://{host}:{port}/?token={token}"


def voila_command(target: str, port: int, host: str = options.HOST.default) -> list[str]:
    """Voila, with pillarkit's rules, serving ``target`` (a notebook, or a folder of notebooks) on ``host``."""
    return [sys.executable, "-m", SERVER_MODULE, target, f"--port={port}", f"--Voila.ip={host}", "--no-browser"]


def voila_environment(env: dict | None = None) -> dict:
    """``env`` (default: this process's) with the shipped template's folder first on ``JUPYTER_PATH``."""
    environment = dict(os.environ if env is None else env)
    paths = [str(notebooks_folder()), *filter(None, environment.get("JUPYTER_PATH", "").split(os.pathsep))]
    environment["JUPYTER_PATH"] = os.pathsep.join(dict.fromkeys(paths))
    return environment


def launch(
    cwd: Path,
    target: str,
    port: int,
    env: dict | None = None,
    *,
    token: str,
    host: str = options.HOST.default,
    allow_hosts: Sequence[str] = (),
    max_pages: int | None = None,
    **popen,
) -> subprocess.Popen:
    """Start Voila in ``cwd`` (where it reads ``voila.json``) in a session of its own.

    The token, the allowed host names and the page cap reach it through the environment,
    so they are not on a command line that other users of the machine can read. So does this
    process's id: Voila stops when this process is gone, even killed outright (its own session
    keeps it from Ctrl-C, and nothing else would stop it), rather than keep a port, its kernels
    and their reviews' leases.
    """
    environment = dict(os.environ if env is None else env)
    environment[options.LAUNCHER.variable] = str(os.getpid())
    environment[options.TOKEN.variable] = token
    environment[options.ALLOW_HOSTS.variable] = ",".join(allow_hosts)
    if max_pages is not None:
        environment[options.MAX_PAGES.variable] = str(max_pages)
    return subprocess.Popen(
        voila_command(target, port, host),
        cwd=cwd,
        env=voila_environment(environment),
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
    notebooks: Path,
    notebook: str,
    port: int,
    env: dict[str, str],
    open_browser: bool,
    what: str,
    after: str = "",
    *,
    host: str,
    allow_hosts: Sequence[str],
    max_pages: int,
) -> int:
    """Voila on ``notebook``, guarded by a token, until Ctrl-C (or a supervisor's SIGTERM), which stops it cleanly."""
    if max_pages < 1:
        raise ServeError.at("--max-pages", "", f"{max_pages} pages would let nobody in; give 1 or more")
    if not port_is_free(port, host):
        raise ServeError.at(f"port {port}", "", f"is already in use; stop what runs there or pass --port {port + 1}")
    token = options.TOKEN.value() or new_token()
    # A shell may have told this process to ignore SIGINT (a background job), so the handlers are set here.
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, _interrupt)
    child = launch(notebooks, notebook, port, env, token=token, host=host, allow_hosts=allow_hosts, max_pages=max_pages)
    # The address Voila listens on, so the line names where it really is; every interface's wildcard
    # is no address a browser can open, so this machine's name stands in for it.
    url = app_url(port, token, "localhost" if host in ("0.0.0.0", "::") else host)
    print(f"pillarkit: {what} at {url} (Ctrl-C to stop){after}", flush=True)
    if host not in ("127.0.0.1", "localhost", "::1"):
        names = ", ".join(allow_hosts) if allow_hosts else "none yet: add --allow-host NAME"
        print(
            f"pillarkit: listening on {host}; host names other machines may use: {names}. "
            "Anyone with the address above, token included, can open the app.",
            flush=True,
        )
    if open_browser:
        _open_when_ready(url, port, child)
    try:
        return child.wait()
    except KeyboardInterrupt:
        stop(child)
        print("pillarkit: stopped", flush=True)
        return 0


def _guard(host: str | None, allow_hosts: Sequence[str], max_pages: int | None) -> dict:
    """Where to listen, which host names to answer and how many pages to take: the options, then the flags."""
    return {
        "host": host or options.HOST.value(),
        "allow_hosts": [*(h for h in options.ALLOW_HOSTS.value().split(",") if h.strip()), *allow_hosts],
        "max_pages": options.MAX_PAGES.value() if max_pages is None else max_pages,
    }


def serve_portfolio(
    folder: str | Path,
    port: int | None = None,
    open_browser: bool = False,
    host: str | None = None,
    allow_hosts: Sequence[str] = (),
    max_pages: int | None = None,
) -> int:
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
    return _run(
        notebooks,
        PORTFOLIO_NOTEBOOK,
        port,
        env,
        open_browser,
        f"the portfolio of {path} is",
        **_guard(host, allow_hosts, max_pages),
    )


def _open_when_ready(url: str, port: int, child: subprocess.Popen, timeout: float = 120) -> None:
    """Open ``url`` in the default browser once the server takes connections (in a thread)."""

    def wait_and_open() -> None:
        deadline = time.monotonic() + timeout
        while child.poll() is None and time.monotonic() < deadline:
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", port)) == 0:
                    webbrowser.open(url)
                    return
            time.sleep(0.3)

    threading.Thread(target=wait_and_open, name="pillarkit-open-browser", daemon=True).start()


def serve(
    review: str | None = None,
    port: int | None = None,
    folder: str | Path | None = None,
    open_browser: bool = False,
    host: str | None = None,
    allow_hosts: Sequence[str] = (),
    max_pages: int | None = None,
) -> int:
    """Serve the app until Ctrl-C, from any folder.

    ``review`` is a review file to open; ``folder`` is where reviews are autosaved (default:
    ``reviews/`` in the current directory). Voila runs in the installed notebooks' folder and
    reads its ``voila.json`` there; the app learns the review and the folder from the environment.
    ``host`` is the address to listen on (this machine only by default); ``allow_hosts`` are
    host names, besides this machine's, that browsers may use to reach it.
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
        notebooks,
        APP_NOTEBOOK,
        port,
        env,
        open_browser,
        "the review app is",
        f"; reviews are saved in {reviews}",
        **_guard(host, allow_hosts, max_pages),
    )

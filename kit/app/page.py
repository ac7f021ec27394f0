"""The page this kernel serves: when it opens, what its address asks for, and whether it is still there.

* **Opening.** Voila runs the notebook ahead of time in a preheated kernel, before anyone asks
  for the page. When it hands that kernel to a page it sends the request's details (its query
  string among them) to whoever listens on its ``voila/query`` websocket for that kernel; the
  app listens there (:func:`when_page_opens`). This speaks that small protocol itself rather than
  calling ``voila.utils.wait_for_request``: importing Voila inside the kernel pulls in nbconvert
  and jupyter_server, about 65 MB that every review kernel would carry for one message. A kernel
  started for its page (no preheating) finds the query string in its environment instead.
* **The address.** ``?review=<id>`` names the review to show, so that a reload, or the same link
  opened again, shows the same review at once (:func:`review_in_query`).
* **Still there?** The server counts each kernel's websockets. :class:`PageWatch` asks it once
  a second, on a thread of its own, and tells the app when the page has gone (its browser
  closed, crashed or lost the network: the server's pings close a dead connection) and when
  it is back. A kernel Voila started for a page that is gone asks the server to shut it down
  (:func:`shut_down`).
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs

from kit.core import options

#: The query parameter that names the review on screen.
REVIEW_PARAMETER = "review"
#: How often the page watch asks the server, and how long a page may be without a websocket
#: before it counts as gone (a reconnecting page is back within that): gone is noticed in 2 to 4 s.
POLL_SECONDS = 2.0
GONE_AFTER_SECONDS = 2.0
#: A page that has not connected this long after it was requested never will (its browser died while loading).
CONNECT_WITHIN_SECONDS = 60.0


def preheated(environ: Mapping[str, str] | None = None) -> bool:
    return (os.environ if environ is None else environ).get("VOILA_PREHEAT") == "True"


def served_by_voila(environ: Mapping[str, str] | None = None) -> bool:
    """True in a kernel Voila started for a page (standalone, or Voila inside Jupyter server)."""
    environ = os.environ if environ is None else environ
    return "VOILA_PREHEAT" in environ or "VOILA_KERNEL_ID" in environ


def query_url() -> str | None:
    """Where Voila tells this kernel about its page request (from the variables Voila sets)."""
    kernel_id = os.environ.get("VOILA_KERNEL_ID")
    if not kernel_id:
        return None
    protocol = os.environ.get("VOILA_WS_PROTOCOL", "ws")
    host = os.environ.get("VOILA_APP_IP", "127.0.0.1")
    port = os.environ.get("VOILA_APP_PORT", "8866")
    base = os.environ.get("VOILA_WS_BASE_URL") or os.environ.get("VOILA_SERVER_URL", "/")
    return f"{protocol}://{host}:{port}{base}voila/query/{kernel_id}"


def review_in_query(query: str | None) -> str | None:
    """The review id a page address names (``?review=1a2b3c4d``), or None; the caller checks its form."""
    values = parse_qs(query or "").get(REVIEW_PARAMETER)
    return values[-1] if values else None


def startup_query(environ: Mapping[str, str] | None = None) -> str | None:
    """The query string of the page that started this kernel (None for a preheated kernel: it comes later)."""
    environ = os.environ if environ is None else environ
    if preheated(environ):
        return None
    return environ.get("QUERY_STRING")


def when_page_opens(callback: Callable[[dict[str, str]], None]) -> bool:
    """Call ``callback(request_info)`` on the kernel's loop once Voila hands this preheated kernel to a page.

    ``request_info`` holds the request's CGI-style variables (``QUERY_STRING``…). Returns False
    (and never calls back) outside a preheated Voila kernel, where the notebook runs when the
    page is opened anyway.
    """
    url = query_url() if preheated() else None
    if url is None:
        return False
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        return False

    def wait() -> None:
        from websockets.sync.client import connect

        try:
            with connect(url, open_timeout=10) as socket:
                message = socket.recv()  # blocks this thread only, until the page is requested
        except Exception:
            # No word from Voila: the app keeps what it showed when preheated, and a save
            # still never overwrites a file another window writes (see kit.app.session).
            return
        try:
            info = json.loads(message)
        except (TypeError, ValueError):
            info = {}
        loop.call_soon_threadsafe(callback, info if isinstance(info, dict) else {})

    threading.Thread(target=wait, name="pillarkit-page-request", daemon=True).start()
    return True


# --- the server and this kernel ----------------------------------------------------------


@dataclass(frozen=True)
class Server:
    """The Jupyter or Voila server that runs this kernel, as this kernel can reach it."""

    url: str  # base URL, ending in "/"
    kernel_id: str
    token: str = ""
    #: Voila started this kernel for a page: it may shut itself down when the page is gone.
    voila: bool = False

    def kernel_url(self) -> str:
        return f"{self.url}api/kernels/{self.kernel_id}"

    def request(self, method: str = "GET") -> urllib.request.Request:
        request = urllib.request.Request(self.kernel_url(), method=method)
        if self.token:
            request.add_header("Authorization", f"token {self.token}")
        return request


def kernel_id(environ: Mapping[str, str] | None = None) -> str | None:
    """This kernel's id: from its connection file's name (``kernel-<id>.json``), or Voila's variable."""
    environ = os.environ if environ is None else environ
    name = ""
    # Only inside a running kernel: importing ipykernel's kernel elsewhere swaps the widgets' comm manager.
    kernelapp = sys.modules.get("ipykernel.kernelapp")
    if kernelapp is not None and kernelapp.IPKernelApp.initialized():
        try:
            name = Path(kernelapp.IPKernelApp.instance().connection_file).name
        except Exception:
            name = ""
    if name.startswith("kernel-") and name.endswith(".json"):
        return name[len("kernel-") : -len(".json")]
    return environ.get("VOILA_KERNEL_ID") or None


def find_server(environ: Mapping[str, str] | None = None) -> Server | None:
    """The server of this kernel, or None (plain Python, a kernel started by a test runner).

    A Jupyter server writes ``jpserver-<pid>.json`` (its address and token) in the runtime
    folder; the kernel's parent is that server. Standalone Voila writes none, but tells its
    kernels its port and base URL; ``pillarkit serve`` adds its token (``PILLARKIT_TOKEN``).
    """
    environ = os.environ if environ is None else environ
    kid = kernel_id(environ)
    if not kid:
        return None
    voila = served_by_voila(environ)
    parent = environ.get("JPY_PARENT_PID", "")
    if parent.isdigit():
        info = _runtime_info(int(parent), environ)
        if info is not None:
            url = str(info.get("url") or "")
            if url and not url.endswith("/"):
                url += "/"
            if url:
                return Server(url, kid, str(info.get("token") or ""), voila)
    if voila and environ.get("VOILA_APP_PORT"):
        host = environ.get("VOILA_APP_IP", "127.0.0.1")
        base = environ.get("VOILA_SERVER_URL") or environ.get("VOILA_BASE_URL") or "/"
        if not base.endswith("/"):
            base += "/"
        # pillarkit serve's Voila needs its token (kit.voila_server), which its kernels inherit.
        token = environ.get(options.TOKEN.variable, "")
        return Server(f"http://{host}:{environ['VOILA_APP_PORT']}{base}", kid, token, True)
    return None


def _runtime_info(pid: int, environ: Mapping[str, str]) -> dict[str, object] | None:
    try:
        from jupyter_core.paths import jupyter_runtime_dir

        folder = Path(environ.get("JUPYTER_RUNTIME_DIR") or jupyter_runtime_dir())
        data = json.loads((folder / f"jpserver-{pid}.json").read_text(encoding="utf-8"))
    except Exception:
        return None
    return data if isinstance(data, dict) else None


def connections(server: Server, timeout: float = 2.0) -> int | None:
    """How many websockets the server has open to this kernel; 0 when it no longer knows the kernel;
    None when the server cannot be asked."""
    try:
        with urllib.request.urlopen(server.request(), timeout=timeout) as response:
            data = json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return 0 if exc.code == 404 else None
    except (OSError, ValueError):
        return None
    count = data.get("connections") if isinstance(data, dict) else None
    return count if isinstance(count, int) else None


def shut_down(server: Server, timeout: float = 5.0) -> bool:
    """Ask the server to shut this kernel down (as a page's beacon does); True if it agreed."""
    try:
        with urllib.request.urlopen(server.request("DELETE"), timeout=timeout) as response:
            return bool(response.status < 300)
    except (OSError, ValueError):
        return False


class PageWatch:
    """Tells, on the kernel's loop, when this kernel's page goes (``on_gone``) and comes back (``on_back``).

    A page counts as there once the server has seen a websocket from it; it is gone once the
    server has had none for ``gone_after`` seconds, or when it never connected within
    ``connect_within`` seconds of the watch starting (when the page was requested). The questions
    go out on a daemon thread.
    """

    def __init__(
        self,
        server: Server,
        on_gone: Callable[[], None],
        on_back: Callable[[], None],
        poll: float = POLL_SECONDS,
        gone_after: float = GONE_AFTER_SECONDS,
        connect_within: float = CONNECT_WITHIN_SECONDS,
    ):
        self.server = server
        self.on_gone = on_gone
        self.on_back = on_back
        self.poll = poll
        self.gone_after = gone_after
        self.connect_within = connect_within
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> bool:
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return False
        if self._thread is None:
            self._thread = threading.Thread(target=self._watch, args=(loop,), name="pillarkit-page-watch", daemon=True)
            self._thread.start()
        return True

    def stop(self) -> None:
        self._stop.set()

    def _watch(self, loop: asyncio.AbstractEventLoop) -> None:
        seen = False  # the page has connected at least once
        present = False
        empty_since: float | None = None
        started = time.monotonic()
        while not self._stop.wait(self.poll):
            count = connections(self.server)
            if count is None:
                continue  # the server did not answer this time; ask again
            if count > 0:
                empty_since = None
                if not present:
                    present = True
                    if seen:
                        self._post(loop, self.on_back)
                    seen = True
                continue
            if not seen and time.monotonic() - started >= self.connect_within:
                seen = True  # reported once: it may still connect, and is then "back"
                self._post(loop, self.on_gone)
                continue
            if not present:
                continue
            now = time.monotonic()
            empty_since = empty_since or now
            if now - empty_since >= self.gone_after:
                present = False
                self._post(loop, self.on_gone)

    def _post(self, loop: asyncio.AbstractEventLoop, callback: Callable[[], None]) -> None:
        try:
            loop.call_soon_threadsafe(callback)
        except RuntimeError:
            self._stop.set()  # the loop has closed: the kernel is exiting

"""`pillarkit serve` lets in only its user: a token, this machine's host names, XSRF on, kernels only for pages.

One server for the module, run as `pillarkit serve` runs it (``kit.serve.launch`` in the
shipped notebooks' folder), with a page cap of two and a short wait for pages to connect. Every
check counts the server's kernels: a refused request must start none.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

import nbformat
import pytest
from traitlets.config import Config
from voila.execute import VoilaExecutor

from kit.serve import APP_NOTEBOOK, launch, new_token, notebooks_folder, stop
from kit.voila_server import SWEEP_SECONDS, allowed_hosts, host_pattern, wants_html
from tests.browser.harness import kernels_by_id
from tests.support.voila import free_port, kernel_pids, wait_for_kernels

POOL = 1  # voila.json: one preheated kernel
CONNECT_SECONDS = 5


def test_host_names_refused_and_allowed():
    pattern = re.compile(host_pattern([]))
    for name in ("localhost", "127.0.0.1", "127.8.9.10", "[::1]", "::1"):
        assert not pattern.match(name), name
    for name in ("evil.example", "localhost.evil.example", "10.0.0.5", "127.0.0.1.evil.example", "[::2]"):
        assert pattern.match(name), name
    allowing = re.compile(host_pattern(["reviews.example.lan", " 10.0.0.5 "]))
    assert not allowing.match("reviews.example.lan") and not allowing.match("10.0.0.5")
    assert allowing.match("reviewsXexample.lan")  # a dot in a name is a dot, not any character
    assert host_pattern(["*"]) is None
    assert allowed_hosts({"PILLARKIT_ALLOW_HOSTS": "a.lan, b.lan,"}) == ["a.lan", " b.lan"]


def test_a_page_rendered_on_a_busy_machine_waits_for_its_output_instead_of_showing_nothing():
    """Voila's executor gives up waiting for a cell's output after ``iopub_timeout`` and serves the page
    without it: a blank app. On 2 cores with ten kernels starting, 4 s (nbclient's default) was seen to pass."""
    config = Config(json.loads((notebooks_folder() / "voila.json").read_text(encoding="utf-8")))
    executor = VoilaExecutor(nbformat.v4.new_notebook(), config=config)
    assert executor.iopub_timeout >= 60


def test_only_a_page_request_asks_for_html():
    assert wants_html("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8")
    assert not wants_html("*/*") and not wants_html("")


class Server:
    def __init__(self, port: int, token: str, process, root: Path):
        self.port, self.token, self.process, self.root = port, token, process, root

    def kernels(self) -> int:
        return len(kernel_pids(self.process.pid))

    def request(self, method: str, path: str, headers: dict | None = None, body: str | None = None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            connection.request(method, path, body=body, headers=headers or {})
            response = connection.getresponse()
            return response.status, response.msg, response.read().decode("utf-8", "replace")
        finally:
            connection.close()

    def wait_for_kernels(self, count: int, timeout: float = 60) -> None:
        wait_for_kernels(self.process.pid, count, timeout=timeout)

    def wait_gone(self, kernel_ids: set[str], timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while kernel_ids & kernels_by_id(self.process.pid).keys():
            assert time.monotonic() < deadline, f"kernels still running: {kernel_ids}"
            time.sleep(0.2)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    root = tmp_path_factory.mktemp("serve")
    port, token = free_port(), new_token()
    env = {
        "PILLARKIT_FOLDER": str(root / "reviews"),
        "PILLARKIT_PAGE_CONNECT_SECONDS": str(CONNECT_SECONDS),
        "JUPYTER_CONFIG_DIR": str(root / "config"),
        "JUPYTER_DATA_DIR": str(root / "data"),
        "HOME": str(root),
    }
    log = open(root / "voila.log", "wb")  # noqa: SIM115 - closed after the server stops
    process = launch(
        notebooks_folder(), APP_NOTEBOOK, port, {**os.environ, **env}, token=token, max_pages=2, stdout=log, stderr=log
    )
    try:
        wait_for_kernels(process.pid, POOL, timeout=180)
        served = Server(port, token, process, root)
        deadline = time.monotonic() + 60
        while True:
            try:
                served.request("GET", "/voila/static/")
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.3)
        yield served
    finally:
        stop(process)
        log.close()


PAGE = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}


@pytest.mark.slow
@pytest.mark.parametrize(
    "path",
    ["/", "/?token={token}", "/api/kernels", "/voila/static/", "/login", "/voila/api/shutdown/x"],
)
def test_a_foreign_host_gets_nothing_and_starts_nothing(server, path):
    for host in ("evil.example", f"evil.example:{server.port}", "192.168.1.20"):
        status, _, body = server.request("GET", path.format(token=server.token), {"Host": host, **PAGE})
        assert status == 403 and "answers only to this machine's names" in body
    upgrade = {
        "Host": "evil.example",
        "Connection": "Upgrade",
        "Upgrade": "websocket",
        "Sec-WebSocket-Version": "13",
        "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==",
    }
    assert server.request("GET", "/api/kernels/0/channels", upgrade)[0] == 403
    assert server.kernels() == POOL


@pytest.mark.slow
def test_without_the_token_there_is_only_the_way_in(server):
    for path in ("/", "/?token=wrong", "/api/kernels"):
        status, headers, _ = server.request("GET", path, PAGE)
        assert status == 302 and headers["Location"].startswith("/login?next=")
    status, _, body = server.request("GET", "/login?next=%2F", PAGE)
    assert status == 200 and "pillarkit serve" in body and "?token=" in body
    assert "Setup a Password" not in body and "jupyter server list" not in body
    assert server.kernels() == POOL


@pytest.mark.slow
def test_a_request_that_is_not_a_browsers_page_starts_no_kernel(server):
    for _ in range(3):
        status, _, body = server.request("GET", f"/?token={server.token}", {"Accept": "*/*"})
        assert status == 406 and "open it in a web browser" in body
    assert server.kernels() == POOL


def _cookies(headers) -> dict[str, str]:
    return dict(c.split(";", 1)[0].split("=", 1) for c in headers.get_all("Set-Cookie") or [])


def _kernel_id(page: str) -> str:
    return re.search(r'"kernelId": "([0-9a-f-]{36})"', page).group(1)


def _open_page(server) -> tuple[str, str, str]:
    """A page as a browser opens it: (kernel id, cookie header, _xsrf value)."""
    status, headers, page = server.request("GET", f"/?token={server.token}", PAGE)
    assert status == 200
    cookies = _cookies(headers)
    assert "_xsrf" in cookies, "the page must set the _xsrf cookie its closing beacon sends back"
    login = {k: v for k, v in cookies.items() if k.startswith("username-")}
    assert login, "after the first visit the browser keeps a login cookie"
    cookie = "; ".join(f"{k}={v}" for k, v in {**login, "_xsrf": cookies["_xsrf"]}.items())
    return _kernel_id(page), cookie, cookies["_xsrf"]


@pytest.mark.slow
def test_pages_are_capped_and_xsrf_stays_on_for_the_closing_beacon(server):
    pages = []
    for _ in range(2):
        kernel, cookie, xsrf = _open_page(server)
        # What the page does first: ask for its kernel, with the cookie and without the token.
        assert server.request("GET", f"/api/kernels/{kernel}", {"Cookie": cookie})[0] == 200
        pages.append((kernel, cookie, xsrf))
        server.wait_for_kernels(POOL + len(pages))
    status, _, body = server.request("GET", f"/?token={server.token}", PAGE)
    assert status == 503 and "Every review page this server allows is open" in body and "--max-pages" in body
    time.sleep(CONNECT_SECONDS + 6)  # a sweep: kernels their pages claimed are kept
    assert server.kernels() == POOL + 2
    for kernel, cookie, xsrf in pages:
        form = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie}
        # A forged same-origin request has the cookies but not the _xsrf field: refused.
        assert server.request("POST", f"/voila/api/shutdown/{kernel}", form, "")[0] == 403
        assert server.request("GET", f"/api/kernels/{kernel}", {"Cookie": cookie})[0] == 200  # still there
        # What Voila's page sends when it closes: the _xsrf field, from the cookie.
        beacon = urlencode({"_xsrf": xsrf})
        assert server.request("POST", f"/voila/api/shutdown/{kernel}", form, beacon)[0] == 204
    server.wait_gone({kernel for kernel, _, _ in pages})
    server.wait_for_kernels(POOL)


@pytest.mark.slow
def test_a_page_nobody_connects_to_loses_its_kernel(server):
    started = time.monotonic()
    kernel, _, _ = _open_page(server)
    assert kernel in kernels_by_id(server.process.pid)
    server.wait_gone({kernel}, timeout=CONNECT_SECONDS + 30)
    assert time.monotonic() - started >= CONNECT_SECONDS
    server.wait_for_kernels(POOL)


@pytest.mark.slow
@pytest.mark.parametrize(
    "path",
    [
        "/voila/templates/../..",
        "/voila/templates/lab/static/../../../../etc/passwd",
        "/voila/templates/x",
        "/voila/static/../../../etc/passwd",
        "/voila/files/../../etc/passwd",
        "/voila/labextensions/../../../etc/passwd",
        "/voila/render/../../etc/passwd",
        "/voila/tree/..",
    ],
)
def test_odd_paths_are_refused_without_a_500_or_a_server_path(server, path):
    status, _, body = server.request("GET", path, {"Cookie": "", **PAGE})
    assert status < 500 and status != 200, (path, status)
    for private in (str(notebooks_folder()), str(server.root), tempfile.gettempdir() + "/", "/etc/passwd:"):
        assert private not in body
    assert server.kernels() == POOL


def _running(pid: int) -> bool:
    """Alive, and not a zombie left for a parent that never reaps it."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


LAUNCHER = """
import sys, time
from kit.serve import APP_NOTEBOOK, launch, new_token, notebooks_folder
process = launch(notebooks_folder(), APP_NOTEBOOK, int(sys.argv[1]), token=new_token(), stdout=sys.stderr)
print(process.pid, flush=True)
time.sleep(600)
"""


@pytest.mark.slow
def test_a_server_whose_launcher_is_killed_stops_with_its_kernels(tmp_path):
    """`pillarkit serve` killed outright (SIGKILL, a closed terminal) leaves no Voila, no kernel, no port behind."""
    env = {**os.environ, "PILLARKIT_FOLDER": str(tmp_path / "reviews"), "HOME": str(tmp_path)}
    with (
        open(tmp_path / "voila.log", "wb") as log,
        subprocess.Popen(
            [sys.executable, "-c", LAUNCHER, str(free_port())], env=env, stdout=subprocess.PIPE, stderr=log
        ) as launcher,
    ):
        try:
            assert launcher.stdout is not None
            voila = int(launcher.stdout.readline())
            kernels = wait_for_kernels(voila, POOL, timeout=180)
            launcher.kill()
            launcher.wait()
            deadline = time.monotonic() + SWEEP_SECONDS + 60
            while any(_running(pid) for pid in [voila, *kernels]):
                assert time.monotonic() < deadline, "Voila or its kernel outlived the process that started it"
                time.sleep(0.5)
        finally:
            launcher.kill()
    assert "the process that started this server" in (tmp_path / "voila.log").read_text(errors="replace")

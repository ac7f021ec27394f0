"""The page as the kernel sees it: its address, its server, and whether it is still there."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from kit.app import page


class FakeServer:
    """Answers ``GET/DELETE /api/kernels/<id>`` as a Jupyter server does, with a connection count set by the test."""

    def __init__(self) -> None:
        self.connections = 0
        self.known = True
        self.deleted: list[str] = []
        self.tokens: list[str | None] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                fake.tokens.append(self.headers.get("Authorization"))
                if not fake.known:
                    self.send_error(404)
                    return
                body = json.dumps({"id": "k1", "connections": fake.connections}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_DELETE(self) -> None:
                fake.deleted.append(self.path)
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.http = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.http.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.http.server_address[1]}/"

    def close(self) -> None:
        self.http.shutdown()
        self.http.server_close()


@pytest.fixture
def fake_server():
    server = FakeServer()
    yield server
    server.close()


def test_the_address_names_a_review():
    assert page.review_in_query("review=1a2b3c4d") == "1a2b3c4d"
    assert page.review_in_query("x=1&review=0000beef") == "0000beef"
    assert page.review_in_query("") is None and page.review_in_query(None) is None
    assert page.startup_query({"QUERY_STRING": "review=1a2b3c4d", "VOILA_PREHEAT": "False"}) == "review=1a2b3c4d"
    assert page.startup_query({"QUERY_STRING": "review=1a2b3c4d", "VOILA_PREHEAT": "True"}) is None


def test_the_server_of_a_standalone_voila_kernel_is_found_from_its_variables(monkeypatch):
    monkeypatch.setattr(page, "kernel_id", lambda environ=None: "k1")
    environ = {"VOILA_PREHEAT": "False", "VOILA_APP_PORT": "9000", "VOILA_SERVER_URL": "/base/", "JPY_PARENT_PID": "1"}
    server = page.find_server(environ)
    assert server == page.Server("http://127.0.0.1:9000/base/", "k1", "", voila=True)
    assert server.kernel_url() == "http://127.0.0.1:9000/base/api/kernels/k1"
    assert page.find_server({}) is None  # plain Python: no server, no watch


def test_a_jupyter_server_is_found_by_its_runtime_file(monkeypatch, tmp_path):
    monkeypatch.setattr(page, "kernel_id", lambda environ=None: "k1")
    (tmp_path / "jpserver-4242.json").write_text(json.dumps({"url": "http://localhost:8888/lab-base", "token": "t0k"}))
    environ = {"JPY_PARENT_PID": "4242", "JUPYTER_RUNTIME_DIR": str(tmp_path)}
    assert page.find_server(environ) == page.Server("http://localhost:8888/lab-base/", "k1", "t0k", voila=False)


def test_the_watch_tells_when_the_page_goes_and_comes_back(fake_server):
    events: list[str] = []
    server = page.Server(fake_server.url, "k1", "secret")

    async def main() -> None:
        watch = page.PageWatch(
            server, lambda: events.append("gone"), lambda: events.append("back"), poll=0.05, gone_after=0.2
        )
        assert watch.start()
        await asyncio.sleep(0.3)
        assert events == []  # a preheated page that never connected is not gone
        fake_server.connections = 1
        await asyncio.sleep(0.3)
        fake_server.connections = 0
        await _until(lambda: events == ["gone"])
        fake_server.connections = 2
        await _until(lambda: events == ["gone", "back"])
        fake_server.known = False  # the server forgot the kernel: gone
        await _until(lambda: events == ["gone", "back", "gone"])
        watch.stop()

    asyncio.run(main())
    assert set(fake_server.tokens) == {"token secret"}


def test_a_blip_shorter_than_the_grace_is_not_a_page_gone(fake_server):
    events: list[str] = []
    fake_server.connections = 1

    async def main() -> None:
        watch = page.PageWatch(
            page.Server(fake_server.url, "k1"), lambda: events.append("gone"), lambda: events.append("back"), 0.05, 1.0
        )
        watch.start()
        await asyncio.sleep(0.3)
        fake_server.connections = 0  # a reconnecting page
        await asyncio.sleep(0.3)
        fake_server.connections = 1
        await asyncio.sleep(0.5)
        watch.stop()

    asyncio.run(main())
    assert events == []


def test_a_page_that_never_connects_counts_as_gone(fake_server):
    events: list[str] = []

    async def main() -> None:
        watch = page.PageWatch(
            page.Server(fake_server.url, "k1"),
            lambda: events.append("gone"),
            lambda: events.append("back"),
            poll=0.05,
            connect_within=0.3,
        )
        watch.start()
        await _until(lambda: events == ["gone"])
        await asyncio.sleep(0.3)
        assert events == ["gone"]  # said once
        fake_server.connections = 1  # it did load after all
        await _until(lambda: events == ["gone", "back"])
        watch.stop()

    asyncio.run(main())


def test_a_kernel_asks_its_server_to_shut_it_down(fake_server):
    assert page.shut_down(page.Server(fake_server.url, "k1"))
    assert fake_server.deleted == ["/api/kernels/k1"]


async def _until(condition, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        await asyncio.sleep(0.02)

"""The Voila server `pillarkit serve` runs: Voila, letting in only its user.

``python -m kit.voila_server NOTEBOOK [voila options]`` is Voila with these rules, read from
the environment (:mod:`kit.core.options`) so that nothing secret is on a command line:

* **A token.** Every page and API request needs the run's token
  (``PILLARKIT_TOKEN``): in the address `pillarkit serve` prints and opens, after which the
  browser keeps a cookie, as JupyterLab does. Without it there is the login page and nothing
  else. The app's kernels inherit the variable, to ask the server about their own page.
* **Host names.** Only requests addressed to this machine (``localhost``, ``127.x.x.x``,
  ``[::1]``) and to the names in ``PILLARKIT_ALLOW_HOSTS`` are answered; any other Host
  header, as a DNS-rebinding page sends, gets 403 on every path, websockets included.
* **XSRF stays on.** A page gets the ``_xsrf`` cookie (:mod:`kit.jupyter_extension`), so
  the beacon a closing page sends to shut its kernel down passes the check.
* **Kernels only for pages.** A kernel is handed out only for a page a browser asks for
  (``Accept: text/html``); a kernel no page connects to within ``PILLARKIT_PAGE_CONNECT_SECONDS``
  is shut down; at most ``PILLARKIT_MAX_PAGES`` pages run at once, and the next one gets a
  page that says so.
* **No server paths.** A malformed template path is 404, not a 500.
* **No orphan.** Started by `pillarkit serve` (``PILLARKIT_LAUNCHER``), it stops, with its
  kernels, once that process is gone, however it ended.
"""

from __future__ import annotations

import html
import inspect
import os
import re
import sys
import time
from collections.abc import Iterable

from kit.core import options

#: Host names that always reach the server: this machine's.
LOOPBACK = ("localhost", r"127\.\d{1,3}\.\d{1,3}\.\d{1,3}", r"\[::1\]", "::1")
#: Seconds between two looks at the page kernels.
SWEEP_SECONDS = 5.0


def host_pattern(allowed: Iterable[str]) -> str | None:
    """A regular expression for the Host names to refuse, or None when every name is allowed (``*``)."""
    names = [name.strip().lower() for name in allowed if name.strip()]
    if "*" in names:
        return None
    alternatives = list(LOOPBACK) + [re.escape(name) for name in names]
    return rf"^(?!(?:{'|'.join(alternatives)})$).*$"


def allowed_hosts(environ=None) -> list[str]:
    return [name for name in options.ALLOW_HOSTS.value(environ).split(",") if name.strip()]


def wants_html(accept: str) -> bool:
    """Whether a request's Accept header asks for a page, as a browser's navigation does."""
    return "text/html" in accept.lower()


class PageKernels:
    """The kernels handed to pages: when each was handed out, and which a page has connected to."""

    def __init__(self) -> None:
        self.opened: dict[str, float] = {}
        self.connected: set[str] = set()

    def open(self, kernel_id: str) -> None:
        self.opened[kernel_id] = time.monotonic()

    def live(self, running: Iterable[str]) -> int:
        """How many page kernels still run (forgetting the ones that stopped)."""
        running = set(running)
        for kernel_id in [k for k in self.opened if k not in running]:
            del self.opened[kernel_id]
            self.connected.discard(kernel_id)
        return len(self.opened)

    def unclaimed(self, older_than: float) -> list[str]:
        """Kernels handed out more than ``older_than`` seconds ago that no page ever connected to."""
        now = time.monotonic()
        return [k for k, t in self.opened.items() if k not in self.connected and now - t > older_than]


PAGES = PageKernels()

_STYLE = """<style>body{{font-family:system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem;line-height:1.5;
color:#1b2733}}code{{background:#eef1f4;padding:.1em .3em}}input{{font:inherit;padding:.3em;width:18em}}
button{{font:inherit;padding:.3em .8em}}.error{{color:#a33f00;font-weight:700}}</style>"""

LOGIN_PAGE = (
    """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>pillarkit: open the address with its token</title>"""
    + _STYLE
    + """</head>
<body><h1>This review app opens from its own address</h1>
<p>When <code>pillarkit serve</code> started, it printed the app's address: it ends in
<code>?token=</code> and a long code. Open that address; this browser then stays let in until the
server stops. Nobody without the token can see the app or the reviews it serves.</p>
{message}
<form method="post" action="{action}">{xsrf}
<label>Or paste the token here: <input type="password" name="password" autocomplete="off" autofocus></label>
<button type="submit">Open the app</button></form>
</body></html>
"""
)

FULL_PAGE = (
    """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>pillarkit: every page is taken</title>"""
    + _STYLE
    + """</head>
<body><h1>Every review page this server allows is open</h1>
<p>This server runs {live} app pages, its limit; each keeps a Python kernel of about 100&nbsp;MB.</p>
<p>Close a tab of the app you no longer use (its kernel stops when the tab closes), then reload this page.
A tab closed without its browser noticing frees its place within {wait} seconds.</p>
<p>To allow more pages, start the server with <code>pillarkit serve --max-pages N</code>.</p>
</body></html>
"""
)


def _voila_classes():
    """Voila's classes, with pillarkit's rules; imported only in the server process."""
    import tornado.escape
    import tornado.web
    from jupyter_core.utils import ensure_async
    from jupyter_server.services.kernels.handlers import KernelHandler
    from voila.app import Voila
    from voila.handler import VoilaHandler
    from voila.static_file_handler import TemplateStaticFileHandler
    from voila.tornado.kernel_websocket_handler import VoilaKernelWebsocketHandler
    from voila.voila_identity_provider import VoilaLoginHandler

    from kit.jupyter_extension import give_voila_pages_the_xsrf_cookie

    class RefusedHost(tornado.web.RequestHandler):
        """Every path, for a Host name that is not this machine's nor allowed."""

        def prepare(self) -> None:
            self.set_status(403)
            self.set_header("Content-Type", "text/plain; charset=utf-8")
            self.finish(
                "pillarkit answers only to this machine's names (localhost). To serve on a network on "
                "purpose, start it with --allow-host NAME (see pillarkit serve --help).\n"
            )

    class TemplateFiles(TemplateStaticFileHandler):
        """Voila's template files; a path that is not ``<template>/static/<file>`` is 404, not a 500."""

        async def get(self, path: str, include_body: bool = True) -> None:
            parts = path.split("/")
            if len(parts) < 3 or parts[1] != "static" or any(p in ("", ".", "..") for p in parts) or "\\" in path:
                raise tornado.web.HTTPError(404)
            await super().get(path, include_body)

    class Login(VoilaLoginHandler):
        """Where a request without the token lands: how to get in, in pillarkit's words (no Jupyter set-up)."""

        def _render(self, message=None) -> None:
            action = f"{self.base_url}login?next={tornado.escape.url_escape(self.get_argument('next', self.base_url))}"
            error = "<p class='error'>That is not this server's token.</p>" if message else ""
            self.write(
                LOGIN_PAGE.format(message=error, action=html.escape(action, quote=True), xsrf=self.xsrf_form_html())
            )

    class Claims(tornado.web.RequestHandler):
        """A kernel request from the logged-in browser (the page asks for its kernel's model, then
        connects to it) marks the kernel as claimed by a page, so it is never shut down as unclaimed.

        Mixed in before Jupyter's kernel handlers (a subclass of their common base, for the MRO and mypy).
        """

        async def prepare(self) -> None:
            # Jupyter's handlers' prepare may be a coroutine or not, whatever the base class says.
            result: object = super().prepare()
            if inspect.isawaitable(result):
                await result
            kernel_id = self.path_kwargs.get("kernel_id")
            # A browser's page comes with the login cookie; the kernel asking about its own page
            # (kit.app.page) comes with the token in a header, and claims nothing.
            by_page = "Authorization" not in self.request.headers
            if kernel_id and by_page and not self._finished and self.current_user:
                PAGES.connected.add(kernel_id)

    class Page(VoilaHandler):
        """The app's page: a kernel only for a browser's page request, and only while pages are under the cap.

        Mixed in before Voila's page handlers.
        """

        @tornado.web.authenticated
        async def get(self, path=None):
            if not wants_html(self.request.headers.get("Accept", "")):
                self.set_status(406)
                self.set_header("Content-Type", "text/plain; charset=utf-8")
                self.finish("pillarkit: this address is the review app; open it in a web browser.\n")
                return
            manager = self.kernel_manager
            most = options.MAX_PAGES.value()
            live = PAGES.live(manager.list_kernel_ids())
            if live >= most:
                self.set_status(503)
                self.set_header("Retry-After", "30")
                self.finish(FULL_PAGE.format(live=live, wait=options.PAGE_CONNECT_SECONDS.value()))
                return
            await super().get(path)

    class PillarkitVoila(Voila):
        """Voila with the rules in this module's docstring."""

        def initialize(self, argv=None):
            # Kept in the environment: the app's kernels inherit it, to ask this server about
            # their own page (kit.app.page); no one else sees a process's environment.
            token = options.TOKEN.value()
            super().initialize(argv)
            # jupyter_server's identity provider: the token in the address, then a login cookie.
            self.token = token or None

        def init_settings(self):
            settings = super().init_settings()
            provider = self.identity_provider
            provider.login_handler_class = Login
            provider.allow_password_change = False  # the token is the only way in; nothing is stored
            manager = self.kernel_manager
            handed_out = manager.get_rendered_notebook
            started = manager.start_kernel
            connected = manager.notify_connect

            async def get_rendered_notebook(*args, **kwargs):
                result = await handed_out(*args, **kwargs)
                PAGES.open(result[2])  # (render task, rendered cells, kernel id)
                return result

            async def start_kernel(*args, **kwargs):
                kernel_id = await ensure_async(started(*args, **kwargs))
                if kwargs.get("env", {}).get("VOILA_PREHEAT") == "False":  # a page's own kernel, not the pool's
                    PAGES.open(kernel_id)
                return kernel_id

            def notify_connect(kernel_id):
                PAGES.connected.add(kernel_id)
                return connected(kernel_id)

            manager.get_rendered_notebook = get_rendered_notebook
            manager.start_kernel = start_kernel
            manager.notify_connect = notify_connect
            return settings

        def init_handlers(self):
            handlers = []
            for route in super().init_handlers():
                pattern, handler, *rest = route
                if handler is TemplateStaticFileHandler:
                    handler = TemplateFiles
                elif isinstance(handler, type) and issubclass(handler, VoilaHandler):
                    handler = type(f"Pillarkit{handler.__name__}", (Page, handler), {})
                elif handler in (KernelHandler, VoilaKernelWebsocketHandler):
                    handler = type(f"Pillarkit{handler.__name__}", (Claims, handler), {})
                handlers.append((pattern, handler, *rest))
            refused = host_pattern(allowed_hosts())
            if refused is not None:
                # Rules are tried in the order they were added: this one comes before Voila's.
                self.app.add_handlers(refused, [(r".*", RefusedHost)])
            self.app.settings["disable_check_xsrf"] = False  # whatever a voila.json says
            give_voila_pages_the_xsrf_cookie(self.log)
            import tornado.ioloop

            tornado.ioloop.PeriodicCallback(self._sweep, SWEEP_SECONDS * 1000).start()
            return handlers

        async def _sweep(self) -> None:
            """Stop if the launcher is gone; shut down the kernels handed out for a page no browser connected to."""
            launcher = options.LAUNCHER.value()
            if launcher and os.getppid() != launcher:
                self.log.warning("pillarkit: the process that started this server (%s) is gone; stopping", launcher)
                self.ioloop.stop()  # Voila's start() then stops every kernel, as on Ctrl-C
                return
            manager = self.kernel_manager
            PAGES.live(manager.list_kernel_ids())
            for kernel_id in PAGES.unclaimed(options.PAGE_CONNECT_SECONDS.value()):
                PAGES.opened.pop(kernel_id, None)
                self.log.info("pillarkit: no page connected to kernel %s; shutting it down", kernel_id)
                try:
                    await ensure_async(manager.shutdown_kernel(kernel_id))
                except Exception as exc:  # already gone, or stopping: nothing to keep
                    self.log.debug("pillarkit: kernel %s: %s", kernel_id, exc)

    return PillarkitVoila


def main(argv: list[str] | None = None) -> None:
    _voila_classes().launch_instance(sys.argv[1:] if argv is None else argv)


__all__ = ["LOOPBACK", "PAGES", "PageKernels", "allowed_hosts", "host_pattern", "main", "wants_html"]

if __name__ == "__main__":
    main()

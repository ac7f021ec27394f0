"""Knowing when a person opens the page.

Voila runs the notebook ahead of time in a preheated kernel, before anyone asks for the page,
so the app it built may show a review file as it was minutes ago. When it hands a preheated
kernel to a page, Voila sends the request's details to whoever listens on its ``voila/query``
websocket for that kernel; the app listens there and then looks at its files again.

This speaks that small protocol itself rather than calling ``voila.utils.wait_for_request``:
importing Voila inside the kernel pulls in nbconvert and jupyter_server, about 65 MB that
every review kernel would carry for one message.
"""

from __future__ import annotations

import asyncio
import os
import threading
from collections.abc import Callable


def preheated() -> bool:
    return os.environ.get("VOILA_PREHEAT") == "True"


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


def when_page_opens(callback: Callable[[], None]) -> bool:
    """Run ``callback`` on the kernel's loop once Voila hands this preheated kernel to a page.

    Returns False (and never calls back) outside a preheated Voila kernel, where the notebook
    runs when the page is opened anyway.
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
                socket.recv()  # blocks this thread only, until the page is requested
        except Exception:
            # No word from Voila: the app keeps what it showed when preheated, and a save
            # still never overwrites a file changed meanwhile (ReviewApp._save).
            return
        loop.call_soon_threadsafe(callback)

    threading.Thread(target=wait, name="pillarkit-page-request", daemon=True).start()
    return True

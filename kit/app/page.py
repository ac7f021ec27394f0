"""Knowing when a person opens the page.

Voila runs the notebook ahead of time in a preheated kernel, before anyone asks for the page,
so the app it built may show a review file as it was minutes ago. Voila tells a preheated
kernel when its page is requested; the app then looks at its files again.
"""

from __future__ import annotations

import asyncio
import os
import threading
from typing import Callable


def preheated() -> bool:
    return os.environ.get("VOILA_PREHEAT") == "True"


def when_page_opens(callback: Callable[[], None]) -> bool:
    """Run ``callback`` on the kernel's loop once Voila hands this preheated kernel to a page.

    Returns False (and never calls back) outside a preheated Voila kernel, where the notebook
    runs when the page is opened anyway.
    """
    if not preheated():
        return False
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        return False

    def wait() -> None:
        from voila.utils import wait_for_request

        wait_for_request()  # blocks this thread only, until the page is requested
        loop.call_soon_threadsafe(callback)

    threading.Thread(target=wait, name="pillarkit-page-request", daemon=True).start()
    return True

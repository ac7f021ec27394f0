"""Print to PDF with the browser's own dialog, for servers without Chromium (Binder).

Binder builds an Ubuntu image, where the ``chromium`` package is only a pointer to a snap that
cannot run inside a container, so the server cannot print a PDF there. The app then offers
this instead: a tiny anywidget (``js/printer.js``) puts the handout's HTML into a hidden frame
of the page and opens the browser's print dialog on it, with the handout's print stylesheet;
"Save as PDF" makes the file on the person's own machine.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import anywidget

from kit.app.ui import classed

JS = Path(__file__).parent / "js"


class BrowserPrintWidget(anywidget.AnyWidget):
    _esm = JS / "printer.js"


class BrowserPrint:
    def __init__(self, on_printed: Callable[[], None] | None = None):
        self.widget = classed(BrowserPrintWidget(layout={"display": "none"}), "pk-printer")
        self.on_printed = on_printed
        self.widget.on_msg(self._message)

    def print_html(self, html: str, title: str) -> None:
        """Open the browser's print dialog on this document."""
        self.widget.send({"html": html, "title": title})

    def _message(self, _widget, content, _buffers) -> None:
        if isinstance(content, dict) and content.get("printed") and self.on_printed is not None:
            self.on_printed()

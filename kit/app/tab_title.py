"""The browser tab's title, "pillarkit · <workload>", so a facilitator finds the review among many tabs.

A tiny anywidget (``js/tab_title.js``) sets ``document.title`` in Voila, where the page is the
app; in JupyterLab the tab keeps the notebook's name. Voila's page starts as "pillarkit" (the
notebook's ``title`` metadata) until the kernel sends the workload's name.
"""

from __future__ import annotations

from pathlib import Path

import anywidget
import traitlets

from kit.app.ui import classed

JS = Path(__file__).parent / "js"
BRAND = "pillarkit"


def tab_title(workload_name: str) -> str:
    name = " ".join(workload_name.split()) or "Untitled workload"
    return f"{BRAND} · {name}"


class TabTitleWidget(anywidget.AnyWidget):
    _esm = JS / "tab_title.js"
    title = traitlets.Unicode(BRAND).tag(sync=True)


class TabTitle:
    def __init__(self) -> None:
        self.widget = classed(TabTitleWidget(layout={"display": "none"}), "pk-tab-title")

    def show(self, workload_name: str) -> None:
        title = tab_title(workload_name)
        if self.widget.title != title:
            self.widget.title = title

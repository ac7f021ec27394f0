"""A few lines of script in the page: the review's id in the page address.

ipywidgets has no widget that runs script, but an ``Output`` widget shows a notebook output,
and a notebook's JavaScript output runs in Voila, JupyterLab and Notebook 7 (widget outputs are
trusted). So the app keeps one hidden ``Output`` whose only output is the script below, and
replaces it when the review on screen changes. The script writes ``?review=<id>`` into the
address (Voila only: JupyterLab's address is its own), without a new history entry, so that a
reload or the same link opened again shows the same review.

Keys, Ctrl+Z for Undo among them, are the keyboard's (:mod:`kit.app.keyboard`): one listener
for every key, so no key is handled twice.

The id is eight hex digits made by the app, and goes in as a JSON string; nothing a user typed
reaches the script.
"""

from __future__ import annotations

import json

import ipywidgets as w

from kit.app.page import REVIEW_PARAMETER
from kit.app.ui import classed

SCRIPT = """(function () {
  var review = %(review)s, inVoila = %(voila)s, parameter = %(parameter)s;
  if (inVoila) {
    var url = new URL(window.location.href);
    if (review) { url.searchParams.set(parameter, review); } else { url.searchParams.delete(parameter); }
    if (url.href !== window.location.href) { window.history.replaceState(window.history.state, "", url.href); }
  }
})();
"""


def script(review_id: str | None, voila: bool) -> str:
    return SCRIPT % {
        "review": json.dumps(review_id),
        "voila": json.dumps(bool(voila)),
        "parameter": json.dumps(REVIEW_PARAMETER),
    }


class PageScript:
    """The hidden output that carries the script; :meth:`set_review` rewrites the address."""

    def __init__(self, voila: bool):
        self.voila = voila
        self.review_id: str | None = None
        self.widget = classed(w.Output(layout=w.Layout(display="none")), "pk-page-script")
        self._render()

    def set_review(self, review_id: str | None) -> None:
        if review_id == self.review_id:
            return
        self.review_id = review_id
        self._render()

    def _render(self) -> None:
        code = script(self.review_id, self.voila)
        self.widget.outputs = (
            {
                "output_type": "display_data",
                "data": {"application/javascript": code, "text/plain": "pillarkit page script"},
                "metadata": {},
            },
        )

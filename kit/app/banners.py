"""The two banners above the question: continuing the most recent review, and who writes this one.

Both sit above the first question and never block it. The resume banner offers the review
whose answers changed last; when the folder holds other copies of it (a download uploaded
again, a file copied by hand), it lists each with the time of its last answer and what
differs, so that nobody continues a stale copy by mistake. The owner banner says when this
window is read-only because another window writes the review, with a button to take over.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import ipywidgets as w
from markupsafe import escape

from kit.app.events import Events
from kit.app.session import Offer, Ownership, Role
from kit.app.storage import SavedReview
from kit.app.ui import button, classed, html, show
from kit.core.dates import readable_moment

#: At most this many differences are named per copy.
SHOWN_DIFFERENCES = 6


def when_text(saved: SavedReview) -> str:
    return readable_moment(saved.last_change)


class ResumeBanner:
    """“Continue the review of …?”; ``resume(path)`` continues it."""

    def __init__(self, events: Events, resume: Callable[[Path], None]):
        self._resume = resume
        self.offered: Offer | None = None
        self.text = html("", "pk-resume-banner-text")
        self.resume = button("Continue it", "pk-banner-resume", icon="folder-open", style="success")
        self.dismiss = button("Start a new review", "pk-banner-dismiss")
        events.click(self.resume, self._on_resume, "resuming the most recent review")
        events.click(self.dismiss, self.hide, "dismissing the resume banner")
        self.widget = classed(w.HBox([self.text, self.resume, self.dismiss]), "pk-resume-banner")
        show(self.widget, False)

    @property
    def saved(self) -> SavedReview | None:
        return self.offered.saved if self.offered else None

    def offer(self, offer: Offer | None, name_of: Callable[[str], str] = lambda part: part) -> None:
        """Offer a review (None hides the banner); ``name_of`` turns ``"<alias>/<question id>"`` into a code."""
        self.offered = offer
        if offer is None:
            self.hide()
            return
        saved = offer.saved
        name = escape(saved.workload or "Untitled workload")
        text = f"Continue the review of <b>{name}</b>, last answer at {escape(when_text(saved))}?"
        if offer.copies:
            items = [
                f"<li><b>{escape(saved.path.name)}</b>: last answer at {escape(when_text(saved))}, "
                f"{saved.answers} answered (the latest: this one is continued)</li>"
            ]
            for copy, differs in offer.copies:
                named = [name_of(part) for part in differs[:SHOWN_DIFFERENCES]]
                more = len(differs) - len(named)
                what = ", ".join(named) + (f" and {more} more" if more else "")
                items.append(
                    f"<li>{escape(copy.path.name)}: last answer at {escape(when_text(copy))}, {copy.answers} answered"
                    + (f"; differs in {escape(what)}" if differs else "; the same answers")
                    + "</li>"
                )
            count = len(offer.copies) + 1
            text += (
                f"<div class='pk-resume-copies'>There are {count} copies of this review "
                "(open another from the Review file page):"
                f"<ul>{''.join(items)}</ul></div>"
            )
        self.text.value = text
        show(self.widget, True)

    def hide(self) -> None:
        show(self.widget, False)

    def _on_resume(self) -> None:
        if self.offered is not None:
            self._resume(self.offered.saved.path)
        self.hide()


OWNER_TEXT = {
    "other-window": "This review is open in another window, which saves it. This window is <b>read-only</b> "
    "and shows that window's answers as they are saved.",
    "taken-over": "Another window took this review over. This window is <b>read-only</b> and shows that "
    "window's answers as they are saved.",
    "handed-over": "Another window took this review over, after this one saved every answer. This window is "
    "<b>read-only</b> and shows that window's answers as they are saved.",
    "asking": "Asking the other window to save and hand the review over…",
    "page-gone": "This page lost its connection, so it stopped saving. Reload the page to carry on.",
}


class OwnerBanner:
    """Shown while this window does not write the review; ``take_over()`` makes it the writer."""

    def __init__(self, events: Events, take_over: Callable[[], None]):
        self.text = html("", "pk-owner-banner-text")
        self.take_over = button(
            "Take over",
            "pk-take-over",
            icon="pencil",
            style="warning",
            tooltip="Make this window the one that saves the review (the other becomes read-only)",
        )
        events.click(self.take_over, take_over, "taking the review over")
        self.widget = classed(w.HBox([self.text, self.take_over]), "pk-owner-banner")
        show(self.widget, False)

    def show(self, ownership: Ownership) -> None:
        # For a moment after a reload the page it replaces still holds the review: nothing to alarm anyone with.
        visible = ownership.role in (Role.READER, Role.DETACHED) and ownership.reason != "waiting"
        if visible:
            text = OWNER_TEXT.get(ownership.reason, OWNER_TEXT["other-window"])
            if ownership.unsaved and ownership.role is Role.READER:
                text += " <b>This window's last change is not saved</b>: take over to save it."
            self.text.value = text
            show(self.take_over, ownership.role is Role.READER and ownership.reason != "asking")
        show(self.widget, visible)

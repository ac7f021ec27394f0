"""Small helpers for building widgets the same way everywhere: CSS classes, escaping, holding sync.

Every widget a browser test may need carries a stable ``pk-`` class (see the package
docstring for the list). Every piece of user or lens text that goes into an ``HTML`` widget
passes through markupsafe's ``escape`` first (or :func:`esc_lines`, :func:`link`, which
escape): text is data, never markup.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import ExitStack, contextmanager

import ipywidgets as w
from markupsafe import Markup, escape


def esc_lines(text: str) -> Markup:
    """Escaped text whose line breaks survive as ``<br>``."""
    return Markup("<br>").join(escape(line) for line in str(text).splitlines())


def link(text: str, url: str | None) -> Markup:
    """An anchor that opens in a new tab, or the plain escaped text when there is no http(s) URL."""
    if not url or not url.lower().startswith(("https://", "http://")):
        return escape(text)
    return Markup('<a href="{}" target="_blank" rel="noopener noreferrer">{}</a>').format(url, text)


def classed(widget: w.DOMWidget, *classes: str) -> w.DOMWidget:
    """``widget`` with CSS classes added (the ``pk-`` ones are what browser tests look for)."""
    for name in classes:
        widget.add_class(name)
    return widget


def spoken(widget: w.DOMWidget, label: str) -> w.DOMWidget:
    """Give a control a label that screen readers announce but the screen does not show.

    For a control whose purpose is plain on screen (a picker beside its buttons, a box with a
    placeholder): the label is the widget's own description, linked to the control by ipywidgets,
    and class ``pk-sr-label`` hides it from sight only.
    """
    widget.description = label
    return classed(widget, "pk-sr-label")


def set_class(widget: w.DOMWidget, name: str, on: bool) -> None:
    """Add or remove one CSS class; no message is sent when nothing changes."""
    present = name in widget._dom_classes
    if on and not present:
        widget.add_class(name)
    elif not on and present:
        widget.remove_class(name)


def show(widget: w.DOMWidget, visible: bool) -> None:
    """Hide a widget without removing it (display: none), sending nothing when unchanged."""
    value = None if visible else "none"
    if widget.layout.display != value:
        widget.layout.display = value


def html(value: str = "", *classes: str) -> w.HTML:
    return classed(w.HTML(value), *classes)


def button(
    label: str, *classes: str, tooltip: str = "", style: str = "", icon: str = "", width: str | None = None
) -> w.Button:
    layout = w.Layout(width=width) if width else w.Layout(width="auto")
    return classed(
        w.Button(description=label, tooltip=tooltip or label, button_style=style, icon=icon, layout=layout), *classes
    )


def toggle(label: str, *classes: str, tooltip: str = "", value: bool = False, icon: str = "") -> w.ToggleButton:
    return classed(
        w.ToggleButton(
            value=value, description=label, tooltip=tooltip or label, icon=icon, layout=w.Layout(width="auto")
        ),
        *classes,
    )


def checkbox(label: str, *classes: str, value: bool = False) -> w.Checkbox:
    return classed(w.Checkbox(value=value, description=label, indent=False, layout=w.Layout(width="auto")), *classes)


def text(label: str, *classes: str, placeholder: str = "", value: str = "") -> w.Text:
    return classed(
        w.Text(
            value=value,
            description=label,
            placeholder=placeholder,
            style={"description_width": "9em"},
            layout=w.Layout(width="100%"),
        ),
        *classes,
    )


def textarea(label: str, *classes: str, placeholder: str = "", rows: int = 3, value: str = "") -> w.Textarea:
    return classed(
        w.Textarea(
            value=value,
            description=label,
            placeholder=placeholder,
            rows=rows,
            style={"description_width": "9em" if label else "0"},
            layout=w.Layout(width="100%"),
        ),
        *classes,
    )


def dropdown(options, *classes: str, value=None, label: str = "", width: str = "auto") -> w.Dropdown:
    kwargs = {"value": value} if value is not None else {}
    return classed(w.Dropdown(options=options, description=label, layout=w.Layout(width=width), **kwargs), *classes)


@contextmanager
def held(widgets: Iterable[w.Widget]) -> Iterator[None]:
    """Hold the sync of several widgets: each sends one message with all its changes at the end."""
    with ExitStack() as stack:
        for widget in widgets:
            stack.enter_context(widget.hold_sync())
        yield

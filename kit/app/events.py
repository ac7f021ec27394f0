"""Every widget callback goes through one wrapper: errors are shown and logged, never swallowed.

``Events.observe`` and ``Events.click`` register callbacks through :meth:`Events.guard`, the
single decorator of the app. While the app changes widgets itself (showing another question,
loading a review) it runs inside ``events.quiet()``: observers are then suspended, so filling
in a form does not write the values straight back into the review or fire redraws.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import ipywidgets as w

from kit.app.messages import Messages


class Events:
    def __init__(self, messages: Messages, raise_errors: bool = False):
        self.messages = messages
        #: Re-raise after reporting (for tests and debugging); the message and log entry come first.
        self.raise_errors = raise_errors
        self._quiet = 0

    @contextmanager
    def quiet(self) -> Iterator[None]:
        """Suspend every observer while the app sets widget values itself."""
        self._quiet += 1
        try:
            yield
        finally:
            self._quiet -= 1

    @property
    def is_quiet(self) -> bool:
        return self._quiet > 0

    def guard(self, action: str, suspend: bool = True) -> Callable[[Callable], Callable]:
        """The one decorator for callbacks: skip while quiet (if ``suspend``); report any exception as ``action`` failing."""

        def decorate(function: Callable) -> Callable:
            @functools.wraps(function)
            def wrapper(*args, **kwargs):
                if suspend and self._quiet:
                    return None
                try:
                    return function(*args, **kwargs)
                except Exception as exc:
                    self.messages.report_exception(exc, action)
                    if self.raise_errors:
                        raise
                    return None

            return wrapper

        return decorate

    def observe(
        self, widget: w.Widget, callback: Callable[[dict], None], action: str, names: str = "value"
    ) -> Callable:
        handler = self.guard(action)(callback)
        widget.observe(handler, names=names)
        return handler

    def click(self, button: w.Button, callback: Callable[[], None], action: str) -> Callable:
        handler = self.guard(action)(lambda _button: callback())
        button.on_click(handler)
        return handler

    def run(self, callback: Callable[[], None], action: str) -> Callable[[], None]:
        """``callback`` wrapped for a scheduler (a delayed save, the timer's tick); never suspended."""
        return self.guard(action, suspend=False)(callback)

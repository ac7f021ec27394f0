"""The keyboard: next and previous, ticking practices by number, presenter mode, and a help overlay.

ipywidgets has no key events, so a small anywidget (``js/keyboard.js``) listens in the page and
sends ``{"action": ..., "key": ...}`` to the kernel, where :class:`Keyboard` calls the handler
the app gave for that action. The bindings are defined here, once: the page matches keys
against them and the help overlay lists them. An action the app gives no handler for is
neither bound nor listed, so the help never offers a key that does nothing. This is the page's
only key listener: Ctrl+Z (or Cmd+Z) outside a text field is the app's Undo, as its button;
inside one it is left to the browser's own undo of typing.

In the page a key acts only while nobody is typing in a text field, and only for this app
(in JupyterLab, when the focus is inside the app; in Voila, whose page is the app, also when
nothing has the focus). Keys the app uses are kept from JupyterLab's own shortcuts.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import anywidget
import traitlets

from kit.app.events import Events
from kit.app.ui import classed

JS = Path(__file__).parent / "js"

#: Said under the list in the help overlay.
NOTE = "Keys do nothing while you type in a text field. In JupyterLab, click the app first."


@dataclass(frozen=True)
class Binding:
    """One action: the key names the page matches (``KeyboardEvent.key``, lower case, ``ctrl+`` for Ctrl
    or Cmd), how the help writes them, and what the help says the action does."""

    action: str
    keys: tuple[str, ...]
    shown: tuple[str, ...]
    label: str

    def to_json(self) -> dict:
        return {"action": self.action, "keys": list(self.keys), "shown": list(self.shown), "label": self.label}


DIGITS = tuple(str(n) for n in range(1, 10))

#: Every binding, in the order the help lists them. ``help`` is handled in the page itself.
BINDINGS = (
    Binding("next", ("ArrowRight", "n"), ("→", "N"), "Next question"),
    Binding("previous", ("ArrowLeft", "b"), ("←", "B"), "Previous question"),
    Binding("tick", DIGITS, ("1 … 9",), "Tick or untick that practice"),
    Binding("none", ("0",), ("0",), "Tick or untick “None of these”"),
    Binding("reveal", ("r",), ("R",), "Reveal the hidden choices"),
    Binding("presenter", ("p",), ("P",), "Presenter mode on or off"),
    Binding("overview", ("o",), ("O",), "Show the list of questions"),
    Binding("undo", ("ctrl+z", "u"), ("Ctrl+Z", "U"), "Undo the last change"),
    Binding("help", ("?",), ("?",), "This list (Esc closes it)"),
)
ACTIONS = {binding.action for binding in BINDINGS}


class KeyboardWidget(anywidget.AnyWidget):
    """The page's side: a "Keys" button, the key listener and the help overlay."""

    _esm = JS / "keyboard.js"
    _css = JS / "keyboard.css"
    bindings = traitlets.List(traitlets.Dict()).tag(sync=True)
    note = traitlets.Unicode(NOTE).tag(sync=True)


class Keyboard:
    """Keys to actions. ``handlers`` maps an action of :data:`BINDINGS` to a callable taking the key's name."""

    def __init__(self, events: Events, handlers: Mapping[str, Callable[[str], None]]):
        unknown = set(handlers) - ACTIONS
        if unknown:
            raise ValueError(f"no key binding for {sorted(unknown)}")
        self.handlers = dict(handlers)
        self.bindings = [b for b in BINDINGS if b.action in self.handlers or b.action == "help"]
        self.widget = classed(KeyboardWidget(bindings=[b.to_json() for b in self.bindings]), "pk-keys")
        self._on_message = events.guard("using the keyboard")(self._message)
        self.widget.on_msg(self._on_message)

    def press(self, action: str, key: str = "") -> bool:
        """Do what the key for ``action`` does (the page's messages come here too); False if nothing is bound."""
        handler = self.handlers.get(action)
        if handler is None:
            return False
        if action == "tick" and key not in DIGITS:
            return False
        handler(key)
        return True

    def _message(self, _widget, content, _buffers) -> None:
        # The page sends only what the bindings allow; anything else is ignored, never trusted.
        if isinstance(content, dict) and isinstance(content.get("action"), str):
            self.press(content["action"], str(content.get("key", "")))

"""Icons are decoration: a tiny anywidget (``js/icons.js``) hides every Font Awesome icon in the app
from screen readers, so an icon-only button (a practice's details, moving a pillar) is announced
by its tooltip ("Move Security up"), not by the icon font's private-use character.
"""

from __future__ import annotations

from pathlib import Path

import anywidget

from kit.app.ui import classed

JS = Path(__file__).parent / "js"


class DecorativeIconsWidget(anywidget.AnyWidget):
    _esm = JS / "icons.js"


def decorative_icons() -> DecorativeIconsWidget:
    return classed(DecorativeIconsWidget(layout={"display": "none"}), "pk-icons")

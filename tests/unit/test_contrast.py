"""WCAG AA contrast, computed: risk colours with their text, and every text colour of the app's stylesheet.

Text needs 4.5:1 against what is behind it; a mark that is not text (the overview's unanswered
mark on white) needs 3:1 from its surroundings, here through its outline. Risk is never told by
colour alone as well (badges and marks carry words), which other tests check.
"""

from __future__ import annotations

import re

import pytest

from kit.app import style
from kit.app.overview import MARKS
from kit.render.charts import PALETTE, TEXT_COLOUR

WHITE = "#ffffff"
AA_TEXT = 4.5
AA_NON_TEXT = 3.0


def luminance(colour: str) -> float:
    value = colour.lstrip("#")
    if len(value) == 3:
        value = "".join(c * 2 for c in value)
    channels = [int(value[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    light, dark = sorted((luminance(a), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_the_formula_matches_wcag_reference_values():
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)  # the classic near miss
    assert contrast("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)


@pytest.mark.parametrize("risk", sorted(PALETTE))
def test_every_risk_colour_carries_its_text_at_aa(risk):
    """Badges, chart segments and overview marks write black on the risk's colour."""
    assert contrast(TEXT_COLOUR, PALETTE[risk]) >= AA_TEXT


def rules(css: str) -> list[tuple[str, dict[str, str]]]:
    found = []
    for selector, body in re.findall(r"([^{}]+)\{([^{}]*)\}", css):
        declarations = {}
        for part in body.split(";"):
            if ":" in part:
                name, value = part.split(":", 1)
                declarations[name.strip()] = value.strip()
        found.append((" ".join(selector.split()), declarations))
    return found


def hex_colour(value: str) -> str | None:
    match = re.search(r"#[0-9a-fA-F]{6}\b|#[0-9a-fA-F]{3}\b", value or "")
    return match.group(0) if match else None


def test_every_text_colour_of_the_app_reads_at_aa_on_its_background():
    checked = 0
    for selector, declarations in rules(style.stylesheet()):
        text = hex_colour(declarations.get("color", ""))
        if text is None:
            continue
        background = hex_colour(declarations.get("background", "")) or WHITE
        ratio = contrast(text, background)
        assert ratio >= AA_TEXT, f"{selector}: {text} on {background} is {ratio:.2f}:1"
        checked += 1
    assert checked >= 20  # the parser found the stylesheet's colours


def test_risk_coloured_text_reads_at_aa():
    css = style.stylesheet()
    high = hex_colour(dict(rules(css))[".pk-app .pk-total-high b"]["color"])
    assert contrast(high, WHITE) >= AA_TEXT


def test_the_unanswered_mark_is_told_apart_from_white_by_its_outline():
    css = style.stylesheet()
    mark = dict(rules(css))[".pk-app .pk-overview-mark"]
    outline = hex_colour(mark["box-shadow"])
    assert contrast(outline, WHITE) >= AA_NON_TEXT
    assert contrast(TEXT_COLOUR, hex_colour(mark["background"])) >= AA_TEXT
    assert all(m["mark"] for m in MARKS.values())  # and a word on every mark

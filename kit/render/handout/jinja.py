"""The handout's Jinja environment: templates shipped in the package, autoescape on, strict about names.

Every template renders with ``autoescape=True``, so any string a template is given (a
workload's name, a note, a custom lens's title) reaches the HTML escaped, by construction;
only what another template rendered (a :class:`~markupsafe.Markup`) passes as markup.
A misspelt name fails loudly (``StrictUndefined``) instead of rendering as nothing. Control
characters, which HTML cannot hold, become U+FFFD in every string a template is given
(:func:`kit.core.text.for_document`), before it is escaped.

HTML templates (``*.html.j2``) are laid out over many indented lines for people to read, and
their line breaks, with the indentation around them, are dropped when they load: the handout
stays as compact as before, and no stray space appears between tags. A space that matters
is written inside a line, and a tag or comment never spans lines. (Each line break becomes
a Jinja comment holding it, so an error still names the template's right line.) The
stylesheet (``handout.css.j2``) keeps its lines.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined
from jinja2.ext import Extension
from markupsafe import Markup

from kit.core.text import for_document
from kit.core.vocabulary import HIGH, MEDIUM, NONE, UNANSWERED, WORST_FIRST, ChoiceStatus, Risk
from kit.render.handout.audit import safe_url
from kit.render.handout.wording import level_tag, nice_date

_LINE_BREAK = re.compile(r"[ \t]*\r?\n\s*")


def _comment(match: re.Match[str]) -> str:
    return "{#" + "\n" * match.group().count("\n") + "#}"


class OneLineHtml(Extension):
    """Drops line breaks and the indentation around them from HTML templates as they load."""

    def preprocess(self, source: str, name: str | None, filename: str | None = None) -> str:
        return _LINE_BREAK.sub(_comment, source) if name and name.endswith(".html.j2") else source


def _document_text(value: object) -> object:
    """Every ``{{ value }}``: plain text loses its control characters; markup and other values pass."""
    return for_document(value) if isinstance(value, str) and not isinstance(value, Markup) else value


@cache
def environment() -> Environment:
    """The one environment (building it once, templates are compiled once and cached)."""
    env = Environment(
        loader=PackageLoader("kit.render.handout", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        finalize=_document_text,
        auto_reload=False,  # the templates are package data: no need to stat them on every use
        extensions=[OneLineHtml],
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["safe_url"] = safe_url
    env.filters["level_tag"] = level_tag
    env.filters["nice_date"] = nice_date
    env.globals.update(
        Risk=Risk,
        ChoiceStatus=ChoiceStatus,
        WORST_FIRST=WORST_FIRST,
        HIGH=HIGH,
        MEDIUM=MEDIUM,
        NONE=NONE,
        UNANSWERED=UNANSWERED,
    )
    return env


def render(template: str, /, **context: Any) -> Markup:
    """Render ``template`` (a file under ``templates/``); the result is markup, safe to put in another template."""
    return Markup(environment().get_template(template).render(**context))


def macro(template: str, name: str) -> Callable[..., Markup]:
    """The macro ``name`` of ``template``, to call from Python; it returns markup, like :func:`render`."""
    found: Callable[..., Markup] = getattr(environment().get_template(template).module, name)
    return found

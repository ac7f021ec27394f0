"""The audit that a handout fetches nothing: what a document would load or run, found tag by tag.

The handout must open offline and run no script. Its templates only ever write plain
``<a href>`` links to ``http(s)`` pages (:func:`safe_url` decides which URLs may be links),
and its page template drops every script and style sheet URL; :func:`remote_references`
then reads the finished document with an HTML parser, so that a change anywhere (in our
templates, or in nbconvert's) that made the page fetch something is refused rather than
shipped. Text is never markup to the parser, so user text cannot trip it, or hide from it.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

#: Attributes that make a browser load something as soon as the page opens (or a form posts).
LOADING_ATTRIBUTES = frozenset(
    {"src", "srcset", "data", "poster", "background", "action", "formaction", "xlink:href", "ping", "manifest"}
)
#: Elements that load or run something whatever their attributes say.
LOADING_ELEMENTS = frozenset({"script", "link", "iframe", "frame", "object", "embed", "base", "form", "template"})
_REMOTE_STYLE = (re.compile(r"@import\b", re.I), re.compile(r"url\(\s*[\"']?\s*(?!data:|#)[^)\s]", re.I))


def safe_url(url: object) -> str | None:
    """The URL if it is a plain ``http`` or ``https`` link, else ``None`` (so ``javascript:`` never becomes a link)."""
    if not url or not isinstance(url, str):
        return None
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc or any(c in url for c in "\x00\n\r\t <>\"'`"):
        return None
    return url


class _RemoteFinder(HTMLParser):
    """Finds what would run a script or load anything but a ``data:`` URL, tag by tag (text is never markup)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in LOADING_ELEMENTS:
            self.found.append(f"<{tag}>")
        if tag == "style":
            self._in_style = True
        for name, raw in attrs:
            value = (raw or "").strip()
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}=...>")
            elif name in LOADING_ATTRIBUTES or (name == "href" and tag != "a"):
                if not value.lower().startswith(("data:image/", "#")):
                    self.found.append(f"<{tag} {name}={value[:60]!r}>")
            elif name == "href" and not (value.startswith("#") or safe_url(value)):
                self.found.append(f"<a href={value[:60]!r}>")
            elif name == "style":
                self._check_style(value)
            elif tag == "meta" and name == "http-equiv" and value.lower() == "refresh":
                self.found.append("<meta http-equiv=refresh>")

    def handle_endtag(self, tag: str) -> None:
        if tag == "style":
            self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self._check_style(data)

    def _check_style(self, css: str) -> None:
        for pattern in _REMOTE_STYLE:
            self.found.extend(m.group(0) for m in pattern.finditer(css))


def remote_references(document: str) -> list[str]:
    """Markup in an HTML document that would run a script or load anything but a ``data:`` image.

    Plain ``<a href>`` links to ``http(s)`` pages and ``#`` anchors are allowed: they fetch
    nothing until the reader follows them. User text is never markup, so it is never reported.
    """
    finder = _RemoteFinder()
    finder.feed(document)
    finder.close()
    return finder.found


__all__ = ["LOADING_ATTRIBUTES", "LOADING_ELEMENTS", "remote_references", "safe_url"]

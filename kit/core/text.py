"""Text from users and lenses, made safe for where it is shown: documents, spreadsheets, terminals.

A workload name, a note or a lens title may hold characters that are not text: control
characters (``\\x00``, the escape ``\\x1b`` that starts terminal sequences, the C1 range),
Unicode's non-characters, the bidirectional overrides that reorder what a terminal shows, and
halves of UTF-16 surrogate pairs. They are kept in the review file as typed, and changed only
where they are shown:

* :func:`for_document` (HTML, spreadsheets): each becomes U+FFFD, the replacement character,
  so the reader sees that something was there and no parser chokes on it.
* :func:`for_terminal`: each is written as a visible escape (``\\x1b``, ``\\u202e``), so no
  name can clear the screen, retitle the window or write the clipboard.
"""

from __future__ import annotations

import re

#: Control characters but tab, line feed and carriage return, which documents keep.
_DOCUMENT_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff]")
#: Every control character, line breaks included (a terminal line is one line), the
#: bidirectional controls, the line and paragraph separators, and surrogate halves.
_TERMINAL_UNSAFE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ud800-\udfff\ufeff\ufffe\uffff]"
)
#: A half of a UTF-16 surrogate pair: not a character, and not encodable as UTF-8.
SURROGATE = re.compile("[\ud800-\udfff]")
REPLACEMENT = "\ufffd"


def for_document(text: str) -> str:
    """``text`` with every character a document cannot hold replaced by U+FFFD."""
    return _DOCUMENT_UNSAFE.sub(REPLACEMENT, text)


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group(0))
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def for_terminal(text: str) -> str:
    """``text`` with every control and reordering character shown as an escape, such as ``\\x1b``."""
    return _TERMINAL_UNSAFE.sub(_escape, text)


def surrogate_in(text: str) -> str | None:
    """The first half of a surrogate pair in ``text``, written as an escape (``\\ud800``), or None."""
    found = SURROGATE.search(text)
    return None if found is None else _escape(found)

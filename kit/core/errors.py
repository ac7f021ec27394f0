"""Named exceptions and diagnostics: every problem says which file and where in it."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Diagnostic:
    """One finding about an input file, rendered as a single line: ``file: place: message``."""

    source: str
    where: str
    message: str
    code: str = "error"
    #: True for limits that only matter when importing into the AWS Well-Architected Tool.
    wa_import: bool = False

    def __str__(self) -> str:
        place = f"{self.where}: " if self.where else ""
        return f"{self.source}: {place}{self.message}"


def grouped(diagnostics: Iterable[Diagnostic]) -> list[tuple[str, list[Diagnostic]]]:
    """Diagnostics by code, each code where it first appears, each group in the order found."""
    groups: dict[str, list[Diagnostic]] = {}
    for diagnostic in diagnostics:
        groups.setdefault(diagnostic.code, []).append(diagnostic)
    return list(groups.items())


def listed(values: Iterable[object], shown: int = 5, most: int = 40) -> str:
    """``'a', 'b', 'c'``, or past ``shown`` values ``'a', 'b', 'c', 'd', 'e' and 45 more``: one line stays short.

    A value longer than ``most`` characters is cut with an ellipsis.
    """
    values = list(values)
    text = ", ".join(_cut(repr(v), most) for v in values[:shown])
    return f"{text} and {len(values) - shown} more" if len(values) > shown else text


def _cut(text: str, most: int) -> str:
    return text if len(text) <= most else text[: most - 1] + "…"


class PillarkitError(Exception):
    """Base of every error the kit raises on bad input; ``str()`` is one line."""

    def __init__(self, diagnostics: list[Diagnostic] | Diagnostic):
        self.diagnostics = [diagnostics] if isinstance(diagnostics, Diagnostic) else list(diagnostics)
        super().__init__(str(self.diagnostics[0]) if self.diagnostics else "unknown error")

    @classmethod
    def at(cls, source: str, where: str, message: str) -> PillarkitError:
        return cls(Diagnostic(str(source), where, message))

    def lines(self) -> list[str]:
        return [str(d) for d in self.diagnostics]


class LensError(PillarkitError):
    """A question bank that cannot be used."""


class UnknownLensError(LensError):
    """A lens named by an alias that is neither bundled nor a file."""


class ReviewError(PillarkitError):
    """A review file that cannot be read, or a change the review refuses."""


class FormatVersionError(ReviewError):
    """A review written by a newer pillarkit."""


class ReadOnlyError(ReviewError):
    """A change refused because another window is the one writing this review."""


class TextTooLongError(ReviewError):
    """Text longer than its field's limit (or too many items); it is refused, never cut."""


class NoteTooLongError(TextTooLongError):
    """A note longer than the Well-Architected Tool accepts; it is refused, never cut."""


class RegisterError(ReviewError):
    """A risk-register entry or change the register refuses (an unknown id, a level, a text past its limit)."""


class ExportError(PillarkitError):
    """An export that cannot be made as asked (for example a lens that breaks WA Tool limits)."""


class WriteError(PillarkitError):
    """Data the kit refuses to write, because reading it back would fail (a number JSON cannot hold, broken text)."""


class OptionError(PillarkitError):
    """An option set, in the environment, to a value of the wrong kind."""


class IntakeError(PillarkitError):
    """A workbook whose answers cannot be taken in; every problem names its sheet and cell."""


class SyncError(PillarkitError):
    """A sync with the AWS Well-Architected Tool that cannot be done as asked, or that failed part way."""


class ServeError(PillarkitError):
    """The app cannot be served as asked (port taken, no checkout)."""


#: How many diagnostics of one kind are listed before the rest are counted.
SHOWN_PER_GROUP = 3


def abridged(
    diagnostics: Iterable[Diagnostic], shown: int = SHOWN_PER_GROUP, more: Callable[[int, str], str] | None = None
) -> list[Diagnostic]:
    """Diagnostics with many of one kind (one ``code``) cut down to the first ``shown`` and a count.

    100,000 answers to questions a lens does not have are three lines and a fourth that says
    "and 99,997 more like these". ``more(count, code)`` words that last line. The order of
    the first appearance of each kind is kept (see :func:`grouped`).
    """
    result: list[Diagnostic] = []
    for code, items in grouped(diagnostics):
        if len(items) <= shown + 1:
            result.extend(items)
            continue
        result.extend(items[:shown])
        rest = len(items) - shown
        first = items[0]
        text = more(rest, code) if more else f"and {rest:,} more like these"
        result.append(Diagnostic(first.source, "", text, code, first.wa_import))
    return result

"""Named exceptions and diagnostics: every problem says which file and where in it."""

from __future__ import annotations

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


class NoteTooLongError(ReviewError):
    """A note longer than the Well-Architected Tool accepts; it is refused, never cut."""


class RegisterError(ReviewError):
    """A risk-register entry or change the register refuses (an unknown id, a level, a text past its limit)."""


class ExportError(PillarkitError):
    """An export that cannot be made as asked (for example a lens that breaks WA Tool limits)."""


class OptionError(PillarkitError):
    """An option set, in the environment, to a value of the wrong kind."""


class ServeError(PillarkitError):
    """The app cannot be served as asked (port taken, no checkout)."""

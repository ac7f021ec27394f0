"""The kit's vocabulary, defined once: risks, choice statuses, not-applicable reasons, environments, and
the risk register's levels and statuses.

Each is a :class:`~enum.StrEnum` whose values are the WA Tool API's own strings, so a member
*is* that string: it compares and hashes equal to the plain string read from a review or
lens file, and ``json`` writes it as that string. Everything said about a value (how it
reads for people, its CSS class, how urgent it is) sits on its member's one line, and every
other module looks it up there: ``Risk.HIGH.words`` is "High risk" in the app, the charts,
the handout and the spreadsheets alike.

Values read from files stay plain strings; ``Risk(value)`` (or ``Reason(value)`` ...) gives
the member of a known value, and raises ``ValueError`` for an unknown one (loading a review
or a lens already refuses unknown values, with the file and the place).
"""

from __future__ import annotations

import inspect
from enum import StrEnum
from typing import Any, Self


class _Described(StrEnum):
    """A vocabulary: members are written ``NAME = value, fact, ...``; each fact after the value
    is set on the member under the name the subclass annotates in that place (its own annotations,
    in order), so a class says once which facts its members carry.
    """

    _value_: str

    # ``*about`` rather than named parameters: type checkers read ``Risk(value)`` as a call to this.
    def __new__(cls, value: str, *about: Any) -> Self:
        member = str.__new__(cls, value)
        member._value_ = value
        for name, fact in zip(inspect.get_annotations(cls), about, strict=True):
            setattr(member, name, fact)
        return member


class Risk(_Described):
    """A question's risk: the WA Tool API's ``RiskCounts`` keys, in the API's order."""

    words: str
    """How it reads for people: in a legend, a badge, a table cell ("High risk")."""
    short: str
    """The short form, in running counts ("3 high, 2 medium, 1 no risk")."""
    css: str
    """The CSS class of anything that shows this risk (the app's badge, the handout's badges and cards)."""
    severity: int
    """How urgent it is, for ordering improvement lists: lower comes first."""
    lens_name: str | None
    """The name a lens file's ``riskRules[].risk`` gives it (only rules' risks have one)."""

    # value, words, short, css, severity, lens_name
    UNANSWERED = "UNANSWERED", "Unanswered", "unanswered", "pk-risk-unanswered", 3, None
    HIGH = "HIGH", "High risk", "high", "pk-risk-high", 0, "HIGH_RISK"
    MEDIUM = "MEDIUM", "Medium risk", "medium", "pk-risk-medium", 1, "MEDIUM_RISK"
    NONE = "NONE", "No risk", "no risk", "pk-risk-none", 2, "NO_RISK"
    NOT_APPLICABLE = "NOT_APPLICABLE", "Not applicable", "not applicable", "pk-risk-na", 4, None


UNANSWERED = Risk.UNANSWERED
HIGH = Risk.HIGH
MEDIUM = Risk.MEDIUM
NONE = Risk.NONE
NOT_APPLICABLE = Risk.NOT_APPLICABLE

#: RiskCounts keys in the API's order: the order of ``pillarkit score`` and its JSON.
RISKS: tuple[Risk, ...] = tuple(Risk)
#: The order people read risks in (charts, summary cards, count tables): the worst first, what is still open last.
WORST_FIRST: tuple[Risk, ...] = (HIGH, MEDIUM, NONE, NOT_APPLICABLE, UNANSWERED)

#: ``riskRules[].risk`` in a lens file -> the API's risk, and back.
FROM_LENS: dict[str, Risk] = {risk.lens_name: risk for risk in Risk if risk.lens_name}
TO_LENS: dict[Risk, str] = {risk: name for name, risk in FROM_LENS.items()}

#: How urgent a risk is, for ordering improvement lists (lower first).
SEVERITY: dict[str, int] = {risk: risk.severity for risk in Risk}


class ChoiceStatus(_Described):
    """A choice's ``Status`` in the API's ``ChoiceAnswers``."""

    words: str
    """How it reads for people (a column of the spreadsheets, a heading of the handout)."""

    SELECTED = "SELECTED", "Selected"
    NOT_APPLICABLE = "NOT_APPLICABLE", "Not applicable"
    UNSELECTED = "UNSELECTED", "Not selected"


#: Every choice status, as the review file may hold it.
STATUSES: tuple[ChoiceStatus, ...] = tuple(ChoiceStatus)


class Reason(_Described):
    """Why a question or a choice does not apply: the API's ``Reason``.

    ``NONE`` reads "None", as the WA Tool's console names it; a question or choice with no
    reason at all is a different thing, and each view says so in its own words.
    """

    words: str
    """How it reads for people (the app's pickers, the handout, the spreadsheets)."""

    OUT_OF_SCOPE = "OUT_OF_SCOPE", "Out of scope"
    BUSINESS_PRIORITIES = "BUSINESS_PRIORITIES", "Business priorities"
    ARCHITECTURE_CONSTRAINTS = "ARCHITECTURE_CONSTRAINTS", "Architecture constraints"
    OTHER = "OTHER", "Other"
    NONE = "NONE", "None"


#: Every not-applicable reason, in the order pickers offer them.
REASONS: tuple[Reason, ...] = tuple(Reason)


class Environment(_Described):
    """The workload's environment, as the API's ``Environment``."""

    words: str
    """How it reads for people."""

    PRODUCTION = "PRODUCTION", "Production"
    PREPRODUCTION = "PREPRODUCTION", "Pre-production"


#: Every environment, production first.
ENVIRONMENTS: tuple[Environment, ...] = tuple(Environment)


class Level(_Described):
    """How likely a failure mode in the risk register is, or how bad it would be."""

    words: str
    """How it reads for people ("High")."""
    weight: int
    """Its weight in an entry's rating: likelihood weight times impact weight, 9 down to 1."""

    HIGH = "HIGH", "High", 3
    MEDIUM = "MEDIUM", "Medium", 2
    LOW = "LOW", "Low", 1


LOW = Level.LOW
#: The register's levels, highest first (the heat map's rows, the JSON's keys).
LEVELS: tuple[Level, ...] = tuple(Level)
LEVEL_WEIGHT: dict[str, int] = {level: level.weight for level in Level}
LEVEL_WORDS: dict[str, str] = {level: level.words for level in Level}


class EntryStatus(_Described):
    """Where a risk register entry stands. The order is the ranking's tie-break: what still needs work first."""

    words: str
    """How it reads for people."""
    css: str
    """The CSS class of anything that shows this status."""

    OPEN = "OPEN", "Open", "pk-entry-open"
    ACCEPTED = "ACCEPTED", "Accepted", "pk-entry-accepted"
    MITIGATED = "MITIGATED", "Mitigated", "pk-entry-mitigated"
    CLOSED = "CLOSED", "Closed", "pk-entry-closed"


OPEN = EntryStatus.OPEN
ACCEPTED = EntryStatus.ACCEPTED
MITIGATED = EntryStatus.MITIGATED
CLOSED = EntryStatus.CLOSED
#: Every entry status, in ranking order.
ENTRY_STATUSES: tuple[EntryStatus, ...] = tuple(EntryStatus)
STATUS_WORDS: dict[str, str] = {status: status.words for status in EntryStatus}

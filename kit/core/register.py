"""The failure-mode risk register: what can go wrong with each part of the workload, and what to do then.

A team lists its components and, for each, the ways it can fail: how likely that is and how bad
it would be (``LOW``, ``MEDIUM`` or ``HIGH``), how they would notice (detection), how they take
the risk away or soften it (mitigation), and what to do when it happens (runbook). The register
lives at the top level of the review file, under ``risk_register``::

    {"id": "R1", "component": "Orders database", "failure_mode": "The primary fails over",
     "likelihood": "MEDIUM", "impact": "HIGH", "detection": "...", "mitigation": "...",
     "runbook": "...", "owner": "Data team", "status": "OPEN",
     "questions": [{"lens": "wellarchitected", "question": "withstand-component-failures"}],
     "accepted_until": null, "notes": "", "catalogue": "relational-database.failover"}

``catalogue`` names the starter-catalogue entry an entry was added from (``null`` when written
from scratch), so a suggestion already taken is not offered again.

- **Limits**: texts are refused past :data:`LIMITS`, never cut; ids are letters, digits, ``_``
  and ``-``; an ``ACCEPTED`` entry has an ``accepted_until`` date.
- **Ranking** (:func:`ranked`): by rating (likelihood weight times impact weight, 9 down to 1),
  then status (open, accepted, mitigated, closed: what still needs work first), then impact,
  then the order of the file.
- **Heat map** (:func:`heatmap`): likelihood, then impact, then how many entries are not closed.
- **Expiry**: an accepted risk is accepted until a date, as operational readiness reviews do;
  the day after, it is open again (:func:`reopen_expired` changes the review, :func:`current`
  gives reopened copies for outputs). The lapsed date stays on the entry, so a reader sees it.
- **Suggestions** (:func:`suggestions`): the starter catalogue's entries that bear on the
  review's HIGH-risk questions (disaster recovery, incident response, resilience testing...).

Every change goes through a function here that checks it first and then applies it whole, so a
refused change leaves the entry as it was. Pure: nothing here imports Jupyter, matplotlib or pandas.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING, Any

from kit.core import options
from kit.core.errors import Diagnostic, RegisterError
from kit.core.vocabulary import (
    ACCEPTED,
    CLOSED,
    ENTRY_STATUSES,
    HIGH,
    LEVEL_WEIGHT,
    LEVELS,
    LOW,
    MEDIUM,
    OPEN,
)

if TYPE_CHECKING:
    from kit.core.catalogue import Catalogue, CatalogueEntry
    from kit.core.review import ParkedItem, Review
    from kit.core.scoring import ReviewScore

#: The top-level key of the review file that holds the register.
KEY = "risk_register"

#: Longest text each field takes, in characters; a longer text is refused, never cut. Notes and
#: the three "what to do" texts take as much as a question's notes in the WA Tool.
LIMITS = {
    "component": 120,
    "failure_mode": 500,
    "detection": 2084,
    "mitigation": 2084,
    "runbook": 2084,
    "owner": 120,
    "notes": 2084,
}
TEXT_FIELDS = tuple(LIMITS)
#: Texts an entry cannot do without.
REQUIRED_TEXTS = ("component", "failure_mode")
#: How many review questions one entry may link to.
MAX_LINKS = 20
ID_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,32}$")
DATE_PATTERN = re.compile(r"^\d{4}-\d{2}-\d{2}$")
#: Ids the register gives new entries: R1, R2, ...
ID_PREFIX = "R"

#: What each field is called in a message.
FIELD_WORDS = {
    "component": "the component",
    "failure_mode": "the failure mode",
    "detection": "the detection",
    "mitigation": "the mitigation",
    "runbook": "the runbook",
    "owner": "the owner",
    "notes": "the notes",
}


@dataclass(frozen=True)
class QuestionLink:
    """A link from an entry to one of the review's questions."""

    lens: str
    question: str

    def to_dict(self) -> dict[str, str]:
        return {"lens": self.lens, "question": self.question}


@dataclass
class Entry:
    """One failure mode of one component. Change it through :func:`update`, which checks first."""

    id: str
    component: str
    failure_mode: str
    likelihood: str = MEDIUM
    impact: str = MEDIUM
    detection: str = ""
    mitigation: str = ""
    runbook: str = ""
    owner: str = ""
    status: str = OPEN
    questions: list[QuestionLink] = field(default_factory=list)
    accepted_until: str | None = None
    notes: str = ""
    catalogue: str | None = None

    @property
    def rating(self) -> int:
        """Likelihood weight times impact weight: 9 (HIGH, HIGH) down to 1 (LOW, LOW)."""
        return LEVEL_WEIGHT[self.likelihood] * LEVEL_WEIGHT[self.impact]

    @property
    def is_closed(self) -> bool:
        return self.status == CLOSED

    def lapsed(self, today: dt.date | None = None) -> bool:
        """True when an acceptance has run out: accepted (or reopened) with a date before ``today``."""
        if not self.accepted_until or self.status not in (ACCEPTED, OPEN):
            return False
        return _parse_date(self.accepted_until) < (today or dt.date.today())

    def to_dict(self) -> dict[str, Any]:
        data = {f.name: copy.deepcopy(getattr(self, f.name)) for f in fields(self)}
        data["questions"] = [link.to_dict() for link in self.questions]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Entry:
        """An entry from the file's dict, which the review schema has already checked."""
        known = {f.name for f in fields(cls)}
        values = {k: copy.deepcopy(v) for k, v in data.items() if k in known}
        values["questions"] = [QuestionLink(q["lens"], q["question"]) for q in data.get("questions", [])]
        return cls(**values)


# --- reading a file ---------------------------------------------------------------------------


def from_file(items: list[dict[str, Any]], source: str) -> list[Entry]:
    """The register from a review file's ``risk_register`` list (already schema-checked).

    Raises :class:`RegisterError` listing every entry that breaks a rule the schema cannot say:
    an id used twice, a date that is not a day of the calendar, an accepted risk without a date.
    """
    problems = []
    seen: dict[str, int] = {}
    for index, item in enumerate(items):
        where = f"{KEY}[{index}]"
        entry_id = item["id"]
        if entry_id in seen:
            problems.append(
                Diagnostic(source, f"{where}.id", f"id {entry_id!r} is already used by {KEY}[{seen[entry_id]}]")
            )
        seen.setdefault(entry_id, index)
        for name in REQUIRED_TEXTS:
            if not item[name].strip():
                problems.append(Diagnostic(source, f"{where}.{name}", f"{FIELD_WORDS[name]} is empty"))
        until = item.get("accepted_until")
        if until is not None and not _is_date(until):
            problems.append(
                Diagnostic(source, f"{where}.accepted_until", f"{until!r} is not a date written as YYYY-MM-DD")
            )
        if item.get("status") == ACCEPTED and until is None:
            problems.append(
                Diagnostic(
                    source,
                    f"{where}.accepted_until",
                    "an accepted risk needs accepted_until, the date it stops being accepted",
                )
            )
    if problems:
        raise RegisterError(problems)
    return [Entry.from_dict(item) for item in items]


def orphans(review: Review) -> list[Diagnostic]:
    """Links to questions that the review's lenses no longer have: kept in the file, reported here."""
    found = []
    for index, entry in enumerate(review.risk_register):
        for position, link in enumerate(entry.questions):
            lens = review.lenses.get(link.lens)
            if lens is None or not lens.has_question(link.question):
                found.append(
                    Diagnostic(
                        review.source,
                        f"{KEY}[{index}].questions[{position}]",
                        f"risk {entry.id} links to {link.lens}/{link.question}, which the review does not have; "
                        "the link is kept",
                        "orphan",
                    )
                )
    return found


# --- changing the register --------------------------------------------------------------------


def entry(review: Review, entry_id: str) -> Entry:
    """The entry with this id; :class:`RegisterError` if there is none."""
    for candidate in review.risk_register:
        if candidate.id == entry_id:
            return candidate
    raise RegisterError.at(review.source, KEY, f"there is no risk {entry_id!r} in the register")


def next_id(review: Review) -> str:
    """``R<n>``, one past the highest ``R`` number in use (so a removed entry's id is not reused at the end)."""
    numbers = [int(e.id[len(ID_PREFIX) :]) for e in review.risk_register if re.fullmatch(r"R\d{1,9}", e.id)]
    return f"{ID_PREFIX}{max(numbers, default=0) + 1}"


def add(review: Review, component: str, failure_mode: str, **values: Any) -> Entry:
    """Add an entry written from scratch; ``values`` are any other fields, checked as :func:`update` does."""
    new = Entry(next_id(review), "", "")
    _apply(review, new, {"component": component, "failure_mode": failure_mode, **values}, f"{KEY}[new]")
    review.risk_register.append(new)
    return new


def add_from_catalogue(review: Review, catalogue_id: str, component: str | None = None, **values: Any) -> Entry:
    """Add the starter catalogue's entry ``catalogue_id``; ``component`` names the team's own part.

    The catalogue's failure mode, detection, mitigation, runbook hint and question links are the
    starting texts; the team rates likelihood and impact (MEDIUM until it does).
    """
    from kit.core import catalogue as catalogues

    item = catalogues.load().entry(catalogue_id)
    links = [
        (link.lens, link.question)
        for link in item.questions
        if link.lens in review.lenses and review.lenses[link.lens].has_question(link.question)
    ]
    start = {
        "component": component or item.kind.component,
        "failure_mode": item.failure_mode,
        "detection": item.detection,
        "mitigation": item.mitigation,
        "runbook": item.runbook,
        "questions": links,
    }
    new = Entry(next_id(review), "", "", catalogue=item.id)
    _apply(review, new, start | values, f"{KEY}[new]")
    review.risk_register.append(new)
    return new


def update(review: Review, entry_id: str, today: dt.date | None = None, **changes: Any) -> Entry:
    """Change fields of an entry, all or none: every change is checked before any is applied.

    ``status=ACCEPTED`` without ``accepted_until`` keeps a date still to come, or sets one
    :data:`kit.core.options.ACCEPT_DAYS` days ahead; any other status clears the date.
    ``questions`` is a list of ``(lens alias, question id)`` pairs (or :class:`QuestionLink`).
    """
    target = entry(review, entry_id)
    index = review.risk_register.index(target)
    _apply(review, target, changes, f"{KEY}[{index}]", today)
    return target


def remove(review: Review, entry_id: str) -> Entry:
    target = entry(review, entry_id)
    review.risk_register.remove(target)
    return target


def park_question(review: Review, entry_id: str, text: str, owner: str | None = None) -> ParkedItem:
    """Put an open question about an entry in the parking lot, linked to the entry and its first question.

    The owner is the entry's owner unless given.
    """
    target = entry(review, entry_id)
    link = next(
        (q for q in target.questions if q.lens in review.lenses and review.lenses[q.lens].has_question(q.question)),
        None,
    )
    item = review.park(
        text,
        target.owner if owner is None else owner,
        link.lens if link else None,
        link.question if link else None,
    )
    item.risk = target.id
    return item


def _apply(review: Review, target: Entry, changes: dict[str, Any], where: str, today: dt.date | None = None) -> None:
    source = review.source
    known = {f.name for f in fields(Entry)} - {"id", "catalogue"}
    unknown = sorted(set(changes) - known)
    if unknown:
        raise RegisterError.at(source, where, f"an entry has no field {unknown[0]!r}")
    staged: dict[str, Any] = {}
    for name, value in changes.items():
        place = f"{where}.{name}"
        if name in TEXT_FIELDS:
            staged[name] = _text(source, place, name, value)
        elif name in ("likelihood", "impact"):
            if value not in LEVELS:
                raise RegisterError.at(source, place, f"{value!r} is not one of {', '.join(LEVELS)}")
            staged[name] = value
        elif name == "status":
            if value not in ENTRY_STATUSES:
                raise RegisterError.at(source, place, f"{value!r} is not one of {', '.join(ENTRY_STATUSES)}")
            staged[name] = value
        elif name == "questions":
            staged[name] = _links(review, place, value)
        elif name == "accepted_until":
            staged[name] = value
    today = today or dt.date.today()
    status = staged.get("status", target.status)
    if "status" not in staged and "accepted_until" not in staged:
        pass  # other fields only: an acceptance, lapsed or not, is left as it is
    elif status == ACCEPTED:
        until = staged.get("accepted_until", target.accepted_until if "status" not in staged else None)
        keep = target.accepted_until
        if until is None and keep and _is_date(keep) and _parse_date(keep) >= today:
            until = keep  # accepting again keeps a date still to come
        if until is None:
            until = (today + dt.timedelta(days=options.ACCEPT_DAYS.value())).isoformat()
        if not isinstance(until, str) or not _is_date(until):
            raise RegisterError.at(source, f"{where}.accepted_until", f"{until!r} is not a date written as YYYY-MM-DD")
        if _parse_date(until) < today:
            raise RegisterError.at(
                source,
                f"{where}.accepted_until",
                f"{until} has already passed; an accepted risk is accepted until today or later",
            )
        staged["accepted_until"] = until
    elif "accepted_until" in staged and staged["accepted_until"] is not None:
        raise RegisterError.at(
            source, f"{where}.accepted_until", "only an accepted risk has an accepted_until date; accept it first"
        )
    elif "status" in staged:
        staged["accepted_until"] = None
    for name, value in staged.items():
        setattr(target, name, value)


def _text(source: str, place: str, name: str, value: object) -> str:
    if not isinstance(value, str):
        raise RegisterError.at(source, place, f"{FIELD_WORDS[name]} must be text, not {type(value).__name__}")
    limit = LIMITS[name]
    if len(value) > limit:
        raise RegisterError.at(
            source,
            place,
            f"{FIELD_WORDS[name]} has {len(value)} characters; the limit is {limit}, so it was not saved",
        )
    if name in REQUIRED_TEXTS and not value.strip():
        raise RegisterError.at(source, place, f"{FIELD_WORDS[name]} cannot be empty")
    return value


def _links(review: Review, place: str, value: object) -> list[QuestionLink]:
    if not isinstance(value, (list, tuple)):
        raise RegisterError.at(review.source, place, "questions must be a list of (lens, question) pairs")
    if len(value) > MAX_LINKS:
        raise RegisterError.at(
            review.source, place, f"{len(value)} linked questions; an entry links to at most {MAX_LINKS}"
        )
    links: list[QuestionLink] = []
    for item in value:
        link = item if isinstance(item, QuestionLink) else QuestionLink(*item)
        lens = review.lenses.get(link.lens)
        if lens is None:
            raise RegisterError.at(review.source, place, f"lens {link.lens!r} is not applied to this review")
        if not lens.has_question(link.question):
            raise RegisterError.at(review.source, place, f"lens {link.lens!r} has no question {link.question!r}")
        if link not in links:
            links.append(link)
    return links


def _is_date(text: object) -> bool:
    if not isinstance(text, str) or not DATE_PATTERN.match(text):
        return False
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _parse_date(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


# --- expiry -------------------------------------------------------------------------------------


def reopen_expired(review: Review, today: dt.date | None = None) -> list[Diagnostic]:
    """Open again every accepted entry whose ``accepted_until`` has passed; one notice for each.

    The date stays on the entry, so a reader sees when the acceptance lapsed.
    """
    today = today or dt.date.today()
    notices = []
    for index, item in enumerate(review.risk_register):
        if item.status == ACCEPTED and item.lapsed(today):
            item.status = OPEN
            notices.append(
                Diagnostic(
                    review.source,
                    f"{KEY}[{index}]",
                    f"risk {item.id} was accepted until {item.accepted_until}, which has passed: it is open again",
                    "risk-reopened",
                )
            )
    return notices


def current(entries: Iterable[Entry], today: dt.date | None = None) -> list[Entry]:
    """Copies of ``entries`` as they stand ``today``: an acceptance that has run out reads as open."""
    today = today or dt.date.today()
    result = []
    for item in entries:
        copied = copy.deepcopy(item)
        if copied.status == ACCEPTED and copied.lapsed(today):
            copied.status = OPEN
        result.append(copied)
    return result


# --- ranking and the heat map -------------------------------------------------------------------

_STATUS_RANK: dict[str, int] = {status: position for position, status in enumerate(ENTRY_STATUSES)}


def ranked(entries: Sequence[Entry]) -> list[Entry]:
    """Highest rating first; then open, accepted, mitigated, closed; then higher impact; then file order."""
    order = {id(item): position for position, item in enumerate(entries)}
    return sorted(
        entries,
        key=lambda e: (-e.rating, _STATUS_RANK[e.status], -LEVEL_WEIGHT[e.impact], order[id(e)]),
    )


def heatmap(entries: Iterable[Entry]) -> dict[str, dict[str, int]]:
    """``{likelihood: {impact: count}}`` of the entries that are not closed, every level present, highest first."""
    grid: dict[str, dict[str, int]] = {
        likelihood.value: {impact.value: 0 for impact in LEVELS} for likelihood in LEVELS
    }
    for item in entries:
        if not item.is_closed:
            grid[item.likelihood][item.impact] += 1
    return grid


def band(rating: int) -> str:
    """How serious a rating is: HIGH for 6 or 9, MEDIUM for 3 or 4, LOW for 1 or 2 (the heat map's colours, the backlog's priority)."""
    return HIGH if rating >= 6 else MEDIUM if rating >= 3 else LOW


def top(entries: Sequence[Entry], count: int) -> list[Entry]:
    """The first ``count`` ranked entries that are not closed (for summaries such as the executive edition)."""
    return [e for e in ranked(entries) if not e.is_closed][:count]


def to_json(entries: Sequence[Entry]) -> dict[str, Any]:
    """What ``pillarkit register --json`` prints: ``{"entries": [ranked, as stored], "heatmap": {...}}``."""
    return {"entries": [e.to_dict() for e in ranked(entries)], "heatmap": heatmap(entries)}


# --- finding entries ------------------------------------------------------------------------------


def components(entries: Iterable[Entry]) -> list[str]:
    """The components named in the register, each once, sorted without regard to case."""
    return sorted({e.component for e in entries}, key=lambda c: (c.casefold(), c))


def matching(
    entries: Iterable[Entry], component: str | None = None, status: str | None = None, text: str = ""
) -> list[Entry]:
    """Entries of one component and one status (``None`` for any), whose texts contain ``text`` (any case)."""
    needle = text.casefold().strip()
    found = []
    for item in entries:
        if component is not None and item.component != component:
            continue
        if status is not None and item.status != status:
            continue
        if needle and not any(needle in getattr(item, name).casefold() for name in TEXT_FIELDS):
            continue
        found.append(item)
    return found


# --- suggestions from the review's answers --------------------------------------------------------


@dataclass(frozen=True)
class Suggestion:
    """A catalogue entry worth adding, and the HIGH-risk questions that make it matter."""

    entry: CatalogueEntry
    because: tuple[QuestionLink, ...]


def suggestions(
    review: Review, result: ReviewScore | None = None, catalogue: Catalogue | None = None
) -> list[Suggestion]:
    """Catalogue entries that bear on the review's HIGH-risk questions, most questions first.

    An entry already added from the catalogue is left out. Entries tied on their number of
    HIGH questions keep the catalogue's order.
    """
    from kit.core import catalogue as catalogues
    from kit.core.scoring import score

    result = result or score(review)
    catalogue = catalogue or catalogues.load()
    taken = {e.catalogue for e in review.risk_register if e.catalogue}
    found = []
    for item in catalogue.entries:
        if item.id in taken:
            continue
        because = tuple(
            QuestionLink(link.lens, link.question)
            for link in item.questions
            if link.lens in result.lenses and result.lenses[link.lens].questions.get(link.question) == HIGH
        )
        if because:
            found.append(Suggestion(item, because))
    position = {s.entry.id: i for i, s in enumerate(found)}
    return sorted(found, key=lambda s: (-len(s.because), position[s.entry.id]))


__all__ = [
    "KEY",
    "LIMITS",
    "Entry",
    "QuestionLink",
    "Suggestion",
    "add",
    "add_from_catalogue",
    "band",
    "components",
    "current",
    "entry",
    "heatmap",
    "matching",
    "next_id",
    "orphans",
    "park_question",
    "ranked",
    "remove",
    "reopen_expired",
    "suggestions",
    "to_json",
    "top",
    "update",
]

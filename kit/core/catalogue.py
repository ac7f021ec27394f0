"""The starter catalogue of failure modes: how each kind of component commonly fails, in our own words.

Shipped as data, ``frameworks/register/catalogue.json`` (installed as ``kit.frameworks.register``)
and found through the package, never the current directory::

    {"format": "pillarkit-failure-catalogue", "version": 1, "description": "...",
     "kinds": [{"id": "function", "name": "Functions", "component": "Function", "description": "..."}],
     "entries": [{"id": "function.cold-start", "kind": "function", "failure_mode": "...",
                  "detection": "...", "mitigation": "...", "runbook": "...",
                  "questions": [{"lens": "wellarchitected", "question": "compute-hardware"}]}]}

A kind's ``name`` lists it (plural), its ``component`` names a new register entry until the team
names its own part. Every entry's texts fit the register's limits, so adding one never fails,
and its questions are ids of the bundled Framework lens (a test checks them against the reference).
Pure: nothing here imports Jupyter, matplotlib or pandas.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

from kit.core.errors import Diagnostic, RegisterError

FORMAT = "pillarkit-failure-catalogue"
VERSION = 1
DATA_PACKAGE = "kit.frameworks.register"
DATA_FILE = "catalogue.json"
_ID = re.compile(r"^[a-z0-9][a-z0-9.-]*$")
#: The texts of an entry, each required.
TEXTS = ("failure_mode", "detection", "mitigation", "runbook")


@dataclass(frozen=True)
class Kind:
    id: str
    name: str
    component: str
    description: str


@dataclass(frozen=True)
class Link:
    lens: str
    question: str


@dataclass(frozen=True)
class CatalogueEntry:
    id: str
    kind: Kind
    failure_mode: str
    detection: str
    mitigation: str
    runbook: str
    questions: tuple[Link, ...]


@dataclass(frozen=True)
class Catalogue:
    description: str
    kinds: tuple[Kind, ...]
    entries: tuple[CatalogueEntry, ...]

    def entry(self, entry_id: str) -> CatalogueEntry:
        for item in self.entries:
            if item.id == entry_id:
                return item
        raise RegisterError.at("catalogue", "entries", f"the catalogue has no entry {entry_id!r}")

    def of_kind(self, kind_id: str) -> list[CatalogueEntry]:
        return [e for e in self.entries if e.kind.id == kind_id]


@cache
def load() -> Catalogue:
    """The bundled catalogue, read once per process."""
    text = files(DATA_PACKAGE).joinpath(DATA_FILE).read_text(encoding="utf-8")
    return from_document(json.loads(text), f"{DATA_PACKAGE}/{DATA_FILE}")


def from_document(data: object, source: str) -> Catalogue:
    """A catalogue from its JSON document; :class:`RegisterError` naming every place that is wrong."""
    from kit.core.register import LIMITS

    problems: list[Diagnostic] = []

    def problem(where: str, message: str) -> None:
        problems.append(Diagnostic(source, where, message))

    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise RegisterError.at(source, "format", f'not a failure catalogue (expected "format": "{FORMAT}")')
    if data.get("version") != VERSION:
        raise RegisterError.at(
            source, "version", f"catalogue version {data.get('version')!r}; this pillarkit reads {VERSION}"
        )
    kinds: dict[str, Kind] = {}
    for i, raw in enumerate(data.get("kinds", [])):
        where = f"kinds[{i}]"
        if not isinstance(raw, dict) or not all(
            isinstance(raw.get(k), str) and raw[k].strip() for k in ("id", "name", "component", "description")
        ):
            problem(where, "a kind needs an id, a name, a component and a description, each some text")
            continue
        if not _ID.match(raw["id"]) or raw["id"] in kinds:
            problem(f"{where}.id", f"{raw['id']!r} is not a new id of lower-case letters, digits, '.' and '-'")
            continue
        if len(raw["component"]) > LIMITS["component"]:
            problem(f"{where}.component", f"longer than the register's {LIMITS['component']} characters")
        kinds[raw["id"]] = Kind(raw["id"], raw["name"], raw["component"], raw["description"])
    entries: list[CatalogueEntry] = []
    seen: set[str] = set()
    for i, raw in enumerate(data.get("entries", [])):
        where = f"entries[{i}]"
        if not isinstance(raw, dict):
            problem(where, "an entry is an object")
            continue
        entry_id = raw.get("id")
        if not isinstance(entry_id, str) or not _ID.match(entry_id) or entry_id in seen:
            problem(f"{where}.id", f"{entry_id!r} is not a new id of lower-case letters, digits, '.' and '-'")
            continue
        seen.add(entry_id)
        kind = kinds.get(str(raw.get("kind")))
        if kind is None:
            problem(f"{where}.kind", f"{raw.get('kind')!r} is not one of the catalogue's kinds")
            continue
        texts = {}
        for name in TEXTS:
            value = raw.get(name)
            if not isinstance(value, str) or not value.strip():
                problem(f"{where}.{name}", "missing or empty")
            elif len(value) > LIMITS[name]:
                problem(f"{where}.{name}", f"{len(value)} characters; the register takes {LIMITS[name]}")
            else:
                texts[name] = value
        links = []
        for j, link in enumerate(raw.get("questions", [])):
            if not isinstance(link, dict) or not all(isinstance(link.get(k), str) for k in ("lens", "question")):
                problem(f"{where}.questions[{j}]", 'a link is {"lens": alias, "question": id}')
                continue
            links.append(Link(link["lens"], link["question"]))
        if not links:
            problem(f"{where}.questions", "an entry names the Framework questions it bears on")
        if len(texts) == len(TEXTS) and links:
            entries.append(CatalogueEntry(entry_id, kind, questions=tuple(links), **texts))
    if problems:
        raise RegisterError(problems)
    return Catalogue(str(data.get("description", "")), tuple(kinds.values()), tuple(entries))


__all__ = ["Catalogue", "CatalogueEntry", "Kind", "Link", "from_document", "load"]

"""Question banks: the WA Tool's custom lens JSON, loaded unchanged and validated.

What makes a lens unusable is an error (:class:`LensError`, one line per problem, each
naming the file and a JSON path). What published lenses do anyway (extra keys, missing
improvement plans, no ``default`` rule, reused choice ids, rules that can never fire,
limits of the WA Tool's import) loads with warnings on :attr:`Lens.warnings`.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import os
import re
import unicodedata
from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field, replace
from functools import cache
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kit.core import rules, schemas
from kit.core import vocabulary as risk
from kit.core.errors import Diagnostic, LensError, UnknownLensError, listed
from kit.core.jsonio import FilePath, JsonObject, JsonPath, json_path, read_json

if TYPE_CHECKING:
    from jsonschema.exceptions import ValidationError

SCHEMA_VERSION = "2021-11-01"
EXTENSION_KEY = "pillarkit"
NONE_OF_THESE_SUFFIX = "_no"

#: What a lens alias may hold: the review file's schema (``lenses[].alias``) says the same.
ALIAS_PATTERN = re.compile(r"[A-Za-z0-9_.-]+")
ALIAS_MAX = 64
#: The alias of a lens whose file name has nothing an alias can keep (say, only Chinese letters).
FALLBACK_ALIAS = "lens"
#: Latin letters that Unicode does not decompose into a base letter and an accent.
_LETTERS = str.maketrans(
    {"ß": "ss", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ø": "o", "Ø": "O", "đ": "d", "Đ": "D",
     "ł": "l", "Ł": "L", "þ": "th", "Þ": "Th", "ð": "d", "Ð": "D", "ı": "i", "ħ": "h", "Ħ": "H"}
)  # fmt: skip


@dataclass(frozen=True)
class ImportLimit:
    """A limit of the WA Tool's custom lens import: breaking it is a warning, and blocks ``--aws`` export."""

    what: str
    maximum: int


# Where a limit of the WA Tool's import applies, by the kind of thing that carries the field.
WA_LENGTH_LIMITS = {
    ("lens", "name"): ImportLimit("lens name", 128),
    ("lens", "description"): ImportLimit("lens description", 2048),
    ("pillar", "id"): ImportLimit("pillar id", 128),
    ("pillar", "name"): ImportLimit("pillar name", 128),
    ("question", "id"): ImportLimit("question id", 128),
    ("question", "title"): ImportLimit("question title", 128),
    ("question", "description"): ImportLimit("question description", 2048),
    ("choice", "id"): ImportLimit("choice id", 64),
    ("choice", "title"): ImportLimit("choice title", 128),
    ("choice", "description"): ImportLimit("choice description", 1024),
}
WA_TEXT_LIMIT = ImportLimit("resource text", 2048)
#: How alike an unknown key and a known one must be (difflib's ratio) to suggest the known one.
NEAR_MISS_CUTOFF = 0.8
WA_RULES_LIMIT = ImportLimit("risk rules", 3)


@dataclass(frozen=True)
class Link:
    """A text with an optional official link (``helpfulResource``, ``improvementPlan``)."""

    text: str
    url: str | None = None


@dataclass(frozen=True)
class Choice:
    id: str
    title: str
    #: What the practice means (the WA Tool API's ``Description``, up to 1,024 characters).
    description: str = ""
    helpful: Link | None = None
    improvement: Link | None = None
    #: ``additionalResources`` as (type, link) pairs, in file order.
    resources: tuple[tuple[str, Link], ...] = ()
    #: Framework code such as ``OPS01-BP01`` (extension field), when the lens has one.
    code: str | None = None
    #: The framework's level for the practice: risk if missing (``HIGH``, ``MEDIUM``, ``LOW``) or a label (``Required``).
    risk_level: str | None = None

    @property
    def is_none_of_these(self) -> bool:
        return self.id.endswith(NONE_OF_THESE_SUFFIX)


@dataclass(frozen=True)
class RiskRule:
    condition: str
    risk: str
    node: rules.Node = field(repr=False, compare=False)


@dataclass(frozen=True)
class Question:
    id: str
    title: str
    pillar_id: str
    choices: tuple[Choice, ...]
    rules: tuple[RiskRule, ...]
    description: str = ""
    helpful: Link | None = None
    code: str | None = None

    def choice(self, choice_id: str) -> Choice:
        for choice in self.choices:
            if choice.id == choice_id:
                return choice
        raise KeyError(choice_id)

    @property
    def choice_ids(self) -> tuple[str, ...]:
        return tuple(choice.id for choice in self.choices)

    @property
    def none_of_these(self) -> Choice | None:
        return next((c for c in self.choices if c.is_none_of_these), None)

    @property
    def practices(self) -> tuple[Choice, ...]:
        """The choices that are practices, i.e. all but "None of these"."""
        return tuple(c for c in self.choices if not c.is_none_of_these)

    @property
    def label(self) -> str:
        return f"{self.code} {self.title}" if self.code else self.title


@dataclass(frozen=True)
class Pillar:
    id: str
    name: str
    questions: tuple[Question, ...]
    description: str = ""


@dataclass(frozen=True, eq=False)
class Lens:
    """A loaded question bank. ``document`` is the file's JSON exactly as read."""

    alias: str
    name: str
    description: str
    pillars: tuple[Pillar, ...]
    document: JsonObject = field(repr=False)
    source: str = ""
    bundled: bool = False
    warnings: tuple[Diagnostic, ...] = ()
    content_hash: str = ""
    _questions: dict[str, Question] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_questions", {q.id: q for p in self.pillars for q in p.questions})

    def questions(self) -> Iterator[Question]:
        for pillar in self.pillars:
            yield from pillar.questions

    def question(self, question_id: str) -> Question:
        return self._questions[question_id]

    def has_question(self, question_id: str) -> bool:
        return question_id in self._questions

    def pillar(self, pillar_id: str) -> Pillar:
        for pillar in self.pillars:
            if pillar.id == pillar_id:
                return pillar
        raise KeyError(pillar_id)

    def renamed(self, alias: str) -> Lens:
        """The same lens under another alias (for a review where its own is taken)."""
        if alias == self.alias:
            return self
        problem = alias_problem(alias)
        if problem:
            raise LensError.at(self.source, "", problem)
        return replace(self, alias=alias)

    @property
    def extension(self) -> JsonObject:
        extension: JsonObject = self.document.get(EXTENSION_KEY, {})
        return extension

    @property
    def edition(self) -> str | None:
        edition: str | None = self.extension.get("edition")
        return edition

    def counts(self) -> tuple[int, int, int]:
        """(pillars, questions, choices)."""
        questions = list(self.questions())
        return len(self.pillars), len(questions), sum(len(q.choices) for q in questions)

    @property
    def import_blockers(self) -> list[Diagnostic]:
        """Warnings that stop an export for the WA Tool's import."""
        return [w for w in self.warnings if w.wa_import]


def without_extensions(value: object) -> object:
    """A copy of a lens document without pillarkit's own fields, as the WA Tool's import takes it."""
    if isinstance(value, dict):
        return {k: without_extensions(v) for k, v in value.items() if k != EXTENSION_KEY}
    if isinstance(value, list):
        return [without_extensions(v) for v in value]
    return value


def content_hash(document: JsonObject) -> str:
    canonical = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    # Half a surrogate pair cannot be in a file the kit read; one made in code still hashes.
    return "sha256:" + hashlib.sha256(canonical.encode("utf-8", "surrogatepass")).hexdigest()


# --- finding lenses -------------------------------------------------------------------


def _bundled_folder() -> Traversable:
    return files("kit.frameworks")


def bundled_aliases() -> list[str]:
    """Aliases of the bundled lenses (their file stems), sorted."""
    return sorted(p.name[: -len(".json")] for p in _bundled_folder().iterdir() if p.name.endswith(".json"))


def is_bundled(alias: str) -> bool:
    return alias in bundled_aliases()


@cache
def bundled(alias: str) -> Lens:
    """A bundled lens by alias; loaded once per process, since it never changes."""
    if alias not in bundled_aliases():
        raise UnknownLensError.at(alias, "", f"no bundled lens of that name (bundled: {', '.join(bundled_aliases())})")
    resource = _bundled_folder().joinpath(f"{alias}.json")
    with _as_path(resource) as path:
        document = read_json(path, LensError)
        # The shipped files pass the full schema check in the test suite; skipping it here keeps
        # jsonschema (about a second to import beside Jupyter) off every kernel's start-up.
        return from_document(document, source=str(path), alias=alias, bundled=True, check_schema=False)


class _as_path:
    """A real path for a package resource (zip installs hand out traversables)."""

    def __init__(self, resource: Traversable) -> None:
        from importlib.resources import as_file

        self._context: AbstractContextManager[Path] = as_file(resource)

    def __enter__(self) -> Path:
        return self._context.__enter__()

    def __exit__(self, *exc: Any) -> None:
        self._context.__exit__(*exc)


# --- aliases --------------------------------------------------------------------------


def alias_from_name(file_name: str) -> str:
    """A safe alias from any file name, the same every time for the same name.

    ``my lens (1) v2.0 réversibilité.json`` becomes ``my-lens-1-v2.0-reversibilite``: the
    folder and a ``.json`` suffix go, accents are dropped (``é`` is ``e``, ``ß`` is ``ss``),
    every run of other characters becomes one ``-``, separators are not doubled nor left at
    either end, and the result is at most :data:`ALIAS_MAX` characters. A name with nothing
    to keep gives :data:`FALLBACK_ALIAS`. Names that are already clean (``s3-like``,
    ``Amazon_S3_Lens``) keep their stem as it is.
    """
    name = file_name.replace("\\", "/").rsplit("/", 1)[-1].strip()
    if name.lower().endswith(".json"):
        name = name[: -len(".json")]
    latin = unicodedata.normalize("NFKD", name.translate(_LETTERS))
    latin = "".join(c for c in latin if not unicodedata.combining(c))
    alias = re.sub(r"[^A-Za-z0-9_.-]+", "-", latin)
    # A run of separators that holds a '-' (often one made above, as in "lens - copy") is one '-'.
    alias = re.sub(r"[-_.]*-[-_.]*", "-", alias)
    alias = alias.strip("-_.")[:ALIAS_MAX].rstrip("-_.")
    return alias or FALLBACK_ALIAS


def unique_alias(alias: str, taken: set[str] | frozenset[str]) -> str:
    """``alias``, or ``alias-2``, ``alias-3``... : the first one not in ``taken``."""
    if alias not in taken:
        return alias
    number = 2
    while True:
        suffix = f"-{number}"
        candidate = alias[: ALIAS_MAX - len(suffix)] + suffix
        if candidate not in taken:
            return candidate
        number += 1


def alias_problem(alias: str) -> str | None:
    """Why ``alias`` cannot name a lens in a review, or None if it can."""
    if not ALIAS_PATTERN.fullmatch(alias):
        return f"alias {alias!r} may hold only letters, digits, '_', '.' and '-'"
    if len(alias) > ALIAS_MAX:
        return f"alias {alias[:20]!r}... has {len(alias)} characters; at most {ALIAS_MAX} are allowed"
    return None


def split_alias(spec: str) -> tuple[str | None, str]:
    """``ALIAS=FILE`` as (alias, file); any other lens name as (None, name).

    A name that is itself a file or a bundled alias is never split, so a file whose name holds
    an ``=`` still loads; otherwise the part before the first ``=`` must be a valid alias.
    """
    alias, equals, rest = spec.partition("=")
    if not equals or not rest or spec in bundled_aliases() or Path(spec).is_file():
        return None, spec
    return alias, rest


def load_many(specs: Iterable[str]) -> list[Lens]:
    """The lenses of one review, each under its own alias.

    A spec is a bundled alias, a file, or ``ALIAS=FILE``. A file takes the alias its name
    gives (:func:`alias_from_name`) unless one is given; a derived alias that another lens of
    the review, or a bundled lens, already has gets ``-2``, ``-3``... An explicit alias that
    clashes, a bundled lens given another alias, and the same lens given twice are errors.
    """
    parsed = [split_alias(str(spec)) for spec in specs]
    explicit: dict[str, str] = {}
    for alias, name in parsed:
        if alias is None:
            continue
        problem = alias_problem(alias)
        if problem:
            raise LensError.at(name, "", f"{problem} (the lens was given as {alias}={name})")
        if alias in explicit:
            raise LensError.at(name, "", f"alias {alias!r} is already given to {explicit[alias]}")
        explicit[alias] = name
    loaded: list[Lens] = []
    taken = set(explicit)
    for alias, name in parsed:
        if alias is not None:
            if alias in bundled_aliases():
                raise LensError.at(name, "", f"alias {alias!r} is a bundled lens's; give this lens another alias")
            if name in bundled_aliases() and not Path(name).is_file():
                raise LensError.at(
                    name, "", f"a bundled lens keeps its own alias; write {name} alone, not {alias}={name}"
                )
            lens = load_file(name, alias)
        else:
            lens = load(name)
            if not lens.bundled:
                lens = lens.renamed(unique_alias(lens.alias, taken | set(bundled_aliases())))
            elif lens.alias in taken:
                raise LensError.at(name, "", f"the bundled lens {lens.alias!r} is given twice")
        for earlier in loaded:
            if earlier.content_hash == lens.content_hash:
                again = "is given twice" if earlier.source == lens.source else f"is the same lens as {earlier.source}"
                raise LensError.at(name, "", f"{again}; a review applies a lens once")
        taken.add(lens.alias)
        loaded.append(lens)
    return loaded


def load(name: FilePath) -> Lens:
    """A lens named by its alias (a bundled file's stem) or by the path of a JSON file."""
    text = str(name)
    looks_like_path = text.endswith(".json") or "/" in text or os.sep in text
    if looks_like_path or (text not in bundled_aliases() and Path(text).is_file()):
        return load_file(text)
    return bundled(text)


def load_file(path: FilePath, alias: str | None = None) -> Lens:
    """A lens from a file; its alias is derived from the file's name (:func:`alias_from_name`) unless one is given."""
    path = Path(path)
    document = read_json(path, LensError)
    return from_document(document, source=str(path), alias=alias or alias_from_name(path.name))


def from_document(document: object, source: str, alias: str, bundled: bool = False, check_schema: bool = True) -> Lens:
    """Validate a lens document and build the lens, or raise :class:`LensError` listing every error.

    ``check_schema=False`` is for documents already known to match the schema (the bundled
    banks); the checks a schema cannot express, and the warnings, still run.
    """
    problem = alias_problem(alias)
    if problem:
        raise LensError.at(source, "", problem)
    errors, warnings = validate(document, source, check_schema)
    if errors:
        raise LensError(errors)
    assert isinstance(document, dict)
    return Lens(
        alias=alias,
        name=document["name"],
        description=document.get("description", ""),
        pillars=tuple(_pillar(p) for p in document["pillars"]),
        document=document,
        source=source,
        bundled=bundled,
        warnings=tuple(warnings),
        content_hash=content_hash(document),
    )


def _link(data: JsonObject | None) -> Link | None:
    if not data:
        return None
    url_key = _url_key(data)
    return Link(data.get("displayText", ""), (data[url_key] if url_key else None) or None)


def _url_key(resource: JsonObject) -> str | None:
    """The key holding a resource's link: ``url``, or a case slip of it such as ``Url``.

    A published lens spells it ``Url``; the WA Tool ignores that key and the link is lost
    there. pillarkit keeps the link and warns (see ``_check_schema``), so the author can fix it.
    """
    if "url" in resource:
        return "url"
    return next((key for key, value in resource.items() if key.lower() == "url" and isinstance(value, str)), None)


def _pillar(data: JsonObject) -> Pillar:
    return Pillar(
        id=data["id"],
        name=data["name"],
        questions=tuple(_question(q, data["id"]) for q in data["questions"]),
        description=data.get(EXTENSION_KEY, {}).get("description", ""),
    )


def _question(data: JsonObject, pillar_id: str) -> Question:
    return Question(
        id=data["id"],
        title=data["title"],
        pillar_id=pillar_id,
        choices=tuple(_choice(c) for c in data["choices"]),
        rules=tuple(
            RiskRule(r["condition"], risk.FROM_LENS[r["risk"]], rules.parse(r["condition"])) for r in data["riskRules"]
        ),
        description=data.get("description", ""),
        helpful=_link(data.get("helpfulResource")),
        code=data.get(EXTENSION_KEY, {}).get("code"),
    )


def _choice(data: JsonObject) -> Choice:
    extension = data.get(EXTENSION_KEY, {})
    return Choice(
        id=data["id"],
        title=data["title"],
        description=data.get("description", ""),
        helpful=_link(data.get("helpfulResource")),
        improvement=_link(data.get("improvementPlan")),
        resources=tuple(
            (group["type"], Link(item["displayText"], item["url"]))
            for group in data.get("additionalResources", [])
            for item in group["content"]
        ),
        code=extension.get("code"),
        risk_level=extension.get("level"),
    )


# --- validation -----------------------------------------------------------------------


class _Findings:
    """Errors and warnings about one document; each place names the ids on its way (see ``json_path``)."""

    def __init__(self, source: str, document: object):
        self.source = source
        self.document = document
        self.errors: list[Diagnostic] = []
        self.warnings: list[Diagnostic] = []

    def place(self, where: JsonPath) -> str:
        return json_path(where, self.document)

    def error(self, where: JsonPath, message: str) -> None:
        self.errors.append(Diagnostic(self.source, self.place(where), message))

    def warn(self, where: JsonPath, message: str, code: str, wa_import: bool = False) -> None:
        self.warnings.append(Diagnostic(self.source, self.place(where), message, code, wa_import))


def validate(document: object, source: str, check_schema: bool = True) -> tuple[list[Diagnostic], list[Diagnostic]]:
    """(errors, warnings) for a lens document; errors make it unusable."""
    found = _Findings(source, document)
    if check_schema:
        _check_schema(document, found)
    if found.errors:
        return found.errors, found.warnings
    assert isinstance(document, dict)
    _check_lens(document, found)
    return found.errors, found.warnings


def _check_schema(document: object, found: _Findings) -> None:
    from jsonschema import Draft202012Validator

    validator = Draft202012Validator(schemas.load("lens"))
    for error in sorted(validator.iter_errors(document), key=lambda e: list(map(str, e.absolute_path))):
        where = list(error.absolute_path)
        if error.validator == "additionalProperties":
            known = set(error.schema.get("properties", {}))
            for key in sorted(set(error.instance) - known):
                found.warn(where + [key], _unknown_key_message(key, known, error.instance), "extra-key")
        else:
            found.error(where, _schema_message(error))


def _unknown_key_message(key: str, known: set[str], instance: JsonObject) -> str:
    """An unknown key, with the known key it was probably meant to be (a case slip or a small typo)."""
    meant = _near_miss(key, known - set(instance))
    if meant is None:
        return f"unknown key {_quoted(key)} is kept but not used"
    if meant == "url" and _url_key(instance) == key:
        return f"unknown key {_quoted(key)}; did you mean 'url'? The link is used here, but the WA Tool ignores it under this name"
    return f"unknown key {_quoted(key)}; did you mean {meant!r}? It is kept but not used"


def _near_miss(key: str, candidates: set[str]) -> str | None:
    by_case = [c for c in sorted(candidates) if c.lower() == key.lower()]
    if by_case:
        return by_case[0]
    lowered = {c.lower(): c for c in sorted(candidates)}
    close = difflib.get_close_matches(key.lower(), list(lowered), n=1, cutoff=NEAR_MISS_CUTOFF)
    return lowered[close[0]] if close else None


def _schema_message(error: ValidationError) -> str:
    kind = error.validator
    message: str = error.message
    if kind == "required":
        return message.replace("is a required property", "is missing")
    if kind == "const" and error.absolute_path and error.absolute_path[-1] == "schemaVersion":
        return f"schemaVersion must be {SCHEMA_VERSION!r}, not {_quoted(error.instance)}"
    if kind == "maxItems":
        return f"has {len(error.instance)} items; at most {error.validator_value} are allowed"
    if kind == "minItems":
        return "must not be empty"
    if kind == "minLength":
        return "must not be empty"
    if kind == "maxLength":
        return f"has {len(error.instance):,} characters; at most {error.validator_value:,} are allowed"
    if kind == "enum":
        allowed = ", ".join(map(str, error.validator_value))
        return f"{_quoted(error.instance)} is not one of {allowed}"
    if kind == "type":
        return f"must be {'an' if error.validator_value in ('object', 'array', 'integer') else 'a'} {error.validator_value}"
    return message if len(message) <= 200 else message[:160] + "…"


def _quoted(value: object, most: int = 80) -> str:
    """``repr`` of a value from the file, cut with an ellipsis past ``most`` characters (a message is one readable line)."""
    text = repr(value)
    return text if len(text) <= most else f"{text[:most]}… ({len(text):,} characters)"


def _check_id(value: str, where: JsonPath, what: str, found: _Findings) -> bool:
    if not rules.ID_PATTERN.match(value):
        found.error(where, f"{what} {_quoted(value)} may hold only letters, digits, '_' and '-'")
        return False
    if "-" in value:
        found.warn(
            where, f"{what} {_quoted(value)} has '-', which the WA Tool's import refuses", "wa-import-limit", True
        )
    return True


def _check_text(
    data: JsonObject, key: str, kind: str, where: JsonPath, found: _Findings, required: bool = False
) -> None:
    value = data.get(key)
    if value is None:
        return
    if required and not value.strip():
        found.error(where + [key], "must not be blank")
    limit = WA_LENGTH_LIMITS.get((kind, key))
    if limit and len(value) > limit.maximum:
        found.warn(
            where + [key],
            f"{limit.what} has {len(value)} characters; the WA Tool's import takes at most {limit.maximum}",
            "wa-import-limit",
            True,
        )


def _check_links(data: JsonObject, where: JsonPath, found: _Findings) -> None:
    for key in ("helpfulResource", "improvementPlan"):
        resource = data.get(key)
        if resource is None:
            continue
        url_key = _url_key(resource) or "url"
        _check_url(resource.get(url_key), where + [key, url_key], found)
        if len(resource.get("displayText", "")) > WA_TEXT_LIMIT.maximum:
            found.warn(
                where + [key, "displayText"],
                f"text is longer than the WA Tool's import takes ({WA_TEXT_LIMIT.maximum})",
                "wa-import-limit",
                True,
            )
    for g, group in enumerate(data.get("additionalResources", [])):
        for i, item in enumerate(group["content"]):
            _check_url(item.get("url"), where + ["additionalResources", g, "content", i, "url"], found)


def _check_url(url: str | None, where: JsonPath, found: _Findings) -> None:
    if url is None:
        return
    if not url.strip():
        found.warn(where, "link is empty", "empty-link")
        return
    if url != url.strip():
        found.warn(where, f"link {_quoted(url)} has spaces around it; they are ignored", "link-spaces")
        url = url.strip()
    if not (url.startswith("https://") or url.startswith("http://")) or len(url) <= len("https://"):
        found.error(where, f"link {_quoted(url)} must start with http:// or https://")


def _check_lens(document: JsonObject, found: _Findings) -> None:
    _check_text(document, "name", "lens", [], found, required=True)
    _check_text(document, "description", "lens", [], found)
    pillar_ids: dict[str, int] = {}
    question_ids: dict[str, JsonPath] = {}
    choice_homes: dict[str, list[tuple[str, JsonPath]]] = {}
    for p, pillar in enumerate(document["pillars"]):
        at: JsonPath = ["pillars", p]
        if _check_id(pillar["id"], at + ["id"], "pillar id", found):
            if pillar["id"] in pillar_ids:
                found.error(
                    at + ["id"],
                    f"pillar id {_quoted(pillar['id'])} is already used by pillars[{pillar_ids[pillar['id']]}]",
                )
            pillar_ids.setdefault(pillar["id"], p)
        _check_text(pillar, "id", "pillar", at, found)
        _check_text(pillar, "name", "pillar", at, found, required=True)
        for q, question in enumerate(pillar["questions"]):
            where = at + ["questions", q]
            if _check_id(question["id"], where + ["id"], "question id", found):
                if question["id"] in question_ids:
                    found.error(
                        where + ["id"],
                        f"question id {_quoted(question['id'])} is already used at {found.place(question_ids[question['id']])}",
                    )
                question_ids.setdefault(question["id"], where)
            _check_question(question, where, found, choice_homes)
    for cid, homes in choice_homes.items():
        if len(homes) > 1:
            names = listed(qid for qid, _ in homes)
            found.warn(
                homes[1][1],
                f"choice id {_quoted(cid)} is used in {len(homes)} questions ({names}); rules stay within their question",
                "reused-choice-id",
            )


def _check_question(
    question: JsonObject, where: JsonPath, found: _Findings, choice_homes: dict[str, list[tuple[str, JsonPath]]]
) -> None:
    _check_text(question, "id", "question", where, found)
    _check_text(question, "title", "question", where, found, required=True)
    _check_text(question, "description", "question", where, found)
    _check_links(question, where, found)
    seen: dict[str, int] = {}
    for c, choice in enumerate(question["choices"]):
        at = where + ["choices", c]
        cid = choice["id"]
        if not _check_id(cid, at + ["id"], "choice id", found):
            continue
        if cid in seen:
            found.error(
                at + ["id"], f"choice id {_quoted(cid)} is already used by choices[{seen[cid]}] of this question"
            )
            continue
        seen[cid] = c
        choice_homes.setdefault(cid, []).append((question["id"], at + ["id"]))
        _check_text(choice, "id", "choice", at, found)
        _check_text(choice, "title", "choice", at, found, required=True)
        _check_text(choice, "description", "choice", at, found)
        _check_links(choice, at, found)
        if "improvementPlan" not in choice and not cid.endswith(NONE_OF_THESE_SUFFIX):
            found.warn(at, f"choice {_quoted(cid)} has no improvementPlan", "no-improvement-plan")

    nodes: list[tuple[int, rules.Node]] = []
    for r, rule in enumerate(question["riskRules"]):
        at = where + ["riskRules", r, "condition"]
        try:
            node = rules.parse(rule["condition"])
        except rules.ConditionError as exc:
            found.error(at, f"{exc} in {_quoted(rule['condition'])}")
            continue
        unknown = sorted(rules.choice_ids(node) - set(seen))
        if unknown:
            found.error(
                at,
                f"names {', '.join(map(repr, unknown))}, which {'is' if len(unknown) == 1 else 'are'} not a choice of this question",
            )
            continue
        nodes.append((r, node))
    if len(nodes) != len(question["riskRules"]):
        return
    if not any(isinstance(node, rules.Default) for _, node in nodes):
        found.warn(where + ["riskRules"], "no 'default' rule: an answer no rule matches scores HIGH", "no-default-rule")
    if len(nodes) > WA_RULES_LIMIT.maximum:
        found.warn(
            where + ["riskRules"],
            f"has {len(nodes)} rules; the WA Tool's import takes at most {WA_RULES_LIMIT.maximum}",
            "wa-import-limit",
            True,
        )
    none_of_these = next((cid for cid in seen if cid.endswith(NONE_OF_THESE_SUFFIX)), None)
    unreachable, three_valued = rules.unreachable_rules([n for _, n in nodes], list(seen), none_of_these)
    for index in unreachable:
        r, node = nodes[index]
        note = "" if three_valued else " (checked without not-applicable choices)"
        found.warn(
            where + ["riskRules", r],
            f"rule {_quoted(question['riskRules'][r]['condition'])} can never fire: earlier rules cover every answer it matches{note}",
            "rule-never-fires",
        )

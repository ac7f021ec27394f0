"""JSON files in and out: one reader and one writer for every file the kit opens or makes.

Reading (:func:`read_json`, :func:`parse_json`) refuses, each with one line that names the file
and the place (a JSON path, and a line and column where there is one):

* a path that is not a regular file: a folder, a named pipe, a device, a socket. This is
  checked with ``os.stat`` before the file is opened, and the file is opened without blocking,
  so a named pipe never hangs the kit and ``/dev/zero`` is never read;
* a file larger than :data:`kit.core.options.MAX_FILE_MB`, and text that is not UTF-8;
* invalid JSON, and what Python's ``json`` module accepts but other JSON readers do not, or
  read differently: ``NaN`` and ``Infinity``, numbers too large to be finite (``1e999``),
  whole numbers beyond ±(2**53 - 1), the same key twice in one object, nesting deeper than
  :data:`MAX_DEPTH`, and ``\\ud800``-style escapes that make half a surrogate pair.

Writing refuses the same values (:func:`dumps`), so nothing the kit writes is refused when the
kit reads it back. :func:`write_atomic` replaces a file so that a crash leaves the old file or
the new one; its errors name the file asked for, never the temporary one, and it removes the
temporary files that interrupted writes left in the folder.
"""

from __future__ import annotations

import errno
import json
import math
import os
import re
import stat
import tempfile
import time
from collections.abc import Iterable
from itertools import accumulate
from pathlib import Path
from typing import Any, TypeAlias

from kit.core import options
from kit.core.errors import PillarkitError, WriteError
from kit.core.text import surrogate_in

try:  # POSIX; elsewhere a stale temporary file is recognised by its age alone
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

#: Objects and arrays nested deeper than this are refused (a review needs about 15 levels).
MAX_DEPTH = 64
#: The largest whole number every JSON reader keeps exactly (JavaScript's Number.MAX_SAFE_INTEGER).
MAX_SAFE_INTEGER = 2**53 - 1
_MAX_INTEGER_LENGTH = len(str(MAX_SAFE_INTEGER)) + 1  # and a minus sign

#: A JSON object as read from a file: its values are whatever the file holds, so code reads
#: them only after a schema (or a check of its own) has said what they are.
JsonObject: TypeAlias = dict[str, Any]
#: A place in a JSON document: the keys and list indexes from its root.
JsonPath: TypeAlias = list[str | int]
#: A path to a file, as the standard library takes it.
FilePath: TypeAlias = str | os.PathLike[str]


def json_path(parts: Iterable[str | int], document: object = None) -> str:
    """``["pillars", 2, "title"]`` -> ``pillars[2].title``; the root is ``$``.

    Given the ``document`` the parts lead into, every list element on the way that has a
    string ``id`` is named by it too, so a place can be found by id as well as by counting:
    ``pillars[3] 'finops_co' .questions[3] 'finops_co_q4' .id``.
    """
    text = ""
    node = document
    named = False
    for part in parts:
        if isinstance(part, int):
            text += f"[{part}]"
        elif text:
            text += f" .{part}" if named else f".{part}"
        else:
            text = str(part)
        node = _child(node, part)
        named = isinstance(part, int) and isinstance(node, dict) and isinstance(node.get("id"), str)
        if named:
            assert isinstance(node, dict)
            text += f" {_shortened(node['id'])!r}"
    return text or "$"


#: Ids longer than this are cut in a path (the message about a bad id quotes it whole).
PATH_ID_LIMIT = 48


def _shortened(value: str) -> str:
    return value if len(value) <= PATH_ID_LIMIT else value[: PATH_ID_LIMIT - 1] + "\u2026"


def _child(node: object, part: str | int) -> object:
    if isinstance(part, int) and isinstance(node, list) and 0 <= part < len(node):
        return node[part]
    if isinstance(part, str) and isinstance(node, dict):
        return node.get(part)
    return None


def _place(path: JsonPath, line: int | None = None, column: int | None = None) -> str:
    where = json_path(path) if path else ""
    if line is None:
        return where
    position = f"line {line}, column {column}"
    return f"{where}, {position}" if where else position


# --- reading files --------------------------------------------------------------------------

_KINDS = (
    (stat.S_ISDIR, "is a folder, not a file"),
    (stat.S_ISFIFO, "is a named pipe, not a file"),
    (stat.S_ISCHR, "is a device, not a file"),
    (stat.S_ISBLK, "is a device, not a file"),
    (stat.S_ISSOCK, "is a socket, not a file"),
)


def _not_a_file(mode: int) -> str | None:
    for test, message in _KINDS:
        if test(mode):
            return message
    return None if stat.S_ISREG(mode) else "is not a regular file"


def size_limit() -> int:
    """The largest file the kit reads, in bytes (``PILLARKIT_MAX_FILE_MB``)."""
    return max(1, options.MAX_FILE_MB.value()) * 1024 * 1024


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"


def _too_large(size: int, limit: int) -> str:
    return (
        f"is {_megabytes(size)}; files over {_megabytes(limit)} are refused "
        f"(${options.MAX_FILE_MB.env} sets the limit in MB)"
    )


def read_bytes(path: FilePath, error: type[PillarkitError], limit: int | None = None) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes; anything else is one ``error`` line."""
    source = str(path)
    limit = size_limit() if limit is None else limit
    try:
        info = os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        raise error.at(source, "", "no such file") from None
    except OSError as exc:
        raise error.at(source, "", f"cannot read: {exc.strerror or exc}") from None
    kind = _not_a_file(info.st_mode)
    if kind:
        raise error.at(source, "", kind)
    if info.st_size > limit:
        raise error.at(source, "", _too_large(info.st_size, limit))
    try:
        # Non-blocking, in case the path became a named pipe since it was looked at.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    except OSError as exc:
        raise error.at(source, "", f"cannot read: {exc.strerror or exc}") from None
    try:
        kind = _not_a_file(os.fstat(fd).st_mode)
        if kind:
            raise error.at(source, "", kind)
        chunks, total = [], 0
        while total <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
    except OSError as exc:
        raise error.at(source, "", f"cannot read: {exc.strerror or exc}") from None
    finally:
        os.close(fd)
    if total > limit:
        raise error.at(source, "", _too_large(total, limit))
    return b"".join(chunks)


def decode(raw: bytes, source: str, error: type[PillarkitError]) -> str:
    """UTF-8 text (a byte-order mark is dropped); anything else is one ``error`` line."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise error.at(source, f"byte {exc.start}", "not UTF-8 text") from None


def read_json(path: FilePath, error: type[PillarkitError]) -> object:
    """Read a JSON file; every failure becomes ``error`` with a one-line message naming the file."""
    source = str(path)
    return parse_json(decode(read_bytes(path, error), source, error), source, error)


def parse_bytes(raw: bytes, source: str, error: type[PillarkitError]) -> object:
    """A file's bytes as JSON, with :func:`read_json`'s checks and errors (for bytes read elsewhere, in bulk)."""
    return parse_json(decode(raw, source, error), source, error)


# --- parsing --------------------------------------------------------------------------------


class _Suspect(ValueError):
    """Raised inside the parser's hooks; the slow scan then finds what and where."""


def _object(pairs: list[tuple[str, object]]) -> dict[str, object]:
    data = dict(pairs)
    if len(data) != len(pairs):
        raise _Suspect
    return data


def _integer(text: str) -> int:
    if len(text) > _MAX_INTEGER_LENGTH:
        raise _Suspect
    value = int(text)
    if abs(value) > MAX_SAFE_INTEGER:
        raise _Suspect
    return value


def _float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise _Suspect
    return value


def _constant(name: str) -> None:
    raise _Suspect


_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89abcdefABCDEF][0-9a-fA-F]{2}")


def parse_json(text: str, source: str, error: type[PillarkitError]) -> object:
    """Strict JSON from text; see the module's docstring for what is refused."""
    try:
        data = json.loads(
            text, object_pairs_hook=_object, parse_int=_integer, parse_float=_float, parse_constant=_constant
        )
    except json.JSONDecodeError as exc:
        at = _scan(text, stop=exc.pos)
        where = _place(at[0] if at else [], exc.lineno, exc.colno)
        raise error.at(source, where, f"invalid JSON: {exc.msg}") from None
    except (_Suspect, RecursionError):
        raise _refused(text, source, error, "invalid JSON: a value other JSON readers would refuse") from None
    if nested_too_deep(text):
        raise _refused(text, source, error, f"nested deeper than {MAX_DEPTH} levels")
    if _SURROGATE_ESCAPE.search(text):
        problem = _problem_in(data, depth=False, numbers=False)
        if problem is not None:
            path, message = problem
            raise error.at(source, _place(path), message)
    return data


def _refused(text: str, source: str, error: type[PillarkitError], fallback: str) -> PillarkitError:
    """The first refused value of the text, with its place; ``fallback`` if the scan finds none."""
    found = _scan(text)
    if found is None:
        return error.at(source, "", fallback)
    path, offset, message = found
    line, column = _position(text, offset)
    return error.at(source, _place(path, line, column), message)


_STRING_TOKEN = re.compile(r'"(?:[^"\\]++|\\.)*+"', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]++")
_BRACKET_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}


def nested_too_deep(text: str) -> bool:
    """Whether valid JSON text nests past :data:`MAX_DEPTH` (counting brackets first: most text has too few to try)."""
    return text.count("[") + text.count("{") > MAX_DEPTH and _max_depth(text) > MAX_DEPTH


def _max_depth(text: str) -> int:
    """How deeply the brackets of valid JSON text nest (strings left out), at the speed of ``re``."""
    brackets = _NOT_BRACKET.sub("", _STRING_TOKEN.sub("", text))
    return max(accumulate(map(_BRACKET_STEP.__getitem__, brackets)), default=0)


def _position(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def _short(token: str) -> str:
    return token if len(token) <= 24 else f"{token[:12]}… ({len(token)} characters)"


_INTEGER = re.compile(r"-?(?:0|[1-9][0-9]*)")
_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?")


def _integer_problem(digits: int, shown: str) -> str:
    if len(shown) > 24:
        shown = f"a whole number of {digits} digits"
    return f"{shown} is beyond ±{MAX_SAFE_INTEGER}, the largest whole number every JSON reader keeps exactly"


def _word_problem(token: str) -> str | None:
    """Why a bare word of JSON text (a number or a constant) is refused, or None."""
    if token in ("NaN", "Infinity", "-Infinity"):
        return f"invalid JSON: {token} is not a JSON value"
    if _INTEGER.fullmatch(token):
        digits = len(token.lstrip("-"))
        if digits > _MAX_INTEGER_LENGTH or abs(int(token)) > MAX_SAFE_INTEGER:
            return _integer_problem(digits, token)
    elif _NUMBER.fullmatch(token) and not math.isfinite(float(token)):
        return f"{_short(token)} is too large to be a number (it would be infinite)"
    return None


_TOKEN = re.compile(
    r'[ \t\n\r]*+(?:(?P<string>"(?:[^"\\]++|\\.)*+")|(?P<punct>[{}\[\]:,])|(?P<word>[^ \t\n\r{}\[\]:,"]++))',
    re.DOTALL,
)


class _Frame:
    __slots__ = ("is_object", "key", "keys", "want_key")

    def __init__(self, is_object: bool):
        self.is_object = is_object
        self.key: str | int | None = None if is_object else 0
        self.keys: set[str] = set()
        self.want_key = is_object


def _stack_path(stack: list[_Frame]) -> JsonPath:
    return [frame.key for frame in stack if frame.key is not None]


def _scan(text: str, stop: int | None = None) -> tuple[JsonPath, int, str] | None:
    """Walk the text token by token, keeping the JSON path, up to the first refused value.

    Returns (path, offset, message) for that value; with ``stop``, (path, offset, "") for the
    place at offset ``stop``. None when the text ends (or stops parsing) first. Slow, and only
    run once parsing has failed.
    """
    stack: list[_Frame] = []
    position, end = 0, len(text)
    while position < end:
        match = _TOKEN.match(text, position)
        if match is None:
            break
        kind = match.lastgroup or ""
        token, at = match.group(kind), match.start(kind)
        if stop is not None and at >= stop:
            return _stack_path(stack), at, ""
        position = match.end()
        top = stack[-1] if stack else None
        if kind == "punct":
            if token in "{[":
                if len(stack) >= MAX_DEPTH:
                    return _stack_path(stack), at, f"nested deeper than {MAX_DEPTH} levels"
                stack.append(_Frame(token == "{"))
            elif token in "}]":
                if stack:
                    stack.pop()
            elif token == "," and top is not None:
                if top.is_object:
                    top.want_key = True
                elif isinstance(top.key, int):
                    top.key += 1
        elif kind == "string":
            if top is not None and top.is_object and top.want_key:
                try:
                    key = json.loads(token)
                except ValueError:
                    key = token
                top.want_key = False
                top.key = key
                if key in top.keys:
                    return _stack_path(stack), at, f"the key {_short(key)!r} appears twice in this object"
                top.keys.add(key)
        else:
            problem = _word_problem(token)
            if problem:
                return _stack_path(stack), at, problem
    if stop is not None:
        return _stack_path(stack), stop, ""
    return None


def _problem_in(
    data: object, depth: bool = True, text: bool = True, numbers: bool = True
) -> tuple[JsonPath, str] | None:
    """The first value in ``data`` that the reader would refuse, as (path, message), or None.

    Iterative, so no nesting makes it recurse; it stops at the first problem.
    """
    # (value, its key, the entry of its container, depth); paths are built only for a problem.
    # An entry is (its key, its container's entry), up to the root's None.
    pending: list[tuple[object, Any, tuple[Any, Any] | None, int]] = [(data, None, None, 1)]

    def path_of(entry: tuple[Any, Any] | None, key: Any) -> JsonPath:
        parts: list[Any] = [] if key is None else [key]
        while entry is not None:
            key, entry = entry
            if key is not None:
                parts.append(key)
        return parts[::-1]

    while pending:
        value, key, parent, level = pending.pop()
        if isinstance(value, str):
            if text:
                bad = surrogate_in(value)
                if bad:
                    return path_of(
                        parent, key
                    ), f"the text holds {bad}, half of a surrogate pair, which is not a character"
        elif value is None or isinstance(value, bool):
            continue
        elif isinstance(value, int):
            if numbers and abs(value) > MAX_SAFE_INTEGER:
                return path_of(parent, key), _integer_problem(len(str(abs(value))), str(value))
        elif isinstance(value, float):
            if numbers and not math.isfinite(value):
                return path_of(parent, key), f"{value} is not a number JSON can hold"
        elif isinstance(value, dict | list | tuple):
            if depth and level > MAX_DEPTH:
                return path_of(parent, key), f"nested deeper than {MAX_DEPTH} levels"
            entry = (key, parent)
            if isinstance(value, dict):
                items = list(value.items())
                for name, _ in items:
                    if text and isinstance(name, str) and surrogate_in(name):
                        return path_of(entry, name), f"the key holds {surrogate_in(name)}, half of a surrogate pair"
            else:
                items = list(enumerate(value))
            pending.extend((item, name, entry, level + 1) for name, item in reversed(items))
        elif numbers:
            return path_of(parent, key), f"a {type(value).__name__} is not JSON data"
    return None


# --- writing --------------------------------------------------------------------------------


def dumps(data: object, source: str = "output") -> str:
    """``data`` as indented JSON text; :class:`WriteError` for anything :func:`parse_json` would refuse."""
    problem = _problem_in(data)
    if problem is not None:
        path, message = problem
        raise WriteError.at(source, json_path(path), f"{message}; nothing was written")
    return json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def same_file(one: FilePath, other: FilePath) -> bool:
    """Whether two paths name the same file: the same resolved path, or the same inode (links)."""
    try:
        if Path(one).resolve() == Path(other).resolve():
            return True
        return os.path.samefile(one, other)
    except (OSError, ValueError):
        return False


def _mode_for(target: Path) -> int:
    try:
        return target.stat().st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


#: Temporary files: ``.<name>.<random>.pillarkit.tmp`` (``TEMP_SUFFIX``), locked while written.
TEMP_SUFFIX = ".pillarkit.tmp"
#: A temporary file is made under this suffix, locked, then renamed to ``TEMP_SUFFIX``: so every
#: ``.pillarkit.tmp`` file a live writer has is locked, and an unlocked one is a dead writer's.
CREATING_SUFFIX = ".pillarkit.new"
_TEMPORARY = re.compile(r"^\..+\.[A-Za-z0-9_]{8}" + re.escape(TEMP_SUFFIX) + "$")
#: A writer killed between making its file and locking it (microseconds) leaves one of these.
_CREATING = re.compile(r"^\..+\.[A-Za-z0-9_]{8}" + re.escape(CREATING_SUFFIX) + "$")
CREATING_AGE = 60.0
#: What earlier releases left (``.<name>.<random>.tmp``, unlocked): removed once clearly stale.
_EARLIER_TEMPORARY = re.compile(r"^\..+\.(?:json|html|pdf|csv|xlsx)\.[A-Za-z0-9_]{8}\.tmp$")
EARLIER_TEMPORARY_AGE = 600.0


def _lock(fd: int, wait: bool) -> bool:
    if fcntl is None:
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
    except OSError:
        return False
    return True


def clean_temporaries(folder: FilePath, now: float | None = None) -> list[str]:
    """Remove the temporary files that interrupted writes left in ``folder``; returns their names.

    A writer holds a lock on its temporary file until the file has its final name, so a file
    whose lock can be taken belongs to no live writer. A file a writer was killed in the
    middle of making (``.pillarkit.new``) goes after a minute, and files of earlier releases,
    which took no lock, once they are ten minutes old.
    """
    now = time.time() if now is None else now
    removed: list[str] = []
    try:
        entries = list(os.scandir(os.fspath(folder)))
    except OSError:
        return removed
    for entry in entries:
        if _TEMPORARY.match(entry.name):
            least_age = 0.0
        elif _CREATING.match(entry.name):
            least_age = CREATING_AGE
        elif _EARLIER_TEMPORARY.match(entry.name):
            least_age = EARLIER_TEMPORARY_AGE
        else:
            continue
        if fcntl is None:  # no locks to tell live writers by: only clearly stale files go
            least_age = max(least_age, EARLIER_TEMPORARY_AGE)
        try:
            fd = os.open(entry.path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
        except OSError:
            continue
        try:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode) or not _lock(fd, wait=False):
                continue
            if now - info.st_mtime < least_age:
                continue
            os.unlink(entry.path)
            removed.append(entry.name)
        except OSError:
            continue
        finally:
            os.close(fd)
    return removed


def _named(exc: OSError, target: Path) -> OSError:
    """The same error, naming the file the caller asked for (never the temporary one)."""
    return type(exc)(exc.errno, exc.strerror or str(exc), str(target)) if exc.errno else exc


def write_atomic(path: FilePath, text: str | bytes, newline: str | None = None, durable: bool = True) -> None:
    """Replace ``path`` with ``text`` so that a crash leaves the old file or the new one, never a torn one.

    ``text`` is written as UTF-8 (each "\\n" as ``newline`` if one is given), or bytes as they are.
    An :class:`OSError` names ``path`` (a full disk, a folder given as the file). Temporary files
    left in the folder by interrupted writes are removed afterwards. ``durable=False`` skips the
    flushes to disk, for a file that means nothing after the machine crashes (the app's lease).
    """
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    if target.is_dir():
        raise IsADirectoryError(errno.EISDIR, "is a folder; give the name of a file to write", str(target))
    if folder.exists() and not folder.is_dir():
        raise NotADirectoryError(errno.ENOTDIR, f"{folder} is a file, not a folder", str(target))
    if isinstance(text, bytes):
        encoded = text
    else:
        if newline:
            text = text.replace("\n", newline)
        try:
            encoded = text.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise WriteError.at(
                str(target), f"character {exc.start}", "text that is not Unicode; nothing was written"
            ) from None
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=CREATING_SUFFIX, dir=folder)
    except OSError as exc:
        raise _named(exc, target) from None
    try:
        # Locked until it has its final name, so clean_temporaries never takes a live writer's
        # file; it takes the name clean_temporaries looks for only once it is locked.
        _lock(fd, wait=True)
        locked = temp[: -len(CREATING_SUFFIX)] + TEMP_SUFFIX
        os.rename(temp, locked)
        temp = locked
        # mkstemp makes the file private to its owner; the file keeps the mode it had, or gets
        # the one any new file gets (a review or a handout is meant to be shared).
        os.chmod(temp, _mode_for(target))
        view = memoryview(encoded)
        while view:
            written = os.write(fd, view)
            view = view[written:]
        if durable:
            os.fsync(fd)
        os.replace(temp, target)
    except BaseException as exc:
        try:
            os.unlink(temp)
        except OSError:
            pass
        if isinstance(exc, OSError):
            raise _named(exc, target) from None
        raise
    finally:
        os.close(fd)
    clean_temporaries(folder)
    if not durable:
        return
    # Make the rename itself durable; some file systems refuse to open a folder, which is harmless.
    try:
        dir_fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(dir_fd)
    except OSError:
        pass
    finally:
        os.close(dir_fd)

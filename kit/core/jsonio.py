"""JSON files in and out: one-line errors with line and column, atomic writes, JSON paths."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import IO, Any, TypeAlias

from kit.core.errors import PillarkitError

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


class _NonStandardConstant(ValueError):
    pass


def _refuse_constant(name: str) -> None:
    raise _NonStandardConstant(name)


def parse_json(text: str, source: str, error: type[PillarkitError]) -> object:
    """Strict JSON: Python's json module would accept NaN and Infinity, which published lenses contain."""
    try:
        return json.loads(text, parse_constant=_refuse_constant)
    except json.JSONDecodeError as exc:
        raise error.at(source, f"line {exc.lineno}, column {exc.colno}", f"invalid JSON: {exc.msg}") from None
    except _NonStandardConstant as exc:
        line, column = _position(text, _outside_strings(text, str(exc)))
        raise error.at(source, f"line {line}, column {column}", f"invalid JSON: {exc} is not a JSON value") from None


def _outside_strings(text: str, word: str) -> int:
    """Offset of the first ``word`` that is not inside a JSON string."""
    in_string = escaped = False
    for index, char in enumerate(text):
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif text.startswith(word, index):
            return index
    return 0


def _position(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def read_json(path: FilePath, error: type[PillarkitError]) -> object:
    """Read a JSON file; every failure becomes ``error`` with a one-line message naming the file."""
    return parse_bytes(read_bytes(path, error), str(path), error)


def read_bytes(path: FilePath, error: type[PillarkitError]) -> bytes:
    """A file's bytes; a file that cannot be read becomes ``error`` naming it (as :func:`read_json` words it)."""
    source = str(path)
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except FileNotFoundError:
        raise error.at(source, "", "no such file") from None
    except IsADirectoryError:
        raise error.at(source, "", "is a folder, not a file") from None
    except OSError as exc:
        raise error.at(source, "", f"cannot read: {exc.strerror}") from None


def parse_bytes(raw: bytes, source: str, error: type[PillarkitError]) -> object:
    """A file's bytes as JSON (UTF-8, with or without a byte order mark), with :func:`read_json`'s errors."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise error.at(source, f"byte {exc.start}", "not UTF-8 text") from None
    return parse_json(text, source, error)


def dumps(data: object) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def _mode_for(target: Path) -> int:
    try:
        return target.stat().st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def write_atomic(path: FilePath, text: str | bytes, newline: str | None = None) -> None:
    """Replace ``path`` with ``text`` so that a crash leaves the old file or the new one, never a torn one.

    ``text`` is UTF-8 text (``newline`` as for :func:`open`) or bytes, written as they are.
    """
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    folder.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    try:
        # mkstemp makes the file private to its owner; the file keeps the mode it had, or gets
        # the one any new file gets (a review or a handout is meant to be shared).
        os.chmod(temp, _mode_for(target))
        handle: IO[Any] = (
            os.fdopen(fd, "wb") if isinstance(text, bytes) else os.fdopen(fd, "w", encoding="utf-8", newline=newline)
        )
        with handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, target)
    except BaseException:
        try:
            os.unlink(temp)
        except FileNotFoundError:
            pass
        raise
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

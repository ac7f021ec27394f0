"""What review files gave a portfolio, kept between runs: a file read again costs a hash, not a parse.

A file's :class:`~kit.core.bulk_reviews.ReviewRecord` depends on four things, and an entry is
used only when all four are as they were:

- **the file's bytes.** Entries are keyed by the SHA-256 of the bytes read, never by a file's
  name or timestamps, so an edited file misses however its clock falls, and a copy hits;
- **how it was read.** Each cache file holds one kind of reading (the current answers, the
  latest milestone, or a milestone by name) of one set of folders and files, by this version
  of the reader (:data:`FORMAT` and the kit's version are part of its name);
- **the lenses.** An entry names each lens by alias and content hash, and is used only while
  the bundled lens of that alias has that hash. A record that needs a lens that is not bundled
  (one embedded in its file) is not kept;
- **the errors.** A file that cannot be analysed is not kept, so its line is worded afresh.

Nothing here can fail a reading: a cache that cannot be read (missing, from another version,
damaged) is started afresh and one that cannot be written is left as it was. A cache file is
written whole, under a temporary name, then renamed over the old one, and holds only the
entries the last reading used, so it never grows past its folders. ``PILLARKIT_CACHE`` names
the folder (default: the user's cache folder), or ``off``.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import fields
from pathlib import Path
from typing import Any

import msgspec

import kit
from kit.core import lens as lenses
from kit.core import options
from kit.core.bulk_reviews import LensRecord, ReviewReader, ReviewRecord
from kit.core.jsonio import FilePath

#: Raise when what a record holds, or what it means, changes: older cache files are then passed over.
FORMAT = 1
#: Cache files kept in the folder (one per set of folders and kind of reading), the most recently used.
KEEP_FILES = 16
#: What ``PILLARKIT_CACHE`` says to keep no cache.
OFF = "off"


class _Entry(msgspec.Struct, array_like=True, gc=False):
    """A record without its file's name and with its lenses by (alias, content hash)."""

    workload: dict[str, Any]
    lenses: list[tuple[str, str]]
    answers: dict[str, LensRecord]
    baseline: dict[str, LensRecord]
    milestone: str
    milestone_date: str
    baseline_name: str
    baseline_date: str
    synthetic: bool
    lens_changed: int
    slow: bool


#: What an entry and a record hold alike (the record adds its file's name; the lenses differ in form).
_SAME = tuple(name for name in _Entry.__struct_fields__ if name != "lenses")
assert set(_SAME) | {"source", "lenses"} == {f.name for f in fields(ReviewRecord)}

_ENTRIES = msgspec.msgpack.Decoder(dict[str, _Entry])
_ENCODER = msgspec.msgpack.Encoder()


def folder() -> Path | None:
    """The cache's folder from ``PILLARKIT_CACHE``, or None when it says ``off``."""
    configured = options.CACHE.value()
    if configured.strip().lower() == OFF:
        return None
    if configured:
        return Path(configured).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "pillarkit"


class RecordCache:
    """The entries of one kind of reading of one set of paths; :meth:`read` them, then :meth:`save`."""

    def __init__(self, path: Path):
        self.path = path
        self._old: dict[str, _Entry] = {}
        self._used: dict[str, _Entry] = {}
        self.hits = 0
        self._bundled = frozenset(lenses.bundled_aliases())
        self._hashes: dict[str, str] = {}
        try:
            self._old = _ENTRIES.decode(path.read_bytes())
        except (OSError, msgspec.DecodeError, msgspec.ValidationError):
            self._old = {}  # none yet, or not one this reader can trust: start afresh

    @classmethod
    def for_reading(cls, where: Path, paths: list[Path], milestone: str | None) -> RecordCache:
        """The cache of reading ``paths`` (as resolved) with ``milestone``, in the folder ``where``."""
        roots = "\n".join(sorted(str(p.resolve()) for p in paths))
        key = f"{FORMAT}\n{kit.__version__}\n{milestone!r}\n{roots}"
        name = hashlib.sha256(key.encode("utf-8", "surrogateescape")).hexdigest()[:24]
        return cls(where / "portfolio" / f"records-{name}.msgpack")

    def read(self, reader: ReviewReader, path: FilePath) -> ReviewRecord:
        """The file's record, from the cache when its bytes were read before; errors as ``reader.read_file``."""
        source = str(path)
        raw = reader.load(path)
        key = hashlib.sha256(raw).hexdigest()[:32]
        entry = self._used.get(key)
        if entry is None:
            entry = self._old.get(key)
        if entry is not None:
            record = self._record(entry, source)
            if record is not None:
                self._used[key] = entry
                self.hits += 1
                return record
        record = reader.read_bytes(raw, source)
        entry = self._entry(record)
        if entry is not None:
            self._used[key] = entry
        return record

    def save(self) -> None:
        """Write the entries this reading used, if they differ from those read; an error leaves the old file."""
        if self._used.keys() == self._old.keys():
            _touch(self.path)  # still in use: kept among the most recent
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=self.path.parent, prefix=".records-", suffix=".tmp")
            try:
                with os.fdopen(handle, "wb") as out:
                    out.write(_ENCODER.encode(self._used))
                os.replace(temporary, self.path)
            except BaseException:
                Path(temporary).unlink(missing_ok=True)
                raise
        except OSError:
            return  # a full disk or a read-only home costs the next reading its speed, nothing else
        _prune(self.path.parent)

    # --- entries and records -----------------------------------------------------------

    def _hash_of(self, alias: str) -> str | None:
        if alias not in self._hashes:
            self._hashes[alias] = lenses.bundled(alias).content_hash if alias in self._bundled else ""
        return self._hashes[alias] or None

    def _entry(self, record: ReviewRecord) -> _Entry | None:
        named = []
        for alias, lens in record.lenses:
            if not lens.bundled or self._hash_of(alias) != lens.content_hash:
                return None  # an embedded lens: its file is read each time
            named.append((alias, lens.content_hash))
        return _Entry(lenses=named, **{name: getattr(record, name) for name in _SAME})

    def _record(self, entry: _Entry, source: str) -> ReviewRecord | None:
        applied = []
        for alias, content_hash in entry.lenses:
            if self._hash_of(alias) != content_hash:
                return None  # the bundled lens changed since: read the file again
            applied.append((alias, lenses.bundled(alias)))
        return ReviewRecord(source=source, lenses=applied, **{name: getattr(entry, name) for name in _SAME})


def _touch(path: Path) -> None:
    try:
        os.utime(path)
    except OSError:
        pass


def _prune(where: Path) -> None:
    """Keep the :data:`KEEP_FILES` most recently used cache files of the folder."""
    try:
        found = sorted(where.glob("records-*.msgpack"), key=lambda p: p.stat().st_mtime_ns, reverse=True)
        for stale in found[KEEP_FILES:]:
            stale.unlink(missing_ok=True)
    except OSError:
        pass

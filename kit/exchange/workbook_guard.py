"""Check a workbook's zip before openpyxl opens it, so that a small file cannot unpack into gigabytes.

An XLSX workbook is a zip of XML parts. The file size limit (``$PILLARKIT_MAX_FILE_MB``) bounds
the zip, not what is inside: deflate packs a run of zeros about a thousand to one, so a 20 MB
file can hold 20 GB, and openpyxl would unpack and parse every byte of it, building a Python
object for every cell. So, before openpyxl sees the bytes, :func:`check_workbook`

1. reads the zip's table of contents without unpacking anything: how many parts there are,
   what each says it unpacks to, in total and against its packed size; a part that is
   encrypted, or packed in a way no spreadsheet writes, is refused;
2. unpacks every part itself, in small steps, counting what really comes out: a part that
   holds more than it declares is refused as soon as it does (the declared sizes are the
   attacker's to write, so they are a first filter, never the guard);
3. parses the XML parts as they unpack (expat, keeping no tree) and counts what openpyxl would
   build: cells, rows, shared texts, and every cell of a merged or linked range, which openpyxl
   creates one by one (a single ``A1:XFD1048576`` merge is 17 billion cells). A document
   type declaration, which no workbook has, is refused: entities are how XML bombs expand.

Only then does openpyxl unpack the same bytes, now known to be within the limits in
:mod:`kit.core.options`. Every refusal is one line naming the file (and the part, when one part
is at fault), what is wrong and what to do.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from dataclasses import dataclass
from xml.parsers import expat

from kit.core import options
from kit.core.errors import IntakeError, PillarkitError

MEGABYTE = 1024 * 1024
#: Parts that unpack to less than this are not held to the ratio: small XML is often very regular.
RATIO_FREE_BYTES = MEGABYTE
#: A spreadsheet's last row and column: an open-ended range (``A:A``, ``1:1``) reaches them.
LAST_ROW, LAST_COLUMN = 1_048_576, 16_384

_FRESH = "export a fresh one with pillarkit export REVIEW -o FILE.xlsx"
_NOT_A_WORKBOOK = f"is not an XLSX workbook: {_FRESH.replace('a fresh one', 'one')}"
#: Encrypted Office files and old .xls workbooks are OLE compound files, not zips.
_OLE_SIGNATURE = bytes.fromhex("d0cf11e0a1b11ae1")
_LOCAL_HEADER = struct.Struct("<4s5H3L2H")
_LOCAL_SIGNATURE = b"PK\x03\x04"
_END = struct.Struct("<4s4H2LH")
_END_SIGNATURE = b"PK\x05\x06"
_END64_LOCATOR = struct.Struct("<4sLQL")
_END64 = struct.Struct("<4sQ2H2L4Q")
#: The table of contents spends well under this per part (a fixed 46 bytes and a short name).
_DIRECTORY_BYTES_PER_PART = 1024
_STEP = 64 * 1024
#: The parts openpyxl parses as XML (legacy .vml drawings it keeps as bytes, and Excel's are not always well formed).
_XML_SUFFIXES = (".xml", ".rels")
_COUNTED = frozenset({"c", "row", "si"})
_RANGES = frozenset({"mergeCell", "hyperlink", "comment"})
_ENCRYPTED = 0x1


@dataclass(frozen=True)
class Limits:
    """The limits a workbook is held to; :meth:`current` reads them from :mod:`kit.core.options`."""

    unpacked_bytes: int
    parts: int
    ratio: int
    cells: int

    @classmethod
    def current(cls) -> Limits:
        return cls(
            unpacked_bytes=max(1, options.MAX_WORKBOOK_MB.value()) * MEGABYTE,
            parts=max(1, options.MAX_WORKBOOK_PARTS.value()),
            ratio=max(1, options.MAX_WORKBOOK_RATIO.value()),
            cells=max(1, options.MAX_WORKBOOK_CELLS.value()),
        )


def megabytes(size: int) -> str:
    return f"{size / MEGABYTE:.1f} MB"


def check_workbook(raw: bytes, source: str, limits: Limits | None = None) -> None:
    """Refuse, with one :class:`IntakeError` line, a workbook that is not a sound zip within ``limits``."""
    limits = Limits.current() if limits is None else limits
    if raw.startswith(_OLE_SIGNATURE):
        raise IntakeError.at(
            source,
            "",
            "is password-protected or an old .xls workbook: save it from the spreadsheet as .xlsx without a password",
        )
    _check_table_size(raw, source, limits)
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
        parts = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, OSError, struct.error):
        if raw.startswith(_LOCAL_SIGNATURE):
            raise _damaged(source, "", "its table of contents cannot be read") from None
        raise IntakeError.at(source, "", _NOT_A_WORKBOOK) from None
    archive.close()
    _check_directory(parts, source, limits)
    counter = _Counter(source, limits)
    for part in parts:
        _unpack(raw, part, source, limits, counter)


def _damaged(source: str, where: str, detail: str) -> PillarkitError:
    reason = f" ({detail.rstrip('.')})" if detail else ""
    return IntakeError.at(
        source, where, f"is damaged{reason}: save the workbook again from the spreadsheet, or {_FRESH}"
    )


def _too_many_parts(source: str, count: str, limits: Limits) -> PillarkitError:
    return IntakeError.at(
        source,
        "",
        f"{count}; workbooks of more than {limits.parts:,} parts are refused "
        f"(${options.MAX_WORKBOOK_PARTS.env} sets the limit)",
    )


def _check_table_size(raw: bytes, source: str, limits: Limits) -> None:
    """Refuse a table of contents too long for the part limit before zipfile builds an object per entry.

    zipfile reads every entry the table holds (its length is in the zip's last record), so a
    20 MB file of empty parts would cost seconds and a hundred megabytes before a count could
    be made. Without that record the file is no zip, and zipfile says so next.
    """
    found = _table_of_contents(raw)
    if found is None:
        return
    entries, size = found
    if entries > limits.parts:
        raise _too_many_parts(source, f"lists {entries:,} parts", limits)
    if size > limits.parts * _DIRECTORY_BYTES_PER_PART:
        raise _too_many_parts(
            source, f"has a table of contents of {size:,} bytes, more than {limits.parts:,} parts need", limits
        )


def _table_of_contents(raw: bytes) -> tuple[int, int] | None:
    """(entries, bytes) of the zip's central directory, found where zipfile looks for them.

    That is the end record (the last one in the file's last 64 KB), or the ZIP64 end record
    just before it when a ZIP64 locator sits right before the end record: zipfile takes the
    ZIP64 figures whenever they are there, so they are the ones to check.
    """
    start = raw.rfind(_END_SIGNATURE, max(0, len(raw) - _END.size - 0xFFFF))
    if start < 0 or start + _END.size > len(raw):
        return None
    _, _, _, _, entries, size, _, _ = _END.unpack_from(raw, start)
    locator = start - _END64_LOCATOR.size
    record = locator - _END64.size
    if record >= 0 and raw[locator : locator + 4] == b"PK\x06\x07" and raw[record : record + 4] == b"PK\x06\x06":
        fields = _END64.unpack_from(raw, record)
        entries, size = fields[7], fields[8]
    return entries, size


def _check_directory(parts: list[zipfile.ZipInfo], source: str, limits: Limits) -> None:
    """What the table of contents says, before anything is unpacked."""
    if len(parts) > limits.parts:
        raise _too_many_parts(source, f"has {len(parts):,} parts", limits)
    for part in parts:
        if part.flag_bits & _ENCRYPTED:
            raise IntakeError.at(
                source, part.filename, "is encrypted: save the workbook without a password and take it in again"
            )
        if part.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise IntakeError.at(
                source,
                part.filename,
                f"is packed with a method spreadsheets do not use (zip method {part.compress_type}): "
                f"save the workbook again from the spreadsheet, or {_FRESH}",
            )
    total = sum(part.file_size for part in parts)
    if total > limits.unpacked_bytes:
        largest = max(parts, key=lambda p: p.file_size)
        raise IntakeError.at(
            source,
            "",
            f"unpacks to {megabytes(total)} ({largest.filename} alone to {megabytes(largest.file_size)}); "
            f"workbooks over {megabytes(limits.unpacked_bytes)} unpacked are refused "
            f"(${options.MAX_WORKBOOK_MB.env} sets the limit in MB)",
        )
    for part in parts:
        if part.file_size > RATIO_FREE_BYTES and part.file_size > limits.ratio * max(1, part.compress_size):
            raise _bomb(source, part.filename, part.file_size, part.compress_size, limits)


def _bomb(source: str, where: str, unpacked: int, packed: int, limits: Limits) -> PillarkitError:
    return IntakeError.at(
        source,
        where,
        f"unpacks to {unpacked // max(1, packed):,} times its packed size ({megabytes(unpacked)} "
        f"from {packed:,} bytes), as a zip bomb does; parts over {megabytes(RATIO_FREE_BYTES)} that unpack to more "
        f"than {limits.ratio:,} times are refused (${options.MAX_WORKBOOK_RATIO.env} sets the limit)",
    )


def _packed_bytes(raw: bytes, part: zipfile.ZipInfo, source: str) -> memoryview:
    """The part's packed bytes: after its local header, as long as the table of contents says."""
    start = part.header_offset
    if start < 0 or start + _LOCAL_HEADER.size > len(raw):
        raise _damaged(source, part.filename, "its header is past the end of the file")
    header = _LOCAL_HEADER.unpack_from(raw, start)
    if header[0] != _LOCAL_SIGNATURE:
        raise _damaged(source, part.filename, "its header is missing")
    name_length, extra_length = header[9], header[10]
    begin = start + _LOCAL_HEADER.size + name_length + extra_length
    if begin + part.compress_size > len(raw):
        raise _damaged(source, part.filename, "it is cut short")
    return memoryview(raw)[begin : begin + part.compress_size]


def _unpack(raw: bytes, part: zipfile.ZipInfo, source: str, limits: Limits, counter: _Counter) -> None:
    """Unpack one part in steps of at most 64 KB out, refusing it once it passes its declared size."""
    packed = _packed_bytes(raw, part, source)
    scan = counter.parser(part.filename) if part.filename.lower().endswith(_XML_SUFFIXES) else None
    declared = part.file_size
    done, crc = 0, 0

    def take(data: bytes) -> None:
        nonlocal done, crc
        done += len(data)
        if done > declared:
            raise IntakeError.at(
                source,
                part.filename,
                f"holds more than the {declared:,} bytes it declares, as a crafted zip bomb does: "
                "export a fresh workbook with pillarkit export REVIEW -o FILE.xlsx",
            )
        crc = zlib.crc32(data, crc)
        if scan is not None:
            scan(data, False)

    if part.compress_type == zipfile.ZIP_STORED:
        for offset in range(0, len(packed), _STEP):
            take(bytes(packed[offset : offset + _STEP]))
    else:
        inflater = zlib.decompressobj(-zlib.MAX_WBITS)
        try:
            for offset in range(0, len(packed), _STEP):
                data = inflater.decompress(packed[offset : offset + _STEP], _STEP)
                take(data)
                # Never more than one step out at a time: what is left waits in the unconsumed tail.
                while inflater.unconsumed_tail:
                    take(inflater.decompress(inflater.unconsumed_tail, _STEP))
            # Not flush(), whose output has no bound: what zlib still holds comes out a step at a time.
            while not inflater.eof:
                data = inflater.decompress(b"", _STEP)
                if not data:
                    break
                take(data)
        except zlib.error:
            raise _damaged(source, part.filename, "it does not unpack") from None
    if done != declared or crc != part.CRC:
        raise _damaged(source, part.filename, "its contents do not match its checksum")
    if scan is not None:
        scan(b"", True)


class _Counter:
    """Counts, across every XML part, what openpyxl would make an object of; refuses past the cell limit."""

    def __init__(self, source: str, limits: Limits):
        self.source = source
        self.limits = limits
        self.cells = 0

    def parser(self, part: str):
        """A ``feed(data, last)`` function parsing one part as it unpacks."""
        from openpyxl.utils.cell import range_boundaries

        xml = expat.ParserCreate(namespace_separator=" ")

        def start(name: str, attributes: dict[str, str]) -> None:
            local = name.rpartition(" ")[2]
            if local in _COUNTED:
                self.add(1)
            elif local in _RANGES and ":" in attributes.get("ref", ""):
                try:
                    low_column, low_row, high_column, high_row = range_boundaries(attributes["ref"])
                except (ValueError, TypeError):
                    return  # not a range openpyxl can read either: it refuses the workbook itself
                rows = (high_row or LAST_ROW) - (low_row or 1) + 1
                columns = (high_column or LAST_COLUMN) - (low_column or 1) + 1
                self.add(max(1, rows) * max(1, columns))

        def doctype(*_: object) -> None:
            raise IntakeError.at(
                self.source,
                part,
                f"declares an XML document type, which workbooks never do (it is how XML bombs expand); {_FRESH}",
            )

        xml.StartElementHandler = start
        xml.StartDoctypeDeclHandler = doctype
        xml.EntityDeclHandler = doctype

        def feed(data: bytes, last: bool) -> None:
            try:
                xml.Parse(data, last)
            except expat.ExpatError as exc:
                # openpyxl parses with expat too, and would fail here with a traceback's worth of detail.
                raise _damaged(
                    self.source, part, f"its XML is broken at line {exc.lineno}, column {exc.offset + 1}"
                ) from None

        return feed

    def add(self, count: int) -> None:
        self.cells += count
        if self.cells > self.limits.cells:
            raise IntakeError.at(
                self.source,
                "",
                f"has more than {self.limits.cells:,} cells (merged and linked ranges count every cell they cover); "
                f"workbooks over {self.limits.cells:,} cells are refused "
                f"(${options.MAX_WORKBOOK_CELLS.env} sets the limit): delete the rows and columns past the answers",
            )

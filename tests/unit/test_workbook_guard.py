"""A workbook is a zip: what it unpacks to is limited before openpyxl sees it, and every refusal is one line.

The limits (``kit.core.options``): 50 MB unpacked, 1,000 parts, 200 times its packed size for a
part over 1 MB, 100,000 cells in the workbook, 5,000 rows in the Answers sheet. The bombs here
are real: without the guard openpyxl would unpack hundreds of megabytes, or build billions of
cells, and these tests would not finish.
"""

from __future__ import annotations

import io
import subprocess
import sys
import zipfile
from collections.abc import Callable, Iterable
from pathlib import Path

import openpyxl
import pytest

from kit.cli import main
from kit.core import lens as lenses
from kit.core.errors import IntakeError
from kit.core.review import Review
from kit.exchange.intake import intake
from kit.exchange.workbook_guard import check_workbook
from kit.render import tables
from tests.handout.reviews import small_review

PILLARKIT = Path(sys.executable).with_name("pillarkit")
ANSWERS = "xl/worksheets/sheet2.xml"
SUMMARY = "xl/worksheets/sheet1.xml"
MEGABYTE = 1024 * 1024
HEAD = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
)
TAIL = b"</sheetData></worksheet>"
FRESH = "export a fresh one with pillarkit export REVIEW -o FILE.xlsx"


@pytest.fixture
def exported() -> bytes:
    raw = tables.to_xlsx(small_review())
    assert openpyxl.load_workbook(io.BytesIO(raw)).sheetnames[:2] == ["Summary", "Answers"]  # the parts replaced here
    return raw


def rebuild(
    raw: bytes,
    path: Path,
    parts: dict[str, Iterable[bytes]] | None = None,
    tamper: Callable[[zipfile.ZipFile], None] | None = None,
) -> Path:
    """The workbook ``raw`` with some parts replaced (streamed in blocks, never held whole), then tampered with.

    ``tamper`` runs before the table of contents is written, so it can make it say what it likes.
    """
    parts = parts or {}
    with zipfile.ZipFile(io.BytesIO(raw)) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            with target.open(info.filename, "w", force_zip64=True) as out:
                for block in parts.get(info.filename, [source.read(info)]):
                    out.write(block)
        if tamper is not None:
            tamper(target)
    return path


def rows_of(count: int, row: bytes) -> Iterable[bytes]:
    """A sheet of ``count`` copies of ``row``, in blocks of about a megabyte."""
    yield HEAD
    per_block = max(1, MEGABYTE // len(row))
    for start in range(0, count, per_block):
        yield row * min(per_block, count - start)
    yield TAIL


def refusal(path: Path) -> str:
    with pytest.raises(IntakeError) as caught:
        intake(small_review(), path)
    assert len(caught.value.lines()) == 1
    return caught.value.lines()[0]


# --- what a workbook unpacks to ----------------------------------------------------------


def test_a_part_declaring_200_mb_is_refused_before_anything_is_unpacked(exported, tmp_path):
    # 200 MB of rows openpyxl would parse into 13 million cells, packed into about 1.5 MB.
    row = b'<row><c t="n"><v>0</v></c></row>'
    bomb = rebuild(exported, tmp_path / "bomb.xlsx", {ANSWERS: rows_of(200 * MEGABYTE // len(row), row)})
    assert bomb.stat().st_size < 4 * MEGABYTE
    assert refusal(bomb) == (
        f"{bomb}: unpacks to 200.0 MB ({ANSWERS} alone to 200.0 MB); workbooks over 50.0 MB unpacked are refused "
        "($PILLARKIT_MAX_WORKBOOK_MB sets the limit in MB)"
    )


def test_a_part_holding_more_than_it_declares_is_refused_as_it_unpacks(exported, tmp_path):
    # The same 200 MB, but the table of contents says the part is 2,000 bytes: the only place
    # the truth shows is in what unpacking gives, and it stops 2,000 bytes in.
    row = b'<row><c t="n"><v>0</v></c></row>'

    def understate(archive: zipfile.ZipFile) -> None:
        archive.getinfo(ANSWERS).file_size = 2000

    liar = rebuild(exported, tmp_path / "liar.xlsx", {ANSWERS: rows_of(200 * MEGABYTE // len(row), row)}, understate)
    assert zipfile.ZipFile(liar).getinfo(ANSWERS).file_size == 2000
    assert refusal(liar) == (
        f"{liar}: {ANSWERS}: holds more than the 2,000 bytes it declares, as a crafted zip bomb does: "
        "export a fresh workbook with pillarkit export REVIEW -o FILE.xlsx"
    )


def test_a_part_declaring_a_huge_size_is_refused_from_the_table_of_contents(exported, tmp_path):
    def overstate(archive: zipfile.ZipFile) -> None:
        archive.getinfo(ANSWERS).file_size = 4 * 1024 * MEGABYTE

    path = rebuild(exported, tmp_path / "huge.xlsx", tamper=overstate)
    assert refusal(path).startswith(f"{path}: unpacks to 4096.0 MB ({ANSWERS} alone to 4096.0 MB); workbooks over 50.0")


def test_a_part_that_unpacks_to_far_more_than_its_packed_size_is_refused_under_the_size_limit(exported, tmp_path):
    path = rebuild(exported, tmp_path / "dense.xlsx", {ANSWERS: [HEAD, b" " * (40 * MEGABYTE), TAIL]})
    info = zipfile.ZipFile(path).getinfo(ANSWERS)
    assert info.file_size > 200 * info.compress_size
    assert refusal(path) == (
        f"{path}: {ANSWERS}: unpacks to {info.file_size // info.compress_size:,} times its packed size "
        f"(40.0 MB from {info.compress_size:,} bytes), as a zip bomb does; parts over 1.0 MB that unpack to more "
        "than 200 times are refused ($PILLARKIT_MAX_WORKBOOK_RATIO sets the limit)"
    )


def crowd(archive: zipfile.ZipFile) -> None:
    """One part more than the limit allows."""
    for number in range(1001):
        archive.writestr(f"xl/media/image{number}.png", b"")


def test_too_many_parts_are_refused_before_zipfile_lists_them(exported, tmp_path):
    path = rebuild(exported, tmp_path / "crowd.xlsx", tamper=crowd)
    count = len(zipfile.ZipFile(path).infolist())
    assert refusal(path) == (
        f"{path}: lists {count:,} parts; workbooks of more than 1,000 parts are refused "
        "($PILLARKIT_MAX_WORKBOOK_PARTS sets the limit)"
    )


def test_parts_are_counted_again_when_the_end_record_understates_them(exported, tmp_path):
    path = rebuild(exported, tmp_path / "crowd.xlsx", tamper=crowd)
    raw = bytearray(path.read_bytes())
    end = raw.rfind(b"PK\x05\x06")
    raw[end + 8 : end + 12] = (10).to_bytes(2, "little") * 2  # entries on this disk, entries in all
    path.write_bytes(bytes(raw))
    count = len(zipfile.ZipFile(path).infolist())
    assert count > 1000
    assert refusal(path) == (
        f"{path}: has {count:,} parts; workbooks of more than 1,000 parts are refused "
        "($PILLARKIT_MAX_WORKBOOK_PARTS sets the limit)"
    )


def test_a_table_of_contents_too_long_for_its_parts_is_refused_before_it_is_read(exported, tmp_path, monkeypatch):
    monkeypatch.setenv("PILLARKIT_MAX_WORKBOOK_PARTS", "20")

    def long_name(archive: zipfile.ZipFile) -> None:
        archive.writestr("x" * 30_000, b"")

    path = rebuild(exported, tmp_path / "long-name.xlsx", tamper=long_name)
    raw = path.read_bytes()
    end = raw.rfind(b"PK\x05\x06")
    size = int.from_bytes(raw[end + 12 : end + 16], "little")  # the central directory's length
    assert size > 20 * 1024
    assert refusal(path) == (
        f"{path}: has a table of contents of {size:,} bytes, more than 20 parts need; workbooks of more than "
        "20 parts are refused ($PILLARKIT_MAX_WORKBOOK_PARTS sets the limit)"
    )


# --- what openpyxl would build -------------------------------------------------------------


def test_a_workbook_of_more_than_100_000_cells_is_refused(exported, tmp_path):
    columns = [openpyxl.utils.get_column_letter(n) for n in range(1, 21)]
    sheet = [HEAD]
    for number in range(1, 5002):  # 20 cells a row: 100,020 cells
        cells = "".join(f'<c r="{column}{number}" t="n"><v>{number * 7 % 1000}</v></c>' for column in columns)
        sheet.append(f'<row r="{number}">{cells}</row>'.encode())
    path = rebuild(exported, tmp_path / "cells.xlsx", {ANSWERS: [b"".join(sheet), TAIL]})
    assert refusal(path) == (
        f"{path}: has more than 100,000 cells (merged and linked ranges count every cell they cover); workbooks "
        "over 100,000 cells are refused ($PILLARKIT_MAX_WORKBOOK_CELLS sets the limit): delete the rows and "
        "columns past the answers"
    )


@pytest.mark.parametrize(
    "element",
    [
        b'<mergeCells count="1"><mergeCell ref="A1:XFD1048576"/></mergeCells>',  # 17 billion MergedCells
        b'<hyperlinks><hyperlink ref="A1:Z100000" display="x" location="Answers!A1"/></hyperlinks>',
    ],
)
def test_a_range_openpyxl_would_fill_cell_by_cell_counts_every_cell(exported, tmp_path, element):
    sheet = HEAD + b'<row r="1"><c r="A1" t="inlineStr"><is><t>x</t></is></c></row></sheetData>' + element
    path = rebuild(exported, tmp_path / "merged.xlsx", {SUMMARY: [sheet, b"</worksheet>"]})
    assert refusal(path).startswith(f"{path}: has more than 100,000 cells (merged and linked ranges count")


def test_a_document_type_declaration_is_refused(exported, tmp_path):
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE lol [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData/></worksheet>'
    )
    path = rebuild(exported, tmp_path / "laughs.xlsx", {SUMMARY: [laughs]})
    assert refusal(path) == (
        f"{path}: {SUMMARY}: declares an XML document type, which workbooks never do (it is how XML bombs expand); "
        f"{FRESH}"
    )


def test_an_answers_sheet_a_million_rows_long_is_refused_before_it_is_walked(exported, tmp_path):
    # One value in the last row: a single cell, but reading the sheet would mean 18 million.
    path = tmp_path / "long.xlsx"
    path.write_bytes(exported)
    book = openpyxl.load_workbook(path)
    book["Answers"]["A1048576"] = "stray"
    book.save(path)
    assert refusal(path) == (
        f"{path}: Answers: has 1,048,576 rows; the intake reads at most 5,000, one per choice of the review's lenses "
        "($PILLARKIT_MAX_WORKBOOK_ROWS sets the limit): delete the rows below the answers"
    )


def test_answer_columns_spread_across_the_sheet_are_refused_before_they_are_walked(exported, tmp_path):
    # The Lens column moved to the sheet's last column: every row read would mean 16,384 cells.
    path = tmp_path / "wide.xlsx"
    path.write_bytes(exported)
    book = openpyxl.load_workbook(path)
    sheet = book["Answers"]
    assert sheet["A1"].value == "Lens"
    sheet["A1"], sheet["XFD1"] = None, "Lens"
    book.save(path)
    assert refusal(path) == (
        f"{path}: Answers: its answer columns reach column XFD, so reading its 17 rows means 278,528 cells, more "
        "than the 100,000 the kit reads ($PILLARKIT_MAX_WORKBOOK_CELLS sets the limit): keep the columns of the "
        "kit's export together"
    )


def test_the_limits_are_options(exported, tmp_path, monkeypatch):
    path = tmp_path / "team.xlsx"
    path.write_bytes(exported)
    monkeypatch.setenv("PILLARKIT_MAX_WORKBOOK_ROWS", "10")
    assert refusal(path) == (
        f"{path}: Answers: has 18 rows; the intake reads at most 10, one per choice of the review's lenses "
        "($PILLARKIT_MAX_WORKBOOK_ROWS sets the limit): delete the rows below the answers"
    )
    monkeypatch.delenv("PILLARKIT_MAX_WORKBOOK_ROWS")
    monkeypatch.setenv("PILLARKIT_MAX_WORKBOOK_CELLS", "100")
    assert refusal(path).startswith(f"{path}: has more than 100 cells")
    monkeypatch.setenv("PILLARKIT_MAX_WORKBOOK_CELLS", "100000")
    monkeypatch.setenv("PILLARKIT_MAX_WORKBOOK_MB", "1")
    big = rebuild(exported, tmp_path / "big.xlsx", {ANSWERS: [HEAD, b" " * (2 * MEGABYTE), TAIL]})
    assert refusal(big).startswith(f"{big}: unpacks to 2.0 MB ({ANSWERS} alone to 2.0 MB); workbooks over 1.0 MB")


# --- not a sound zip ----------------------------------------------------------------------


def test_a_file_that_is_no_zip_at_all_is_one_line(tmp_path):
    path = tmp_path / "answers.xlsx"
    path.write_bytes(b"Question ID,Choice ID\n")
    assert refusal(path) == (f"{path}: is not an XLSX workbook: export one with pillarkit export REVIEW -o FILE.xlsx")


def test_a_password_protected_workbook_is_told_apart(tmp_path):
    # Excel encrypts a workbook into an OLE compound file (as old .xls files are), not a zip.
    path = tmp_path / "locked.xlsx"
    path.write_bytes(bytes.fromhex("d0cf11e0a1b11ae1") + bytes(4096))
    assert refusal(path) == (
        f"{path}: is password-protected or an old .xls workbook: save it from the spreadsheet as .xlsx "
        "without a password"
    )


def test_an_encrypted_part_is_refused(exported, tmp_path):
    def encrypt(archive: zipfile.ZipFile) -> None:
        archive.getinfo(ANSWERS).flag_bits |= 0x1

    path = rebuild(exported, tmp_path / "encrypted.xlsx", tamper=encrypt)
    assert refusal(path) == (
        f"{path}: {ANSWERS}: is encrypted: save the workbook without a password and take it in again"
    )


def test_a_cut_short_workbook_is_damaged(exported, tmp_path):
    path = tmp_path / "cut.xlsx"
    path.write_bytes(exported[: len(exported) // 2])
    assert refusal(path) == (
        f"{path}: is damaged (its table of contents cannot be read): save the workbook again from the "
        f"spreadsheet, or {FRESH}"
    )


def test_a_part_whose_bytes_changed_is_damaged(exported, tmp_path):
    path = rebuild(exported, tmp_path / "team.xlsx")
    info = zipfile.ZipFile(path).getinfo(ANSWERS)
    raw = bytearray(path.read_bytes())
    # Past the local header (30 bytes, the name, no extra field): the packed data itself.
    start = info.header_offset + 30 + len(ANSWERS.encode()) + len(info.extra)
    for offset in range(start + 20, start + 60):
        raw[offset] ^= 0x55
    path.write_bytes(bytes(raw))
    assert refusal(path) in {
        f"{path}: {ANSWERS}: is damaged ({why}): save the workbook again from the spreadsheet, or {FRESH}"
        for why in ("it does not unpack", "its contents do not match its checksum")
    }


# --- sound workbooks pass ----------------------------------------------------------------


def test_the_kits_own_export_of_every_bundled_lens_passes_with_room_to_spare():
    review = Review([lenses.bundled(alias) for alias in lenses.bundled_aliases()])
    raw = tables.to_xlsx(review)
    check_workbook(raw, "every-lens.xlsx")
    book = openpyxl.load_workbook(io.BytesIO(raw))
    cells = sum(sheet.max_row * sheet.max_column for sheet in book.worksheets)
    assert cells * 5 < 100_000 and book["Answers"].max_row * 10 < 5000


def test_a_normal_workbook_still_reads(review_file, exported, tmp_path):
    path = rebuild(exported, tmp_path / "team.xlsx")  # repacked by zipfile, as another program would
    book = openpyxl.load_workbook(path)
    book["Answers"]["O17"] = "yes"  # scale: the test practice
    book.save(path)
    result = intake(Review.load(review_file), path)
    assert result.rows == 17 and len(result.changed) == 1


# --- the command line --------------------------------------------------------------------


def test_the_command_refuses_a_bomb_with_one_line_and_exit_2(review_file, exported, tmp_path, capsys):
    row = b'<row><c t="n"><v>0</v></c></row>'
    bomb = rebuild(exported, tmp_path / "bomb.xlsx", {ANSWERS: rows_of(200 * MEGABYTE // len(row), row)})
    before = review_file.read_bytes()
    assert main(["intake", str(review_file), "--from", str(bomb)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.splitlines() == [
        f"error: {bomb}: unpacks to 200.0 MB ({ANSWERS} alone to 200.0 MB); workbooks over 50.0 MB unpacked are "
        "refused ($PILLARKIT_MAX_WORKBOOK_MB sets the limit in MB)"
    ]
    assert review_file.read_bytes() == before


def test_the_installed_command_refuses_a_merged_range_bomb_without_a_traceback(review_file, exported, tmp_path):
    sheet = HEAD + b'</sheetData><mergeCells><mergeCell ref="A1:XFD1048576"/></mergeCells></worksheet>'
    bomb = rebuild(exported, tmp_path / "merged.xlsx", {SUMMARY: [sheet]})
    result = subprocess.run(
        [str(PILLARKIT), "intake", str(review_file), "--from", str(bomb)], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.splitlines() == [
        f"error: {bomb}: has more than 100,000 cells (merged and linked ranges count every cell they cover); "
        "workbooks over 100,000 cells are refused ($PILLARKIT_MAX_WORKBOOK_CELLS sets the limit): delete the rows "
        "and columns past the answers"
    ]


def test_broken_xml_is_damaged_at_its_line_and_column(exported, tmp_path):
    sheet = HEAD + b'<row r="1"><c r="A1"><v>1</v></c></row>\n<row r="2"><c r="A2"></row>' + TAIL
    path = rebuild(exported, tmp_path / "broken.xlsx", {SUMMARY: [sheet]})
    assert refusal(path) == (
        f"{path}: {SUMMARY}: is damaged (its XML is broken at line 2, column 24): save the workbook again from "
        f"the spreadsheet, or {FRESH}"
    )


def test_a_part_openpyxl_cannot_make_sense_of_is_one_line(exported, tmp_path):
    # Well-formed XML, but an attribute openpyxl's model of a sheet has no place for.
    sheet = HEAD.replace(b"<sheetData>", b'<sheetFormatPr defaultRowHeight="15" rowHeightInPoints="x"/><sheetData>')
    path = rebuild(exported, tmp_path / "odd.xlsx", {SUMMARY: [sheet, TAIL]})
    assert refusal(path) == (
        f"{path}: is not an XLSX workbook the kit can read (SheetFormatProperties.__init__() got an unexpected "
        "keyword argument 'rowHeightInPoints'): save it again from the spreadsheet, or export a fresh one with "
        "pillarkit export REVIEW -o FILE.xlsx"
    )

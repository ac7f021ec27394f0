"""The portfolio for spreadsheets: a workbook with a sheet per report, and the tidy table as CSV.

Every text cell goes through :func:`kit.render.tables.safe_cell` (a leading ``'`` on anything a
spreadsheet could read as a formula) and is written as a string, never as a formula, as the
review exports are. The first sheet says what the workbook holds and, for synthetic reviews,
that they are synthetic; so does every other sheet's first row when they are.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
from typing import TYPE_CHECKING, Any

from kit.core.portfolio import FACET_WORDS, Portfolio, Reports
from kit.render.tables import safe_cell

if TYPE_CHECKING:
    import pandas as pd

SYNTHETIC_ROW = "Synthetic demo data made by `pillarkit demo portfolio`: the workloads and answers are invented."
#: Shares are written as numbers between 0 and 1 with a percent format.
SHARE_COLUMNS = {"high", "high_or_medium", "no_risk", "adoption", "field", "portfolio", "difference"}


def _plain(value: Any) -> Any:
    """A value openpyxl can write: numpy numbers as Python ones, NaN and None as empty, anything else as text."""
    if value is None:
        return None
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, (bool, int, float, str)):
        return value
    return str(value)


def to_xlsx(portfolio: Portfolio, reports: Reports) -> bytes:
    """The workbook: About, then a sheet per report (questions, top high risk, best rated, practices,
    pillars, themes, each facet, over time, against the field) and one row per review."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    book = Workbook()
    bold = Font(bold=True)
    warn = Font(bold=True, color="B34700")
    fill = PatternFill("solid", fgColor="EEF1F4")
    synthetic = portfolio.synthetic

    def put(sheet, row: int, column: int, value: Any, font=None):
        value = _plain(value)
        cell = sheet.cell(row=row, column=column)
        cell.value = safe_cell(value)
        if isinstance(value, str):
            cell.data_type = "s"  # a string, whatever it looks like
        if font is not None:
            cell.font = font
        return cell

    def frame_sheet(title: str, frame: pd.DataFrame) -> None:
        sheet = book.create_sheet(title)
        top = 1
        if synthetic:
            put(sheet, 1, 1, SYNTHETIC_ROW, warn)
            top = 2
        for c, name in enumerate(frame.columns, start=1):
            cell = put(sheet, top, c, str(name), bold)
            cell.fill = fill
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            sheet.column_dimensions[get_column_letter(c)].width = min(48, max(10, len(str(name)) + 2))
        for r, values in enumerate(frame.itertuples(index=False), start=top + 1):
            for c, (name, value) in enumerate(zip(frame.columns, values), start=1):
                cell = put(sheet, r, c, value)
                if name in SHARE_COLUMNS and isinstance(cell.value, float):
                    cell.number_format = "0%"
        sheet.freeze_panes = sheet.cell(row=top + 1, column=1)
        if len(frame):
            sheet.auto_filter.ref = f"A{top}:{get_column_letter(len(frame.columns))}{top + len(frame)}"

    about = book.active
    about.title = "About"
    put(about, 1, 1, f"Well-Architected portfolio: {len(portfolio)} reviews", Font(bold=True, size=14))
    row = 2
    if synthetic:
        put(about, row, 1, SYNTHETIC_ROW, warn)
        row += 1
    facts = [
        ("Reviews analysed", len(portfolio)),
        ("Files skipped", len(portfolio.skipped)),
        ("Answers", "current" if portfolio.milestone is None else f"milestone: {portfolio.milestone}"),
        ("Lenses", "; ".join(f"{d.lens.name} ({key}): {d.reviews} reviews" for key, d in portfolio.lenses.items())),
        (
            "Anonymised",
            "yes: pseudonyms for workloads, files and facilitators; no free text" if portfolio.anonymous else "no",
        ),
        ("Made", dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()),
        ("Shares", "over the reviews that rated a question (answered and applicable: high, medium or no risk)"),
    ]
    row += 1
    for label, value in facts:
        put(about, row, 1, label, bold)
        put(about, row, 2, value)
        row += 1
    if portfolio.skipped:
        row += 1
        put(about, row, 1, "Skipped file", bold).fill = fill
        put(about, row, 2, "Why", bold).fill = fill
        for item in portfolio.skipped:
            row += 1
            put(about, row, 1, item.file)
            put(about, row, 2, item.error)
    for notice in portfolio.notices:
        row += 1
        put(about, row, 1, "Notice", bold)
        put(about, row, 2, notice)
    about.column_dimensions["A"].width = 28
    about.column_dimensions["B"].width = 90

    frame_sheet("Questions", reports.questions)
    frame_sheet("Top high risk", reports.top_high)
    frame_sheet("Best rated", reports.best)
    frame_sheet("Practices", reports.practices)
    frame_sheet("Pillars", reports.pillars)
    frame_sheet("Themes", reports.themes)
    for facet, frame in reports.facets.items():
        frame_sheet(f"By {FACET_WORDS[facet].lower()}"[:31], frame)
    if reports.over_time is not None:
        frame_sheet("Over time", reports.over_time)
    if reports.field is not None:
        frame_sheet("Against 2020", reports.field)
    frame_sheet("Reviews", review_frame(portfolio))
    book.properties.title = safe_cell(f"Portfolio of {len(portfolio)} reviews" + (" (synthetic)" if synthetic else ""))
    book.properties.creator = "pillarkit"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def review_frame(portfolio: Portfolio) -> pd.DataFrame:
    """One row per review: its facets and its counts by risk over every lens."""
    import numpy as np

    from kit.core.portfolio import RISK_CODE

    frame = portfolio.reviews.drop(columns=["date"]).copy()
    if portfolio.anonymous:
        frame = frame.drop(columns=["owner"])
    for risk, code in RISK_CODE.items():
        counts = np.zeros(len(portfolio), dtype=np.int64)
        for data in portfolio.lenses.values():
            np.add.at(counts, data.rows, (data.risks == code).sum(axis=1))
        frame[risk] = counts
    return frame.reset_index()


def to_csv(portfolio: Portfolio) -> str:
    """The tidy table as CSV text (RFC 4180 quoting, CRLF line ends), every text cell made safe."""
    table = portfolio.table()
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(table.columns)
    columns = []
    for name in table.columns:
        column = table[name]
        if hasattr(column, "cat"):
            categories = [safe_cell(str(c)) for c in column.cat.categories]
            columns.append([categories[code] if code >= 0 else "" for code in column.cat.codes.tolist()])
        elif column.dtype == bool:
            columns.append(["yes" if v else "no" for v in column.tolist()])
        else:
            columns.append([safe_cell(v) if isinstance(v, str) else v for v in column.tolist()])
    writer.writerows(zip(*columns))
    return buffer.getvalue()


def csv_bytes(portfolio: Portfolio) -> bytes:
    """The CSV file as written: UTF-8 with a byte order mark, so that Excel reads it as UTF-8."""
    return ("\ufeff" + to_csv(portfolio)).encode("utf-8")


__all__ = ["SYNTHETIC_ROW", "csv_bytes", "review_frame", "to_csv", "to_xlsx"]

"""Reading an uploaded CSV or XLSX file into rows of text, strictly and within limits.

Nothing here guesses: a file that is not UTF-8/UTF-16 text or an Excel workbook is refused with
the line that failed; the caller gets ``(line number, list of cells)`` pairs and the header.
"""

import codecs
import csv
import io
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

XLSX_MAGIC = b"PK\x03\x04"
# Openings of executables and other binary formats often renamed to .csv.
BINARY_MAGICS = (
    b"MZ",  # Windows executable
    b"\x7fELF",
    b"%PDF",
    b"\xd0\xcf\x11\xe0",  # the old .xls / .doc format
    b"\x1f\x8b",  # gzip
    b"Rar!",
    b"7z\xbc\xaf",
    b"\x89PNG",
    b"\xff\xd8\xff",  # JPEG
)

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
DEFAULT_MAX_UNCOMPRESSED = 200 * 1024 * 1024
MAX_RATIO = 100  # a real sheet compresses ~5-20×; a zip bomb by thousands
MAX_CELL_CHARS = 10_000
# The widest sheet read: the kinds have at most a few dozen columns; a row reaching column XFD
# (16,384) is refused instead of being built cell by cell (issue 15).
DEFAULT_MAX_COLUMNS = 200
# The most data rows of one file: Excel's own limit (1,048,576 rows, one of them the header).
DEFAULT_MAX_ROWS = 1_048_575


class ImportFileError(Exception):
    """The file as a whole cannot be read; ``line`` names where, when known."""

    def __init__(self, message, line=None):
        super().__init__(str(message))
        self.message = message
        self.line = line


@dataclass
class Sheet:
    header: list  # cells of the header row, as text
    rows: list  # (line number, list of cells) for every non-blank row after the header


def max_bytes():
    return getattr(settings, "IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES)


def max_columns():
    return getattr(settings, "IMPORT_MAX_COLUMNS", DEFAULT_MAX_COLUMNS)


def max_rows():
    return getattr(settings, "IMPORT_MAX_ROWS", DEFAULT_MAX_ROWS)


@dataclass(frozen=True)
class _Limits:
    columns: int  # the widest row read (cells past the last filled one do not count)
    rows: int  # data rows, the header not counted


def read_sheet(data: bytes, filename: str = "", *, columns: int | None = None) -> Sheet:
    """The header and rows of ``data`` (CSV or XLSX, by content), or ``ImportFileError``.

    ``columns``: the widest row accepted (the kind's columns and a margin), at most
    ``IMPORT_MAX_COLUMNS``; a wider row, or more than ``IMPORT_MAX_ROWS`` rows, refuses the file
    before its rows are built.
    """
    if len(data) > max_bytes():
        raise ImportFileError(TOO_LARGE)
    if not data.strip():
        raise ImportFileError(EMPTY_FILE)
    widest = max_columns() if columns is None else min(columns, max_columns())
    limits = _Limits(columns=widest, rows=max_rows())
    if data.startswith(XLSX_MAGIC):
        rows = _xlsx_rows(data, limits)
    elif filename.lower().endswith((".xlsx", ".xlsm")):
        raise ImportFileError(NOT_A_WORKBOOK)
    else:
        rows = _csv_rows(_decode(data), limits)
    if not rows:
        raise ImportFileError(EMPTY_FILE)
    _line, header = rows.pop(0)
    if not rows:
        raise ImportFileError(HEADER_ONLY)
    return Sheet(header=[_text(c) for c in header], rows=rows)


def _filled(cell):
    return cell is not None and (not isinstance(cell, str) or cell.strip() != "")


def _text(cell):
    return "" if cell is None else str(cell).strip()


# CSV -----------------------------------------------------------------------------------------


def _decode(data: bytes) -> str:
    """UTF-8 (with or without BOM) or UTF-16 with a BOM; anything else is refused, never guessed."""
    for magic in BINARY_MAGICS:
        if data.startswith(magic):
            raise ImportFileError(BINARY_FILE)
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding, body = "utf-16", data
    elif data.startswith(codecs.BOM_UTF8):
        encoding, body = "utf-8", data[len(codecs.BOM_UTF8) :]
    else:
        encoding, body = "utf-8", data
        if b"\x00" in data:
            raise ImportFileError(BINARY_FILE, line=data[: data.index(b"\x00")].count(b"\n") + 1)
    try:
        text = body.decode(encoding, errors="strict")
    except UnicodeDecodeError as exc:
        line = body[: exc.start].count(b"\n") + 1 if encoding == "utf-8" else None
        raise ImportFileError(NOT_UTF8, line=line) from exc
    if encoding == "utf-16":
        text = text.removeprefix("\ufeff")
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise ImportFileError(BINARY_FILE, line=line)
    return text


def sniff_delimiter(text: str) -> str:
    """The delimiter of the header line: the most frequent of comma, semicolon and tab."""
    first = text.split("\n", 1)[0]
    counts = {d: first.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: (counts[d], d == ","))
    return best


def _csv_rows(text: str, limits: _Limits):
    """(first line, cells) of every row that is not blank (only commas and spaces)."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(text), strict=True)
    rows: list[tuple[int, list[str]]] = []
    append = rows.append
    end = 0  # the last line of the previous row: a row starts on the next one
    try:
        for cells in reader:
            if max(map(len, cells), default=0) > MAX_CELL_CHARS:
                raise ImportFileError(CELL_TOO_LONG, line=end + 1)
            # Same whitespace as str.strip(): a row of blank cells is a blank line.
            if any(cells) and not "".join(cells).isspace():
                if len(cells) > limits.columns:
                    while cells and not cells[-1].strip():
                        cells.pop()
                    if len(cells) > limits.columns:
                        raise ImportFileError(_too_many_columns(limits), line=end + 1)
                if len(rows) > limits.rows:  # the header and ``limits.rows`` data rows
                    raise ImportFileError(_too_many_rows(limits), line=end + 1)
                append((end + 1, cells))
            end = reader.line_num
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            raise ImportFileError(CELL_TOO_LONG, line=end + 1) from exc
        raise ImportFileError(BAD_QUOTES, line=end + 1) from exc
    return rows


# XLSX ----------------------------------------------------------------------------------------


def _check_zip(data: bytes):
    """Refuse a zip bomb by the sizes the archive declares, before anything is decompressed."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise ImportFileError(NOT_A_WORKBOOK) from exc
    limit = getattr(settings, "IMPORT_MAX_UNCOMPRESSED_BYTES", DEFAULT_MAX_UNCOMPRESSED)
    total = sum(entry.file_size for entry in entries)
    if total > limit or len(entries) > 10_000:
        raise ImportFileError(ZIP_BOMB)
    for entry in entries:
        if entry.file_size > 1024 * 1024 and entry.file_size > MAX_RATIO * max(
            entry.compress_size, 1
        ):
            raise ImportFileError(ZIP_BOMB)
    if "xl/workbook.xml" not in {entry.filename for entry in entries}:
        raise ImportFileError(NOT_A_WORKBOOK)


def _xlsx_rows(data: bytes, limits: _Limits):
    """(sheet row, cells) of every row of the first sheet that is not blank, within ``limits``.

    The rows are read cell by cell from the sheet's XML, never through openpyxl's rows, which
    pad every row to the width the sheet declares: one cell in column XFD would make each row
    16,384 cells. The declared size (``<dimension>``) is checked first, and every cell again as
    it is read, since a file can declare a size it does not keep to.
    """
    import openpyxl  # imported here: only workbooks need it

    _check_zip(data)
    try:
        # read_only streams the sheet; openpyxl parses the XML with defusedxml when installed.
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise ImportFileError(NOT_A_WORKBOOK) from exc
    try:
        sheet = book.worksheets[0]
        # The size the sheet declares, before a row is read: formatting alone can widen it a
        # little past the data, so it is held to the widest sheet accepted at all.
        if (sheet.max_column or 0) > max_columns():
            raise ImportFileError(_too_many_columns(_Limits(max_columns(), limits.rows)))
        if (sheet.max_row or 0) > limits.rows + 1:
            raise ImportFileError(_too_many_rows(limits))
        return _sheet_rows(book, sheet, limits)
    except ImportFileError:
        raise
    except Exception as exc:
        raise ImportFileError(NOT_A_WORKBOOK) from exc
    finally:
        book.close()


def _sheet_rows(book, sheet, limits: _Limits):
    from openpyxl.worksheet._reader import WorkSheetParser
    from openpyxl.xml.constants import SHEET_MAIN_NS
    from openpyxl.xml.functions import iterparse

    row_tag, cell_tag = f"{{{SHEET_MAIN_NS}}}row", f"{{{SHEET_MAIN_NS}}}c"
    # openpyxl's own cell reader (shared strings, dates, numbers, booleans); data_only=False: a
    # formula comes back as its text ("=..."), never evaluated.
    parser = WorkSheetParser(
        None,
        sheet._shared_strings,
        data_only=False,
        epoch=book.epoch,
        date_formats=book._date_formats,
        timedelta_formats=book._timedelta_formats,
    )
    parser.row_counter = 0
    rows: list[tuple[int, list]] = []
    row_element = None  # the row being read, and its cells so far
    cells: list = []
    with sheet._get_source() as source:
        for event, element in iterparse(source, events=("start", "end")):
            tag = element.tag
            if event == "start":
                if tag == row_tag:
                    number = element.get("r")
                    parser.row_counter = int(number) if number else parser.row_counter + 1
                    parser.col_counter = 0
                    row_element, cells = element, []
                continue
            if tag == cell_tag:
                cell = parser.parse_cell(element)
                line, value, column = parser.row_counter, cell["value"], cell["column"]
                if value is not None:
                    if column > limits.columns:
                        if _filled(value):
                            raise ImportFileError(_too_many_columns(limits), line=line)
                    else:
                        if isinstance(value, str) and len(value) > MAX_CELL_CHARS:
                            raise ImportFileError(CELL_TOO_LONG, line=line)
                        if column > len(cells):
                            cells.extend([None] * (column - len(cells)))
                        cells[column - 1] = value
                # The cell is read: drop it, so a row of many cells never piles up in memory.
                if row_element is not None:
                    row_element.clear()
            elif tag == row_tag:
                while cells and not _filled(cells[-1]):
                    cells.pop()
                if cells:
                    if len(rows) > limits.rows:  # the header and ``limits.rows`` data rows
                        raise ImportFileError(_too_many_rows(limits), line=parser.row_counter)
                    rows.append((parser.row_counter, cells))
                element.clear()
                row_element, cells = None, []
    return rows


def _too_many_columns(limits: _Limits) -> str:
    return TOO_MANY_COLUMNS % {"columns": limits.columns}


def _too_many_rows(limits: _Limits) -> str:
    return TOO_MANY_ROWS % {"rows": number_format(limits.rows, force_grouping=True)}


TOO_LARGE = _("The file is larger than the import limit. Split it into smaller files.")
EMPTY_FILE = _("The file is empty.")
HEADER_ONLY = _("The file has a header row but no data rows.")
NOT_A_WORKBOOK = _("The file is not a readable Excel workbook (.xlsx).")
BINARY_FILE = _("The file is not a CSV text file or an Excel workbook.")
NOT_UTF8 = _(
    "The file is not in UTF-8 or UTF-16 (it may use an old encoding such as TCVN3, VNI or "
    "Windows-1258). Save it again as “CSV UTF-8” and import it again."
)
BAD_QUOTES = _("A quotation mark opened on this line is never closed.")
CELL_TOO_LONG = _("A cell on this line is longer than 10,000 characters.")
TOO_MANY_COLUMNS = _(
    "The sheet is wider than an import file can be (more than %(columns)s columns). Delete the "
    "columns that are not in the import template and import it again."
)
TOO_MANY_ROWS = _("The file has more than %(rows)s data rows. Split it into smaller files.")
ZIP_BOMB = _("The workbook expands to far more data than a spreadsheet holds; it is refused.")

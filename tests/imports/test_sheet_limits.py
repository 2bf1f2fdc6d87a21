"""A tiny file cannot make the worker build huge rows (issue 15, item 2): a sheet's width and
length are bounded by what it declares and again by every cell as it is read."""

import io
import re
import tracemalloc
import zipfile

import pytest
from django.test import override_settings

from households.models import Household
from imports.models import ImportBatch
from imports.parsing import ImportFileError, read_sheet
from tests.imports.helpers import HOUSEHOLD_HEADER, csv_bytes, household_lines, messages, run

pytestmark = pytest.mark.django_db

WIDER = "Bảng tính rộng hơn mức cho phép của một tệp nhập"


def one_cell_far_right(rows: int, *, column: int = 16_384) -> bytes:
    """A household header, then ``rows`` rows each holding one cell in ``column`` (XFD)."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HOUSEHOLD_HEADER.split(","))
    for row in range(2, rows + 2):
        sheet.cell(row=row, column=column, value="x")
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def with_dimension(data: bytes, ref: str) -> bytes:
    """The workbook with its sheet's <dimension> rewritten to ``ref`` (a file that lies)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            content = source.read(entry.filename)
            if entry.filename == "xl/worksheets/sheet1.xml":
                content, count = re.subn(
                    rb'<dimension ref="[^"]*"', f'<dimension ref="{ref}"'.encode(), content
                )
                assert count == 1
            target.writestr(entry, content)
    return out.getvalue()


def peak_memory(function):
    """(result or the exception raised, the peak of memory allocated while it ran, in MB)."""
    tracemalloc.start()
    try:
        result = function()
    except ImportFileError as exc:
        result = exc
    finally:
        peak = tracemalloc.get_traced_memory()[1] / 1e6
        tracemalloc.stop()
    return result, peak


def test_one_cell_in_column_xfd_per_row_is_refused_in_bounded_memory():
    data = one_cell_far_right(600)
    assert len(data) < 20_000  # a tiny upload
    result, peak = peak_memory(lambda: read_sheet(data, "ho.xlsx"))
    assert isinstance(result, ImportFileError), "the sheet was read"
    assert "200" in str(result.message)
    # Rows padded to 16,384 cells would take about 80 MB here.
    assert peak < 10, f"reading the file allocated {peak:.0f} MB"


def test_a_sheet_that_declares_a_small_size_is_still_bounded_while_read():
    data = with_dimension(one_cell_far_right(600), "A1:F601")
    result, peak = peak_memory(lambda: read_sheet(data, "ho.xlsx", columns=26))
    assert isinstance(result, ImportFileError), "the sheet was read"
    assert result.line == 2
    assert peak < 10, f"reading the file allocated {peak:.0f} MB"


def test_the_refusal_reaches_the_import_report_in_vietnamese(clerk_a, ward_a, groups_a):
    batch = run(clerk_a, ward_a, "households", one_cell_far_right(300), "ho.xlsx")
    assert batch.status == ImportBatch.Status.INVALID
    [(_line, column, message)] = messages(batch)
    assert column == "" and WIDER in message
    assert not Household.objects.exists()


def test_a_cell_past_the_kinds_columns_and_margin_is_refused_with_its_row(
    clerk_a, ward_a, groups_a
):
    data = with_dimension(one_cell_far_right(3, column=40), "A1:F4")  # households: 6 + 20
    batch = run(clerk_a, ward_a, "households", data, "ho.xlsx")
    [(line, _column, message)] = messages(batch)
    assert line == 2 and WIDER in message


def test_blank_formatted_cells_far_right_do_not_count():
    """Formatting a far column leaves empty cells in the XML; they hold nothing and are skipped."""
    import openpyxl
    from openpyxl.styles import Font

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Mã hộ", "Chủ hộ"])
    sheet.append(["HK-1", "Nguyễn Văn An"])
    sheet.cell(row=2, column=150).font = Font(bold=True)
    buffer = io.BytesIO()
    book.save(buffer)
    result = read_sheet(buffer.getvalue(), "ho.xlsx", columns=26)
    assert result.header == ["Mã hộ", "Chủ hộ"]
    assert result.rows == [(2, ["HK-1", "Nguyễn Văn An"])]


@override_settings(IMPORT_MAX_ROWS=5)
@pytest.mark.parametrize("form", ["csv", "xlsx", "xlsx-lying"])
def test_more_rows_than_the_limit_are_refused(clerk_a, ward_a, groups_a, form):
    lines = household_lines(6)
    if form == "csv":
        data, name = csv_bytes(HOUSEHOLD_HEADER, *lines), "ho.csv"
    else:
        from tests.imports.helpers import xlsx_bytes

        data = xlsx_bytes([HOUSEHOLD_HEADER.split(","), *(line.split(",") for line in lines)])
        if form == "xlsx-lying":
            data = with_dimension(data, "A1:F2")
        name = "ho.xlsx"
    batch = run(clerk_a, ward_a, "households", data, name)
    [(_line, _column, message)] = messages(batch)
    assert "nhiều hơn 5 dòng dữ liệu" in message
    assert not Household.objects.exists()
    with override_settings(IMPORT_MAX_ROWS=6):
        assert run(clerk_a, ward_a, "households", data, name).status == ImportBatch.Status.COMMITTED


def test_a_csv_row_of_thousands_of_commas_is_refused():
    data = csv_bytes(HOUSEHOLD_HEADER, "HK-1" + "," * 16_383 + "x")
    with pytest.raises(ImportFileError) as refused:
        read_sheet(data, "ho.csv", columns=26)
    assert refused.value.line == 2
    trailing = csv_bytes(HOUSEHOLD_HEADER, "HK-1,An" + "," * 500)
    assert read_sheet(trailing, "ho.csv", columns=26).rows == [(2, ["HK-1", "An"])]

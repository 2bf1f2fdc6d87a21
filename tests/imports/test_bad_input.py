"""Each bad input of GUARANTEES "Import (CSV/XLSX)": a clear error saying where; nothing written."""

import codecs
import datetime as dt
import io
import zipfile

import pytest
from django.test import override_settings

from households.models import Household
from imports.models import ImportBatch
from imports.parsing import ImportFileError, read_sheet
from tests.imports.helpers import (
    HOUSEHOLD_HEADER,
    csv_bytes,
    household_lines,
    messages,
    run,
    xlsx_bytes,
)

pytestmark = pytest.mark.django_db

ROW = "HK-1,Nguyễn Văn An,Tổ dân phố 1,12 Đường Ba Ngòi,4,+84901234567"


def refused(clerk, ward, content, filename="data.csv", kind="households"):
    """Run ``content``; it must be refused with nothing written. Its (row, column, message)s."""
    batch = run(clerk, ward, kind, content, filename)
    assert batch.status == ImportBatch.Status.INVALID, batch.summary
    assert batch.error_count >= 1
    assert not Household.objects.exists()
    return messages(batch)


# Encodings ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "encoding,bom",
    [("utf-8", b""), ("utf-8", codecs.BOM_UTF8), ("utf-16-le", codecs.BOM_UTF16_LE)],
    ids=["utf8", "utf8-bom", "utf16-bom"],
)
def test_utf8_with_or_without_bom_and_utf16_import(clerk_a, ward_a, groups_a, encoding, bom):
    content = bom + csv_bytes(HOUSEHOLD_HEADER, ROW, encoding=encoding, newline="\r\n")
    batch = run(clerk_a, ward_a, "households", content)
    assert batch.status == ImportBatch.Status.COMMITTED, batch.errors
    assert Household.objects.get().head_name == "Nguyễn Văn An"


def test_windows_1258_is_refused_with_the_line(clerk_a, ward_a, groups_a):
    ascii_row = "HK-1,Nguyen Van An,To dan pho 1,12 Duong Ba Ngoi,4,"
    legacy_row = "HK-2,Đà Lê,To dan pho 1,3 Hem Cho,2,"
    header = "code,head_name,group,address,member_count,phone"
    content = "\n".join([header, ascii_row, legacy_row]).encode("cp1258")
    [(line, column, message)] = refused(clerk_a, ward_a, content)
    assert line == 3 and column == ""
    assert "UTF-8" in message


def test_tcvn3_bytes_are_refused_never_guessed(clerk_a, ward_a, groups_a):
    # "Nguyễn" in TCVN3 (ABC) is the bytes N g u y \xd8 n: not UTF-8.
    content = csv_bytes(HOUSEHOLD_HEADER).replace(b"\n", b"") + b"\nHK-1,Nguy\xd8n,T\xae 1,x,4,\n"
    [(line, _column, message)] = refused(clerk_a, ward_a, content)
    assert line == 2 and "TCVN3" in message


# CSV shape ---------------------------------------------------------------------------------


def test_semicolon_and_tab_delimiters_are_sniffed(clerk_a, ward_a, groups_a):
    for delimiter in (";", "\t"):
        lines = [line.replace(",", delimiter) for line in (HOUSEHOLD_HEADER, ROW)]
        batch = run(clerk_a, ward_a, "households", csv_bytes(*lines))
        assert batch.status == ImportBatch.Status.COMMITTED, batch.errors


def test_quoted_newlines_and_blank_lines(clerk_a, ward_a, groups_a):
    content = csv_bytes(
        HOUSEHOLD_HEADER,
        "",
        'HK-1,Nguyễn Văn An,Tổ dân phố 1,"12 Đường Ba Ngòi\nPhường Ba Ngòi",4,',
        "  ",
        ",,,,,",
        'HK-2,"Trần, Thị Bình",Tổ dân phố 1,3 Hẻm Chợ,2,',
    )
    batch = run(clerk_a, ward_a, "households", content)
    assert batch.status == ImportBatch.Status.COMMITTED, batch.errors
    assert batch.summary["create"] == 2
    assert Household.objects.get(code="HK-1").address == "12 Đường Ba Ngòi\nPhường Ba Ngòi"
    assert Household.objects.get(code="HK-2").head_name == "Trần, Thị Bình"


def test_an_unbalanced_quote_names_its_line(clerk_a, ward_a, groups_a):
    content = csv_bytes(HOUSEHOLD_HEADER, ROW, 'HK-2,"Trần Thị Bình,Tổ dân phố 1,x,2,', ROW)
    [(line, _column, _message)] = refused(clerk_a, ward_a, content)
    assert line == 3


@pytest.mark.parametrize(
    "content", [b"", b"\n\n  \n", csv_bytes(HOUSEHOLD_HEADER), csv_bytes(HOUSEHOLD_HEADER, ",,,")]
)
def test_empty_files_and_header_only_files_are_refused(clerk_a, ward_a, content):
    [(_line, _column, message)] = refused(clerk_a, ward_a, content)
    assert message


# Columns -----------------------------------------------------------------------------------


def test_reordered_columns_and_api_names_are_accepted(clerk_a, ward_a, groups_a):
    content = csv_bytes(
        "member_count,group,code,address,head_name", "4,Tổ dân phố 1,HK-1,12 Ba Ngòi,Nguyễn Văn An"
    )
    batch = run(clerk_a, ward_a, "households", content)
    assert batch.status == ImportBatch.Status.COMMITTED, batch.errors


@pytest.mark.parametrize("column", ["id", "ward_id", "version", "Ghi chú"])
def test_unknown_columns_are_refused(clerk_a, ward_a, groups_a, column):
    content = csv_bytes(f"{HOUSEHOLD_HEADER},{column}", f"{ROW},1")
    assert refused(clerk_a, ward_a, content)[0][:2] == (1, column)


def test_duplicate_and_missing_columns_are_refused(clerk_a, ward_a, groups_a):
    duplicate = csv_bytes(f"{HOUSEHOLD_HEADER},code", f"{ROW},HK-1")
    assert refused(clerk_a, ward_a, duplicate)[0][:2] == (1, "code")
    missing = csv_bytes("Mã hộ,Chủ hộ,Tổ dân phố,Địa chỉ", "HK-1,An,Tổ dân phố 1,x")
    assert refused(clerk_a, ward_a, missing)[0][:2] == (1, "Số nhân khẩu")


# Cells -------------------------------------------------------------------------------------


def test_formula_like_cells_and_phones_are_kept_as_text(clerk_a, ward_a, groups_a):
    content = csv_bytes(
        HOUSEHOLD_HEADER + ",Cư trú",
        'F-1,=HYPERLINK("http://x"),Tổ dân phố 1,+1 Đường,1,+84901234567,Tạm trú',
        "F-2,@SUM(A1),Tổ dân phố 1,-2 Hẻm,2,+84 90 123 4567,temporary",
    )
    batch = run(clerk_a, ward_a, "households", content)
    assert batch.status == ImportBatch.Status.COMMITTED, batch.errors
    first, second = Household.objects.order_by("code")
    assert (first.head_name, first.address, first.phone) == (
        '=HYPERLINK("http://x")',
        "+1 Đường",
        "+84901234567",
    )
    assert (second.head_name, second.address, second.residence) == (
        "@SUM(A1)",
        "-2 Hẻm",
        "temporary",
    )


def test_cells_starting_with_tab_or_cr_are_kept_as_trimmed_text(clerk_a, ward_a, groups_a):
    content = csv_bytes(HOUSEHOLD_HEADER, 'HK-1,"\t=1+2",Tổ dân phố 1,"\r-3 Hẻm",1,')
    batch = run(clerk_a, ward_a, "households", content)
    assert batch.status == ImportBatch.Status.COMMITTED, batch.errors
    household = Household.objects.get()
    assert (household.head_name, household.address) == ("=1+2", "-3 Hẻm")


@pytest.mark.parametrize("cell", ["A\x0bn", "\u202eAn", "An\x00"], ids=["vt", "rtl", "nul"])
def test_control_characters_inside_cells_are_refused(clerk_a, ward_a, groups_a, cell):
    content = csv_bytes(HOUSEHOLD_HEADER, f"HK-1,{cell},Tổ dân phố 1,x,1,")
    [(line, _column, _message)] = refused(clerk_a, ward_a, content)
    assert line == 2


@pytest.mark.parametrize(
    "count,why",
    [("1.500", "separators"), ("１２", "full-width digits"), ("-3", "negative"), ("0", "zero")],
)
def test_bad_numbers_name_row_and_column(clerk_a, ward_a, groups_a, count, why):
    content = csv_bytes(HOUSEHOLD_HEADER, ROW, f"HK-2,An,Tổ dân phố 1,x,{count},")
    assert [e[:2] for e in refused(clerk_a, ward_a, content)] == [(3, "Số nhân khẩu")], why


def test_a_group_of_another_ward_is_not_found(clerk_a, ward_a, groups_a, ward_b):
    from tests.factories import ResidentialGroupFactory

    ResidentialGroupFactory(ward=ward_b, name="Tổ Bên Kia")
    content = csv_bytes(HOUSEHOLD_HEADER, "HK-1,An,Tổ Bên Kia,x,1,")
    assert refused(clerk_a, ward_a, content)[0][:2] == (2, "Tổ dân phố")


@pytest.mark.parametrize(
    "signed_on,fragment",
    [
        ("45123", "serial"),
        ("15/01/25", "four digits"),
        ("30/02/2025", "does not exist"),
        ("01-15-2025", "dd/mm/yyyy"),
        ("Jan 15 2025", "dd/mm/yyyy"),
    ],
)
def test_bad_dates_are_refused_with_a_clear_message(
    officer_a, ward_a, groups_a, signed_on, fragment
):
    from django.utils import translation

    run(officer_a, ward_a, "households", csv_bytes(HOUSEHOLD_HEADER, ROW))
    content = csv_bytes("Mã hộ,Năm,Loại cam kết,Ngày ký", f"HK-1,2025,no_firecrackers,{signed_on}")
    with translation.override("en"):
        batch = run(officer_a, ward_a, "commitments", content)
    assert batch.status == ImportBatch.Status.INVALID
    [(line, column, message)] = messages(batch)
    assert (line, column) == (2, "Ngày ký")
    assert fragment in message


def test_mixed_date_formats_each_read_unambiguously(officer_a, ward_a, groups_a):
    run(
        officer_a,
        ward_a,
        "households",
        csv_bytes(HOUSEHOLD_HEADER, ROW, ROW.replace("HK-1", "HK-2")),
    )
    content = csv_bytes(
        "Mã hộ,Năm,Loại cam kết,Ngày ký",
        "HK-1,2025,no_firecrackers,03/02/2025",
        "HK-2,2025,no_firecrackers,2025-02-04",
    )
    batch = run(officer_a, ward_a, "commitments", content)
    assert batch.status == ImportBatch.Status.COMMITTED, batch.errors
    from movement.models import Commitment

    assert sorted(Commitment.objects.values_list("signed_on", flat=True)) == [
        dt.date(2025, 2, 3),
        dt.date(2025, 2, 4),
    ]


# XLSX --------------------------------------------------------------------------------------


def test_an_xlsx_file_imports_with_dates_numbers_and_text(officer_a, ward_a, groups_a):
    households = xlsx_bytes(
        [
            ["Mã hộ", "Chủ hộ", "Tổ dân phố", "Địa chỉ", "Số nhân khẩu", "Số điện thoại"],
            ["HK-1", "Nguyễn Văn An", "Tổ dân phố 1", "=1+1", 4, "+84901234567"],
            [None, None, None, None, None, None],
        ]
    )
    batch = run(officer_a, ward_a, "households", households, "ho.xlsx")
    assert batch.status == ImportBatch.Status.COMMITTED, batch.errors
    assert Household.objects.get().address == "=1+1"  # the formula's text, never its value
    commitments = xlsx_bytes(
        [
            ["Mã hộ", "Năm", "Loại cam kết", "Ngày ký"],
            ["HK-1", 2025, "no_firecrackers", dt.date(2025, 1, 15)],
        ]
    )
    batch = run(officer_a, ward_a, "commitments", commitments, "cam-ket.xlsx")
    assert batch.status == ImportBatch.Status.COMMITTED, batch.errors


def test_an_excel_serial_number_in_a_date_column_is_refused(officer_a, ward_a, groups_a):
    run(officer_a, ward_a, "households", csv_bytes(HOUSEHOLD_HEADER, ROW))
    content = xlsx_bytes(
        [["Mã hộ", "Năm", "Loại cam kết", "Ngày ký"], ["HK-1", 2025, "no_firecrackers", 45672]]
    )
    batch = run(officer_a, ward_a, "commitments", content, "x.xlsx")
    assert [(e["row"], e["column"]) for e in batch.errors] == [(2, "Ngày ký")]


def test_an_xlsx_zip_bomb_is_refused_before_it_is_opened(clerk_a, ward_a, groups_a):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (50 * 1024 * 1024))
    [(_line, _column, message)] = refused(clerk_a, ward_a, buffer.getvalue(), "bomb.xlsx")
    assert message


def test_a_damaged_workbook_is_refused(clerk_a, ward_a):
    refused(clerk_a, ward_a, b"PK\x03\x04 not really a zip", "x.xlsx")
    refused(clerk_a, ward_a, csv_bytes(HOUSEHOLD_HEADER, ROW), "named.xlsx")


@pytest.mark.parametrize(
    "content",
    [b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + bytes(200), b"\x7fELF\x02\x01\x01" + bytes(100)],
    ids=["exe", "elf"],
)
def test_an_executable_renamed_csv_is_refused(clerk_a, ward_a, content):
    [(_line, _column, message)] = refused(clerk_a, ward_a, content, "data.csv")
    assert message


# Limits ------------------------------------------------------------------------------------


def test_a_huge_cell_is_refused_with_its_line(clerk_a, ward_a, groups_a):
    content = csv_bytes(HOUSEHOLD_HEADER, ROW, f"HK-2,{'A' * 200_000},Tổ dân phố 1,x,1,")
    [(line, _column, _message)] = refused(clerk_a, ward_a, content)
    assert line == 3


def test_a_50_mb_cell_is_refused_by_the_reader():
    content = b"code,head_name\nHK-1," + b"A" * (50 * 1024 * 1024) + b"\n"
    with (
        override_settings(IMPORT_MAX_BYTES=60 * 1024 * 1024),
        pytest.raises(ImportFileError) as exc,
    ):
        read_sheet(content, "big.csv")
    assert exc.value.line == 2


def test_a_file_over_the_limit_is_refused(clerk_a, ward_a, groups_a):
    from django.core.exceptions import ValidationError

    from imports.services import import_start

    content = csv_bytes(HOUSEHOLD_HEADER, *household_lines(50))
    with override_settings(IMPORT_MAX_BYTES=1000), pytest.raises(ValidationError):
        import_start(
            actor=clerk_a, ward=ward_a, kind="households", filename="x.csv", content=content
        )
    assert not ImportBatch.objects.exists()


def test_a_bad_number_in_a_natural_key_column_is_reported_on_its_cell(officer_a, ward_a, groups_a):
    from wardsecurity.validators import ASCII_DIGITS

    run(officer_a, ward_a, "households", csv_bytes(HOUSEHOLD_HEADER, ROW))
    content = csv_bytes(
        "Mã hộ,Năm,Loại cam kết,Ngày ký",
        "HK-1,2O25,no_firecrackers,15/01/2025",  # the letter O: the year is a key column
        "HK-1,2025,no_firecrackers,15/01/2025",
    )
    batch = run(officer_a, ward_a, "commitments", content)
    assert batch.status == ImportBatch.Status.INVALID
    assert messages(batch) == [(2, "Năm", str(ASCII_DIGITS))]
    assert batch.summary == {"create": 1, "update": 0, "unchanged": 0, "error": 1}

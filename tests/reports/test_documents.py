"""The report builders as pure functions of a statistics answer: prose, numbers, files."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.utils import translation
from docx import Document
from openpyxl import load_workbook

from reports.documents.cells import plain_number, safe_text
from reports.documents.content import build_report, date_line, place_name
from reports.documents.render_csv import render_csv
from reports.documents.render_docx import render_docx
from reports.documents.render_xlsx import render_xlsx
from reports.figures.numbers import comparison, format_number, format_percent
from reports.figures.scope import ReportScope
from reports.figures.units import INCIDENT, KG, MONEY, PERCENT, SESSION
from wardsecurity.period_spec import parse_period

PERIOD = parse_period("months:2023:8")
WARD = ReportScope(
    spec="ward:16561", kind="ward", name="Phường Tĩnh Gia", province_name="Tỉnh Thanh Hóa"
)
CLUSTER = ReportScope(
    spec="cluster:7",
    kind="cluster",
    name='=HYPERLINK("http://x")',
    province_name="Tỉnh Ninh Bình",
    ward_count=8,
)
ISSUED = dt.date(2026, 11, 22)


def entry(value, previous):
    change = None if previous is None else value - previous
    pct = None if not previous else round(change * 100 / previous, 1)
    return {"value": value, "previous": previous, "change": change, "change_pct": pct}


STATS = {
    "scope": {"kind": "ward", "code": "16561"},
    "period": {"start": "2023-01-01", "end": "2023-08-31"},
    "compare": {"start": "2022-01-01", "end": "2022-08-31"},
    "as_of": "2026-11-22T01:15:00+07:00",
    "metrics": {
        "incidents": entry(5, 18),
        "incidents.drugs": entry(2, 0),
        "incidents.economic": entry(0, 0),
        "incidents.public_order_crime": entry(3, 18),
        "outreach_sessions": entry(22, 20),
        "outreach_attendees": entry(1500, 1500),
        "households": entry(3677, 3600),
        "residents": entry(16008, 15800),
        "commitment_coverage_pct": entry(99.5, 97.0),
        "contributions_vnd": entry(1234567, 1000000),
        "weapons.firecracker": {"value": Decimal("1.5"), "previous": Decimal("0")},
        "teams.social_security_group": entry(128, 128),
        "team_members.social_security_group": entry(3437, 3400),
    },
    "breakdown": [],
}


def report(scope=WARD, stats=STATS):
    return build_report(stats=stats, scope=scope, period=PERIOD, issued_on=ISSUED)


def lines(rep):
    return {figure.key: figure for section in rep.sections for figure in section.figures}


# Numbers and prose ---------------------------------------------------------------------------


def test_numbers_are_written_the_vietnamese_way():
    assert format_number(1234567) == "1.234.567"
    assert format_number(Decimal("1.500")) == "1,5"
    assert format_number(-1234) == "-1.234"
    assert format_number(0) == "0"
    assert format_percent(72.22) == "72,2%"
    assert format_percent(10, signed=True) == "+10,0%"
    assert MONEY.format(1234567) == "1.234.567 đồng"
    assert KG.format(Decimal("2.3")) == "2,3 kg"


def test_a_decrease_is_written_as_a_fall_with_its_percentage():
    assert comparison(5, 18, INCIDENT) == "giảm 13 vụ (72,2%) so với cùng kỳ"


def test_an_increase_carries_a_plus_sign():
    assert comparison(22, 20, SESSION) == "tăng 2 buổi (+10,0%) so với cùng kỳ"


def test_an_equal_figure_is_the_same_as_the_same_period():
    assert comparison(7, 7, SESSION) == "bằng cùng kỳ"
    assert comparison(0, 0, INCIDENT) == "bằng cùng kỳ"


def test_nothing_in_the_same_period_is_said_in_words():
    assert comparison(3, 0, INCIDENT) == "tăng 3 vụ (cùng kỳ không có)"


def test_a_rate_moves_by_percentage_points():
    assert comparison(99.5, 97.0, PERCENT) == "tăng 2,5 điểm phần trăm so với cùng kỳ"
    assert comparison(90, 97.5, PERCENT) == "giảm 7,5 điểm phần trăm so với cùng kỳ"


def test_no_comparison_without_a_same_period():
    assert comparison(5, None, INCIDENT) == ""


def test_english_prose_when_the_user_reads_english():
    with translation.override("en"):
        assert comparison(5, 18, INCIDENT) == "down 13 incidents (72,2%) on the same period"
        assert comparison(1, 0, INCIDENT) == "up 1 incident (none in the same period)"
        assert comparison(4, 4, INCIDENT) == "the same as the same period"


# Content --------------------------------------------------------------------------------------


def test_the_report_lists_each_figure_with_its_comparison():
    figures = lines(report())
    assert figures["incidents"].sentence == (
        "Số vụ việc xảy ra: 5 vụ, giảm 13 vụ (72,2%) so với cùng kỳ."
    )
    assert figures["households"].value_text == "3.677 hộ"
    assert figures["residents"].value_text == "16.008 nhân khẩu"
    assert figures["contributions_vnd"].value_text == "1.234.567 đồng"
    assert figures["weapons.firecracker"].comparison == "tăng 1,5 kg (cùng kỳ không có)"


def test_kinds_with_no_figure_in_either_period_are_left_out():
    figures = lines(report())
    assert "incidents.economic" not in figures
    assert figures["incidents.drugs"].level == 1
    assert figures["incidents.drugs"].label == "Ma túy"


def test_section_one_is_the_situation_and_section_two_the_movement():
    sections = report().sections
    assert [s.number for s in sections] == ["I", "II"]
    assert "incidents" in {f.key for f in sections[0].figures}
    assert "outreach_sessions" in {f.key for f in sections[1].figures}
    assert "outreach_sessions" not in {f.key for f in sections[0].figures}


def test_a_ward_report_is_issued_by_the_ward_police():
    head = report().letterhead
    assert head.issuer == "CÔNG AN PHƯỜNG TĨNH GIA"
    assert head.superior == "CÔNG AN TỈNH THANH HÓA"
    assert head.place_date == "Tĩnh Gia, ngày 22 tháng 11 năm 2026"
    assert head.number.startswith("Số:") and head.number.endswith("/BC-CAP")


def test_a_multi_ward_report_is_issued_by_the_steering_committee():
    head = report(CLUSTER).letterhead
    assert head.issuer == "BAN CHỈ ĐẠO 138"
    assert head.place_date == "Ninh Bình, ngày 22 tháng 11 năm 2026"


def test_the_date_line_pads_early_days_and_months():
    assert date_line("Ba Ngòi", dt.date(2026, 2, 5)) == "Ba Ngòi, ngày 05 tháng 02 năm 2026"
    assert date_line("", dt.date(2026, 11, 5)) == "Ngày 05 tháng 11 năm 2026"
    assert place_name("Xã Cát Tiên") == "Cát Tiên"


def test_the_file_name_has_codes_and_dates_only():
    assert report().filename_stem == "bao-cao-ward-16561-months-2023-8"


# Files ----------------------------------------------------------------------------------------


def docx_text(content):
    document = Document(io.BytesIO(content))
    texts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for cell in table._cells:
            texts.extend(p.text for p in cell.paragraphs)
    return document, "\n".join(texts)


def test_the_docx_is_an_administrative_document():
    document, text = docx_text(render_docx(report()))
    section = document.sections[0]
    assert round(section.page_width.mm) == 210 and round(section.page_height.mm) == 297
    assert 20 <= round(section.top_margin.mm) <= 25
    assert 20 <= round(section.bottom_margin.mm) <= 25
    assert 30 <= round(section.left_margin.mm) <= 35
    assert 15 <= round(section.right_margin.mm) <= 20
    fonts = {
        run.font.name
        for paragraph in document.paragraphs
        for run in paragraph.runs
        if run.text.strip()
    }
    sizes = {
        run.font.size.pt
        for paragraph in document.paragraphs
        for run in paragraph.runs
        if run.text.strip()
    }
    assert fonts == {"Times New Roman"}
    assert sizes <= {13.0, 14.0}
    for expected in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "CÔNG AN PHƯỜNG TĨNH GIA",
        "/BC-CAP",
        "Tĩnh Gia, ngày 22 tháng 11 năm 2026",
        "BÁO CÁO",
        "Kết quả phong trào Toàn dân bảo vệ an ninh Tổ quốc 8 tháng đầu năm 2023",
        "I. TÌNH HÌNH AN NINH, TRẬT TỰ",
        "II. KẾT QUẢ THỰC HIỆN PHONG TRÀO",
        "Số vụ việc xảy ra: 5 vụ, giảm 13 vụ (72,2%) so với cùng kỳ.",
        "tăng 2 buổi (+10,0%) so với cùng kỳ",
        "Nơi nhận:",
        "TRƯỞNG CÔNG AN",
    ):
        assert expected in text, expected
    assert document.core_properties.author == "CÔNG AN PHƯỜNG TĨNH GIA"


def test_the_docx_in_english():
    with translation.override("en"):
        _document, text = docx_text(render_docx(report()))
    assert "SOCIALIST REPUBLIC OF VIETNAM" in text
    assert "first 8 months of 2023" in text
    assert "down 13 incidents (72,2%) on the same period" in text


def test_the_xlsx_has_one_sheet_per_section_with_numbers():
    book = load_workbook(io.BytesIO(render_xlsx(report(CLUSTER))))
    assert book.sheetnames == ["Phần I", "Phần II"]
    sheet = book["Phần I"]
    assert sheet.cell(4, 1).value == "I. Tình hình an ninh, trật tự"
    rows = {row[0]: row for row in sheet.iter_rows(values_only=True) if row[0]}
    assert rows["Số vụ việc xảy ra"][1:5] == (5, 18, -13, -72.2)
    # A cluster named like a formula stays text (GUARANTEES G14).
    title = sheet.cell(1, 1)
    assert title.data_type == "s"
    assert title.value == '\'=HYPERLINK("http://x")'


def test_the_csv_parses_with_a_bom_and_plain_numbers():
    content = render_csv(report())
    assert content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert rows[0][:4] == ["phần", "mục", "chỉ tiêu", "nội dung"]
    by_key = {row[2]: row for row in rows[1:]}
    assert by_key["incidents"][4:8] == ["5", "18", "-13", "-72.2"]
    assert by_key["residents"][4] == "16008"
    assert by_key["weapons.firecracker"][4:6] == ["1.5", "0"]


@pytest.mark.parametrize(
    ("text", "safe"),
    [
        ("=1+1", "'=1+1"),
        ("+84912345678", "'+84912345678"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("Tổ 1", "Tổ 1"),
    ],
)
def test_cells_never_start_a_formula(text, safe):
    assert safe_text(text) == safe


def test_plain_numbers_for_machines():
    assert plain_number(Decimal("2.300")) == "2.3"
    assert plain_number(Decimal("5.000")) == "5"
    assert plain_number(None) == ""
    assert plain_number(1234567) == "1234567"

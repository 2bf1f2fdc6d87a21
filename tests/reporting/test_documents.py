"""The period report's documents read back: the .docx (python-docx) and the PDF (pypdf)."""

import dataclasses
import datetime as dt
import io

import docx
import pypdf
import pytest
from django.urls import reverse
from docx.oxml.ns import qn
from docx.shared import Cm

from reporting.documents.content import ConsolidatedSource, consolidated_document, ward_document
from reporting.documents.generate import consolidated_file
from reporting.documents.render_docx import HEADING_WIDTHS
from reporting.models import PeriodReport
from tests.factories import UserFactory, WardFactory
from tests.reporting.documents_data import PERIOD, SIGNER, TEXT, submitted_report
from wardsecurity.models import User

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def url(report, fmt):
    return reverse(
        "reporting_documents:period_report_document", kwargs={"pk": report.pk, "fmt": fmt}
    )


def download(client, user, report, fmt):
    client.force_login(user)
    return client.get(url(report, fmt))


def word_text(document) -> str:
    """Every paragraph of the body and of its tables, a line each."""
    lines = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        for cell in table.rows[0].cells:
            lines += [paragraph.text for paragraph in cell.paragraphs]
    return "\n".join(lines)


def pdf_text(content: bytes) -> tuple[pypdf.PdfReader, list[str]]:
    reader = pypdf.PdfReader(io.BytesIO(content))
    return reader, [page.extract_text() for page in reader.pages]


@pytest.fixture
def report(ward_a, officer_a):
    return submitted_report(ward_a, officer_a)


@pytest.fixture
def reviewer(province):
    return UserFactory(
        username="reviewer_docs",
        role=User.Role.PROVINCE_REVIEWER,
        scope_kind=User.ScopeKind.PROVINCE,
        scope_ward=None,
        scope_province=province,
    )


# The .docx -----------------------------------------------------------------------------------


def test_the_docx_is_the_decree_30_report_of_the_snapshot(client, officer_a, report):
    response = download(client, officer_a, report, "docx")
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        'attachment; filename="bao-cao-91001-month-2025-08.docx"'
    )
    assert response["Content-Language"] == "vi"
    document = docx.Document(io.BytesIO(response.content))
    text = word_text(document)
    for expected in (
        "CÔNG AN TỈNH THỬ NGHIỆM",
        "CÔNG AN PHƯỜNG AN BÌNH",
        "Số: 12/BC-CAP",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "An Bình, ngày 16 tháng 8 năm 2025",
        "BÁO CÁO",
        "I. TÌNH HÌNH AN NINH, TRẬT TỰ",
        # the same-period comparison as the period reports phrase it
        "giảm 13 vụ (72,2%) so với cùng kỳ",
        "chưa có số liệu cùng kỳ",
        "Số buổi tuần tra",
        TEXT["situation_text"],
        TEXT["results_text"],
        TEXT["assessment"],
        TEXT["shortcomings"],
        TEXT["directions"],
        TEXT["proposals"],
        "Nơi nhận:",
        "- Công an tỉnh (để báo cáo);",
        "- Lưu: VT.",
        "KT. TRƯỞNG CÔNG AN PHƯỜNG",
        "PHÓ TRƯỞNG CÔNG AN PHƯỜNG",
        SIGNER,
    ):
        assert expected in text, expected
    assert "DỰ THẢO" not in text
    # sections in order: I, II, the assessment, III, IV, V
    positions = [
        text.index(marker) for marker in ("I. ", "II. ", TEXT["assessment"], "III. ", "IV. ", "V. ")
    ]
    assert positions == sorted(positions)


def test_the_docx_numbers_pages_from_the_second(client, officer_a, report):
    document = docx.Document(io.BytesIO(download(client, officer_a, report, "docx").content))
    section = document.sections[0]
    assert section.different_first_page_header_footer  # w:titlePg
    assert section._sectPr.find(qn("w:titlePg")) is not None
    later = section.header._element
    instructions = [node.text.strip() for node in later.iter(f"{W}instrText")]
    assert instructions == ["PAGE"]
    kinds = [node.get(qn("w:fldCharType")) for node in later.iter(f"{W}fldChar")]
    assert kinds == ["begin", "separate", "end"]
    first = section.first_page_header
    assert not first.is_linked_to_previous
    assert list(first._element.iter(f"{W}instrText")) == []


def test_the_docx_is_vietnamese_times_new_roman_and_dated_as_issued(client, officer_a, report):
    document = docx.Document(io.BytesIO(download(client, officer_a, report, "docx").content))
    lang = document.styles.element.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}lang")
    assert lang.get(qn("w:val")) == "vi-VN"
    normal = document.styles["Normal"].font
    assert normal.name == "Times New Roman"
    assert 13 <= normal.size.pt <= 14
    core = document.core_properties
    assert core.created.date() == dt.date(2025, 8, 16)
    assert core.modified.date() == dt.date(2025, 8, 16)
    assert core.title == "Kết quả phong trào Toàn dân bảo vệ an ninh Tổ quốc tháng 8/2025"
    assert core.author == "CÔNG AN PHƯỜNG AN BÌNH"  # the issuing body, never a person
    assert core.language == "vi-VN"


def test_a_long_name_wraps_inside_its_fixed_column(client, officer_a, province):
    long_name = "Phường " + "Tân Phú Đông Hòa Bình Minh Thượng " * 2
    ward = WardFactory(code="91009", province=province, name=long_name.strip())
    officer = UserFactory(role=User.Role.WARD_POLICE, scope_ward=ward)
    report = submitted_report(ward, officer)
    document = docx.Document(io.BytesIO(download(client, officer, report, "docx").content))
    table = document.tables[0]
    assert table._tbl.tblPr.find(f"{W}tblLayout").get(qn("w:type")) == "fixed"
    grid = [int(col.get(qn("w:w"))) for col in table._tbl.tblGrid.iter(f"{W}gridCol")]
    assert grid == [width.twips for width in HEADING_WIDTHS]
    assert [cell.width.twips for cell in table.rows[0].cells] == [w.twips for w in HEADING_WIDTHS]
    assert sum(HEADING_WIDTHS, Cm(0)) <= Cm(16.5)  # within the text width of A4
    left = "\n".join(paragraph.text for paragraph in table.rows[0].cells[0].paragraphs)
    assert long_name.strip().upper() in left
    # the PDF: the name wraps inside its column, the national title beside it stays whole
    _reader, pages = pdf_text(download(client, officer, report, "pdf").content)
    lines = [line.strip() for line in pages[0].splitlines()]
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in lines
    assert "Độc lập - Tự do - Hạnh phúc" in lines
    assert f"CÔNG AN {long_name.strip().upper()}" not in lines  # wrapped …
    assert f"CÔNG AN {long_name.strip().upper()}" in " ".join(" ".join(pages).split())  # … whole


def test_a_submitted_report_prints_its_snapshot_not_later_edits(client, officer_a, report):
    PeriodReport.objects.filter(pk=report.pk).update(
        signer_name="Người Khác", shortcomings="Sửa sau khi gửi."
    )
    text = word_text(docx.Document(io.BytesIO(download(client, officer_a, report, "docx").content)))
    assert SIGNER in text and TEXT["shortcomings"] in text
    assert "Người Khác" not in text and "Sửa sau khi gửi." not in text


def test_a_draft_prints_its_current_text_marked_as_draft(client, officer_a, ward_a):
    report = PeriodReport.objects.create(
        ward=ward_a, period=PERIOD, signer_name="Trần Văn Dự", proposals="Đề xuất dự thảo."
    )
    response = download(client, officer_a, report, "docx")
    assert response.status_code == 200
    text = word_text(docx.Document(io.BytesIO(response.content)))
    assert "DỰ THẢO" in text
    assert "Trần Văn Dự" in text and "Đề xuất dự thảo." in text
    # no number and no date yet: the blanks to fill in by hand
    assert "Số:       /" not in text and "Số: " in text
    assert "An Bình, ngày ..... tháng ..... năm ....." in text


# The PDF -------------------------------------------------------------------------------------


def test_the_pdf_is_the_same_document_with_vietnamese_intact(client, officer_a, report):
    response = download(client, officer_a, report, "pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].endswith('bao-cao-91001-month-2025-08.pdf"')
    reader, pages = pdf_text(response.content)
    lines = [line.strip() for page in pages for line in page.splitlines()]
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in lines  # its column never wraps it
    text = " ".join(" ".join(pages).split())  # a long name may wrap inside its column
    for expected in (
        "CÔNG AN PHƯỜNG AN BÌNH",
        "Số: 12/BC-CAP",
        "Độc lập - Tự do - Hạnh phúc",
        "BÁO CÁO",
        "I. TÌNH HÌNH AN NINH, TRẬT TỰ",
        "III. ",
        "IV. ",
        "V. ",
        TEXT["shortcomings"],
        TEXT["directions"],
        TEXT["proposals"],
        "Nơi nhận:",
        "KT. TRƯỞNG CÔNG AN PHƯỜNG",
        SIGNER,
    ):
        assert expected in text, expected
    assert reader.metadata.title == (
        "Kết quả phong trào Toàn dân bảo vệ an ninh Tổ quốc tháng 8/2025"
    )
    assert reader.metadata.creation_date.date() == dt.date(2025, 8, 16)
    assert reader.trailer["/Root"]["/Lang"] == "vi-VN"
    fonts = {
        str(font["/BaseFont"])
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()
    }
    assert fonts and all("DejaVuSerifCondensed" in font for font in fonts)  # embedded TrueType


def test_the_pdf_numbers_pages_from_the_second(client, officer_a, ward_a):
    long_text = "\n".join(f"Nhiệm vụ số {n}: tiếp tục triển khai phong trào." for n in range(80))
    report = submitted_report(ward_a, officer_a, text={"directions": long_text})
    _reader, pages = pdf_text(download(client, officer_a, report, "pdf").content)
    assert len(pages) >= 3
    assert pages[0].splitlines()[0].strip() != "1"
    for number, page in enumerate(pages[1:], start=2):
        assert page.splitlines()[0].strip() == str(number)


# Who may download ------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["docx", "pdf"])
@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("officer_a", 200),
        ("clerk_a", 200),
        ("viewer_city", 200),  # ward A is in the cluster
        ("viewer_province", 200),
        ("reviewer", 200),
        ("admin_user", 200),
        ("officer_b", 404),  # another ward's report does not exist for them
    ],
)
def test_every_reader_in_scope_downloads_and_no_one_else(
    client, request, report, persona, status, fmt, django_assert_max_num_queries
):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    with django_assert_max_num_queries(8):
        response = client.get(url(report, fmt))
    assert response.status_code == status


def test_a_reviewer_of_another_province_gets_404(client, report, ward_c):
    other = UserFactory(
        role=User.Role.PROVINCE_REVIEWER,
        scope_kind=User.ScopeKind.PROVINCE,
        scope_ward=None,
        scope_province=ward_c.province,
    )
    assert download(client, other, report, "pdf").status_code == 404


def test_signed_out_is_sent_to_sign_in_and_unknown_format_is_404(client, officer_a, report):
    response = client.get(url(report, "docx"))
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert download(client, officer_a, report, "odt").status_code == 404


# The consolidated report ------------------------------------------------------------------------


CONSOLIDATED = ConsolidatedSource(
    **{
        "scope_kind": "province",
        "scope_code": "91",
        "scope_name": "Tỉnh Thử Nghiệm",
        "province_name": "Tỉnh Thử Nghiệm",
        "period": PERIOD,
        "figures": {
            "compare": {"start": "2024-07-15", "end": "2024-08-14"},
            "metrics": {
                "incidents": {"value": 9, "previous": 20, "change": -11, "change_pct": -55.0},
            },
            "indicators": {},
            "missing_wards": [{"code": "91002", "name": "Phường Bình Minh"}],
            "ward_count": 2,
            "accepted_count": 1,
        },
        "text": {
            **TEXT,
            "number": "7",
            "symbol": "BC-CAT",
            "place": "Thử Nghiệm",
            "signer_form": "",
            "signer_title": "Trưởng phòng",
            "signer_name": "Lê Quang Đạo",
            "shortcomings": "Một phường chưa gửi báo cáo đúng hạn.",
        },
    }
)


def test_the_consolidated_report_is_drawn_by_the_same_renderers(db):
    document = consolidated_document(CONSOLIDATED)
    assert document.missing == ("Phường Bình Minh",)
    for fmt in ("docx", "pdf"):
        filename, _type, content = consolidated_file(CONSOLIDATED, fmt)
        assert filename == f"bao-cao-tong-hop-province-91-month-2025-08.{fmt}"
        if fmt == "docx":
            text = word_text(docx.Document(io.BytesIO(content)))
        else:
            text = " ".join(" ".join(pdf_text(content)[1]).split())
        for expected in (
            "Số: 7/BC-CAT",
            "Thử Nghiệm, ngày 16 tháng 8 năm 2025",
            "Phường Bình Minh",
            "được chấp nhận: 1/2",
            "giảm 11 vụ (55,0%) so với cùng kỳ",
            "Một phường chưa gửi báo cáo đúng hạn.",
            "TRƯỞNG PHÒNG",
            "Lê Quang Đạo",
        ):
            assert expected in text, (fmt, expected)


def test_a_consolidated_report_may_name_its_own_issuer(db):
    document = consolidated_document(
        dataclasses.replace(
            CONSOLIDATED, superior="Công an tỉnh Thử Nghiệm", issuer="Phòng Tham mưu"
        )
    )
    assert (document.superior, document.issuer) == ("CÔNG AN TỈNH THỬ NGHIỆM", "PHÒNG THAM MƯU")
    assert consolidated_document(CONSOLIDATED).issuer == "BAN CHỈ ĐẠO 138"


def test_a_ward_document_of_a_frozen_report_needs_no_live_figures(report):
    document = ward_document(report)
    assert document.signer_name == SIGNER
    assert document.issued_on == dt.date(2025, 8, 16)
    assert not document.draft

"""Official documents are Vietnamese whatever the interface language (issue 12, item 12); an
English copy only when it is asked for with ``lang=en``."""

import csv
import datetime as dt
import io
import zipfile

import pytest
from django.conf import settings
from django.utils import timezone, translation
from docx import Document
from openpyxl import load_workbook

from reports.statistics import rollup
from tests.factories import IncidentFactory, OutreachSessionFactory
from wardsecurity.models import ReportJob

pytestmark = pytest.mark.django_db

URL = "/api/v1/reports/"
MARCH = {"period": "month:2024-03"}
ENGLISH = {"accept-language": "en"}
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def at(year, month, day):
    return timezone.make_aware(dt.datetime(year, month, day, 10, 0))


@pytest.fixture
def figures(ward_a, ward_c):
    for day in (3, 9):
        IncidentFactory(ward=ward_a, occurred_at=at(2024, 3, day))
    IncidentFactory(ward=ward_a, occurred_at=at(2023, 3, 4))
    OutreachSessionFactory(ward=ward_a, held_on=dt.date(2024, 3, 2), attendees=40)
    IncidentFactory(ward=ward_c, occurred_at=at(2024, 3, 5))
    rollup.process_dirty()


def docx_text(content):
    document = Document(io.BytesIO(content))
    cells = [p.text for table in document.tables for cell in table._cells for p in cell.paragraphs]
    return "\n".join([*cells, *(p.text for p in document.paragraphs)])


def docx_languages(content):
    """The language of the document's default run properties and of its core properties."""
    document = Document(io.BytesIO(content))
    defaults = document.styles.element.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}lang")
    assert defaults is not None, "the document names no default language"
    return (
        defaults.get(f"{W}val"),
        defaults.get(f"{W}eastAsia"),
        document.core_properties.language,
    )


def test_an_english_browser_gets_a_vietnamese_docx(client, officer_a, figures):
    """Item 12: the .docx came out in English ("POLICE OF …") for an English browser."""
    client.force_login(officer_a)
    response = client.get(URL, {"scope": "ward:91001", **MARCH}, headers=ENGLISH)
    assert response.status_code == 200
    text = docx_text(response.content)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "CÔNG AN PHƯỜNG AN BÌNH" in text
    assert "POLICE OF" not in text and "SOCIALIST" not in text
    assert "I. TÌNH HÌNH AN NINH, TRẬT TỰ" in text
    assert "II. KẾT QUẢ THỰC HIỆN PHONG TRÀO" in text
    assert "Số vụ việc xảy ra: 2 vụ, tăng 1 vụ (+100,0%) so với cùng kỳ." in text
    assert docx_languages(response.content) == ("vi-VN", "vi-VN", "vi-VN")
    assert response["Content-Language"] == "vi"


def test_an_english_copy_only_when_asked_for(client, officer_a, figures):
    client.force_login(officer_a)
    response = client.get(URL, {"scope": "ward:91001", "lang": "en", **MARCH})
    text = docx_text(response.content)
    assert "SOCIALIST REPUBLIC OF VIETNAM" in text
    assert "up 1 incident (+100,0%) on the same period" in text
    assert docx_languages(response.content) == ("en-US", "en-US", "en-US")
    assert response["Content-Language"] == "en"
    # Asking for Vietnamese explicitly is the same as asking for nothing.
    vietnamese = client.get(URL, {"scope": "ward:91001", "lang": "vi", **MARCH}, headers=ENGLISH)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in docx_text(vietnamese.content)


def test_an_unknown_document_language_is_refused(client, officer_a, figures):
    client.force_login(officer_a)
    response = client.get(URL, {"scope": "ward:91001", "lang": "fr", **MARCH})
    assert response.status_code == 400
    assert set(response.json()["fields"]) == {"lang"}
    assert "Ngôn ngữ" in response.json()["fields"]["lang"][0]


def test_xlsx_csv_and_print_are_vietnamese_for_an_english_browser(client, officer_a, figures):
    client.force_login(officer_a)
    params = {"scope": "ward:91001", **MARCH}
    xlsx = client.get(URL, {**params, "format": "xlsx"}, headers=ENGLISH)
    book = load_workbook(io.BytesIO(xlsx.content))
    assert book.sheetnames == ["Phần I", "Phần II"]
    assert book["Phần I"]["A6"].value == "nội dung"

    raw = client.get(URL, {**params, "format": "csv"}, headers=ENGLISH).content
    header = next(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert header[:2] == ["phần", "mục"]

    printed = client.get(URL, {**params, "format": "pdf"}, headers=ENGLISH).content.decode()
    assert '<html lang="vi">' in printed
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in printed


def test_the_reports_page_in_english_downloads_a_vietnamese_docx(client, officer_a, figures):
    client.force_login(officer_a)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get("/reports/").content.decode()
    assert "Period reports" in page  # the interface is English
    response = client.post("/reports/", {"scope": "ward:91001", "format": "docx", **MARCH})
    assert response.status_code == 200
    assert "CÔNG AN PHƯỜNG AN BÌNH" in docx_text(response.content)
    assert docx_languages(response.content)[0] == "vi-VN"

    english = client.post(
        "/reports/", {"scope": "ward:91001", "format": "docx", "lang": "en", **MARCH}
    )
    assert "POLICE OF PHƯỜNG AN BÌNH" in docx_text(english.content)


def test_the_print_view_of_an_english_interface_is_vietnamese(client, officer_a, figures):
    client.force_login(officer_a)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.post("/reports/", {"scope": "ward:91001", "format": "pdf", **MARCH})
    assert response.status_code == 302
    printed = client.get(response["Location"]).content.decode()
    assert '<html lang="vi">' in printed
    assert "CÔNG AN PHƯỜNG AN BÌNH" in printed

    english = client.post(
        "/reports/", {"scope": "ward:91001", "format": "pdf", "lang": "en", **MARCH}
    )
    assert "lang=en" in english["Location"]
    assert "POLICE OF" in client.get(english["Location"]).content.decode()


def test_a_job_records_the_document_language_not_the_browsers(
    client, viewer_city, cluster_a, figures, django_capture_on_commit_callbacks
):
    client.force_login(viewer_city)
    params = {"scope": f"cluster:{cluster_a.pk}", "format": "docx", **MARCH}
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.get(URL, params, headers=ENGLISH)
    assert answer.status_code == 202
    assert answer.json()["language"] == "vi"
    job = ReportJob.objects.get(pk=answer.json()["id"])
    assert (job.language, job.status) == ("vi", "done")
    content = ReportJob.objects.values_list("content", flat=True).get(pk=job.pk)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in docx_text(bytes(content))
    assert docx_languages(bytes(content))[0] == "vi-VN"

    with django_capture_on_commit_callbacks(execute=True):
        english = client.get(URL, {**params, "lang": "en"})
    job = ReportJob.objects.get(pk=english.json()["id"])
    assert job.language == "en"
    content = ReportJob.objects.values_list("content", flat=True).get(pk=job.pk)
    assert "SOCIALIST REPUBLIC OF VIETNAM" in docx_text(bytes(content))


def test_a_job_from_the_english_reports_page_is_vietnamese(
    client, viewer_city, cluster_a, figures, django_capture_on_commit_callbacks
):
    client.force_login(viewer_city)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with django_capture_on_commit_callbacks(execute=False):
        client.post("/reports/", {"scope": f"cluster:{cluster_a.pk}", "format": "csv", **MARCH})
    assert ReportJob.objects.get().language == "vi"


def test_the_docx_names_its_language_in_the_package(client, officer_a, figures):
    """Word reads the proofing language from styles.xml and the document's from core.xml."""
    client.force_login(officer_a)
    with translation.override("en"):
        content = client.get(URL, {"scope": "ward:91001", **MARCH}, headers=ENGLISH).content
    package = zipfile.ZipFile(io.BytesIO(content))
    assert 'w:val="vi-VN"' in package.read("word/styles.xml").decode()
    assert "<dc:language>vi-VN</dc:language>" in package.read("docProps/core.xml").decode()

"""A report for a period that ended before 1 July 2025 names the units of the old map its ward
was made of, under the title ("Phường An Bình, gồm phường Hải Hòa (cũ), …"); a later one does
not (docs/domain.md)."""

import io

import pytest
from docx import Document
from openpyxl import load_workbook

from households.models import FormerWard, WardSuccession

pytestmark = pytest.mark.django_db

URL = "/api/v1/reports/"


@pytest.fixture
def predecessors(ward_a):
    for code, name, partly in (
        ("16561", "Phường Hải Hòa", False),
        ("16612", "Xã Hải Nhân", True),
        ("16618", "Thị trấn Bình Minh", False),
    ):
        unit = FormerWard.objects.create(
            code=code, name=name, kind=FormerWard.Kind.PHUONG, district_name="Thị xã Cũ",
            province_name="Tỉnh Thử Nghiệm", search_name=name.lower(),
        )  # fmt: skip
        WardSuccession.objects.create(former_ward=unit, ward=ward_a, partly=partly)


def paragraphs(content):
    return [p.text for p in Document(io.BytesIO(content)).paragraphs]


def get(client, user, **params):
    client.force_login(user)
    response = client.get(URL, {"scope": "ward:91001", **params})
    assert response.status_code == 200, response.content[:300]
    return response


HEADING = "Phường An Bình, gồm phường Hải Hòa (cũ), xã Hải Nhân (cũ), thị trấn Bình Minh (cũ)"


@pytest.mark.parametrize(
    "period", ["months:2023:8", "half:2025-H1", "range:2024-07-01..2025-06-30"]
)
def test_a_report_before_the_new_map_names_the_predecessors_under_its_title(
    client, clerk_a, predecessors, period
):
    text = paragraphs(get(client, clerk_a, period=period, format="docx").content)
    title = next(i for i, line in enumerate(text) if line.startswith("Kết quả"))
    assert text[title + 1] == HEADING
    book = load_workbook(io.BytesIO(get(client, clerk_a, period=period, format="xlsx").content))
    assert {sheet.cell(1, 1).value for sheet in book.worksheets} == {HEADING}
    page = get(client, clerk_a, period=period, format="pdf").content.decode()
    assert HEADING in page


@pytest.mark.parametrize("period", ["year:2025", "month:2025-07", "range:2025-06-01..2025-07-01"])
def test_a_report_reaching_into_the_new_map_names_only_today_s_ward(
    client, clerk_a, predecessors, period
):
    text = "\n".join(paragraphs(get(client, clerk_a, period=period, format="docx").content))
    assert "(cũ)" not in text
    assert "gồm" not in text

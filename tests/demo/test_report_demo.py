"""Period reports of the demo wards (SPEC §13): the published figures, read back from the files.

The territory and the demo are loaded once for this module, inside a transaction rolled back at
its end (as in ``test_demo.py``), and the statistics rebuilt from them.
"""

import csv
import datetime as dt
import io
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models import Sum
from django.test import Client
from django.utils import timezone
from docx import Document
from openpyxl import load_workbook

from households.models import WardCluster
from movement.models import Patrol
from reports.statistics import rollup
from tests.reports.surfaces import check_ranking, check_ward_surfaces
from wardsecurity.models import User

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("demo_loaded")]

URL = "/api/v1/reports/"


@pytest.fixture(scope="module")
def demo_loaded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_territory", stdout=StringIO())
        call_command("load_demo", stdout=StringIO())
        rollup.rebuild()
        connection.check_constraints()
        yield
        transaction.set_rollback(True)


def signed_in(username):
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def docx_text(content):
    document = Document(io.BytesIO(content))
    cells = [p.text for table in document.tables for cell in table._cells for p in cell.paragraphs]
    return "\n".join([*cells, *(p.text for p in document.paragraphs)])


@pytest.mark.django_db
def test_tinh_gia_first_8_months_of_2023():
    response = signed_in("police.tinhgia").get(
        URL, {"scope": "ward:16561", "period": "months:2023:8", "format": "docx"}
    )
    assert response.status_code == 200
    text = docx_text(response.content)
    assert "CÔNG AN PHƯỜNG TĨNH GIA" in text
    assert "Tĩnh Gia, ngày" in text
    assert "Kết quả phong trào Toàn dân bảo vệ an ninh Tổ quốc 8 tháng đầu năm 2023" in text
    # A period before the July 2025 map: the ward's predecessors are named under the title.
    assert (
        "Phường Tĩnh Gia, gồm phường Hải Hòa (cũ), xã Hải Nhân (cũ), phường Bình Minh (cũ), "
        "phường Hải Thanh (cũ)"
    ) in text
    assert "Số vụ việc xảy ra: 5 vụ, giảm 13 vụ (72,2%) so với cùng kỳ." in text
    assert "Số camera đang hoạt động: 125 camera" in text
    assert "Số lượt trích xuất hình ảnh: 27 lượt" in text
    assert "Đã thu hồi – Pháo: 1,5 kg" in text
    assert "Đã thu hồi – Vật liệu nổ: 2,3 kg" in text
    # No commitment was recorded for 2022: no change from zero, but no data.
    assert "Tỷ lệ hộ gia đình ký cam kết: 96,8% (3.993/4.126), chưa có số liệu cùng kỳ." in text
    assert "Tỷ lệ hòa giải thành: 100,0% (11/11), chưa có số liệu cùng kỳ." in text
    # Police statistics (docs/domain.md): 4 of the 5 incidents are crimes, none very serious
    # or particularly serious; the 3 with a suspect were cleared, the online fraud was not.
    assert "Án hình sự: 4 vụ" in text
    assert "Không để xảy ra án rất nghiêm trọng, đặc biệt nghiêm trọng." in text
    assert "Tỷ lệ điều tra làm rõ án hình sự: 75,0% (3/4)" in text


@pytest.mark.django_db
def test_tinh_gia_report_prints_its_law_30_force_in_2025():
    """The teams founded on 1 July 2024 (demo.force) patrolled twice a month: the report's
    section on the grassroots force prints them, equal to a direct count."""
    response = signed_in("police.tinhgia").get(
        URL, {"scope": "ward:16561", "period": "months:2025:6", "format": "docx"}
    )
    assert response.status_code == 200
    text = docx_text(response.content)
    patrols = Patrol.objects.filter(
        ward__code="16561", patrolled_on__range=(dt.date(2025, 1, 1), dt.date(2025, 6, 30))
    )
    shifts = patrols.aggregate(n=Sum("members_on_duty"))["n"]
    assert patrols.count() == 7 * 12
    assert "Lực lượng tham gia bảo vệ an ninh, trật tự ở cơ sở" in text
    assert f"Ca trực, tuần tra: {patrols.count()} ca" in text
    shift_text = f"{shifts:,}".replace(",", ".")
    assert re.search(rf"Lượt thành viên tham gia tuần tra: {shift_text}\b", text), [
        line for line in text.splitlines() if "tuần tra" in line
    ]


@pytest.mark.django_db
def test_ba_ngoi_households_and_residents():
    today = timezone.localdate()
    response = signed_in("clerk.bangoi").get(
        URL, {"scope": "ward:22423", "period": f"ytd:{today.isoformat()}", "format": "docx"}
    )
    assert response.status_code == 200
    text = docx_text(response.content)
    assert "CÔNG AN PHƯỜNG BA NGÒI" in text
    assert "Số hộ gia đình: 3.677 hộ" in text
    assert "Số nhân khẩu: 16.008 nhân khẩu" in text


@pytest.mark.django_db
def test_the_demo_xlsx_and_csv():
    client = signed_in("police.tinhgia")
    params = {"scope": "ward:16561", "period": "months:2023:8"}
    book = load_workbook(io.BytesIO(client.get(URL, {**params, "format": "xlsx"}).content))
    assert book.sheetnames == ["Phần I", "Phần II"]
    rows = {row[0]: row for row in book["Phần I"].iter_rows(values_only=True) if row[0]}
    assert rows["Số vụ việc xảy ra"][1:5] == (5, 18, -13, -72.2)

    content = client.get(URL, {**params, "format": "csv"}).content.decode("utf-8-sig")
    figures = {row[2]: row for row in csv.reader(io.StringIO(content))}
    assert figures["incidents"][4:8] == ["5", "18", "-13", "-72.2"]
    assert figures["vneid_level2_collected"][4] == "7081"


@pytest.mark.django_db
def test_the_nam_dinh_cluster_report_is_a_job(django_capture_on_commit_callbacks):
    client = signed_in("viewer.namdinh")
    cluster = WardCluster.objects.get(name="Thành phố Nam Định (cũ)")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(
            URL, {"scope": f"cluster:{cluster.pk}", "period": "year:2023", "format": "docx"}
        )
    assert response.status_code == 202
    job = client.get(response.json()["status_url"]).json()
    assert job["status"] == "done", job
    text = docx_text(client.get(job["download"]).content)
    assert "BAN CHỈ ĐẠO 138" in text
    assert "THÀNH PHỐ NAM ĐỊNH (CŨ)" in text
    assert "Ninh Bình, ngày" in text
    # Another ward's police officer cannot fetch it.
    other = signed_in("police.bangoi")
    assert other.get(response.json()["status_url"]).status_code == 404


@pytest.mark.django_db
def test_every_surface_shows_the_same_figures_for_tinh_gia():
    """The stats API, the .docx, .xlsx, .csv and print report, and the dashboard's tiles,
    trends and group table, read back, for Tĩnh Gia's first 8 months of 2023 in both calendars."""
    client = signed_in("police.tinhgia")
    for calendar in ("civil", "reporting"):
        figures = check_ward_surfaces(
            client, scope="ward:16561", period="months:2023:8", calendar=calendar
        )
        assert figures["commitment_coverage_pct"]["value"] == 96.8


@pytest.mark.django_db
def test_every_surface_shows_the_same_figures_for_ha_giang_2_and_the_nam_dinh_cluster():
    client = signed_in("viewer.all")
    figures = check_ward_surfaces(client, scope="ward:00691", period="year:2017", calendar="civil")
    assert figures["commitment_coverage_pct"]["value"] == 99.3
    cluster = WardCluster.objects.get(name="Thành phố Nam Định (cũ)")
    check_ranking(client, scope=f"cluster:{cluster.pk}", period="year:2023", calendar="civil")


# The article's figures under the article's old ward (by=predecessor, docs/domain.md) ---------

# (ward, its old ward in the article, period, {metric: the article's figure}): the figures of
# records kept by residential group. Teams, commendations and ward-wide tallies have no group
# and count under "no former ward".
ARTICLES = (
    ("22423", "phường Ba Ngòi (cũ)", "year:2019",
     {"residential_groups": 10, "households": 3_677, "residents": 16_008, "cameras_active": 61}),
    ("00691", "phường Trần Phú (cũ)", "year:2017",
     {"residential_groups": 17, "households": 2_238, "residents": 8_795,
      "commitments_signed": 2_223}),
    ("16561", "phường Hải Hòa (cũ)", "months:2023:8",
     {"commitments_signed": 3_993, "mediation_received": 11, "cameras_active": 125,
      "video_extractions": 27, "incidents": 5}),
    ("14329", "phường Ninh Khánh (cũ)", "range:2013-06-01..2023-05-10",
     {"residential_groups": 16, "mediation_resolved": 65}),
)  # fmt: skip


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("code", "old", "period", "article"), ARTICLES, ids=[a[0] for a in ARTICLES]
)
def test_the_predecessor_breakdown_equals_the_article_figures(code, old, period, article):
    response = signed_in("viewer.all").get(
        "/api/v1/stats/",
        {"scope": f"ward:{code}", "period": period, "by": "predecessor",
         "metrics": ",".join(article)},
    )  # fmt: skip
    assert response.status_code == 200, response.content
    body = response.json()
    rows = {row["predecessor"]["name"]: row for row in body["breakdown"]}
    row = rows[old]
    assert row["predecessor"]["partly"] is False
    assert {key: row["metrics"][key]["value"] for key in article} == article
    # The article's ward holds them all: the other former wards and "no former ward" hold none.
    assert {key: body["metrics"][key]["value"] for key in article} == article
    for name, other in rows.items():
        if name != old:
            assert all(other["metrics"][key]["value"] == 0 for key in article), name


@pytest.mark.django_db
def test_hoa_lu_shows_ninh_khanh_among_its_predecessors():
    client = signed_in("viewer.all")
    ward = client.get("/api/v1/wards/", {"code": "14329"}).json()["results"][0]
    assert {"code": "14344", "name": "Phường Ninh Khánh", "partly": False} in ward["predecessors"]


@pytest.mark.django_db
def test_the_ward_s_home_page_lists_its_predecessors_whole_or_in_part():
    page = signed_in("police.tinhgia").get("/").content.decode()
    assert "Các xã, phường cũ được sắp xếp vào đơn vị này từ ngày 1/7/2025" in page
    assert "phường Hải Hòa (cũ) (16561, " in page
    assert "xã Hải Nhân (cũ) (16612, " in page

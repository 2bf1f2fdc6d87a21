"""The dashboard, the reports page, the print view and the job pages (SPEC §9, §10)."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from reports.statistics import rollup
from tests.factories import (
    CameraFactory,
    IncidentFactory,
    OutreachSessionFactory,
    ResidentialGroupFactory,
    WardClusterFactory,
    WardFactory,
)
from wardsecurity.models import ReportJob

pytestmark = pytest.mark.django_db

DASHBOARD = "/dashboard/"
MARCH = {"period": "month:2024-03", "calendar": "civil"}


def at(year, month, day):
    return timezone.make_aware(dt.datetime(year, month, day, 10, 0))


@pytest.fixture
def figures(ward_a, ward_b, ward_c):
    """Ward A: 1 incident in March 2024 against 3 in March 2023; a camera; outreach; a group."""
    IncidentFactory(ward=ward_a, occurred_at=at(2024, 3, 3))
    for day in (1, 2, 3):
        IncidentFactory(ward=ward_a, occurred_at=at(2023, 3, day))
    CameraFactory(ward=ward_a, installed_on=dt.date(2024, 3, 1))
    OutreachSessionFactory(ward=ward_a, held_on=dt.date(2024, 3, 2), attendees=30)
    ResidentialGroupFactory(ward=ward_a, name="Tổ dân phố Hòa Bình")
    IncidentFactory(ward=ward_c, occurred_at=at(2024, 3, 8))
    rollup.process_dirty()


@pytest.mark.parametrize(
    "persona",
    ["officer_a", "clerk_a", "viewer_city", "viewer_province", "viewer_all", "admin_user"],
)
def test_every_role_sees_its_dashboard(client, request, persona, figures):
    client.force_login(request.getfixturevalue(persona))
    response = client.get(DASHBOARD, MARCH)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Số liệu tính đến" in page
    assert 'id="trend-data"' in page
    assert "<table" in page  # the trends as a table, for screen readers
    assert (
        response["Cache-Control"].startswith("max-age=0") or "no-store" in response["Cache-Control"]
    )


def test_fewer_incidents_is_said_to_be_better_in_words(client, officer_a, figures):
    client.force_login(officer_a)
    page = client.get(DASHBOARD, {"scope": "ward:91001", **MARCH}).content.decode()
    assert "kpi--good" in page
    assert "Giảm 2 vụ (66,7%) so với cùng kỳ: <strong>tốt hơn cùng kỳ</strong>" in page
    assert "Tổ dân phố Hòa Bình" in page  # the ward's groups (drill-down ward → group)


def test_the_trends_name_each_month_of_its_calendar_once(client, officer_a, ward_a):
    """In the reporting calendar May runs from 15 April to 14 May: its row is 05/2022, not
    04/2022. A range from 3 May to 20 July has four rows, each named once: 05 (3–14 May), 06,
    07 and 08 (15–20 July), each compared with the same days a year earlier."""
    IncidentFactory(ward=ward_a, occurred_at=at(2022, 5, 4))
    IncidentFactory(ward=ward_a, occurred_at=at(2021, 5, 10))  # 05/2021, within 3–14 May
    IncidentFactory(ward=ward_a, occurred_at=at(2021, 4, 20))  # 05/2021, before 3 May
    IncidentFactory(ward=ward_a, occurred_at=at(2021, 7, 18))  # 08/2021, within 15–20 July
    IncidentFactory(ward=ward_a, occurred_at=at(2021, 8, 1))  # 08/2021, after 20 July
    rollup.process_dirty()
    client.force_login(officer_a)
    period = {"period": "range:2022-05-03..2022-07-20", "calendar": "reporting"}
    page = client.get(DASHBOARD, {"scope": f"ward:{ward_a.code}", **period})
    assert page.status_code == 200
    rows = page.context["trends"]["rows"]
    incidents = [(row["month"], *row["cells"][0]) for row in rows]
    assert incidents == [
        ("05/2022", "1", "1"),
        ("06/2022", "0", "0"),
        ("07/2022", "0", "0"),
        ("08/2022", "0", "1"),
    ]
    assert page.context["trends"]["labels"] == [month for month, _now, _before in incidents]


def test_the_ward_ranking_drills_down_to_a_ward(client, viewer_city, figures, cluster_a):
    client.force_login(viewer_city)
    page = client.get(DASHBOARD, {"scope": f"cluster:{cluster_a.pk}", **MARCH}).content.decode()
    assert "Phường An Bình" in page and "Xã Cát Tiên" in page
    link = "/dashboard/?scope=ward%3A91001&amp;period=month%3A2024-03&amp;calendar=civil"
    assert link in page
    ward_page = client.get(DASHBOARD, {"scope": "ward:91001", **MARCH})
    assert ward_page.status_code == 200
    assert "Tổ dân phố Hòa Bình" in ward_page.content.decode()


def test_another_scope_is_not_found(client, officer_b, figures):
    client.force_login(officer_b)
    assert client.get(DASHBOARD, {"scope": "ward:91001", **MARCH}).status_code == 404


def test_a_bad_period_is_explained(client, officer_a):
    client.force_login(officer_a)
    response = client.get(DASHBOARD, {"period": "month:2024-13"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Tháng phải từ 1 đến 12." in page
    assert 'aria-invalid="true"' in page


def dashboard_queries(client, user, scope):
    client.force_login(user)
    client.get(DASHBOARD, {"scope": scope, **MARCH})  # warm the session and caches
    with CaptureQueriesContext(connection) as queries:
        response = client.get(DASHBOARD, {"scope": scope, **MARCH})
    assert response.status_code == 200
    return len(queries)


def test_the_dashboard_costs_the_same_for_2_wards_as_for_12(client, viewer_all, province):
    """Queries: session and user, the scope (wards, provinces), the picker's wards, and three
    reads of the statistics (state + running totals each): none per ward."""
    small = WardClusterFactory(
        name="Cụm nhỏ", wards=[WardFactory(code=f"9150{i}", province=province) for i in range(2)]
    )
    large = WardClusterFactory(
        name="Cụm lớn",
        wards=[WardFactory(code=f"916{i:02d}", province=province) for i in range(12)],
    )
    for ward in large.wards.all():
        IncidentFactory(ward=ward, occurred_at=at(2024, 3, 3))
    rollup.process_dirty()
    assert dashboard_queries(client, viewer_all, f"cluster:{small.pk}") == dashboard_queries(
        client, viewer_all, f"cluster:{large.pk}"
    )


# The reports page ----------------------------------------------------------------------------


def test_the_reports_page_downloads_a_ward_report(client, clerk_a, figures):
    client.force_login(clerk_a)
    assert client.get("/reports/").status_code == 200
    response = client.post("/reports/", {"scope": "ward:91001", "format": "docx", **MARCH})
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        'attachment; filename="bao-cao-ward-91001-month-2024-03.docx"'
    )


def test_a_multi_ward_report_shows_its_progress_then_its_link(
    client, viewer_city, viewer_all, cluster_a, figures, django_capture_on_commit_callbacks
):
    client.force_login(viewer_city)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(
            "/reports/", {"scope": f"cluster:{cluster_a.pk}", "format": "csv", **MARCH}
        )
    assert response.status_code == 302
    job = ReportJob.objects.get(owner=viewer_city)
    page = client.get("/reports/").content.decode()
    assert f'hx-get="/reports/jobs/{job.pk}/"' in page
    assert "<progress" in page

    for callback in callbacks:
        callback()
    fragment = client.get(f"/reports/jobs/{job.pk}/").content.decode()
    assert "hx-get" not in fragment  # done: polling stops
    assert f'href="/reports/jobs/{job.pk}/download/"' in fragment
    download = client.get(f"/reports/jobs/{job.pk}/download/")
    assert download.status_code == 200
    assert download.content.startswith(b"\xef\xbb\xbf")

    client.force_login(viewer_all)
    assert client.get(f"/reports/jobs/{job.pk}/").status_code == 404
    assert client.get(f"/reports/jobs/{job.pk}/download/").status_code == 404


def test_pdf_is_the_print_view(client, officer_a, figures):
    client.force_login(officer_a)
    response = client.post("/reports/", {"scope": "ward:91001", "format": "pdf", **MARCH})
    assert response.status_code == 302
    printed = client.get(response["Location"])
    assert printed.status_code == 200
    page = printed.content.decode()
    assert "reports/print.css" in page
    assert "<style" not in page  # the production CSP allows only our stylesheets
    assert "CÔNG AN PHƯỜNG AN BÌNH" in page
    assert "Số vụ việc xảy ra: 1 vụ, giảm 2 vụ (66,7%) so với cùng kỳ." in page


def test_a_bad_report_request_shows_the_form_again(client, officer_a):
    client.force_login(officer_a)
    response = client.post("/reports/", {"scope": "ward:91001", "period": "soon", "format": "docx"})
    assert response.status_code == 400
    assert 'aria-invalid="true"' in response.content.decode()


def test_a_long_ranking_shows_its_head(client, viewer_city, cluster_a, figures, monkeypatch):
    monkeypatch.setattr("reports.dashboard.views.RANKING_ROWS", 1)
    client.force_login(viewer_city)
    page = client.get(DASHBOARD, {"scope": f"cluster:{cluster_a.pk}", **MARCH}).content.decode()
    assert "1 xã, phường đầu tiên trong tổng số 2 xã, phường theo thứ tự này." in page
    assert page.count("/dashboard/?scope=ward%3A") == 1

"""Periods people can type and pick (issue 12, item 10): the stats API, the reports API, the
dashboard and the reports page read the written forms besides the machine codes, the suggestions
cover every year since 2013, and every period field carries the kind + year + number picker."""

import datetime as dt
import io
import re

import pytest
from django.utils import timezone
from docx import Document
from rest_framework.test import APIClient

from reports.figures.picker import FIRST_YEAR, period_picker, period_suggestions
from reports.statistics import rollup
from tests.factories import IncidentFactory
from wardsecurity.period_spec import parse_period

pytestmark = pytest.mark.django_db

STATS = "/api/v1/stats/"
REPORTS = "/api/v1/reports/"
VIETNAMESE = "ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ"


def at(year, month, day):
    return timezone.make_aware(dt.datetime(year, month, day, 10, 0))


@pytest.fixture
def incidents(ward_a, ward_b):
    """Ward A: incidents on 3 June, 4 August and 20 December 2023 and 4 August 2022."""
    for day in (dt.date(2023, 6, 3), dt.date(2023, 8, 4), dt.date(2023, 12, 20)):
        IncidentFactory(ward=ward_a, occurred_at=at(day.year, day.month, day.day))
    IncidentFactory(ward=ward_a, occurred_at=at(2022, 8, 4))
    IncidentFactory(ward=ward_b, occurred_at=at(2023, 8, 5))
    rollup.process_dirty()


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


WRITTEN = [
    ("tháng 8/2023", "month:2023-08"),
    ("Tháng 8 năm 2023", "month:2023-08"),
    ("8 tháng đầu năm 2023", "months:2023:8"),
    ("quý III/2023", "quarter:2023-Q3"),
    ("quy iii/2023", "quarter:2023-Q3"),
    ("6 tháng đầu năm 2023", "half:2023-H1"),
    ("6 tháng cuối năm 2023", "half:2023-H2"),
    ("năm 2023", "year:2023"),
    ("từ 15/12/2022 đến 14/06/2023", "range:2022-12-15..2023-06-14"),
    ("first 8 months of 2023", "months:2023:8"),
]


@pytest.mark.parametrize(("written", "code"), WRITTEN)
def test_the_stats_api_reads_a_period_as_people_write_it(officer_a, incidents, written, code):
    client = api(officer_a)
    params = {"scope": "ward:91001", "metrics": "incidents"}
    typed = client.get(STATS, {**params, "period": written})
    assert typed.status_code == 200, typed.content
    coded = client.get(STATS, {**params, "period": code}).json()
    body = typed.json()
    assert body["period"]["spec"] == parse_period(code).spec
    assert body["period"] == coded["period"]
    assert body["metrics"] == coded["metrics"]


def test_a_written_period_follows_the_reporting_calendar(officer_a, incidents):
    body = api(officer_a).get(
        STATS, {"period": "năm 2023", "calendar": "reporting", "metrics": "incidents"}
    )
    assert body.status_code == 200
    period = body.json()["period"]
    assert (period["start"], period["end"]) == ("2022-12-15", "2023-12-14")
    # 20 December 2023 belongs to the reporting year 2024.
    assert body.json()["metrics"]["incidents"]["value"] == 2


@pytest.mark.parametrize(
    ("period", "says"),
    [
        ("tháng 13/2023", "Tháng phải từ 1 đến 12."),
        ("hôm qua", "quý III/2023"),  # the message shows how to write one
        ("quý V/2023", "8 tháng đầu năm 2023"),
        ("từ 31/02/2023 đến 14/06/2023", "31/02/2023 không phải là ngày hợp lệ"),
        ("năm 1800", "Năm phải"),
        (" năm 2023", "khoảng trắng"),
        ("năm 2023\n", "khoảng trắng"),
        ("x" * 65, "64"),
    ],
)
def test_the_stats_api_refuses_garbage_in_vietnamese(officer_a, period, says):
    response = api(officer_a).get(STATS, {"period": period})
    assert response.status_code == 400, response.content
    body = response.json()["fields"]
    assert set(body) == {"period"}
    message = " ".join(body["period"])
    assert says in message, message
    assert any(letter in message for letter in VIETNAMESE), message


def test_the_schema_describes_the_written_forms(admin_user):
    schema = api(admin_user).get("/api/v1/schema/?format=json").json()
    stats = {p["name"]: p for p in schema["paths"][STATS]["get"]["parameters"]}
    period = stats["period"]
    assert "month:" not in period["schema"].get("pattern", "")
    assert period["schema"]["maxLength"] == 64
    assert "8 tháng đầu năm 2023" in period["description"]
    assert "quý III/2023" in period["description"]
    assert "months:2023:8" in period["description"]
    report = {p["name"]: p for p in schema["paths"][REPORTS]["get"]["parameters"]}
    assert "từ 15/12/2022 đến 14/06/2023" in report["period"]["description"]
    assert report["period"]["schema"]["maxLength"] == 64


def test_the_reports_api_reads_a_written_period(client, officer_a, incidents):
    client.force_login(officer_a)
    response = client.get(REPORTS, {"scope": "ward:91001", "period": "tháng 8/2023"})
    assert response.status_code == 200, response.content
    assert response["Content-Disposition"] == (
        'attachment; filename="bao-cao-ward-91001-month-2023-08.docx"'
    )
    text = "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)
    assert "tháng 8/2023" in text


def test_the_reports_api_refuses_a_long_period(client, officer_a):
    client.force_login(officer_a)
    response = client.get(REPORTS, {"scope": "ward:91001", "period": "năm 2023" + " " * 60})
    assert response.status_code == 400
    assert set(response.json()["fields"]) == {"period"}


def test_the_dashboard_reads_a_written_period(client, officer_a, incidents):
    client.force_login(officer_a)
    response = client.get("/dashboard/", {"scope": "ward:91001", "period": "quý III/2023"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "quý III/2023 (01/07/2023 – 30/09/2023)" in page
    # What was typed stays in the box, and the picker starts on the same period.
    assert 'value="quý III/2023"' in page
    assert re.search(r'<option value="quarter"[^>]* selected', page)
    assert re.search(r'<option value="3"[^>]* selected>III</option>', page)


def test_the_reports_page_reads_a_written_period(client, officer_a, incidents):
    client.force_login(officer_a)
    response = client.post(
        "/reports/", {"scope": "ward:91001", "period": "8 tháng đầu năm 2023", "format": "csv"}
    )
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        'attachment; filename="bao-cao-ward-91001-months-2023-8.csv"'
    )


def test_a_bad_written_period_on_the_dashboard_is_explained(client, officer_a):
    client.force_login(officer_a)
    response = client.get("/dashboard/", {"period": "tháng 13/2023"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Tháng phải từ 1 đến 12." in page
    assert 'value="tháng 13/2023"' in page


# The suggestions and the picker ---------------------------------------------------------------


def test_the_suggestions_cover_every_year_since_2013():
    """Item 10: the suggestion list covered this year and last year only (2025–2026)."""
    today = dt.date(2026, 3, 10)
    specs = [spec for spec, _label in period_suggestions(today)]
    years = {parse_period(spec).start.year for spec in specs}
    assert years == set(range(2013, 2027))
    for spec in ("year:2013", "months:2013:8", "quarter:2017-Q3", "half:2020-H1", "month:2023-08"):
        assert parse_period(spec).spec in specs
    # Nothing after today is offered, and every label reads back as its own period.
    assert "month:2026-04" not in specs and "year:2026" not in specs
    for spec, label in period_suggestions(today)[1:]:  # the year to date reads as a range
        assert parse_period(label) == parse_period(spec), (spec, label)


def test_the_dashboard_suggests_2013(client, officer_a):
    client.force_login(officer_a)
    page = client.get("/dashboard/").content.decode()
    assert '<option value="year:2013">năm 2013</option>' in page
    assert '<option value="months:2016:8">8 tháng đầu năm 2016</option>' in page


def test_the_picker_offers_every_kind_and_every_year_since_2013():
    picker = period_picker(parse_period("months:2023:8"), today=dt.date(2026, 3, 10))
    assert [kind for kind, _label in picker["kinds"]] == [
        "month",
        "quarter",
        "half",
        "months",
        "year",
        "range",
    ]
    assert picker["years"] == list(range(2026, FIRST_YEAR - 1, -1))
    assert FIRST_YEAR == 2013
    assert (picker["kind"], picker["year"], picker["number"]) == ("months", 2023, 8)
    ytd = period_picker(parse_period("ytd:2026-03-10"), today=dt.date(2026, 3, 10))
    assert (ytd["kind"], ytd["start"], ytd["end"]) == ("range", "2026-01-01", "2026-03-10")
    old = period_picker(parse_period("year:1995"), today=dt.date(2026, 3, 10))
    assert 1995 in old["years"]


@pytest.mark.parametrize("url", ["/dashboard/", "/reports/"])
def test_every_period_field_has_the_picker_with_labels(client, officer_a, url):
    client.force_login(officer_a)
    page = client.get(url).content.decode()
    picker = page[page.index('class="period-picker"') :]
    picker = picker[: picker.index("</fieldset>")]
    assert " hidden" in page[page.index('class="period-picker"') - 200 : page.index("<legend")]
    for control in ("kind", "year", "month", "quarter", "half", "count", "start", "end"):
        assert f'<label for="period-{control}"' in picker, control
        assert f'id="period-{control}"' in picker, control
    assert "name=" not in picker  # the picker only writes into the period box
    assert '<option value="2013">2013</option>' in picker
    assert 'src="/static/reports/picker.js"' in page

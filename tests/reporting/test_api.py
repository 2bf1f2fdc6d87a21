"""``/api/v1/period-reports/`` and ``/api/v1/manual-indicator-values/`` (issue 13): the chain
over HTTP, ETags on transitions, bad input, query counts, and manual indicators in the stats."""

import pytest
from rest_framework.test import APIClient

from reporting import services as s
from reporting.models import PeriodReport
from reports.statistics import rollup
from tests.factories import ManualIndicatorValueFactory, PeriodReportFactory
from tests.reporting.conftest import COMPLETE, PERIOD

API = "/api/v1"
State = PeriodReport.State


class JsonClient(APIClient):
    """Bodies as JSON, like the API's clients send them."""

    def _encode_data(self, data, format=None, content_type=None):
        return super()._encode_data(data, format or "json", content_type)


def api(user):
    client = JsonClient()
    client.force_authenticate(user)
    return client


def test_the_chain_over_the_api_with_etags(officer_a, reviewer, ward_a):
    officer = api(officer_a)
    created = officer.post(
        f"{API}/period-reports/", {"ward": ward_a.pk, "period": "quý III/2025", **COMPLETE}
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["period"] == "quarter:2025-Q3" and body["state"] == "draft"
    assert body["due_on"] == "2025-09-19"  # 14/09 + 5 days
    url = f"{API}/period-reports/{body['id']}/"
    etag = created["ETag"]

    patched = officer.patch(url, {"proposals": "Đề nghị hỗ trợ kinh phí."}, HTTP_IF_MATCH=etag)
    assert patched.status_code == 200
    stale = officer.post(f"{url}submit/", {}, HTTP_IF_MATCH=etag)  # the ETag before the patch
    assert stale.status_code == 412
    submitted = officer.post(f"{url}submit/", {}, HTTP_IF_MATCH=patched["ETag"])
    assert submitted.status_code == 200, submitted.json()
    assert submitted.json()["state"] == "submitted"
    assert submitted.json()["snapshot"]["text"]["proposals"] == "Đề nghị hỗ trợ kinh phí."
    assert [t["action"] for t in submitted.json()["transitions"]] == ["submit"]

    again = officer.post(f"{url}submit/", {})
    assert again.status_code == 400
    assert again.json()["non_field_errors"] == ["Báo cáo đã được gửi và đang chờ xem xét."]

    reviewing = api(reviewer)
    no_comment = reviewing.post(f"{url}return/", {"version": submitted.json()["version"]})
    assert no_comment.status_code == 400 and "comment" in no_comment.json()["fields"]
    returned = reviewing.post(
        f"{url}return/", {"version": submitted.json()["version"], "comment": "Bổ sung số liệu."}
    )
    assert returned.status_code == 200 and returned.json()["state"] == "returned"
    late_accept = reviewing.post(f"{url}accept/", {"version": submitted.json()["version"]})
    assert late_accept.status_code == 412
    resubmitted = officer.post(f"{url}submit/", {"version": returned.json()["version"]})
    accepted = reviewing.post(f"{url}accept/", {"version": resubmitted.json()["version"]})
    assert accepted.json()["state"] == "accepted"
    detail = officer.get(url)
    assert detail["ETag"] == f'"{body["id"]}-{detail.json()["version"]}"'
    assert [t["action"] for t in detail.json()["transitions"]] == [
        "submit",
        "return",
        "resubmit",
        "accept",
    ]


def test_a_submission_with_fields_missing_names_them_over_the_api(officer_a, ward_a):
    officer = api(officer_a)
    created = officer.post(
        f"{API}/period-reports/", {"ward": ward_a.pk, "period": PERIOD, "number": "", "place": ""}
    )
    response = officer.post(f"{API}/period-reports/{created.json()['id']}/submit/", {})
    assert response.status_code == 400
    assert {"number", "signer_name", "issued_on"} <= set(response.json()["fields"])
    assert response.json()["fields"]["number"] == ["Cần điền mục này trước khi gửi báo cáo."]


@pytest.mark.parametrize(
    "body",
    [
        {"assessment": "Có ký tự \x00 lạ"},
        {"shortcomings": "x" * 20_001},
        {"state": "accepted"},
        {"snapshot": {"metrics": {}}},
        {"period": "month:2025-09"},
    ],
)
def test_bad_writes_are_400_and_change_nothing(officer_a, ward_a, draft, body):
    officer, url = api(officer_a), f"{API}/period-reports/{draft.pk}/"
    response = officer.patch(url, body, format="json", HTTP_IF_MATCH=officer.get(url)["ETag"])
    assert response.status_code == 400
    assert set(response.json()["fields"]) == set(body)
    draft.refresh_from_db()
    assert draft.version == 1


def test_a_transition_with_a_bad_body_is_400(officer_a, draft):
    response = api(officer_a).post(
        f"{API}/period-reports/{draft.pk}/submit/", {"version": "x", "other": 1}, format="json"
    )
    assert response.status_code == 400
    draft.refresh_from_db()
    assert draft.state == State.DRAFT


@pytest.mark.parametrize("resource", ["period-reports", "manual-indicator-values"])
def test_lists_cost_the_same_queries_for_3_and_30_rows(
    resource, reviewer, ward_a, ward_b, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    factory = PeriodReportFactory if resource == "period-reports" else ManualIndicatorValueFactory
    client = api(reviewer)
    for ward in (ward_a, ward_b, ward_a):
        factory(ward=ward)
    with CaptureQueriesContext(connection) as few:
        response = client.get(f"{API}/{resource}/")
    assert response.json()["count"] == 3
    for index in range(27):
        factory(ward=(ward_a, ward_b)[index % 2])
    with CaptureQueriesContext(connection) as many:
        response = client.get(f"{API}/{resource}/")
    assert response.json()["count"] == 30
    assert len(many) == len(few) <= 4


def test_the_list_leaves_the_snapshot_out_and_filters_by_state(officer_a, reviewer, draft):
    s.period_report_submit(actor=officer_a, instance=draft)
    PeriodReportFactory(ward=draft.ward)
    client = api(reviewer)
    rows = client.get(f"{API}/period-reports/?state=submitted").json()["results"]
    assert [row["id"] for row in rows] == [draft.pk]
    assert "snapshot" not in rows[0]
    assert client.get(f"{API}/period-reports/?state=nonsense").status_code == 400


def test_manual_values_over_the_api_and_in_the_stats(clerk_a, viewer_province, ward_a, patrols):
    clerk = api(clerk_a)
    for period, value in ((PERIOD, 14), ("month:2024-08", 10)):
        created = clerk.post(
            f"{API}/manual-indicator-values/",
            {"ward": ward_a.pk, "indicator": patrols.pk, "period": period, "value": value},
        )
        assert created.status_code == 201, created.json()
        assert created.json()["indicator_code"] == "patrols"
    overlapping = clerk.post(
        f"{API}/manual-indicator-values/",
        {"ward": ward_a.pk, "indicator": patrols.pk, "period": "quarter:2025-Q3", "value": 1},
    )
    assert overlapping.status_code == 400 and "period" in overlapping.json()["fields"]
    negative = clerk.post(
        f"{API}/manual-indicator-values/",
        {"ward": ward_a.pk, "indicator": patrols.pk, "period": "month:2025-10", "value": -1},
    )
    assert negative.status_code == 400
    rollup.process_dirty()
    stats = api(viewer_province).get(
        f"{API}/stats/",
        {
            "scope": f"ward:{ward_a.code}",
            "period": "tháng 8/2025",
            "calendar": "reporting",
            "metrics": "manual.patrols",
        },
    )
    assert stats.status_code == 200, stats.json()
    assert stats.json()["metrics"]["manual.patrols"] == {
        "value": 14,
        "previous": 10,
        "change": 4,
        "change_pct": 40.0,
    }
    province = api(viewer_province).get(
        f"{API}/stats/",
        {"scope": "province:91", "period": "year:2025", "calendar": "reporting"},
    )
    assert province.json()["metrics"]["manual.patrols"]["value"] == 14


def test_the_schema_describes_the_chain(admin_user):
    response = api(admin_user).get(f"{API}/schema/", HTTP_ACCEPT="application/vnd.oai.openapi")
    text = response.content.decode()
    for path in (
        "/api/v1/period-reports/",
        "/api/v1/period-reports/{id}/submit/",
        "/api/v1/period-reports/{id}/return/",
        "/api/v1/period-reports/{id}/accept/",
        "/api/v1/period-reports/{id}/reopen/",
        "/api/v1/manual-indicator-values/",
    ):
        assert f"{path}:" in text

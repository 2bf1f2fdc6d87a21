"""The consolidated report (issue 13, item 6): figures are sums of the ACCEPTED ward snapshots
(a property test), ratios from summed parts, the missing wards, the services' roles, scopes,
states and versions, the API and the portal page."""

import io
from decimal import ROUND_HALF_UP, Decimal

import docx
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from docx.oxml.ns import qn
from hypothesis import given, settings
from hypothesis import strategies as st

from reporting.consolidation import (
    consolidated_report_create,
    consolidated_report_issue,
    consolidated_report_update,
    sum_snapshots,
)
from reporting.models import ConsolidatedReport
from tests.factories import WardFactory
from tests.reporting.completeness_helpers import make_report, reviewer
from tests.reporting.test_documents import pdf_text, word_text
from wardsecurity.services import StaleVersion

AUGUST = "month:2025-08"
API = "/api/v1/reporting/consolidated/"
FLOW = "outreach_sessions"
STOCK = "households"
RATIO = "commitment_coverage_pct"  # commitments_signed / households
PART = "commitments_signed"


def entry(value, previous):
    return {"value": value, "previous": previous, "label": "x", "unit": "count"}


def snapshot(flow, flow_prev, households, households_prev, signed, signed_prev):
    ratio = {
        "value": None if not households else round(100 * signed / households, 1),
        "numerator": signed,
        "denominator": households,
        "previous": None,
        "label": "Tỷ lệ",
        "unit": "percent",
    }
    return {
        "metrics": {
            FLOW: entry(flow, flow_prev),
            STOCK: entry(households, households_prev),
            PART: entry(signed, signed_prev),
            RATIO: ratio,
        }
    }


def percent(numerator, denominator):
    if not denominator:
        return None
    value = Decimal(numerator) * 100 / Decimal(denominator)
    return float(value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


counts = st.integers(min_value=0, max_value=10_000)
maybe = st.one_of(st.none(), counts)
ward_snapshots = st.lists(
    st.tuples(counts, maybe, counts, maybe, counts, maybe), min_size=1, max_size=30
)


@given(ward_snapshots)
@settings(max_examples=200, deadline=None)
def test_consolidated_figures_are_the_sums_of_the_snapshots(rows):
    """Every figure is the sum of the wards' values, the same period the sum of the wards'
    same-period values (those that have one), and a ratio the summed numerator over the summed
    denominator — never an average of the wards' percentages."""
    summed = sum_snapshots([snapshot(*row) for row in rows])
    assert summed[FLOW]["value"] == sum(r[0] for r in rows)
    previous = [r[1] for r in rows if r[1] is not None]
    assert summed[FLOW]["previous"] == (sum(previous) if previous else None)
    if previous:
        assert summed[FLOW]["change"] == sum(r[0] for r in rows) - sum(previous)
    assert summed[STOCK]["value"] == sum(r[2] for r in rows)
    households, signed = sum(r[2] for r in rows), sum(r[4] for r in rows)
    assert summed[RATIO]["numerator"] == signed
    assert summed[RATIO]["denominator"] == households
    assert summed[RATIO]["value"] == percent(signed, households)
    households_prev = [r[3] for r in rows if r[3] is not None]
    signed_prev = [r[5] for r in rows if r[5] is not None]
    expected_prev = (
        percent(sum(signed_prev), sum(households_prev)) if households_prev and signed_prev else None
    )
    assert summed[RATIO]["previous"] == expected_prev
    assert all(item["wards"] == len(rows) for item in summed.values())


def test_a_ratio_is_not_the_average_of_the_wards_percentages():
    # 1 of 1 household (100 %) and 1 of 99 (1 %): 2 of 100 is 2 %, not 50.5 %
    summed = sum_snapshots([snapshot(0, 0, 1, 1, 1, 1), snapshot(0, 0, 99, 99, 1, 1)])
    assert summed[RATIO]["value"] == 2.0
    assert summed[RATIO]["previous"] == 2.0


# Reading the accepted reports of a province ------------------------------------------------------


@pytest.fixture
def reviewer_province(province):
    return reviewer(province=province, username="reviewer_province")


@pytest.fixture
def reviewer_other(ward_c):
    return reviewer(province=ward_c.province, username="reviewer_other")


@pytest.fixture
def wards_in_states(province, ward_a, ward_b, officer_a, officer_b):
    """Ward A accepted (5 sessions), ward B returned (7), ward D accepted (11), ward E none."""
    ward_d = WardFactory(code="91004", province=province, name="Phường Đông")
    WardFactory(code="91005", province=province, name="Xã Eo")
    make_report(ward_a, AUGUST, "accepted", by=officer_a, snapshot=snapshot(5, 4, 10, 9, 8, 3))
    make_report(ward_b, AUGUST, "returned", by=officer_b, snapshot=snapshot(7, 1, 10, 10, 10, 10))
    make_report(ward_d, AUGUST, "accepted", by=officer_a, snapshot=snapshot(11, None, 30, 20, 3, 2))
    return ward_d


HEADING = {
    "number": "15",
    "symbol": "BC-CAT",
    "place": "Ninh Bình",
    "signer_form": "KT",
    "signer_for_title": "Giám đốc",
    "signer_title": "Phó Giám đốc",
    "signer_name": "Trần Thị Bình",
    "recipients": "Bộ Công an;\nLưu: VT.",
    "assessment": "Phong trào được duy trì.",
    "shortcomings": "Một số phường gửi báo cáo chậm.",
    "directions": "Đôn đốc các phường.",
    "proposals": "Không.",
}


def test_the_figures_sum_the_accepted_reports_only(reviewer_province, wards_in_states):
    report = consolidated_report_create(
        actor=reviewer_province, data={"scope": "province:91", "period": AUGUST, **HEADING}
    )
    report = consolidated_report_issue(actor=reviewer_province, instance=report, expected_version=1)
    figures = report.figures
    assert figures["metrics"][FLOW]["value"] == 16  # 5 + 11, not B's returned 7
    assert figures["metrics"][FLOW]["previous"] == 4  # D had no same-period value
    assert figures["metrics"][RATIO]["value"] == 27.5  # (8 + 3) / (10 + 30)
    assert figures["metrics"][RATIO]["previous"] == 17.2  # (3 + 2) / (9 + 20)
    assert [w["code"] for w in figures["wards"]["accepted"]] == ["91001", "91004"]
    missing = {w["code"]: w["state"] for w in figures["wards"]["missing"]}
    assert missing == {"91002": "returned", "91005": "not_started"}
    assert figures["wards"]["expected"] == 4
    assert report.state == "issued" and report.issued_by == reviewer_province
    assert report.signature_lines == ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"]
    assert report.number_symbol == "15/BC-CAT"


def test_issuing_freezes_the_figures(reviewer_province, wards_in_states, ward_b, officer_b):
    report = consolidated_report_create(
        actor=reviewer_province, data={"scope": "province:91", "period": AUGUST, **HEADING}
    )
    report = consolidated_report_issue(actor=reviewer_province, instance=report)
    ward_b.period_reports.all().delete()
    make_report(
        ward_b, "month:2025-08", "accepted", by=officer_b, snapshot=snapshot(100, 0, 1, 1, 1, 1)
    )
    report.refresh_from_db()
    assert report.figures["metrics"][FLOW]["value"] == 16
    with pytest.raises(ValidationError):
        consolidated_report_update(
            actor=reviewer_province, instance=report, data={"proposals": "x"}
        )


def test_issuing_names_the_missing_fields(reviewer_province, wards_in_states):
    report = consolidated_report_create(
        actor=reviewer_province,
        data={
            "scope": "province:91",
            "period": AUGUST,
            "signer_form": "TL",
            "signer_for_title": "Giám đốc",
        },
    )
    report.signer_for_title = ""
    with pytest.raises(ValidationError) as caught:
        consolidated_report_issue(actor=reviewer_province, instance=report)
    assert set(caught.value.message_dict) == {"number", "symbol", "signer_title", "signer_name"}
    report.refresh_from_db()
    assert report.state == "draft" and report.figures is None


def test_kt_without_the_head_s_title_is_refused(reviewer_province, ward_a):
    with pytest.raises(ValidationError) as caught:
        consolidated_report_create(
            actor=reviewer_province,
            data={"scope": "province:91", "period": AUGUST, "signer_form": "KT"},
        )
    assert "signer_for_title" in caught.value.message_dict


def test_a_stale_version_is_refused(reviewer_province, ward_a):
    report = consolidated_report_create(
        actor=reviewer_province, data={"scope": "province:91", "period": AUGUST}
    )
    consolidated_report_update(
        actor=reviewer_province, instance=report, data={"number": "1"}, expected_version=1
    )
    with pytest.raises(StaleVersion):
        consolidated_report_update(
            actor=reviewer_province, instance=report, data={"number": "2"}, expected_version=1
        )


def test_one_report_per_province_and_period(reviewer_province, ward_a):
    consolidated_report_create(
        actor=reviewer_province, data={"scope": "province:91", "period": AUGUST}
    )
    with pytest.raises(ValidationError):
        consolidated_report_create(
            actor=reviewer_province, data={"scope": "province:91", "period": AUGUST}
        )


def test_control_characters_and_bad_fields_are_refused(reviewer_province, ward_a):
    for data in (
        {"assessment": "a\x00b"},
        {"state": "issued"},
        {"figures": {}},
        {"assessment": "x" * 20_001},
    ):
        with pytest.raises(ValidationError):
            consolidated_report_create(
                actor=reviewer_province, data={"scope": "province:91", "period": AUGUST, **data}
            )
    assert not ConsolidatedReport.objects.exists()


@pytest.mark.parametrize(
    ("persona", "scope", "error"),
    [
        ("reviewer_province", "province:91", None),
        ("admin_user", "province:92", None),
        ("reviewer_other", "province:91", Http404),
        ("reviewer_province", "province:92", Http404),
        ("reviewer_province", "cluster:{cluster}", Http404),  # ward C is in province 92
        ("viewer_province", "province:91", PermissionDenied),
        ("officer_a", "province:91", PermissionDenied),
        ("clerk_a", "province:91", PermissionDenied),
        ("reviewer_province", "ward:91001", ValidationError),
        ("reviewer_province", "all", None),  # a reviewer's whole scope: the province
    ],
)
def test_who_may_consolidate_what(request, cluster_a, ward_b, persona, scope, error):
    user = request.getfixturevalue(persona)
    data = {"scope": scope.format(cluster=cluster_a.pk), "period": AUGUST}
    if error is None:
        assert consolidated_report_create(actor=user, data=data).state == "draft"
    else:
        with pytest.raises(error):
            consolidated_report_create(actor=user, data=data)


# The API and the portal -------------------------------------------------------------------------


def test_the_api_creates_edits_and_issues(client, reviewer_province, wards_in_states):
    client.force_login(reviewer_province)
    created = client.post(
        API, {"scope": "province:91", "period": AUGUST}, content_type="application/json"
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["figures"]["metrics"][FLOW]["value"] == 16
    url = f"{API}{body['id']}/"
    assert (
        client.patch(
            url, HEADING, content_type="application/json", headers={"if-match": '"0-0"'}
        ).status_code
        == 412
    )
    changed = client.patch(
        url, HEADING, content_type="application/json", headers={"if-match": created["ETag"]}
    )
    assert changed.status_code == 200, changed.json()
    issued = client.post(url + "issue/", headers={"if-match": changed["ETag"]})
    assert issued.status_code == 200, issued.json()
    assert issued.json()["state"] == "issued"
    issued_etag = {"if-match": issued["ETag"]}
    assert (
        client.patch(
            url, {"number": "9"}, content_type="application/json", headers=issued_etag
        ).status_code
        == 400
    )
    assert client.delete(url, headers=issued_etag).status_code == 400


@pytest.mark.parametrize(
    ("persona", "read", "write"),
    [
        ("reviewer_province", 200, 201),
        ("viewer_province", 200, 403),
        ("officer_a", 403, 403),
        ("reviewer_other", 404, 404),
    ],
)
def test_the_api_s_roles_and_scopes(
    client, request, reviewer_province, ward_a, persona, read, write
):
    report = consolidated_report_create(
        actor=reviewer_province, data={"scope": "province:91", "period": AUGUST}
    )
    client.force_login(request.getfixturevalue(persona))
    assert client.get(f"{API}{report.pk}/").status_code == read
    data = {"scope": "province:91", "period": "month:2025-07"}
    assert client.post(API, data, content_type="application/json").status_code == write


def test_the_list_s_queries_do_not_grow(
    client, reviewer_province, ward_a, django_assert_max_num_queries
):
    for month in range(1, 9):
        consolidated_report_create(
            actor=reviewer_province,
            data={"scope": "province:91", "period": f"month:2025-{month:02d}"},
        )
    client.force_login(reviewer_province)
    client.get(API)
    with django_assert_max_num_queries(6):
        response = client.get(API)
    assert response.json()["count"] == 8


def test_the_portal_creates_edits_and_issues(client, reviewer_province, wards_in_states):
    client.force_login(reviewer_province)
    response = client.post("/reporting/consolidated/", {"scope": "province:91", "period": AUGUST})
    assert response.status_code == 302
    url = response["Location"]
    page = client.get(url).content.decode()
    assert "Phường Bình Minh" in page  # ward B is missing (returned)
    assert 'data-metric="outreach_sessions"' in page
    saved = client.post(url, {**HEADING, "issued_on": "", "version": "1", "action": "save"})
    assert saved.status_code == 302
    stale = client.post(url, {**HEADING, "issued_on": "", "version": "1", "action": "save"})
    assert stale.status_code == 400
    issued = client.post(url, {"version": "2", "action": "issue"})
    assert issued.status_code == 302
    page = client.get(url).content.decode()
    assert "Một số phường gửi báo cáo chậm." in page
    assert "KT. GIÁM ĐỐC" in page


def test_a_ward_s_staff_and_viewers_cannot_write_in_the_portal(
    client, officer_a, viewer_province, ward_a
):
    client.force_login(officer_a)
    assert client.get("/reporting/consolidated/").status_code == 403
    client.force_login(viewer_province)
    assert client.get("/reporting/consolidated/").status_code == 200
    assert (
        client.post(
            "/reporting/consolidated/", {"scope": "province:91", "period": AUGUST}
        ).status_code
        == 403
    )


def test_a_draft_s_figures_cost_a_fixed_number_of_queries(
    client, reviewer_province, ward_a, officer_a
):
    report = consolidated_report_create(
        actor=reviewer_province, data={"scope": "province:91", "period": AUGUST}
    )

    def cost():
        client.force_login(reviewer_province)
        client.get(f"{API}{report.pk}/")
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"{API}{report.pk}/").status_code == 200
        return len(queries)

    few = cost()
    for index in range(15):
        ward = WardFactory(code=f"917{index:02d}", province=ward_a.province)
        make_report(
            ward, AUGUST, "accepted", by=officer_a, snapshot=snapshot(index, 1, 10, 10, 5, 5)
        )
    assert cost() == few


@pytest.mark.parametrize("seed", [3, 11, 42])
def test_random_wards_in_random_states_sum_the_accepted_only(seed, ward_a, officer_a):
    """Random snapshots in random states: the consolidated figures are the sums over exactly
    the accepted ones, and every other ward is listed missing with its state."""
    import random

    from reporting.completeness import completeness_scope, report_period
    from reporting.consolidation import consolidated_figures

    rng = random.Random(seed)
    accepted, missing = [], {}
    for index in range(rng.randint(3, 15)):
        ward = WardFactory(code=f"918{index:02d}", province=ward_a.province)
        state = rng.choice(["not_started", "draft", "submitted", "returned", "accepted"])
        row = tuple(rng.randint(0, 500) for _ in range(6))
        if state != "not_started":
            make_report(ward, AUGUST, state, by=officer_a, snapshot=snapshot(*row))
        if state == "accepted":
            accepted.append(row)
        else:
            missing[ward.code] = state
    missing[ward_a.code] = "not_started"
    admin = reviewer(province=ward_a.province, username="reviewer_random")
    figures = consolidated_figures(
        scope=completeness_scope(user=admin, spec="province:91"), period=report_period(AUGUST)
    )
    assert {w["code"]: w["state"] for w in figures["wards"]["missing"]} == missing
    assert len(figures["wards"]["accepted"]) == len(accepted)
    if accepted:
        assert figures["metrics"][FLOW]["value"] == sum(r[0] for r in accepted)
        assert figures["metrics"][FLOW]["previous"] == sum(r[1] for r in accepted)
        signed, households = sum(r[4] for r in accepted), sum(r[2] for r in accepted)
        assert figures["metrics"][RATIO]["value"] == percent(signed, households)
    else:
        assert figures["metrics"] == {}


# Its documents ---------------------------------------------------------------------------------

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PROPOSALS = "Đề nghị Bộ Công an bổ sung kinh phí cho các phường."


def _documents(client, user, report):
    """The .docx and PDF of ``report`` downloaded as ``user``, read back as text."""
    client.force_login(user)
    word = client.get(f"/reporting/consolidated/{report.pk}/document.docx")
    assert word.status_code == 200 and word["Content-Type"] == DOCX_TYPE
    assert word["Content-Language"] == "vi"
    pdf = client.get(f"/reporting/consolidated/{report.pk}/document.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    document = docx.Document(io.BytesIO(word.content))
    _reader, pages = pdf_text(pdf.content)
    return document, word_text(document), " ".join(" ".join(pages).split())


def _accept_ward_b(ward_b, officer_b):
    ward_b.period_reports.all().delete()
    make_report(ward_b, AUGUST, "accepted", by=officer_b, snapshot=snapshot(7, 1, 10, 10, 10, 10))


def test_an_issued_report_s_documents_print_its_frozen_figures(
    client, reviewer_province, viewer_province, wards_in_states, ward_b, officer_b
):
    report = consolidated_report_create(
        actor=reviewer_province,
        data={"scope": "province:91", "period": AUGUST, **HEADING, "proposals": PROPOSALS},
    )
    report = consolidated_report_issue(actor=reviewer_province, instance=report)
    _accept_ward_b(ward_b, officer_b)  # after the issue: the documents do not change
    document, text, pdf = _documents(client, viewer_province, report)
    for expected in (
        "TỈNH THỬ NGHIỆM",
        "BAN CHỈ ĐẠO 138",
        "Số: 15/BC-CAT",
        "BÁO CÁO",
        "Số phường, xã có báo cáo được chấp nhận: 2/4.",
        "Phường, xã chưa có báo cáo được chấp nhận: Phường Bình Minh, Xã Eo.",
        "Một số phường gửi báo cáo chậm.",  # III
        "Đôn đốc các phường.",  # IV
        PROPOSALS,  # V
        "KT. GIÁM ĐỐC",
        "Trần Thị Bình",
    ):
        assert expected in text, expected
        assert expected in pdf, expected
    assert "DỰ THẢO" not in text and "DỰ THẢO" not in pdf
    headings = [line for line in text.splitlines() if line.startswith(("III.", "IV.", "V."))]
    assert len(headings) == 3
    lang = document.styles.element.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}lang")
    assert lang.get(qn("w:val")) == "vi-VN"
    assert document.core_properties.language == "vi-VN"
    assert document.core_properties.created.date() == report.issued_on


def test_a_draft_s_documents_are_marked_and_sum_today_s_accepted_reports(
    client, reviewer_province, wards_in_states, ward_b, officer_b
):
    report = consolidated_report_create(
        actor=reviewer_province, data={"scope": "province:91", "period": AUGUST, **HEADING}
    )
    _document, text, pdf = _documents(client, reviewer_province, report)
    assert "DỰ THẢO" in text and "DỰ THẢO" in pdf
    assert "được chấp nhận: 2/4." in text and "Phường Bình Minh, Xã Eo." in pdf
    _accept_ward_b(ward_b, officer_b)
    _document, text, pdf = _documents(client, reviewer_province, report)
    assert "được chấp nhận: 3/4." in text and "được chấp nhận: 3/4." in pdf
    assert "chấp nhận: Xã Eo." in text and "Phường Bình Minh" not in pdf


def test_the_page_links_its_documents(client, reviewer_province, ward_a):
    report = consolidated_report_create(
        actor=reviewer_province, data={"scope": "province:91", "period": AUGUST}
    )
    client.force_login(reviewer_province)
    page = client.get(f"/reporting/consolidated/{report.pk}/").content.decode()
    for fmt in ("docx", "pdf"):
        assert f'href="/reporting/consolidated/{report.pk}/document.{fmt}"' in page


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("admin_user", 200),
        ("viewer_province", 200),
        ("reviewer_other", 404),  # another province
        ("viewer_city", 404),  # a cluster that holds ward A but not the whole province
        ("officer_a", 403),  # a ward's own staff read their ward's report, not the province's
        ("clerk_a", 403),
    ],
)
def test_the_documents_follow_the_page_s_scope(
    client, request, reviewer_province, ward_a, ward_b, persona, status
):
    report = consolidated_report_create(
        actor=reviewer_province, data={"scope": "province:91", "period": AUGUST}
    )
    client.force_login(request.getfixturevalue(persona))
    assert client.get(f"/reporting/consolidated/{report.pk}/").status_code == status
    for fmt in ("docx", "pdf"):
        response = client.get(f"/reporting/consolidated/{report.pk}/document.{fmt}")
        assert response.status_code == status, (persona, fmt)


def test_a_document_of_no_known_format_is_not_found(client, reviewer_province, ward_a):
    report = consolidated_report_create(
        actor=reviewer_province, data={"scope": "province:91", "period": AUGUST}
    )
    client.force_login(reviewer_province)
    assert client.get(f"/reporting/consolidated/{report.pk}/document.odt").status_code == 404
    client.logout()
    response = client.get(f"/reporting/consolidated/{report.pk}/document.docx")
    assert response.status_code == 302 and "/login/" in response["Location"]

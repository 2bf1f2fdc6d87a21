"""The report's page in the portal: one page per ward and period, buttons by role (issue 13)."""

import re

import pytest

from reporting import services as s
from reporting.models import ManualIndicatorValue, PeriodReport
from tests.reporting.conftest import COMPLETE, PERIOD

State = PeriodReport.State


def page(client, user, report):
    client.force_login(user)
    return client.get(f"/ward-reports/{report.pk}/")


def test_a_clerk_starts_a_draft_from_the_list(client, clerk_a, ward_a):
    client.force_login(clerk_a)
    listing = client.get("/ward-reports/")
    assert listing.status_code == 200
    assert (
        "Bắt đầu báo cáo" in listing.content.decode()
        or "Start a report" in listing.content.decode()
    )
    response = client.post(
        "/ward-reports/", {"ward": ward_a.pk, "kind": "month", "year": "2025", "number": "8"}
    )
    report = PeriodReport.objects.get(ward=ward_a, period=PERIOD)
    assert response.status_code == 302 and response.url == f"/ward-reports/{report.pk}/"
    # Asking again opens the same report: one per ward and period.
    again = client.post(
        "/ward-reports/", {"ward": ward_a.pk, "kind": "month", "year": "2025", "number": "8"}
    )
    assert again.url == response.url
    assert PeriodReport.objects.count() == 1


def test_a_clerk_saves_the_draft_and_the_manual_indicators_in_one_form(client, clerk_a, draft):
    text = page(client, clerk_a, draft).content.decode()
    assert 'name="manual-patrols"' in text and 'name="proposals"' in text
    assert 'value="submit"' not in text  # only ward police submit
    data = {
        "action": "save",
        "version": draft.version,
        **{k: v for k, v in COMPLETE.items()},
        "signer_form": "",
        "proposals": "Đề nghị Công an tỉnh hỗ trợ 2 camera.",
        "manual-patrols": "14",
        "manual-leaflets": "",
    }
    response = client.post(f"/ward-reports/{draft.pk}/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    draft.refresh_from_db()
    assert draft.proposals == "Đề nghị Công an tỉnh hỗ trợ 2 camera."
    assert ManualIndicatorValue.objects.get(ward=draft.ward, indicator_code="patrols").value == 14


def test_a_bad_manual_value_saves_nothing(client, clerk_a, draft):
    client.force_login(clerk_a)
    data = {"action": "save", "version": draft.version, **COMPLETE, "signer_form": "",
            "proposals": "Mới", "manual-patrols": "-3"}  # fmt: skip
    response = client.post(f"/ward-reports/{draft.pk}/", data)
    assert response.status_code == 400
    assert 'aria-invalid="true"' in response.content.decode()
    draft.refresh_from_db()
    assert draft.proposals == "" and not ManualIndicatorValue.objects.exists()


def test_a_stale_draft_form_is_refused_with_a_message(client, clerk_a, officer_a, draft):
    s.period_report_update(actor=officer_a, instance=draft, data={"assessment": "Bản mới"})
    client.force_login(clerk_a)
    data = {"action": "save", "version": 1, **COMPLETE, "signer_form": "", "assessment": "Cũ"}
    response = client.post(f"/ward-reports/{draft.pk}/", data)
    assert response.status_code == 400
    assert "thay đổi" in response.content.decode()
    draft.refresh_from_db()
    assert draft.assessment == "Bản mới"


def test_the_chain_through_the_pages(client, officer_a, reviewer, draft):
    assert 'value="submit"' in page(client, officer_a, draft).content.decode()
    response = client.post(f"/ward-reports/{draft.pk}/", {"action": "submit", "version": 1})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.state == State.SUBMITTED

    text = page(client, reviewer, draft).content.decode()
    assert 'value="accept"' in text and 'value="return"' in text
    assert 'name="proposals"' not in text  # a reviewer edits nothing
    empty = client.post(
        f"/ward-reports/{draft.pk}/",
        {"action": "return", "version": draft.version, "comment": " "},
    )
    assert empty.status_code == 400
    response = client.post(
        f"/ward-reports/{draft.pk}/",
        {"action": "return", "version": draft.version, "comment": "Bổ sung số liệu tuần tra."},
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.state == State.RETURNED
    text = page(client, officer_a, draft).content.decode()
    assert "Bổ sung số liệu tuần tra." in text and 'value="submit"' in text


def test_accepting_a_report_just_returned_shows_what_happened(
    client, officer_a, reviewer, admin_user, draft
):
    report = s.period_report_submit(actor=officer_a, instance=draft)
    seen = report.version
    s.period_report_return(actor=admin_user, instance=report, comment="Thiếu chữ ký.")
    client.force_login(reviewer)
    response = client.post(f"/ward-reports/{report.pk}/", {"action": "accept", "version": seen})
    assert response.status_code == 400
    assert "thay đổi" in response.content.decode()
    report.refresh_from_db()
    assert report.state == State.RETURNED


@pytest.mark.parametrize("persona", ["officer_b", "reviewer_elsewhere"])
def test_another_scope_gets_not_found(client, request, draft, persona):
    response = page(client, request.getfixturevalue(persona), draft)
    assert response.status_code == 404


def test_a_viewer_reads_the_state_and_acts_on_nothing(client, viewer_province, officer_a, draft):
    s.period_report_submit(actor=officer_a, instance=draft)
    text = page(client, viewer_province, draft).content.decode()
    assert 'data-state="submitted"' in text
    assert not re.search(r'name="action" value="(submit|accept|return|save)"', text)
    response = client.post(f"/ward-reports/{draft.pk}/", {"action": "accept", "version": 2})
    assert response.status_code == 403


def test_the_list_costs_the_same_queries_for_more_reports(
    client, officer_a, reviewer, ward_a, ward_b, django_assert_max_num_queries
):
    from tests.factories import PeriodReportFactory

    client.force_login(reviewer)
    for _ in range(3):
        PeriodReportFactory(ward=ward_a)
    client.get("/ward-reports/")  # warm the session
    with django_assert_max_num_queries(12) as few:
        client.get("/ward-reports/")
    for _ in range(20):
        PeriodReportFactory(ward=ward_b)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get("/ward-reports/")
    assert response.content.decode().count("/ward-reports/") >= 23


def test_the_manual_form_lists_the_indicators_in_report_order(client, clerk_a, draft):
    text = page(client, clerk_a, draft).content.decode()
    positions = [
        text.index(f'name="manual-{code}"')
        for code in ("loudspeaker_broadcasts", "patrols", "trainings", "festival_days")
    ]
    assert positions == sorted(positions)  # outreach, patrols, forces, events, as section II


# The report's documents --------------------------------------------------------------------------


DOCUMENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}


def _document_links(text):
    return re.findall(r'href="(/reporting/reports/\d+/document\.(docx|pdf))"', text)


@pytest.mark.parametrize(
    "persona", ["officer_a", "clerk_a", "viewer_city", "viewer_province", "reviewer", "admin_user"]
)
def test_every_reader_in_scope_downloads_the_report_from_its_page(
    client, request, draft, officer_a, persona
):
    report = s.period_report_submit(actor=officer_a, instance=draft)
    user = request.getfixturevalue(persona)
    response = page(client, user, report)
    assert response.status_code == 200
    links = _document_links(response.content.decode())
    assert [fmt for _href, fmt in links] == ["docx", "pdf"]
    for href, fmt in links:
        assert href == f"/reporting/reports/{report.pk}/document.{fmt}"
        download = client.get(href)
        assert download.status_code == 200
        assert download["Content-Type"].startswith(DOCUMENT_TYPES[fmt])
        assert len(download.content) > 1000


@pytest.mark.parametrize("persona", ["officer_b", "reviewer_elsewhere"])
def test_a_reader_out_of_scope_gets_neither_the_page_nor_its_documents(
    client, request, draft, officer_a, persona
):
    report = s.period_report_submit(actor=officer_a, instance=draft)
    user = request.getfixturevalue(persona)
    assert page(client, user, report).status_code == 404
    for fmt in DOCUMENT_TYPES:
        response = client.get(f"/reporting/reports/{report.pk}/document.{fmt}")
        assert response.status_code == 404


def test_a_drafts_links_say_it_is_marked_draft(client, clerk_a, draft):
    text = page(client, clerk_a, draft).content.decode()
    assert len(_document_links(text)) == 2
    assert "ghi “DỰ THẢO”" in text

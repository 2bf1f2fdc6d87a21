"""Notifications: who is told what, each once, in the portal and by e-mail."""

import datetime as dt
import io

import docx
import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from notifications.models import Notification
from reporting.consolidation import (
    consolidated_report_create,
    consolidated_report_issue,
    consolidated_report_update,
    sum_snapshots,
)
from reporting.models import PeriodReport, PeriodReportTransition
from reporting.notifications import (
    notify_transition,
    send_reminders,
    send_summaries,
)
from reporting.services import (
    period_report_accept,
    period_report_reopen,
    period_report_return,
    period_report_submit,
)
from tests.factories import UserFactory
from tests.reporting.documents_data import DUE, PERIOD, snapshot, submitted_report
from wardsecurity.celery import app
from wardsecurity.models import User


@pytest.fixture
def reviewer(province):
    return UserFactory(
        username="reviewer_notes",
        email="reviewer@example.org",
        role=User.Role.PROVINCE_REVIEWER,
        scope_kind=User.ScopeKind.PROVINCE,
        scope_ward=None,
        scope_province=province,
    )


@pytest.fixture
def ward_people(officer_a, clerk_a):
    for user in (officer_a, clerk_a):
        user.email = f"{user.username}@example.org"
        user.save(update_fields=["email"])
    return officer_a, clerk_a


def transition(report, action, actor, comment=""):
    return PeriodReportTransition.objects.create(
        report=report,
        action=action,
        from_state=PeriodReport.State.SUBMITTED,
        to_state=PeriodReport.State.RETURNED
        if action == PeriodReportTransition.Action.RETURN
        else PeriodReport.State.ACCEPTED,
        actor=actor,
        at=timezone.now(),
        comment=comment,
        report_version=report.version,
    )


def test_a_return_tells_the_wards_people_with_the_comment_once(
    ward_a, ward_people, officer_b, reviewer, django_capture_on_commit_callbacks
):
    report = submitted_report(ward_a, ward_people[0])
    step = transition(
        report, PeriodReportTransition.Action.RETURN, reviewer, "Thiếu số liệu tuần tra."
    )
    with django_capture_on_commit_callbacks(execute=True):
        sent = notify_transition(report, step)
    assert {note.user for note in sent} == set(ward_people)  # not officer_b, not the reviewer
    note = sent[0]
    assert note.kind == Notification.Kind.RETURNED
    assert "bị trả lại" in note.title and "Phường An Bình" in note.title
    assert "Thiếu số liệu tuần tra." in note.body
    assert sorted(message.to[0] for message in mail.outbox) == [
        "clerk_a@example.org",
        "officer_a@example.org",
    ]
    assert "Thiếu số liệu tuần tra." in mail.outbox[0].body
    # the same transition again (a retried service, a second call): nothing more
    with django_capture_on_commit_callbacks(execute=True):
        assert notify_transition(report, step) == []
    assert len(mail.outbox) == 2
    assert Notification.objects.count() == 2


def test_an_accept_tells_the_ward_and_a_submit_tells_no_one(
    ward_a, ward_people, reviewer, django_capture_on_commit_callbacks
):
    report = submitted_report(ward_a, ward_people[0], state=PeriodReport.State.ACCEPTED)
    with django_capture_on_commit_callbacks(execute=True):
        sent = notify_transition(
            report, transition(report, PeriodReportTransition.Action.ACCEPT, reviewer)
        )
    assert [note.kind for note in sent] == [Notification.Kind.ACCEPTED] * 2
    assert "đã được chấp nhận" in mail.outbox[0].subject
    submit = PeriodReportTransition.objects.create(
        report=report,
        action=PeriodReportTransition.Action.SUBMIT,
        from_state=PeriodReport.State.DRAFT,
        to_state=PeriodReport.State.SUBMITTED,
        actor=ward_people[0],
        at=timezone.now(),
        report_version=report.version,
    )
    assert notify_transition(report, submit) == []


def test_a_rolled_back_transition_mails_no_one(
    ward_a, ward_people, reviewer, django_capture_on_commit_callbacks
):
    report = submitted_report(ward_a, ward_people[0])
    step = transition(report, PeriodReportTransition.Action.RETURN, reviewer, "Sai số.")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notify_transition(report, step)
    assert len(callbacks) == 2 and mail.outbox == []  # the e-mails wait for the commit


def test_the_services_notify_a_return_and_an_accept_once(
    draft, ward_people, officer_b, reviewer, django_capture_on_commit_callbacks
):
    """The chain's own return and accept tell the ward, each once, and mail after the commit."""
    officer, clerk = ward_people
    Returned, Accepted = Notification.Kind.RETURNED, Notification.Kind.ACCEPTED
    report = period_report_submit(actor=officer, instance=draft)
    assert not Notification.objects.exists()  # a submission tells no one
    with django_capture_on_commit_callbacks(execute=True):
        report = period_report_return(
            actor=reviewer, instance=report, comment="Bổ sung số liệu tuần tra."
        )
    (note,) = Notification.objects.filter(user=officer)
    assert note.kind == Returned and "Bổ sung số liệu tuần tra." in note.body
    # the link opens the report's page (its state, the comment, its documents)
    assert note.link == f"/ward-reports/{report.pk}/"
    assert Notification.objects.filter(user=clerk, kind=Returned).count() == 1
    assert not Notification.objects.filter(user__in=[officer_b, reviewer]).exists()
    assert sorted(message.to[0] for message in mail.outbox) == [
        "clerk_a@example.org",
        "officer_a@example.org",
    ]
    # the same return again is refused by the state, and notifies no one again
    with pytest.raises(ValidationError), django_capture_on_commit_callbacks(execute=True):
        period_report_return(actor=reviewer, instance=report, comment="Lần nữa.")
    step = report.transitions.get(action=PeriodReportTransition.Action.RETURN)
    assert notify_transition(report, step) == []
    report = period_report_submit(actor=officer, instance=report)
    with django_capture_on_commit_callbacks(execute=True):
        report = period_report_accept(actor=reviewer, instance=report)
    assert Notification.objects.filter(user=officer, kind=Accepted).count() == 1
    with pytest.raises(ValidationError):
        period_report_accept(actor=reviewer, instance=report)
    assert Notification.objects.filter(user=officer).count() == 2
    assert Notification.objects.count() == 4 and len(mail.outbox) == 4


def test_a_refused_accept_notifies_no_one(draft, ward_people, officer_b):
    """Ward B's officer may not review: the refused accept leaves nothing behind."""
    report = period_report_submit(actor=ward_people[0], instance=draft)
    with pytest.raises(PermissionDenied):
        period_report_accept(actor=officer_b, instance=report)
    assert not Notification.objects.exists()


def test_reminders_due_in_3_days_then_overdue_each_once(
    ward_a, ward_b, ward_people, officer_b, django_capture_on_commit_callbacks
):
    submitted_report(ward_b, officer_b)  # ward B has sent its report: nothing for it
    before = DUE - dt.timedelta(days=3)
    with django_capture_on_commit_callbacks(execute=True):
        assert send_reminders(before) == 2  # ward A's officer and clerk
    notes = Notification.objects.filter(kind=Notification.Kind.DUE_SOON)
    assert {note.user for note in notes} == set(ward_people)
    assert "17/08/2025" in notes[0].title
    assert send_reminders(before) == 0  # a rerun sends nothing
    assert send_reminders(before + dt.timedelta(days=1)) == 0  # nor does the next day
    assert len(mail.outbox) == 2
    after = DUE + dt.timedelta(days=1)
    assert send_reminders(after) == 2
    assert Notification.objects.filter(kind=Notification.Kind.OVERDUE).count() == 2
    assert send_reminders(after) == 0
    assert not Notification.objects.filter(user=officer_b).exists()


def test_the_due_date_summary_goes_to_each_reviewer_once_with_the_consolidated_docx(
    ward_a, ward_b, officer_a, officer_b, reviewer, django_capture_on_commit_callbacks
):
    submitted_report(ward_a, officer_a, state=PeriodReport.State.ACCEPTED, incidents=(5, 18))
    assert send_summaries(DUE - dt.timedelta(days=1)) == 0  # not due yet
    with django_capture_on_commit_callbacks(execute=True):
        assert send_summaries(DUE) == 1
    note = Notification.objects.get(user=reviewer)
    assert note.kind == Notification.Kind.PERIOD_SUMMARY
    assert "- đã chấp nhận: 1" in note.body and "- chưa lập báo cáo: 1" in note.body
    assert "Gửi đúng hạn: 1/2." in note.body
    assert "Phường Bình Minh" in note.body  # ward B is missing
    (message,) = mail.outbox
    assert message.to == ["reviewer@example.org"]
    ((filename, content, content_type),) = message.attachments
    assert filename == "bao-cao-tong-hop-province-91-month-2025-08.docx"
    assert content_type.startswith("application/vnd.openxmlformats")
    document = docx.Document(io.BytesIO(content))
    text = "\n".join(paragraph.text for paragraph in document.paragraphs)
    assert "Số vụ việc xảy ra: 5 vụ, giảm 13 vụ (72,2%) so với cùng kỳ." in text
    assert "Phường Bình Minh" in text
    assert "DỰ THẢO" in text  # no number, signer or narrative yet: not an issued report
    # the task runs again (a retry, a second beat): nothing is sent twice
    assert send_summaries(DUE) == 0
    assert send_summaries(DUE + dt.timedelta(days=1)) == 0
    assert len(mail.outbox) == 1


def test_summed_snapshots_add_every_ward_and_recompare(ward_a, ward_b):
    """The summary's figures are summed by the consolidated report's one rule."""
    total = sum_snapshots(
        [snapshot(ward_a, incidents=(5, 18)), snapshot(ward_b, incidents=(7, 2), patrols=(1, 0))]
    )
    incidents = total["incidents"]
    assert (incidents["value"], incidents["previous"], incidents["change"]) == (12, 20, -8)
    assert incidents["change_pct"] == -40.0
    assert total["manual.patrols"]["value"] == 5
    coverage = total["commitment_coverage_pct"]  # parts summed, then the rate
    assert (coverage["numerator"], coverage["denominator"], coverage["value"]) == (6, 8, 75.0)
    sessions = total["outreach_sessions"]
    assert sessions["value"] == 6 and sessions["no_previous"] == "no_data"


def test_the_daily_tasks_are_scheduled():
    tasks = {entry["task"] for entry in app.conf.beat_schedule.values()}
    assert {"reporting.send_reminders", "reporting.send_summaries"} <= tasks
    import reporting.tasks  # noqa: F401  (what the worker's autodiscovery imports)

    assert {"reporting.send_reminders", "reporting.send_summaries"} <= set(app.tasks)


# The portal page -------------------------------------------------------------------------------


def notify(user, n, **extra):
    return Notification.objects.create(
        user=user, kind=Notification.Kind.ACCEPTED, key=f"test:{n}", title=f"Tin số {n}", **extra
    )


def test_the_page_lists_only_my_notifications_with_the_unread_count(
    client, officer_a, officer_b, django_assert_max_num_queries
):
    for n in range(30):
        notify(officer_a, n, read_at=timezone.now() if n % 2 else None)
    notify(officer_b, 99)
    client.force_login(officer_a)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("notifications:list"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Tin số 0" in page and "Tin số 29" in page and "Tin số 99" not in page
    assert "15 thông báo chưa đọc." in page
    with django_assert_max_num_queries(4):
        badge = client.get(reverse("notifications:badge")).content.decode()
    assert ">15</span>" in badge


def test_marking_read_touches_only_my_own(client, officer_a, officer_b):
    mine, theirs = notify(officer_a, 1), notify(officer_b, 2)
    client.force_login(officer_a)
    response = client.post(reverse("notifications:read", kwargs={"pk": theirs.pk}))
    assert response.status_code == 302
    theirs.refresh_from_db()
    assert theirs.read_at is None
    client.post(reverse("notifications:read", kwargs={"pk": mine.pk}))
    mine.refresh_from_db()
    assert mine.read_at is not None
    notify(officer_a, 3)
    client.post(reverse("notifications:read_all"))
    assert not Notification.objects.filter(user=officer_a, read_at__isnull=True).exists()


def test_opening_follows_the_notifications_own_link(client, officer_a):
    note = notify(officer_a, 1, link="/reporting/reports/1/document.docx")
    client.force_login(officer_a)
    response = client.post(reverse("notifications:read", kwargs={"pk": note.pk}), {"open": "1"})
    assert response["Location"] == "/reporting/reports/1/document.docx"


def test_signed_out_the_page_asks_to_sign_in(client):
    response = client.get(reverse("notifications:list"))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_the_header_links_to_the_notifications(client, officer_a):
    client.force_login(officer_a)
    page = client.get(reverse("notifications:list")).content.decode()
    assert f'hx-get="{reverse("notifications:badge")}"' in page


def test_the_summary_is_for_the_period_in_scope_only(ward_c, officer_a, reviewer):
    """A reviewer's scope is their province: ward C (another province) is not counted."""
    submitted_report(ward_c, UserFactory(role=User.Role.WARD_POLICE, scope_ward=ward_c))
    send_summaries(DUE)
    note = Notification.objects.get(user=reviewer)
    assert "Xã Cát Tiên" not in note.body
    assert PERIOD in note.key


def test_a_reopened_report_tells_the_ward_with_the_reason_once(
    draft, ward_people, officer_b, reviewer, django_capture_on_commit_callbacks
):
    """An accepted report that a reviewer reopens is back with the ward: its people are told
    why, once, like a return."""
    officer, clerk = ward_people
    report = period_report_submit(actor=officer, instance=draft)
    report = period_report_accept(actor=reviewer, instance=report)
    before = Notification.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        report = period_report_reopen(
            actor=reviewer, instance=report, reason="Sai số liệu hòa giải, cần sửa."
        )
    notes = Notification.objects.filter(kind=Notification.Kind.RETURNED)
    assert {note.user for note in notes} == {officer, clerk}
    (note,) = notes.filter(user=officer)
    assert "mở lại" in note.title and "Sai số liệu hòa giải, cần sửa." in note.body
    assert note.link == f"/ward-reports/{report.pk}/"
    assert Notification.objects.count() == before + 2
    step = report.transitions.get(action=PeriodReportTransition.Action.REOPEN)
    assert notify_transition(report, step) == []  # the same reopening again: nothing more
    assert not Notification.objects.filter(user__in=[officer_b, reviewer]).exists()


def test_the_summary_attaches_the_reviewers_issued_report_when_there_is_one(
    ward_a, officer_a, reviewer, django_capture_on_commit_callbacks
):
    """Once the reviewer has issued the province's report for the period, the due-date summary
    attaches that signed report, not a draft of today's sums."""
    submitted_report(ward_a, officer_a, state=PeriodReport.State.ACCEPTED, incidents=(5, 18))
    report = consolidated_report_create(
        actor=reviewer, data={"scope": "province:91", "period": PERIOD}
    )
    report = consolidated_report_update(
        actor=reviewer,
        instance=report,
        data={
            "number": "27",
            "symbol": "BC-BCĐ",
            "place": "Tỉnh Thử",
            "signer_title": "TRƯỞNG BAN",
            "signer_name": "Nguyễn Văn Thẩm",
        },
    )
    consolidated_report_issue(actor=reviewer, instance=report)
    with django_capture_on_commit_callbacks(execute=True):
        assert send_summaries(DUE) == 1
    ((_filename, content, _type),) = mail.outbox[0].attachments
    document = docx.Document(io.BytesIO(content))
    text = "\n".join(paragraph.text for paragraph in document.paragraphs)
    cells = "\n".join(c.text for t in document.tables for row in t.rows for c in row.cells)
    assert "DỰ THẢO" not in text
    assert "27/BC-BCĐ" in text + cells and "Nguyễn Văn Thẩm" in text + cells
    assert "Số vụ việc xảy ra: 5 vụ, giảm 13 vụ (72,2%) so với cùng kỳ." in text

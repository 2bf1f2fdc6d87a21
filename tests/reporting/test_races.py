"""Races of the reporting chain, with real concurrent transactions (issue 13): exactly one wins,
the other is told what happened, and a record edit never slips past a frozen snapshot."""

import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections, transaction

from movement.services import outreach_session_update
from reporting import services as s
from reporting.models import PeriodReport, PeriodReportTransition
from tests import factories as f
from tests.reporting.conftest import COMPLETE, IN_PERIOD, PERIOD

pytestmark = pytest.mark.django_db(transaction=True)


def waiting_for_a_lock():
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_locks WHERE NOT granted")
        return cursor.fetchone()[0]


def in_another_connection(work):
    """Run ``work`` in a thread (its own connection); the outcome lands in the returned dict."""
    outcome = {}
    done = threading.Event()

    def run():
        try:
            outcome["result"] = work()
        except Exception as exc:
            outcome["error"] = exc
        finally:
            connections.close_all()
            done.set()

    worker = threading.Thread(target=run)
    worker.start()
    return worker, done, outcome


def wait_until_blocked(done):
    for _attempt in range(200):
        if waiting_for_a_lock():
            return
        time.sleep(0.05)
    pytest.fail("the other transaction never waited")
    assert not done.is_set()


def test_a_record_edit_racing_a_submission_is_in_the_snapshot(officer_a, ward_a):
    report = s.period_report_create(
        actor=officer_a, data={"ward": ward_a.pk, "period": PERIOD, **COMPLETE}
    )
    session = f.OutreachSessionFactory(ward=ward_a, held_on=IN_PERIOD, attendees=80)
    with transaction.atomic():
        # The edit holds the ward's period lock (shared) until it commits ...
        outreach_session_update(actor=officer_a, instance=session, data={"attendees": 95})
        worker, done, outcome = in_another_connection(
            lambda: s.period_report_submit(actor=officer_a, instance=report)
        )
        wait_until_blocked(done)  # ... so the submission waits for it
        assert not done.is_set()
    worker.join(timeout=60)
    assert "error" not in outcome, outcome
    report.refresh_from_db()
    assert report.state == PeriodReport.State.SUBMITTED
    assert report.snapshot["metrics"]["outreach_attendees"]["value"] == 95
    # After the submission the period is closed: the next edit is refused.
    session.refresh_from_db()
    with pytest.raises(ValidationError):
        outreach_session_update(actor=officer_a, instance=session, data={"attendees": 120})


def test_of_two_submissions_at_once_exactly_one_wins(officer_a, admin_user, ward_a):
    report = s.period_report_create(
        actor=officer_a, data={"ward": ward_a.pk, "period": PERIOD, **COMPLETE}
    )
    with transaction.atomic():
        s.period_report_submit(actor=officer_a, instance=report)  # holds the row until commit
        worker, done, outcome = in_another_connection(
            lambda: s.period_report_submit(actor=admin_user, instance=report)
        )
        wait_until_blocked(done)
        assert not done.is_set()
    worker.join(timeout=60)
    error = outcome.get("error")
    assert isinstance(error, ValidationError) and error.code == "state", outcome
    assert PeriodReportTransition.objects.filter(report=report).count() == 1
    report.refresh_from_db()
    assert report.submitted_by == officer_a


def test_accept_racing_a_return_loses_with_a_message(officer_a, admin_user, ward_a, province):
    from tests.factories import UserFactory
    from wardsecurity.models import User

    reviewer = UserFactory(
        role=User.Role.PROVINCE_REVIEWER,
        scope_kind=User.ScopeKind.PROVINCE,
        scope_ward=None,
        scope_province=province,
    )
    report = s.period_report_submit(
        actor=officer_a,
        instance=s.period_report_create(
            actor=officer_a, data={"ward": ward_a.pk, "period": PERIOD, **COMPLETE}
        ),
    )
    with transaction.atomic():
        s.period_report_return(actor=admin_user, instance=report, comment="Thiếu chữ ký.")
        worker, done, outcome = in_another_connection(
            lambda: s.period_report_accept(actor=reviewer, instance=report)
        )
        wait_until_blocked(done)
    worker.join(timeout=60)
    error = outcome.get("error")
    assert isinstance(error, ValidationError) and error.code == "state", outcome
    assert "trả lại" in error.messages[0]
    report.refresh_from_db()
    assert report.state == PeriodReport.State.RETURNED

"""The reporting chain in the demo (issue 13, item 9): a year of the Nam Định cluster's reports.

The territory and the demo are loaded once for this module, inside a transaction rolled back at
its end (as in ``test_demo.py``).
"""

import datetime as dt
import time
from collections import Counter
from io import StringIO
from itertools import pairwise
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models import Count
from django.http import HttpRequest
from django.test import Client
from django.utils import timezone

from demo import loader
from demo import reporting as demo_reporting
from households.models import Ward
from reporting.models import ManualIndicatorValue, PeriodReport, PeriodReportTransition
from tests.factories import ensure_reporting_seeds
from wardsecurity.models import ClosedPeriod, User

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("demo_loaded")]

CLUSTER = ["13669", "13684", "13693", "13699", "13708", "13777", "13972", "13984"]
PASSWORD = "demo12345"
State = PeriodReport.State


@pytest.fixture(scope="module")
def demo_loaded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        ensure_reporting_seeds()  # a transactional test elsewhere may have emptied them
        call_command("load_territory", stdout=StringIO())
        out = StringIO()
        call_command("load_demo", stdout=out)
        connection.check_constraints()
        yield out.getvalue()
        transaction.set_rollback(True)


def cluster_reports():
    return PeriodReport.objects.filter(ward__code__in=CLUSTER)


def test_every_ward_of_the_cluster_reports_on_the_last_12_monthly_periods(db):
    periods = demo_reporting.recent_periods(timezone.localdate())
    assert len(periods) == 12
    reports = cluster_reports()
    assert set(reports.values_list("period", flat=True)) == set(periods)
    # Each ward sent most of them; a few were never sent (the missing ones).
    per_ward = dict(reports.values_list("ward__code").annotate(n=Count("id")))
    assert set(per_ward) == set(CLUSTER)
    assert all(9 <= n <= 12 for n in per_ward.values()), per_ward
    assert sum(per_ward.values()) < 8 * 12
    # Only the cluster: no other ward has a demo report.
    assert not PeriodReport.objects.exclude(ward__code__in=CLUSTER).exists()


def test_the_latest_period_has_ended_and_the_oldest_is_a_year_back(db):
    today = timezone.localdate()
    ends = sorted(cluster_reports().values_list("period_end", flat=True).distinct())
    assert ends[-1] < today
    assert today - dt.timedelta(days=366 + 31) < ends[0] < today - dt.timedelta(days=300)


def test_every_state_appears(db):
    states = Counter(cluster_reports().values_list("state", flat=True))
    assert states[State.ACCEPTED] >= 60, states
    assert states[State.RETURNED] >= 1, states
    assert states[State.DRAFT] >= 2, states
    late = [r for r in cluster_reports() if r.submitted_on_time is False]
    assert len(late) >= 5
    # Missing: a ward with no report for a period the other wards reported on.
    periods = set(cluster_reports().values_list("period", flat=True))
    reported = set(cluster_reports().values_list("ward__code", "period"))
    missing = {(code, p) for code in CLUSTER for p in periods} - reported
    assert len(missing) >= 3


def test_accepted_reports_have_their_snapshot_closed_period_and_history(db):
    accepted = cluster_reports().filter(state=State.ACCEPTED).prefetch_related("closed_periods")
    assert accepted.exists()
    for report in accepted:
        assert report.snapshot["period"]["spec"] == report.period
        assert report.snapshot["ward"]["code"] == report.ward.code
        assert report.snapshot["metrics"]["manual.patrols"]["value"] > 0
        assert report.snapshot_digest
        assert report.reviewed_by.username == "reviewer.ninhbinh"
        assert report.submitted_by.username == demo_reporting.POLICE[report.ward.code].username
        # Its submission closed the period (a returned one's earlier closing is reopened).
        closings = [c for c in report.closed_periods.all() if c.reopened_at is None]
        assert [(c.start, c.end) for c in closings] == [(report.period_start, report.period_end)]
        actions = list(report.transitions.values_list("action", flat=True))
        assert actions[0] == "submit" and actions[-1] == "accept"


def test_the_times_tell_the_story_in_order(db):
    """Every step is dated when it happened: after the period, in order, never after now."""
    now = timezone.now()
    for report in cluster_reports().exclude(state=State.DRAFT):
        transitions = list(report.transitions.all())
        times = [t.at for t in transitions]
        assert times == sorted(times)
        assert timezone.localdate(times[0]) > report.period_end
        assert times[-1] <= now
        assert report.first_submitted_at == times[0]
        last_submission = [t for t in transitions if t.snapshot is not None][-1]
        assert report.snapshot_digest == last_submission.snapshot_digest
        assert dt.datetime.fromisoformat(report.snapshot["taken_at"]) == last_submission.at
        assert report.issued_on == timezone.localdate(last_submission.at)


def test_late_reports_are_judged_late_and_on_time_ones_on_time(db):
    submitted = cluster_reports().exclude(first_submitted_at=None)
    late = [r for r in submitted if not r.submitted_on_time]
    assert late
    for report in late:
        assert timezone.localdate(report.first_submitted_at) > report.due_on
        assert report.due_on == report.period_end + dt.timedelta(days=3)
    assert len(late) < len(submitted) / 4


def test_returned_reports_carry_a_vietnamese_comment_and_their_period_is_open(db):
    returned = cluster_reports().filter(state=State.RETURNED)
    assert returned.exists()
    for report in returned:
        assert report.return_comment in demo_reporting.RETURN_COMMENTS
        assert all(c.reopened_at is not None for c in report.closed_periods.all())
    # Some were corrected: returned, submitted again and accepted.
    corrected = PeriodReportTransition.objects.filter(
        action="resubmit", report__state=State.ACCEPTED
    )
    assert corrected.count() >= 2


def test_reports_have_manual_values_numbers_and_signers(db):
    for report in cluster_reports():
        values = ManualIndicatorValue.objects.filter(ward=report.ward, period=report.period)
        entered = dict(values.values_list("indicator_code", "value"))
        # What the ward did every month; the rest only when it happened.
        assert {"patrols", "patrol_participants", "loudspeaker_broadcasts"} <= set(entered)
        assert all(value > 0 for value in entered.values())
        assert entered["patrol_participants"] >= 4 * entered["patrols"]
        assert report.signer_name and report.signer_title and report.number
        assert report.assessment  # drafted from the figures
    # Document numbers rise within a year, ward by ward.
    for code in CLUSTER:
        numbers = [
            (r.period_end.year, int(r.number))
            for r in cluster_reports().filter(ward__code=code).order_by("period_end")
        ]
        for (year, number), (next_year, next_number) in pairwise(numbers):
            assert next_year > year or next_number > number


def test_closed_periods_match_the_reports_states(db):
    open_closings = ClosedPeriod.objects.filter(ward__code__in=CLUSTER, reopened_at=None)
    closed_reports = cluster_reports().filter(state__in=[State.SUBMITTED, State.ACCEPTED])
    assert open_closings.count() == closed_reports.count()


def test_a_second_load_changes_nothing(db):
    def state():
        return (
            sorted(
                cluster_reports().values_list(
                    "ward__code", "period", "state", "version", "first_submitted_at"
                )
            ),
            PeriodReportTransition.objects.count(),
            ManualIndicatorValue.objects.count(),
            ClosedPeriod.objects.count(),
        )

    before = state()
    out = StringIO()
    started = time.monotonic()
    call_command("load_demo", stdout=out)
    assert time.monotonic() - started < 60
    assert state() == before
    assert out.getvalue().count("reports already started, left as is") == 8


def test_the_load_says_what_each_ward_sent(demo_loaded):
    assert demo_loaded.count(" reports: ") == 8
    assert "reviewer.ninhbinh" in demo_loaded and "reviewer.thanhhoa" in demo_loaded


@pytest.mark.parametrize(
    ("username", "province_of"), [("reviewer.ninhbinh", "13669"), ("reviewer.thanhhoa", "16561")]
)
def test_the_province_reviewers_exist_with_their_province(db, username, province_of):
    user = User.objects.get(username=username)
    assert user.role == User.Role.PROVINCE_REVIEWER
    assert user.scope_kind == User.ScopeKind.PROVINCE
    assert user.scope_province == Ward.objects.get(code=province_of).province
    assert user.scope_ward is None and user.scope_cluster is None
    assert Client().login(request=HttpRequest(), username=username, password=PASSWORD)


def test_ninh_binh_reviews_the_cluster_and_thanh_hoa_sees_none_of_it(db):
    assert Ward.objects.get(code="13669").province.name.endswith("Ninh Bình")
    assert Ward.objects.get(code="16561").province.name.endswith("Thanh Hóa")
    ninh_binh = User.objects.get(username="reviewer.ninhbinh")
    thanh_hoa = User.objects.get(username="reviewer.thanhhoa")
    assert PeriodReport.objects.visible_to(ninh_binh).count() == cluster_reports().count()
    assert not PeriodReport.objects.visible_to(thanh_hoa).exists()


@pytest.mark.parametrize("code", CLUSTER)
def test_each_cluster_ward_has_its_police_officer(db, code):
    user = User.objects.get(username=demo_reporting.POLICE[code].username)
    assert (user.role, user.scope_ward.code) == (User.Role.WARD_POLICE, code)
    assert Client().login(request=HttpRequest(), username=user.username, password=PASSWORD)


def test_make_run_prints_every_demo_login(db):
    banner = (Path(settings.BASE_DIR) / "scripts" / "run.sh").read_text()
    for user in loader.DEMO_USERS:
        assert user.username in banner, user.username


@pytest.mark.parametrize(
    ("today", "latest", "oldest"),
    [
        # 14 December is the last day of reporting month 12: it is still running.
        (dt.date(2026, 12, 14), "month:2026-11", "month:2025-12"),
        # 15 December starts month 1 of 2027: month 12 has just ended.
        (dt.date(2026, 12, 15), "month:2026-12", "month:2026-01"),
        (dt.date(2027, 1, 20), "month:2027-01", "month:2026-02"),
    ],
)
def test_the_periods_are_the_12_ended_reporting_months(today, latest, oldest):
    periods = demo_reporting.recent_periods(today)
    assert (periods[0], periods[-1], len(set(periods))) == (latest, oldest, 12)

"""Period reports in any state, written straight to the table (no reporting service), and
the users the completeness and consolidation tests need."""

import datetime as dt
from zoneinfo import ZoneInfo

from django.utils import timezone

from reporting.models import PeriodReport
from tests.factories import UserFactory
from wardsecurity.models import User

LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")


def local(year, month, day, hour=9, minute=0) -> dt.datetime:
    """An aware moment given in Vietnamese local time."""
    return dt.datetime(year, month, day, hour, minute, tzinfo=LOCAL)


def reviewer(*, province=None, cluster=None, username=None) -> User:
    kind = User.ScopeKind.PROVINCE if province is not None else User.ScopeKind.CLUSTER
    return UserFactory(
        username=username or f"reviewer_{(province or cluster).pk}",
        role=User.Role.PROVINCE_REVIEWER,
        scope_kind=kind,
        scope_ward=None,
        scope_province=province,
        scope_cluster=cluster,
    )


def make_report(
    ward,
    period: str,
    state: str = "draft",
    *,
    by: User,
    first_submitted_at: dt.datetime | None = None,
    snapshot: dict | None = None,
) -> PeriodReport:
    """A report of ``ward`` for ``period`` standing in ``state``; a submitted, returned or
    accepted one was first submitted at ``first_submitted_at`` (default: a day before due)."""
    report = PeriodReport(ward=ward, period=period)
    report.derive_fields()
    if state != "draft":
        first = first_submitted_at or local(
            report.due_on.year, report.due_on.month, report.due_on.day, 9
        ) - dt.timedelta(days=1)
        report.first_submitted_at = first
        report.submitted_at = first
        report.submitted_by = by
        report.snapshot = snapshot if snapshot is not None else {"schema": 1, "metrics": {}}
        report.snapshot_digest = "0" * 64
    if state == "returned":
        report.return_comment = "Bổ sung số liệu tuần tra."
        report.reviewed_at = timezone.now()
        report.reviewed_by = by
    if state == "accepted":
        report.reviewed_at = timezone.now()
        report.reviewed_by = by
    report.state = state
    report.save()
    return report

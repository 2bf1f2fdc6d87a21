"""What the reporting chain tells people (issue 13, item 8), in the portal and by e-mail.

- ``notify_transition(report, transition)``: the ward's officers and clerks learn that their
  report was returned (with the reviewer's comment) or accepted. The services call it after a
  return or an accept.
- ``send_reminders(today)``: the ward's officers and clerks of every ward that has not
  submitted its report learn that it is due in 3 days, then that it is overdue.
- ``send_summaries(today)``: on a period's due date each reviewer gets the period's
  completeness in their scope (how many wards' reports are in each state, who is late) with
  the consolidated report of the accepted wards as a .docx.

Every notification is sent once (``notifications.Notification``: one per user, kind and key),
so the daily tasks can run again, or twice at once, without sending anything twice.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from households.models import Ward
from notifications.models import Notification
from notifications.services import notification_send
from reporting.documents.content import TEXT_FIELDS, ConsolidatedSource
from reporting.documents.generate import consolidated_file
from reporting.models import (
    KIND_COUNTS,
    PeriodReport,
    PeriodReportTransition,
    ReportSchedule,
    period_spec,
    reporting_period,
)
from reports.figures.numbers import change_of
from wardsecurity.models import User
from wardsecurity.period_spec import Period
from wardsecurity.scope import ALL_WARDS, scope_ward_ids

LANGUAGE = "vi"
DUE_SOON_DAYS = 3
# A run that was missed still sends what it should have (the keys keep it to once).
OVERDUE_WINDOW_DAYS = 7
SUMMARY_WINDOW_DAYS = 3
ONE_DECIMAL = Decimal("0.1")
WARD_ROLES = (User.Role.WARD_POLICE, User.Role.WARD_STAFF)


def _report_link(report: PeriodReport) -> str:
    """The ward report's page: its state, the comment, and the links to its documents."""
    return reverse("reporting:report", kwargs={"pk": report.pk})


def ward_people(ward_ids: Iterable[int] | Any) -> Any:
    """The active officers and clerks of the wards (who write and send the reports)."""
    return User.objects.filter(is_active=True, role__in=WARD_ROLES, scope_ward_id__in=ward_ids)


# Transitions ------------------------------------------------------------------------------------


def notify_transition(
    report: PeriodReport, transition: PeriodReportTransition
) -> list[Notification]:
    """Tell the report's ward that a reviewer returned (with the comment) or accepted it.

    Call it inside the service's transaction: the notifications roll back with it and the
    e-mails leave only after it commits. Other transitions notify nobody.
    """
    action = transition.action
    if action not in (PeriodReportTransition.Action.RETURN, PeriodReportTransition.Action.ACCEPT):
        return []
    with translation.override(LANGUAGE):
        values = {"ward": report.ward.name, "period": report.period_label}
        if action == PeriodReportTransition.Action.RETURN:
            kind = Notification.Kind.RETURNED
            title = _("Report of %(ward)s for %(period)s returned") % values
            body = _("The reviewer returned the report with this comment:") + "\n"
            body += transition.comment or report.return_comment
            body += "\n\n" + _("Correct it and submit it again.")
        else:
            kind = Notification.Kind.ACCEPTED
            title = _("Report of %(ward)s for %(period)s accepted") % values
            body = _("The province accepted the report.")
    sent = []
    for user in ward_people([report.ward_id]):
        found = notification_send(
            user=user,
            kind=kind,
            key=f"transition:{transition.pk}",
            title=title,
            body=body,
            link=_report_link(report),
        )
        if found is not None:
            sent.append(found)
    return sent


# Periods and deadlines ------------------------------------------------------------------------


def periods_due_between(start: dt.date, end: dt.date) -> list[tuple[Period, dt.date]]:
    """``(period, due date)`` of every active report kind whose due date is in [start, end]."""
    found = []
    for schedule in ReportSchedule.objects.filter(active=True):
        count = KIND_COUNTS.get(schedule.kind, 1)
        for year in range(start.year - 1, end.year + 2):
            for number in range(1, count + 1):
                period = reporting_period(period_spec(schedule.kind, year, number))
                due = schedule.due_on(period)
                if start <= due <= end:
                    found.append((period, due))
    return sorted(found, key=lambda row: (row[1], row[0].spec))


def _not_submitted(period: Period) -> Q:
    """Users whose ward has not submitted its report for ``period`` (none, or never sent)."""
    sent = PeriodReport.objects.filter(
        ward_id=OuterRef("scope_ward_id"), period=period.spec, first_submitted_at__isnull=False
    )
    return ~Q(Exists(sent))


def send_reminders(today: dt.date | None = None) -> int:
    """Remind the wards whose report is due in 3 days, then tell them it is overdue.

    Returns how many notifications were sent (none twice: see the module's docstring).
    """
    today = today or timezone.localdate()
    sent = 0
    due_soon = periods_due_between(today, today + dt.timedelta(days=DUE_SOON_DAYS))
    overdue = periods_due_between(
        today - dt.timedelta(days=OVERDUE_WINDOW_DAYS), today - dt.timedelta(days=1)
    )
    for kind, periods in (
        (Notification.Kind.DUE_SOON, due_soon),
        (Notification.Kind.OVERDUE, overdue),
    ):
        for period, due in periods:
            people = ward_people(Ward.objects.values("id")).filter(_not_submitted(period))
            for user in people.select_related("scope_ward"):
                with translation.override(LANGUAGE):
                    values = {
                        "period": period.label,
                        "ward": user.scope_ward.name if user.scope_ward else "",
                        "due": f"{due:%d/%m/%Y}",
                    }
                    if kind == Notification.Kind.DUE_SOON:
                        title = _("The report for %(period)s is due on %(due)s") % values
                        body = (
                            _(
                                "%(ward)s has not submitted its report for %(period)s yet; it is "
                                "due on %(due)s."
                            )
                            % values
                        )
                    else:
                        title = _("The report for %(period)s is overdue") % values
                        body = (
                            _(
                                "%(ward)s has not submitted its report for %(period)s, which was "
                                "due on %(due)s. Submit it as soon as possible."
                            )
                            % values
                        )
                found = notification_send(
                    user=user,
                    kind=kind,
                    key=f"ward:{user.scope_ward_id}:{period.spec}",
                    title=title,
                    body=body,
                )
                sent += found is not None
    return sent


# The completeness summary and the consolidated report -------------------------------------------


def _number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def sum_snapshots(snapshots: list[Mapping[str, Any]]) -> dict[str, Any]:
    """The figures of several wards' snapshots added up, metric by metric, with the same
    period recomputed from the sums.

    A rate is recomputed from its summed parts; its same-period value is not in a snapshot
    (only its current parts are), so it is not compared. A figure no ward had in the same
    period has "no data" for it, as the statistics say.
    """
    metrics: dict[str, dict[str, Any]] = {}
    keys = dict.fromkeys(key for snap in snapshots for key in (snap.get("metrics") or {}))
    for key in keys:
        entries: list[Mapping[str, Any]] = [
            found for snap in snapshots if (found := (snap.get("metrics") or {}).get(key))
        ]
        if any("numerator" in entry for entry in entries):
            numerator = sum((Decimal(str(e.get("numerator") or 0)) for e in entries), Decimal(0))
            denominator = sum(
                (Decimal(str(e.get("denominator") or 0)) for e in entries), Decimal(0)
            )
            # as the statistics compute a rate: one decimal, half up
            value = (
                float((numerator * 100 / denominator).quantize(ONE_DECIMAL, ROUND_HALF_UP))
                if denominator
                else None
            )
            metrics[key] = {
                "value": value,
                "previous": None,
                "change": None,
                "change_pct": None,
                "no_previous": "not_compared",
                "numerator": _number(numerator),
                "denominator": _number(denominator),
            }
            continue
        values = [Decimal(str(e["value"])) for e in entries if e.get("value") is not None]
        previous = [Decimal(str(e["previous"])) for e in entries if e.get("previous") is not None]
        entry: dict[str, Any] = {"value": _number(sum(values, Decimal(0))) if values else None}
        if previous and values:
            earlier = _number(sum(previous, Decimal(0)))
            change, change_pct = change_of(entry["value"], earlier)
            entry.update(previous=earlier, change=change, change_pct=change_pct)
        else:
            entry.update(previous=None, change=None, change_pct=None, no_previous="no_data")
        metrics[key] = entry
    first = snapshots[0] if snapshots else {}
    indicators: dict[str, Any] = {}
    for snap in snapshots:
        indicators.update(snap.get("indicators") or {})
    return {
        "period": first.get("period"),
        "compare": first.get("compare"),
        "as_of": max((snap.get("as_of") or "" for snap in snapshots), default=None) or None,
        "metrics": metrics,
        "indicators": indicators,
    }


STATES = ("not_started", "draft", "submitted", "returned", "accepted")


def completeness(*, ward_ids: Any, period: Period, due: dt.date) -> dict[str, Any]:
    """The wards of ``ward_ids`` for ``period``: how many are in each state, how many sent on
    time, and which have no accepted report (from the ``PeriodReport`` rows)."""
    wards = list(Ward.objects.filter(id__in=ward_ids).order_by("name").values("id", "code", "name"))
    reports = {
        report.ward_id: report
        for report in PeriodReport.objects.filter(
            ward_id__in=[ward["id"] for ward in wards], period=period.spec
        ).only("id", "ward_id", "state", "first_submitted_at", "snapshot")
    }
    counts: Counter[str] = Counter()
    on_time = 0
    for ward in wards:
        report = reports.get(ward["id"])
        counts[report.state if report else "not_started"] += 1
        if (
            report
            and report.first_submitted_at
            and (timezone.localdate(report.first_submitted_at) <= due)
        ):
            on_time += 1
    accepted = [r for r in reports.values() if r.state == PeriodReport.State.ACCEPTED]
    accepted_ids = {report.ward_id for report in accepted}
    return {
        "ward_count": len(wards),
        "counts": {state: counts[state] for state in STATES},
        "on_time": on_time,
        "accepted": accepted,
        "missing_wards": [
            {"code": ward["code"], "name": ward["name"]}
            for ward in wards
            if ward["id"] not in accepted_ids
        ],
    }


def reviewer_scope(user: User) -> tuple[str, str, str, str]:
    """``(kind, code, name, province name)`` of a reviewer's scope."""
    if user.scope_kind == User.ScopeKind.CLUSTER and user.scope_cluster is not None:
        cluster = user.scope_cluster
        return "cluster", str(cluster.pk), cluster.name, ""
    province = user.scope_province
    if province is None:
        return "all", "", "", ""
    return "province", province.code, province.name, province.name


def summary_text(summary: Mapping[str, Any], period: Period, due: dt.date) -> str:
    counts = summary["counts"]
    lines = [
        _("Reports for %(period)s (due on %(due)s), %(count)s wards in your scope:")
        % {"period": period.label, "due": f"{due:%d/%m/%Y}", "count": summary["ward_count"]},
        _("- not started: %(n)s") % {"n": counts["not_started"]},
        _("- draft: %(n)s") % {"n": counts["draft"]},
        _("- submitted, awaiting review: %(n)s") % {"n": counts["submitted"]},
        _("- returned: %(n)s") % {"n": counts["returned"]},
        _("- accepted: %(n)s") % {"n": counts["accepted"]},
        _("Submitted on time: %(n)s of %(count)s.")
        % {"n": summary["on_time"], "count": summary["ward_count"]},
    ]
    missing = [ward["name"] for ward in summary["missing_wards"]]
    if missing:
        lines.append(_("Without an accepted report: %(names)s.") % {"names": ", ".join(missing)})
    lines.append(_("The consolidated report of the accepted wards is attached."))
    return "\n".join(lines)


def consolidated_source(
    *, user: User, period: Period, summary: Mapping[str, Any]
) -> ConsolidatedSource:
    """The consolidated report of the accepted snapshots in the reviewer's scope (its text
    left for the reviewer to write: a number, a signer and a narrative come later)."""
    kind, code, name, province = reviewer_scope(user)
    figures = sum_snapshots([report.snapshot for report in summary["accepted"] if report.snapshot])
    figures.update(
        missing_wards=summary["missing_wards"],
        ward_count=summary["ward_count"],
        accepted_count=summary["counts"]["accepted"],
    )
    return ConsolidatedSource(
        scope_kind=kind,
        scope_code=code,
        scope_name=name,
        province_name=province,
        period=period.spec,
        figures=figures,
        text=dict.fromkeys(TEXT_FIELDS, ""),
    )


def send_summaries(today: dt.date | None = None) -> int:
    """On a period's due date, send each reviewer the completeness of their scope and the
    consolidated .docx (a missed run catches up within ``SUMMARY_WINDOW_DAYS``)."""
    today = today or timezone.localdate()
    start = today - dt.timedelta(days=SUMMARY_WINDOW_DAYS)
    sent = 0
    reviewers = User.objects.filter(is_active=True, role=User.Role.PROVINCE_REVIEWER)
    reviewers = reviewers.select_related("scope_province", "scope_cluster")
    for period, due in periods_due_between(start, today):
        for user in reviewers:
            key = f"period:{period.spec}"
            if Notification.objects.filter(
                user=user, kind=Notification.Kind.PERIOD_SUMMARY, key=key
            ).exists():
                continue  # sent before: the consolidated report is not built again
            ids = scope_ward_ids(user)
            ward_ids = Ward.objects.values("id") if ids is ALL_WARDS else ids
            summary = completeness(ward_ids=ward_ids, period=period, due=due)
            with translation.override(LANGUAGE):
                title = _("Reporting summary for %(period)s") % {"period": period.label}
                body = summary_text(summary, period, due)
            source = consolidated_source(user=user, period=period, summary=summary)
            filename, content_type, content = consolidated_file(source, "docx")
            found = notification_send(
                user=user,
                kind=Notification.Kind.PERIOD_SUMMARY,
                key=key,
                title=title,
                body=body,
                attachments=[(filename, content, content_type)],
            )
            sent += found is not None
    return sent

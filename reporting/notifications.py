"""What the reporting chain tells people (issue 13, item 8), in the portal and by e-mail.

- ``notify_transition(report, transition)``: the ward's officers and clerks learn that their
  report was returned (with the reviewer's comment) or accepted. The services call it after a
  return or an accept.
- ``send_reminders(today)``: the ward's officers and clerks of every ward that has not
  submitted its report learn that it is due in 3 days, then that it is overdue.
- ``send_summaries(today)``: on a period's due date each reviewer gets the period's
  completeness in their scope (the completeness page's counts: how many wards' reports are in
  each state, how many on time, who has no accepted report) with the consolidated report of
  the accepted wards, summed by the consolidated reports' rule, as a .docx marked "DỰ THẢO".

Every notification is sent once (``notifications.Notification``: one per user, kind and key),
so the daily tasks can run again, or twice at once, without sending anything twice.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from households.models import Ward
from notifications.models import Notification
from notifications.services import notification_send
from reporting.completeness import Rates, completeness_rates, completeness_scope
from reporting.consolidation import consolidated_figures
from reporting.documents.content import TEXT_FIELDS, ConsolidatedSource, source_figures
from reporting.documents.generate import consolidated_file, consolidated_report_file
from reporting.models import (
    KIND_COUNTS,
    ConsolidatedReport,
    PeriodReport,
    PeriodReportTransition,
    ReportSchedule,
    period_spec,
    reporting_period,
)
from reports.statistics.selectors import Scope
from wardsecurity.models import User
from wardsecurity.period_spec import Period

LANGUAGE = "vi"
DUE_SOON_DAYS = 3
# A run that was missed still sends what it should have (the keys keep it to once).
OVERDUE_WINDOW_DAYS = 7
SUMMARY_WINDOW_DAYS = 3
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
    """Tell the report's ward that a reviewer returned it (with the comment), reopened it after
    accepting it (with the reason: it is back with the ward, as returned) or accepted it.

    Call it inside the service's transaction: the notifications roll back with it and the
    e-mails leave only after it commits. Other transitions notify nobody.
    """
    Action = PeriodReportTransition.Action
    action = transition.action
    if action not in (Action.RETURN, Action.REOPEN, Action.ACCEPT):
        return []
    with translation.override(LANGUAGE):
        values = {"ward": report.ward.name, "period": report.period_label}
        if action == Action.RETURN:
            kind = Notification.Kind.RETURNED
            title = _("Report of %(ward)s for %(period)s returned") % values
            body = _("The reviewer returned the report with this comment:") + "\n"
            body += transition.comment or report.return_comment
            body += "\n\n" + _("Correct it and submit it again.")
        elif action == Action.REOPEN:
            kind = Notification.Kind.RETURNED
            title = _("Report of %(ward)s for %(period)s reopened") % values
            body = _("The reviewer reopened the accepted report for this reason:") + "\n"
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


def summary_text(
    rates: Rates, missing: list[Mapping[str, Any]], period: Period, due: dt.date
) -> str:
    """The period's completeness in the reviewer's scope: the completeness page's counts
    (``reporting.completeness.completeness_rates``) and the wards without an accepted report."""
    lines = [
        _("Reports for %(period)s (due on %(due)s), %(count)s wards in your scope:")
        % {"period": period.label, "due": f"{due:%d/%m/%Y}", "count": rates.wards},
        _("- not started: %(n)s") % {"n": rates.not_started},
        _("- draft: %(n)s") % {"n": rates.draft},
        # the page's "submitted" is with the province: awaiting review or accepted
        _("- submitted, awaiting review: %(n)s") % {"n": rates.submitted - rates.accepted},
        _("- returned: %(n)s") % {"n": rates.returned},
        _("- accepted: %(n)s") % {"n": rates.accepted},
        _("Submitted on time: %(n)s of %(count)s.") % {"n": rates.on_time, "count": rates.wards},
    ]
    names = [str(ward["name"]) for ward in missing]
    if names:
        lines.append(_("Without an accepted report: %(names)s.") % {"names": ", ".join(names)})
    lines.append(_("The consolidated report of the accepted wards is attached."))
    return "\n".join(lines)


def issued_report(scope: Scope, period: Period) -> ConsolidatedReport | None:
    """The consolidated report issued for ``scope`` and ``period``, if the reviewer has issued
    one: the summary then attaches it rather than a draft of today's sums."""
    reports = ConsolidatedReport.objects.filter(
        period=period.spec, state=ConsolidatedReport.State.ISSUED
    ).select_related("province", "cluster")
    if scope.kind == "province":
        return reports.filter(province__code=scope.code).first()
    if scope.kind == "cluster":
        return reports.filter(cluster_id=scope.id).first()
    return None


def summary_source(scope: Scope, period: Period, figures: Mapping[str, Any]) -> ConsolidatedSource:
    """The consolidated report of the reviewer's scope, summed by the consolidated reports' rule
    (``reporting.consolidation.consolidated_figures``). It has no number, signer or narrative
    yet (the reviewer writes those on the consolidated report's page), so it is a draft."""
    province = scope.name if scope.kind == "province" else ""
    code = scope.code if scope.kind == "province" else str(scope.id or "")
    return ConsolidatedSource(
        scope_kind=scope.kind,
        scope_code=code or "",
        scope_name=scope.name,
        province_name=province,
        period=period.spec,
        figures=source_figures(figures),
        text=dict.fromkeys(TEXT_FIELDS, ""),
        draft=True,
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
            scope = completeness_scope(user=user, spec="all")
            rates = completeness_rates(scope=scope, period=period)
            figures = consolidated_figures(scope=scope, period=period)
            with translation.override(LANGUAGE):
                title = _("Reporting summary for %(period)s") % {"period": period.label}
                body = summary_text(rates, figures["wards"]["missing"], period, due)
            issued = issued_report(scope, period)
            if issued is not None:  # the reviewer's own signed report, frozen when issued
                filename, content_type, content = consolidated_report_file(report=issued)
            else:
                source = summary_source(scope, period, figures)
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

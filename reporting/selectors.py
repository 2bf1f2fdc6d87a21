"""Reads of the reporting chain: every read starts from ``visible_to(user)``.

Steering viewers, province reviewers and administrators read the reports of their scope; ward
police and clerks read their ward's. A transition is read through its report.
"""

from collections.abc import Mapping
from typing import Any

from django.db.models import Case, IntegerField, QuerySet, Value, When

from reporting.filtersets import ManualIndicatorValueFilterSet, PeriodReportFilterSet
from reporting.models import (
    ManualIndicator,
    ManualIndicatorValue,
    PeriodReport,
    PeriodReportTransition,
)
from wardsecurity.models import User
from wardsecurity.selectors import filtered, one

Filters = Mapping[str, Any] | None


def period_report_list(*, user: User, filters: Filters = None) -> QuerySet[PeriodReport]:
    """The reports the user may see, with their ward, province and the people of the chain.

    The snapshot (a large JSON) is left out of lists; ``period_report_get`` reads it.
    """
    queryset: QuerySet[PeriodReport] = (
        PeriodReport.objects.visible_to(user)
        .select_related("ward__province", "submitted_by", "reviewed_by")
        .defer("snapshot")
    )
    return filtered(PeriodReportFilterSet, queryset, filters)


def period_report_get(*, user: User, pk: int) -> PeriodReport:
    """One report the user may see, with its snapshot (``OutOfScope`` otherwise)."""
    queryset = PeriodReport.objects.visible_to(user).select_related(
        "ward__province", "submitted_by", "reviewed_by"
    )
    return one(queryset, pk)


def period_report_find(*, user: User, ward_id: int, period: str) -> PeriodReport | None:
    """The ward's report for ``period`` (a canonical period code), if the user may see it."""
    queryset = PeriodReport.objects.visible_to(user).select_related(
        "ward__province", "submitted_by", "reviewed_by"
    )
    return queryset.filter(ward_id=ward_id, period=period).first()


def period_report_transition_list(
    *, user: User, report: PeriodReport
) -> QuerySet[PeriodReportTransition]:
    """The history of a report the user may see, oldest first, with who made each change."""
    visible = PeriodReport.objects.visible_to(user).filter(pk=report.pk)
    return (
        PeriodReportTransition.objects.filter(report__in=visible)
        .select_related("actor")
        .defer("snapshot")
        .order_by("at", "pk")
    )


def manual_indicator_value_list(
    *, user: User, filters: Filters = None
) -> QuerySet[ManualIndicatorValue]:
    """The manual indicator values the user may see, with their ward and indicator."""
    queryset: QuerySet[ManualIndicatorValue] = ManualIndicatorValue.objects.visible_to(
        user
    ).select_related("ward", "indicator")
    return filtered(ManualIndicatorValueFilterSet, queryset, filters)


def manual_indicator_value_get(*, user: User, pk: int) -> ManualIndicatorValue:
    return one(manual_indicator_value_list(user=user), pk)


def indicator_catalogue(*, active_only: bool = True) -> QuerySet[ManualIndicator]:
    """The catalogue in report order: the sections as the report lists them, then order, code."""
    sections = ManualIndicator.Section.values
    rank = Case(
        *(When(section=value, then=Value(index)) for index, value in enumerate(sections)),
        default=Value(len(sections)),
        output_field=IntegerField(),
    )
    queryset = ManualIndicator.objects.order_by(rank, "order", "code")
    return queryset.filter(active=True) if active_only else queryset

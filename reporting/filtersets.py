"""Filters of the reporting chain: one definition for the API, the portal and the selectors."""

import django_filters
from django.utils.translation import gettext_lazy as _

from reporting.models import ManualIndicatorValue, PeriodKind, PeriodReport
from wardsecurity.filters import IdFilter, WardRecordFilterSet, date_range


class PeriodReportFilterSet(WardRecordFilterSet):
    period = django_filters.CharFilter(field_name="period", label=_("period"))
    kind = django_filters.ChoiceFilter(choices=PeriodKind.choices, label=_("report kind"))
    state = django_filters.MultipleChoiceFilter(
        choices=PeriodReport.State.choices, label=_("state")
    )
    province = IdFilter(field_name="ward__province_id", label=_("province (id)"))
    period_end = date_range("period_end", _("period end"))
    due_on = date_range("due_on", _("due on"))

    class Meta:
        model = PeriodReport
        fields = ["ward", "ward_code", "province", "period", "kind", "state"]


class ManualIndicatorValueFilterSet(WardRecordFilterSet):
    period = django_filters.CharFilter(field_name="period", label=_("period"))
    indicator = IdFilter(field_name="indicator_id", label=_("indicator (id)"))
    indicator_code = django_filters.CharFilter(
        field_name="indicator_code", label=_("indicator code")
    )
    period_end = date_range("period_end", _("period end"))

    class Meta:
        model = ManualIndicatorValue
        fields = ["ward", "ward_code", "period", "indicator", "indicator_code"]

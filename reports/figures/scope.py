"""The scope and period figures are asked for, checked once for the dashboard and the reports.

The scope is resolved by the statistics' own rule (``reports.statistics.selectors.resolve_scope``)
and carries the names a page title or a report's letterhead needs.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from households.models import Ward
from reports.statistics.selectors import StatsError, resolve_scope
from wardsecurity.period_spec import CALENDARS, CIVIL, Period, parse_period


@dataclass(frozen=True)
class ReportScope:
    """The territory figures are asked for and the names its page or letterhead needs."""

    spec: str  # "ward:22423"
    kind: str  # ward | province | cluster | all
    name: str  # "Phường Ba Ngòi"
    province_name: str = ""
    ward_count: int = 1


@dataclass(frozen=True)
class Selection:
    """A checked scope and period: what the dashboard shows and a report covers."""

    scope: ReportScope
    period: Period


def report_scope(*, user, spec: str) -> ReportScope:
    """The territory ``spec`` names if the caller sees all of it (else ``Http404``)."""
    try:
        scope = resolve_scope(user, (spec or "").strip())
    except StatsError as exc:
        raise ValidationError(
            _("Unknown scope. Use ward:<code>, province:<code>, cluster:<id> or all."),
            code="invalid_scope",
        ) from exc
    if scope.ward_ids is None:
        wards = Ward.objects.all()
        count = wards.count()
    else:
        wards = Ward.objects.filter(id__in=scope.ward_ids)
        count = len(scope.ward_ids)
    # The place on the date line: the province, when every ward of the scope is in one.
    provinces = list(wards.order_by().values_list("province__name", flat=True).distinct()[:2])
    canonical = {
        "ward": f"ward:{scope.code}",
        "province": f"province:{scope.code}",
        "cluster": f"cluster:{scope.id}",
    }.get(scope.kind, "all")
    return ReportScope(
        spec=canonical,
        kind=scope.kind,
        name=scope.name,
        province_name=provinces[0] if len(provinces) == 1 else "",
        ward_count=count,
    )


def selection_check(*, user, scope: str, period: str, calendar: str) -> Selection:
    """Check a scope, period and calendar: ``ValidationError`` naming each bad one (the period's
    or the calendar's message, then the scope's), ``Http404`` for a scope out of the caller's."""
    errors = {}
    calendar = calendar or CIVIL
    try:
        parsed_period = parse_period(period or "", calendar=calendar)
    except ValidationError as exc:
        errors["calendar" if calendar not in CALENDARS else "period"] = exc.messages
    try:
        parsed_scope = report_scope(user=user, spec=scope)
    except ValidationError as exc:
        errors["scope"] = exc.messages
    if errors:
        raise ValidationError(errors)
    return Selection(parsed_scope, parsed_period)

"""A report's scope, resolved by the statistics' own rule (``reports.selectors.resolve_scope``),
with the names its letterhead needs."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from households.models import Ward
from reports.documents.content import ReportScope
from reports.selectors import StatsError, resolve_scope


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

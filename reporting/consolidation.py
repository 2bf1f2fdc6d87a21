"""The consolidated report of a province or cluster (issue 13, item 6): figures and services.

``sum_snapshots`` is the rule: every figure of the consolidated report is the sum of the
ACCEPTED ward snapshots' values; a ratio (a percentage) is recomputed from the summed numerators
and denominators, never averaged; the same period is the sum of the snapshots' own same-period
values (a ratio's from its parts' same-period values), and the change is computed from the two
sums with the statistics' rule (``wardsecurity.period_spec.change``).

The services (``consolidated_report_create`` / ``_update`` / ``_delete`` / ``_issue``) are for
province reviewers and administrators whose scope holds every ward of the report's province or
cluster; steering viewers read. Issuing freezes the figures, the wards summed and the wards
missing (``ConsolidatedReport.figures``); an issued report is never changed again.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, cast

import pghistory
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from households.models import Province, WardCluster
from reporting.completeness import NOT_STARTED, completeness_scope, report_period, scope_wards
from reporting.models import NARRATIVE_MAX_LENGTH, ConsolidatedReport, PeriodReport
from reports.statistics.metrics import METRICS, RATIO
from reports.statistics.selectors import Scope
from wardsecurity.models import User
from wardsecurity.period_spec import Period, change
from wardsecurity.services import OutOfScope, StaleVersion
from wardsecurity.validators import is_ascii_integer

FIGURES_SCHEMA = 1
ONE_DECIMAL = Decimal("0.1")
# What a reviewer writes; the scope and period are chosen on creation and never change.
CONSOLIDATED_TEXT_FIELDS = (
    "number",
    "symbol",
    "issued_on",
    "place",
    "signer_form",
    "signer_for_title",
    "signer_title",
    "signer_name",
    "recipients",
    *ConsolidatedReport.NARRATIVE_FIELDS,
)
CONSOLIDATED_REQUIRED_TO_ISSUE = ("number", "symbol", "place", "signer_title", "signer_name")
REQUIRED_TO_ISSUE = gettext_lazy("Fill this in before the report is issued.")
ISSUED_MESSAGE = gettext_lazy("The report has been issued: it can no longer be changed.")
NOT_WRITABLE = gettext_lazy("This field cannot be written.")
SCOPE_KIND_MESSAGE = gettext_lazy("A consolidated report covers a province or a ward cluster.")


# The rule: figures are sums of accepted snapshots ----------------------------------------------


def _decimal(value: Any) -> Decimal | None:
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, (int, Decimal)):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    return None


def _number(value: Decimal | None) -> int | float | None:
    if value is None:
        return None
    if value == value.to_integral_value():
        return int(value)
    return float(value.normalize())


def _percent(numerator: Decimal, denominator: Decimal) -> float | None:
    if not denominator:
        return None
    return float((numerator * 100 / denominator).quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP))


def _sum(values: Iterable[Any]) -> Decimal | None:
    """The sum of the values that are there; None when none is."""
    found = [d for d in (_decimal(v) for v in values) if d is not None]
    return sum(found, Decimal(0)) if found else None


def _is_ratio(key: str, entries: list[Mapping[str, Any]]) -> bool:
    item = METRICS.get(key)
    if item is not None:
        return item.kind == RATIO
    return any("numerator" in entry for entry in entries)


def sum_snapshots(snapshots: list[Mapping[str, Any]]) -> dict[str, dict[str, Any]]:
    """Every metric of ``snapshots`` summed: ``{key: {value, previous, change, change_pct,
    wards, label, unit[, numerator, denominator][, no_previous]}}``; ``wards`` counts the
    snapshots that hold the metric."""
    by_key: dict[str, list[Mapping[str, Any]]] = {}
    for snapshot in snapshots:
        for key, entry in (snapshot.get("metrics") or {}).items():
            by_key.setdefault(key, []).append(entry)
    summed: dict[str, dict[str, Any]] = {}
    for key in sorted(by_key):
        entries = by_key[key]
        first = entries[0]
        item: dict[str, Any] = {"label": first.get("label", key), "unit": first.get("unit", "")}
        item["wards"] = len(entries)
        if _is_ratio(key, entries):
            numerator = _sum(e.get("numerator") for e in entries) or Decimal(0)
            denominator = _sum(e.get("denominator") for e in entries) or Decimal(0)
            value = _percent(numerator, denominator)
            previous = _ratio_previous(key, snapshots)
            item.update(numerator=_number(numerator), denominator=_number(denominator))
        else:
            value = _number(_sum(e.get("value") for e in entries))
            previous = _number(_sum(e.get("previous") for e in entries))
        item.update(value=value, previous=previous, **change(value, previous))
        if previous is None:
            item["no_previous"] = "no_data"
        summed[key] = item
    return summed


def _ratio_previous(key: str, snapshots: list[Mapping[str, Any]]) -> float | None:
    """A ratio's same period: its parts' same-period values summed, then divided."""
    item = METRICS.get(key)
    if item is None or item.parts is None:
        return None
    top, bottom = item.parts
    numerators, denominators = [], []
    for snapshot in snapshots:
        metrics = snapshot.get("metrics") or {}
        if key not in metrics:
            continue
        numerators.append((metrics.get(top) or {}).get("previous"))
        denominators.append((metrics.get(bottom) or {}).get("previous"))
    numerator, denominator = _sum(numerators), _sum(denominators)
    if numerator is None or denominator is None:
        return None
    return _percent(numerator, denominator)


# Reading the accepted reports of a scope --------------------------------------------------------


def consolidated_figures(*, scope: Scope, period: Period) -> dict[str, Any]:
    """The figures of ``scope`` for ``period`` from its wards' accepted snapshots, the wards
    summed and the wards missing (not accepted, with their state). Three queries."""
    wards = scope_wards(scope)
    ward_list = list(wards.order_by("name", "code").values_list("id", "code", "name"))
    reports = PeriodReport.objects.filter(ward__in=wards, period=period.spec).values_list(
        "ward_id", "pk", "state", "snapshot", "snapshot_digest"
    )
    by_ward = {ward_id: (pk, state, snap, dig) for ward_id, pk, state, snap, dig in reports}
    accepted, missing, snapshots = [], [], []
    indicators: dict[str, Any] = {}
    for ward_id, code, name in ward_list:
        pk, state, snapshot, digest = by_ward.get(ward_id, (None, NOT_STARTED, None, ""))
        ward = {"id": ward_id, "code": code, "name": name}
        if state == PeriodReport.State.ACCEPTED and snapshot:
            accepted.append({**ward, "report": pk, "snapshot_digest": digest})
            snapshots.append(snapshot)
            indicators.update(snapshot.get("indicators") or {})
        else:
            missing.append({**ward, "report": pk, "state": state})
    compare = period.same_period()
    return {
        "schema": FIGURES_SCHEMA,
        "computed_at": timezone.now().isoformat(),
        "period": {
            "spec": period.spec,
            "label": str(period.label),
            "start": period.start.isoformat(),
            "end": period.end.isoformat(),
        },
        "compare": {
            "spec": compare.spec,
            "start": compare.start.isoformat(),
            "end": compare.end.isoformat(),
        },
        "wards": {"expected": len(ward_list), "accepted": accepted, "missing": missing},
        "metrics": sum_snapshots(snapshots),
        "indicators": indicators,
    }


def report_scope_of(report: ConsolidatedReport) -> Scope:
    """The report's province or cluster as the statistics' ``Scope`` (no check: the caller read
    the report through ``visible_to``)."""
    if report.province_id:
        assert report.province is not None
        province = report.province
        ids = list(province.wards.values_list("id", flat=True))
        return Scope("province", ids, code=province.code, name=province.name,
                     province_id=province.pk)  # fmt: skip
    assert report.cluster is not None
    ids = list(report.cluster.wards.values_list("id", flat=True))
    return Scope("cluster", ids, id=report.cluster.pk, name=report.cluster.name)


def report_figures(report: ConsolidatedReport) -> dict[str, Any]:
    """The frozen figures of an issued report; a draft's, computed now."""
    if report.figures is not None:
        return cast("dict[str, Any]", report.figures)
    return consolidated_figures(scope=report_scope_of(report), period=report_period(report.period))


# Selectors --------------------------------------------------------------------------------------


def consolidated_report_list(
    *, user: User, filters: Mapping[str, Any] | None = None
) -> QuerySet[ConsolidatedReport]:
    """The consolidated reports the user sees (``visible_to``), latest period first."""
    reports = ConsolidatedReport.objects.visible_to(user).select_related(
        "province", "cluster", "issued_by", "created_by"
    )
    filters = filters or {}
    if filters.get("period"):
        reports = reports.filter(period=filters["period"])
    if filters.get("state") in ConsolidatedReport.State.values:
        reports = reports.filter(state=filters["state"])
    return reports.order_by("-period_end", "pk")


def consolidated_report_get(*, user: User, pk: int) -> ConsolidatedReport:
    report = consolidated_report_list(user=user).filter(pk=pk).first()
    if report is None:
        raise OutOfScope
    return report


# Services ---------------------------------------------------------------------------------------


def may_consolidate(user: Any) -> bool:
    """Province reviewers and administrators (their scope is checked per report)."""
    return bool(
        getattr(user, "is_authenticated", False) and user.is_active and user.can_review_reports
    )


def _check_data(data: object) -> Mapping[str, Any]:
    if not isinstance(data, Mapping):
        raise ValidationError(_("Send the fields as an object."), code="invalid")
    unknown = [str(name) for name in data if name not in CONSOLIDATED_TEXT_FIELDS]
    if unknown:
        raise ValidationError(
            {name: [ValidationError(NOT_WRITABLE, code="not_writable")] for name in unknown}
        )
    for name in ConsolidatedReport.NARRATIVE_FIELDS:
        value = data.get(name)
        if isinstance(value, str) and len(value) > NARRATIVE_MAX_LENGTH:
            message = _("At most %(max)d characters.") % {"max": NARRATIVE_MAX_LENGTH}
            raise ValidationError({name: [ValidationError(message, code="max_length")]})
    return data


def _apply(report: ConsolidatedReport, data: Mapping[str, Any]) -> None:
    errors: dict[str, list[ValidationError]] = {}
    for name, value in data.items():
        field = ConsolidatedReport._meta.get_field(name)
        if name == "issued_on":
            if value in (None, ""):
                report.issued_on = None
                continue
            try:
                report.issued_on = field.to_python(value)  # type: ignore[union-attr]
            except ValidationError as exc:
                errors[name] = exc.error_list
            continue
        if value is None:
            value = ""
        if not isinstance(value, str):
            errors[name] = [ValidationError(_("Write it as text."), code="invalid")]
            continue
        setattr(report, name, value)
    if errors:
        raise ValidationError(errors)


def _save(report: ConsolidatedReport) -> ConsolidatedReport:
    try:
        with transaction.atomic():
            report.save()
    except IntegrityError as exc:  # a concurrent creation of the same scope and period
        raise ValidationError(
            {"period": [_("This province or cluster already has a report for this period.")]},
            code="unique",
        ) from exc
    return report


def consolidated_report_create(*, actor: User, data: Mapping[str, Any]) -> ConsolidatedReport:
    """A draft consolidated report of ``data["scope"]`` (``province:<code>`` or
    ``cluster:<id>``, every ward of which the actor sees) for ``data["period"]``."""
    if not may_consolidate(actor):
        raise PermissionDenied
    if not isinstance(data, Mapping):
        raise ValidationError(_("Send the fields as an object."), code="invalid")
    rest = {k: v for k, v in data.items() if k not in ("scope", "period")}
    _check_data(rest)
    errors: dict[str, list[str]] = {}
    scope_spec, period_spec = data.get("scope"), data.get("period")
    if not isinstance(scope_spec, str) or not scope_spec:
        errors["scope"] = [_("Choose the province or cluster.")]
    if not isinstance(period_spec, str) or not period_spec:
        errors["period"] = [_("Choose the period.")]
    if errors:
        raise ValidationError(errors)
    assert isinstance(scope_spec, str) and isinstance(period_spec, str)
    period = report_period(period_spec)
    scope = completeness_scope(user=actor, spec=scope_spec)
    if scope.kind not in ("province", "cluster"):
        raise ValidationError({"scope": [str(SCOPE_KIND_MESSAGE)]}, code="scope_kind")
    with (
        transaction.atomic(),
        pghistory.context(user=actor.pk, service="consolidated_report_create"),
    ):
        report = ConsolidatedReport(period=period.spec, created_by=actor)
        if scope.kind == "province":
            report.province = Province.objects.get(pk=cast("int", scope.province_id))
        else:
            report.cluster = WardCluster.objects.get(pk=cast("int", scope.id))
        report.place = report.province.name if report.province else ""
        _apply(report, rest)
        report.full_clean()
        return _save(report)


def _lock(instance: ConsolidatedReport, actor: User) -> ConsolidatedReport:
    """The current row, locked: 403 for a role that may not write (before any lookup), 404
    when it is outside the actor's scope."""
    if not may_consolidate(actor):
        raise PermissionDenied
    report = (
        ConsolidatedReport.objects.visible_to(actor)
        .filter(pk=instance.pk)
        .select_for_update(of=("self",))
        .select_related("province", "cluster")
        .first()
    )
    if report is None:
        raise OutOfScope
    return report


def _check_version(report: ConsolidatedReport, expected: int | str | None) -> None:
    if expected is None:
        return
    if isinstance(expected, str) and is_ascii_integer(expected):
        expected = int(expected)
    if type(expected) is not int or expected != report.version:
        raise StaleVersion


def _check_draft(report: ConsolidatedReport) -> None:
    if report.state != ConsolidatedReport.State.DRAFT:
        raise ValidationError(str(ISSUED_MESSAGE), code="state")


def consolidated_report_update(
    *,
    actor: User,
    instance: ConsolidatedReport,
    data: Mapping[str, Any],
    expected_version: int | str | None = None,
) -> ConsolidatedReport:
    """Change a draft's heading, signer, recipients or narrative."""
    _check_data(data)
    with (
        transaction.atomic(),
        pghistory.context(user=actor.pk, service="consolidated_report_update"),
    ):
        report = _lock(instance, actor)
        _check_version(report, expected_version)
        _check_draft(report)
        _apply(report, data)
        report.full_clean()
        report.save()
        return report


def consolidated_report_delete(
    *, actor: User, instance: ConsolidatedReport, expected_version: int | str | None = None
) -> None:
    """Delete a draft (an issued report stays)."""
    with (
        transaction.atomic(),
        pghistory.context(user=actor.pk, service="consolidated_report_delete"),
    ):
        report = _lock(instance, actor)
        _check_version(report, expected_version)
        _check_draft(report)
        report.delete()


def consolidated_report_issue(
    *, actor: User, instance: ConsolidatedReport, expected_version: int | str | None = None
) -> ConsolidatedReport:
    """Issue the report: the heading and signer must be complete; the figures of the accepted
    ward reports, the wards summed and the wards missing are frozen in ``figures``."""
    with (
        transaction.atomic(),
        pghistory.context(user=actor.pk, service="consolidated_report_issue"),
    ):
        report = _lock(instance, actor)
        _check_version(report, expected_version)
        _check_draft(report)
        errors = {
            name: [ValidationError(REQUIRED_TO_ISSUE, code="required")]
            for name in CONSOLIDATED_REQUIRED_TO_ISSUE
            if not getattr(report, name)
        }
        if report.signer_form and not report.signer_for_title:
            errors["signer_for_title"] = [ValidationError(REQUIRED_TO_ISSUE, code="required")]
        if errors:
            raise ValidationError(errors)
        now = timezone.now()
        report.figures = consolidated_figures(
            scope=report_scope_of(report), period=report_period(report.period)
        )
        report.state = ConsolidatedReport.State.ISSUED
        report.issued_at = now
        report.issued_by = actor
        if report.issued_on is None:
            report.issued_on = timezone.localdate(now)
        report.full_clean()
        report.save()
        return report

"""Closed reporting periods (SPEC §6): closing, reopening with a reason, and the write check."""

import datetime as dt
import zlib
from typing import TYPE_CHECKING

import pghistory
from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wardsecurity.models import ClosedPeriod, User, WardRecord

if TYPE_CHECKING:
    from households.models import Ward

PERIOD_CLOSED = _(
    "This record is dated in a closed reporting period; a ward police officer must reopen "
    "the period before it can be changed."
)
OVERLAP = _("This period overlaps a period of the ward that is already closed.")
# pg_advisory_xact_lock(namespace, ward id): every dated write of a ward holds it shared until it
# commits (``check_period_open``); a report submission holds it exclusively while it freezes the
# figures and closes the period (reporting.services). So a write racing a submission either
# commits before the figures are read, or runs after the period is closed and is refused.
PERIOD_LOCK_NAMESPACE = zlib.crc32(b"closed-periods") & 0x7FFFFFFF


def lock_ward_periods(ward_id: int, *, exclusive: bool = False) -> None:
    """Hold the ward's period lock until the transaction ends (a no-op outside a transaction)."""
    if not connection.in_atomic_block:
        return
    function = "pg_advisory_xact_lock" if exclusive else "pg_advisory_xact_lock_shared"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {function}(%s, %s)", [PERIOD_LOCK_NAMESPACE, ward_id])


def _may_close(actor: User, ward_id: int) -> bool:
    if not (actor.is_active and (actor.is_admin_role or actor.role == actor.Role.WARD_POLICE)):
        return False
    ward_model = apps.get_model("households", "Ward")
    return ward_model.objects.visible_to(actor).filter(pk=ward_id).exists()


def period_close(*, actor: User, ward: "Ward", start: dt.date, end: dt.date) -> ClosedPeriod:
    """Close ``start``–``end`` for ``ward`` (ward police of that ward, or an administrator)."""
    if not _may_close(actor, ward.pk):
        raise PermissionDenied
    with transaction.atomic(), pghistory.context(user=actor.pk, service="period_close"):
        # Serialise closings of one ward so two overlapping requests cannot both pass.
        type(ward).objects.select_for_update().filter(pk=ward.pk).first()
        period = ClosedPeriod(ward=ward, start=start, end=end, closed_by=actor)
        period.full_clean()
        overlapping = ClosedPeriod.objects.filter(
            ward=ward, reopened_at__isnull=True, start__lte=end, end__gte=start
        )
        if overlapping.exists():
            raise ValidationError({"start": ValidationError(OVERLAP, code="overlap")})
        period.save()
    return period


def period_reopen(*, actor: User, period: ClosedPeriod, reason: str) -> ClosedPeriod:
    """Reopen ``period`` with ``reason``; the reopening is kept in the period's history."""
    if not _may_close(actor, period.ward_id):
        raise PermissionDenied
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            {"reason": ValidationError(_("Give the reason for reopening the period."), "reason")}
        )
    with (
        transaction.atomic(),
        pghistory.context(user=actor.pk, service="period_reopen", reason=reason),
    ):
        period = ClosedPeriod.objects.select_for_update().get(pk=period.pk)
        if period.reopened_at is not None:
            raise ValidationError(_("This period is already open."), code="already_open")
        period.reopened_at = timezone.now()
        period.reopened_by = actor
        period.reopen_reason = reason
        period.full_clean()
        period.save()
    return period


def record_day(record: WardRecord) -> dt.date | None:
    """The local date that places ``record`` in a period, or None for undated records."""
    field = getattr(type(record), "period_date_field", None)
    value = getattr(record, field, None) if field else None
    if isinstance(value, dt.datetime):
        return timezone.localdate(value) if timezone.is_aware(value) else value.date()
    return value if isinstance(value, dt.date) else None


def check_period_open(record: WardRecord) -> None:
    """Refuse a write that touches a record dated inside a closed period of its ward (G8)."""
    day = record_day(record)
    ward_id = record.owner_ward_id
    if day is None or ward_id is None:
        return
    lock_ward_periods(ward_id)
    closed = ClosedPeriod.objects.filter(
        ward_id=ward_id, reopened_at__isnull=True, start__lte=day, end__gte=day
    )
    if closed.exists():
        field = type(record).period_date_field or "__all__"
        raise ValidationError({field: ValidationError(PERIOD_CLOSED, code="period_closed")})

"""Retention: personal values leave history entries and read logs after a while (issue 15).

History entries and sensitive-read rows would otherwise keep residents' names, phones and
addresses forever. Past ``HISTORY_RETENTION_DAYS``:

- every history entry keeps its row — who changed what, when, through which request — but its
  personal values are blanked (``""``, ``NULL`` or ``[]``);
- sensitive-read rows (who read which sensitive record) are deleted.

Which values are personal is derived from the event models: every free-text field (text, e-mail,
a list of texts; not a field with choices, a number, a date or a link) is personal unless
``NOT_PERSONAL`` names it. A new free-text field is therefore redacted until someone decides
otherwise here. Runs nightly (Celery beat, ``wardsecurity.apply_retention``) and on demand
(``manage.py apply_retention``); running it twice changes nothing the second time.
"""

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import reduce
from operator import or_

import pghistory.models
from celery import shared_task
from django.apps import apps
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils import timezone

from wardsecurity.history import append_only_bypass
from wardsecurity.models import SensitiveRead

logger = logging.getLogger(__name__)

# Field names that are never personal, on any model: codes and numbers of documents.
NOT_PERSONAL_ANYWHERE = frozenset({"code", "prefix", "search_name", "decision_no"})
# Free-text fields that name places, bodies or topics, not people (by tracked model).
NOT_PERSONAL: dict[str, frozenset[str]] = {
    "households.Province": frozenset({"name"}),
    "households.Ward": frozenset({"name"}),
    "households.WardCluster": frozenset({"name", "description"}),
    "households.ResidentialGroup": frozenset({"name"}),
    "movement.SelfManagementModel": frozenset({"name"}),
    "movement.Team": frozenset({"name"}),
    "movement.OutreachSession": frozenset({"topic", "partners"}),
    "movement.Commendation": frozenset({"issuer"}),
    "incidents.Incident": frozenset({"subcategory"}),
    "wardsecurity.ApiToken": frozenset({"name"}),
}
TEXT_FIELDS = (models.CharField, models.TextField)  # EmailField is a CharField


def _is_free_text(model_field: models.Field) -> bool:
    if model_field.choices:
        return False
    if isinstance(model_field, ArrayField):
        return _is_free_text(model_field.base_field)
    return isinstance(model_field, TEXT_FIELDS)


def event_models() -> list[type[pghistory.models.Event]]:
    """Every concrete history event model of the project."""
    return [
        model
        for model in apps.get_models()
        if issubclass(model, pghistory.models.Event) and not model._meta.proxy
    ]


def tracked_label(event_model: type[pghistory.models.Event]) -> str:
    tracked = getattr(event_model, "pgh_tracked_model", None)
    return tracked._meta.label if tracked is not None else event_model._meta.label


def personal_fields(event_model: type[pghistory.models.Event]) -> tuple[str, ...]:
    """The fields of ``event_model`` whose values are blanked past retention."""
    keep = NOT_PERSONAL_ANYWHERE | NOT_PERSONAL.get(tracked_label(event_model), frozenset())
    return tuple(
        model_field.name
        for model_field in event_model._meta.concrete_fields
        if not model_field.name.startswith("pgh_")
        and model_field.name not in keep
        and _is_free_text(model_field)
    )


def _blank(model_field: models.Field):
    if model_field.null:
        return None
    return [] if isinstance(model_field, ArrayField) else ""


@dataclass
class RetentionResult:
    cutoff: datetime
    redacted: dict[str, int] = field(default_factory=dict)
    sensitive_reads_deleted: int = 0

    @property
    def redacted_total(self) -> int:
        return sum(self.redacted.values())


def retention_cutoff(*, now: datetime | None = None, days: int | None = None) -> datetime:
    days = settings.HISTORY_RETENTION_DAYS if days is None else days
    return (now or timezone.now()) - timedelta(days=days)


def history_redact(*, event_model: type[pghistory.models.Event], cutoff: datetime) -> int:
    """Blank the personal values of ``event_model``'s entries older than ``cutoff``."""
    names = personal_fields(event_model)
    if not names:
        return 0
    fields = [f for f in event_model._meta.concrete_fields if f.name in names]
    # Only entries that still hold a value: a second run finds nothing to do.
    holds_value = reduce(
        or_,
        (
            ~models.Q(**{f.name: _blank(f)}) & models.Q(**{f"{f.name}__isnull": False})
            if not f.null
            else models.Q(**{f"{f.name}__isnull": False})
            for f in fields
        ),
    )
    with append_only_bypass(event_model):
        return (
            event_model.objects.filter(pgh_created_at__lt=cutoff)
            .filter(holds_value)
            .update(**{f.name: _blank(f) for f in fields})
        )


def sensitive_reads_prune(*, cutoff: datetime) -> int:
    """Delete the sensitive-read log rows older than ``cutoff``."""
    with append_only_bypass(SensitiveRead):
        deleted, _ = SensitiveRead.objects.filter(at__lt=cutoff).delete()
    return deleted


def retention_apply(*, now: datetime | None = None, days: int | None = None) -> RetentionResult:
    """Redact old history entries and prune old sensitive reads; counts per model."""
    result = RetentionResult(cutoff=retention_cutoff(now=now, days=days))
    for event_model in event_models():
        count = history_redact(event_model=event_model, cutoff=result.cutoff)
        if count:
            result.redacted[event_model._meta.label] = count
    result.sensitive_reads_deleted = sensitive_reads_prune(cutoff=result.cutoff)
    logger.info(
        "retention: %d history entries redacted, %d sensitive reads deleted (before %s)",
        result.redacted_total,
        result.sensitive_reads_deleted,
        result.cutoff.isoformat(),
    )
    return result


@shared_task(name="wardsecurity.apply_retention", ignore_result=True)
def apply_retention() -> int:
    """Nightly: ``retention_apply`` with the configured retention."""
    return retention_apply().redacted_total

"""A record's change history for its detail page, read from the pghistory events (G6)."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from wardsecurity.personal import hidden_fields, record_label
from wardsecurity.portal.display import display_value

# Bookkeeping the trigger or the database sets: not a change a person made.
SKIPPED = {"id", "version", "created_at", "updated_at"}
MAX_EVENTS = 100

LABELS = {
    "insert": _("Created"),
    "update": _("Changed"),
    "delete": _("Deleted"),
}


@dataclass
class Change:
    label: str
    old: str
    new: str


@dataclass
class HistoryEntry:
    at: object
    actor: object
    action: str
    changes: list


def record_history(record, user):
    """The newest ``MAX_EVENTS`` events of ``record``, each with its actor and field changes."""
    model = type(record)
    event_model = getattr(model, "pgh_event_model", None)
    if event_model is None:
        return []
    events = list(
        event_model.objects.filter(pgh_obj_id=record.pk)
        .select_related("pgh_context")
        .order_by("-pgh_id")[: MAX_EVENTS + 1]
    )
    events.reverse()
    # Changes to personal data are not shown to a user who may not see it.
    hidden = hidden_fields(model, user)
    fields = [
        f
        for f in model._meta.concrete_fields
        if f.name not in SKIPPED and f.name not in hidden and hasattr(event_model, f.attname)
    ]
    actor_ids = {
        (e.pgh_context.metadata or {}).get("user") for e in events if e.pgh_context is not None
    }
    actors = get_user_model().objects.in_bulk([i for i in actor_ids if isinstance(i, int)])
    related = _related_values(fields, events, user)
    entries, previous = [], None
    for event in events:
        changes = []
        for f in fields:
            new = getattr(event, f.attname)
            old = getattr(previous, f.attname) if previous is not None else None
            if previous is not None and old == new:
                continue
            if previous is None and new in (None, ""):
                continue
            changes.append(
                Change(
                    label=f.verbose_name,
                    old=_shown(f, old, related, user) if previous is not None else "",
                    new=_shown(f, new, related, user),
                )
            )
        metadata = (event.pgh_context.metadata or {}) if event.pgh_context is not None else {}
        action = event.pgh_label if event.pgh_label in LABELS else "update"
        entries.append(
            HistoryEntry(
                at=event.pgh_created_at,
                actor=actors.get(metadata.get("user")),
                action=LABELS[action],
                changes=changes,
            )
        )
        previous = event
    # The oldest fetched event only served as the base of the first shown change.
    if len(events) > MAX_EVENTS:
        entries = entries[1:]
    entries.reverse()
    return entries


def _related_values(fields, events, user):
    """Linked records named in the events, fetched once per model among those ``user`` sees."""
    found = {}
    for f in fields:
        if not f.is_relation:
            continue
        ids = {getattr(e, f.attname) for e in events} - {None}
        if not ids:
            continue
        manager = f.related_model.objects
        queryset = manager.visible_to(user) if hasattr(manager, "visible_to") else manager.all()
        found[f.name] = queryset.in_bulk(ids)
    return found


def _shown(model_field, value, related, user):
    if value is None or value == "":
        return "—"
    if model_field.is_relation:
        obj = related.get(model_field.name, {}).get(value)
        # A link the user may not see (another ward's, a tip for a clerk) shows as a number
        # only; a household, to a user who may not see personal data, as its code.
        return record_label(obj, user) if obj is not None else f"#{value}"
    return display_value(model_field, value)

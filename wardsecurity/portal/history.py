"""A record's change history for its detail page, read from the pghistory events (G6).

The events are read by ``wardsecurity.history`` (shared with the API's ``/history/``); this
module shows them: values as the portal displays them, links by their label.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from wardsecurity.history import event_entries, record_events
from wardsecurity.personal import hidden_fields, record_label
from wardsecurity.portal.display import display_value

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
    events = record_events(model, record.pk)
    if events is None:
        return []
    events = list(events[: MAX_EVENTS + 1])
    # The oldest fetched event only serves as the base of the first shown change.
    before = events[MAX_EVENTS] if len(events) > MAX_EVENTS else None
    entries = event_entries(
        model, events[:MAX_EVENTS], before=before, hidden=hidden_fields(model, user)
    )
    # Changes to personal data are not shown to a user who may not see it, not even by name.
    shown = [(entry, [c for c in entry.changes if not c.hidden]) for entry in entries]
    related = _related_values([c for _entry, changes in shown for c in changes], user)
    return [
        HistoryEntry(
            at=entry.at,
            actor=entry.actor,
            action=LABELS[entry.kind],
            changes=[
                Change(
                    label=c.field.verbose_name,
                    old="" if entry.initial else _shown(c.field, c.old, related, user),
                    new=_shown(c.field, c.new, related, user),
                )
                for c in changes
            ],
        )
        for entry, changes in shown
    ]


def _related_values(changes, user):
    """Linked records named in the changes, fetched once per field among those ``user`` sees."""
    ids = {}
    for change in changes:
        if change.field.is_relation:
            ids.setdefault(change.field, set()).update({change.old, change.new} - {None})
    found = {}
    for model_field, values in ids.items():
        if not values:
            continue
        manager = model_field.related_model.objects
        queryset = manager.visible_to(user) if hasattr(manager, "visible_to") else manager.all()
        found[model_field.name] = queryset.in_bulk(values)
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

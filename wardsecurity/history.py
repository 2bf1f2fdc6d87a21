"""History: pghistory triggers on every domain table, the version bump trigger, and the reading.

Triggers run in PostgreSQL, so bulk updates, imports, tasks and commands are recorded too; the
request or command sets the actor in the history context (``pghistory.context``).

A record's events are read here, once, for every entry point that shows them (the portal's
detail page, the API's ``/history/``): ``record_events`` (newest first) and ``event_entries``
(each event with its actor and the fields it changed, old and new). Each entry point formats
the values its own way.
"""

import datetime
from collections.abc import Collection, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pghistory
import pgtrigger
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Field, Model, QuerySet

# Each UPDATE increments ``version`` (optimistic concurrency) and stamps ``updated_at``,
# whichever path made it: service, admin, QuerySet.update() or raw SQL.
BUMP_VERSION_SQL = "NEW.version := OLD.version + 1; NEW.updated_at := now(); RETURN NEW;"


def tracked(model_class=None, *, exclude=None, versioned=True):
    """Class decorator: record insert/update/delete history (append-only) and bump versions."""

    def decorate(cls):
        cls = pghistory.track(
            pghistory.InsertEvent(),
            pghistory.UpdateEvent(),
            pghistory.DeleteEvent(),
            exclude=exclude,
        )(cls)
        if versioned:
            cls = pgtrigger.register(
                pgtrigger.Trigger(
                    name="bump_version",
                    operation=pgtrigger.Update,
                    when=pgtrigger.Before,
                    func=BUMP_VERSION_SQL,
                )
            )(cls)
        return cls

    return decorate(model_class) if model_class is not None else decorate


def track_links(through, *, model_name, app_label):
    """Record additions to and removals from a many-to-many link table (e.g. a team's groups)."""
    return pghistory.track(
        pghistory.InsertEvent("add"),
        pghistory.DeleteEvent("remove"),
        obj_field=None,
        model_name=model_name,
        app_label=app_label,
    )(through)


APPEND_ONLY_TRIGGER = "append_only"


@contextmanager
def append_only_bypass(*models: type[Model]) -> Iterator[None]:
    """Let this thread's statements UPDATE or DELETE rows of ``models`` despite the guard.

    For the retention job only (``wardsecurity.retention``): the append-only triggers refuse
    every UPDATE and DELETE unless the transaction-local setting ``pgtrigger.ignore`` names
    them, which ``pgtrigger.ignore`` sets on this connection's statements inside this block and
    nowhere else. Other connections, and this one outside the block, are still refused.
    """
    uris = [f"{model._meta.label}:{APPEND_ONLY_TRIGGER}" for model in models]
    with transaction.atomic(), pgtrigger.ignore(*uris):
        yield


# Reading ----------------------------------------------------------------------------------------

# Bookkeeping the trigger or the database sets: not a change a person made.
SKIPPED_FIELDS = frozenset({"id", "version", "created_at", "updated_at"})
EVENT_KINDS = ("insert", "update", "delete")


@dataclass(frozen=True)
class FieldChange:
    """One field an event changed, with its raw values (a link as its id).

    ``hidden``: a personal field the reader may not see (``wardsecurity.personal``); its values
    are withheld (None), only the fact that it changed is kept.
    """

    field: Field
    old: Any
    new: Any
    hidden: bool = False


@dataclass(frozen=True)
class RecordEvent:
    """An insert, update or delete of a record: when, by whom, and what it changed.

    ``initial``: no earlier event was read, so ``changes`` are the values it set (``old`` None)
    — the record's first event, or the oldest one a caller chose to read.
    """

    id: int
    at: datetime.datetime
    kind: str
    actor: Any  # the User, or None for the system, a command or a deleted user
    command: str | None
    initial: bool
    changes: tuple[FieldChange, ...]


def record_events(model: type[Model], pk: int) -> QuerySet[Any] | None:
    """The events of the record ``pk`` of ``model``, newest first (None: the model is not
    tracked). The caller has checked that the reader may see the record."""
    event_model = getattr(model, "pgh_event_model", None)
    if event_model is None:
        return None
    return (
        event_model.objects.filter(pgh_obj_id=pk).select_related("pgh_context").order_by("-pgh_id")
    )


def event_entries(
    model: type[Model],
    events: Sequence[Any],
    *,
    before: Any = None,
    hidden: Collection[str] = frozenset(),
) -> list[RecordEvent]:
    """``events`` (newest first, from ``record_events``) with what each changed.

    Each event is compared with the one before it; ``before`` is the event just older than the
    last of ``events`` (None when there is none, or it was not read). Fields in ``hidden`` are
    reported as changed with their values withheld. The actors are read in one query.
    """
    event_model = getattr(model, "pgh_event_model", None)
    if event_model is None or not events:
        return []
    fields = [
        f
        for f in model._meta.concrete_fields
        if f.name not in SKIPPED_FIELDS and hasattr(event_model, f.attname)
    ]
    actors = get_user_model().objects.in_bulk(
        {i for i in (_actor_id(e) for e in events) if i is not None}
    )
    chain = [*reversed(events)]  # oldest first
    entries = []
    for index, event in enumerate(chain):
        previous = chain[index - 1] if index else before
        changes = []
        for f in fields:
            new = getattr(event, f.attname)
            old = getattr(previous, f.attname) if previous is not None else None
            if previous is not None and old == new:
                continue
            if previous is None and new in (None, ""):
                continue
            if f.name in hidden:
                changes.append(FieldChange(field=f, old=None, new=None, hidden=True))
            else:
                changes.append(FieldChange(field=f, old=old, new=new))
        context = event.pgh_context
        metadata = (context.metadata or {}) if context is not None else {}
        command = metadata.get("command")
        entries.append(
            RecordEvent(
                id=event.pgh_id,
                at=event.pgh_created_at,
                kind=event.pgh_label if event.pgh_label in EVENT_KINDS else "update",
                actor=actors.get(_actor_id(event)),
                command=command if isinstance(command, str) else None,
                initial=previous is None,
                changes=tuple(changes),
            )
        )
    entries.reverse()
    return entries


def _actor_id(event: Any) -> int | None:
    """The id of the user in an event's context (a number, or digits in older contexts)."""
    context = event.pgh_context
    value = (context.metadata or {}).get("user") if context is not None else None
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.isascii() and value.isdigit():
        return int(value)
    return None

"""History capture: pghistory triggers on every domain table, plus the version bump trigger.

Triggers run in PostgreSQL, so bulk updates, imports, tasks and commands are recorded too; the
request or command sets the actor in the history context (``pghistory.context``).
"""

from collections.abc import Iterator
from contextlib import contextmanager

import pghistory
import pgtrigger
from django.db import transaction
from django.db.models import Model

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

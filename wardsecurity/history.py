"""History capture: pghistory triggers on every domain table, plus the version bump trigger.

Triggers run in PostgreSQL, so bulk updates, imports, tasks and commands are recorded too; the
request or command sets the actor in the history context (``pghistory.context``).
"""

import pghistory
import pgtrigger

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

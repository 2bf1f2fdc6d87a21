"""The read log of sensitive records (GUARANTEES G4), written the same way by every entry point."""

from collections.abc import Iterable

from django.db.models import Model

from wardsecurity.models import SensitiveRead, User


def sensitive_read_log(*, user: User, model: type[Model], ids: Iterable[int], path: str) -> None:
    """Record that ``user`` read the ``model`` records ``ids`` at ``path`` (a page, an API
    resource, an export job); a model that is not sensitive is not logged."""
    if not getattr(model, "sensitive", False):
        return
    SensitiveRead.objects.create(
        user=user, model=model._meta.label_lower, object_ids=list(ids), path=path[:255]
    )

"""Which tables the generator owns, and how their id sequences are put back after COPY."""

from django.apps import apps
from django.core.management.color import no_style
from django.db import connection

from wardsecurity.models import WardRecord

APPS = ("households", "movement", "incidents", "cameras")


def domain_models():
    """Ward-owned models of the domain apps (the territory and configuration are kept)."""
    return [
        model
        for label in APPS
        for model in apps.get_app_config(label).get_models()
        if issubclass(model, WardRecord)
    ]


def event_models():
    """The history tables of those models: emptied too, so reruns start from the same state."""
    import pghistory.models

    return [
        model
        for label in APPS
        for model in apps.get_app_config(label).get_models()
        if issubclass(model, pghistory.models.Event)
    ]


def reset_sequences(cursor) -> None:
    for sql in connection.ops.sequence_reset_sql(no_style(), domain_models()):
        cursor.execute(sql)

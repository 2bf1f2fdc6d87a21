from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo loader (``manage.py load_demo``); it has no models."""

    name = "demo"

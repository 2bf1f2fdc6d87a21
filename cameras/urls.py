"""The portal's URLs for cameras, recorders, contributions and video extractions."""

from cameras.views import ENTITIES

app_name = "cameras"

urlpatterns = [pattern for entity in ENTITIES for pattern in entity.urls()]

"""The portal's URLs for incidents, tips and hotspots."""

from incidents.views import ENTITIES

app_name = "incidents"

urlpatterns = [pattern for entity in ENTITIES for pattern in entity.urls()]

"""The portal's URLs for the movement's records."""

from movement.views import ENTITIES

app_name = "movement"

urlpatterns = [pattern for entity in ENTITIES for pattern in entity.urls()]

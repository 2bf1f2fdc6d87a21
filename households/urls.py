"""The portal's URLs for residential groups, households and organisations."""

from households.views import ENTITIES

app_name = "households"

urlpatterns = [pattern for entity in ENTITIES for pattern in entity.urls()]

"""URL of the camera map."""

from django.urls import path

from cameras import map as camera_map

app_name = "camera_map"

urlpatterns = [
    path("cameras/map/", camera_map.camera_map, name="map"),
]

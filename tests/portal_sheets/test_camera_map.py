"""The camera map: scope, the embedded markers (no personal data), offline tiles, query counts."""

import json
import re
from decimal import Decimal

import pytest
from django.conf import settings
from django.shortcuts import resolve_url
from django.urls import reverse

from cameras.models import Camera
from tests.factories import CameraFactory

pytestmark = pytest.mark.django_db

URL = reverse("camera_map:map")
MARKER_KEYS = {
    "code",
    "lat",
    "lng",
    "status",
    "status_label",
    "owner",
    "owner_label",
    "group",
    "url",
}


def placed(ward, code, **kwargs):
    return CameraFactory(
        ward=ward,
        code=code,
        latitude=Decimal("12.2451"),
        longitude=Decimal("109.1943"),
        **kwargs,
    )


def markers(response):
    match = re.search(
        r'<script id="camera-map-data" type="application/json">(.*?)</script>',
        response.content.decode(),
        re.S,
    )
    return json.loads(match.group(1))


@pytest.fixture
def cameras(ward_a, ward_b, ward_c):
    return {
        "a": placed(ward_a, "CAM-A", location="Nhà ông Nguyễn Văn Tư, 5 Lê Lợi"),
        "b": placed(ward_b, "CAM-B"),
        "c": placed(ward_c, "CAM-C", status=Camera.Status.FAULTY),
        "a-unplaced": CameraFactory(ward=ward_a, code="CAM-A2"),
    }


# persona -> the camera codes on the map (SPEC §4; cameras are not sensitive, so every role).
SEES = {
    "officer_a": {"CAM-A"},
    "clerk_a": {"CAM-A"},
    "officer_b": {"CAM-B"},
    "viewer_city": {"CAM-A", "CAM-C"},
    "viewer_province": {"CAM-A", "CAM-B"},
    "viewer_all": {"CAM-A", "CAM-B", "CAM-C"},
    "admin_user": {"CAM-A", "CAM-B", "CAM-C"},
}


@pytest.mark.parametrize(("persona", "codes"), SEES.items())
def test_each_role_sees_the_cameras_of_its_scope(persona, codes, signed_in, cameras):
    response = signed_in(persona).get(URL)
    assert response.status_code == 200
    assert {m["code"] for m in markers(response)["markers"]} == codes
    listed = {c.code for c in response.context["cameras"]}
    assert listed - {"CAM-A2"} == codes


def test_anonymous_is_sent_to_the_login_page(signed_in):
    response = signed_in(None).get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(resolve_url(settings.LOGIN_URL))


def test_the_markers_carry_no_location_text_or_person(signed_in, cameras):
    response = signed_in("clerk_a").get(URL)
    data = markers(response)
    assert [set(m) for m in data["markers"]] == [MARKER_KEYS]
    marker = data["markers"][0]
    assert (marker["lat"], marker["lng"], marker["status"], marker["owner"]) == (
        12.2451,
        109.1943,
        "active",
        "community",
    )
    assert "Nguyễn Văn Tư" not in json.dumps(data, ensure_ascii=False)
    # The list beside the map shows the location to the ward's own staff.
    assert "Nguyễn Văn Tư" in response.content.decode()


def test_cameras_without_coordinates_are_listed_not_placed(signed_in, cameras):
    response = signed_in("officer_a").get(URL)
    assert response.context["unplaced"] == 1
    assert "CAM-A2" in response.content.decode()


def test_no_tile_layer_unless_one_is_configured(signed_in, cameras, settings):
    settings.MAP_TILE_URL = ""
    assert markers(signed_in("clerk_a").get(URL))["tiles"] == ""
    settings.MAP_TILE_URL = "/tiles/{z}/{x}/{y}.png"
    settings.MAP_TILE_ATTRIBUTION = "© OpenStreetMap contributors"
    data = markers(signed_in("clerk_a").get(URL))
    assert data["tiles"] == "/tiles/{z}/{x}/{y}.png"
    assert data["attribution"] == "© OpenStreetMap contributors"


def test_a_pop_up_links_to_the_record(signed_in, cameras):
    data = markers(signed_in("clerk_a").get(URL))
    camera = Camera.objects.get(code="CAM-A")
    link = next(m["url"] for m in data["markers"] if m["code"] == "CAM-A")
    assert link == f"/cameras/{camera.pk}/"
    assert signed_in("clerk_a").get(link).status_code == 200
    assert data["open_label"] == "Mở hồ sơ"


def test_a_multi_ward_viewer_can_pick_a_ward(signed_in, cameras, ward_c):
    client = signed_in("viewer_city")
    response = client.get(URL, {"ward": ward_c.code})
    assert {m["code"] for m in markers(response)["markers"]} == {"CAM-C"}
    assert response.context["chosen"] == ward_c


def test_a_ward_outside_the_scope_is_ignored_not_shown(signed_in, cameras, ward_b):
    response = signed_in("viewer_city").get(URL, {"ward": ward_b.code})
    assert {m["code"] for m in markers(response)["markers"]} == {"CAM-A", "CAM-C"}
    assert response.context["chosen"] is None


def test_the_page_is_read_only(signed_in):
    assert signed_in("clerk_a").post(URL).status_code == 405


@pytest.mark.parametrize("persona", ["clerk_a", "viewer_all"])
def test_the_query_count_does_not_grow_with_the_cameras(persona, signed_in, ward_a, count_queries):
    client = signed_in(persona)

    def measure(n):
        for i in range(Camera.objects.count(), n):
            placed(ward_a, f"Q-{i}")
        return count_queries(lambda: client.get(URL))

    small, small_sql = measure(3)
    large, large_sql = measure(30)
    assert (len(markers(small)["markers"]), len(markers(large)["markers"])) == (3, 30)
    # session, user, the wards with cameras, the cameras with their ward and group.
    assert len(small_sql) == len(large_sql), "\n".join(large_sql)
    assert len(large_sql) <= 6, "\n".join(large_sql)

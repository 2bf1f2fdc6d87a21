"""Yes/no filters are strict: an unknown value is a 400 in the user's language, never "any"."""

import datetime as dt

import pytest
from rest_framework.test import APIClient

from tests.factories import CameraFactory, TeamFactory, VideoExtractionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(officer_a):
    client = APIClient()
    client.force_authenticate(officer_a)
    return client


@pytest.fixture
def extractions(ward_a):
    camera = CameraFactory(ward=ward_a)
    return (
        VideoExtractionFactory(camera=camera, useful=True),
        VideoExtractionFactory(camera=camera, useful=False),
    )


@pytest.mark.parametrize("value", ["\x95", "maybe", "2", "yes please"])
def test_an_unknown_yes_no_value_is_refused(api, extractions, value):
    response = api.get("/api/v1/video-extractions/", {"useful": value}, HTTP_ACCEPT_LANGUAGE="vi")
    assert response.status_code == 400
    assert response.json()["fields"]["useful"] == ["Vui lòng nhập true hoặc false."]


@pytest.mark.parametrize(("value", "expected"), [("true", True), ("1", True), ("False", False)])
def test_a_yes_no_filter_filters(api, extractions, value, expected):
    response = api.get("/api/v1/video-extractions/", {"useful": value})
    assert response.status_code == 200
    assert [row["useful"] for row in response.json()["results"]] == [expected]


def test_an_empty_yes_no_value_means_any(api, extractions):
    response = api.get("/api/v1/video-extractions/", {"useful": ""})
    assert response.json()["count"] == 2


def test_declared_yes_no_filters_are_strict_too(api, ward_a):
    TeamFactory(ward=ward_a)
    TeamFactory(ward=ward_a, dissolved_on=dt.date(2025, 1, 1))
    assert api.get("/api/v1/teams/", {"dissolved": "perhaps"}).status_code == 400
    assert api.get("/api/v1/teams/", {"dissolved": "true"}).json()["count"] == 1

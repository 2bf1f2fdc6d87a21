"""What every sheet and map page shares: personal data pages are never cached (G15)."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url",
    [
        lambda group: reverse("camera_map:map"),
        lambda group: reverse("household_sheets:entry", kwargs={"pk": group.pk}),
        lambda group: reverse("household_sheets:commitments", kwargs={"pk": group.pk}),
    ],
    ids=["camera-map", "fast-entry", "commitment-sheet"],
)
def test_the_pages_are_never_stored_by_a_browser_or_proxy(url, signed_in, group_a):
    response = signed_in("clerk_a").get(url(group_a))
    assert response.status_code == 200
    assert {"no-store", "private"} <= set(response["Cache-Control"].replace(" ", "").split(","))

"""The browser flow: upload form, progress polling, preview with errors, commit and cancel."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from households.models import Household
from imports.models import ImportBatch
from tests.imports.helpers import HOUSEHOLD_HEADER, csv_bytes, household_lines

pytestmark = pytest.mark.django_db


def post_file(client, content, ward, kind="households"):
    data = {"kind": kind, "ward": ward.pk, "file": SimpleUploadedFile("ho.csv", content)}
    return client.post(reverse("imports:upload"), data)


def test_upload_progress_preview_and_commit(
    client, clerk_a, ward_a, groups_a, django_capture_on_commit_callbacks
):
    client.force_login(clerk_a)
    page = client.get(reverse("imports:upload"))
    assert page.status_code == 200
    assert reverse("api:import-template", kwargs={"kind": "households"}) in page.text

    response = post_file(client, csv_bytes(HOUSEHOLD_HEADER, *household_lines(2)), ward_a)
    batch = ImportBatch.objects.get()
    assert response.status_code == 302 and response.url == reverse(
        "imports:detail", args=[batch.pk]
    )
    # The check has not run yet: the page polls the progress fragment.
    detail = client.get(response.url)
    assert 'hx-trigger="every 1s"' in detail.text
    assert client.get(reverse("imports:progress", args=[batch.pk])).status_code == 200

    from imports.tasks import validate_import

    validate_import(batch.pk)
    progress = client.get(reverse("imports:progress", args=[batch.pk]))
    assert progress.status_code == 204 and progress["HX-Refresh"] == "true"
    detail = client.get(reverse("imports:detail", args=[batch.pk]))
    assert "HK-00001" in detail.text and "import-progress" not in detail.text

    response = client.post(reverse("imports:commit", args=[batch.pk]))
    assert response.status_code == 302
    assert Household.objects.filter(ward=ward_a).count() == 2


def test_errors_are_shown_with_row_column_and_message(client, clerk_a, ward_a, groups_a):
    client.force_login(clerk_a)
    content = csv_bytes(HOUSEHOLD_HEADER, "HK-1,<b>An</b>,Tổ không có,x,1,")
    post_file(client, content, ward_a)
    batch = ImportBatch.objects.get()
    from imports.tasks import validate_import

    validate_import(batch.pk)
    detail = client.get(reverse("imports:detail", args=[batch.pk]))
    assert "Tổ dân phố" in detail.text
    assert "&lt;b&gt;An&lt;/b&gt;" in detail.text and "<b>An</b>" not in detail.text
    client.post(reverse("imports:commit", args=[batch.pk]))
    assert not Household.objects.exists()
    client.post(reverse("imports:cancel", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.CANCELLED


def test_viewers_are_refused_and_other_wards_not_found(
    client, viewer_all, officer_b, clerk_a, ward_a, ward_b, groups_a
):
    client.force_login(viewer_all)
    assert client.get(reverse("imports:upload")).status_code == 403
    client.force_login(clerk_a)
    response = post_file(client, csv_bytes(HOUSEHOLD_HEADER, *household_lines(1)), ward_b)
    assert response.status_code == 200  # the form again: ward B is not a choice
    assert not ImportBatch.objects.exists()
    post_file(client, csv_bytes(HOUSEHOLD_HEADER, *household_lines(1)), ward_a)
    batch = ImportBatch.objects.get()
    client.force_login(officer_b)
    for name in ("detail", "progress"):
        assert client.get(reverse(f"imports:{name}", args=[batch.pk])).status_code == 404
    assert client.post(reverse("imports:commit", args=[batch.pk])).status_code == 404
    assert not Household.objects.exists()


def test_a_large_upload_is_refused_from_its_declared_length(client, clerk_a, ward_a):
    client.force_login(clerk_a)
    data = {"kind": "households", "ward": ward_a.pk, "file": SimpleUploadedFile("x.csv", b"a\n")}
    response = client.post(reverse("imports:upload"), data, CONTENT_LENGTH=str(200 * 1024 * 1024))
    assert response.status_code == 400
    assert not ImportBatch.objects.exists()

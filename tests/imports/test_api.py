"""``/api/v1/imports/``: upload, background validation, preview, commit, cancel, templates."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from households.models import Household
from imports.models import ImportBatch
from imports.parsing import read_sheet
from tests.imports.helpers import HOUSEHOLD_HEADER, csv_bytes, household_lines

pytestmark = pytest.mark.django_db

API = "/api/v1/imports/"


def client_for(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def upload(client, content, kind="households", name="ho.csv", **extra):
    data = {"kind": kind, "file": SimpleUploadedFile(name, content), **extra}
    return client.post(API, data, format="multipart")


@pytest.fixture
def uploaded(django_capture_on_commit_callbacks):
    """Upload through the API and let the (eager) validation task run, as after a commit."""

    def do(client, content, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            response = upload(client, content, **kwargs)
        assert response.status_code == 201, response.content
        return client.get(f"{API}{response.json()['id']}/").json()

    return do


def test_upload_validate_preview_and_commit(clerk_a, ward_a, groups_a, uploaded):
    client = client_for(clerk_a)
    body = uploaded(client, csv_bytes(HOUSEHOLD_HEADER, *household_lines(3)))
    assert body["status"] == "ready" and body["progress"] == 100
    assert body["summary"] == {"create": 3, "update": 0, "unchanged": 0, "error": 0}
    assert body["errors"] == [] and body["error_count"] == 0
    assert [row["action"] for row in body["preview"]] == ["create"] * 3
    assert body["preview"][0]["values"]["Mã hộ"] == "HK-00001"
    assert not Household.objects.exists()

    response = client.post(f"{API}{body['id']}/commit/")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "committed"
    assert Household.objects.filter(ward=ward_a).count() == 3
    # Committed once: a second commit is a conflict and writes nothing more.
    assert client.post(f"{API}{body['id']}/commit/").status_code == 409
    assert Household.objects.count() == 3


def test_a_file_with_errors_reports_them_and_cannot_be_committed(clerk_a, groups_a, uploaded):
    client = client_for(clerk_a)
    content = csv_bytes(HOUSEHOLD_HEADER, *household_lines(2), "HK-9,An,Tổ không có,x,1.5,")
    body = uploaded(client, content)
    assert body["status"] == "invalid"
    assert body["summary"]["error"] == 1
    assert {(e["row"], e["column"]) for e in body["errors"]} == {
        (4, "Tổ dân phố"),
        (4, "Số nhân khẩu"),
    }
    assert all(e["message"] for e in body["errors"])
    response = client.post(f"{API}{body['id']}/commit/")
    assert response.status_code == 400
    assert not Household.objects.exists()


def test_cancel(clerk_a, groups_a, uploaded):
    client = client_for(clerk_a)
    body = uploaded(client, csv_bytes(HOUSEHOLD_HEADER, *household_lines(1)))
    response = client.post(f"{API}{body['id']}/cancel/")
    assert response.status_code == 200 and response.json()["status"] == "cancelled"
    assert client.post(f"{API}{body['id']}/cancel/").status_code == 409
    assert client.post(f"{API}{body['id']}/commit/").status_code == 409
    assert not Household.objects.exists()


def test_steering_viewers_get_403_everywhere(viewer_all, clerk_a, groups_a, uploaded):
    body = uploaded(client_for(clerk_a), csv_bytes(HOUSEHOLD_HEADER, *household_lines(1)))
    viewer = client_for(viewer_all)
    content = csv_bytes(HOUSEHOLD_HEADER, *household_lines(1))
    assert upload(viewer, content, ward="91001").status_code == 403
    assert viewer.get(f"{API}{body['id']}/").status_code == 403
    assert viewer.post(f"{API}{body['id']}/commit/").status_code == 403
    assert viewer.get(f"{API}templates/households/").status_code == 403
    assert ImportBatch.objects.count() == 1


def test_other_users_imports_are_not_found(clerk_a, officer_a, officer_b, groups_a, uploaded):
    body = uploaded(client_for(officer_a), csv_bytes(HOUSEHOLD_HEADER, *household_lines(1)))
    for user in (clerk_a, officer_b):
        client = client_for(user)
        assert client.get(f"{API}{body['id']}/").status_code == 404
        assert client.post(f"{API}{body['id']}/commit/").status_code == 404
        assert client.post(f"{API}{body['id']}/cancel/").status_code == 404
    assert not Household.objects.exists()


def test_a_clerk_cannot_upload_into_another_ward(clerk_a, ward_b, groups_b):
    response = upload(client_for(clerk_a), csv_bytes(HOUSEHOLD_HEADER), ward=ward_b.code)
    assert response.status_code == 400
    assert "ward" in response.json()["fields"]
    assert not ImportBatch.objects.exists()


def test_several_wards_in_scope_must_name_the_ward(admin_user, ward_a, groups_a, uploaded):
    client = client_for(admin_user)
    response = upload(client, csv_bytes(HOUSEHOLD_HEADER, *household_lines(1)))
    assert response.status_code == 400 and "ward" in response.json()["fields"]
    body = uploaded(client, csv_bytes(HOUSEHOLD_HEADER, *household_lines(1)), ward=ward_a.code)
    assert body["ward"] == ward_a.pk and body["status"] == "ready"


def test_an_unknown_kind_or_field_is_refused(clerk_a):
    client = client_for(clerk_a)
    assert upload(client, b"x", kind="users").status_code == 400
    assert upload(client, b"x", id="3").status_code == 400
    assert not ImportBatch.objects.exists()


def test_a_200_mb_upload_is_refused_from_its_declared_length(clerk_a):
    client = client_for(clerk_a)
    data = {"kind": "households", "file": SimpleUploadedFile("big.csv", b"code\n1\n")}
    response = client.post(API, data, format="multipart", CONTENT_LENGTH=str(200 * 1024 * 1024))
    assert response.status_code == 400
    assert not ImportBatch.objects.exists()


@pytest.mark.parametrize(
    "kind", ["households", "organisations", "commitments", "recorders", "cameras"]
)
def test_the_template_has_vietnamese_headers_and_an_example(clerk_a, kind):
    response = client_for(clerk_a).get(f"{API}templates/{kind}/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = read_sheet(response.content, "template.xlsx")
    assert sheet.header and all(sheet.header)
    assert len(sheet.rows) == 1


def test_the_households_template_imports_as_it_is(clerk_a, ward_a, uploaded):
    from tests.factories import ResidentialGroupFactory

    ResidentialGroupFactory(ward=ward_a, name="Tổ dân phố 1")
    client = client_for(clerk_a)
    template = client.get(f"{API}templates/households/").content
    body = uploaded(client, template, name="mau.xlsx")
    assert body["status"] == "ready", body["errors"]


def test_an_unknown_template_is_404(clerk_a):
    assert client_for(clerk_a).get(f"{API}templates/users/").status_code == 404


def test_the_detail_reads_a_fixed_number_of_queries(
    clerk_a, groups_a, uploaded, django_assert_num_queries
):
    """Queries: the user's token/session is forced, so: the batch with its ward (1)."""
    client = client_for(clerk_a)
    small = uploaded(client, csv_bytes(HOUSEHOLD_HEADER, *household_lines(3)))
    bad = [f"HK-{n},An,Không có,x,0," for n in range(300)]
    large = uploaded(client, csv_bytes(HOUSEHOLD_HEADER, *bad))
    assert large["error_count"] >= 300 and len(large["preview"]) == 200
    for body in (small, large):
        with django_assert_num_queries(1):
            assert client.get(f"{API}{body['id']}/").status_code == 200

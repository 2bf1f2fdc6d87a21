"""Every page and answer that shows a sensitive record logs the read once (GUARANTEES G4).

Every sensitive entity (``model.sensitive``: incidents, tips, reintegration cases, video
extractions) × every way to see one: the portal's list, detail, edit form, delete confirmation
and exports; the API's list and record; the admin's list, change, delete and history pages.
Each GET by someone who may see the record writes exactly one ``SensitiveRead`` naming the
user, the kind of record, the record and the path; a role that may not see it is refused and
leaves no row.
"""

import pytest
from django.urls import reverse

from tests.portal.helpers import make
from wardsecurity.api.urls import router
from wardsecurity.models import SensitiveRead
from wardsecurity.portal import registry

pytestmark = pytest.mark.django_db

SENSITIVE = [entity for entity in registry() if entity.model.sensitive]


def _api_prefix(entity):
    return next(prefix for prefix, viewset, _b in router.registry if viewset.model is entity.model)


def _admin(entity, view, record=None):
    meta = entity.model._meta
    args = [record.pk] if record is not None else []
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_{view}", args=args)


# (path name, persona who may see it, the URL of the page showing ``record``)
PATHS = {
    "portal-list": ("officer_a", lambda e, r: e.url("list")),
    "portal-detail": ("officer_a", lambda e, r: e.url("detail", r.pk)),
    "portal-edit": ("officer_a", lambda e, r: e.url("update", r.pk)),
    "portal-delete": ("officer_a", lambda e, r: e.url("delete", r.pk)),
    "portal-export-csv": ("officer_a", lambda e, r: e.url("export", fmt="csv")),
    "portal-export-xlsx": ("officer_a", lambda e, r: e.url("export", fmt="xlsx")),
    "api-list": ("officer_a", lambda e, r: reverse(f"api:{_api_prefix(e)}-list")),
    "api-retrieve": (
        "officer_a",
        lambda e, r: reverse(f"api:{_api_prefix(e)}-detail", args=[r.pk]),
    ),
    "admin-list": ("admin_user", lambda e, r: _admin(e, "changelist")),
    "admin-change": ("admin_user", lambda e, r: _admin(e, "change", r)),
    "admin-delete": ("admin_user", lambda e, r: _admin(e, "delete", r)),
    "admin-history": ("admin_user", lambda e, r: _admin(e, "history", r)),
}


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("entity", SENSITIVE, ids=lambda e: e.name)
def test_each_page_showing_a_sensitive_record_logs_one_read(
    entity, path, request, client, ward_a, officer_a, admin_user
):
    persona, url_of = PATHS[path]
    user = request.getfixturevalue(persona)
    record = make(entity.model, ward_a)
    url = url_of(entity, record)
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200, url
    if response.streaming:
        b"".join(response.streaming_content)  # the whole file, as a browser reads it
    reads = list(SensitiveRead.objects.all())
    assert len(reads) == 1, [(r.path, r.object_ids) for r in reads]
    read = reads[0]
    assert (read.user, read.model, read.path) == (user, entity.model._meta.label_lower, url)
    assert read.object_ids == [record.pk]


def test_the_sensitive_entities_are_the_police_only_records():
    assert {e.model._meta.model_name for e in SENSITIVE} == {
        "tip",
        "incident",
        "reintegrationcase",
        "videoextraction",
    }


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("entity", SENSITIVE, ids=lambda e: e.name)
def test_a_role_that_may_not_see_it_is_refused_and_nothing_is_logged(
    entity, path, client, ward_a, clerk_a
):
    record = make(entity.model, ward_a)
    url = PATHS[path][1](entity, record)
    client.force_login(clerk_a)
    response = client.get(url)
    # The portal and the API refuse (403); the admin sends a clerk to its sign-in page.
    expected = 302 if path.startswith("admin") else 403
    assert response.status_code == expected, url
    assert not SensitiveRead.objects.exists()


@pytest.mark.parametrize("entity", SENSITIVE, ids=lambda e: e.name)
def test_an_edit_form_shown_again_with_errors_logs_the_read_again(
    entity, client, ward_a, officer_a
):
    record = make(entity.model, ward_a)
    client.force_login(officer_a)
    response = client.post(entity.url("update", record.pk), {"version": "0"})
    assert response.status_code == 400
    assert list(SensitiveRead.objects.values_list("object_ids", flat=True)) == [[record.pk]]


@pytest.mark.parametrize("entity", SENSITIVE, ids=lambda e: e.name)
def test_an_admin_change_page_shown_again_with_errors_logs_the_read(
    entity, client, ward_a, admin_user
):
    """The refused save is rolled back; the read of the page shown again is kept."""
    record = make(entity.model, ward_a)
    client.force_login(admin_user)
    response = client.post(_admin(entity, "change", record), {"loaded_version": "1"})
    assert response.status_code == 200
    assert response.context["adminform"].form.errors
    assert list(SensitiveRead.objects.values_list("object_ids", flat=True)) == [[record.pk]]

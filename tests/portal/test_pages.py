"""Every entity page × every persona × own and other scope (GUARANTEES G1, G2, G4, G14).

The entities come from the portal's registry (``wardsecurity.portal.registry()``), and their
records from ``tests/model_builders.BUILDERS``, so a model declared in an app's ``views.py`` is in
these tests the day it appears. Expectations follow SPEC §1 and §4, never the code:

- sensitive entities (``model.sensitive``): 403 for clerks and steering viewers on every page,
  decided before any lookup;
- steering viewers: read-only: lists, detail and exports answer, every form and delete is 403;
- a record outside the scope: 404 (detail, edit, delete) and absent from lists and exports;
- everything else: 200, or a redirect after a write that did happen.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from movement.models import Appraisal, SafetyRecognition
from tests import factories as f
from tests.model_builders import BUILDERS
from tests.portal.helpers import (
    PERSONAS,
    POLICE,
    WRITERS,
    create_data,
    exported_ids,
    form_data,
    home_letter,
    link,
    make,
    sees,
)
from wardsecurity.models import SensitiveRead
from wardsecurity.portal import registry

pytestmark = pytest.mark.django_db

ENTITIES = registry()


def test_every_ward_record_model_with_an_api_resource_has_pages():
    from wardsecurity.api.urls import router

    with_pages = {entity.model for entity in ENTITIES}
    resources = {
        viewset.model
        for _prefix, viewset, _basename in router.registry
        if getattr(viewset, "services", ())
    }
    assert resources - with_pages == set()


@pytest.mark.parametrize("entity", ENTITIES, ids=lambda e: e.name)
def test_the_form_offers_only_fields_a_client_may_write(entity):
    fields = set(entity.form_class._meta.fields)
    assert fields & {"id", "version", "created_at", "updated_at"} == set()
    assert {f.name for f in entity.model._meta.get_fields()} >= fields
    assert fields, "a form with nothing to fill in"


@pytest.fixture
def wards(ward_a, ward_b, ward_c):
    return {"a": ward_a, "b": ward_b, "c": ward_c}


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("entity", ENTITIES, ids=lambda e: e.name)
def test_pages_by_role_and_scope(entity, persona, request, client, wards, cluster_a):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    model = entity.model
    if persona in WRITERS and entity.may_view(user):
        # First, while the ward has no record that a unique rule could clash with.
        new = make(model, wards[home_letter(persona)], create=False)
        response = client.post(entity.url("create"), create_data(client, entity, new))
        assert response.status_code == 302, response.content.decode()[-3000:]
        created = model.objects.get()
        assert response["Location"] == entity.url("detail", created.pk)
        assert created.owner_ward_id == wards[home_letter(persona)].pk
        created.delete()
    records = {"a": make(model, wards["a"]), "b": make(model, wards["b"])}

    if model.sensitive and persona not in POLICE:
        urls = [
            entity.url("list"),
            entity.url("create"),
            entity.url("export", fmt="csv"),
            *(entity.url(a, records["a"].pk) for a in ("detail", "update", "delete")),
        ]
        for url in urls:
            assert client.get(url).status_code == 403, url
        assert client.post(entity.url("create"), {}).status_code == 403
        assert client.post(entity.url("delete", records["a"].pk)).status_code == 403
        assert model.objects.filter(pk=records["a"].pk).exists()
        return

    # Reads: the list, the detail pages and the export show exactly the records in scope.
    response = client.get(entity.url("list"))
    assert response.status_code == 200
    assert response["Cache-Control"].count("no-store") == 1
    page = response.content.decode()
    for letter, record in records.items():
        shown = link(entity.url("detail", record.pk)) in page
        assert shown == sees(persona, letter), (letter, persona)
        status = client.get(entity.url("detail", record.pk)).status_code
        assert status == (200 if sees(persona, letter) else 404), (letter, persona)
    assert (link(entity.url("create")) in page) == (persona in WRITERS)
    export = client.get(entity.url("export", fmt="csv"))
    assert export.status_code == 200
    wanted = {r.pk for letter, r in records.items() if sees(persona, letter)}
    assert exported_ids(export) & {r.pk for r in records.values()} == wanted

    form_class = entity.form_class
    builder = BUILDERS[model]
    mine = records[home_letter(persona)]
    theirs = next((r for letter, r in records.items() if not sees(persona, letter)), None)
    if persona not in WRITERS:
        assert client.get(entity.url("create")).status_code == 403
        new = make(model, wards["a"], create=False)
        assert client.post(entity.url("create"), form_data(form_class, new)).status_code == 403
        for record in records.values():
            for action in ("update", "delete"):
                assert client.get(entity.url(action, record.pk)).status_code == 403
            data = form_data(form_class, record, **{builder.field: builder.values[0]})
            assert client.post(entity.url("update", record.pk), data).status_code == 403
            assert client.post(entity.url("delete", record.pk)).status_code == 403
        assert model.objects.filter(pk__in=[r.pk for r in records.values()]).count() == 2
        return

    # Writes in scope happen; out of scope they answer 404 and change nothing.
    assert client.get(entity.url("update", mine.pk)).status_code == 200
    data = form_data(form_class, mine, **{builder.field: builder.values[0]})
    response = client.post(entity.url("update", mine.pk), data)
    assert response.status_code == 302, response.content.decode()[-3000:]
    mine.refresh_from_db()
    assert getattr(mine, builder.field) == builder.values[0]

    if theirs is not None:
        old = getattr(theirs, builder.field)
        data = form_data(form_class, theirs, **{builder.field: builder.values[1]})
        assert client.get(entity.url("update", theirs.pk)).status_code == 404
        assert client.post(entity.url("update", theirs.pk), data).status_code == 404
        assert client.get(entity.url("delete", theirs.pk)).status_code == 404
        assert client.post(entity.url("delete", theirs.pk)).status_code == 404
        theirs.refresh_from_db()
        assert getattr(theirs, builder.field) == old

    assert client.get(entity.url("delete", mine.pk)).status_code == 200
    response = client.post(entity.url("delete", mine.pk), {"version": mine.version})
    assert response.status_code == 302
    assert not model.objects.filter(pk=mine.pk).exists()


# One row per subject and year: these grow by year instead.
BY_YEAR = {Appraisal: f.AppraisalFactory, SafetyRecognition: f.SafetyRecognitionFactory}


def grow(model, ward, count):
    start = model._default_manager.count()
    for n in range(count):
        if model in BY_YEAR:
            BY_YEAR[model](ward=ward, year=1990 + start + n)
        else:
            make(model, ward)


@pytest.mark.parametrize("entity", ENTITIES, ids=lambda e: e.name)
def test_list_pages_make_as_many_queries_for_30_rows_as_for_3(entity, client, officer_a, ward_a):
    """Queries of a list page, whatever the number of rows:
    session, user, the row count, the rows (with their linked records joined), one per
    many-to-many column, the filter panel's choices (groups of the ward), and for sensitive
    records the access-log insert.
    """
    client.force_login(officer_a)
    grow(entity.model, ward_a, 3)
    with CaptureQueriesContext(connection) as three:
        assert client.get(entity.url("list")).status_code == 200
    grow(entity.model, ward_a, 27)
    with CaptureQueriesContext(connection) as thirty:
        response = client.get(entity.url("list"))
    assert response.status_code == 200
    assert response.content.decode().count("<tr>") == 31  # the header and 30 rows
    listed = "\n".join(q["sql"] for q in thirty.captured_queries)
    assert len(thirty) == len(three), listed


@pytest.mark.parametrize("entity", [e for e in ENTITIES if e.model.sensitive], ids=lambda e: e.name)
def test_reading_a_sensitive_list_is_logged(entity, client, officer_a, ward_a):
    client.force_login(officer_a)
    record = make(entity.model, ward_a)
    client.get(entity.url("list"))
    client.get(entity.url("detail", record.pk))
    logged = list(SensitiveRead.objects.filter(user=officer_a).values_list("object_ids", flat=True))
    assert logged == [[record.pk], [record.pk]]

"""History (GUARANTEES G6, G7): every write path leaves an append-only event; versions always bump.

The tracked models are found by introspection (``pgh_event_model``); each needs a row in
``tests.model_builders.BUILDERS``.
"""

import pghistory
import pghistory.models
import pytest
from django.apps import apps
from django.db import DatabaseError, connection, transaction

from tests.factories import UserFactory
from tests.model_builders import BUILDERS
from wardsecurity.models import User, WardRecord


def tracked_models():
    found = []
    for model in apps.get_models():
        if issubclass(model, pghistory.models.Event):
            continue
        if getattr(model, "pgh_event_models", None):
            found.append(model)
    return found


TRACKED = tracked_models()
VERSIONED = [model for model in TRACKED if issubclass(model, WardRecord)]


def model_id(model):
    return model._meta.label


def events(obj, model=None):
    model = model or type(obj)
    return model.pgh_event_model.objects.filter(pgh_obj_id=obj.pk).order_by("pgh_id")


def labels(obj, model=None):
    return list(events(obj, model).values_list("pgh_label", flat=True))


def make(model, ward, create=True):
    assert model in BUILDERS, f"no builder for {model._meta.label} in tests/model_builders.py"
    return BUILDERS[model].make(ward, create)


def current_version(obj):
    return type(obj)._default_manager.filter(pk=obj.pk).values_list("version", flat=True).get()


def test_every_domain_model_is_tracked():
    domain_apps = {"wardsecurity", "households", "movement", "incidents", "cameras"}
    # The log of sensitive reads is itself append-only history; report and export jobs are
    # generated files (their content comes from tracked records), not records anyone edits.
    # A form submission is a one-time token's claim (wardsecurity/submissions.py): the record it
    # created has its own history.
    logs = {
        "wardsecurity.SensitiveRead",
        "wardsecurity.ReportJob",
        "wardsecurity.ExportJob",
        "wardsecurity.FormSubmission",
        # The map before July 2025 is the package's reference data, rebuilt by load_territory
        # (which restores a hand edit): not records anyone edits (docs/domain.md).
        "households.FormerWard",
        "households.WardSuccession",
    }
    untracked = [
        model._meta.label
        for label in domain_apps
        for model in apps.get_app_config(label).get_models()
        if not issubclass(model, pghistory.models.Event)
        and not getattr(model, "pgh_event_models", None)
        and model._meta.label not in logs
    ]
    assert not untracked, f"models without history: {untracked}"


def test_every_tracked_model_has_a_builder():
    missing = [model._meta.label for model in TRACKED if model not in BUILDERS]
    assert not missing, f"add a row to tests/model_builders.py BUILDERS for: {missing}"


@pytest.mark.parametrize("model", TRACKED, ids=model_id)
def test_an_orm_create_leaves_an_insert_event_with_the_values(model, ward_a):
    obj = make(model, ward_a)
    (event,) = events(obj)
    assert event.pgh_label == "insert"
    field = BUILDERS[model].field
    assert getattr(event, field) == getattr(obj, field)


@pytest.mark.parametrize("model", TRACKED, ids=model_id)
def test_a_save_leaves_an_update_event_with_the_new_value(model, ward_a):
    obj = make(model, ward_a)
    field, (new, _) = BUILDERS[model].field, BUILDERS[model].values
    setattr(obj, field, new)
    obj.save()
    assert labels(obj) == ["insert", "update"]
    assert getattr(events(obj).last(), field) == new


@pytest.mark.parametrize("model", TRACKED, ids=model_id)
def test_a_queryset_update_leaves_an_update_event_with_the_new_value(model, ward_a):
    obj = make(model, ward_a)
    field, (_, new) = BUILDERS[model].field, BUILDERS[model].values
    assert model._default_manager.filter(pk=obj.pk).update(**{field: new}) == 1
    assert labels(obj) == ["insert", "update"]
    assert getattr(events(obj).last(), field) == new


@pytest.mark.parametrize("model", TRACKED, ids=model_id)
def test_a_bulk_create_leaves_one_insert_event_per_row(model, ward_a, ward_b):
    unsaved = [make(model, ward_a, create=False), make(model, ward_b, create=False)]
    created = model._default_manager.bulk_create(unsaved)
    pks = [obj.pk for obj in created]
    assert all(pks)
    rows = model.pgh_event_model.objects.filter(pgh_obj_id__in=pks)
    assert sorted(rows.values_list("pgh_obj_id", "pgh_label")) == sorted(
        (pk, "insert") for pk in pks
    )


@pytest.mark.parametrize("model", TRACKED, ids=model_id)
def test_a_delete_leaves_a_delete_event_with_the_last_values(model, ward_a):
    obj = make(model, ward_a)
    pk, field = obj.pk, BUILDERS[model].field
    value = getattr(obj, field)
    obj.delete()
    rows = model.pgh_event_model.objects.filter(pgh_obj_id=pk).order_by("pgh_id")
    assert list(rows.values_list("pgh_label", flat=True)) == ["insert", "delete"]
    assert getattr(rows.last(), field) == value


@pytest.mark.parametrize("model", TRACKED, ids=model_id)
def test_the_history_context_names_the_user_on_every_event(model, ward_a):
    actor = UserFactory(username="actor", scope_ward=ward_a)
    field, (new, _) = BUILDERS[model].field, BUILDERS[model].values
    with pghistory.context(user=actor.pk, url="/test/", method="POST"):
        obj = make(model, ward_a)
        pk = obj.pk
        setattr(obj, field, new)
        obj.save()
        obj.delete()
    rows = model.pgh_event_model.objects.filter(pgh_obj_id=pk).order_by("pgh_id")
    assert [row.pgh_label for row in rows] == ["insert", "update", "delete"]
    for row in rows:
        assert row.pgh_context is not None, row.pgh_label
        assert row.pgh_context.metadata["user"] == actor.pk
        assert row.pgh_context.metadata["url"] == "/test/"
    assert len({row.pgh_context_id for row in rows}) == 1


@pytest.mark.parametrize("model", VERSIONED, ids=model_id)
def test_a_new_record_starts_at_version_one(model, ward_a):
    obj = make(model, ward_a)
    assert obj.version == 1
    assert current_version(obj) == 1


@pytest.mark.parametrize("model", VERSIONED, ids=model_id)
def test_save_bumps_the_version_by_one_and_the_instance_holds_the_new_integer(model, ward_a):
    obj = make(model, ward_a)
    obj.save()
    assert current_version(obj) == 2
    assert type(obj.version) is int
    assert obj.version == 2
    field, (new, _) = BUILDERS[model].field, BUILDERS[model].values
    setattr(obj, field, new)
    obj.save(update_fields=[field])
    assert current_version(obj) == 3
    assert obj.version == 3


@pytest.mark.parametrize("model", VERSIONED, ids=model_id)
def test_a_queryset_update_bumps_the_version_by_one(model, ward_a):
    obj = make(model, ward_a)
    field, (_, new) = BUILDERS[model].field, BUILDERS[model].values
    model._default_manager.filter(pk=obj.pk).update(**{field: new})
    assert current_version(obj) == 2
    model._default_manager.filter(pk=obj.pk).update(**{field: new})
    assert current_version(obj) == 3


@pytest.mark.parametrize("model", VERSIONED, ids=model_id)
def test_an_update_cannot_set_the_version_itself(model, ward_a):
    obj = make(model, ward_a)
    model._default_manager.filter(pk=obj.pk).update(version=1)
    assert current_version(obj) == 2
    model._default_manager.filter(pk=obj.pk).update(version=99)
    assert current_version(obj) == 3


@pytest.mark.parametrize("model", VERSIONED, ids=model_id)
def test_a_bulk_update_bumps_the_version_by_one(model, ward_a):
    obj = make(model, ward_a)
    field, (new, _) = BUILDERS[model].field, BUILDERS[model].values
    setattr(obj, field, new)
    model._default_manager.bulk_update([obj], [field])
    assert current_version(obj) == 2
    assert labels(obj) == ["insert", "update"]


@pytest.mark.parametrize("model", VERSIONED, ids=model_id)
def test_a_raw_sql_update_bumps_the_version_and_is_recorded(model, ward_a):
    obj = make(model, ward_a)
    table, pk_column = model._meta.db_table, model._meta.pk.column
    column = model._meta.get_field(BUILDERS[model].field).column
    with connection.cursor() as cursor:
        cursor.execute(
            f'UPDATE "{table}" SET "{column}" = "{column}" WHERE "{pk_column}" = %s', [obj.pk]
        )
    assert current_version(obj) == 2
    assert labels(obj) == ["insert", "update"]
    assert events(obj).last().version == 2


@pytest.mark.parametrize("model", TRACKED, ids=model_id)
def test_an_event_row_cannot_be_updated(model, ward_a):
    obj = make(model, ward_a)
    event = events(obj).get()
    event_model = model.pgh_event_model
    with pytest.raises(DatabaseError, match="Cannot update or delete"), transaction.atomic():
        event_model.objects.filter(pk=event.pk).update(pgh_label="forged")
    with pytest.raises(DatabaseError, match="Cannot update or delete"), transaction.atomic():
        event.pgh_label = "forged"
        event.save()
    table = event_model._meta.db_table
    with (
        pytest.raises(DatabaseError, match="Cannot update or delete"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(f"UPDATE \"{table}\" SET pgh_label = 'forged'")
    assert events(obj).get().pgh_label == "insert"


@pytest.mark.parametrize("model", TRACKED, ids=model_id)
def test_an_event_row_cannot_be_deleted(model, ward_a):
    obj = make(model, ward_a)
    event_model = model.pgh_event_model
    with pytest.raises(DatabaseError, match="Cannot update or delete"), transaction.atomic():
        events(obj).delete()
    table = event_model._meta.db_table
    with (
        pytest.raises(DatabaseError, match="Cannot update or delete"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(f'DELETE FROM "{table}"')
    assert labels(obj) == ["insert"]


def test_the_user_history_does_not_store_the_password_hash(ward_a):
    event_model = User.pgh_event_model
    assert "password" not in {field.name for field in event_model._meta.get_fields()}
    with connection.cursor() as cursor:
        columns = connection.introspection.get_table_description(cursor, event_model._meta.db_table)
    assert "password" not in {column.name for column in columns}

    user = UserFactory(username="history_user", scope_ward=ward_a)
    user.set_password("a-new-Secret-passphrase-42")
    user.save()
    password_hash = User.objects.get(pk=user.pk).password
    with connection.cursor() as cursor:
        cursor.execute(
            f'SELECT row_to_json(e)::text FROM "{event_model._meta.db_table}" e '
            "WHERE pgh_obj_id = %s",
            [user.pk],
        )
        dumps = [row[0] for row in cursor.fetchall()]
    assert dumps
    for dump in dumps:
        assert password_hash not in dump
        assert password_hash.split("$")[-1] not in dump

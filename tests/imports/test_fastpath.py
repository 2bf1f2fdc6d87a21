"""The COPY path's commit: it writes the rows validation checked, decides create or update against
the rows as they are at commit time, and checks the file again when a group it named changed."""

import pghistory.models
import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import override_settings

from households.models import Household
from imports import services
from imports.models import ImportBatch
from imports.services import import_cancel, import_commit
from tests.factories import HouseholdFactory, ResidentialGroupFactory
from tests.imports.helpers import HOUSEHOLD_HEADER, csv_bytes, household_lines, run, validate

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_path")]


@pytest.fixture
def fast_path():
    with override_settings(IMPORT_FAST_THRESHOLD=1):
        yield


def staging_tables():
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_class WHERE relname LIKE 'imports\\_stage\\_%%'")
        return cursor.fetchone()[0]


def test_the_commit_writes_the_checked_rows_without_reading_the_file_again(
    clerk_a, ward_a, groups_a, monkeypatch
):
    batch = validate(
        clerk_a, ward_a, "households", csv_bytes(HOUSEHOLD_HEADER, *household_lines(3))
    )
    assert batch.status == ImportBatch.Status.READY

    def unexpected(*args, **kwargs):
        raise AssertionError("the file was parsed again")

    monkeypatch.setattr(services, "read_sheet", unexpected)
    import_commit(actor=clerk_a, batch=batch)

    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.COMMITTED
    assert batch.summary == {"create": 3, "update": 0, "unchanged": 0, "error": 0}
    assert [p["action"] for p in batch.preview] == ["create"] * 3
    assert Household.objects.filter(ward=ward_a, group=groups_a[0]).count() == 3
    assert staging_tables() == 0


def test_a_household_created_after_validation_becomes_an_update(clerk_a, ward_a, groups_a):
    batch = validate(
        clerk_a, ward_a, "households", csv_bytes(HOUSEHOLD_HEADER, *household_lines(3))
    )
    assert batch.summary["create"] == 3
    HouseholdFactory(group=groups_a[1], code="HK-00002", head_name="Tên cũ")

    import_commit(actor=clerk_a, batch=batch)

    batch.refresh_from_db()
    assert batch.summary == {"create": 2, "update": 1, "unchanged": 0, "error": 0}
    assert {p["row"]: p["action"] for p in batch.preview} == {2: "create", 3: "update", 4: "create"}
    household = Household.objects.get(ward=ward_a, code="HK-00002")
    assert (household.head_name, household.group, household.version) == (
        "Nguyễn Văn 2",
        groups_a[0],
        2,
    )
    update = pghistory.models.Events.objects.get(pgh_obj_id=household.pk, pgh_label="update")
    assert update.pgh_data["head_name"] == "Nguyễn Văn 2" and update.pgh_data["version"] == 2
    assert update.pgh_context["import_id"] == batch.pk
    assert update.pgh_context["user"] == clerk_a.pk


def test_a_group_renamed_after_validation_fails_the_commit_and_writes_nothing(
    clerk_a, ward_a, groups_a
):
    batch = validate(
        clerk_a, ward_a, "households", csv_bytes(HOUSEHOLD_HEADER, *household_lines(3))
    )
    groups_a[0].__class__.objects.filter(pk=groups_a[0].pk).update(name="Tổ dân phố 9")

    with pytest.raises(ValidationError):
        import_commit(actor=clerk_a, batch=batch)

    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.INVALID
    assert [(e["row"], e["column"]) for e in batch.errors] == [
        (2, "Tổ dân phố"),
        (3, "Tổ dân phố"),
        (4, "Tổ dân phố"),
    ]
    assert not Household.objects.exists()
    assert staging_tables() == 0


def test_a_group_replaced_after_validation_is_looked_up_again(clerk_a, ward_a, groups_a):
    batch = validate(
        clerk_a, ward_a, "households", csv_bytes(HOUSEHOLD_HEADER, *household_lines(2))
    )
    groups_a[0].__class__.objects.filter(pk=groups_a[0].pk).update(name="Tổ dân phố cũ")
    replacement = ResidentialGroupFactory(ward=ward_a, name="Tổ dân phố 1")

    import_commit(actor=clerk_a, batch=batch)

    assert set(Household.objects.filter(ward=ward_a).values_list("group", flat=True)) == {
        replacement.pk
    }


def test_rows_lost_from_the_staging_table_are_read_from_the_file_again(clerk_a, ward_a, groups_a):
    batch = validate(
        clerk_a, ward_a, "households", csv_bytes(HOUSEHOLD_HEADER, *household_lines(3))
    )
    with connection.cursor() as cursor:
        # What crash recovery does to an UNLOGGED table.
        cursor.execute(f"TRUNCATE imports_stage_{batch.pk}")

    import_commit(actor=clerk_a, batch=batch)

    batch.refresh_from_db()
    assert batch.summary == {"create": 3, "update": 0, "unchanged": 0, "error": 0}
    assert Household.objects.filter(ward=ward_a).count() == 3


def test_no_staging_table_outlives_an_import(clerk_a, ward_a, groups_a):
    lines = household_lines(3)
    bad = validate(clerk_a, ward_a, "households", csv_bytes(HOUSEHOLD_HEADER, *lines, lines[0]))
    assert bad.status == ImportBatch.Status.INVALID
    assert staging_tables() == 0

    cancelled = validate(clerk_a, ward_a, "households", csv_bytes(HOUSEHOLD_HEADER, *lines))
    assert staging_tables() == 1
    import_cancel(actor=clerk_a, batch=cancelled)
    assert staging_tables() == 0

    committed = run(clerk_a, ward_a, "households", csv_bytes(HOUSEHOLD_HEADER, *lines))
    assert committed.status == ImportBatch.Status.COMMITTED
    assert staging_tables() == 0

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
from tests.imports.helpers import (
    HOUSEHOLD_HEADER,
    csv_bytes,
    household_lines,
    messages,
    run,
    validate,
)

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


# The two paths agree ------------------------------------------------------------------------


def both_paths(content_for, *runs):
    """Run files through the row path (``runs[0]``) and the COPY path (``runs[1]``); each run is
    (actor, ward). Their reports: status, counts, errors with their messages, preview actions."""
    reports = []
    for (actor, ward), threshold in zip(runs, (10**9, 1), strict=True):
        with override_settings(IMPORT_FAST_THRESHOLD=threshold):
            batch = run(actor, ward, "households", content_for(ward))
        reports.append(
            (
                batch.status,
                batch.summary,
                messages(batch),
                [(p["row"], p["action"]) for p in batch.preview],
            )
        )
    return reports


def test_both_paths_report_every_bad_cell_in_the_same_words(
    clerk_a, officer_b, ward_a, ward_b, groups_a, groups_b
):
    wards = {ward_a.pk: ward_b, ward_b.pk: ward_a}

    def content_for(ward):
        other = wards[ward.pk].code
        return csv_bytes(
            f"{HOUSEHOLD_HEADER},Cư trú,Còn cư trú,Mã xã/phường",
            f"HK-1,Nguyễn Văn An,Tổ dân phố 1,12 Ba Ngòi,4,,Thường trú,Có,{ward.code}",
            ",Lê Văn Bình,Tổ dân phố 1,1 Hẻm,2,,,,",  # no code
            "  ,Lê Văn Bình,Tổ dân phố 1,1 Hẻm,2,,,,",  # no code again: the same natural key
            "HK 2,An,Tổ dân phố 1,x,2,,,,",  # a space in a code
            f"HK-3,{'X' * 151},Tổ dân phố 1,x,2,,,,",
            "HK-4,An\x0bBình,Tổ dân phố 1,x,2,,,,",  # refused by full_clean, not by the shape
            "HK-5,,Tổ 9,,0,,,,",  # a bad cell and the other fields' shape
            "HK-6,An,Tổ dân phố 1,x,１２,,,,",
            "HK-7,An,Tổ dân phố 1,x,40000,,,,",
            "HK-8,An,Tổ dân phố 1,x,,,,,",
            "HK-9,An,,x,3,,,,",
            "HK-10,An,Tổ dân phố 1,x,3,,Nơi khác,Chưa rõ,",
            f"HK-11,An,Tổ dân phố 1,x,3,,,,{other}",
            f"HK-1,An,Tổ dân phố 1,{'x' * 256},3,,,,",  # a repeated code and a long address
            f"HK-12,\u202eAn,Tổ dân phố 1,{'x' * 256},3,,,,",  # the shape before full_clean
            "HK-13,Nguye\u0302\u0303n Văn Út,Tổ dân phố 1,x,3,+84 90 123 4567 8910 1112,,,",
        )

    small, fast = both_paths(content_for, (clerk_a, ward_a), (officer_b, ward_b))
    assert small == fast
    status, summary, errors, _preview = small
    assert status == ImportBatch.Status.INVALID
    assert summary == {"create": 1, "update": 0, "unchanged": 0, "error": 15}
    # A bad cell comes with the other fields' complaints (in the model's order), so a row's
    # report names all of them at once; the clean-text check of full_clean comes only after.
    assert [(row, column) for row, column, _message in errors] == [
        (3, "Mã hộ"),
        (4, "Mã hộ"),
        (5, "Mã hộ"),
        (6, "Chủ hộ"),
        (7, "Chủ hộ"),
        (8, "Địa chỉ"),
        (8, "Chủ hộ"),
        (8, "Số nhân khẩu"),
        (8, "Tổ dân phố"),
        (9, "Số nhân khẩu"),
        (10, "Số nhân khẩu"),
        (11, "Số nhân khẩu"),
        (12, "Tổ dân phố"),
        (13, "Cư trú"),
        (13, "Còn cư trú"),
        (14, "Mã xã/phường"),
        (15, "Địa chỉ"),
        (15, "Mã hộ"),
        (16, "Địa chỉ"),
        (17, "Số điện thoại"),
    ]
    assert errors[1][2] == "Bản ghi này trùng với dòng 3 của tệp."
    assert errors[9][2] == "Vui lòng nhập số chỉ bằng các chữ số 0–9, không dùng dấu phân cách."


def test_a_column_the_file_leaves_out_keeps_its_value_on_both_paths(
    clerk_a, officer_b, ward_a, ward_b, groups_a, groups_b
):
    for group in (groups_a[0], groups_b[0]):
        HouseholdFactory(
            group=group,
            code="HK-00001",
            head_name="Nguyễn Văn 1",
            address="1 Đường Ba Ngòi",
            member_count=2,
            phone="0905111222",
            residence=Household.Residence.TEMPORARY,
            active=False,
        )

    def content_for(ward):
        # No phone column; the residence and still-resident cells are blank.
        return csv_bytes(
            "Mã hộ,Chủ hộ,Tổ dân phố,Địa chỉ,Số nhân khẩu,Cư trú,Còn cư trú",
            "HK-00001,Nguyễn Văn 1,Tổ dân phố 1,1 Đường Ba Ngòi,2,,",
            "HK-00002,Nguyễn Văn 2,Tổ dân phố 1,2 Đường Ba Ngòi,3,,",
        )

    small, fast = both_paths(content_for, (clerk_a, ward_a), (officer_b, ward_b))
    assert small == fast
    assert small[1] == {"create": 1, "update": 0, "unchanged": 1, "error": 0}
    fields = ("code", "phone", "residence", "active", "version")
    rows = {
        ward.code: list(Household.objects.filter(ward=ward).order_by("code").values_list(*fields))
        for ward in (ward_a, ward_b)
    }
    assert (
        rows[ward_a.code]
        == rows[ward_b.code]
        == [
            ("HK-00001", "0905111222", "temporary", False, 1),
            ("HK-00002", "", "permanent", True, 1),
        ]
    )


def test_imported_households_are_found_by_the_word_search(clerk_a, ward_a, groups_a):
    """The COPY path writes households in SQL: the trigger of households 0009 stores their
    search words (created and updated alike)."""
    from households.filtersets import HouseholdFilterSet

    existing = HouseholdFactory(group=groups_a[1], code="HK-00002", head_name="Tên cũ")
    batch = validate(
        clerk_a, ward_a, "households", csv_bytes(HOUSEHOLD_HEADER, *household_lines(3))
    )
    import_commit(actor=clerk_a, batch=batch)
    batch.refresh_from_db()
    assert batch.summary == {"create": 2, "update": 1, "unchanged": 0, "error": 0}

    def search(term):
        filterset = HouseholdFilterSet({"search": term}, queryset=Household.objects.all())
        assert "households_householdsearchwords" in str(filterset.qs.query)
        return set(filterset.qs.values_list("code", flat=True))

    assert search("nguyen van ba ngoi") == {"HK-00001", "HK-00002", "HK-00003"}
    assert search("nguyen 2") == {"HK-00002"}
    assert search("ten cu") == set()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM households_householdsearchwords w"
            " JOIN households_household h ON h.id = w.household_id"
            " WHERE w.ward_id = h.ward_id"
            " AND w.words = public.ws_fold_suffixes(ARRAY[h.code::text, h.head_name::text,"
            " h.address::text])"
        )
        assert cursor.fetchone()[0] == Household.objects.count() == 3
    assert existing.pk in Household.objects.values_list("pk", flat=True)

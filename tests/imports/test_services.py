"""Imports through the services: create/update by natural key, idempotence, all-or-nothing,
history, closed periods, and the COPY path giving the small path's results (G13)."""

import pghistory.models
import pytest
from django.core.exceptions import PermissionDenied
from django.test import override_settings

from households.models import Household, Organisation, ResidentialGroup
from imports.models import ImportBatch
from imports.services import OutOfScope, import_commit, import_start
from movement.models import Commitment
from reports.models import DirtyBucket
from tests.factories import ClosedPeriodFactory, HouseholdFactory
from tests.figures import ward_figure
from tests.imports.helpers import (
    HOUSEHOLD_HEADER,
    csv_bytes,
    household_lines,
    messages,
    run,
    validate,
)

pytestmark = pytest.mark.django_db

HOUSEHOLD_FIELDS = ("code", "head_name", "group__name", "address", "member_count", "phone")


def households(ward):
    return list(Household.objects.filter(ward=ward).order_by("code").values_list(*HOUSEHOLD_FIELDS))


def history(ward, actor, batches):
    """The household history rows of ``ward`` by content: every tracked field (the group by name),
    the label, the record it belongs to and its context (the actor, which import). The context's
    ``service`` differs by design: the small path runs ``household_create``/``_update``."""
    runs = {batch.pk: n for n, batch in enumerate(batches)}
    groups = dict(ResidentialGroup.objects.filter(ward=ward).values_list("pk", "name"))
    events = pghistory.models.Events.objects.filter(pgh_obj_model="households.Household")
    rows = []
    for event in events:
        data = event.pgh_data
        if data["ward_id"] != ward.pk:
            continue
        context = event.pgh_context
        rows.append(
            (
                data["code"],
                event.pgh_label,
                data["version"],
                data["head_name"],
                data["address"],
                data["member_count"],
                data["phone"],
                data["residence"],
                data["active"],
                groups[data["group_id"]],
                str(event.pgh_obj_id) == str(data["id"]),
                context["user"] == actor.pk,
                runs.get(context["import_id"]),
            )
        )
    return sorted(rows)


def test_a_valid_file_creates_the_households_with_their_groups(clerk_a, ward_a, groups_a):
    content = csv_bytes(
        HOUSEHOLD_HEADER,
        "HK-1,Nguyễn Văn An,Tổ dân phố 1,12 Đường Ba Ngòi,4,+84901234567",
        # The group named without accents and in NFD still matches (accent/NFC-insensitive).
        "HK-2,Trần Thị Bình,to dan pho 2,3 Hẻm Chợ,2,",
        "HK-3,Lê Văn Cường,Tổ dân phố 2,5 Hẻm Chợ,1,0912345678",
    )
    batch = validate(clerk_a, ward_a, "households", content)
    assert batch.status == ImportBatch.Status.READY, batch.errors
    assert batch.summary == {"create": 3, "update": 0, "unchanged": 0, "error": 0}
    assert not Household.objects.exists(), "validation wrote rows"

    batch = run(clerk_a, ward_a, "households", content)
    assert batch.status == ImportBatch.Status.COMMITTED
    assert households(ward_a) == [
        ("HK-1", "Nguyễn Văn An", "Tổ dân phố 1", "12 Đường Ba Ngòi", 4, "+84901234567"),
        ("HK-2", "Trần Thị Bình", "Tổ dân phố 2", "3 Hẻm Chợ", 2, ""),
        ("HK-3", "Lê Văn Cường", "Tổ dân phố 2", "5 Hẻm Chợ", 1, "0912345678"),
    ]


@pytest.mark.django_db(transaction=True)  # each step commits, as in a request or a worker
@override_settings(IMPORT_FAST_THRESHOLD=1)  # the COPY path, as for a large file
def test_a_commit_has_its_statistics_processed_when_it_commits(
    clerk_a, viewer_all, ward_a, groups_a
):
    """The rows go in by COPY, which no post_save announces: the commit asks the worker to
    process the statistics (here inline, eager) rather than leave them to its periodic run."""
    content = csv_bytes(HOUSEHOLD_HEADER, *household_lines(3))
    batch = validate(clerk_a, ward_a, "households", content)
    assert batch.status == ImportBatch.Status.READY, batch.errors
    import_commit(actor=clerk_a, batch=batch)
    assert not DirtyBucket.objects.exists()
    assert ward_figure(viewer_all, ward_a, "ytd:", "households") == 3


def test_reimporting_the_same_file_changes_nothing(clerk_a, ward_a, groups_a):
    content = csv_bytes(HOUSEHOLD_HEADER, *household_lines(5))
    run(clerk_a, ward_a, "households", content)
    before = list(Household.objects.order_by("pk").values("pk", "version", "updated_at"))
    events = pghistory.models.Events.objects.count()

    again = run(clerk_a, ward_a, "households", content)

    assert again.status == ImportBatch.Status.COMMITTED
    assert again.summary == {"create": 0, "update": 0, "unchanged": 5, "error": 0}
    assert list(Household.objects.order_by("pk").values("pk", "version", "updated_at")) == before
    assert pghistory.models.Events.objects.count() == events, "history rows for unchanged records"


def test_a_changed_row_updates_the_household_by_its_code(clerk_a, ward_a, groups_a):
    run(clerk_a, ward_a, "households", csv_bytes(HOUSEHOLD_HEADER, *household_lines(2)))
    changed = household_lines(2)
    changed[1] = changed[1].replace("Nguyễn Văn 2", "Nguyễn Văn Hai")
    batch = run(clerk_a, ward_a, "households", csv_bytes(HOUSEHOLD_HEADER, *changed))
    assert batch.summary == {"create": 0, "update": 1, "unchanged": 1, "error": 0}
    household = Household.objects.get(code="HK-00002")
    assert household.head_name == "Nguyễn Văn Hai"
    assert household.version == 2


def test_one_bad_row_writes_nothing_and_names_row_and_column(clerk_a, ward_a, groups_a):
    content = csv_bytes(
        HOUSEHOLD_HEADER,
        *household_lines(3),
        "HK-9,Phạm Văn Dũng,Tổ dân phố 1,9 Đường Ba Ngòi,0,",
    )
    batch = run(clerk_a, ward_a, "households", content)
    assert batch.status == ImportBatch.Status.INVALID
    assert [(e["row"], e["column"]) for e in batch.errors] == [(5, "Số nhân khẩu")]
    assert batch.summary["error"] == 1 and batch.summary["create"] == 3
    assert not Household.objects.exists()


def test_the_commit_is_all_or_nothing_when_data_changed_after_validation(clerk_a, ward_a, groups_a):
    content = csv_bytes(HOUSEHOLD_HEADER, *household_lines(3))
    batch = validate(clerk_a, ward_a, "households", content)
    assert batch.status == ImportBatch.Status.READY
    # After the check, someone renames the group the third row names: that row now fails.
    groups_a[0].__class__.objects.filter(pk=groups_a[0].pk).update(name="Tổ dân phố 9")
    from django.core.exceptions import ValidationError

    from imports.services import import_commit

    with pytest.raises(ValidationError):
        import_commit(actor=clerk_a, batch=batch)
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.INVALID
    assert {e["column"] for e in batch.errors} == {"Tổ dân phố"}
    assert not Household.objects.exists()


def test_history_rows_name_the_import_and_its_actor(clerk_a, ward_a, groups_a):
    batch = run(clerk_a, ward_a, "households", csv_bytes(HOUSEHOLD_HEADER, *household_lines(2)))
    events = pghistory.models.Events.objects.filter(pgh_obj_model="households.Household")
    assert events.count() == 2
    for event in events:
        assert event.pgh_context["user"] == clerk_a.pk
        assert event.pgh_context["import_id"] == batch.pk


def test_duplicates_within_the_file_are_refused(clerk_a, ward_a, groups_a):
    lines = household_lines(2)
    batch = run(clerk_a, ward_a, "households", csv_bytes(HOUSEHOLD_HEADER, *lines, lines[0]))
    assert batch.status == ImportBatch.Status.INVALID
    assert [(e["row"], e["column"]) for e in batch.errors] == [(4, "Mã hộ")]
    assert "2" in batch.errors[0]["message"]
    assert not Household.objects.exists()


def test_a_household_already_in_the_database_is_updated_not_duplicated(clerk_a, ward_a, groups_a):
    HouseholdFactory(group=groups_a[0], code="HK-00001", head_name="Tên cũ")
    batch = run(clerk_a, ward_a, "households", csv_bytes(HOUSEHOLD_HEADER, *household_lines(1)))
    assert batch.summary["update"] == 1
    assert Household.objects.filter(ward=ward_a, code="HK-00001").count() == 1


def test_rows_naming_another_ward_are_refused(clerk_a, ward_a, ward_b, groups_a, groups_b):
    content = csv_bytes(
        HOUSEHOLD_HEADER + ",Mã xã/phường",
        household_lines(1)[0] + f",{ward_a.code}",
        household_lines(1, start=2)[0] + f",{ward_b.code}",
    )
    batch = run(clerk_a, ward_a, "households", content)
    assert batch.status == ImportBatch.Status.INVALID
    assert [(e["row"], e["column"]) for e in batch.errors] == [(3, "Mã xã/phường")]
    assert not Household.objects.exists()


def test_a_clerk_of_ward_a_cannot_import_into_ward_b(clerk_a, ward_b, groups_b):
    with pytest.raises(OutOfScope):
        import_start(
            actor=clerk_a,
            ward=ward_b,
            kind="households",
            filename="x.csv",
            content=csv_bytes(HOUSEHOLD_HEADER, *household_lines(1)),
        )
    assert not ImportBatch.objects.exists()


def test_steering_viewers_cannot_import(viewer_all, ward_a, groups_a):
    with pytest.raises(PermissionDenied):
        import_start(
            actor=viewer_all,
            ward=ward_a,
            kind="households",
            filename="x.csv",
            content=csv_bytes(HOUSEHOLD_HEADER, *household_lines(1)),
        )


def test_closed_periods_refuse_imported_rows(officer_a, ward_a, groups_a):
    households_file = csv_bytes(HOUSEHOLD_HEADER, *household_lines(1))
    run(officer_a, ward_a, "households", households_file)
    ClosedPeriodFactory(ward=ward_a, start="2024-01-01", end="2024-12-31")
    content = csv_bytes(
        "Mã hộ,Năm,Loại cam kết,Ngày ký",
        "HK-00001,2024,no_firecrackers,15/01/2024",
        "HK-00001,2025,no_firecrackers,15/01/2025",
    )
    batch = run(officer_a, ward_a, "commitments", content)
    assert batch.status == ImportBatch.Status.INVALID
    assert [(e["row"], e["column"]) for e in batch.errors] == [(2, "Ngày ký")]
    assert not Commitment.objects.exists()


def test_commitments_tick_sheet_imports_and_reimports_cleanly(officer_a, ward_a, groups_a):
    run(officer_a, ward_a, "households", csv_bytes(HOUSEHOLD_HEADER, *household_lines(2)))
    content = csv_bytes(
        "Mã hộ;Năm;Loại cam kết;Ngày ký",
        "HK-00001;2025;Không sản xuất, buôn bán, sử dụng pháo trái phép;15/01/2025",
        "HK-00002;2025;no_firecrackers;2025-01-16",
    )
    batch = run(officer_a, ward_a, "commitments", content)
    assert batch.status == ImportBatch.Status.COMMITTED, batch.errors
    assert Commitment.objects.filter(ward=ward_a, kind="no_firecrackers").count() == 2
    again = run(officer_a, ward_a, "commitments", content)
    assert again.summary == {"create": 0, "update": 0, "unchanged": 2, "error": 0}


def test_organisations_match_by_name_accent_insensitively(clerk_a, ward_a, groups_a):
    content = csv_bytes(
        "Tên,Loại,Tổ dân phố", "Trường Tiểu học Ba Ngòi,Cơ sở giáo dục,Tổ dân phố 1"
    )
    run(clerk_a, ward_a, "organisations", content)
    renamed = csv_bytes(
        "Tên,Loại,Tổ dân phố", "truong tieu hoc ba ngoi,Cơ sở giáo dục,Tổ dân phố 2"
    )
    batch = run(clerk_a, ward_a, "organisations", renamed)
    # The folded name is the key: the row updates the group (and the name as written).
    assert batch.summary["update"] == 1
    assert Organisation.objects.get(ward=ward_a).group == groups_a[1]


@override_settings(IMPORT_FAST_THRESHOLD=1)
def test_the_copy_path_gives_the_small_paths_results(clerk_a, officer_b, ward_a, ward_b, groups_a):
    from tests.factories import ResidentialGroupFactory

    ResidentialGroupFactory(ward=ward_b, name="Tổ dân phố 1")
    ResidentialGroupFactory(ward=ward_b, name="Tổ dân phố 2")
    first = csv_bytes(
        HOUSEHOLD_HEADER, *household_lines(30), *household_lines(5, 31, "to dan pho 2")
    )
    changed = household_lines(30)
    changed[3] = changed[3].replace("Nguyễn Văn 4", "Nguyễn Văn Bốn")
    second = csv_bytes(
        HOUSEHOLD_HEADER, *changed, *household_lines(5, 31, "Tổ dân phố 2"), *household_lines(2, 40)
    )
    bad = csv_bytes(HOUSEHOLD_HEADER, *household_lines(2, 50), "HK-X,,Tổ 9,,１２,")

    results = {}
    for actor, ward, threshold in ((clerk_a, ward_a, 10**9), (officer_b, ward_b, 1)):
        with override_settings(IMPORT_FAST_THRESHOLD=threshold):
            summaries = [run(actor, ward, "households", c) for c in (first, second, first, bad)]
        results[ward.code] = {
            "rows": households(ward),
            "versions": sorted(Household.objects.filter(ward=ward).values_list("code", "version")),
            "summaries": [b.summary for b in summaries],
            "errors": [sorted((e["row"], e["column"]) for e in b.errors) for b in summaries],
            "messages": [messages(b) for b in summaries],
            "history": history(ward, actor, summaries),
        }
    small, fast = results[ward_a.code], results[ward_b.code]
    assert small == fast
    assert small["summaries"][0]["create"] == 35
    assert small["summaries"][1] == {"create": 2, "update": 1, "unchanged": 34, "error": 0}
    assert small["summaries"][2] == {"create": 0, "update": 1, "unchanged": 34, "error": 0}
    expected = [(4, "Chủ hộ"), (4, "Tổ dân phố"), (4, "Địa chỉ"), (4, "Số nhân khẩu")]
    assert small["errors"][3] == sorted(expected)
    # 35 + 2 inserted, row 4 changed by the second file and back by the third.
    labels = [row[1] for row in small["history"]]
    assert labels.count("insert") == 37 and labels.count("update") == 2
    assert {row[11:] for row in small["history"]} == {(True, 0), (True, 1), (True, 2)}

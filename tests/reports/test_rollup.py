"""Dirty marking and processing (SPEC §7, G10): every write path, crashes, reruns, the command."""

import datetime as dt
import io
from unittest import mock

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from incidents.models import Incident
from reports.models import DirtyBucket, StatDay, StatMonth, province_row
from reports.statistics import rollup
from reports.statistics.selectors import stats_for
from reports.statistics.sql import source_models
from reports.statistics.triggers import install_triggers, installed_triggers
from tests.factories import (
    CameraFactory,
    EidTallyFactory,
    IncidentFactory,
    ResidentialGroupFactory,
    VideoExtractionFactory,
)
from wardsecurity.period_spec import parse_period

pytestmark = pytest.mark.django_db


def at(day, hour=10):
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def buckets():
    return set(DirtyBucket.objects.values_list("ward_id", "day"))


def incidents(user, spec, scope="all"):
    answer = stats_for(user=user, scope=scope, period=parse_period(spec), metrics=["incidents"])
    return answer["metrics"]["incidents"]["value"]


def test_every_source_table_has_its_four_triggers():
    installed = installed_triggers()
    for model in source_models():
        table = model._meta.db_table
        names = (
            "reports_dirty_ins",
            "reports_dirty_upd",
            "reports_dirty_del",
            "reports_dirty_trunc",
        )
        for name in names:
            assert (table, name) in installed, (table, name)


def test_installing_the_triggers_again_changes_nothing():
    before = installed_triggers()
    install_triggers()
    install_triggers()
    assert installed_triggers() == before


def test_copy_marks_the_buckets(ward_a):
    columns = "ward_id, occurred_at, category, subcategory, summary, source, suspects, status"
    # The police-statistics columns (issue 14) have no database default: a COPY names them.
    police = "case_type, severity, cleared, suspects_handled, deaths, injuries, damage_vnd"
    rows = f"{police}, version, created_at, updated_at"
    with (
        connection.cursor() as cursor,
        cursor.copy(f"COPY incidents_incident ({columns}, {rows}) FROM STDIN") as copy,
    ):
        for day in (3, 4, 4):
            copy.write_row(
                (ward_a.pk, at(dt.date(2023, 5, day)), "drugs", "", "Nhập từ tệp", "patrol", 0,
                 "received", "administrative", "", False, 0, 0, 0, 0, 1, timezone.now(),
                 timezone.now())
            )  # fmt: skip
    assert buckets() == {(ward_a.pk, dt.date(2023, 5, 3)), (ward_a.pk, dt.date(2023, 5, 4))}


def test_a_moved_and_redated_record_dirties_the_old_and_the_new_bucket(ward_a, ward_b):
    incident = IncidentFactory(ward=ward_a, occurred_at=at(dt.date(2023, 5, 3)))
    DirtyBucket.objects.all().delete()
    Incident.objects.filter(pk=incident.pk).update(ward=ward_b, occurred_at=at(dt.date(2023, 6, 1)))
    assert buckets() == {(ward_a.pk, dt.date(2023, 5, 3)), (ward_b.pk, dt.date(2023, 6, 1))}


def test_a_late_evening_counts_on_its_local_day(ward_a, viewer_all):
    # 23:30 in Hà Nội on 31 May is 16:30 UTC the same day; 00:30 on 1 June is 17:30 UTC 31 May.
    IncidentFactory(ward=ward_a, occurred_at=at(dt.date(2023, 5, 31), 23))
    IncidentFactory(ward=ward_a, occurred_at=at(dt.date(2023, 6, 1), 0))
    rollup.process_dirty()
    assert incidents(viewer_all, "month:2023-05") == 1
    assert incidents(viewer_all, "month:2023-06") == 1


def test_moving_a_camera_moves_its_extractions(ward_a, ward_b, viewer_all):
    extraction = VideoExtractionFactory(
        camera=CameraFactory(ward=ward_a), requested_at=at(dt.date(2023, 7, 7))
    )
    rollup.process_dirty()
    period = parse_period("year:2023")

    def extractions(ward):
        answer = stats_for(
            user=viewer_all, scope=f"ward:{ward.code}", period=period,
            metrics=["video_extractions"],
        )  # fmt: skip
        return answer["metrics"]["video_extractions"]["value"]

    assert (extractions(ward_a), extractions(ward_b)) == (1, 0)
    type(extraction.camera).objects.filter(pk=extraction.camera_id).update(ward=ward_b)
    rollup.process_dirty()
    assert (extractions(ward_a), extractions(ward_b)) == (0, 1)


def test_a_killed_run_is_repaired_by_the_next(ward_a, viewer_all):
    IncidentFactory(ward=ward_a, occurred_at=at(dt.date(2023, 5, 3)))
    killed = mock.patch.object(rollup, "_finish", side_effect=RuntimeError("worker killed"))
    with killed, pytest.raises(RuntimeError):
        rollup.process_dirty()
    assert DirtyBucket.objects.exists(), "the outbox rows came back with the rollback"
    assert not StatDay.objects.exists()
    assert rollup.process_dirty() == 1
    assert incidents(viewer_all, "year:2023") == 1
    assert rollup.process_dirty() == 0
    assert incidents(viewer_all, "year:2023") == 1


def test_as_of_is_the_oldest_waiting_change(ward_a, viewer_all):
    rollup.process_dirty()
    IncidentFactory(ward=ward_a, occurred_at=at(dt.date(2023, 5, 3)))
    waiting = DirtyBucket.objects.get()
    answer = stats_for(user=viewer_all, scope="all", period=parse_period("year:2023"))
    assert answer["as_of"] == waiting.created_at


def test_the_rollup_command_rebuilds(ward_a, ward_b, viewer_all):
    IncidentFactory(ward=ward_a, occurred_at=at(dt.date(2023, 5, 3)))
    IncidentFactory(ward=ward_b, occurred_at=at(dt.date(2023, 5, 3)))
    call_command("rollup", "--ward", ward_a.code, stdout=io.StringIO())
    # Ward B's change still waits in the outbox; ward A's was consumed by the rebuild.
    assert buckets() == {(ward_b.pk, dt.date(2023, 5, 3))}
    assert incidents(viewer_all, "year:2023") == 1
    call_command("rollup", "--since", "2023-01-01", stdout=io.StringIO())
    assert incidents(viewer_all, "year:2023") == 2
    with pytest.raises(CommandError):
        call_command("rollup", "--ward", "00000", stdout=io.StringIO())
    with pytest.raises(CommandError):
        call_command("rollup", "--since", "2023-02-30", stdout=io.StringIO())


def test_province_totals_follow_changes_moves_and_a_rebuild_of_one_ward(
    ward_a, ward_b, ward_c, viewer_all
):
    """A province and the whole country are read from the province totals: they move with
    every processed change, and a rebuild of one ward recomputes its province's totals."""
    province = f"province:{ward_a.province.code}"
    first = IncidentFactory(ward=ward_a, occurred_at=at(dt.date(2023, 5, 3)))
    IncidentFactory(ward=ward_b, occurred_at=at(dt.date(2023, 5, 3)))
    IncidentFactory(ward=ward_c, occurred_at=at(dt.date(2023, 5, 4)))
    rollup.process_dirty()
    assert incidents(viewer_all, "year:2023", province) == 2
    assert incidents(viewer_all, "year:2023") == 3
    first.ward = ward_c
    first.save()
    rollup.process_dirty()
    assert incidents(viewer_all, "year:2023", province) == 1
    assert incidents(viewer_all, "year:2023", f"province:{ward_c.province.code}") == 2
    assert incidents(viewer_all, "year:2023") == 3
    lost = province_row(ward_a.province_id)
    StatDay.objects.filter(ward_id=lost).delete()
    StatMonth.objects.filter(ward_id=lost).delete()
    assert incidents(viewer_all, "year:2023", province) == 0
    rollup.rebuild(ward_ids=[ward_b.pk])
    assert incidents(viewer_all, "year:2023", province) == 1
    assert incidents(viewer_all, "year:2023") == 3


def rollup_rows():
    days = set(StatDay.objects.values_list("ward_id", "day", "group_id", "metric", "value"))
    months = set(
        StatMonth.objects.exclude(delta=0, closing=0).values_list(
            "ward_id", "metric", "month", "delta", "closing"
        )
    )
    return days, months


def test_new_eid_tallies_in_several_wards_in_one_run_end_their_groups_earlier_ones(
    ward_a, ward_b, ward_c, viewer_all
):
    """An e-ID tally stands until its group's next one. New tallies in three wards, processed
    in one run (one statement a ward), each end their own group's earlier tally and no other:
    the figures and the rollup's rows are those of a rebuild."""
    groups = {
        w: [ResidentialGroupFactory(ward=w) for _ in range(2)] for w in (ward_a, ward_b, ward_c)
    }
    for ward, (first, second) in groups.items():
        EidTallyFactory(ward=ward, group=first, recorded_on=dt.date(2024, 1, 10), chip_cards=100)
        EidTallyFactory(ward=ward, group=second, recorded_on=dt.date(2024, 1, 10), chip_cards=100)
        EidTallyFactory(ward=ward, group=first, recorded_on=dt.date(2024, 2, 10), chip_cards=150)
    rollup.process_dirty()

    def chips(ward, spec="month:2024-03"):
        answer = stats_for(
            user=viewer_all, scope=f"ward:{ward.code}", period=parse_period(spec),
            metrics=["chip_cards"],
        )  # fmt: skip
        return answer["metrics"]["chip_cards"]["value"]

    assert [chips(w) for w in groups] == [250, 250, 250]
    EidTallyFactory(
        ward=ward_a, group=groups[ward_a][0], recorded_on=dt.date(2024, 3, 5), chip_cards=170
    )
    EidTallyFactory(
        ward=ward_b, group=groups[ward_b][1], recorded_on=dt.date(2024, 3, 5), chip_cards=130
    )
    EidTallyFactory(
        ward=ward_c, group=groups[ward_c][1], recorded_on=dt.date(2024, 3, 5), chip_cards=90
    )
    assert rollup.process_dirty() == 3
    assert [chips(w) for w in groups] == [270, 280, 240]
    assert [chips(w, "month:2024-02") for w in groups] == [250, 250, 250]
    incremental = rollup_rows()
    rollup.rebuild()
    assert rollup_rows() == incremental


def test_a_truncated_table_leaves_no_figures_behind(ward_a, ward_b, viewer_all):
    IncidentFactory(ward=ward_a, occurred_at=at(dt.date(2023, 5, 3)), category="drugs")
    IncidentFactory(ward=ward_b, occurred_at=at(dt.date(2023, 6, 3)))
    CameraFactory(ward=ward_a, installed_on=dt.date(2023, 1, 5))
    rollup.process_dirty()
    assert incidents(viewer_all, "year:2023") == 2
    with connection.cursor() as cursor:
        # The test's one transaction still holds the inserts' deferred foreign-key checks.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("TRUNCATE incidents_incident CASCADE")
    assert buckets() == {(ward_a.pk, dt.date(2023, 5, 3)), (ward_b.pk, dt.date(2023, 6, 3))}
    rollup.process_dirty()
    answer = stats_for(
        user=viewer_all,
        scope="all",
        period=parse_period("year:2023"),
        metrics=["incidents", "incidents.drugs", "cameras_active"],
    )["metrics"]
    assert answer["incidents"]["value"] == answer["incidents.drugs"]["value"] == 0
    assert answer["cameras_active"]["value"] == 1

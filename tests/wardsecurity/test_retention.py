"""Retention (issue 15 item 14): old history entries lose their personal values, nothing else.

The append-only guard still refuses every other UPDATE and DELETE of history and read logs.
"""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from households.models import Household
from incidents.models import Tip
from tests.factories import HouseholdFactory, TipFactory
from wardsecurity.celery import app
from wardsecurity.models import SensitiveRead
from wardsecurity.retention import (
    apply_retention,
    event_models,
    personal_fields,
    retention_apply,
)

pytestmark = pytest.mark.django_db


def events_of(model, pk):
    event_model = next(m for m in event_models() if m.pgh_tracked_model is model)
    return event_model, event_model.objects.filter(pgh_obj_id=pk).order_by("pgh_id")


def age(event_model, pks, days):
    """Backdate history entries (through the same controlled bypass the job uses)."""
    from wardsecurity.history import append_only_bypass

    with append_only_bypass(event_model):
        event_model.objects.filter(pk__in=pks).update(
            pgh_created_at=timezone.now() - timedelta(days=days)
        )


def test_personal_fields_are_derived_from_the_models():
    fields = {m.pgh_tracked_model._meta.label: set(personal_fields(m)) for m in event_models()}
    assert fields["households.Household"] == {"head_name", "phone", "address"}
    assert fields["incidents.Tip"] == {"reporter", "content"}
    assert fields["movement.TeamMember"] == {"full_name", "phone"}
    assert fields["movement.ReintegrationCase"] >= {"person_name"}
    assert fields["cameras.Contribution"] >= {"contributor_name"}
    assert fields["wardsecurity.User"] >= {"first_name", "last_name", "email", "username"}
    # Place names, codes and choices are not personal.
    assert fields["households.Ward"] == set()
    assert "code" not in fields["households.Household"]
    assert "status" not in fields["incidents.Tip"]


def test_old_entries_are_redacted_recent_ones_and_the_records_are_not(ward_a):
    household = HouseholdFactory(
        group__ward=ward_a, head_name="Phạm Văn Cũ", phone="0912000111", address="1 Lê Lợi"
    )
    Household.objects.filter(pk=household.pk).update(head_name="Phạm Văn Mới")
    event_model, events = events_of(Household, household.pk)
    old, recent = list(events)
    age(event_model, [old.pk], days=5 * 365 + 1)

    result = retention_apply()

    assert result.redacted == {event_model._meta.label: 1}
    old.refresh_from_db()
    recent.refresh_from_db()
    assert (old.head_name, old.phone, old.address) == ("", "", "")
    # The entry itself stays: what, when, which record, and its non-personal values.
    assert (old.code, old.member_count, old.pgh_obj_id) == (household.code, 4, household.pk)
    assert old.pgh_label == "insert"
    assert recent.head_name == "Phạm Văn Mới"
    household.refresh_from_db()
    assert household.head_name == "Phạm Văn Mới"  # the live record is not history

    # A second run has nothing left to do.
    assert retention_apply().redacted_total == 0


def test_informant_fields_of_old_tips_are_redacted(ward_a):
    tip = TipFactory(ward=ward_a, reporter="Người báo: Lê Thị Tin, 0987654321")
    event_model, events = events_of(Tip, tip.pk)
    age(event_model, [e.pk for e in events], days=4000)
    retention_apply()
    entry = events.get()
    assert (entry.reporter, entry.content) == ("", "")
    assert entry.category == tip.category


def test_old_sensitive_reads_are_deleted(officer_a):
    old = SensitiveRead.objects.create(
        user=officer_a, model="incidents.tip", object_ids=[1], path="/"
    )
    new = SensitiveRead.objects.create(
        user=officer_a, model="incidents.tip", object_ids=[2], path="/"
    )
    from wardsecurity.history import append_only_bypass

    with append_only_bypass(SensitiveRead):
        SensitiveRead.objects.filter(pk=old.pk).update(at=timezone.now() - timedelta(days=2000))
    assert retention_apply().sensitive_reads_deleted == 1
    assert list(SensitiveRead.objects.values_list("pk", flat=True)) == [new.pk]


def test_the_retention_is_a_setting(settings, ward_a):
    household = HouseholdFactory(group__ward=ward_a)
    event_model, events = events_of(Household, household.pk)
    age(event_model, [e.pk for e in events], days=40)
    assert retention_apply().redacted_total == 0
    settings.HISTORY_RETENTION_DAYS = 30
    assert retention_apply().redacted_total == 1


def test_plain_updates_and_deletes_of_history_are_still_refused(ward_a, officer_a):
    household = HouseholdFactory(group__ward=ward_a)
    event_model, events = events_of(Household, household.pk)
    table = event_model._meta.db_table
    read = SensitiveRead.objects.create(user=officer_a, model="x", object_ids=[1], path="/")
    for sql in (
        f"UPDATE {table} SET head_name = '' WHERE pgh_obj_id = {household.pk}",
        f"DELETE FROM {table} WHERE pgh_obj_id = {household.pk}",
        f"UPDATE wardsecurity_sensitiveread SET path = '' WHERE id = {read.pk}",
        f"DELETE FROM wardsecurity_sensitiveread WHERE id = {read.pk}",
    ):
        with (
            pytest.raises(DatabaseError, match="Cannot update or delete"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql)
    # The ORM outside the retention job is refused the same way.
    with pytest.raises(DatabaseError), transaction.atomic():
        event_model.objects.filter(pgh_obj_id=household.pk).update(head_name="")
    # And the bypass ends with its block.
    from wardsecurity.history import append_only_bypass

    with append_only_bypass(event_model):
        pass
    with pytest.raises(DatabaseError), transaction.atomic():
        event_model.objects.filter(pgh_obj_id=household.pk).update(head_name="")
    assert events.get().head_name == household.head_name


def test_the_command_and_the_nightly_task(ward_a, capsys):
    household = HouseholdFactory(group__ward=ward_a)
    event_model, events = events_of(Household, household.pk)
    age(event_model, [e.pk for e in events], days=100)
    call_command("apply_retention", "--days", "90")
    assert "1 history entries redacted" in capsys.readouterr().out
    assert events.get().head_name == ""
    assert app.conf.beat_schedule["retention"]["task"] == apply_retention.name
    assert apply_retention.name in app.tasks
    assert apply_retention.delay().get() == 0

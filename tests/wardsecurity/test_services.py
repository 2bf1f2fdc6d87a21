import importlib
import inspect
import threading
import time

import pghistory
import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.http import Http404

from households.models import Household
from households.services import household_create, household_delete, household_update
from movement.models import Commitment
from tests.factories import CommitmentFactory, HouseholdFactory, ResidentialGroupFactory
from tests.service_matrix import snapshot
from wardsecurity import services as engine
from wardsecurity.services import (
    OutOfScope,
    StaleVersion,
    prepare_create,
    record_write,
    save_record,
    writable_fields,
)

SERVICES = {
    "households": ["residential_group", "household", "organisation"],
    "movement": [
        "self_management_model",
        "team",
        "team_member",
        "commitment",
        "mediation_case",
        "outreach_session",
        "commendation",
        "weapon_surrender",
        "reintegration_case",
        "eid_tally",
        "safety_recognition",
        "appraisal",
        "organisation_commitment_tally",
        "patrol",
        "team_appraisal",
    ],
    "incidents": ["tip", "incident", "hotspot"],
    "cameras": ["recorder", "camera", "contribution", "video_extraction"],
}


@pytest.mark.parametrize(
    ("app", "noun"), [(app, noun) for app, nouns in SERVICES.items() for noun in nouns]
)
def test_every_entity_has_named_keyword_only_services(app, noun):
    module = importlib.import_module(f"{app}.services")
    for verb in ("create", "update", "delete"):
        service = getattr(module, f"{noun}_{verb}")
        assert service.__name__ == f"{noun}_{verb}"
        assert service.__module__ == f"{app}.services"
        assert service.__doc__ and "\n" not in service.__doc__
        parameters = inspect.signature(service).parameters.values()
        assert all(p.kind is inspect.Parameter.KEYWORD_ONLY for p in parameters)


@pytest.mark.parametrize(
    ("app", "noun"), [(app, noun) for app, nouns in SERVICES.items() for noun in nouns]
)
def test_every_service_is_written_out_in_its_apps_module(app, noun):
    module = importlib.import_module(f"{app}.services")
    for verb in ("create", "update", "delete"):
        name = f"{noun}_{verb}"
        service = getattr(module, name)
        assert inspect.isfunction(service)
        assert service.__qualname__ == name  # defined at module level, not made by a factory
        assert inspect.getsourcefile(service) == inspect.getsourcefile(module)
        assert inspect.getsource(service).startswith(f"def {name}(")
        signature = inspect.signature(service)
        assert signature.return_annotation is not inspect.Signature.empty
        assert all(
            p.annotation is not inspect.Parameter.empty for p in signature.parameters.values()
        )


def test_the_apps_define_all_75_services_and_no_factory_remains():
    names = {
        (app, name)
        for app in SERVICES
        for name, value in vars(importlib.import_module(f"{app}.services")).items()
        if inspect.isfunction(value)
        and value.__module__ == f"{app}.services"
        and name.endswith(("_create", "_update", "_delete"))
    }
    expected = {
        (app, f"{noun}_{verb}")
        for app, nouns in SERVICES.items()
        for noun in nouns
        for verb in ("create", "update", "delete")
    }
    assert names == expected
    assert len(expected) == 75  # 25 kinds of record
    assert not hasattr(engine, "make_services")


def test_every_step_of_the_engine_is_annotated():
    steps = [
        value
        for value in vars(engine).values()
        if inspect.isfunction(value) and value.__module__ == engine.__name__
    ]
    assert {"record_write", "prepare_create", "prepare_update", "save_record"} <= {
        step.__name__ for step in steps
    }
    for step in steps:
        signature = inspect.signature(step)
        assert signature.return_annotation is not inspect.Signature.empty, step.__name__
        for parameter in signature.parameters.values():
            assert parameter.annotation is not inspect.Parameter.empty, step.__name__


def test_out_of_scope_answers_as_not_found_and_stale_version_as_invalid():
    assert issubclass(OutOfScope, Http404)
    assert issubclass(StaleVersion, ValidationError)


def test_bookkeeping_fields_are_never_writable():
    assert not {"id", "version", "created_at", "updated_at"} & set(writable_fields(Household))
    assert "ward" in writable_fields(Household)


def household_of(ward):
    return HouseholdFactory(group=ResidentialGroupFactory(ward=ward))


def test_each_update_adds_exactly_one_version(officer_a, ward_a):
    household = household_of(ward_a)
    first = household_update(actor=officer_a, instance=household, data={"member_count": 2})
    second = household_update(
        actor=officer_a, instance=first, data={"member_count": 3}, expected_version=2
    )
    assert (first.version, second.version) == (2, 3)
    household.refresh_from_db()
    assert household.version == 3


@pytest.mark.parametrize("expected", [2, "2", "abc", True, 1.5])
def test_version_that_is_not_the_current_one_is_stale(expected, officer_a, ward_a):
    household = household_of(ward_a)  # version 1
    before = snapshot(Household)
    with pytest.raises(StaleVersion):
        household_update(
            actor=officer_a, instance=household, data={"member_count": 2}, expected_version=expected
        )
    assert snapshot(Household) == before


def test_current_version_as_text_is_accepted(officer_a, ward_a):
    household = household_of(ward_a)
    household_update(actor=officer_a, instance=household, data={}, expected_version="1")


def test_update_uses_the_current_row_not_the_callers_copy(officer_a, ward_a):
    household = household_of(ward_a)
    Household.objects.filter(pk=household.pk).update(address="Địa chỉ mới")
    updated = household_update(actor=officer_a, instance=household, data={"member_count": 6})
    assert (updated.address, updated.member_count) == ("Địa chỉ mới", 6)


@pytest.mark.django_db(transaction=True)
def test_concurrent_update_based_on_the_same_version_is_refused(officer_a, ward_a):
    household = household_of(ward_a)
    outcome = []

    def second_writer():
        try:
            household_update(
                actor=officer_a, instance=household, data={"member_count": 9}, expected_version=1
            )
            outcome.append("saved")
        except StaleVersion:
            outcome.append("stale")
        finally:
            connection.close()

    writer = threading.Thread(target=second_writer)
    try:
        with transaction.atomic():
            # The first writer holds the row while the second starts from the same version.
            Household.objects.select_for_update().get(pk=household.pk)
            writer.start()
            wait_until_a_session_waits_for_a_lock()
            Household.objects.filter(pk=household.pk).update(member_count=7)
    finally:
        writer.join(timeout=10)

    assert outcome == ["stale"]
    household.refresh_from_db()
    assert (household.member_count, household.version) == (7, 2)


def wait_until_a_session_waits_for_a_lock(timeout=5.0):
    deadline = time.monotonic() + timeout
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            # Statistics views are a snapshot per transaction unless cleared.
            cursor.execute("SELECT pg_stat_clear_snapshot()")
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity"
                " WHERE wait_event_type = 'Lock' AND datname = current_database()"
            )
            if cursor.fetchone()[0]:
                return
            time.sleep(0.05)
    raise AssertionError("the second writer never waited for the row lock")


def test_unique_clash_lost_to_a_concurrent_writer_is_a_validation_error(officer_a, ward_a):
    group = ResidentialGroupFactory(ward=ward_a)
    data = {"group": group.pk, "code": "HK-1", "address": "1 Lê Lợi", "head_name": "An"}
    with (
        pytest.raises(ValidationError) as exc_info,
        record_write(actor=officer_a, service="household_create"),
    ):
        prepared = prepare_create(Household, actor=officer_a, data={**data, "member_count": 1})
        # A concurrent writer saves the same code after full_clean passed, before the save.
        HouseholdFactory(group=group, code=prepared.record.code)
        save_record(prepared)
    assert exc_info.value.code == "conflict"
    assert not Household.objects.exists()


def test_history_keeps_the_request_context_and_adds_the_actor(officer_a, ward_a):
    with pghistory.context(url="/households/", method="POST"):
        household = household_create(
            actor=officer_a,
            data={
                "group": ResidentialGroupFactory(ward=ward_a).pk,
                "code": "HK-9",
                "address": "9 Lê Lợi",
                "head_name": "Hoàng Văn Chín",
                "member_count": 2,
            },
        )
    (event,) = Household.pgh_event_model.objects.filter(pgh_obj_id=household.pk)
    assert event.pgh_context.metadata == {
        "url": "/households/",
        "method": "POST",
        "user": officer_a.pk,
        "service": "household_create",
    }


def test_cascaded_deletes_are_in_history_with_the_actor(officer_a, ward_a):
    commitment = CommitmentFactory(household=household_of(ward_a))
    household_delete(actor=officer_a, instance=commitment.household)
    assert not Commitment.objects.exists()
    (event,) = Commitment.pgh_event_model.objects.filter(
        pgh_obj_id=commitment.pk, pgh_label="delete"
    )
    assert event.pgh_context.metadata["user"] == officer_a.pk
    assert event.pgh_context.metadata["service"] == "household_delete"

"""Generic service tests: every role × own/other ward × create/update/delete, history and G3/G5/G7.

An app's test module declares one ``Case`` per model (its services, a factory and valid data) and
subclasses ``ServiceMatrix``; every test below then runs for each case.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError

from wardsecurity.services import OutOfScope, StaleVersion


@dataclass
class Case:
    """One model's services with what the generic tests need to exercise them."""

    model: Any
    create: Callable
    update: Callable
    delete: Callable
    factory: Callable  # ward -> an existing record of that ward
    data: Callable  # ward -> valid create data for that ward
    change: dict  # a valid update
    # The link the ward is derived from when ``data`` does not name the ward (household: group).
    derived_from: str | None = None
    # ward -> a value for the ward-naming field that points into that ward (see ``owner``).
    owner_target: Callable = field(default=lambda ward: ward.pk)

    @property
    def name(self):
        return self.model._meta.model_name

    @property
    def owner(self):
        return self.model.ward_path.split("__")[0]


def snapshot(model):
    """Every row of ``model``'s table, to prove that a refused write changed nothing."""
    return list(model.objects.order_by("pk").values())


def error_codes(exc_info, key):
    return [error.code for error in exc_info.value.error_dict[key]]


def history(model, pk, label):
    return model.pgh_event_model.objects.filter(pgh_obj_id=pk, pgh_label=label)


def assert_applied(record, change):
    record.refresh_from_db()
    for name, value in change.items():
        assert getattr(record, name) == record._meta.get_field(name).to_python(value), name


class ServiceMatrix:
    """Mixin: ``cases`` parametrise every test that takes ``case``."""

    cases: ClassVar[list[Case]] = []

    def pytest_generate_tests(self, metafunc):
        if "case" in metafunc.fixturenames:
            metafunc.parametrize("case", self.cases, ids=[c.name for c in self.cases])

    def test_police_officer_creates_updates_and_deletes_in_own_ward(self, case, officer_a, ward_a):
        record = case.create(actor=officer_a, data=case.data(ward_a))
        assert record.owner_ward_id == ward_a.pk
        assert case.model.objects.filter(pk=record.pk).exists()

        updated = case.update(actor=officer_a, instance=record, data=case.change)
        assert updated.version == 2
        assert_applied(updated, case.change)

        case.delete(actor=officer_a, instance=updated, expected_version=2)
        assert not case.model.objects.filter(pk=record.pk).exists()

    def test_each_write_records_history_with_the_actor(self, case, officer_a, ward_a):
        record = case.create(actor=officer_a, data=case.data(ward_a))
        case.update(actor=officer_a, instance=record, data=case.change)
        case.delete(actor=officer_a, instance=record)

        for verb, label in (("create", "insert"), ("update", "update"), ("delete", "delete")):
            (event,) = history(case.model, record.pk, label)
            assert event.pgh_context.metadata["user"] == officer_a.pk
            noun = case.create.__name__.removesuffix("_create")
            assert event.pgh_context.metadata["service"] == f"{noun}_{verb}"

    def test_clerk_writes_in_own_ward_but_never_sensitive_records(self, case, clerk_a, ward_a):
        existing = case.factory(ward_a)
        data = case.data(ward_a)
        if not case.model.sensitive:
            record = case.create(actor=clerk_a, data=data)
            case.update(actor=clerk_a, instance=record, data=case.change)
            case.delete(actor=clerk_a, instance=record)
            return
        before = snapshot(case.model)
        with pytest.raises(OutOfScope):
            case.create(actor=clerk_a, data=data)
        with pytest.raises(OutOfScope):
            case.update(actor=clerk_a, instance=existing, data=case.change)
        with pytest.raises(OutOfScope):
            case.delete(actor=clerk_a, instance=existing)
        assert snapshot(case.model) == before

    def test_officer_of_another_ward_gets_not_found(self, case, officer_b, ward_a):
        existing = case.factory(ward_a)
        data = case.data(ward_a)
        before = snapshot(case.model)
        if case.derived_from:
            # The ward comes from a link: refused as a link to another ward's record (G3).
            with pytest.raises(ValidationError) as exc_info:
                case.create(actor=officer_b, data=data)
            assert error_codes(exc_info, case.derived_from) == ["other_ward"]
        else:
            with pytest.raises(OutOfScope):
                case.create(actor=officer_b, data=data)
        with pytest.raises(OutOfScope):
            case.update(actor=officer_b, instance=existing, data=case.change)
        with pytest.raises(OutOfScope):
            case.delete(actor=officer_b, instance=existing)
        assert snapshot(case.model) == before

    def test_steering_viewer_may_not_write(self, case, viewer_city, ward_a, ward_b):
        # viewer_city oversees ward A (in scope) but not ward B (out of scope: 404, not 403).
        in_scope, out_of_scope = case.factory(ward_a), case.factory(ward_b)
        data = case.data(ward_a)
        before = snapshot(case.model)
        refused = OutOfScope if case.model.sensitive else PermissionDenied
        with pytest.raises(refused):
            case.create(actor=viewer_city, data=data)
        with pytest.raises(refused):
            case.update(actor=viewer_city, instance=in_scope, data=case.change)
        with pytest.raises(refused):
            case.delete(actor=viewer_city, instance=in_scope)
        with pytest.raises(OutOfScope):
            case.update(actor=viewer_city, instance=out_of_scope, data=case.change)
        assert snapshot(case.model) == before

    @pytest.mark.parametrize("who", ["anonymous", "inactive"])
    def test_signed_out_or_inactive_user_may_not_write(self, case, who, officer_a, ward_a):
        existing = case.factory(ward_a)
        data = case.data(ward_a)
        if who == "inactive":
            actor = officer_a
            actor.is_active = False
        else:
            actor = AnonymousUser()
        before = snapshot(case.model)
        with pytest.raises(PermissionDenied):
            case.create(actor=actor, data=data)
        with pytest.raises(PermissionDenied):
            case.update(actor=actor, instance=existing, data=case.change)
        with pytest.raises(PermissionDenied):
            case.delete(actor=actor, instance=existing)
        assert snapshot(case.model) == before

    def test_administrator_writes_in_any_ward(self, case, admin_user, ward_c):
        record = case.create(actor=admin_user, data=case.data(ward_c))
        assert record.owner_ward_id == ward_c.pk
        case.update(actor=admin_user, instance=record, data=case.change)
        case.delete(actor=admin_user, instance=record)

    @pytest.mark.parametrize("persona", ["officer_a", "admin_user"])
    def test_record_cannot_be_moved_to_another_ward(self, case, persona, request, ward_a, ward_b):
        actor = request.getfixturevalue(persona)
        existing = case.factory(ward_a)
        target = case.owner_target(ward_b)
        before = snapshot(case.model)
        with pytest.raises(ValidationError) as exc_info:
            case.update(actor=actor, instance=existing, data={case.owner: target})
        # The same answer whether the actor can see ward B (admin) or not (officer).
        assert error_codes(exc_info, case.owner) == ["ward_change"]
        assert snapshot(case.model) == before

    def test_unknown_and_read_only_fields_are_refused(self, case, officer_a, ward_a):
        existing = case.factory(ward_a)
        forbidden = {
            "id": 999_999,
            "version": 42,
            "created_at": "2020-01-01T00:00:00Z",
            "updated_at": "2020-01-01T00:00:00Z",
            "no_such_field": "x",
        }
        before = snapshot(case.model)
        with pytest.raises(ValidationError) as exc_info:
            case.create(actor=officer_a, data={**case.data(ward_a), **forbidden})
        assert set(exc_info.value.error_dict) == set(forbidden)
        with pytest.raises(ValidationError) as exc_info:
            case.update(actor=officer_a, instance=existing, data={**case.change, **forbidden})
        assert set(exc_info.value.error_dict) == set(forbidden)
        assert error_codes(exc_info, "version") == ["not_writable"]
        assert snapshot(case.model) == before

    def test_stale_version_is_refused(self, case, officer_a, ward_a):
        opened = case.factory(ward_a)  # version 1, as a form or a GET saw it
        case.update(actor=officer_a, instance=opened, data=case.change)  # someone else saves
        before = snapshot(case.model)
        with pytest.raises(StaleVersion) as exc_info:
            case.update(actor=officer_a, instance=opened, data=case.change, expected_version=1)
        assert exc_info.value.code == "stale"
        with pytest.raises(StaleVersion):
            case.delete(actor=officer_a, instance=opened, expected_version=1)
        assert snapshot(case.model) == before

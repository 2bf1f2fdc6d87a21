import unicodedata

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import override

from households.models import Household, Organisation, ResidentialGroup
from households.services import (
    household_create,
    household_delete,
    household_update,
    organisation_create,
    organisation_delete,
    organisation_update,
    residential_group_create,
    residential_group_delete,
    residential_group_update,
)
from tests.factories import HouseholdFactory, OrganisationFactory, ResidentialGroupFactory
from tests.service_matrix import Case, ServiceMatrix, error_codes, snapshot


def household_data(ward, **overrides):
    return {
        "group": ResidentialGroupFactory(ward=ward).pk,
        "code": "HK-100",
        "address": "12 Đường Lê Lợi",
        "head_name": "Nguyễn Văn An",
        "member_count": 3,
        **overrides,
    }


class TestHouseholdWritesByRoleAndScope(ServiceMatrix):
    cases = [
        Case(
            model=ResidentialGroup,
            create=residential_group_create,
            update=residential_group_update,
            delete=residential_group_delete,
            factory=lambda ward: ResidentialGroupFactory(ward=ward),
            data=lambda ward: {"ward": ward.pk, "name": "Tổ dân phố 17", "kind": "to_dan_pho"},
            change={"name": "Tổ dân phố 18"},
        ),
        Case(
            model=Household,
            create=household_create,
            update=household_update,
            delete=household_delete,
            factory=lambda ward: HouseholdFactory(group=ResidentialGroupFactory(ward=ward)),
            data=household_data,
            change={"member_count": 5, "residence": "temporary"},
            derived_from="group",
        ),
        Case(
            model=Organisation,
            create=organisation_create,
            update=organisation_update,
            delete=organisation_delete,
            factory=lambda ward: OrganisationFactory(ward=ward),
            data=lambda ward: {"ward": ward.pk, "name": "Trường THCS An Bình", "kind": "school"},
            change={"kind": "agency"},
        ),
    ]


# G3: a household in another ward's group ------------------------------------------------------


@pytest.mark.parametrize("persona", ["officer_a", "clerk_a", "admin_user"])
def test_household_in_another_wards_group_gets_the_same_error_as_a_missing_group(
    persona, request, ward_a, ward_b
):
    actor = request.getfixturevalue(persona)
    other_wards_group = ResidentialGroupFactory(ward=ward_b)
    missing_id = other_wards_group.pk + 1000
    messages = []
    for group in (other_wards_group.pk, missing_id, other_wards_group):
        before = snapshot(Household)
        # The admin names ward A so that the group is "another ward's" for the admin too.
        data = household_data(ward_a, group=group)
        if persona == "admin_user":
            data["ward"] = ward_a.pk
        with override("en"), pytest.raises(ValidationError) as exc_info:
            household_create(actor=actor, data=data)
        assert error_codes(exc_info, "group") == ["other_ward"]
        with override("en"):
            messages.append(exc_info.value.message_dict["group"])
        assert snapshot(Household) == before
    assert messages[0] == messages[1] == messages[2]


def test_household_cannot_be_moved_into_another_wards_group(officer_a, ward_a, ward_b):
    household = HouseholdFactory(group=ResidentialGroupFactory(ward=ward_a))
    before = snapshot(Household)
    for group in (ResidentialGroupFactory(ward=ward_b).pk, 10**9):
        with pytest.raises(ValidationError) as exc_info:
            household_update(actor=officer_a, instance=household, data={"group": group})
        assert error_codes(exc_info, "group") == ["other_ward"]
    assert snapshot(Household) == before


def test_household_moves_between_groups_of_its_own_ward(officer_a, ward_a):
    household = HouseholdFactory(group=ResidentialGroupFactory(ward=ward_a))
    other_group = ResidentialGroupFactory(ward=ward_a)
    updated = household_update(actor=officer_a, instance=household, data={"group": other_group})
    assert (updated.group, updated.ward) == (other_group, ward_a)


def test_household_takes_its_ward_from_its_group(clerk_a, ward_a):
    household = household_create(actor=clerk_a, data=household_data(ward_a))
    assert household.ward == household.group.ward == ward_a


def test_organisation_cannot_be_linked_to_another_wards_group(officer_a, ward_a, ward_b):
    data = {"ward": ward_a.pk, "name": "Chợ An Bình", "kind": "market"}
    for group in (ResidentialGroupFactory(ward=ward_b).pk, 10**9, "abc"):
        with pytest.raises(ValidationError) as exc_info:
            organisation_create(actor=officer_a, data={**data, "group": group})
        assert error_codes(exc_info, "group") == ["other_ward"]
    assert not Organisation.objects.exists()


def test_group_still_holding_households_cannot_be_deleted(officer_a, ward_a):
    household = HouseholdFactory(group=ResidentialGroupFactory(ward=ward_a))
    with pytest.raises(ValidationError) as exc_info:
        residential_group_delete(actor=officer_a, instance=household.group)
    assert exc_info.value.code == "protected"
    assert ResidentialGroup.objects.filter(pk=household.group_id).exists()


# Bad input (GUARANTEES "Forms and validators") -------------------------------------------------

REFUSED = [
    pytest.param({"head_name": "Nguyễn\x00Văn An"}, "head_name", "control_characters", id="nul"),
    pytest.param({"address": "12 Lê Lợi\x07"}, "address", "control_characters", id="bell"),
    pytest.param({"code": "１２３"}, "code", "invalid_code", id="full-width-digits"),
    pytest.param({"code": "HK-٣"}, "code", "invalid_code", id="arabic-indic-digit"),
    pytest.param({"code": "HK 1"}, "code", "invalid_code", id="space-inside-code"),
    pytest.param({"head_name": "Nguyễn\u200bVăn"}, "head_name", "invisible_characters", id="zwsp"),
    pytest.param({"head_name": "\u202eAn Văn"}, "head_name", "invisible_characters", id="rtl"),
    pytest.param(
        {"address": "Nhà 👨\u200d👩\u200d👧"}, "address", "invisible_characters", id="zwj"
    ),
    pytest.param({"head_name": "A" * 300}, "head_name", "max_length", id="300-chars"),
    pytest.param({"head_name": "   "}, "head_name", "blank", id="only-spaces"),
    pytest.param({"member_count": 0}, "member_count", "min_value", id="member-count-0"),
    pytest.param({"member_count": -2}, "member_count", "min_value", id="negative-count"),
    pytest.param({"member_count": 40_000}, "member_count", "max_value", id="count-too-big"),
    pytest.param({"member_count": "３"}, "member_count", "invalid", id="full-width-count"),
    pytest.param({"member_count": "٣"}, "member_count", "invalid", id="arabic-indic-count"),
    pytest.param({"member_count": 2.5}, "member_count", "invalid", id="fractional-count"),
    pytest.param({"member_count": "1.500"}, "member_count", "invalid", id="separator-count"),
    pytest.param({"member_count": float("inf")}, "member_count", "invalid", id="1e309"),
    pytest.param({"member_count": True}, "member_count", "invalid", id="bool-count"),
    pytest.param({"member_count": [3]}, "member_count", "invalid", id="list-count"),
    pytest.param({"member_count": None}, "member_count", "null", id="null-count"),
    pytest.param({"head_name": {"id": 1}}, "head_name", "invalid", id="object-name"),
    pytest.param({"residence": "elsewhere"}, "residence", "invalid_choice", id="bad-choice"),
    pytest.param({"group": "abc"}, "group", "other_ward", id="group-not-an-id"),
    pytest.param({"group": 10**30}, "group", "other_ward", id="group-id-overflow"),
    pytest.param({"group": None}, "group", "null", id="no-group"),
]


@pytest.mark.parametrize(("overrides", "field", "code"), REFUSED)
def test_household_create_refuses_bad_input_and_writes_nothing(
    overrides, field, code, officer_a, ward_a
):
    data = household_data(ward_a, **overrides)
    before = snapshot(Household)
    with pytest.raises(ValidationError) as exc_info:
        household_create(actor=officer_a, data=data)
    assert code in error_codes(exc_info, field)
    assert snapshot(Household) == before


@pytest.mark.parametrize(("overrides", "field", "code"), REFUSED)
def test_household_update_refuses_bad_input_and_changes_nothing(
    overrides, field, code, officer_a, ward_a
):
    household = HouseholdFactory(group=ResidentialGroupFactory(ward=ward_a))
    before = snapshot(Household)
    with pytest.raises(ValidationError) as exc_info:
        household_update(actor=officer_a, instance=household, data=overrides)
    assert code in error_codes(exc_info, field)
    assert snapshot(Household) == before


def test_surrounding_spaces_are_stripped(officer_a, ward_a):
    data = household_data(ward_a, code="  HK-7 ", head_name=" Trần Thị Bình\t", member_count=" 4 ")
    household = household_create(actor=officer_a, data=data)
    household.refresh_from_db()
    assert (household.code, household.head_name, household.member_count) == (
        "HK-7",
        "Trần Thị Bình",
        4,
    )


def test_name_typed_in_nfd_is_stored_in_nfc_and_found_by_nfc(officer_a, ward_a):
    nfc = "Nguyễn Thị Hoà"
    nfd = unicodedata.normalize("NFD", nfc)
    assert nfd != nfc
    household = household_create(actor=officer_a, data=household_data(ward_a, head_name=nfd))
    household.refresh_from_db()
    assert household.head_name == nfc
    assert Household.objects.filter(head_name=nfc).get() == household


def test_group_names_in_nfc_and_nfd_are_the_same_name(officer_a, ward_a):
    nfc = "Tổ dân phố Đồng Tâm"
    residential_group_create(actor=officer_a, data={"ward": ward_a.pk, "name": nfc})
    before = snapshot(ResidentialGroup)
    with pytest.raises(ValidationError) as exc_info:
        residential_group_create(
            actor=officer_a, data={"ward": ward_a.pk, "name": unicodedata.normalize("NFD", nfc)}
        )
    # The constraint names no violation_error_code, so the message is the contract here.
    assert list(exc_info.value.error_dict) == [NON_FIELD_ERRORS]
    assert snapshot(ResidentialGroup) == before


def test_household_code_padded_with_spaces_is_a_duplicate(officer_a, ward_a):
    household_create(actor=officer_a, data=household_data(ward_a, code="HK-1"))
    before = snapshot(Household)
    with pytest.raises(ValidationError) as exc_info:
        household_create(actor=officer_a, data=household_data(ward_a, code=" HK-1 "))
    # The constraint names no violation_error_code, so the message is the contract here.
    assert list(exc_info.value.error_dict) == [NON_FIELD_ERRORS]
    assert snapshot(Household) == before


@pytest.mark.parametrize(
    "text", ["🏠 12 Lê Lợi", "<img src=x onerror=alert(1)>", "{{7*7}}", '=HYPERLINK("x")']
)
def test_emoji_and_markup_are_kept_as_plain_text(text, officer_a, ward_a):
    # Plain emoji are accepted; emoji joined with U+200D are refused with the invisible characters.
    household = household_create(actor=officer_a, data=household_data(ward_a, address=text))
    household.refresh_from_db()
    assert household.address == text


def test_data_that_is_not_a_mapping_is_refused(officer_a):
    with pytest.raises(ValidationError) as exc_info:
        household_create(actor=officer_a, data=[("code", "HK-1")])
    assert exc_info.value.code == "invalid"

"""A residential group's former ward (docs/domain.md): one of its own ward's predecessors."""

import pytest
from rest_framework.test import APIClient

from households.models import FormerWard, ResidentialGroup, WardSuccession

pytestmark = pytest.mark.django_db


def former(code, name, ward):
    unit = FormerWard.objects.create(
        code=code, name=name, kind=FormerWard.Kind.PHUONG, district_name="Thị xã Cũ",
        province_name="Tỉnh Thử Nghiệm", search_name=name.lower(),
    )  # fmt: skip
    WardSuccession.objects.create(former_ward=unit, ward=ward)
    return unit


def post(user, data):
    client = APIClient()
    client.force_authenticate(user)
    return client.post("/api/v1/groups/", data, format="json")


def test_a_group_takes_one_of_its_ward_s_predecessors(clerk_a, ward_a):
    own = former("16561", "Phường Hải Hòa", ward_a)
    response = post(clerk_a, {"ward": ward_a.pk, "name": "Tổ 1", "former_ward": own.pk})
    assert response.status_code == 201, response.content
    assert response.json()["former_ward"] == own.pk
    assert ResidentialGroup.objects.get(name="Tổ 1").former_ward == own


@pytest.mark.parametrize("persona", ["clerk_a", "admin_user"])
def test_another_ward_s_predecessor_is_refused_in_vietnamese_and_nothing_is_saved(
    request, persona, ward_a, ward_b
):
    other = former("16612", "Xã Hải Nhân", ward_b)
    response = post(
        request.getfixturevalue(persona),
        {"ward": ward_a.pk, "name": "Tổ 1", "former_ward": other.pk},
    )
    assert response.status_code == 400
    if persona == "clerk_a":
        # A clerk sees only the ward's own predecessors: another's is like another ward's record.
        expected = "Vui lòng chọn bản ghi thuộc cùng xã/phường."
    else:
        expected = (
            f"Xã Hải Nhân không phải là xã, phường cũ được sắp xếp vào {ward_a.name}; hãy chọn "
            f"một trong các xã, phường cũ của {ward_a.name}."
        )
    assert response.json()["fields"]["former_ward"] == [expected]
    assert not ResidentialGroup.objects.exists()

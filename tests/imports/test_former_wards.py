"""Imports name a ward of the map before 1 July 2025 (docs/imports.md, docs/domain.md).

The ward column takes the ward itself or one of its predecessors (old code or name) that went
wholly into it; a predecessor split among several new wards is refused, naming them, unless the
row names the new ward and the old one in the former-ward column. Both the row path and the
households fast path read the cells the same way.
"""

import pytest
from django.test import override_settings

from households.models import FormerWard, Household, WardSuccession
from imports.models import ImportBatch
from tests.factories import ResidentialGroupFactory
from tests.imports.helpers import HOUSEHOLD_HEADER, csv_bytes, household_lines, run

pytestmark = pytest.mark.django_db

PATHS = [
    pytest.param(10_000, id="row path"),
    pytest.param(1, id="fast path"),
]


def former(code, name, *wards, partly=False):
    unit = FormerWard.objects.create(
        code=code,
        name=name,
        kind=FormerWard.Kind.PHUONG,
        district_name="Thị xã Cũ",
        province_name="Tỉnh Thử Nghiệm",
        search_name=name.lower(),
    )
    for ward in wards:
        WardSuccession.objects.create(former_ward=unit, ward=ward, partly=partly or len(wards) > 1)
    return unit


@pytest.fixture
def map_2025(ward_a, ward_b):
    """Ward A took the whole of phường Hải Hòa and part of phường Quang Trung, whose other part
    went to ward B."""
    whole = former("16561", "Phường Hải Hòa", ward_a)
    split = former("00688", "Phường Quang Trung", ward_a, ward_b)
    return whole, split


def households_file(*rows, header=HOUSEHOLD_HEADER + ",Mã xã/phường"):
    lines = household_lines(len(rows))
    return csv_bytes(header, *(f"{line},{extra}" for line, extra in zip(lines, rows, strict=True)))


@pytest.mark.parametrize("threshold", PATHS)
def test_an_old_ward_wholly_merged_is_read_as_today_s_ward(
    clerk_a, ward_a, groups_a, map_2025, threshold
):
    content = households_file("16561", "Phường Hải Hòa", "hải hòa (cũ)", ward_a.code)
    with override_settings(IMPORT_FAST_THRESHOLD=threshold):
        batch = run(clerk_a, ward_a, "households", content)
    assert batch.status == ImportBatch.Status.COMMITTED, batch.errors
    assert Household.objects.filter(ward=ward_a).count() == 4


@pytest.mark.parametrize("threshold", PATHS)
def test_an_old_ward_split_among_new_wards_is_refused_naming_them_and_nothing_is_saved(
    clerk_a, ward_a, ward_b, groups_a, map_2025, threshold
):
    content = households_file(ward_a.code, "00688")
    with override_settings(IMPORT_FAST_THRESHOLD=threshold):
        batch = run(clerk_a, ward_a, "households", content)
    assert batch.status == ImportBatch.Status.INVALID
    assert [(e["row"], e["column"], e["message"]) for e in batch.errors] == [
        (
            3,
            "Mã xã/phường",
            "“Phường Quang Trung (00688)” đã được chia cho nhiều xã, phường mới "
            f"({ward_a.name} ({ward_a.code}), {ward_b.name} ({ward_b.code})): ghi xã, phường "
            "mới vào cột “Mã xã/phường” và xã, phường cũ vào cột “Xã/phường cũ”.",
        )
    ]
    assert not Household.objects.exists()


@pytest.mark.parametrize("threshold", PATHS)
def test_a_split_old_ward_is_accepted_when_the_row_also_names_the_new_ward(
    clerk_a, ward_a, groups_a, map_2025, threshold
):
    header = HOUSEHOLD_HEADER + ",Mã xã/phường,Xã/phường cũ"
    content = households_file(f"{ward_a.code},00688", header=header)
    with override_settings(IMPORT_FAST_THRESHOLD=threshold):
        batch = run(clerk_a, ward_a, "households", content)
    assert batch.status == ImportBatch.Status.COMMITTED, batch.errors
    # Without the new ward, the former-ward column alone does not place the row.
    content = households_file("00688", header=HOUSEHOLD_HEADER + ",Phường cũ")
    with override_settings(IMPORT_FAST_THRESHOLD=threshold):
        batch = run(clerk_a, ward_a, "households", content)
    assert batch.status == ImportBatch.Status.INVALID
    assert [e["column"] for e in batch.errors] == ["Phường cũ"]


@pytest.mark.parametrize("threshold", PATHS)
def test_an_old_ward_of_another_ward_or_another_group_is_refused(
    clerk_a, ward_a, ward_b, map_2025, threshold
):
    elsewhere = former("99999", "Phường Xa Lạ", ward_b)
    whole, _split = map_2025
    group = ResidentialGroupFactory(ward=ward_a, name="Tổ dân phố 1", former_ward=whole)
    assert group.former_ward == whole
    ResidentialGroupFactory(ward=ward_a, name="Tổ dân phố 2")
    header = HOUSEHOLD_HEADER + ",Mã xã/phường,Xã/phường cũ"
    lines = household_lines(1) + household_lines(1, start=2, group="Tổ dân phố 2")
    content = csv_bytes(
        header,
        f"{lines[0]},{ward_a.code},{elsewhere.code}",  # another ward's predecessor
        f"{lines[1]},{ward_a.code},16561",  # a group with no former ward: accepted
    )
    with override_settings(IMPORT_FAST_THRESHOLD=threshold):
        batch = run(clerk_a, ward_a, "households", content)
    assert [(e["row"], e["column"], e["message"]) for e in batch.errors] == [
        (2, "Xã/phường cũ", f"“99999” không phải là xã, phường cũ được sắp xếp vào {ward_a.name}.")
    ]
    # Tổ dân phố 1 lay in phường Hải Hòa: a row from phường Quang Trung does not belong to it.
    content = csv_bytes(header, f"{household_lines(1)[0]},{ward_a.code},00688")
    with override_settings(IMPORT_FAST_THRESHOLD=threshold):
        batch = run(clerk_a, ward_a, "households", content)
    assert [(e["row"], e["column"], e["message"]) for e in batch.errors] == [
        (
            2,
            "Tổ dân phố",
            "“Tổ dân phố 1” thuộc phường Hải Hòa (cũ), không thuộc phường Quang Trung (cũ).",
        )
    ]
    assert not Household.objects.exists()


def test_other_kinds_read_the_ward_column_the_same_way(officer_a, ward_a, map_2025):
    content = csv_bytes(
        "Mã đầu thu,Vị trí,Ngày lắp đặt,Mã xã/phường",
        "DT-01,Nhà văn hóa,01/03/2024,Phường Hải Hòa",
        "DT-02,Chợ,01/03/2024,Quang Trung",
    )
    batch = run(officer_a, ward_a, "recorders", content)
    assert [(e["row"], e["column"]) for e in batch.errors] == [(3, "Mã xã/phường")]
    assert "Phường Quang Trung (00688)" in batch.errors[0]["message"]

"""The territory (SPEC §4): ``load_territory`` loads the post-July-2025 map, idempotently.

These tests load all 34 provinces and 3,321 wards, hence ``slow``.
"""

import io
import re
from collections import Counter

import pytest
from django.core.management import call_command
from vietnam_provinces import _ward_conversion_2025 as conversion

from households.models import FormerWard, Province, Ward, WardSuccession

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

FORMER = re.compile(
    r"former wards: (\d+) \((\d+) created, (\d+) updated\); "
    r"successions: (\d+) \((\d+) created, (\d+) updated, (\d+) deleted\)"
)
SUMMARY = re.compile(
    r"provinces: (\d+) \((\d+) created, (\d+) updated\); "
    r"wards: (\d+) \((\d+) created, (\d+) updated\)"
)


def load_territory():
    out = io.StringIO()
    call_command("load_territory", stdout=out)
    return out.getvalue()


def summary(output):
    match = SUMMARY.search(output)
    assert match, output
    return tuple(int(n) for n in match.groups())


def former_summary(output):
    match = FORMER.search(output)
    assert match, output
    return tuple(int(n) for n in match.groups())


def snapshot():
    return (
        list(Province.objects.order_by("code").values_list()),
        list(Ward.objects.order_by("code").values_list()),
        list(FormerWard.objects.order_by("code").values_list()),
        list(WardSuccession.objects.order_by("id").values_list()),
    )


def event_count():
    return (
        Province.pgh_event_model.objects.count(),
        Ward.pgh_event_model.objects.count(),
    )


@pytest.fixture
def loaded():
    return load_territory()


def test_the_first_run_loads_34_provinces_and_3321_wards(loaded):
    assert Province.objects.count() == 34
    assert Ward.objects.count() == 3321
    assert summary(loaded) == (34, 34, 0, 3321, 3321, 0)


def test_the_kinds_are_counted_as_on_the_official_map(loaded):
    assert Counter(Province.objects.values_list("kind", flat=True)) == {
        "tinh": 25,
        "thanh_pho": 9,
    }
    assert Counter(Ward.objects.values_list("kind", flat=True)) == {
        "xa": 2621,
        "phuong": 687,
        "dac_khu": 13,
    }


def test_codes_are_two_and_five_ascii_digits(loaded):
    for code in Province.objects.values_list("code", flat=True):
        assert re.fullmatch(r"[0-9]{2}", code, flags=re.ASCII), code
    for code in Ward.objects.values_list("code", flat=True):
        assert re.fullmatch(r"[0-9]{5}", code, flags=re.ASCII), code


def test_every_ward_belongs_to_a_loaded_province(loaded):
    assert not Ward.objects.filter(province__isnull=True).exists()
    assert Province.objects.filter(wards__isnull=True).count() == 0


def test_ba_ngoi_is_loaded_with_its_official_code_and_an_accent_free_search_name(loaded):
    ward = Ward.objects.get(code="22423")
    assert ward.name == "Phường Ba Ngòi"
    assert ward.kind == Ward.Kind.PHUONG
    assert ward.search_name == "phuong ba ngoi"
    assert ward.province.name == "Tỉnh Khánh Hòa"


def test_the_search_name_folds_d_with_stroke(loaded):
    ward = Ward.objects.get(code="00235")
    assert ward.name == "Phường Đống Đa"
    assert ward.search_name == "phuong dong da"
    city = Province.objects.get(name="Thành phố Đà Nẵng")
    assert city.search_name == "thanh pho da nang"
    assert city.kind == Province.Kind.CITY


def test_every_search_name_is_lower_case_ascii(loaded):
    for model in (Province, Ward):
        for name in model.objects.values_list("search_name", flat=True):
            assert name.isascii(), name
            assert name == name.lower().strip(), name


def test_a_second_run_changes_nothing_and_says_so(loaded):
    before, events_before = snapshot(), event_count()

    output = load_territory()

    assert summary(output) == (34, 0, 0, 3321, 0, 0)
    assert "0 created, 0 updated" in output
    former, successions = FormerWard.objects.count(), WardSuccession.objects.count()
    assert former_summary(output) == (former, 0, 0, successions, 0, 0, 0)
    assert snapshot() == before
    assert event_count() == events_before


def test_a_ward_renamed_by_hand_is_restored_by_the_next_run(loaded):
    ward = Ward.objects.get(code="22423")
    Ward.objects.filter(pk=ward.pk).update(name="Phường Sai Tên", search_name="phuong sai ten")

    output = load_territory()

    assert summary(output) == (34, 0, 0, 3321, 0, 1)
    ward.refresh_from_db()
    assert (ward.name, ward.search_name) == ("Phường Ba Ngòi", "phuong ba ngoi")
    assert list(
        Ward.pgh_event_model.objects.filter(pgh_obj_id=ward.pk)
        .order_by("pgh_id")
        .values_list("pgh_label", "name")
    )[-2:] == [("update", "Phường Sai Tên"), ("update", "Phường Ba Ngòi")]


def test_a_province_renamed_by_hand_is_restored_by_the_next_run(loaded):
    Province.objects.filter(code="56").update(name="Tỉnh Sai Tên", kind="thanh_pho")

    output = load_territory()

    assert summary(output) == (34, 0, 1, 3321, 0, 0)
    province = Province.objects.get(code="56")
    assert (province.name, province.kind) == ("Tỉnh Khánh Hòa", Province.Kind.PROVINCE)


def test_the_load_is_recorded_in_the_history_with_the_command_as_context(loaded):
    event = Ward.pgh_event_model.objects.filter(code="22423").get()
    assert event.pgh_label == "insert"
    assert event.pgh_context is not None
    assert event.pgh_context.metadata["command"] == "load_territory"


# The map before 1 July 2025 and its old -> new links (docs/domain.md).


def test_the_former_wards_are_loaded_with_their_district_and_province(loaded):
    created = former_summary(loaded)
    assert created[:2] == (FormerWard.objects.count(), FormerWard.objects.count())
    assert FormerWard.objects.count() > 10_000
    ninh_khanh = FormerWard.objects.get(code="14344")
    assert ninh_khanh.name == "Phường Ninh Khánh"
    assert ninh_khanh.kind == FormerWard.Kind.PHUONG
    assert ninh_khanh.district_name == "Thành phố Hoa Lư"  # as the package records it
    assert ninh_khanh.province_name == "Tỉnh Ninh Bình"
    assert ninh_khanh.search_name == "phuong ninh khanh"
    assert ninh_khanh.former_label == "phường Ninh Khánh (cũ)"


def test_a_ward_knows_its_predecessors_whole_or_in_part(loaded):
    hoa_lu = Ward.objects.get(code="14329")
    whole = dict(hoa_lu.successions.values_list("former_ward__code", "partly"))
    assert whole["14344"] is False  # Ninh Khánh went wholly into Phường Hoa Lư
    assert len(whole) == 11
    # Phường Quang Trung (Hà Giang) was split between Hà Giang 2 and Hà Giang 1.
    quang_trung = FormerWard.objects.get(code="00688")
    assert set(quang_trung.successions.values_list("ward__code", "partly")) == {
        ("00691", True),
        ("00694", True),
    }


def test_every_link_joins_a_loaded_former_ward_to_a_loaded_ward(loaded):
    assert WardSuccession.objects.count() > FormerWard.objects.count()
    # The wards the package's conversion table names as successors, and only those, have some.
    former = set(FormerWard.objects.values_list("code", flat=True))
    named = {
        f"{new.code:05d}"
        for entry in conversion.OLD_TO_NEW.values()
        if f"{entry.old_ward.code:05d}" in former
        for new in entry.new_wards
    }
    with_predecessors = set(
        Ward.objects.filter(predecessors__isnull=False).values_list("code", flat=True)
    )
    assert with_predecessors == named


def test_a_link_changed_by_hand_is_restored_and_a_stray_one_deleted(loaded):
    link = WardSuccession.objects.get(former_ward__code="14344", ward__code="14329")
    WardSuccession.objects.filter(pk=link.pk).update(partly=True)
    WardSuccession.objects.create(
        former_ward=FormerWard.objects.get(code="14344"), ward=Ward.objects.get(code="22423")
    )
    FormerWard.objects.filter(code="14344").update(name="Phường Sai Tên")

    output = load_territory()

    count = WardSuccession.objects.count()
    assert former_summary(output) == (FormerWard.objects.count(), 0, 1, count, 0, 1, 1)
    link.refresh_from_db()
    assert link.partly is False
    assert not WardSuccession.objects.filter(ward__code="22423", former_ward__code="14344")
    assert FormerWard.objects.get(code="14344").name == "Phường Ninh Khánh"


def test_the_planner_knows_the_loaded_tables_sizes(loaded):
    """The load analyses its tables: never analysed, freshly filled tables look empty to the
    planner, and PostgreSQL 18 then read a ward's former wards with a nested loop of 10,000 ×
    10,000 rows. (A role that does not own the tables, as CI's application role, cannot analyse
    them: PostgreSQL skips them with a warning, and nothing is checked then.)"""
    from django.db import connection

    tables = [m._meta.db_table for m in (Province, Ward, FormerWard, WardSuccession)]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, reltuples, pg_has_role(relowner, 'USAGE') FROM pg_class"
            " WHERE relname = ANY(%s) ORDER BY relname",
            [tables],
        )
        rows = cursor.fetchall()
    assert sorted(name for name, _tuples, _owned in rows) == sorted(tables)
    counts = {
        Province._meta.db_table: 34,
        Ward._meta.db_table: 3321,
        FormerWard._meta.db_table: FormerWard.objects.count(),
        WardSuccession._meta.db_table: WardSuccession.objects.count(),
    }
    for name, tuples, owned in rows:
        if owned:
            assert tuples == counts[name], name

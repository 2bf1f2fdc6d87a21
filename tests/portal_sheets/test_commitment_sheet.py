"""The commitment sheet of a group and year: ticks, coverage, closed periods, stale versions."""

import datetime as dt

import pytest
from django.conf import settings
from django.shortcuts import resolve_url
from django.urls import reverse

from households.models import Household
from movement.models import Commitment
from movement.services import commitment_update
from tests.factories import ClosedPeriodFactory, CommitmentFactory, HouseholdFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
SAFE = Commitment.Kind.SAFE_AREA_REGISTRATION
YEAR = 2024
SIGNED_ON = "2024-03-05"

ACCESS = {
    "officer_a": 200,
    "clerk_a": 200,
    "admin_user": 200,
    "officer_b": 404,
    "viewer_city": 403,
    "viewer_province": 403,
    "viewer_all": 403,
}


def sheet_url(group, year=YEAR):
    url = reverse("household_sheets:commitments", kwargs={"pk": group.pk})
    return url if year is None else f"{url}?year={year}"


@pytest.fixture
def households(group_a):
    return [HouseholdFactory(group=group_a, code=f"HK-{n}") for n in range(1, 4)]


def cell(household, kind=SAFE):
    return f"{household.pk}:{kind}"


def held(commitment):
    return f"{commitment.household_id}:{commitment.kind}:{commitment.version}"


def signed_cells():
    return set(Commitment.objects.values_list("household_id", "kind"))


@pytest.mark.parametrize(("persona", "status"), ACCESS.items())
def test_who_may_open_the_sheet(persona, status, signed_in, group_a, households):
    assert signed_in(persona).get(sheet_url(group_a)).status_code == status


@pytest.mark.parametrize(("persona", "status"), ACCESS.items())
def test_who_may_tick(persona, status, signed_in, group_a, households):
    data = {"signed_on": SIGNED_ON, "signed": [cell(households[0])]}
    response = signed_in(persona).post(sheet_url(group_a), data, **HTMX)
    assert response.status_code == status
    assert Commitment.objects.exists() == (status == 200)


def test_anonymous_is_sent_to_the_login_page(signed_in, group_a):
    response = signed_in(None).get(sheet_url(group_a))
    assert response.status_code == 302
    assert response["Location"].startswith(resolve_url(settings.LOGIN_URL))


@pytest.mark.parametrize("year", ["1800", "２０２４", "20x4", "99999", "-1", ""])
def test_a_year_that_is_not_one_is_not_found(year, signed_in, group_a):
    assert signed_in("clerk_a").get(sheet_url(group_a, year)).status_code == 404


def test_the_sheet_defaults_to_this_year(signed_in, group_a, households):
    response = signed_in("clerk_a").get(sheet_url(group_a, None))
    assert response.context["year"] == dt.date.today().year


def test_ticking_creates_commitments_through_the_service(signed_in, group_a, households, clerk_a):
    data = {"signed_on": SIGNED_ON, "signed": [cell(h) for h in households]}
    response = signed_in("clerk_a").post(sheet_url(group_a), data, **HTMX)
    assert response.status_code == 200
    assert response.context["saved"]
    rows = Commitment.objects.order_by("household__code")
    assert [(c.household_id, c.year, c.kind, c.signed_on) for c in rows] == [
        (h.pk, YEAR, SAFE, dt.date(2024, 3, 5)) for h in households
    ]
    assert all(c.ward_id == group_a.ward_id for c in rows)
    assert response.context["headline"] == (3, 3, 100.0)
    assert "<strong>100,0%</strong>" in response.content.decode()
    events = Commitment.pgh_event_model.objects.select_related("pgh_context")
    assert [
        (e.pgh_label, e.pgh_context.metadata["service"], e.pgh_context.metadata["user"])
        for e in events
    ] == [("insert", "commitment_create", clerk_a.pk)] * 3


def test_the_coverage_counts_resident_households_only(signed_in, group_a, households):
    HouseholdFactory(group=group_a, active=False)
    CommitmentFactory(household=households[0], year=YEAR)
    CommitmentFactory(household=households[1], year=YEAR - 1)  # another year
    CommitmentFactory(household=households[2], year=YEAR, kind=Commitment.Kind.FIRE_SAFETY)
    response = signed_in("clerk_a").get(sheet_url(group_a))
    assert response.context["headline"] == (1, 3, 33.3)
    columns = {kind: (count, total) for kind, count, total, _ in response.context["columns"]}
    assert columns[SAFE] == (1, 3)
    assert columns[Commitment.Kind.FIRE_SAFETY] == (1, 3)


def test_unticking_deletes_and_untouched_cells_stay(signed_in, group_a, households):
    keep = CommitmentFactory(household=households[0], year=YEAR)
    drop = CommitmentFactory(household=households[1], year=YEAR)
    data = {"signed": [cell(households[0])], "held": [held(keep), held(drop)]}
    response = signed_in("officer_a").post(sheet_url(group_a), data, **HTMX)
    assert response.status_code == 200, response.context["error"]
    assert signed_cells() == {(households[0].pk, SAFE)}


def test_a_plain_form_submit_redirects_to_the_saved_sheet(signed_in, group_a, households):
    data = {"signed_on": SIGNED_ON, "signed": [cell(households[0])]}
    response = signed_in("clerk_a").post(sheet_url(group_a), data)
    assert response.status_code == 302
    assert response["Location"] == sheet_url(group_a) + "&saved=1"
    page = signed_in("clerk_a").get(response["Location"])
    assert page.context["saved"]


def test_new_ticks_need_a_signing_date(signed_in, group_a, households):
    data = {"signed_on": "", "signed": [cell(households[0])]}
    response = signed_in("clerk_a").post(sheet_url(group_a), data, **HTMX)
    assert response.context["form"].errors["signed_on"]
    assert response.context["error"]
    assert not Commitment.objects.exists()


def test_a_future_signing_date_is_refused(signed_in, group_a, households):
    future = dt.date.today() + dt.timedelta(days=3)
    data = {"signed_on": future.isoformat(), "signed": [cell(households[0])]}
    response = signed_in("clerk_a").post(sheet_url(group_a, future.year), data, **HTMX)
    assert response.context["error"]
    assert not Commitment.objects.exists()


def test_a_commitment_changed_since_the_sheet_was_drawn_is_not_deleted(
    signed_in, group_a, households, officer_a
):
    commitment = CommitmentFactory(household=households[0], year=YEAR)
    stale = held(commitment)
    commitment_update(actor=officer_a, instance=commitment, data={"signed_on": "2024-03-06"})
    data = {"signed_on": SIGNED_ON, "signed": [cell(households[1])], "held": [stale]}
    response = signed_in("clerk_a").post(sheet_url(group_a), data, **HTMX)
    body = response.content.decode()
    assert "Không có gì được lưu." in body
    assert "Bản ghi đã được người khác thay đổi kể từ khi bạn mở." in body
    # All or nothing: the new tick of the same submission was not saved either.
    assert signed_cells() == {(households[0].pk, SAFE)}


def test_a_cell_someone_else_already_ticked_is_left_alone(signed_in, group_a, households):
    CommitmentFactory(household=households[0], year=YEAR)  # saved after the sheet was drawn
    data = {"signed_on": SIGNED_ON, "signed": [cell(households[0])]}
    response = signed_in("clerk_a").post(sheet_url(group_a), data, **HTMX)
    assert response.context["saved"]
    assert Commitment.objects.count() == 1


def test_a_closed_period_refuses_new_ticks_clearly(signed_in, group_a, households, ward_a):
    ClosedPeriodFactory(ward=ward_a, start=dt.date(2024, 3, 1), end=dt.date(2024, 3, 31))
    data = {"signed_on": SIGNED_ON, "signed": [cell(h) for h in households]}
    response = signed_in("clerk_a").post(sheet_url(group_a), data, **HTMX)
    assert response.status_code == 200
    assert "Bản ghi này thuộc kỳ báo cáo đã khóa sổ." in response.content.decode()
    assert response.context["form"].errors["signed_on"]
    assert not Commitment.objects.exists()


def test_a_closed_period_refuses_unticking(signed_in, group_a, households, ward_a):
    commitment = CommitmentFactory(
        household=households[0], year=YEAR, signed_on=dt.date(2024, 1, 9)
    )
    ClosedPeriodFactory(ward=ward_a, start=dt.date(2024, 1, 1), end=dt.date(2024, 1, 31))
    data = {"held": [held(commitment)]}
    response = signed_in("clerk_a").post(sheet_url(group_a), data, **HTMX)
    assert "Bản ghi này thuộc kỳ báo cáo đã khóa sổ." in response.content.decode()
    assert Commitment.objects.filter(pk=commitment.pk).exists()


@pytest.mark.parametrize(
    "tampered",
    [
        {"signed": ["{other}:safe_area_registration"]},
        {"signed": ["{own}:palace"]},
        {"signed": ["{own}"]},
        {"signed": ["１:safe_area_registration"]},
        {"held": ["{other}:safe_area_registration:1"]},
    ],
    ids=["other-group", "unknown-kind", "no-kind", "full-width-id", "held-other"],
)
def test_cells_outside_the_group_refuse_the_whole_sheet(
    tampered, signed_in, group_a, group_b, households
):
    other = HouseholdFactory(group=group_b)
    CommitmentFactory(household=other, year=YEAR)
    data = {"signed_on": SIGNED_ON, "signed": [cell(households[0])]}
    for name, values in tampered.items():
        data[name] = [
            *data.get(name, []),
            *(v.format(other=other.pk, own=households[1].pk) for v in values),
        ]
    response = signed_in("clerk_a").post(sheet_url(group_a), data, **HTMX)
    assert response.status_code == 400
    assert Commitment.objects.count() == 1  # only the other ward's, untouched


def test_the_query_count_does_not_grow_with_the_group(signed_in, group_a, count_queries):
    client = signed_in("clerk_a")

    def measure(n):
        signed = n - 1 - Household.objects.count()
        for household in HouseholdFactory.create_batch(signed, group=group_a):
            CommitmentFactory(household=household, year=YEAR)
        HouseholdFactory(group=group_a)
        return count_queries(lambda: client.get(sheet_url(group_a)))

    small, small_sql = measure(3)
    large, large_sql = measure(30)
    assert (small.context["headline"][1], large.context["headline"][1]) == (3, 30)
    # session, user, group with its ward, households, commitments.
    assert len(small_sql) == len(large_sql), "\n".join(large_sql)
    assert len(large_sql) <= 8, "\n".join(large_sql)


def test_the_same_sheet_posted_twice_signs_each_commitment_once(signed_in, group_a, households):
    """No one-time token needed (issue 15, item 6): the sheet saves the difference between its
    ticks and the database, so the second post finds the commitments there and adds none."""
    client = signed_in("clerk_a")
    data = {"signed_on": SIGNED_ON, "signed": [cell(h) for h in households]}
    assert client.post(sheet_url(group_a), data)["Location"].endswith("saved=1")
    again = client.post(sheet_url(group_a), data, **HTMX)
    assert again.status_code == 200 and again.context["saved"]
    assert Commitment.objects.count() == len(households)
    assert signed_cells() == {(h.pk, SAFE) for h in households}


# Spreadsheet speed (issue 17, item 4) ----------------------------------------------------------

FIRE = Commitment.Kind.FIRE_SAFETY


def ticked_boxes(page: str) -> set[str]:
    import re

    return set(re.findall(r'name="signed" value="([^"]+)"[^>]*\bchecked\b', page))


def test_last_year_s_ticks_are_copied_for_checking_and_saved_only_with_the_sheet(
    signed_in, group_a, households
):
    first, second, third = households
    CommitmentFactory(household=first, year=YEAR - 1, kind=SAFE)
    CommitmentFactory(household=second, year=YEAR - 1, kind=FIRE)
    CommitmentFactory(household=second, year=YEAR, kind=FIRE)  # already signed this year
    third.active = False
    third.save(update_fields=["active"])
    CommitmentFactory(household=third, year=YEAR - 1, kind=SAFE)  # moved away: not copied
    client = signed_in("clerk_a")

    plain = client.get(sheet_url(group_a)).content.decode()
    assert ticked_boxes(plain) == {cell(second, FIRE)}
    assert f"?year={YEAR}&amp;copy=1" in plain

    response = client.get(f"{sheet_url(group_a)}&copy=1")
    page = response.content.decode()
    assert ticked_boxes(page) == {cell(first, SAFE), cell(second, FIRE)}
    assert response.context["copied"] == 1
    assert f"Đã tích 1 ô theo năm {YEAR - 1}: hãy kiểm tra rồi lưu bảng." in page
    assert Commitment.objects.filter(year=YEAR).count() == 1  # nothing saved by looking

    data = {
        "signed_on": SIGNED_ON,
        "signed": sorted(ticked_boxes(page)),
        "held": [held(c) for c in Commitment.objects.filter(year=YEAR)],
    }
    assert client.post(sheet_url(group_a), data, **HTMX).status_code == 200
    assert set(Commitment.objects.filter(year=YEAR).values_list("household_id", "kind")) == {
        (first.pk, SAFE),
        (second.pk, FIRE),
    }


def test_each_kind_has_tick_and_clear_for_its_column_and_a_labelled_toggle(
    signed_in, group_a, households
):
    page = signed_in("clerk_a").get(sheet_url(group_a)).content.decode()
    for kind in Commitment.Kind:
        assert f'data-sheet-column="{kind.value}" data-sheet-tick="1"' in page
        assert f'data-sheet-column="{kind.value}" data-sheet-tick="0"' in page
        assert f'data-kind="{kind.value}"' in page
    assert page.count('class="sheet-toggle__label"') == len(households) * len(Commitment.Kind)
    assert "Đánh dấu cả cột" in page and "Bỏ dấu cả cột" in page


def test_copying_keeps_the_query_count_of_the_sheet_plus_one(signed_in, group_a, count_queries):
    client = signed_in("clerk_a")
    for household in HouseholdFactory.create_batch(5, group=group_a):
        CommitmentFactory(household=household, year=YEAR - 1)
    _plain, plain_sql = count_queries(lambda: client.get(sheet_url(group_a)))
    for household in HouseholdFactory.create_batch(20, group=group_a):
        CommitmentFactory(household=household, year=YEAR - 1)
    _copy, copy_sql = count_queries(lambda: client.get(f"{sheet_url(group_a)}&copy=1"))
    assert len(copy_sql) == len(plain_sql) + 1, "\n".join(copy_sql)

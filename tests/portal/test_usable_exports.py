"""Exports people can use (issue 17, item 7): a workbook with a frozen, filtered header, columns
as wide as their values, no internal ids unless asked, phones as text; groups in natural order."""

import io

import pytest
from openpyxl import load_workbook

from households.models import ResidentialGroup
from households.views import HOUSEHOLDS
from tests import factories as f

pytestmark = pytest.mark.django_db


def workbook(client, **params):
    response = client.get(HOUSEHOLDS.url("export", fmt="xlsx"), params)
    assert response.status_code == 200
    return load_workbook(io.BytesIO(response.content)).active


def test_a_workbook_keeps_its_header_in_view_with_filters_and_wide_enough_columns(
    client, clerk_a, ward_a
):
    group = f.ResidentialGroupFactory(ward=ward_a, name="Tổ 3")
    for number in range(3):
        f.HouseholdFactory(group=group, ward=ward_a, phone=f"+8490123456{number}")
    client.force_login(clerk_a)

    sheet = workbook(client)
    header = [c.value for c in sheet[1]]
    assert "ID" not in header  # people read a workbook: no internal id unless asked
    assert sheet.freeze_panes == "A2"
    last = sheet.cell(1, len(header)).column_letter
    assert sheet.auto_filter.ref == f"A1:{last}4"
    for cell in sheet[1]:
        width = sheet.column_dimensions[cell.column_letter].width
        assert len(cell.value) < width <= 50, (cell.value, width)
    phone_column = header.index("Số điện thoại") + 1
    phones = [sheet.cell(row, phone_column) for row in range(2, 5)]
    assert {c.value for c in phones} == {f"+8490123456{n}" for n in range(3)}
    assert all(c.data_type == "s" for c in phones)

    asked = workbook(client, with_ids="1")
    assert asked.cell(1, 1).value == "ID"
    assert asked.auto_filter.ref == f"A1:{asked.cell(1, len(header) + 1).column_letter}4"


def test_an_empty_workbook_still_has_its_filtered_header(client, clerk_a):
    client.force_login(clerk_a)
    sheet = workbook(client)
    assert sheet.max_row == 1
    assert sheet.auto_filter.ref.endswith("1") and sheet.freeze_panes == "A2"


def test_the_list_page_offers_the_workbook_with_ids(client, clerk_a):
    client.force_login(clerk_a)
    page = client.get(HOUSEHOLDS.url("list")).content.decode()
    assert "with_ids=1" in page and "Xuất Excel kèm mã bản ghi" in page


NAMES = ["Tổ 10", "Tổ 2", "Tổ 1B", "Tổ 1A", "Tổ 21", "Thôn Đông"]
NATURAL = ["Thôn Đông", "Tổ 1A", "Tổ 1B", "Tổ 2", "Tổ 10", "Tổ 21"]


def test_groups_are_in_natural_order_wherever_they_are_offered(client, clerk_a, ward_a):
    groups = {name: f.ResidentialGroupFactory(ward=ward_a, name=name) for name in NAMES}
    assert [g.name for g in ResidentialGroup.objects.filter(ward=ward_a)] == NATURAL

    client.force_login(clerk_a)
    # The household form's group choices and the list's group filter.
    form = client.get(HOUSEHOLDS.url("create")).content.decode()
    positions = [form.index(f'<option value="{groups[name].pk}"') for name in NATURAL]
    assert positions == sorted(positions)
    listing = client.get(HOUSEHOLDS.url("list"), {"ward": ward_a.pk}).content.decode()
    positions = [listing.index(f'<option value="{groups[name].pk}"') for name in NATURAL]
    assert positions == sorted(positions)


def test_the_statistics_by_group_follow_the_natural_order(client, officer_a, ward_a):
    for name in NAMES:
        f.ResidentialGroupFactory(ward=ward_a, name=name)
    client.force_login(officer_a)
    response = client.get("/api/v1/stats/", {"scope": f"ward:{ward_a.code}", "by": "group"})
    assert response.status_code == 200, response.content
    names = [row["group"]["name"] for row in response.json()["breakdown"]]
    assert [name for name in names if name in NAMES] == NATURAL

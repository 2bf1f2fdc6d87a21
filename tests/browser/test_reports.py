"""The dashboard's period picker and scope search in a real browser (issue 12, items 10 and 11)."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from reports.statistics import rollup
from tests.factories import IncidentFactory, ResidentialGroupFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def at(year, month, day):
    return timezone.make_aware(dt.datetime(year, month, day, 10, 0))


@pytest.fixture
def figures(ward_a, ward_b, ward_c, cluster_a):
    for day in (dt.date(2023, 3, 4), dt.date(2023, 7, 9), dt.date(2024, 3, 3)):
        IncidentFactory(ward=ward_a, occurred_at=at(day.year, day.month, day.day))
    IncidentFactory(ward=ward_c, occurred_at=at(2024, 3, 8))
    ResidentialGroupFactory(ward=ward_a, name="Tổ dân phố Hòa Bình")
    rollup.process_dirty()


def show(page):
    page.locator("form.filter-panel button[type=submit]").click()
    page.wait_for_load_state()


def test_the_period_picker_writes_the_period_into_the_box(page, login, officer_a, figures):
    login(officer_a)
    page.goto(reverse("reports:dashboard") + "?period=month:2024-03")
    box = page.get_by_label("Kỳ báo cáo", exact=True)
    expect(box).to_have_value("month:2024-03")
    picker = page.locator("fieldset.period-picker")
    expect(picker).to_be_visible()  # unhidden by the script
    # It starts on the period shown: a month, March 2024.
    expect(page.get_by_label("Loại kỳ")).to_have_value("month")
    expect(page.get_by_label("Năm", exact=True)).to_have_value("2024")
    expect(page.get_by_label("Tháng", exact=True)).to_have_value("3")
    expect(page.get_by_label("Quý", exact=True)).to_be_hidden()
    page.shots("picker")

    # The first 8 months of 2023, chosen with the keyboard.
    kind = page.get_by_label("Loại kỳ")
    kind.focus()
    kind.select_option("months")
    expect(page.get_by_label("Số tháng tính từ tháng 1")).to_be_visible()
    expect(page.get_by_label("Tháng", exact=True)).to_be_hidden()
    page.get_by_label("Năm", exact=True).select_option("2023")
    page.get_by_label("Số tháng tính từ tháng 1").select_option("8")
    expect(box).to_have_value("months:2023:8")
    # Any year since 2013 can be chosen.
    expect(page.locator("#period-year option[value='2013']")).to_have_count(1)
    page.shots("first-8-months")
    show(page)
    expect(page.locator("main")).to_contain_text("8 tháng đầu năm 2023 (01/01/2023 – 31/08/2023)")

    # A quarter, then two dates.
    page.get_by_label("Loại kỳ").select_option("quarter")
    page.get_by_label("Quý", exact=True).select_option("3")
    expect(box).to_have_value("quarter:2023-Q3")
    page.get_by_label("Loại kỳ").select_option("range")
    page.get_by_label("Từ ngày", exact=True).fill("2022-12-15")
    page.get_by_label("Đến ngày", exact=True).fill("2023-06-14")
    page.get_by_label("Đến ngày", exact=True).dispatch_event("change")
    expect(box).to_have_value("range:2022-12-15..2023-06-14")

    # The box still takes a period typed as people write it.
    box.fill("quý III/2023")
    show(page)
    expect(page.locator("main")).to_contain_text("quý III/2023 (01/07/2023 – 30/09/2023)")
    expect(page.get_by_label("Loại kỳ")).to_have_value("quarter")
    page.shots("typed")


def test_a_national_viewer_searches_a_ward_and_keeps_it(
    page, login, viewer_all, figures, monkeypatch
):
    monkeypatch.setattr("reports.figures.picker.PICKER_WARDS", 1)  # too many wards to list
    login(viewer_all)
    page.goto(reverse("reports:dashboard") + "?period=month:2024-03")
    scope = page.locator("#id_scope")
    expect(scope).to_have_value("all")

    search = page.get_by_role("combobox", name="Tìm tỉnh, cụm hoặc xã, phường")
    search.fill("cat tien")  # no accents
    results = page.get_by_role("listbox")
    expect(results).to_be_visible()
    option = page.get_by_role("option", name=re.compile("Xã Cát Tiên"))
    expect(option).to_have_count(1)
    page.shots("search")
    search.press("ArrowDown")
    expect(option).to_have_attribute("aria-selected", "true")
    search.press("Enter")
    expect(results).to_be_hidden()
    expect(scope).to_have_value("ward:92001")
    expect(scope).to_be_focused()
    show(page)
    expect(page.locator("h1")).to_contain_text("Xã Cát Tiên")

    # A change of period keeps the ward.
    page.get_by_label("Loại kỳ").select_option("year")
    page.get_by_label("Năm", exact=True).select_option("2023")
    show(page)
    expect(page.locator("h1")).to_contain_text("Xã Cát Tiên")
    expect(page.locator("main")).to_contain_text("năm 2023 (01/01/2023 – 31/12/2023)")
    page.shots("kept")

    # A province is found the same way, and Escape closes the list.
    search = page.get_by_role("combobox", name="Tìm tỉnh, cụm hoặc xã, phường")
    search.fill("thu nghiem")
    expect(page.get_by_role("option", name=re.compile("Tỉnh Thử Nghiệm"))).to_be_visible()
    search.press("Escape")
    expect(page.get_by_role("listbox")).to_be_hidden()


def test_a_drill_down_survives_a_change_of_period_in_the_browser(
    page, login, viewer_all, figures, monkeypatch
):
    monkeypatch.setattr("reports.figures.picker.PICKER_WARDS", 1)
    login(viewer_all)
    page.goto(reverse("reports:dashboard") + "?period=month:2024-03")
    page.get_by_role("link", name="Phường An Bình").click()
    expect(page.locator("h1")).to_contain_text("Phường An Bình")
    expect(page.locator("main")).to_contain_text("Tổ dân phố Hòa Bình")

    page.get_by_label("Loại kỳ").select_option("months")
    page.get_by_label("Năm", exact=True).select_option("2023")
    page.get_by_label("Số tháng tính từ tháng 1").select_option("8")
    show(page)
    expect(page.locator("h1")).to_contain_text("Phường An Bình")
    expect(page.locator("main")).to_contain_text("8 tháng đầu năm 2023")
    expect(page.locator("main")).to_contain_text("Tổ dân phố Hòa Bình")

    page.get_by_label("Cách tính kỳ").select_option("reporting")
    show(page)
    expect(page.locator("h1")).to_contain_text("Phường An Bình")
    page.get_by_role("link", name="Quay lại toàn bộ địa bàn").click()
    expect(page.locator("main")).to_contain_text("8 tháng đầu năm 2023")
    expect(page.locator("#id_scope")).to_have_value("all")
    page.shots("back-up")

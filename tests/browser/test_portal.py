"""The portal in a real browser: fast entry, commitments, refusals, incidents, map, language."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from cameras.models import Camera
from households.models import Household
from incidents.models import Incident
from movement.models import Commitment
from tests.factories import CameraFactory, ResidentialGroupFactory, TipFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HOUSEHOLDS = [
    ("HK-101", "5 Đường Lê Lợi", "Nguyễn Văn An", "4", "0905111222"),
    ("HK-102", "7 Đường Lê Lợi", "Trần Thị Bình", "3", ""),
    ("HK-103", "9 Đường Lê Lợi", "Lê Hoàng Cường", "6", "0905333444"),
]


def test_a_clerk_enters_households_ticks_commitments_and_finds_them(page, login, clerk_a, ward_a):
    group = ResidentialGroupFactory(ward=ward_a, name="Tổ dân phố 3")
    login(clerk_a)
    page.shots("signed-in")
    page.goto(reverse("household_sheets:entry", kwargs={"pk": group.pk}))
    rows = page.locator("#household-rows tr")
    expect(rows).to_have_count(0)
    # Waits: the cursor is placed after the page (or htmx's swap) settles, not with it.
    expect(page.locator("#fast-entry [name=code]")).to_be_focused()

    # A mistake first: the error shows beside the field and the cursor goes there.
    page.fill("#fast-entry [name=code]", "HK-100")
    page.fill("#fast-entry [name=address]", "1 Đường Lê Lợi")
    page.fill("#fast-entry [name=head_name]", "Phạm Văn Sai")
    page.fill("#fast-entry [name=member_count]", "0")
    page.press("#fast-entry [name=member_count]", "Enter")
    expect(page.locator("#id_member_count-errors")).to_contain_text("ít nhất 1 nhân khẩu")
    expect(page.locator("#fast-entry [name=member_count]")).to_be_focused()
    page.shots("inline-error")
    page.fill("#fast-entry [name=code]", "")  # start the row again from the code

    for n, (code, address, head, members, phone) in enumerate(HOUSEHOLDS, start=1):
        page.fill("#fast-entry [name=code]", code)
        page.fill("#fast-entry [name=address]", address)
        page.fill("#fast-entry [name=head_name]", head)
        page.fill("#fast-entry [name=member_count]", members)
        page.fill("#fast-entry [name=phone]", phone)
        page.locator("#fast-entry button[type=submit]").click()
        expect(rows).to_have_count(n)
        # The fresh row suggests the next code and carries the address down (issue 17).
        expect(page.locator("#fast-entry [name=code]")).to_have_value(f"HK-{100 + n + 1}")
        expect(page.locator("#fast-entry [name=address]")).to_have_value(address)
        expect(page.locator("#fast-entry [name=code]")).to_be_focused()
        page.shots(f"added-{n}")
    expect(page.locator("#household-count")).to_contain_text("3")
    assert page.url.endswith(reverse("household_sheets:entry", kwargs={"pk": group.pk}))
    assert sorted(Household.objects.values_list("code", flat=True)) == [h[0] for h in HOUSEHOLDS]

    # The commitment sheet of this year: tick all three for the safe-area registration.
    page.get_by_role("link", name="Bảng ký cam kết").click()
    expect(page.locator("#coverage")).to_contain_text("0/3")
    for household in Household.objects.all():
        page.check(f"#c-{household.pk}\\:safe_area_registration")
    page.shots("ticked")
    page.get_by_role("button", name="Lưu bảng").click()
    expect(page.locator("#commitment-sheet [role=status]")).to_contain_text("Đã lưu")
    expect(page.locator("#coverage")).to_contain_text("100,0%")
    page.shots("saved")
    year = dt.date.today().year
    assert Commitment.objects.filter(year=year, kind="safe_area_registration").count() == 3

    # The portal's own household list and a household's history show them.
    page.goto(reverse("households:household_list"))
    for code, *_ in HOUSEHOLDS:
        expect(page.locator("main")).to_contain_text(code)
    page.shots("household-list")
    first = Household.objects.get(code="HK-101")
    page.goto(reverse("households:household_detail", kwargs={"pk": first.pk}))
    history = page.locator("main table tbody tr")
    expect(history).to_have_count(1)
    expect(history.first).to_contain_text("Nguyễn Văn An")
    page.shots("household-history")


def test_a_swap_elsewhere_on_the_sheet_leaves_the_cursor_where_the_clerk_types(
    page, login, clerk_a, ward_a
):
    # The notifications badge loads by htmx after the page; its swap used to put the cursor
    # back on the code field while the clerk was typing the head's name.
    group = ResidentialGroupFactory(ward=ward_a, name="Tổ dân phố 4")
    login(clerk_a)
    page.goto(reverse("household_sheets:entry", kwargs={"pk": group.pk}))
    page.wait_for_load_state("networkidle")
    head = page.locator("#fast-entry [name=head_name]")
    head.click()
    page.keyboard.type("Nguyễn")
    page.evaluate(
        """() => new Promise((resolve) => {
            const badge = document.querySelector('[hx-get$="/notifications/badge/"]');
            document.addEventListener("htmx:afterSettle", resolve, { once: true });
            htmx.ajax("GET", badge.getAttribute("hx-get"), { source: badge, target: badge });
        })"""
    )
    page.keyboard.type(" Văn Bình")
    expect(head).to_be_focused()
    expect(head).to_have_value("Nguyễn Văn Bình")
    expect(page.locator("#fast-entry [name=code]")).to_have_value("")


def test_a_clerk_cannot_open_a_tip(page, login, clerk_a, ward_a):
    tip = TipFactory(ward=ward_a)
    login(clerk_a)
    response = page.goto(reverse("incidents:tip_detail", kwargs={"pk": tip.pk}))
    assert response.status == 403
    expect(page.locator("body")).not_to_contain_text(tip.reporter)
    page.shots("tip-refused")


def test_a_police_officer_records_an_incident(page, login, officer_a, ward_a):
    login(officer_a)
    page.goto(reverse("incidents:incident_create"))
    page.shots("empty-form")
    ward = page.locator("main select[name=ward]")
    if ward.count() and ward.is_visible():
        ward.select_option(str(ward_a.pk))
    page.fill("main [name=occurred_at]", "2025-03-10T21:30")
    page.select_option("main select[name=category]", "drugs")
    page.select_option("main select[name=case_type]", "criminal")
    page.select_option("main select[name=severity]", "serious")
    page.fill("main [name=summary]", "Phát hiện hai đối tượng tàng trữ trái phép chất ma túy")
    page.select_option("main select[name=source]", "patrol")
    page.fill("main [name=suspects]", "2")
    page.shots("filled-form")
    invalid = page.evaluate(
        "[...document.querySelectorAll('main form :invalid')]"
        ".map(e => e.name + ':' + e.validationMessage)"
    )
    assert invalid == [], invalid
    with page.expect_navigation():
        page.locator("main form button[type=submit]").last.click()
    page.shots("after-save")
    expect(page.locator("main")).to_contain_text("hai đối tượng")
    incident = Incident.objects.get()
    assert (incident.ward, incident.category, incident.suspects) == (ward_a, "drugs", 2)
    assert incident.occurred_at.astimezone(dt.UTC).hour == 14  # 21:30 in Vietnam
    expect(page.locator("main")).to_contain_text("hai đối tượng")


def test_the_camera_map_shows_the_ward_s_markers(page, login, viewer_city, ward_a, ward_b):
    for n, status in enumerate(["active", "faulty", "removed"]):
        CameraFactory(
            ward=ward_a,
            code=f"CAM-{n}",
            latitude=Decimal("12.2450") + Decimal(n) / 1000,
            longitude=Decimal("109.1940") + Decimal(n) / 1000,
            status=status,
            removed_on=dt.date(2025, 1, 2) if status == "removed" else None,
        )
    CameraFactory(ward=ward_b, code="CAM-B", latitude=Decimal("12.3"), longitude=Decimal("109.2"))
    login(viewer_city)
    page.goto(reverse("camera_map:map"))
    expect(page.locator("path.camera-marker")).to_have_count(3)
    expect(page.locator("path.camera-marker--faulty")).to_have_count(1)
    expect(page.locator("#camera-map")).to_have_attribute("data-markers", "3")
    expect(page.locator("#camera-table")).not_to_contain_text("CAM-B")
    assert Camera.objects.count() == 4
    page.shots("map")


def test_the_language_switch_goes_to_english_and_back(page, login, clerk_a):
    login(clerk_a)
    page.goto(reverse("camera_map:map"))
    heading = page.locator("main h1")
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    expect(heading).to_have_text("Bản đồ camera")
    page.shots("vietnamese")
    for language, text in (("en", "Camera map"), ("vi", "Bản đồ camera")):
        page.select_option("#lang-select", language)
        page.locator("form.lang-switch button[type=submit]").click()
        expect(page.locator("html")).to_have_attribute("lang", language)
        expect(heading).to_have_text(text)  # back on the same page, in the other language
        page.shots(language)

"""Field entry on a phone, online or not (issue 17, items 1, 2, 3 and 6): a phone-sized Chromium
with touch, the service worker, the IndexedDB queue, conflicts, logout and the location button."""

import datetime as dt
import json
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from households.models import Household
from movement.models import Commitment, OutreachSession
from movement.services import commitment_update
from tests.browser.conftest import PASSWORD, TIMEOUT_MS, Shots
from tests.factories import CommitmentFactory, HouseholdFactory, ResidentialGroupFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
PHONE = {
    "viewport": {"width": 412, "height": 915},
    "device_scale_factor": 2.625,
    "is_mobile": True,
    "has_touch": True,
}
NEW = [
    ("OF-201", "2 Ngõ Trạm", "Đỗ Thị Hoa", "3"),
    ("OF-202", "4 Ngõ Trạm", "Vũ Văn Khánh", "5"),
    ("OF-203", "6 Ngõ Trạm", "Hoàng Thị Lan", "2"),
]


@pytest.fixture
def phone(browser, live_server, request):
    """A phone (412×915, touch) on the live server, in Vietnamese."""
    context = browser.new_context(base_url=live_server.url, locale="vi-VN", **PHONE)
    context.set_default_timeout(TIMEOUT_MS)
    tab = context.new_page()
    tab.shots = Shots(tab, request.node.name)
    try:
        yield tab
    finally:
        if getattr(request.node, "rep_call_failed", False):
            tab.shots("failure")
        context.close()


def sign_in(page, user):
    page.goto(reverse("login"))
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("#main form button[type=submit]").tap()
    page.wait_for_url(lambda url: "/login/" not in url)


def controlled(page):
    """Wait until the service worker controls the page, then load it again through it."""
    # Installing loads Workbox's modules from the live server: slower when the machine is busy.
    page.wait_for_function(
        "navigator.serviceWorker && navigator.serviceWorker.controller !== null",
        timeout=4 * TIMEOUT_MS,
    )
    page.reload()
    page.wait_for_function("navigator.serviceWorker.controller !== null")


def pending(page):
    return page.locator("#offline-count")


def axe_violations(page):
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => (await axe.run(document)).violations")
    return [(v["id"], [n["target"] for n in v["nodes"]]) for v in result]


def test_a_clerk_enters_households_and_ticks_commitments_offline(phone, clerk_a, ward_a):
    page = phone
    group = ResidentialGroupFactory(ward=ward_a, name="Tổ dân phố 5")
    known = [HouseholdFactory(group=group, code=f"OF-10{n}") for n in range(1, 4)]
    entry = reverse("household_sheets:entry", kwargs={"pk": group.pk})
    sheet = reverse("household_sheets:commitments", kwargs={"pk": group.pk})
    sign_in(page, clerk_a)
    page.goto(entry)
    controlled(page)
    page.goto(sheet)  # visited online once: the sheet opens offline from now on
    page.goto(entry)
    page.shots("online")

    page.context.set_offline(True)
    for code, address, head, members in NEW:
        page.fill("#fast-entry [name=code]", code)
        page.fill("#fast-entry [name=address]", address)
        page.fill("#fast-entry [name=head_name]", head)
        page.fill("#fast-entry [name=member_count]", members)
        page.locator("#fast-entry button[type=submit]").tap()
        expect(page.locator(f"#household-rows tr.sheet-pending:has-text('{code}')")).to_be_visible()
    expect(page.locator("#household-rows tr.sheet-pending")).to_have_count(3)
    expect(page.locator("#household-rows .offline-badge").first).to_have_text("đang chờ gửi")
    expect(pending(page)).to_have_text("3 thay đổi đang chờ gửi")
    expect(page.locator("#offline-network")).to_contain_text("ngoại tuyến")
    page.shots("three-households-queued")
    assert axe_violations(page) == []

    page.goto(sheet)  # offline: from the worker's cache
    kinds = list(Commitment.Kind)[:2]
    cells = [(h, k) for h in known for k in kinds][:5]
    for household, kind in cells:
        page.locator(f"#c-{household.pk}\\:{kind.value}").tap()
    page.locator("#commitment-sheet button[type=submit]").tap()
    expect(page.locator(".sheet-grid td.sheet-pending")).to_have_count(5)
    expect(pending(page)).to_have_text("8 thay đổi đang chờ gửi")
    page.shots("five-ticks-queued")

    page.reload()  # still offline: the queue survives and is drawn again
    expect(pending(page)).to_have_text("8 thay đổi đang chờ gửi")
    expect(page.locator(".sheet-grid td.sheet-pending")).to_have_count(5)
    for household, kind in cells:
        expect(page.locator(f"#c-{household.pk}\\:{kind.value}")).to_be_checked()
    assert not Household.objects.filter(code__in=[c for c, *_ in NEW]).exists()
    page.shots("reloaded-offline")

    page.context.set_offline(False)
    expect(pending(page)).to_have_attribute("data-pending", "0", timeout=3 * TIMEOUT_MS)
    expect(page.locator(".sheet-grid td.sheet-pending")).to_have_count(0)
    page.shots("sent")

    added = Household.objects.filter(group=group).exclude(pk__in=[h.pk for h in known])
    assert sorted(added.values_list("code", "address", "head_name", "member_count")) == [
        (code, address, head, int(members)) for code, address, head, members in NEW
    ]
    year = timezone.localdate().year
    signed = Commitment.objects.filter(household__group=group, year=year)
    assert sorted(signed.values_list("household_id", "kind")) == sorted(
        (h.pk, k.value) for h, k in cells
    )
    assert set(signed.values_list("signed_on", flat=True)) == {timezone.localdate()}

    page.goto(entry)  # online again: the rows come from the server, once each
    expect(page.locator("#household-rows tr")).to_have_count(6)
    expect(page.locator("#household-rows tr.sheet-pending")).to_have_count(0)


@pytest.mark.parametrize("choice", ["Giữ bản của tôi", "Dùng bản trên máy chủ"])
def test_a_change_made_meanwhile_by_someone_else_is_shown_not_overwritten(
    choice, phone, clerk_a, officer_a, ward_a
):
    page = phone
    group = ResidentialGroupFactory(ward=ward_a)
    household = HouseholdFactory(group=group, code="CF-1")
    today = timezone.localdate()
    commitment = CommitmentFactory(household=household, year=today.year, signed_on=today)
    sheet = reverse("household_sheets:commitments", kwargs={"pk": group.pk})
    sign_in(page, clerk_a)
    page.goto(sheet)
    controlled(page)

    page.context.set_offline(True)
    box = page.locator(f"#c-{household.pk}\\:{commitment.kind}")
    box.tap()
    page.locator("#commitment-sheet button[type=submit]").tap()
    expect(pending(page)).to_have_text("1 thay đổi đang chờ gửi")
    # Meanwhile the ward police officer corrects the signing date.
    corrected = today - dt.timedelta(days=3)
    commitment_update(
        actor=officer_a,
        instance=commitment,
        data={"signed_on": corrected},
        expected_version=commitment.version,
    )

    page.context.set_offline(False)
    problem = page.locator("#offline-problems .offline-problem")
    expect(problem).to_be_visible(timeout=3 * TIMEOUT_MS)
    expect(problem).to_contain_text("Người khác đã thay đổi bản ghi này")
    expect(problem).to_contain_text("Bản trên máy chủ")
    expect(problem).to_contain_text(corrected.isoformat())  # the server's version
    expect(problem).to_contain_text("Bỏ đánh dấu CF-1")  # and mine
    expect(pending(page)).to_have_text("1 thay đổi không gửi được")
    assert Commitment.objects.filter(pk=commitment.pk).exists()  # nothing overwritten
    page.shots("conflict")
    assert axe_violations(page) == []

    problem.get_by_role("button", name=choice).tap()
    expect(page.locator("#offline-problems")).to_have_count(0, timeout=3 * TIMEOUT_MS)
    expect(pending(page)).to_have_attribute("data-pending", "0")
    expect(pending(page)).to_have_attribute("data-failed", "0")
    kept = Commitment.objects.filter(pk=commitment.pk).first()
    if choice == "Giữ bản của tôi":
        assert kept is None
    else:
        assert kept.signed_on == corrected
        expect(box).to_be_checked()


def test_logout_clears_the_local_store(phone, clerk_a, ward_a):
    page = phone
    group = ResidentialGroupFactory(ward=ward_a)
    sign_in(page, clerk_a)
    page.goto(reverse("household_sheets:entry", kwargs={"pk": group.pk}))
    controlled(page)
    stored = page.evaluate(
        """async () => ({
            caches: (await caches.keys()).filter((n) => n.startsWith("ward-pages-")),
            databases: (await indexedDB.databases()).map((d) => d.name),
            workers: (await navigator.serviceWorker.getRegistrations()).length,
        })"""
    )
    assert stored == {
        "caches": [f"ward-pages-v1-u{clerk_a.pk}"],
        "databases": [f"ward-offline-u{clerk_a.pk}"],
        "workers": 1,
    }

    page.get_by_role("button", name="Đăng xuất").tap()
    page.wait_for_url(lambda url: "/login/" in url)
    page.wait_for_function("document.documentElement.dataset.offlineForgotten === '1'")
    left = page.evaluate(
        """async () => ({
            caches: (await caches.keys()).filter((n) => n.startsWith("ward-")),
            databases: (await indexedDB.databases()).map((d) => d.name),
            workers: (await navigator.serviceWorker.getRegistrations()).length,
        })"""
    )
    assert left == {"caches": [], "databases": [], "workers": 0}


def test_the_portal_is_installable(phone, officer_a):
    page = phone
    sign_in(page, officer_a)
    page.goto(reverse("home"))
    controlled(page)
    manifest = page.request.get(page.locator("link[rel=manifest]").get_attribute("href"))
    data = json.loads(manifest.body())
    assert (data["short_name"], data["display"], data["start_url"]) == (
        "Cổng An ninh phường",
        "standalone",
        "/",
    )
    for icon in data["icons"]:
        assert page.request.get(icon["src"]).headers["content-type"] == "image/png"
    worker = page.evaluate(
        "async () => (await navigator.serviceWorker.getRegistration()).active.scriptURL"
    )
    assert worker.endswith("/sw.js")
    session = page.context.new_cdp_session(page)
    errors = session.send("Page.getInstallabilityErrors")["installabilityErrors"]
    # Chromium's own checks (manifest, icons, worker, start URL); a Playwright context is an
    # incognito profile, where Chromium never offers to install, whatever the site.
    assert [e["errorId"] for e in errors if e["errorId"] != "in-incognito"] == []


def test_use_my_location_fills_the_coordinates(browser, live_server, officer_a, request):
    context = browser.new_context(
        base_url=live_server.url,
        locale="vi-VN",
        geolocation={"latitude": 21.028511, "longitude": 105.804817},
        permissions=["geolocation"],
        **PHONE,
    )
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.shots = Shots(page, request.node.name)
    try:
        sign_in(page, officer_a)
        page.goto(reverse("cameras:camera_create"))
        page.get_by_role("button", name="Dùng vị trí của tôi").tap()
        expect(page.locator("#id_latitude")).to_have_value("21.028511")
        expect(page.locator("#id_longitude")).to_have_value("105.804817")
        expect(page.locator("[data-locate-status]")).to_contain_text("Đã điền vĩ độ và kinh độ")
        page.shots("located")
        assert axe_violations(page) == []
    finally:
        context.close()


def test_a_quick_form_saved_offline_is_sent_once(phone, clerk_a, ward_a):
    page = phone
    form = reverse("movement:outreachsession_create")
    sign_in(page, clerk_a)
    page.goto(form)
    controlled(page)

    page.context.set_offline(True)
    page.reload()  # from the worker's cache
    ward = page.locator("#id_ward")
    if ward.count() and ward.evaluate("el => el.tagName") == "SELECT":
        ward.select_option(str(ward_a.pk))
    page.fill("#id_held_on", timezone.localdate().isoformat())
    page.fill("#id_topic", "Phòng chống lừa đảo qua mạng")
    page.fill("#id_attendees", "42")
    page.locator("#main form button[type=submit]").tap()
    expect(pending(page)).to_have_text("1 thay đổi đang chờ gửi")
    expect(page.locator("#main .offline-message")).to_contain_text("Đã lưu trên điện thoại")
    assert not OutreachSession.objects.exists()

    page.context.set_offline(False)
    expect(pending(page)).to_have_attribute("data-pending", "0", timeout=3 * TIMEOUT_MS)
    session = OutreachSession.objects.get()
    assert (session.ward_id, session.topic, session.attendees, session.held_on) == (
        ward_a.pk,
        "Phòng chống lừa đảo qua mạng",
        42,
        timezone.localdate(),
    )


def test_a_change_the_server_refuses_is_shown_with_its_reason(phone, clerk_a, ward_a):
    page = phone
    group = ResidentialGroupFactory(ward=ward_a)
    entry = reverse("household_sheets:entry", kwargs={"pk": group.pk})
    sign_in(page, clerk_a)
    page.goto(entry)
    controlled(page)

    page.context.set_offline(True)
    page.fill("#fast-entry [name=code]", "DUP-1")
    page.fill("#fast-entry [name=address]", "1 Ngõ Trạm")
    page.fill("#fast-entry [name=head_name]", "Đỗ Văn Mạnh")
    page.fill("#fast-entry [name=member_count]", "2")
    page.locator("#fast-entry button[type=submit]").tap()
    expect(pending(page)).to_have_text("1 thay đổi đang chờ gửi")
    HouseholdFactory(group=group, code="DUP-1")  # another clerk used the code meanwhile

    page.context.set_offline(False)
    problem = page.locator("#offline-problems .offline-problem")
    expect(problem).to_be_visible(timeout=3 * TIMEOUT_MS)
    expect(problem).to_contain_text("Không gửi được")
    expect(problem).to_contain_text("Thêm hộ DUP-1 – Đỗ Văn Mạnh")
    # The server's own reason, once.
    expect(problem.locator(".form-errors")).to_have_text(
        "Mã hộ này đã có trong xã/phường. Vui lòng nhập mã khác."
    )
    expect(pending(page)).to_have_text("1 thay đổi không gửi được")
    assert Household.objects.filter(code="DUP-1").count() == 1
    page.shots("refused")
    problem.get_by_role("button", name="Bỏ thay đổi này").tap()
    expect(page.locator("#offline-problems")).to_have_count(0)
    expect(pending(page)).to_have_attribute("data-failed", "0")

"""The reporting chain in a real browser (issue 13): a ward's police officer drafts, edits and
submits the period's report, the province's reviewer returns it with a comment, the officer reads
the comment and submits again, the reviewer accepts, and the completeness page shows the ward's
report accepted and on time.

Every step asserts what the user sees: the state's label in Vietnamese, the page's message, the
reviewer's comment and the narrative typed with its diacritics.
"""

import re

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from reporting.models import PeriodReport
from tests.factories import UserFactory, ensure_reporting_seeds
from wardsecurity.models import User
from wardsecurity.period_spec import REPORTING, month_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# A loaded 2-core machine: submitting brings the figures up to date and freezes a snapshot.
SLOW_MS = 30_000

NARRATIVE = (
    "Một số tổ dân phố chưa duy trì đều đặn việc tuần tra ban đêm; "
    "công tác nắm tình hình ở khu trọ còn hạn chế, nguyên nhân do lực lượng mỏng."
)
ADDED = "Đã bổ sung: tổ tự quản số 3 họp dân ngày 20, có 45 hộ dự."
COMMENT = "Đề nghị bổ sung kết quả họp tổ tự quản và số liệu tuần tra của tháng."


@pytest.fixture
def reviewer(province):
    return UserFactory(
        username="reviewer_browser",
        role=User.Role.PROVINCE_REVIEWER,
        scope_kind=User.ScopeKind.PROVINCE,
        scope_ward=None,
        scope_province=province,
    )


@pytest.fixture(autouse=True)
def _seeds(transactional_db):
    """Schedules and indicator catalogue: a transactional test empties the seeded tables."""
    ensure_reporting_seeds()


def this_month():
    """The reporting calendar's current month: its report, submitted today, is on time."""
    return month_of(timezone.localdate(), REPORTING)


def badge(page):
    return page.locator("dl.detail-list span.badge[data-state]")


def status(page):
    return page.locator("ul.messages[role=status]")


def switch_user(page, login, user):
    page.context.clear_cookies()
    login(user)


def test_the_chain_from_draft_to_accepted_in_the_browser(
    page, login, officer_a, ward_a, ward_b, reviewer
):
    page.set_default_navigation_timeout(SLOW_MS)
    year, month = this_month()
    spec = f"month:{year:04d}-{month:02d}"

    # The officer opens the ward's report of this month from the chain's list.
    login(officer_a)
    page.goto(reverse("reporting:list"))
    expect(page.locator("h1")).to_have_text("Gửi và tiếp nhận báo cáo")
    page.locator("#id_kind").select_option("month")
    page.locator("#id_year").fill(str(year))
    page.locator("#id_number").fill(str(month))
    page.shots("start")
    page.get_by_role("button", name="Mở báo cáo").click()
    page.wait_for_url(re.compile(r"/ward-reports/\d+/$"))
    report = PeriodReport.objects.get(ward=ward_a, period=spec)
    expect(page.locator("h1")).to_contain_text("Phường An Bình")
    expect(badge(page)).to_have_text("Dự thảo")
    expect(status(page)).to_contain_text("Đã tạo dự thảo từ số liệu của kỳ.")
    # An officer submits; nothing is reviewed from a ward's account.
    expect(page.get_by_role("button", name="Gửi báo cáo")).to_be_visible()
    expect(page.get_by_role("button", name="Tiếp nhận báo cáo")).to_have_count(0)

    # Drafts the heading and signature, and types section III with its diacritics.
    page.locator("#id_number").fill("15")
    page.locator("#id_symbol").fill("BC-CAP")
    page.locator("#id_issued_on").fill(timezone.localdate().isoformat())
    page.locator("#id_place").fill("An Bình")
    page.locator("#id_signer_title").fill("Trưởng Công an phường")
    page.locator("#id_signer_name").fill("Nguyễn Văn Bình")
    page.locator("#id_recipients").fill("- Công an tỉnh;\n- Lưu: VT.")
    section_iii = page.get_by_label("III. Tồn tại, hạn chế và nguyên nhân")
    section_iii.click()
    section_iii.press_sequentially(NARRATIVE)  # typed key by key, as a user types
    expect(section_iii).to_have_value(NARRATIVE)
    page.shots("drafted")
    page.get_by_role("button", name="Lưu dự thảo").click()
    expect(status(page)).to_contain_text("Đã lưu dự thảo.")
    expect(badge(page)).to_have_text("Dự thảo")
    # Saved and shown again: the text comes back from the database as typed.
    page.reload()
    expect(page.get_by_label("III. Tồn tại, hạn chế và nguyên nhân")).to_have_value(NARRATIVE)
    report.refresh_from_db()
    assert report.shortcomings == NARRATIVE

    # Submits: the state changes, the narrative is shown as submitted, the form is gone.
    page.get_by_role("button", name="Gửi báo cáo").click()
    expect(status(page)).to_contain_text("Đã gửi báo cáo.", timeout=SLOW_MS)
    expect(badge(page)).to_have_text("Đã gửi")
    expect(page.locator("dl.report-text")).to_contain_text(NARRATIVE)
    expect(page.get_by_role("button", name="Lưu dự thảo")).to_have_count(0)
    expect(page.get_by_role("button", name="Gửi báo cáo")).to_have_count(0)
    page.shots("submitted")

    # The reviewer finds it, tries to return it without a comment, then with one.
    switch_user(page, login, reviewer)
    page.goto(reverse("reporting:list"))
    page.get_by_role("link", name="Phường An Bình").click()
    expect(badge(page)).to_have_text("Đã gửi")
    expect(page.locator("dl.report-text")).to_contain_text(NARRATIVE)
    expect(page.get_by_role("button", name="Gửi báo cáo")).to_have_count(0)
    page.get_by_role("button", name="Trả lại cho xã, phường").click()
    expect(page.locator("#id_comment_error")).to_be_visible()
    expect(badge(page)).to_have_text("Đã gửi")
    page.locator("#id_comment").fill(COMMENT)
    page.shots("returning")
    page.get_by_role("button", name="Trả lại cho xã, phường").click()
    expect(status(page)).to_contain_text("Đã trả lại báo cáo cho xã, phường.")
    expect(badge(page)).to_have_text("Bị trả lại")
    expect(page.locator("dd.return-comment")).to_have_text(COMMENT)

    # The officer sees the comment beside the state, edits the narrative kept from before and
    # submits again.
    switch_user(page, login, officer_a)
    page.goto(reverse("reporting:report", kwargs={"pk": report.pk}))
    expect(badge(page)).to_have_text("Bị trả lại")
    expect(page.locator("dd.return-comment")).to_have_text(COMMENT)
    history = page.locator("table[aria-labelledby=transitions-heading]")
    expect(history).to_contain_text(COMMENT)
    section_iii = page.get_by_label("III. Tồn tại, hạn chế và nguyên nhân")
    expect(section_iii).to_have_value(NARRATIVE)
    section_iii.press("Control+End")  # the end of the text, not of the wrapped line
    section_iii.press("Enter")
    section_iii.press_sequentially(ADDED)
    page.shots("returned")
    page.get_by_role("button", name="Lưu dự thảo").click()
    expect(status(page)).to_contain_text("Đã lưu dự thảo.")
    expect(page.get_by_label("III. Tồn tại, hạn chế và nguyên nhân")).to_have_value(
        f"{NARRATIVE}\n{ADDED}"
    )
    page.get_by_role("button", name="Gửi báo cáo").click()
    expect(status(page)).to_contain_text("Đã gửi báo cáo.", timeout=SLOW_MS)
    expect(badge(page)).to_have_text("Đã gửi")
    expect(page.locator("dl.report-text")).to_contain_text(NARRATIVE)
    expect(page.locator("dl.report-text")).to_contain_text(ADDED)
    expect(history).to_contain_text("Gửi lại")

    # The reviewer accepts.
    switch_user(page, login, reviewer)
    page.goto(reverse("reporting:report", kwargs={"pk": report.pk}))
    expect(badge(page)).to_have_text("Đã gửi")
    expect(page.locator("dl.report-text")).to_contain_text(ADDED)
    page.get_by_role("button", name="Tiếp nhận báo cáo").click()
    expect(status(page)).to_contain_text("Đã tiếp nhận báo cáo.")
    expect(badge(page)).to_have_text("Đã tiếp nhận")
    expect(page.get_by_role("button", name="Tiếp nhận báo cáo")).to_have_count(0)
    page.shots("accepted")

    # The completeness page: ward A accepted on time, ward B not started, for that period.
    page.goto(reverse("completeness:index"))
    page.get_by_label("Kỳ báo cáo", exact=True).select_option(spec)
    page.locator("main").get_by_role("button", name="Xem", exact=True).click()
    expect(page.locator("h1")).to_contain_text("Tình hình gửi báo cáo")
    row_a = page.locator("tr[data-ward='91001']")
    expect(row_a).to_contain_text("Phường An Bình")
    expect(row_a.locator("span.state")).to_have_text("Đã tiếp nhận – đúng hạn")
    expect(page.locator("tr[data-ward='91002'] span.state")).to_have_text("Chưa bắt đầu")
    expect(page.locator("[data-rate=accepted]")).to_have_text("50,0 %")
    expect(page.locator("[data-rate=on_time]")).to_have_text("50,0 %")
    page.shots("completeness")
    report.refresh_from_db()
    assert report.state == PeriodReport.State.ACCEPTED
    # A browser posts a textarea's line breaks as CRLF; the text is kept as posted.
    assert report.shortcomings.replace("\r\n", "\n") == f"{NARRATIVE}\n{ADDED}"

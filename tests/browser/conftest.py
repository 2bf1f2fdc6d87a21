"""Playwright (sync API) driving Debian's Chromium against pytest-django's live server.

Run them alone with ``pytest -m browser``; they are part of the normal suite too (``-n 2``).
Chromium comes from ``scripts/install-chromium`` (``make install``): Playwright never downloads a
browser. Screenshots of every step land in ``test-artifacts/browser/`` (git-ignored).
"""

import re
from pathlib import Path

import pytest
from django.urls import reverse

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "browser"
PASSWORD = "demo12345"  # tests.factories.UserFactory
TIMEOUT_MS = 10_000


def pytest_configure(config):
    config.addinivalue_line("markers", "browser: drives Chromium against the live server")


def pytest_collection_modifyitems(items):
    here = Path(__file__).parent
    for item in items:
        if here in item.path.parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="module")
def browser():
    """A headless Chromium, shared by the tests of a module.

    The sync API keeps an asyncio loop in this thread while Playwright runs, and Django refuses
    ORM calls from a thread with a running loop; the tests' own ORM set-up is synchronous and
    safe, so the check is lifted while the browser is up, and restored after the module.
    """
    from playwright.sync_api import sync_playwright

    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: run scripts/install-chromium (make install)")
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        instance = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True)
        try:
            yield instance
        finally:
            instance.close()


class Shots:
    """Numbered screenshots of one test: ``test-artifacts/browser/<test>/<n>-<step>.png``."""

    def __init__(self, page, name):
        self.page = page
        self.folder = ARTIFACTS / re.sub(r"[^\w.-]+", "_", name)
        self.count = 0
        self.folder.mkdir(parents=True, exist_ok=True)
        for old in self.folder.glob("*.png"):
            old.unlink()

    def __call__(self, step):
        self.count += 1
        path = self.folder / f"{self.count:02d}-{step}.png"
        # A full-page screenshot resizes the viewport. Chromium then scrolls a focused text field
        # back into view at the next pointer event, which moved a Save button away between its
        # mousedown and mouseup (the click landed on the form and nothing was sent). The field
        # is blurred while the picture is taken and refocused without scrolling.
        self.page.evaluate(
            "() => { const e = document.activeElement;"
            " window.__shotFocus = e && e !== document.body ? e : null;"
            " if (window.__shotFocus) window.__shotFocus.blur(); }"
        )
        self.page.screenshot(path=str(path), full_page=True)
        self.page.evaluate(
            "() => { if (window.__shotFocus) window.__shotFocus.focus({preventScroll: true});"
            " delete window.__shotFocus; }"
        )
        return path


@pytest.fixture
def page(browser, live_server, request):
    """A fresh page (Vietnamese, a phone-sized-or-larger window) on the live server."""
    context = browser.new_context(
        base_url=live_server.url, locale="vi-VN", viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(TIMEOUT_MS)
    tab = context.new_page()
    tab.shots = Shots(tab, request.node.name)
    try:
        yield tab
    finally:
        if getattr(request.node, "rep_call_failed", False):
            tab.shots("failure")
        context.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.rep_call_failed = report.failed
    return report


@pytest.fixture
def login(page):
    """Sign in through the portal's own login page."""

    def sign_in(user, password=PASSWORD):
        page.goto(reverse("login"))
        page.fill("input[name=username]", user.username)
        page.fill("input[name=password]", password)
        page.locator("#main form button[type=submit]").click()
        page.wait_for_url(lambda url: "/login/" not in url)
        return page

    return sign_in

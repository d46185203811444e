import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture
def browser():
    # Per test, not per session: Playwright's sync API keeps an event loop
    # running in this thread, and Django's connection handler then hands the
    # next test's database set-up a different connection object (without the
    # serialized data to restore).
    if not (Path(CHROMIUM).exists() or shutil.which("chromium")):
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("Chromium is missing (apt-get install chromium fonts-noto-cjk)")
        pytest.skip("Chromium not installed: apt-get install chromium fonts-noto-cjk")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls in
    # the tests themselves are synchronous and safe.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page(browser, live_server, tmp_path):
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, locale="zh-CN"
    )
    page = context.new_page()
    page.base = live_server.url
    page.shots = Path(os.environ.get("SCREENSHOT_DIR", tmp_path))
    page.shots.mkdir(parents=True, exist_ok=True)
    yield page
    context.close()


def login(page, username, password="pw-123456"):
    page.goto(page.base + "/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("main button[type=submit]")
    page.wait_for_url("**/workspace/")

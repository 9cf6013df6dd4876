"""Browser tests: the app behind waitress on 127.0.0.1, Debian's chromium driven by Playwright, CSRF on."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import PASSWORD

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--no-first-run", "--disable-sync"]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture
def live_server(app):
    """The app with CSRF enabled, served by waitress in a thread; yields its base URL."""
    from tests.views.conftest import serve_in_thread

    app.config["WTF_CSRF_ENABLED"] = True
    port, stop = serve_in_thread(app)
    yield f"http://127.0.0.1:{port}"
    stop()


class Shots:
    """Screenshots of the pages a journey passes through, numbered, in test-artifacts/<test>/."""

    def __init__(self, name: str) -> None:
        self.folder = ARTIFACTS / re.sub(r"[^\w.-]+", "_", name)
        self.folder.mkdir(parents=True, exist_ok=True)
        for old in self.folder.glob("*.png"):
            old.unlink()
        self.n = 0

    def __call__(self, page, label: str) -> None:
        self.n += 1
        page.screenshot(path=str(self.folder / f"{self.n:02d}-{label}.png"), full_page=True)


@pytest.fixture
def shots(request):
    return Shots(request.node.name)


@pytest.fixture
def open_as(browser, live_server):
    """open_as(username) -> a page of a new browser context, signed in through the form."""
    contexts = []

    def open_page(username: str):
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.goto(f"{live_server}/login")
        page.get_by_label("Tên đăng nhập").fill(username)
        page.get_by_label("Mật khẩu").fill(PASSWORD)
        page.get_by_role("button", name="Đăng nhập").click()
        page.wait_for_url(re.compile(r".*/$"))
        return page

    yield open_page
    for context in contexts:
        context.close()

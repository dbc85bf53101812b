"""Shared fixtures for the browser tests: Debian's chromium driven by Playwright's sync API."""

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--no-first-run", "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    """One chromium for the whole session; each test opens its own context (cookies, viewport, locale)."""
    if not shutil.which(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail("chromium is missing: `make test` installs it (scripts/install-chromium.sh)")
        pytest.skip("chromium is not installed")
    # Playwright's sync API runs an event loop in this thread; the ORM calls in the tests are still synchronous.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _new_page(browser, width: int, height: int):
    # bypass_csp: the accessibility check injects axe-core as an inline script, which our CSP (rightly) forbids.
    context = browser.new_context(viewport={"width": width, "height": height}, locale="id-ID", bypass_csp=True)
    context.set_default_timeout(10_000)
    return context.new_page()


@pytest.fixture
def phone(browser):
    """A fresh page on a phone-sized screen, in Indonesian, with its own cookies."""
    page = _new_page(browser, 390, 844)
    yield page
    page.context.close()


@pytest.fixture
def office_pc(browser):
    """A fresh page on an office PC's screen, in Indonesian, with its own cookies."""
    page = _new_page(browser, 1280, 900)
    yield page
    page.context.close()


@pytest.fixture(scope="session")
def screenshots() -> Path:
    """Where screenshots are kept as test artefacts (PENGADUAN_ARTEFACTS, default ./artefacts)."""
    folder = Path(os.environ.get("PENGADUAN_ARTEFACTS", "artefacts")) / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder

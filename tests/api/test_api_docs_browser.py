"""The API's documentation page renders in a real browser with no internet and under the site's CSP."""

import os
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import pytest

CHROMIUM = "/usr/bin/chromium"

pytestmark = pytest.mark.browser


@pytest.fixture
def offline_page(live_server):
    if not shutil.which(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail("chromium is missing: `make test` installs it (scripts/install-chromium.sh)")
        pytest.skip("chromium is not installed")
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    server = urlsplit(live_server.url).netloc
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--headless"])
        context = browser.new_context(viewport={"width": 1280, "height": 900})  # the CSP is enforced
        outside = []

        def only_our_server(route):
            if urlsplit(route.request.url).netloc == server:
                return route.continue_()
            outside.append(route.request.url)
            return route.abort()

        context.route("**/*", only_our_server)
        page = context.new_page()
        page.outside_requests = outside
        yield page
        browser.close()


def test_the_docs_page_works_offline(offline_page, live_server):
    problems = []
    offline_page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    offline_page.on("pageerror", lambda error: problems.append(str(error)))

    offline_page.goto(live_server.url + "/api/v1/docs")
    offline_page.wait_for_selector(".opblock-summary-path", timeout=15_000)

    paths = offline_page.locator(".opblock-summary-path").all_inner_texts()
    assert any("/api/v1/complaints/{complaint_id}/steps/{number}" in path for path in paths)
    assert offline_page.outside_requests == []
    assert problems == []  # no CSP violation, no parser error (Swagger UI refuses a schema with duplicate keys)
    folder = Path(os.environ.get("PENGADUAN_ARTEFACTS", "artefacts")) / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    offline_page.screenshot(path=folder / "api-docs.png")

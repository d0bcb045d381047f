"""Browser tests: the real app served on a loopback port, driven by Playwright in Debian's Chromium.

Skipped, with the reason printed, when no Chromium or no PWA build is found.
"""

import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from werkzeug.serving import make_server

from config import BASE_DIR
from models import db
from services.demo import seed_demo

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
DIST = BASE_DIR / "pwa" / "dist"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.e2e)


def _skip_reason() -> str | None:
    if shutil.which("chromium") is None:
        return "no Debian chromium on PATH (apt-get install -y chromium; .ci/run installs it)"
    if not (DIST / "index.html").is_file():
        return "no PWA build in pwa/dist (make pwa builds it)"
    return None


@pytest.fixture(scope="session")
def chromium_path() -> str:
    reason = _skip_reason()
    if reason:
        print(f"\nSKIPPING browser tests: {reason}")
        pytest.skip(reason)
    return str(shutil.which("chromium"))


def _closing(app: Flask):
    """`app` with every response closed however its request ends. Werkzeug's development server
    skips `close()` when the client resets the connection while it drains the request (as a
    browser closed at a test's end does mid-download), leaving a static file open for the
    garbage collector to warn about; this wrapper's generator closes it when it is dropped."""

    def wsgi(environ, start_response):
        response = app(environ, start_response)
        try:
            for chunk in response:  # noqa: UP028 - `yield from` would close it a second time
                yield chunk
        finally:
            if hasattr(response, "close"):
                response.close()

    return wsgi


@pytest.fixture
def live_server(make_app) -> Iterator[tuple[str, Flask]]:
    """The whole app (API and PWA build) on a free loopback port, in a thread."""
    app = make_app(PWA_DIST=DIST)
    server = make_server("127.0.0.1", 0, _closing(app), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", app
    finally:
        server.shutdown()
        thread.join(timeout=5)


@pytest.fixture(scope="session")
def playwright_instance():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture
def browser(chromium_path, playwright_instance):
    browser = playwright_instance.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
    try:
        yield browser
    finally:
        browser.close()


@pytest.fixture
def phone(browser):
    """A phone-sized browser context (a new profile: no storage, no service worker), in the
    invited patients' zone: enrolment takes the device's zone, and a phone on the machine's
    (UTC) would be a day ahead of New York every evening."""
    context = browser.new_context(
        viewport={"width": 390, "height": 844},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        timezone_id="America/New_York",
    )
    try:
        yield context
    finally:
        context.close()


@pytest.fixture
def desk(browser):
    """A desktop-sized browser context (a new profile: no storage, no service worker)."""
    context = browser.new_context(viewport={"width": 1366, "height": 900}, timezone_id="UTC")
    try:
        yield context
    finally:
        context.close()


@pytest.fixture
def demo(live_server) -> str:
    """The live app with the demo clinic seeded (a clinician, an admin, 5 patients with 120
    days of history); answers its base URL."""
    base, app = live_server
    with app.app_context():
        seed_demo()
        db.session.remove()
    return base

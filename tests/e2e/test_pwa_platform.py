"""The installable PWA: manifest and icons, a controlling service worker, push notifications,
and no accessibility violations on the patient's screens."""

import json
import struct

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.e2e.flows import enroll, invite

NOTIFICATION_TITLES = (
    "async () => (await (await navigator.serviceWorker.ready).getNotifications()).map(n => n.title)"
)


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def test_install_criteria_manifest_icons_and_controlling_worker(live_server, phone):
    base, _ = live_server
    page = phone.new_page()
    page.goto(f"{base}/")
    href = page.locator("link[rel=manifest]").get_attribute("href")
    manifest = page.request.get(
        f"{base}{href}" if href.startswith("/") else f"{base}/{href}"
    ).json()

    assert manifest["name"] and manifest["short_name"]
    assert manifest["start_url"] == "/"
    assert manifest["display"] == "standalone"
    sizes = {}
    for icon in manifest["icons"]:
        body = page.request.get(
            f"{base}{icon['src']}" if icon["src"].startswith("/") else f"{base}/{icon['src']}"
        ).body()
        sizes[icon["sizes"]] = _png_size(body)
    assert sizes["192x192"] == (192, 192)
    assert sizes["512x512"] == (512, 512)
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")


def test_push_message_shows_a_notification_that_opens_checkin(
    live_server, phone, app, make_clinic, make_staff
):
    base, _ = live_server
    phone.grant_permissions(["notifications"], origin=base)
    _, code = invite(make_clinic, make_staff)
    page = phone.new_page()
    enroll(page, base, code)
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")

    page.wait_for_function(
        "async () => (await navigator.serviceWorker.ready).active?.state === 'activated'"
    )

    cdp = phone.new_cdp_session(page)
    registrations: list[dict] = []
    worker_errors: list[dict] = []
    cdp.on(
        "ServiceWorker.workerRegistrationUpdated",
        lambda e: registrations.extend(e["registrations"]),
    )
    cdp.on("ServiceWorker.workerErrorReported", lambda e: worker_errors.append(e["errorMessage"]))
    cdp.send("ServiceWorker.enable")
    ours: list[dict] = []
    for _ in range(40):  # the registration event arrives asynchronously after enable
        ours = [r for r in registrations if r["scopeURL"] == f"{base}/" and not r["isDeleted"]]
        if ours:
            break
        page.wait_for_timeout(125)
    assert ours, f"no service worker registration for {base}/ reported: {registrations}"
    registration = ours[-1]
    payload = {
        "title": "Time for your check-in",
        "body": "It takes 30 seconds.",
        "url": "/checkin",
        "tag": "daily",
    }
    cdp.send(
        "ServiceWorker.deliverPushMessage",
        {
            "origin": base,
            "registrationId": registration["registrationId"],
            "data": json.dumps(payload),
        },
    )
    # A loaded CI machine may need to start the worker first: allow it 15 s.
    titles: list[str] = []
    for _ in range(60):
        titles = page.evaluate(NOTIFICATION_TITLES)
        if titles:
            break
        page.wait_for_timeout(250)
    assert titles == ["Time for your check-in"], f"worker errors: {worker_errors}"

    # A push without a readable payload still shows a notification (Safari revokes otherwise).
    cdp.send(
        "ServiceWorker.deliverPushMessage",
        {"origin": base, "registrationId": registration["registrationId"], "data": "not json"},
    )
    page.wait_for_timeout(500)
    count = page.evaluate(
        "async () => (await (await navigator.serviceWorker.ready).getNotifications()).length"
    )
    assert count >= 1


@pytest.mark.parametrize("path", ["/enroll", "/signin"])
def test_signed_out_screens_have_no_axe_violations(live_server, phone, path):
    base, _ = live_server
    page = phone.new_page()
    page.goto(f"{base}{path}")
    expect(page.get_by_label("Password", exact=True)).to_be_visible()
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


@pytest.mark.parametrize("path", ["/", "/checkin", "/trends", "/reminders", "/questionnaire"])
def test_patient_screens_have_no_axe_violations(
    live_server, phone, app, make_clinic, make_staff, path
):
    base, _ = live_server
    _, code = invite(make_clinic, make_staff)
    page = phone.new_page()
    enroll(page, base, code)
    page.goto(f"{base}{path}")
    page.wait_for_load_state("networkidle")
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()

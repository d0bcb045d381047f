"""The clinic settings screen in Debian's Chromium: the demo admin changes a threshold and the
phone, and only what changed is sent and kept; a combination the rules cannot use shows the
server's message and stores nothing; a clinician reads the same rules without a way to change
them."""

import re

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from services.demo import ADMIN_EMAIL, CLINICIAN_EMAIL, DEMO_PASSWORD, DEMO_PHONE

SESSION_KEY = "clinic.session"
MISSED = "Missed check-ins: days without one (default 3)"
RECENT_MIN = "Recent window: rated days needed (default 2)"
ANXIETY = "Anxiety rise: points the recent mean is above the earlier one (default off)"
SAVED = "Clinic settings saved."


def sign_in(page, base: str, email: str) -> None:
    page.goto(f"{base}/clinic/signin")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base}/clinic/")
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def open_settings(page) -> None:
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Clinic settings").click()
    expect(page.get_by_role("heading", level=1, name="Clinic settings")).to_be_visible()


def clinic_now(page, base: str) -> dict:
    token = page.evaluate(f"() => JSON.parse(sessionStorage.getItem('{SESSION_KEY}')).token")
    answer = page.request.get(f"{base}/api/v1/clinic", headers={"Authorization": f"Bearer {token}"})
    assert answer.ok
    return answer.json()


def test_the_admin_changes_the_missed_days_and_the_phone(demo, desk):
    page = desk.new_page()
    sent: list[dict] = []
    page.on(
        "request",
        lambda request: (
            request.method == "PATCH"
            and request.url.endswith("/api/v1/clinic")
            and sent.append(request.post_data_json)
        ),
    )
    sign_in(page, demo, ADMIN_EMAIL)
    open_settings(page)
    assert page.url == f"{demo}/clinic/settings"
    expect(page).to_have_title(re.compile(r"^Clinic settings"))
    expect(
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Clinic settings")
    ).to_have_attribute("aria-current", "page")

    form = page.get_by_role("form", name="Clinic settings")
    expect(form.get_by_label("Clinic name")).to_have_value("Demo Ketamine Clinic")
    expect(form.get_by_label("Clinic phone")).to_have_value(DEMO_PHONE)
    expect(form.get_by_label("Time zone")).to_have_value("America/New_York")
    expect(form.get_by_label("Questionnaire every (days)")).to_have_value("14")
    missed = form.get_by_label(MISSED)
    expect(missed).to_have_value("3")
    expect(missed).to_have_attribute("type", "number")
    expect(form.get_by_label(ANXIETY)).to_have_value("")  # off
    severities = form.get_by_role("group", name=re.compile(r"^Side effects that raise an alert"))
    expect(severities.get_by_role("checkbox", name="Severe")).to_be_checked()
    expect(severities.get_by_role("checkbox", name="Moderate")).not_to_be_checked()

    missed.fill("5")
    form.get_by_label("Clinic phone").fill("+1 555 0199")
    form.get_by_role("button", name="Save clinic settings").click()
    expect(page.get_by_role("status").filter(has_text=SAVED)).to_be_visible()
    # Only what changed, numbers as numbers.
    assert sent == [{"phone": "+1 555 0199", "alerts": {"missed_days": 5}}]
    kept = clinic_now(page, demo)
    assert kept["phone"] == "+1 555 0199"
    assert kept["alerts"]["missed_days"] == 5
    assert kept["alerts"]["decline_recent_days"] == 3
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()

    # Saving again without a change sends nothing.
    form.get_by_role("button", name="Save clinic settings").click()
    expect(page.get_by_role("status").filter(has_text="Nothing to save")).to_be_visible()
    assert len(sent) == 1

    page.reload()
    form = page.get_by_role("form", name="Clinic settings")
    expect(form.get_by_label(MISSED)).to_have_value("5")
    expect(form.get_by_label("Clinic phone")).to_have_value("+1 555 0199")


def test_a_minimum_above_its_window_shows_the_servers_message_and_saves_nothing(demo, desk):
    page = desk.new_page()
    sign_in(page, demo, ADMIN_EMAIL)
    open_settings(page)
    before = clinic_now(page, demo)
    form = page.get_by_role("form", name="Clinic settings")
    form.get_by_label(RECENT_MIN).fill("5")  # the recent window is 3 days
    form.get_by_label(MISSED).fill("6")
    form.get_by_role("button", name="Save clinic settings").click()
    refusal = form.get_by_role("alert")
    expect(refusal).to_contain_text("The clinic settings were not saved.")
    expect(refusal).to_contain_text("Minimum days cannot exceed their window.")
    expect(page.get_by_role("status").filter(has_text=SAVED)).to_have_count(0)
    assert clinic_now(page, demo) == before
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()

    # A threshold out of its bounds is said on its own field.
    form.get_by_label(RECENT_MIN).fill("2")
    form.get_by_label(MISSED).fill("31")
    form.get_by_role("button", name="Save clinic settings").click()
    expect(form.get_by_label(MISSED)).to_have_attribute("aria-invalid", "true")
    expect(form.get_by_label(MISSED)).to_be_focused()
    expect(form.get_by_label(MISSED)).to_have_accessible_description(re.compile(r"30"))
    assert clinic_now(page, demo) == before

    # Put right, it saves.
    form.get_by_label(MISSED).fill("4")
    form.get_by_role("button", name="Save clinic settings").click()
    expect(page.get_by_role("status").filter(has_text=SAVED)).to_be_visible()
    expect(form.get_by_label(MISSED)).not_to_have_attribute("aria-invalid", "true")
    expect(form.get_by_role("alert")).to_have_count(0)
    assert clinic_now(page, demo)["alerts"]["missed_days"] == 4


def test_a_clinician_reads_the_rules_without_changing_them(demo, desk):
    admin = desk.request.post(
        f"{demo}/api/v1/auth/login", data={"email": ADMIN_EMAIL, "password": DEMO_PASSWORD}
    ).json()["token"]
    changed = desk.request.patch(
        f"{demo}/api/v1/clinic",
        headers={"Authorization": f"Bearer {admin}"},
        data={"alerts": {"missed_days": 5, "anxiety_rise_points": 1.5}},
    )
    assert changed.ok, changed.text()

    page = desk.new_page()
    sign_in(page, demo, CLINICIAN_EMAIL)
    open_settings(page)
    expect(page.get_by_role("form")).to_have_count(0)
    expect(page.get_by_role("button", name="Save clinic settings")).to_have_count(0)
    expect(page.get_by_role("textbox")).to_have_count(0)
    expect(page.get_by_role("spinbutton")).to_have_count(0)

    checkins = page.get_by_role("table", name="Alerts on check-ins")
    missed = checkins.get_by_role("row", name=re.compile(r"^Missed check-ins: days without one"))
    expect(missed.get_by_role("cell")).to_have_text(["5", "3"])
    sides = checkins.get_by_role("row", name=re.compile(r"^Side effects that raise an alert"))
    expect(sides.get_by_role("cell")).to_have_text(["Severe", "Severe"])
    trends = page.get_by_role("table", name="Alerts on daily check-in trends")
    anxiety = trends.get_by_role("row", name=re.compile(r"^Anxiety rise"))
    expect(anxiety.get_by_role("cell")).to_have_text(["1.5", "Off"])
    clinic = page.get_by_role("table", name="The clinic")
    expect(
        clinic.get_by_role("row", name=re.compile(r"^Clinic phone")).get_by_role("cell")
    ).to_have_text([DEMO_PHONE])
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()

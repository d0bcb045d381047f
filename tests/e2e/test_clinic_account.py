"""The clinician's own account and the admin's staff screen, in Debian's Chromium: a display
name the header shows at once and after a reload, a password change that ends the old
password and every earlier sign-in, an admin renaming and deactivating a colleague, an admin
adding a colleague who then signs in, and the staff screen refused to a clinician without asking
the server."""

import json
import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect
from sqlalchemy import select

from models import Clinic, db
from services.demo import ADMIN_EMAIL, CLINICIAN_EMAIL, DEMO_CLINIC, DEMO_PASSWORD
from tests.conftest import PASSWORD as STAFF_PASSWORD

SESSION_KEY = "clinic.session"
STATUS_PASSWORD = "Password changed. Your other devices and tabs were signed out."


@pytest.fixture
def demo_clinic(demo, app) -> Clinic:
    return db.session.scalar(select(Clinic).where(Clinic.name == DEMO_CLINIC))


def sign_in(page, base: str, email: str, password: str) -> None:
    page.goto(f"{base}/clinic/signin")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base}/clinic/")
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def refused_sign_in(page, base: str, email: str, password: str) -> None:
    page.goto(f"{base}/clinic/signin")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("Wrong email or password.")
    assert "/clinic/signin" in page.url


def token(page) -> str:
    return page.evaluate(f"() => JSON.parse(sessionStorage.getItem('{SESSION_KEY}')).token")


def api(page, base: str, path: str, bearer: str):
    return page.request.get(f"{base}/api/v1{path}", headers={"Authorization": f"Bearer {bearer}"})


def nav(page):
    return page.get_by_role("navigation", name="Main")


def test_a_clinician_sets_their_name_and_the_header_shows_it(demo, desk):
    page = desk.new_page()
    sign_in(page, demo, CLINICIAN_EMAIL, DEMO_PASSWORD)
    header_name = page.locator(".app-header").get_by_role("link", name="Dr. Dana Demo")
    expect(header_name).to_have_attribute("title", CLINICIAN_EMAIL)
    header_name.click()
    expect(page.get_by_role("heading", level=1, name="Your account")).to_be_visible()
    assert page.url == f"{demo}/clinic/account"
    expect(page).to_have_title(re.compile(r"^Your account"))
    expect(nav(page).get_by_role("link", name="Account")).to_have_attribute("aria-current", "page")

    name = page.get_by_label("Display name")
    expect(name).to_have_value("Dr. Dana Demo")
    expect(name).to_have_attribute("maxlength", "120")
    name.fill("  Dr. Dana Demo-Reyes ")
    page.get_by_role("button", name="Save name").click()
    expect(page.get_by_role("status").filter(has_text="Name saved.")).to_be_visible()
    header = page.locator(".app-header .account-email")
    expect(header).to_have_text("Dr. Dana Demo-Reyes")
    expect(name).to_have_value("Dr. Dana Demo-Reyes")  # as the server keeps it: trimmed
    assert api(page, demo, "/me", token(page)).json()["display_name"] == "Dr. Dana Demo-Reyes"

    page.reload()
    expect(page.get_by_label("Display name")).to_have_value("Dr. Dana Demo-Reyes")
    expect(header).to_have_text("Dr. Dana Demo-Reyes")

    # The server's 422 lands on the field.
    page.route(
        re.compile(r".*/api/v1/users/\d+$"),
        lambda route: route.fulfill(
            status=422,
            content_type="application/problem+json",
            body=json.dumps(
                {"title": "Validation failed", "errors": {"display_name": ["Too long."]}}
            ),
        ),
    )
    page.get_by_role("button", name="Save name").click()
    expect(page.get_by_text("Too long.")).to_be_visible()
    expect(page.get_by_label("Display name")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Display name")).to_be_focused()
    page.unroute(re.compile(r".*/api/v1/users/\d+$"))

    # Empty clears the name: colleagues and the header see the email.
    page.get_by_label("Display name").fill("")
    page.get_by_role("button", name="Save name").click()
    expect(header).to_have_text(CLINICIAN_EMAIL)
    expect(page.get_by_label("Display name")).not_to_have_attribute("aria-invalid", "true")
    assert api(page, demo, "/me", token(page)).json()["display_name"] is None
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


def test_a_clinician_changes_their_password_and_the_old_one_stops_working(
    live_server, desk, make_clinic, make_staff
):
    base, _ = live_server
    clinician = make_staff(make_clinic(), display_name="Sam Sample")
    email = clinician.user.email
    new_password = "a-fresh-passphrase-42"
    page = desk.new_page()
    sign_in(page, base, email, STAFF_PASSWORD)
    nav(page).get_by_role("link", name="Account").click()
    expect(page.get_by_role("heading", level=1, name="Your account")).to_be_visible()
    first_token = token(page)

    current = page.get_by_label("Current password")
    new = page.get_by_label("New password", exact=True)
    repeat = page.get_by_label("Repeat the new password")
    expect(page.get_by_text("At least 10 characters, not a common password.")).to_be_visible()

    # Checked on the device: the repeat must match.
    current.fill(STAFF_PASSWORD)
    new.fill(new_password)
    repeat.fill(new_password + "x")
    page.get_by_role("button", name="Change password").click()
    expect(page.get_by_text("The two new passwords are not the same.")).to_be_visible()
    expect(repeat).to_have_attribute("aria-invalid", "true")
    expect(repeat).to_be_focused()

    # Checked by the server: the current password.
    current.fill("not-my-password")
    repeat.fill(new_password)
    page.get_by_role("button", name="Change password").click()
    expect(page.get_by_text("This is not your current password.")).to_be_visible()
    expect(current).to_have_attribute("aria-invalid", "true")
    expect(current).to_be_focused()
    expect(repeat).not_to_have_attribute("aria-invalid", "true")

    current.fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Change password").click()
    expect(page.get_by_role("status").filter(has_text=STATUS_PASSWORD)).to_be_visible()
    for field in (current, new, repeat):
        expect(field).to_have_value("")
        expect(field).not_to_have_attribute("aria-invalid", "true")
    # This tab carries on with the new session; every earlier sign-in has ended.
    second_token = token(page)
    assert second_token != first_token
    assert api(page, base, "/me", first_token).status == 401
    assert api(page, base, "/me", clinician.token).status == 401
    assert api(page, base, "/me", second_token).ok
    nav(page).get_by_role("link", name="Alerts").click()
    expect(page.get_by_role("heading", level=1, name="Alerts")).to_be_visible()
    expect(page.locator(".app-header .account-email")).to_have_text("Sam Sample")

    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(re.compile(r"/clinic/signin"))
    refused_sign_in(page, base, email, STAFF_PASSWORD)
    sign_in(page, base, email, new_password)


def test_the_admin_renames_and_deactivates_a_clinician(demo, demo_clinic, desk, make_staff):
    locum = make_staff(demo_clinic, email="riley@clinic.example", display_name="Riley Locum")
    page = desk.new_page()
    sign_in(page, demo, ADMIN_EMAIL, DEMO_PASSWORD)
    nav(page).get_by_role("link", name="Staff", exact=True).click()
    expect(page.get_by_role("heading", level=1, name="Staff")).to_be_visible()
    table = page.get_by_role("table", name=re.compile(r"^Clinicians and admins of"))
    expect(table.locator("tbody tr")).to_have_count(3)
    for header in ("Name", "Email", "Role", "Status", "Actions"):
        expect(table.get_by_role("columnheader", name=header)).to_be_visible()
    me = table.get_by_role("row").filter(has_text=ADMIN_EMAIL)
    expect(me).to_contain_text("Alex Admin (you)")
    expect(me.get_by_role("cell", name="Admin", exact=True)).to_be_visible()
    # Nobody deactivates themself.
    expect(page.get_by_role("button", name=f"Deactivate {ADMIN_EMAIL}")).to_have_count(0)

    row = table.get_by_role("row").filter(has_text="riley@clinic.example")
    expect(row).to_contain_text("Riley Locum")
    expect(row).to_contain_text("Clinician")
    expect(row).to_contain_text("Active")

    # Rename, inline.
    page.get_by_role("button", name="Edit name of riley@clinic.example").click()
    name = page.get_by_label("Display name of riley@clinic.example")
    expect(name).to_be_focused()
    expect(name).to_have_value("Riley Locum")
    name.fill("Dr. Riley Locum")
    row.get_by_role("button", name="Save", exact=True).click()
    expect(
        page.get_by_role("status").filter(has_text="Name saved for riley@clinic.example.")
    ).to_be_visible()
    row = table.get_by_role("row").filter(has_text="riley@clinic.example")
    expect(row.get_by_role("rowheader")).to_have_text("Dr. Riley Locum")
    expect(page.get_by_role("button", name="Edit name of riley@clinic.example")).to_be_focused()

    # Cancel puts the buttons back without a call.
    page.get_by_role("button", name="Edit name of riley@clinic.example").click()
    page.get_by_label("Display name of riley@clinic.example").fill("Not saved")
    row.get_by_role("button", name="Cancel").click()
    expect(row.get_by_role("rowheader")).to_have_text("Dr. Riley Locum")

    # Deactivate asks first, in the page; the safe choice has focus.
    deactivate = page.get_by_role("button", name="Deactivate riley@clinic.example")
    deactivate.click()
    confirm = page.get_by_role("group", name=re.compile(r"^Deactivate riley@clinic\.example\?"))
    expect(confirm.get_by_role("button", name="Keep access")).to_be_focused()
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()
    confirm.get_by_role("button", name="Keep access").click()
    expect(deactivate).to_be_focused()
    expect(row).to_contain_text("Active")

    deactivate.click()
    confirm.get_by_role("button", name="Yes, deactivate").click()
    expect(
        page.get_by_role("status").filter(has_text="riley@clinic.example is deactivated")
    ).to_be_visible()
    expect(row.get_by_text("Deactivated", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Deactivate riley@clinic.example")).to_have_count(0)
    [listed] = [
        u
        for u in api(page, demo, "/users", token(page)).json()["items"]
        if u["email"] == "riley@clinic.example"
    ]
    assert listed["active"] is False and listed["display_name"] == "Dr. Riley Locum"

    # Renaming yourself here renames you in the header too.
    page.get_by_role("button", name=f"Edit name of {ADMIN_EMAIL}").click()
    page.get_by_label(f"Display name of {ADMIN_EMAIL}").fill("Alex A. Admin")
    page.get_by_label(f"Display name of {ADMIN_EMAIL}").press("Enter")
    expect(me.get_by_role("rowheader")).to_have_text("Alex A. Admin (you)")
    expect(page.locator(".app-header .account-email")).to_have_text("Alex A. Admin")

    # A refusal shows the problem's message; the row is left as it was.
    deactivate_path = re.compile(r".*/api/v1/users/\d+/deactivate$")
    page.route(
        deactivate_path,
        lambda route: route.fulfill(
            status=404,
            content_type="application/problem+json",
            body=json.dumps({"title": "Not Found", "status": 404, "detail": "User not found."}),
        ),
    )
    page.get_by_role("button", name=f"Deactivate {CLINICIAN_EMAIL}").click()
    page.get_by_role("button", name="Yes, deactivate").click()
    expect(page.get_by_role("alert")).to_have_text("User not found.")
    dana = table.get_by_role("row").filter(has_text=CLINICIAN_EMAIL)
    expect(dana).to_contain_text("Active")
    expect(page.get_by_role("button", name=f"Deactivate {CLINICIAN_EMAIL}")).to_be_visible()
    page.unroute(deactivate_path)

    # Their sign-ins ended at once, and they cannot sign in again.
    assert api(page, demo, "/me", locum.token).status == 401
    other = desk.new_page()
    refused_sign_in(other, demo, "riley@clinic.example", STAFF_PASSWORD)


def test_the_admin_adds_a_clinician_who_then_signs_in(demo, desk):
    new_email = "casey@clinic.example"
    new_password = "casey-first-passphrase-7"
    page = desk.new_page()
    adds: list[str] = []
    page.on(
        "request",
        lambda request: (
            request.method == "POST"
            and request.url.endswith("/api/v1/users")
            and adds.append(request.url)
        ),
    )
    sign_in(page, demo, ADMIN_EMAIL, DEMO_PASSWORD)
    nav(page).get_by_role("link", name="Staff", exact=True).click()
    table = page.get_by_role("table", name=re.compile(r"^Clinicians and admins of"))
    expect(table.locator("tbody tr")).to_have_count(2)
    expect(page.get_by_role("heading", level=2, name="Add a staff member")).to_be_visible()
    form = page.get_by_role("form", name="Add a staff member")
    email = form.get_by_label("Email")
    name = form.get_by_label("Display name")
    role = form.get_by_label("Role")
    password = form.get_by_label("Initial password")
    expect(email).to_have_attribute("type", "email")
    expect(email).to_have_attribute("required", "")
    expect(role).to_have_value("clinician")
    expect(password).to_have_attribute("type", "password")
    expect(form.get_by_text("Shown to colleagues on the alert trail", exact=False)).to_be_visible()
    expect(
        form.get_by_text("At least 10 characters, not a common password.", exact=False)
    ).to_contain_text("under Account")

    email.fill(new_email)
    name.fill(" Dr. Casey New ")
    password.fill(new_password)
    form.get_by_role("button", name="Add staff member").click()
    expect(page.get_by_role("status").filter(has_text=f"Added {new_email}.")).to_be_visible()
    # In its place by email: after admin@, before demo@.
    expect(table.locator("tbody tr")).to_have_count(3)
    row = table.locator("tbody tr").nth(1)
    expect(row.get_by_role("rowheader")).to_have_text("Dr. Casey New")
    expect(row.get_by_role("cell", name=new_email, exact=True)).to_be_visible()
    expect(row.get_by_role("cell", name="Clinician", exact=True)).to_be_visible()
    expect(row).to_contain_text("Active")
    expect(page.get_by_role("button", name=f"Edit name of {new_email}")).to_be_focused()
    for field in (email, name, password):
        expect(field).to_have_value("")
        expect(field).not_to_have_attribute("aria-invalid", "true")
    expect(role).to_have_value("clinician")
    assert len(adds) == 1

    # The same email again: the server's 409 lands on the Email field; no second row.
    email.fill(new_email)
    password.fill("another-passphrase-8")
    form.get_by_role("button", name="Add staff member").click()
    expect(form.get_by_text("A user with this email exists.")).to_be_visible()
    expect(email).to_have_attribute("aria-invalid", "true")
    expect(email).to_be_focused()
    expect(form.get_by_role("alert")).to_contain_text("The staff member was not added.")
    expect(table.locator("tbody tr")).to_have_count(3)
    assert len(adds) == 2

    # A short password is refused on its field, on the device: no request.
    email.fill("jordan@clinic.example")
    password.fill("short-123")
    form.get_by_role("button", name="Add staff member").click()
    expect(form.get_by_text("Use at least 10 characters.")).to_be_visible()
    expect(password).to_have_attribute("aria-invalid", "true")
    expect(password).to_be_focused()
    expect(email).not_to_have_attribute("aria-invalid", "true")
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()
    assert len(adds) == 2
    expect(table.locator("tbody tr")).to_have_count(3)

    # The new clinician signs in with the initial password and sees their name.
    other = desk.new_page()
    sign_in(other, demo, new_email, new_password)
    expect(other.locator(".app-header .account-email")).to_have_text("Dr. Casey New")
    expect(nav(other).get_by_role("link", name="Staff", exact=True)).to_have_count(0)


def test_a_clinician_has_no_staff_screen(demo, desk):
    page = desk.new_page()
    staff_calls: list[str] = []
    page.on(
        "request",
        lambda request: "/api/v1/users" in request.url and staff_calls.append(request.url),
    )
    sign_in(page, demo, CLINICIAN_EMAIL, DEMO_PASSWORD)
    expect(nav(page).get_by_role("link", name="Account")).to_be_visible()
    expect(nav(page).get_by_role("link", name="Staff", exact=True)).to_have_count(0)

    page.goto(f"{demo}/clinic/staff")
    expect(page.get_by_role("heading", level=1, name="Staff")).to_be_visible()
    expect(page.get_by_text("Only a clinic admin can manage staff.")).to_be_visible()
    expect(page.get_by_role("table")).to_have_count(0)
    expect(page.get_by_role("button", name=re.compile("Deactivate|Edit name"))).to_have_count(0)
    assert staff_calls == []
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()

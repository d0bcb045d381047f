"""Steps the browser tests share: invite a patient, enrol in the app, check in."""

import re

from playwright.sync_api import expect

from services import patients as patient_service

PASSWORD = "a-long-passphrase"


def invite(make_clinic, make_staff, name="Robin Phone"):
    clinician = make_staff(make_clinic())
    patient = patient_service.create_patient(clinician.user, name, timezone="America/New_York")
    invitation = patient_service.create_invitation(clinician.user, patient.id, "http://unused")
    return patient, invitation.code


def enroll(page, base: str, code: str) -> None:
    page.goto(f"{base}/enroll?code={code}")
    expect(page.get_by_label("Invite code")).to_have_value(code)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Join").click()
    page.wait_for_url(re.compile(r"^(?!.*enroll).*$"))


def check_in(page, base: str, mood: str) -> None:
    page.goto(f"{base}/checkin")
    page.get_by_role("slider", name="Mood").fill(mood)
    page.get_by_role("slider", name="Anxiety").fill("3")
    page.get_by_role("slider", name="Pain").fill("1")
    page.get_by_role("button", name="Submit check-in").click()

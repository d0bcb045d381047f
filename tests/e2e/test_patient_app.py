"""A new patient on a phone-sized Chromium: enrol from the link, check in, and go offline."""

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from playwright.sync_api import expect
from sqlalchemy import func, select

from models import (
    Alert,
    CheckIn,
    CheckInRevision,
    Clinic,
    Patient,
    QuestionnaireResponse,
    ReminderDelivery,
    db,
)
from services.appointments import schedule_appointment
from tests.e2e.flows import check_in, enroll, invite


def _stored(patient_id: int) -> list[CheckIn]:
    db.session.rollback()  # end the read snapshot: see what the server committed since
    db.session.expire_all()
    return list(db.session.scalars(select(CheckIn).where(CheckIn.patient_id == patient_id)))


def test_enroll_from_link_andcheck_in(live_server, phone, app, make_clinic, make_staff):
    base, _ = live_server
    patient, code = invite(make_clinic, make_staff)
    page = phone.new_page()

    started = datetime.now(UTC)
    enroll(page, base, code)
    check_in(page, base, "7")
    expect(page.get_by_text("Your check-in is saved")).to_be_visible()
    elapsed = (datetime.now(UTC) - started).total_seconds()

    [stored] = _stored(patient.id)
    assert (stored.mood, stored.anxiety, stored.pain) == (7, 3, 1)
    assert stored.local_date == datetime.now(ZoneInfo("America/New_York")).date()
    assert db.session.get(Patient, patient.id).user_id is not None
    assert elapsed < 30


def test_offline_check_in_arrives_exactly_once(live_server, phone, app, make_clinic, make_staff):
    base, _ = live_server
    patient, code = invite(make_clinic, make_staff)
    page = phone.new_page()
    enroll(page, base, code)
    page.goto(f"{base}/checkin")
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")

    phone.set_offline(True)
    check_in(page, base, "4")
    expect(page.get_by_role("heading", name="Saved on this phone")).to_be_visible()
    page.reload()  # nothing is lost on reload while offline
    assert _stored(patient.id) == []

    phone.set_offline(False)
    deadline = datetime.now(UTC).timestamp() + 15
    while not _stored(patient.id) and datetime.now(UTC).timestamp() < deadline:
        page.wait_for_timeout(250)

    [stored] = _stored(patient.id)
    assert stored.mood == 4
    page.reload()  # the app start replays the outbox again: nothing is left to send
    expect(page.get_by_role("slider", name="Mood")).to_have_value("4")
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(CheckInRevision)) == 1


def test_home_shows_the_next_visit(live_server, phone, app, make_clinic, make_staff):
    base, _ = live_server
    patient, code = invite(make_clinic, make_staff)
    clinician = make_staff(db.session.get(Clinic, patient.clinic_id))
    now = datetime.now(UTC)
    schedule_appointment(clinician.user, patient.id, "session", now + timedelta(days=9))
    schedule_appointment(clinician.user, patient.id, "evaluation", now + timedelta(days=2))
    page = phone.new_page()
    enroll(page, base, code)
    page.goto(f"{base}/")
    card = page.locator(".card").filter(has=page.get_by_role("heading", name="Your next visit"))
    expect(card).to_contain_text("Follow-up evaluation:")
    expect(card).to_contain_text("PHQ-9 and GAD-7")


def test_opening_a_reminder_link_marks_it_clicked(live_server, phone, app, make_clinic, make_staff):
    """The notification's link is /checkin?reminder=<id>: the check-in page tells the server."""
    base, _ = live_server
    patient, code = invite(make_clinic, make_staff)
    page = phone.new_page()
    enroll(page, base, code)
    reminder = ReminderDelivery(
        patient_id=patient.id,
        local_date=datetime.now(ZoneInfo(patient.timezone)).date(),
        kind="daily",
        status="sent",
        attempts=1,
    )
    db.session.add(reminder)
    db.session.commit()

    clicked = f"/reminders/{reminder.id}/clicked"
    with page.expect_response(lambda r: r.url.endswith(clicked)) as sent:
        page.goto(f"{base}/checkin?reminder={reminder.id}")
    assert sent.value.status == 204
    expect(page.get_by_role("button", name="Submit check-in")).to_be_visible()
    db.session.expire_all()
    assert db.session.get(ReminderDelivery, reminder.id).status == "clicked"


def _answer(page, choice: str, button: str) -> None:
    page.get_by_role("radio", name=choice, exact=True).check()
    page.get_by_role("button", name=button).click()


def test_baseline_questionnaires_one_item_a_screen_with_crisis_help_and_difficulty(
    live_server, phone, app, make_clinic, make_staff
):
    base, _ = live_server
    patient, code = invite(make_clinic, make_staff)
    page = phone.new_page()
    enroll(page, base, code)
    page.goto(f"{base}/questionnaire")

    expect(page.get_by_text("question 1 of 9")).to_be_visible()
    expect(page.get_by_text("Copyright © Pfizer Inc.")).to_be_visible()
    _answer(page, "Several days", "Next")
    for _ in range(7):
        _answer(page, "Not at all", "Next")
    expect(page.get_by_text("question 9 of 9")).to_be_visible()
    # Item 9 above 0: crisis help opens the moment it is chosen, decided on the phone.
    page.get_by_role("radio", name="Several days", exact=True).check()
    crisis = page.get_by_role("dialog")
    expect(crisis.get_by_role("heading", name="You are not alone")).to_be_visible()
    expect(crisis.get_by_role("link", name=re.compile("^Call 988"))).to_be_visible()
    crisis.get_by_role("button", name="Close").click()
    page.get_by_role("button", name="Next").click()

    # The unscored difficulty item follows because items were answered above 0.
    expect(page.get_by_text("one last question")).to_be_visible()
    expect(page.get_by_text("If you checked off any problems")).to_be_visible()
    _answer(page, "Very difficult", "Submit answers")

    expect(page.get_by_text("question 1 of 7")).to_be_visible()  # the GAD-7 comes next
    for _ in range(6):
        _answer(page, "Not at all", "Next")
    _answer(page, "Not at all", "Submit answers")  # all 0: no difficulty screen
    expect(page.get_by_role("heading", name="Thank you. Your answers are saved.")).to_be_visible()

    db.session.rollback()
    stored = {
        r.instrument: r
        for r in db.session.scalars(
            select(QuestionnaireResponse).where(QuestionnaireResponse.patient_id == patient.id)
        )
    }
    assert (stored["phq9"].total, stored["phq9"].answers[8], stored["phq9"].difficulty) == (
        2,
        1,
        2,
    )
    assert (stored["gad7"].total, stored["gad7"].difficulty) == (0, None)
    [alert] = db.session.scalars(select(Alert).where(Alert.patient_id == patient.id))
    assert (alert.kind, alert.severity) == ("urgent", "urgent")

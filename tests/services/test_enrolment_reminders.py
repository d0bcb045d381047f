"""Reminders a clinician set up before enrolment follow the zone the patient enrols in."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from models import ReminderSettings, db
from services import auth as auth_service
from services import patients as patient_service
from services.reminders import settings as reminder_settings


def test_enrolment_moves_the_next_reminder_to_the_new_zone(app, make_clinic, make_staff):
    clinician = make_staff(make_clinic())
    patient = patient_service.create_patient(
        clinician.user, "Kai Traveller", timezone="America/New_York"
    )
    now = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
    reminder_settings.update_settings(
        clinician.user,
        patient.id,
        enabled=True,
        local_time="19:00",
        timezone="America/New_York",
        weekdays=[0, 1, 2, 3, 4, 5, 6],
        now=now,
    )
    before = db.session.get(ReminderSettings, patient.id).next_due_at
    assert before.astimezone(ZoneInfo("America/New_York")).hour == 19

    invitation = patient_service.create_invitation(
        clinician.user, patient.id, "http://test", now=now
    )
    auth_service.enroll(invitation.code, "a-long-passphrase", "Asia/Tokyo", now=now)

    db.session.expire_all()
    after = db.session.get(ReminderSettings, patient.id).next_due_at
    local = after.astimezone(ZoneInfo("Asia/Tokyo"))
    assert (local.hour, local.minute) == (19, 0)
    assert after != before

"""Alert rules run by the services: missed check-ins as a function of `now` (idempotent), and
the rules raised from a check-in (decline, side effect, self-harm), with clinic thresholds."""

import uuid
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from models import Alert, Patient, db
from services import alerts as alert_service
from services import checkins as checkin_service
from services import patients as patient_service

NEW_YORK = ZoneInfo("America/New_York")


def at(day0: date, day: int, hour: int = 12, zone: ZoneInfo = NEW_YORK) -> datetime:
    return datetime.combine(day0 + timedelta(days=day), time(hour), zone).astimezone(UTC)


def enrol_days_ago(patient: Patient, days: int) -> date:
    """Move the patient's enrolment to 09:00 local `days` days ago; answers that local date."""
    zone = ZoneInfo(patient.timezone)
    day0 = datetime.now(UTC).astimezone(zone).date() - timedelta(days=days)
    patient.created_at = patient.enrolled_at = at(day0, 0, 9, zone)
    db.session.commit()
    return day0


def check_in(actor, day0: date, day: int, mood=6, anxiety=4, pain=2, zone=NEW_YORK, **extra):
    data = {
        "submit_id": str(uuid.uuid4()),
        "local_date": day0 + timedelta(days=day),
        "mood": mood,
        "anxiety": anxiety,
        "pain": pain,
        "side_effects": [],
        **extra,
    }
    return checkin_service.record_checkin(actor, "me", data, now=at(day0, day, 20, zone))


def alerts(kind: str | None = None) -> list[Alert]:
    db.session.expire_all()
    query = select(Alert).order_by(Alert.id)
    if kind is not None:
        query = query.where(Alert.kind == kind)
    return list(db.session.scalars(query))


def count_alerts() -> int:
    return db.session.scalar(select(func.count()).select_from(Alert))


# --- missed check-ins ----------------------------------------------------------------------


def test_missed_checkins_is_a_function_of_now_and_idempotent(world):
    day0 = enrol_days_ago(world.patient, 30)
    actor = world.patient_actor.user
    check_in(actor, day0, 1)
    check_in(actor, day0, 2)

    # Last check-in on day 2: days 3 and 4 are missed by day 5 (today does not count).
    assert alert_service.evaluate_missed_checkins(at(day0, 3)) == 0
    assert alert_service.evaluate_missed_checkins(at(day0, 5)) == 0
    assert alert_service.evaluate_missed_checkins(at(day0, 5, 23)) == 0
    assert alerts("missed") == []

    assert alert_service.evaluate_missed_checkins(at(day0, 6, 0)) == 1

    [alert] = alerts("missed")
    assert (alert.severity, alert.status, alert.source_type) == ("low", "open", "rule")
    assert alert.patient_id == world.patient.id
    assert alert.evidence["days_missed"] == 3
    assert alert.evidence["last_checkin_on"] == (day0 + timedelta(days=2)).isoformat()
    assert alert.raised_at == at(day0, 6, 0)
    # Run again, the same day or later: nothing new while it is open.
    assert alert_service.evaluate_missed_checkins(at(day0, 6, 0)) == 0
    assert alert_service.evaluate_missed_checkins(at(day0, 9)) == 0
    assert len(alerts("missed")) == 1


def test_check_ins_after_now_do_not_count(world):
    day0 = enrol_days_ago(world.patient, 30)
    check_in(world.patient_actor.user, day0, 1)
    check_in(world.patient_actor.user, day0, 10)

    assert alert_service.evaluate_missed_checkins(at(day0, 5)) == 1  # days 2-4 were missed

    [alert] = alerts("missed")
    assert alert.evidence["last_checkin_on"] == (day0 + timedelta(days=1)).isoformat()


def test_one_clinic_at_a_time(world, make_patient):
    _, south = make_patient(world.other_clinic, name="South Patient")
    south.user.patient.enrolled_at = datetime.now(UTC) - timedelta(days=10)
    world.patient.enrolled_at = datetime.now(UTC) - timedelta(days=10)
    db.session.commit()

    assert alert_service.evaluate_missed_checkins(clinic_id=world.clinic.id) == 1
    assert [a.patient_id for a in alerts("missed")] == [world.patient.id]


def test_after_resolve_a_new_missed_alert_can_open(world):
    day0 = enrol_days_ago(world.patient, 30)
    check_in(world.patient_actor.user, day0, 1)
    alert_service.evaluate_missed_checkins(at(day0, 6))
    [first] = alerts("missed")
    alert_service.resolve_alert(world.clinician.user, first.id, "Phoned; phone was broken.")

    assert alert_service.evaluate_missed_checkins(at(day0, 7)) == 1

    assert [a.status for a in alerts("missed")] == ["resolved", "open"]


def test_a_patient_who_never_checked_in_is_counted_from_enrolment(world):
    day0 = enrol_days_ago(world.patient, 30)
    assert alert_service.evaluate_missed_checkins(at(day0, 3)) == 0
    assert alert_service.evaluate_missed_checkins(at(day0, 4)) == 1
    [alert] = alerts("missed")
    assert alert.evidence["last_checkin_on"] is None
    assert alert.summary.startswith("No check-in since enrolment")


def test_nothing_fires_before_enrolment_or_for_patients_not_enrolled(world, make_staff):
    # The world's patients enrolled just now: a `now` a week ago is before their enrolment.
    assert alert_service.evaluate_missed_checkins(datetime.now(UTC) - timedelta(days=7)) == 0
    # A patient created long ago who never enrolled in the app is not chased.
    patient = patient_service.create_patient(world.clinician.user, "Not Enrolled")
    patient.created_at = datetime.now(UTC) - timedelta(days=30)
    db.session.commit()
    assert alert_service.evaluate_missed_checkins() == 0
    assert alerts() == []


def test_missed_days_are_counted_in_each_patients_zone(world):
    ny_day0 = enrol_days_ago(world.patient, 30)  # New York
    berlin = world.other_patient  # Europe/Berlin
    berlin.created_at = berlin.enrolled_at = world.patient.enrolled_at
    db.session.commit()
    check_in(world.patient_actor.user, ny_day0, 1)
    check_in(world.other_patient_actor.user, ny_day0, 1, zone=ZoneInfo("Europe/Berlin"))

    # 20:00 in New York on day 4 is 02:00 on day 5 in Berlin: Berlin has missed 3 days.
    raised = alert_service.evaluate_missed_checkins(at(ny_day0, 4, 20))

    assert raised == 1
    assert [a.patient_id for a in alerts("missed")] == [berlin.id]


def test_a_clinic_may_wait_longer(world):
    day0 = enrol_days_ago(world.patient, 30)
    world.clinic.settings = {"alerts": {"missed_days": 5}}
    db.session.commit()
    check_in(world.patient_actor.user, day0, 1)
    assert alert_service.evaluate_missed_checkins(at(day0, 6)) == 0
    assert alert_service.evaluate_missed_checkins(at(day0, 7)) == 1


def test_the_other_clinics_patients_are_evaluated_too(world, make_patient):
    _, _actor = make_patient(world.other_clinic, name="South Patient")
    south = db.session.scalars(select(Patient).where(Patient.display_name == "South Patient")).one()
    south.enrolled_at = datetime.now(UTC) - timedelta(days=10)
    db.session.commit()
    assert alert_service.evaluate_missed_checkins() == 1
    [alert] = alerts("missed")
    assert (alert.patient_id, alert.clinic_id) == (south.id, world.other_clinic.id)


# --- rules raised from a check-in -----------------------------------------------------------


def test_decline_is_raised_by_the_check_in_that_shows_it(world):
    day0 = enrol_days_ago(world.patient, 30)
    actor = world.patient_actor.user
    for day in range(1, 15):  # 14 days of mood 7
        check_in(actor, day0, day, mood=7)
    check_in(actor, day0, 15, mood=5)
    check_in(actor, day0, 16, mood=5)
    assert alerts("decline") == []  # days 14-16: 7, 5, 5 = 5.67, down 1.33

    result = check_in(actor, day0, 17, mood=4)  # days 15-17: 5, 5, 4 = 4.67, down 2.33

    [alert] = alerts("decline")
    assert (alert.severity, alert.source_type, alert.source_id) == (
        "medium",
        "checkin",
        result.revision.id,
    )
    [finding] = alert.evidence["scales"]
    assert finding["scale"] == "mood"
    assert finding["prior_mean"] == 7 and finding["recent_mean"] == 4.67
    assert alert.evidence["on"] == (day0 + timedelta(days=17)).isoformat()
    check_in(actor, day0, 18, mood=3)
    assert len(alerts("decline")) == 1  # still one open decline alert


def test_pain_rising_is_a_decline(world):
    day0 = enrol_days_ago(world.patient, 30)
    actor = world.patient_actor.user
    for day in range(1, 15):
        check_in(actor, day0, day, pain=3)
    check_in(actor, day0, 15, pain=7)
    assert alerts("decline") == []  # days 13-15: 3, 3, 7 = 4.33, up 1.33
    check_in(actor, day0, 16, pain=6)  # days 14-16: 3, 7, 6 = 5.33, up 2.33
    [alert] = alerts("decline")
    assert [f["scale"] for f in alert.evidence["scales"]] == ["pain"]


def test_a_clinic_may_set_a_larger_decline(world):
    day0 = enrol_days_ago(world.patient, 30)
    world.clinic.settings = {"alerts": {"mood_decline_points": 4}}
    db.session.commit()
    actor = world.patient_actor.user
    for day in range(1, 15):
        check_in(actor, day0, day, mood=7)
    for day in (15, 16, 17):
        check_in(actor, day0, day, mood=4)
    assert alerts("decline") == []


def test_too_little_history_raises_no_decline(world):
    day0 = enrol_days_ago(world.patient, 30)
    actor = world.patient_actor.user
    for day in range(1, 5):
        check_in(actor, day0, day, mood=8)
    check_in(actor, day0, 5, mood=1)
    check_in(actor, day0, 6, mood=1)
    assert alerts("decline") == []


@pytest.mark.parametrize(("severity", "raised"), [("mild", 0), ("moderate", 0), ("severe", 1)])
def test_a_severe_side_effect_raises_an_alert(world, severity, raised):
    day0 = enrol_days_ago(world.patient, 5)
    check_in(
        world.patient_actor.user,
        day0,
        1,
        side_effects=[{"name": "dissociation", "severity": severity}],
    )
    found = alerts("side_effect")
    assert len(found) == raised
    if raised:
        assert found[0].severity == "high"
        assert found[0].evidence["side_effects"] == [{"name": "dissociation", "severity": "severe"}]


def test_a_correction_reporting_self_harm_raises_an_urgent_alert_once(world):
    day0 = enrol_days_ago(world.patient, 5)
    actor = world.patient_actor.user
    check_in(actor, day0, 1, self_harm_thoughts=False)
    assert alerts() == []
    check_in(actor, day0, 1, self_harm_thoughts=True)
    check_in(actor, day0, 1, self_harm_thoughts=True, note="Corrected again")
    [alert] = alerts("urgent")
    assert alert.evidence == {"self_harm_thoughts": True}
    assert "Corrected" not in alert.summary


def test_a_replayed_check_in_raises_nothing_new(world):
    day0 = enrol_days_ago(world.patient, 5)
    actor = world.patient_actor.user
    data = {
        "submit_id": str(uuid.uuid4()),
        "local_date": day0 + timedelta(days=1),
        "mood": 5,
        "anxiety": 5,
        "pain": 5,
        "side_effects": [{"name": "nausea", "severity": "severe"}],
    }
    first = checkin_service.record_checkin(actor, "me", data, now=at(day0, 1, 20))
    [alert] = alerts("side_effect")
    alert_service.resolve_alert(world.clinician.user, alert.id, "Antiemetic prescribed.")

    replay = checkin_service.record_checkin(actor, "me", data, now=at(day0, 1, 21))

    assert replay.created is False and replay.revision.id == first.revision.id
    assert count_alerts() == 1

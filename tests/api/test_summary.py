"""The printable since-last-visit summary."""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from models import db
from services import sessions as session_service
from tests.builders import check_in_days_ago


def test_summary_since_the_last_session(client, world, make_patient):
    patient, actor = make_patient(world.clinic, name="Visit Patient")
    for back in range(20, 10, -1):
        check_in_days_ago(actor, back, 3)
    # At 01:00 local, 10 local days back: on the day of the first mood-7 check-in whatever the
    # hour the test runs (10 days and an hour back from just after midnight was the day before).
    zone = ZoneInfo(patient.timezone)
    day = datetime.now(zone).date() - timedelta(days=10)
    session_at = datetime.combine(day, time(1, 0), tzinfo=zone).astimezone(UTC)
    # the patient was created today: record the session as if enrolled earlier
    patient.created_at = patient.enrolled_at = datetime.now(UTC) - timedelta(days=30)
    db.session.commit()
    session_service.record_session(
        world.clinician.user,
        patient.id,
        {
            "started_at": session_at,
            "modality": "iv_infusion",
            "route": "iv",
            "phase": "induction",
            "dose_mg": 35.0,
        },
    )
    for back in range(9, -1, -1):
        check_in_days_ago(
            actor,
            back,
            7,
            note="Felt lighter" if back == 3 else None,
            side_effects=[{"name": "nausea", "severity": "mild"}] if back == 9 else [],
        )

    response = client.get(f"/api/v1/patients/{patient.id}/summary", headers=world.clinician.headers)

    assert response.status_code == 200, response.json
    body = response.json
    assert body["since"] == session_at.astimezone(ZoneInfo(patient.timezone)).date().isoformat()
    assert len(body["sessions"]) == 1
    mood = next(d for d in body["daily"] if d["code"] == "mood")
    assert mood["before_mean"] == 3.0 and mood["after_mean"] == 7.0 and mood["improvement"] == 4.0
    assert body["adherence"]["checkins"] == 10
    assert body["side_effects"] == [{"name": "nausea", "severity": "mild", "count": 1}]
    assert [n["note"] for n in body["notes"]] == ["Felt lighter"]


def test_summary_is_for_the_clinic_staff_only(client, world):
    pid = world.patient.id
    assert (
        client.get(
            f"/api/v1/patients/{pid}/summary", headers=world.patient_actor.headers
        ).status_code
        == 403
    )
    assert (
        client.get(
            f"/api/v1/patients/{pid}/summary", headers=world.other_clinician.headers
        ).status_code
        == 404
    )
    future = (datetime.now(UTC) + timedelta(days=5)).date()
    bad = client.get(
        f"/api/v1/patients/{pid}/summary?since={future}", headers=world.clinician.headers
    )
    assert bad.status_code == 422 and "since" in bad.json["errors"]

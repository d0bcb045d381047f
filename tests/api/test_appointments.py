"""Planned sessions and evaluations: the calendar, and questionnaires due the day before an
evaluation."""

import uuid
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from models import Appointment, AuditEvent, db
from services import appointments as appointment_service
from services import questionnaires as questionnaire_service


def _at(days: int, hour: int = 10, zone: str = "America/New_York") -> str:
    day = datetime.now(UTC).astimezone(ZoneInfo(zone)).date() + timedelta(days=days)
    return datetime(day.year, day.month, day.day, hour, tzinfo=ZoneInfo(zone)).isoformat()


def test_clinician_plans_and_cancels_and_patient_sees_upcoming(client, world):
    pid = world.patient.id
    made = client.post(
        f"/api/v1/patients/{pid}/appointments",
        headers=world.clinician.headers,
        json={"kind": "session", "scheduled_at": _at(4)},
    )
    assert made.status_code == 201, made.json
    client.post(
        f"/api/v1/patients/{pid}/appointments",
        headers=world.clinician.headers,
        json={"kind": "evaluation", "scheduled_at": _at(2)},
    )

    mine = client.get("/api/v1/patients/me/appointments", headers=world.patient_actor.headers).json[
        "items"
    ]
    assert [a["kind"] for a in mine] == ["evaluation", "session"]

    cancelled = client.delete(
        f"/api/v1/patients/{pid}/appointments/{made.json['id']}", headers=world.clinician.headers
    )
    assert cancelled.status_code == 204
    mine = client.get("/api/v1/patients/me/appointments", headers=world.patient_actor.headers).json[
        "items"
    ]
    assert [a["kind"] for a in mine] == ["evaluation"]
    assert db.session.scalar(select(func.count()).select_from(Appointment)) == 2  # kept on record
    actions = set(db.session.scalars(select(AuditEvent.action)))
    assert {"appointment.create", "appointment.cancel"} <= actions


def test_bad_appointments_are_refused_and_nothing_written(client, world):
    pid = world.patient.id
    for body, field in (
        ({"kind": "session", "scheduled_at": _at(-1)}, "scheduled_at"),
        ({"kind": "party", "scheduled_at": _at(2)}, "kind"),
        ({"kind": "session", "scheduled_at": "2030-01-01T10:00:00"}, "scheduled_at"),
        ({"kind": "session", "scheduled_at": _at(400)}, "scheduled_at"),
    ):
        response = client.post(
            f"/api/v1/patients/{pid}/appointments", headers=world.clinician.headers, json=body
        )
        assert response.status_code == 422, body
        assert field in response.json["errors"]
    patient_try = client.post(
        "/api/v1/patients/me/appointments",
        headers=world.patient_actor.headers,
        json={"kind": "session", "scheduled_at": _at(2)},
    )
    assert patient_try.status_code == 403
    foreign = client.post(
        f"/api/v1/patients/{pid}/appointments",
        headers=world.other_clinician.headers,
        json={"kind": "session", "scheduled_at": _at(2)},
    )
    assert foreign.status_code == 404
    assert db.session.scalar(select(func.count()).select_from(Appointment)) == 0


def test_questionnaires_fall_due_the_day_before_an_evaluation(app, world):
    actor = world.patient_actor.user
    now = datetime.now(UTC)
    for instrument, count in (("phq9", 9), ("gad7", 7)):
        questionnaire_service.submit_questionnaire(
            actor,
            "me",
            {"submit_id": uuid.uuid4(), "instrument": instrument, "answers": [1] * count},
            now=now,
        )
    assert questionnaire_service.due_for(world.patient, now) == []
    evaluation_at = now + timedelta(days=5)
    appointment_service.schedule_appointment(
        world.clinician.user, world.patient.id, "evaluation", evaluation_at
    )

    assert questionnaire_service.due_for(world.patient, now + timedelta(days=2)) == []
    due = questionnaire_service.due_for(world.patient, now + timedelta(days=4))
    assert {d.instrument for d in due} == {"phq9", "gad7"}
    assert {d.reason for d in due} == {"requested"}

    later = now + timedelta(days=4, hours=1)
    for instrument, count in (("phq9", 9), ("gad7", 7)):
        questionnaire_service.submit_questionnaire(
            actor,
            "me",
            {"submit_id": uuid.uuid4(), "instrument": instrument, "answers": [0] * count},
            now=later,
        )
    assert questionnaire_service.due_for(world.patient, later) == []


def test_roster_shows_the_next_planned_session(client, world):
    pid = world.patient.id
    for days, kind in ((6, "session"), (3, "session"), (1, "evaluation")):
        client.post(
            f"/api/v1/patients/{pid}/appointments",
            headers=world.clinician.headers,
            json={"kind": kind, "scheduled_at": _at(days)},
        )
    roster = client.get("/api/v1/patients", headers=world.clinician.headers).json["items"]
    entry = next(e for e in roster if e["patient"]["id"] == pid)
    expected = datetime.fromisoformat(_at(3)).astimezone(UTC)
    assert datetime.fromisoformat(entry["next_session_at"]) == expected
    other = next(e for e in roster if e["patient"]["id"] == world.other_patient.id)
    assert other["next_session_at"] is None

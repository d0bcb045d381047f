"""No PHI in logs: a whole clinic flow runs with our loggers at DEBUG (SQL statements too),
and no patient name, external id, free text, questionnaire answers or daily score appears in
any record. SQL errors never carry their values (`hide_parameters`), and the production access
log format has no query string (a roster search `?q=` is a patient's name)."""

import logging
import re
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from models import db
from services import patients as patient_service
from tests.builders import earlier_today
from tests.conftest import PASSWORD

NAME = "Zebulon Quartermaine"
EXTERNAL_ID = "MRN-77QX31"
NOTE = "argued with my sister about the farm"
SESSION_NOTE = "tolerated well, mild nausea at 40 min"
RESOLUTION = "called her back, safety plan reviewed"
ANSWERS = [3, 1, 2, 0, 3, 1, 2, 0, 2]  # PHQ-9 with item 9 > 0: an urgent alert
EMAIL = "zebulon.q@example.test"
SCORE = re.compile(r"\b(mood|anxiety|pain|total)\b\W{0,4}\d")


def ok(response) -> bool:
    return 200 <= response.status_code < 300


def _log_text(caplog) -> str:
    parts = []
    for record in caplog.records:
        parts.append(record.getMessage())
        if record.exc_info:
            parts.append(logging.Formatter().formatException(record.exc_info))
    return "\n".join(parts)


@pytest.fixture
def every_logger_at_debug(caplog):
    """Root and our loggers at DEBUG; SQL statements logged too (sqlalchemy.engine at INFO).

    sqlalchemy.engine at DEBUG logs every result row by design: it is a debugging switch that
    must never be turned on with real data (docs/security.md), so it is not tested here.
    """
    caplog.set_level(logging.DEBUG)
    for name in ("werkzeug", "flask_limiter", "api", "services", "scheduler"):
        caplog.set_level(logging.DEBUG, logger=name)
    caplog.set_level(logging.INFO, logger="sqlalchemy.engine")
    return caplog


def test_a_whole_flow_logs_no_phi(client, make_clinic, make_staff, every_logger_at_debug):
    caplog = every_logger_at_debug
    clinic = make_clinic("North Clinic")
    clinician = make_staff(clinic)
    admin = make_staff(clinic, admin=True)
    staff = clinician.headers

    created = client.post(
        "/api/v1/patients", headers=staff, json={"display_name": NAME, "external_id": EXTERNAL_ID}
    )
    pid = created.json["id"]
    code = client.post(f"/api/v1/patients/{pid}/invitations", headers=staff).json["code"]
    enrolled = client.post(
        "/api/v1/auth/enroll",
        json={"invite_code": code, "password": PASSWORD, "timezone": "UTC", "email": EMAIL},
    )
    patient = {"Authorization": f"Bearer {enrolled.json['token']}"}
    client.post("/api/v1/auth/login", json={"email": EMAIL, "password": "not-it-at-all"})
    client.post("/api/v1/auth/login", json={"email": EMAIL, "password": PASSWORD})

    yesterday = (datetime.now(UTC) - timedelta(days=1)).date().isoformat()
    checkin = {
        "submit_id": str(uuid.uuid4()),
        "local_date": yesterday,
        "mood": 7,
        "anxiety": 8,
        "pain": 9,
        "note": NOTE,
        "self_harm_thoughts": True,
        "side_effects": [{"name": "nausea", "severity": "severe"}],
    }
    assert ok(client.post("/api/v1/patients/me/checkins", headers=patient, json=checkin))
    assert ok(client.post("/api/v1/patients/me/checkins", headers=patient, json=checkin))  # replay
    answers = {"submit_id": str(uuid.uuid4()), "instrument": "phq9", "answers": ANSWERS}
    assert ok(
        client.post("/api/v1/patients/me/questionnaire-responses", headers=patient, json=answers)
    )
    client.put(
        "/api/v1/patients/me/reminder-settings",
        headers=patient,
        json={"enabled": True, "local_time": "19:00"},
    )
    session = {
        "started_at": earlier_today("UTC", minutes=30).isoformat(),
        "modality": "iv_infusion",
        "route": "iv",
        "phase": "induction",
        "dose_mg": 35,
        "notes": SESSION_NOTE,
    }
    assert client.post(f"/api/v1/patients/{pid}/treatment-sessions", headers=staff, json=session)
    for path in (
        "checkins",
        "trends",
        "outcomes",
        "summary",
        "questionnaire-responses",
        "treatment-sessions",
        "reminders",
        "fhir",
        "export.csv?kind=checkins",
        "export.csv?kind=sessions",
    ):
        with client.get(f"/api/v1/patients/{pid}/{path}", headers=staff) as response:
            assert response.status_code == 200, path
    assert ok(client.get(f"/api/v1/patients?q={NAME.split()[0]}", headers=staff))
    alerts = client.get("/api/v1/alerts?status=open", headers=staff).json["items"]
    assert alerts
    for alert in alerts:
        client.post(f"/api/v1/alerts/{alert['id']}/acknowledge", headers=staff)
        client.post(
            f"/api/v1/alerts/{alert['id']}/resolve", headers=staff, json={"note": RESOLUTION}
        )
    with client.get("/api/v1/exports/clinic.csv", headers=admin.headers) as response:
        assert response.status_code == 200
        response.get_data()
    client.get("/api/v1/audit-events", headers=admin.headers)
    # Bad input echoes nothing and logs nothing of it either.
    client.post("/api/v1/patients/me/checkins", headers=patient, json={**checkin, "mood": NAME})

    logged = _log_text(caplog)
    assert caplog.records, "the flow logged nothing: is logging captured?"
    for secret in (NAME, *NAME.split(), EXTERNAL_ID, NOTE, SESSION_NOTE, RESOLUTION, EMAIL):
        assert secret not in logged, secret
    assert "3, 1, 2, 0, 3" not in logged and "3,1,2,0,3" not in logged
    assert not SCORE.search(logged), SCORE.search(logged)


def test_sql_errors_never_carry_their_values(app, world):
    """An unexpected database error is logged with its traceback: the values stay out of it."""
    patient = patient_service.create_patient(world.clinician.user, NAME, external_id=EXTERNAL_ID)
    with pytest.raises(IntegrityError) as caught:
        db.session.execute(
            text(
                "INSERT INTO patients (id, clinic_id, display_name, timezone, created_at) "
                "VALUES (:id, :clinic, :name, 'UTC', :at)"
            ),
            {"id": patient.id, "clinic": world.clinic.id, "name": NAME, "at": datetime.now(UTC)},
        )
    db.session.rollback()
    assert NAME not in str(caught.value)
    assert "hidden due to hide_parameters" in str(caught.value)

"""A clinic's settings change the rules; a broken setting never breaks a patient's answer."""

import uuid
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from models import db
from services import alerts as alert_service
from services import questionnaires as questionnaire_service


def _checkin(client, actor, **extra):
    today = datetime.now(UTC).astimezone(ZoneInfo(actor.user.patient.timezone)).date()
    body = {
        "submit_id": str(uuid.uuid4()),
        "local_date": today.isoformat(),
        "mood": 5,
        "anxiety": 5,
        "pain": 5,
    }
    return client.post(
        "/api/v1/patients/me/checkins", headers=actor.headers, json={**body, **extra}
    )


def test_clinic_can_make_moderate_side_effects_alert(client, world):
    world.clinic.settings = {"alerts": {"side_effect_severities": ["moderate", "severe"]}}
    db.session.commit()
    _checkin(client, world.patient_actor, side_effects=[{"name": "nausea", "severity": "moderate"}])
    kinds = [a.kind for a in alert_service.list_alerts(world.clinician.user, "active")]
    assert kinds == ["side_effect"]


def test_invalid_settings_fall_back_to_the_defaults(client, world):
    world.clinic.settings = {
        "alerts": {"missed_days": -4, "phq9_worsening_points": "five"},
        "questionnaire_interval_days": 2,
    }
    db.session.commit()
    response = _checkin(
        client, world.patient_actor, side_effects=[{"name": "nausea", "severity": "severe"}]
    )
    assert response.status_code == 201
    assert alert_service.thresholds_for(world.clinic) == alert_service.DEFAULT_THRESHOLDS
    due = client.get("/api/v1/patients/me/questionnaires/due", headers=world.patient_actor.headers)
    assert due.status_code == 200
    assert questionnaire_service.interval_days(world.patient) == 14

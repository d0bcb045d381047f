"""GET/PATCH /clinic: staff read their clinic's rules, its admins change them, and the rules
that read them (alerts, the roster, crisis resources) follow."""

import uuid
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from models import AuditEvent, Clinic, db

PATH = "/api/v1/clinic"


def test_staff_read_the_rules_as_they_apply_with_the_defaults(client, world):
    answer = client.get(PATH, headers=world.clinician.headers)

    assert answer.status_code == 200
    body = answer.json
    assert (body["id"], body["name"]) == (world.clinic.id, "North Clinic")
    assert body["questionnaire_interval_days"] == 14
    assert body["alerts"]["missed_days"] == 3
    assert body["alerts"]["side_effect_severities"] == ["severe"]
    assert body["alerts"]["anxiety_rise_points"] is None
    assert body["defaults"]["alerts"] == body["alerts"]
    assert client.get(PATH, headers=world.patient_actor.headers).status_code == 403
    assert client.get(PATH).status_code == 401


def test_an_admin_changes_some_thresholds_and_only_those_are_stored(client, world):
    changed = client.patch(
        PATH,
        headers=world.admin.headers,
        json={"alerts": {"missed_days": 5, "anxiety_rise_points": 2.5}},
    )
    again = client.patch(
        PATH, headers=world.admin.headers, json={"questionnaire_interval_days": 28}
    )

    assert changed.status_code == again.status_code == 200
    assert again.json["alerts"]["missed_days"] == 5
    assert again.json["alerts"]["anxiety_rise_points"] == 2.5
    assert again.json["alerts"]["phq9_worsening_points"] == 5  # the default, untouched
    assert again.json["questionnaire_interval_days"] == 28
    assert again.json["defaults"]["alerts"]["missed_days"] == 3
    db.session.expire_all()
    assert db.session.get(Clinic, world.clinic.id).settings == {
        "alerts": {"missed_days": 5, "anxiety_rise_points": 2.5},
        "questionnaire_interval_days": 28,
    }
    events = db.session.scalars(
        select(AuditEvent.resource).where(AuditEvent.action == "clinic.update")
    ).all()
    assert events == [
        f"clinics/{world.clinic.id}:alerts",
        f"clinics/{world.clinic.id}:questionnaire_interval_days",
    ]


def test_only_admins_change_the_clinic(client, world):
    answer = client.patch(PATH, headers=world.clinician.headers, json={"phone": "+1 555 0199"})
    assert answer.status_code == 403
    db.session.expire_all()
    assert db.session.get(Clinic, world.clinic.id).phone == "+1 555 0100"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"alerts": {"decline_recent_min_days": 5}}, "alerts"),  # more than its 3-day window
        ({"alerts": {"missed_days": 0}}, "alerts"),
        ({"alerts": {"side_effect_severities": ["awful"]}}, "alerts"),
        ({"alerts": {"urgent": False}}, "alerts"),  # the urgent rule is not configurable
        ({"questionnaire_interval_days": 3}, "questionnaire_interval_days"),
        ({"phone": "call me"}, "phone"),
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"name": "   "}, "name"),
        ({"settings": {}}, "settings"),
    ],
)
def test_bad_rules_are_refused_and_nothing_changes(client, world, body, field):
    answer = client.patch(PATH, headers=world.admin.headers, json=body)

    assert answer.status_code == 422 and list(answer.json["errors"]) == [field]
    db.session.expire_all()
    clinic = db.session.get(Clinic, world.clinic.id)
    assert (clinic.settings, clinic.name) == ({}, "North Clinic")


def test_another_clinics_name_is_a_conflict(client, world):
    answer = client.patch(PATH, headers=world.admin.headers, json={"name": "South Clinic"})
    assert answer.status_code == 409


def test_the_new_phone_reaches_a_patients_crisis_resources(client, world):
    client.patch(PATH, headers=world.admin.headers, json={"phone": "+1 555 0142"})
    today = datetime.now(UTC).astimezone(ZoneInfo("America/New_York")).date().isoformat()
    body = {
        "submit_id": str(uuid.uuid4()),
        "local_date": today,
        "mood": 2,
        "anxiety": 8,
        "pain": 1,
        "self_harm_thoughts": True,
    }
    answer = client.post(
        "/api/v1/patients/me/checkins", headers=world.patient_actor.headers, json=body
    )
    phones = [r.get("phone") for r in answer.json["crisis_resources"]]
    assert "+1 555 0142" in phones

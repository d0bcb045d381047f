"""Daily check-ins over HTTP: idempotent replays, corrections, the local-date window, isolation."""

import uuid
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from models import AuditEvent, CheckIn, CheckInRevision, db


def local_today(zone: str) -> date:
    return datetime.now(UTC).astimezone(ZoneInfo(zone)).date()


def checkin(day: date | None = None, **overrides) -> dict:
    body = {
        "submit_id": str(uuid.uuid4()),
        "local_date": (day or local_today("America/New_York")).isoformat(),
        "mood": 6,
        "anxiety": 4,
        "pain": 2,
        "side_effects": [{"name": "nausea", "severity": "mild"}],
        "note": "Slept well.",
    }
    body.update(overrides)
    return body


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_patient_checks_in_and_clinician_reads_it_back(client, world):
    body = checkin()
    created = client.post(
        "/api/v1/patients/me/checkins", headers=world.patient_actor.headers, json=body
    )

    assert created.status_code == 201
    assert created.json["mood"] == 6 and created.json["revision"] == 1
    assert created.json["late_entry"] is False
    listed = client.get(
        f"/api/v1/patients/{world.patient.id}/checkins", headers=world.clinician.headers
    )
    assert listed.status_code == 200
    [item] = listed.json["items"]
    assert item["local_date"] == body["local_date"]
    assert item["side_effects"] == [{"name": "nausea", "severity": "mild"}]
    assert item["note"] == "Slept well."


def test_replay_answers_200_with_the_first_result_and_stores_nothing(client, world):
    headers = world.patient_actor.headers
    body = checkin()
    first = client.post("/api/v1/patients/me/checkins", headers=headers, json=body)

    replay = client.post("/api/v1/patients/me/checkins", headers=headers, json={**body, "mood": 1})

    assert replay.status_code == 200
    assert replay.json == first.json
    assert count(CheckIn) == 1 and count(CheckInRevision) == 1


def test_a_correction_replaces_the_day_and_keeps_the_earlier_revision(client, world):
    headers = world.patient_actor.headers
    client.post("/api/v1/patients/me/checkins", headers=headers, json=checkin(mood=3))

    corrected = client.post("/api/v1/patients/me/checkins", headers=headers, json=checkin(mood=7))

    assert corrected.status_code == 201
    assert corrected.json["revision"] == 2
    items = client.get("/api/v1/patients/me/checkins", headers=headers).json["items"]
    assert [i["mood"] for i in items] == [7]
    today = local_today("America/New_York").isoformat()
    mine = client.get(f"/api/v1/patients/me/checkins/{today}/revisions", headers=headers)
    assert mine.status_code == 200
    assert [(r["revision"], r["mood"]) for r in mine.json["items"]] == [(1, 3), (2, 7)]
    assert "crisis_resources" not in mine.json["items"][0]
    path = f"/api/v1/patients/{world.patient.id}/checkins/{today}/revisions"
    theirs = client.get(path, headers=world.clinician.headers)
    assert theirs.json == mine.json
    read = db.session.scalar(
        select(AuditEvent.resource).where(
            AuditEvent.action == "read", AuditEvent.actor_id == world.clinician.user.id
        )
    )
    assert read == f"patients/{world.patient.id}/checkins/{today}"


@pytest.mark.parametrize("day", ["yesterday", "2026-02-30", "0001-01-01"])
def test_revisions_of_a_day_need_a_real_date(client, world, day):
    answer = client.get(
        f"/api/v1/patients/me/checkins/{day}/revisions", headers=world.patient_actor.headers
    )
    assert answer.status_code == 422 and list(answer.json["errors"]) == ["local_date"]


def test_revisions_stay_within_the_clinic(client, world):
    today = local_today("America/New_York").isoformat()
    client.post("/api/v1/patients/me/checkins", headers=world.patient_actor.headers, json=checkin())
    path = f"/api/v1/patients/{world.patient.id}/checkins/{today}/revisions"
    assert client.get(path, headers=world.other_clinician.headers).status_code == 404
    assert client.get(path, headers=world.other_patient_actor.headers).status_code == 404


def test_late_entries_up_to_two_days_are_flagged(client, world):
    today = local_today("America/New_York")
    response = client.post(
        "/api/v1/patients/me/checkins",
        headers=world.patient_actor.headers,
        json=checkin(today - timedelta(days=2)),
    )
    assert response.status_code == 201
    assert response.json["late_entry"] is True


@pytest.mark.parametrize("days", [3, -1])
def test_too_old_or_future_dates_are_refused(client, world, days):
    today = local_today("America/New_York")
    response = client.post(
        "/api/v1/patients/me/checkins",
        headers=world.patient_actor.headers,
        json=checkin(today - timedelta(days=days)),
    )
    assert response.status_code == 422
    assert list(response.json["errors"]) == ["local_date"]
    assert count(CheckIn) == 0


def test_local_date_is_judged_in_the_patient_zone(client, make_clinic, make_patient):
    # Kiritimati is UTC+14: its today is often UTC's tomorrow; Pago Pago (UTC-11) its yesterday.
    clinic = make_clinic()
    for zone in ("Pacific/Kiritimati", "Pacific/Pago_Pago"):
        _, actor = make_patient(clinic, timezone=zone)
        ok = client.post(
            "/api/v1/patients/me/checkins", headers=actor.headers, json=checkin(local_today(zone))
        )
        assert ok.status_code == 201, ok.json
        future = local_today(zone) + timedelta(days=1)
        refused = client.post(
            "/api/v1/patients/me/checkins", headers=actor.headers, json=checkin(future)
        )
        assert refused.status_code == 422


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"mood": 11}, "mood"),
        ({"anxiety": -1}, "anxiety"),
        ({"pain": "5"}, "pain"),
        ({"pain": 4.5}, "pain"),
        ({"mood": None}, "mood"),
        ({"local_date": "2026-13-01"}, "local_date"),
        ({"local_date": "yesterday"}, "local_date"),
        ({"submit_id": "not-a-uuid"}, "submit_id"),
        ({"side_effects": [{"name": "hiccups", "severity": "mild"}]}, "side_effects"),
        ({"side_effects": [{"name": "nausea", "severity": "extreme"}]}, "side_effects"),
        ({"note": "x" * 2001}, "note"),
        ({"self_harm_thoughts": "yes"}, "self_harm_thoughts"),
        ({"patient_id": 2}, "patient_id"),
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(client, world, overrides, field):
    body = checkin(**{"note": "PRIVATE-NOTE-TEXT", **overrides})
    response = client.post(
        "/api/v1/patients/me/checkins", headers=world.patient_actor.headers, json=body
    )

    assert response.status_code == 422
    assert response.content_type == "application/problem+json"
    assert field in response.json["errors"]
    assert "PRIVATE-NOTE-TEXT" not in response.get_data(as_text=True)
    assert count(CheckIn) == 0 and count(CheckInRevision) == 0


def test_missing_fields_are_named(client, world):
    response = client.post(
        "/api/v1/patients/me/checkins", headers=world.patient_actor.headers, json={}
    )
    assert response.status_code == 422
    assert {"submit_id", "local_date", "mood", "anxiety", "pain"} <= set(response.json["errors"])


def test_self_harm_thoughts_return_crisis_resources(client, world):
    response = client.post(
        "/api/v1/patients/me/checkins",
        headers=world.patient_actor.headers,
        json=checkin(self_harm_thoughts=True),
    )
    assert response.status_code == 201
    hrefs = [r["href"] for r in response.json["crisis_resources"]]
    assert "tel:988" in hrefs and "sms:988" in hrefs and "tel:911" in hrefs
    assert any(r["phone"] == world.clinic.phone for r in response.json["crisis_resources"])
    calm = client.post(
        "/api/v1/patients/me/checkins",
        headers=world.patient_actor.headers,
        json=checkin(self_harm_thoughts=False),
    )
    assert "crisis_resources" not in calm.json


def test_isolation_between_patients_and_clinics(client, world):
    client.post("/api/v1/patients/me/checkins", headers=world.patient_actor.headers, json=checkin())
    pid = world.patient.id

    other_patient = client.get(
        f"/api/v1/patients/{pid}/checkins", headers=world.other_patient_actor.headers
    )
    other_clinic = client.get(
        f"/api/v1/patients/{pid}/checkins", headers=world.other_clinician.headers
    )
    write_for_other = client.post(
        f"/api/v1/patients/{pid}/checkins",
        headers=world.other_patient_actor.headers,
        json=checkin(),
    )

    assert (
        other_patient.status_code == other_clinic.status_code == write_for_other.status_code == 404
    )
    assert "Slept well" not in other_clinic.get_data(as_text=True)
    assert count(CheckIn) == 1


def test_clinician_may_not_submit_a_patients_check_in(client, world):
    response = client.post(
        f"/api/v1/patients/{world.patient.id}/checkins",
        headers=world.clinician.headers,
        json=checkin(),
    )
    assert response.status_code == 403
    assert count(CheckIn) == 0


def test_range_filter(client, world):
    headers = world.patient_actor.headers
    today = local_today("America/New_York")
    for back in (2, 1, 0):
        client.post(
            "/api/v1/patients/me/checkins",
            headers=headers,
            json=checkin(today - timedelta(days=back)),
        )

    since_yesterday = client.get(
        f"/api/v1/patients/me/checkins?from={today - timedelta(days=1)}&to={today}", headers=headers
    )
    assert [i["local_date"] for i in since_yesterday.json["items"]] == [
        (today - timedelta(days=1)).isoformat(),
        today.isoformat(),
    ]
    bad = client.get("/api/v1/patients/me/checkins?from=soon", headers=headers)
    assert bad.status_code == 422 and "from" in bad.json["errors"]

"""Patients and invitations: who may create, read and invite whom."""

from sqlalchemy import func, select

from models import AuditEvent, Patient, PushSubscription, db
from tests.builders import check_in_days_ago


def test_clinician_creates_a_patient_and_sees_them_in_the_roster(client, world):
    created = client.post(
        "/api/v1/patients",
        headers=world.clinician.headers,
        json={"display_name": "Robin New", "external_id": "MRN-9", "timezone": "America/Chicago"},
    )
    assert created.status_code == 201
    assert created.json["enrolled"] is False

    roster = client.get("/api/v1/patients", headers=world.clinician.headers)

    names = [entry["patient"]["display_name"] for entry in roster.json["items"]]
    assert "Robin New" in names and "Pat One" in names


def test_other_clinic_sees_neither_roster_entries_nor_profiles(client, world):
    roster = client.get("/api/v1/patients", headers=world.other_clinician.headers)
    assert roster.json["items"] == []
    response = client.get(
        f"/api/v1/patients/{world.patient.id}", headers=world.other_clinician.headers
    )
    assert response.status_code == 404
    assert "Pat One" not in response.get_data(as_text=True)


def test_patient_reaches_only_themself(client, world):
    headers = world.patient_actor.headers
    assert client.get("/api/v1/patients/me", headers=headers).json["id"] == world.patient.id
    assert client.get(f"/api/v1/patients/{world.patient.id}", headers=headers).status_code == 200
    assert (
        client.get(f"/api/v1/patients/{world.other_patient.id}", headers=headers).status_code == 404
    )
    assert client.get("/api/v1/patients", headers=headers).status_code == 403
    assert (
        client.post("/api/v1/patients", headers=headers, json={"display_name": "X"}).status_code
        == 403
    )


def test_invitation_gives_code_link_and_expiry(client, world):
    created = client.post(
        "/api/v1/patients", headers=world.clinician.headers, json={"display_name": "Robin"}
    )
    pid = created.json["id"]

    response = client.post(f"/api/v1/patients/{pid}/invitations", headers=world.clinician.headers)

    assert response.status_code == 201
    code = response.json["code"]
    assert response.json["enroll_url"].endswith(f"/enroll?code={code}")
    enrolled = client.post(
        "/api/v1/auth/enroll",
        json={"invite_code": code, "password": "a-long-passphrase", "timezone": "Asia/Tokyo"},
    )
    assert enrolled.status_code == 201


def test_invitation_refused_for_foreign_patients(client, world):
    foreign = client.post(
        f"/api/v1/patients/{world.patient.id}/invitations", headers=world.other_clinician.headers
    )
    assert foreign.status_code == 404


def _subscribe(patient_id: int, endpoint: str) -> None:
    db.session.add(
        PushSubscription(patient_id=patient_id, endpoint=endpoint, p256dh="k" * 87, auth="a" * 22)
    )
    db.session.commit()


def test_a_new_device_invitation_moves_the_account_and_signs_out_the_old_phone(client, world):
    check_in_days_ago(world.patient_actor, 1, 6)
    _subscribe(world.patient.id, "https://push.example/old-phone")
    invited = client.post(
        f"/api/v1/patients/{world.patient.id}/invitations", headers=world.clinician.headers
    )
    assert invited.status_code == 201
    assert invited.json["replaces_devices"] is True

    enrolled = client.post(
        "/api/v1/auth/enroll",
        json={
            "invite_code": invited.json["code"],
            "password": "a-new-phone-passphrase",
            "timezone": "Europe/Lisbon",
            "email": "pat.one@example.org",
        },
    )

    assert enrolled.status_code == 201
    new = {"Authorization": f"Bearer {enrolled.json['token']}"}
    me = client.get("/api/v1/me", headers=new).json
    assert me["patient"]["id"] == world.patient.id  # the same patient, not a new one
    assert len(client.get("/api/v1/patients/me/checkins", headers=new).json["items"]) == 1
    assert client.get("/api/v1/me", headers=world.patient_actor.headers).status_code == 401
    assert db.session.scalar(select(func.count()).select_from(PushSubscription)) == 0
    assert db.session.get(Patient, world.patient.id).timezone == "Europe/Lisbon"
    signed_in = client.post(
        "/api/v1/auth/login",
        json={"email": "pat.one@example.org", "password": "a-new-phone-passphrase"},
    )
    assert signed_in.status_code == 200
    actions = db.session.scalars(
        select(AuditEvent.action).where(AuditEvent.patient_id == world.patient.id)
    ).all()
    assert "auth.reenroll" in actions


def test_a_clinician_signs_a_patient_out_everywhere(client, world):
    _subscribe(world.patient.id, "https://push.example/lost-phone")
    path = f"/api/v1/patients/{world.patient.id}/sign-out"
    assert client.post(path, headers=world.patient_actor.headers).status_code == 403
    assert client.post(path, headers=world.other_clinician.headers).status_code == 404
    assert client.get("/api/v1/me", headers=world.patient_actor.headers).status_code == 200

    response = client.post(path, headers=world.clinician.headers)

    assert response.status_code == 200
    assert response.json == {"tokens": 1, "push_subscriptions": 1}
    assert client.get("/api/v1/me", headers=world.patient_actor.headers).status_code == 401
    other = client.get("/api/v1/me", headers=world.other_patient_actor.headers)
    assert other.status_code == 200  # only that patient
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "patient.sign_out_devices")
    )
    assert (event.actor_id, event.patient_id) == (world.clinician.user.id, world.patient.id)


def test_unknown_field_is_refused_and_nothing_written(client, world):
    before = db.session.scalar(select(func.count()).select_from(Patient))
    response = client.post(
        "/api/v1/patients",
        headers=world.clinician.headers,
        json={"display_name": "Robin", "clinic_id": world.other_clinic.id},
    )
    assert response.status_code == 422
    assert response.json["errors"] == {"clinic_id": ["Unknown field."]}
    assert db.session.scalar(select(func.count()).select_from(Patient)) == before


def test_staff_reads_are_audited(client, world):
    client.get(f"/api/v1/patients/{world.patient.id}", headers=world.clinician.headers)
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "read")).one()
    assert event.actor_id == world.clinician.user.id
    assert event.patient_id == world.patient.id

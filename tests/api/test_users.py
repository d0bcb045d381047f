"""Admins manage their own clinic's staff: list, and deactivate (every token revoked at once)."""

from sqlalchemy import select

from models import AuditEvent, AuthToken, User, db
from tests.conftest import PASSWORD


def test_admin_lists_only_their_clinics_staff(client, world):
    response = client.get("/api/v1/users", headers=world.admin.headers)

    assert response.status_code == 200
    ids = {item["id"] for item in response.json["items"]}
    clinic_staff = set(
        db.session.scalars(
            select(User.id).where(User.clinic_id == world.clinic.id, User.role != "patient")
        )
    )
    assert ids == clinic_staff
    assert world.other_clinician.user.id not in ids
    assert world.patient_actor.user.id not in ids
    item = response.json["items"][0]
    assert set(item) == {
        "id",
        "email",
        "display_name",
        "role",
        "active",
        "locked_until",
        "created_at",
    }


def test_only_admins_list_staff(client, world):
    for actor in (world.clinician, world.patient_actor):
        assert client.get("/api/v1/users", headers=actor.headers).status_code == 403


def test_deactivation_revokes_every_token_at_once(client, world, make_staff):
    colleague = make_staff(world.clinic, email="leaving@clinic.test")
    second = client.post(
        "/api/v1/auth/login", json={"email": "leaving@clinic.test", "password": PASSWORD}
    ).json["token"]
    for token in (colleague.token, second):
        me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
        assert me.status_code == 200

    response = client.post(
        f"/api/v1/users/{colleague.user.id}/deactivate", headers=world.admin.headers
    )

    assert response.status_code == 200
    assert response.json["active"] is False
    for token in (colleague.token, second):
        me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
        assert me.status_code == 401
    tokens = db.session.scalars(select(AuthToken).where(AuthToken.user_id == colleague.user.id))
    assert all(t.revoked_at is not None for t in tokens)
    login = client.post(
        "/api/v1/auth/login", json={"email": "leaving@clinic.test", "password": PASSWORD}
    )
    assert login.status_code == 401
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "user.deactivate"))
    assert (event.actor_id, event.resource) == (world.admin.user.id, f"users/{colleague.user.id}")


def test_deactivating_again_changes_nothing(client, world, make_staff):
    colleague = make_staff(world.clinic)
    path = f"/api/v1/users/{colleague.user.id}/deactivate"
    assert client.post(path, headers=world.admin.headers, json={}).status_code == 200
    assert client.post(path, headers=world.admin.headers).status_code == 200
    outcomes = db.session.scalars(
        select(AuditEvent.outcome)
        .where(AuditEvent.action == "user.deactivate")
        .order_by(AuditEvent.id)
    ).all()
    assert outcomes == ["ok", "unchanged"]


def test_admins_manage_only_their_own_clinic(client, world, make_staff):
    other_admin = make_staff(world.other_clinic, admin=True)

    for target in (world.clinician.user.id, world.admin.user.id, world.patient_actor.user.id):
        response = client.post(f"/api/v1/users/{target}/deactivate", headers=other_admin.headers)
        assert response.status_code == 404
    db.session.expire_all()
    assert db.session.get(User, world.clinician.user.id).active
    assert client.get("/api/v1/me", headers=world.clinician.headers).status_code == 200


def test_patients_are_not_staff_accounts(client, world):
    path = f"/api/v1/users/{world.patient_actor.user.id}/deactivate"
    assert client.post(path, headers=world.admin.headers).status_code == 404


def test_an_admin_cannot_lock_themself_out(client, world):
    path = f"/api/v1/users/{world.admin.user.id}/deactivate"
    response = client.post(path, headers=world.admin.headers)
    assert response.status_code == 409
    assert client.get("/api/v1/me", headers=world.admin.headers).status_code == 200


def test_clinicians_cannot_deactivate(client, world, make_staff):
    colleague = make_staff(world.clinic)
    path = f"/api/v1/users/{colleague.user.id}/deactivate"
    assert client.post(path, headers=world.clinician.headers).status_code == 403
    assert client.get("/api/v1/me", headers=colleague.headers).status_code == 200


def test_deactivation_takes_no_fields(client, world, make_staff):
    colleague = make_staff(world.clinic)
    path = f"/api/v1/users/{colleague.user.id}/deactivate"
    response = client.post(path, headers=world.admin.headers, json={"active": True})
    assert response.status_code == 422
    assert client.get("/api/v1/me", headers=colleague.headers).status_code == 200

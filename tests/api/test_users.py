"""Admins manage their own clinic's staff: list, rename, and deactivate (every token revoked at
once); staff rename themselves."""

from sqlalchemy import func, select

from models import AuditEvent, AuthToken, User, db
from tests.conftest import PASSWORD

# A staff row, as `GET /users` lists it and a rename answers it.
STAFF_FIELDS = {"id", "email", "display_name", "role", "active", "locked_until", "created_at"}


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
    assert set(item) == STAFF_FIELDS


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


def _rename(client, actor, user_id, name):
    return client.patch(
        f"/api/v1/users/{user_id}", headers=actor.headers, json={"display_name": name}
    )


def test_staff_set_their_own_name_shown_on_their_profile(client, world):
    response = _rename(client, world.clinician, world.clinician.user.id, "  Dr. Rae Park ")

    assert response.status_code == 200
    assert response.json["display_name"] == "Dr. Rae Park"
    assert set(response.json) == STAFF_FIELDS
    me = client.get("/api/v1/me", headers=world.clinician.headers).json
    assert me["display_name"] == "Dr. Rae Park"
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "user.rename"))
    assert (event.actor_id, event.resource, event.outcome) == (
        world.clinician.user.id,
        f"users/{world.clinician.user.id}",
        "ok",
    )


def test_an_empty_name_shows_the_email_again(client, world, make_staff):
    colleague = make_staff(world.clinic, display_name="Dr. Old Name")
    for empty in ("   ", None):
        response = _rename(client, world.admin, colleague.user.id, empty)
        assert response.status_code == 200
        assert response.json["display_name"] is None
    outcomes = db.session.scalars(
        select(AuditEvent.outcome).where(AuditEvent.action == "user.rename").order_by(AuditEvent.id)
    ).all()
    assert outcomes == ["ok", "unchanged"]


def test_admins_rename_only_their_own_clinics_staff(client, world, make_staff):
    colleague = make_staff(world.clinic)
    assert _rename(client, world.admin, colleague.user.id, "Sam Lee").status_code == 200

    for target in (world.other_clinician.user.id, world.patient_actor.user.id, 999_999):
        assert _rename(client, world.admin, target, "Someone").status_code == 404
    db.session.expire_all()
    assert db.session.get(User, world.other_clinician.user.id).display_name is None


def test_clinicians_and_patients_cannot_rename_others(client, world, make_staff):
    colleague = make_staff(world.clinic, display_name="Dr. Kept")
    assert _rename(client, world.clinician, colleague.user.id, "Renamed").status_code == 403
    patient = world.patient_actor
    assert _rename(client, patient, patient.user.id, "Me").status_code == 403
    assert _rename(client, patient, colleague.user.id, "Renamed").status_code == 403
    db.session.expire_all()
    assert db.session.get(User, colleague.user.id).display_name == "Dr. Kept"


def test_a_bad_rename_is_refused_without_a_write(client, world):
    user_id = world.clinician.user.id
    cases = (
        {"display_name": "x" * 121},
        {"display_name": " " + "x" * 120 + " ", "role": "admin"},
        {"display_name": 7},
        {},
    )
    for body in cases:
        response = client.patch(
            f"/api/v1/users/{user_id}", headers=world.clinician.headers, json=body
        )
        assert response.status_code == 422, body
        assert response.headers["Content-Type"] == "application/problem+json"
    db.session.expire_all()
    user = db.session.get(User, user_id)
    assert (user.display_name, user.role) == (None, "clinician")
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "user.rename")) is None


def test_no_two_colleagues_share_a_name(client, world, make_staff):
    """The alert trail must tell who acknowledged: a colleague's name, in any case, is refused,
    a deactivated colleague's too; one's own name may change case; another clinic's is free."""
    make_staff(world.clinic, display_name="Dr. Rae Park")
    gone = make_staff(world.clinic, display_name="Dr. Former")
    client.post(f"/api/v1/users/{gone.user.id}/deactivate", headers=world.admin.headers)
    me = world.clinician.user.id

    for name in (" dr. rae PARK ", "DR. FORMER"):
        response = _rename(client, world.clinician, me, name)
        assert response.status_code == 422, name
        assert response.json["errors"] == {
            "display_name": ["A colleague in this clinic goes by this name."]
        }
    assert _rename(client, world.clinician, me, "Dr. Sol Vega").status_code == 200
    assert _rename(client, world.clinician, me, "DR. SOL VEGA").json["display_name"] == (
        "DR. SOL VEGA"
    )
    other = world.other_clinician
    assert _rename(client, other, other.user.id, "Dr. Rae Park").status_code == 200


def _add(client, actor, **body):
    payload = {"email": "new.colleague@clinic.test", "password": "a-long-passphrase", **body}
    return client.post("/api/v1/users", headers=actor.headers, json=payload)


def test_an_admin_adds_a_colleague_who_then_signs_in(client, world):
    response = _add(client, world.admin, email="New.Colleague@Clinic.TEST", display_name="Dr. Ny")

    assert response.status_code == 201
    assert set(response.json) == STAFF_FIELDS
    assert (response.json["email"], response.json["role"], response.json["display_name"]) == (
        "new.colleague@clinic.test",
        "clinician",
        "Dr. Ny",
    )
    login = client.post(
        "/api/v1/auth/login",
        json={"email": "new.colleague@clinic.test", "password": "a-long-passphrase"},
    )
    assert login.status_code == 200
    assert login.json["user"]["display_name"] == "Dr. Ny"
    listed = client.get("/api/v1/users", headers=world.admin.headers).json["items"]
    assert response.json["id"] in {item["id"] for item in listed}
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "user.create"))
    assert (event.actor_id, event.resource) == (world.admin.user.id, f"users/{response.json['id']}")
    admin = _add(client, world.admin, email="second.admin@clinic.test", role="admin")
    assert admin.status_code == 201 and admin.json["role"] == "admin"


def test_only_admins_add_staff(client, world):
    for actor in (world.clinician, world.patient_actor):
        assert _add(client, actor).status_code == 403
    assert db.session.scalar(select(User).where(User.email == "new.colleague@clinic.test")) is None


def test_a_bad_addition_is_refused_without_a_write(client, world, make_staff):
    make_staff(world.clinic, email="taken@clinic.test", display_name="Dr. Taken")
    before = db.session.scalar(select(func.count()).select_from(User))
    cases = [
        ({"email": "taken@clinic.test"}, 409, None),
        ({"password": "short"}, 422, "password"),
        ({"password": "password123"}, 422, "password"),
        ({"display_name": "dr. taken"}, 422, "display_name"),
        ({"role": "patient"}, 422, "role"),
        ({"email": "not an email"}, 422, "email"),
        ({"active": False}, 422, "active"),
    ]
    for body, status, field in cases:
        response = _add(client, world.admin, **body)
        assert response.status_code == status, body
        if field:
            assert field in response.json["errors"], body
        assert "a-long-passphrase" not in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(User)) == before
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "user.create")) is None

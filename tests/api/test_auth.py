"""Sign-in, enrolment, tokens and sign-out over HTTP."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from models import AuditEvent, AuthToken, Invitation, User, db
from services import auth as auth_service
from services import patients as patient_service
from services.errors import AuthenticationFailed
from tests.conftest import PASSWORD


def test_staff_signs_in_and_reads_me(client, make_clinic, make_staff):
    clinic = make_clinic("North Clinic")
    make_staff(clinic, email="doc@north.test")

    response = client.post(
        "/api/v1/auth/login", json={"email": "Doc@North.test", "password": PASSWORD}
    )

    assert response.status_code == 200
    body = response.json
    assert body["user"]["role"] == "clinician"
    assert body["user"]["clinic"]["name"] == "North Clinic"
    assert datetime.fromisoformat(body["expires_at"]) > datetime.now(UTC)
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {body['token']}"})
    assert me.status_code == 200
    assert me.json["email"] == "doc@north.test"


def test_wrong_password_and_unknown_email_answer_the_same(client, make_clinic, make_staff):
    make_staff(make_clinic(), email="doc@north.test")

    wrong_password = client.post(
        "/api/v1/auth/login", json={"email": "doc@north.test", "password": "x" * 12}
    )
    unknown_email = client.post(
        "/api/v1/auth/login", json={"email": "who@north.test", "password": "x" * 12}
    )

    assert wrong_password.status_code == unknown_email.status_code == 401
    assert wrong_password.json == unknown_email.json
    assert wrong_password.content_type == "application/problem+json"
    assert (
        db.session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action == "auth.login_failed")
        )
        == 2
    )


def test_repeated_failures_lock_the_account_even_with_the_right_password(
    client, make_clinic, make_staff
):
    make_staff(make_clinic(), email="doc@north.test")
    for _ in range(auth_service.LOCK_AFTER_FAILURES):
        client.post(
            "/api/v1/auth/login", json={"email": "doc@north.test", "password": "wrong-password-1"}
        )

    response = client.post(
        "/api/v1/auth/login", json={"email": "doc@north.test", "password": PASSWORD}
    )

    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) > 0


def test_sign_in_is_throttled_per_address(make_app, make_clinic):
    app = make_app(RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="3 per minute")
    client = app.test_client()
    codes = [
        client.post(
            "/api/v1/auth/login", json={"email": f"u{i}@x.test", "password": "y" * 12}
        ).status_code
        for i in range(5)
    ]
    assert codes[:3] == [401, 401, 401]
    assert codes[3:] == [429, 429]


def test_patient_enrolls_with_invitation_then_signs_in_with_email(client, make_clinic, make_staff):
    clinic = make_clinic()
    clinician = make_staff(clinic)
    patient = patient_service.create_patient(clinician.user, "Pat Example")
    invitation = patient_service.create_invitation(clinician.user, patient.id, "http://test")

    enrolled = client.post(
        "/api/v1/auth/enroll",
        json={
            "invite_code": invitation.code.lower().replace("-", " "),
            "password": "a-long-passphrase",
            "timezone": "Europe/Berlin",
            "email": "pat@example.test",
        },
    )

    assert enrolled.status_code == 201
    assert enrolled.json["user"]["role"] == "patient"
    assert enrolled.json["user"]["patient"]["timezone"] == "Europe/Berlin"
    login = client.post(
        "/api/v1/auth/login", json={"email": "pat@example.test", "password": "a-long-passphrase"}
    )
    assert login.status_code == 200
    assert login.json["user"]["patient"]["id"] == patient.id


def test_invitation_is_single_use_and_stored_only_as_a_hash(client, make_clinic, make_staff):
    clinician = make_staff(make_clinic())
    patient = patient_service.create_patient(clinician.user, "Pat Example")
    invitation = patient_service.create_invitation(clinician.user, patient.id, "http://test")
    payload = {"invite_code": invitation.code, "password": "a-long-passphrase", "timezone": "UTC"}

    assert client.post("/api/v1/auth/enroll", json=payload).status_code == 201
    again = client.post("/api/v1/auth/enroll", json=payload)

    assert again.status_code == 422
    assert "invite_code" in again.json["errors"]
    stored = db.session.scalar(select(Invitation.code_hash))
    assert invitation.code not in stored and len(stored) == 64


def test_expired_or_unknown_invitation_is_refused_and_nothing_is_written(
    client, make_clinic, make_staff
):
    clinician = make_staff(make_clinic())
    patient = patient_service.create_patient(clinician.user, "Pat Example")
    past = datetime.now(UTC) - timedelta(days=8)
    expired = patient_service.create_invitation(clinician.user, patient.id, "http://test", now=past)
    users_before = db.session.scalar(select(func.count()).select_from(User))

    for code in (expired.code, "ABCD-EFGH-JKMN"):
        response = client.post(
            "/api/v1/auth/enroll",
            json={"invite_code": code, "password": "a-long-passphrase", "timezone": "UTC"},
        )
        assert response.status_code == 422
        assert list(response.json["errors"]) == ["invite_code"]

    assert db.session.scalar(select(func.count()).select_from(User)) == users_before


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("password", "short"),
        ("password", "password123"),
        ("timezone", "Mars/Olympus"),
        ("email", "not-an-email"),
    ],
)
def test_enrolment_names_the_bad_field(client, make_clinic, make_staff, field, value):
    clinician = make_staff(make_clinic())
    patient = patient_service.create_patient(clinician.user, "Pat Example")
    invitation = patient_service.create_invitation(clinician.user, patient.id, "http://test")
    payload = {
        "invite_code": invitation.code,
        "password": "a-long-passphrase",
        "timezone": "UTC",
        field: value,
    }

    response = client.post("/api/v1/auth/enroll", json=payload)

    assert response.status_code == 422
    assert field in response.json["errors"]
    assert value not in response.get_data(as_text=True)
    assert db.session.get(type(patient), patient.id).user_id is None


def test_logout_revokes_the_token(client, world):
    headers = world.patient_actor.headers
    assert client.post("/api/v1/auth/logout", headers=headers).status_code == 204
    response = client.get("/api/v1/me", headers=headers)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("header", [None, "Bearer", "Bearer not-a-token", "Basic abc"])
def test_missing_or_bad_token_is_401(client, header):
    headers = {"Authorization": header} if header else {}
    response = client.get("/api/v1/me", headers=headers)
    assert response.status_code == 401
    assert response.json["status"] == 401


def test_tokens_are_stored_as_hashes(world):
    stored = db.session.scalars(select(AuthToken.token_hash)).all()
    assert world.patient_actor.token not in stored
    assert auth_service.token_digest(world.patient_actor.token) in stored


def test_staff_token_expires_after_idle_time(app, world):
    now = datetime.now(UTC)
    idle = app.config["STAFF_IDLE_TIMEOUT"]
    assert (
        auth_service.authenticate(world.clinician.token, now + idle / 2).id
        == world.clinician.user.id
    )
    with pytest.raises(AuthenticationFailed):
        auth_service.authenticate(
            world.clinician.token, now + idle / 2 + idle + timedelta(seconds=1)
        )


def test_patient_token_slides(app, world):
    now = datetime.now(UTC)
    later = now + timedelta(days=60)
    auth_service.authenticate(world.patient_actor.token, later)
    # 60 days on, still valid for the full patient lifetime counted from the last use.
    assert auth_service.authenticate(world.patient_actor.token, later + timedelta(days=80))

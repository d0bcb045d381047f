"""Sign-in hardening: throttles per address and per account (memory and Redis), the growing
lockout, the same answers for an email with and without an account, argon2 rehash, password
change and what it revokes, enrolment throttling, ProxyFix."""

import socket
import threading
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select

from api import create_app
from api.limits import login_account_key
from config import ProductionConfig
from models import AuditEvent, AuthToken, SignInLockout, User, db
from services import auth as auth_service
from services.errors import AuthenticationFailed, Throttled
from tests.conftest import PASSWORD

REDIS_URL = "redis://127.0.0.1:6379/15"


def _redis_reachable() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            return True
    except OSError:
        return False


def login(client, email: str, password: str, address: str = "127.0.0.1"):
    return client.post(
        "/api/v1/auth/login",
        json={"email": email, "password": password},
        environ_base={"REMOTE_ADDR": address},
    )


# --- throttling ------------------------------------------------------------------------------


def test_one_account_is_throttled_whatever_the_address(make_app, make_clinic, make_staff):
    app = make_app(RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="3 per minute")
    client = app.test_client()
    codes = [
        login(client, "target@x.test", "guess-" + str(i), f"10.0.0.{i}").status_code
        for i in range(5)
    ]
    assert codes == [401, 401, 401, 429, 429]
    # Another account from a fresh address is not slowed down by it.
    assert login(client, "someone@x.test", "y" * 12, "10.0.1.1").status_code == 401


def test_thirty_wrong_passwords_get_429_and_nothing_else(make_app, make_clinic, make_staff):
    app = make_app(RATELIMIT_ENABLED=True)  # the shipped limit, 10 per minute
    with app.app_context():
        user_id = make_staff(make_clinic(), email="doc@north.test").user.id
    client = app.test_client()
    tokens_before = db.session.scalars(select(AuthToken.id)).all()

    codes = [login(client, "doc@north.test", f"wrong-password-{i}").status_code for i in range(30)]

    assert set(codes[:5]) == {401}
    assert codes.count(429) >= 20 and set(codes[5:]) <= {401, 429} and codes[-1] == 429
    right = login(client, "doc@north.test", PASSWORD)
    assert right.status_code == 429
    assert int(right.headers["Retry-After"]) > 0
    db.session.rollback()
    assert db.session.scalars(select(AuthToken.id)).all() == tokens_before
    assert db.session.get(User, user_id).locked_until is not None


def test_enrolment_is_throttled_per_address(make_app, make_clinic, make_staff):
    app = make_app(RATELIMIT_ENABLED=True, ENROLL_RATE_LIMIT="3 per minute")
    client = app.test_client()
    payload = {"invite_code": "ABCD-EFGH-JKMN", "password": "a-long-passphrase", "timezone": "UTC"}
    codes = [client.post("/api/v1/auth/enroll", json=payload).status_code for _ in range(5)]
    assert codes == [422, 422, 422, 429, 429]
    other = client.post(
        "/api/v1/auth/enroll", json=payload, environ_base={"REMOTE_ADDR": "10.9.9.9"}
    )
    assert other.status_code == 422


def test_forwarded_for_is_ignored_unless_a_proxy_is_trusted(make_app, world):
    spoofed = {"X-Forwarded-For": "203.0.113.9"}
    for hops, expected in ((0, "127.0.0.1"), (1, "203.0.113.9")):
        client = make_app(PROXY_FIX_HOPS=hops).test_client()
        client.post(
            "/api/v1/auth/login",
            json={"email": "nobody@x.test", "password": "y" * 12},
            headers=spoofed,
        )
        db.session.rollback()  # a fresh snapshot: the request committed through another app
        ip = db.session.scalar(
            select(AuditEvent.ip)
            .where(AuditEvent.action == "auth.login_failed")
            .order_by(AuditEvent.id.desc())
        )
        assert ip == expected


@pytest.mark.skipif(not _redis_reachable(), reason="no Redis on 127.0.0.1:6379")
def test_redis_storage_counts_across_workers(make_app, world):
    """Two app instances (two gunicorn workers) share one Redis count."""
    prefix = f"test-{uuid.uuid4().hex[:8]}"
    settings = {
        "RATELIMIT_ENABLED": True,
        "RATELIMIT_STORAGE_URI": REDIS_URL,
        "RATELIMIT_KEY_PREFIX": prefix,
        "LOGIN_RATE_LIMIT": "4 per minute",
    }
    workers = [make_app(**settings).test_client(), make_app(**settings).test_client()]
    codes = [
        login(workers[i % 2], f"u{i}@x.test", "y" * 12, "10.1.1.1").status_code for i in range(6)
    ]
    assert codes == [401, 401, 401, 401, 429, 429]
    import redis

    store = redis.Redis.from_url(REDIS_URL)
    keys = list(store.scan_iter(f"*{prefix}*"))
    assert keys  # the counts live in Redis, not in either process
    assert not any(b"x.test" in key for key in keys)  # keyed by the email's hash, not the email
    store.delete(*keys)


@pytest.mark.skipif(not _redis_reachable(), reason="no Redis on 127.0.0.1:6379")
def test_the_production_config_runs_with_redis(monkeypatch, database_url, world):
    monkeypatch.setenv("DATABASE_URL", database_url)
    prefix = f"test-{uuid.uuid4().hex[:8]}"
    config = type(
        "Production",
        (ProductionConfig,),
        {
            "SQLALCHEMY_DATABASE_URI": database_url,
            "SECRET_KEY": "s" * 48,
            "RATELIMIT_STORAGE_URI": REDIS_URL,
            "RATELIMIT_KEY_PREFIX": prefix,
            "LOGIN_RATE_LIMIT": "2 per minute",
        },
    )
    app = create_app(config)
    try:
        client = app.test_client()
        codes = [login(client, "a@x.test", "y" * 12).status_code for _ in range(3)]
        assert codes == [401, 401, 429]
        assert "Strict-Transport-Security" in client.get("/api/v1/swagger.json").headers
    finally:
        import redis

        store = redis.Redis.from_url(REDIS_URL)
        if keys := list(store.scan_iter(f"*{prefix}*")):
            store.delete(*keys)
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def test_production_refuses_per_process_rate_limits(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql://db.example/clinic")
    config = type(
        "Production",
        (ProductionConfig,),
        {"SECRET_KEY": "s" * 48, "RATELIMIT_STORAGE_URI": "memory://"},
    )
    with pytest.raises(RuntimeError, match="RATELIMIT_STORAGE_URI"):
        config.check()


# --- lockout ---------------------------------------------------------------------------------


def test_the_lockout_doubles_with_each_further_failure_up_to_an_hour(app, make_clinic, make_staff):
    user = make_staff(make_clinic(), email="doc@north.test").user
    now = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    for _ in range(auth_service.LOCK_AFTER_FAILURES - 1):
        with pytest.raises(AuthenticationFailed):
            auth_service.login("doc@north.test", "wrong-password-1", now=now)
    assert db.session.get(User, user.id).locked_until is None

    locks = []
    for _ in range(9):
        with pytest.raises(AuthenticationFailed):
            auth_service.login("doc@north.test", "wrong-password-1", now=now)
        locked_until = db.session.get(User, user.id).locked_until
        locks.append(locked_until - now)
        # While locked even the right password is refused, and does not count.
        with pytest.raises(Throttled):
            auth_service.login("doc@north.test", PASSWORD, now=now + timedelta(seconds=1))
        now = locked_until + timedelta(seconds=1)

    minutes = [lock / timedelta(minutes=1) for lock in locks]
    assert minutes == [1, 2, 4, 8, 16, 32, 60, 60, 60]
    issued = auth_service.login("doc@north.test", PASSWORD, now=now)
    assert issued.user.id == user.id
    assert db.session.get(User, user.id).failed_logins == 0


# --- an email with an account and one without answer alike ----------------------------------

# Statuses are asserted below; the time-dependent headers are compared within this many seconds.
SLACK = 2
TIMED_HEADERS = ("Retry-After", "X-RateLimit-Reset")


def _answer(response) -> dict:
    """What a client sees of an answer, but the headers that count down with the clock."""
    headers = {k: v for k, v in response.headers.items() if k not in TIMED_HEADERS}
    return {"status": response.status_code, "body": response.json, "headers": headers}


def test_a_run_of_wrong_passwords_answers_the_same_with_or_without_an_account(
    make_app, make_clinic, make_staff
):
    """Six wrong passwords and a 429 used to mean the account exists: an unknown email answered
    401 until the per-account limit. Both now answer alike, body, headers and Retry-After."""
    app = make_app(RATELIMIT_ENABLED=True)  # the shipped limit, 10 per minute
    with app.app_context():
        make_staff(make_clinic(), email="doc@north.test")
    client = app.test_client()

    runs = {}
    for email, address in (("doc@north.test", "10.0.0.1"), ("nobody@north.test", "10.0.0.2")):
        runs[email] = [login(client, email, f"wrong-password-{i}", address) for i in range(13)]
    known, unknown = runs["doc@north.test"], runs["nobody@north.test"]

    assert [r.status_code for r in known] == [401] * 5 + [429] * 8
    for step, (k, u) in enumerate(zip(known, unknown, strict=True)):
        assert _answer(k) == _answer(u), step
        for name in TIMED_HEADERS:
            assert (name in k.headers) == (name in u.headers), (step, name)
            assert abs(int(k.headers[name]) - int(u.headers[name])) <= SLACK, (step, name)
    lockout = "Too many failed sign-ins: try again later."
    assert [r.json["detail"] for r in known[5:10]] == [lockout] * 5  # the lockout's 429s
    assert 50 <= int(known[5].headers["Retry-After"]) <= 61
    assert known[-1].json["detail"] != lockout  # then the per-account limit's


def _outcome(email: str, password: str, now: datetime) -> tuple:
    try:
        auth_service.login(email, password, now=now)
    except Throttled as refused:
        return ("Throttled", refused.detail, refused.retry_after)
    except AuthenticationFailed as refused:
        return ("AuthenticationFailed", refused.detail, None)
    return ("signed in",)


def test_the_growing_lockout_is_the_same_for_an_unknown_email(app, make_clinic, make_staff):
    user = make_staff(make_clinic(), email="doc@north.test").user
    start = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    # Five failures, locked a minute; one more after it, two minutes; one more, four.
    seconds = [0, 1, 2, 3, 4, 5, 6, 70, 71, 72, 200, 201, 300]
    runs = {
        email: [_outcome(email, "wrong-password-1", start + timedelta(seconds=s)) for s in seconds]
        for email in ("doc@north.test", "Nobody@North.test ")
    }
    known, unknown = runs.values()

    assert known == unknown
    assert [o[0] for o in known] == ["AuthenticationFailed"] * 5 + ["Throttled"] * 2 + [
        "AuthenticationFailed",
        "Throttled",
        "Throttled",
        "AuthenticationFailed",
        "Throttled",
        "Throttled",
    ]
    assert [o[2] for o in known if o[2]] == [60, 59, 120, 119, 240, 141]
    # A locked account refuses even the right password, as the unknown email refuses any.
    locked = start + timedelta(seconds=301)
    right = _outcome("doc@north.test", PASSWORD, locked)
    assert right == _outcome("nobody@north.test", PASSWORD, locked)
    assert right == ("Throttled", "Too many failed sign-ins: try again later.", 140)
    # Once the lock is over the right password signs in; the unknown email is still refused.
    free = start + timedelta(seconds=441)
    assert _outcome("doc@north.test", PASSWORD, free) == ("signed in",)
    assert _outcome("nobody@north.test", PASSWORD, free)[0] == "AuthenticationFailed"

    # The unknown email's record keeps its keyed hash only; the audit trail tells the same story.
    record = db.session.scalars(select(SignInLockout)).one()
    assert record.email_digest == auth_service.email_digest("nobody@north.test")
    assert "north" not in record.email_digest
    actions = {
        actor: db.session.scalars(
            select(AuditEvent.action)
            .where(AuditEvent.actor_id.is_(None) if actor is None else AuditEvent.actor_id == actor)
            .order_by(AuditEvent.id)
        ).all()
        for actor in (user.id, None)
    }
    assert actions[user.id][:-1] == actions[None][:-1]
    assert (actions[user.id][-1], actions[None][-1]) == ("auth.login", "auth.login_failed")
    assert actions[None].count("auth.login_locked") == 7


def test_a_locked_unknown_email_costs_no_hash_like_a_locked_account(app, world, monkeypatch):
    calls = []
    real = auth_service.verify_password
    monkeypatch.setattr(auth_service, "verify_password", lambda h, p: calls.append(h) or real(h, p))
    now = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    counts = []
    for email in (db.session.get(User, world.clinician.user.id).email, "nobody@north.test"):
        calls.clear()
        for _ in range(auth_service.LOCK_AFTER_FAILURES + 3):
            with pytest.raises((AuthenticationFailed, Throttled)):
                auth_service.login(email, "wrong-password-1", now=now)
        counts.append(len(calls))
    assert counts == [auth_service.LOCK_AFTER_FAILURES] * 2


def test_racing_wrong_passwords_are_all_counted_with_or_without_an_account(
    app, make_clinic, make_staff
):
    """Several workers at once (threads here; gunicorn workers or instances in production share
    the database the same way): five failures lock, whoever wins the races, for both emails."""
    make_staff(make_clinic(), email="doc@north.test")
    racers = 8
    start = threading.Barrier(racers * 2)
    statuses: dict[str, list[int]] = {"doc@north.test": [], "nobody@north.test": []}

    def attempt(email: str) -> None:
        client = app.test_client()
        start.wait(10)
        statuses[email].append(login(client, email, "wrong-password-1").status_code)

    threads = [
        threading.Thread(target=attempt, args=(email,)) for email in statuses for _ in range(racers)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    expected = [401] * auth_service.LOCK_AFTER_FAILURES
    expected += [429] * (racers - auth_service.LOCK_AFTER_FAILURES)
    assert {email: sorted(codes) for email, codes in statuses.items()} == {
        "doc@north.test": expected,
        "nobody@north.test": expected,
    }
    db.session.rollback()
    record = db.session.get(SignInLockout, auth_service.email_digest("nobody@north.test"))
    user = db.session.scalar(select(User).where(User.email == "doc@north.test"))
    assert record.failed_logins == user.failed_logins == auth_service.LOCK_AFTER_FAILURES


def test_the_per_account_limit_is_keyed_by_the_emails_hash(app):
    with app.test_request_context(json={"email": " Doc@North.test", "password": "x"}):
        key = login_account_key()
    assert key == "login:" + auth_service.email_digest("doc@north.test")
    assert "north" not in key.lower()
    with app.test_request_context(json={"password": "x"}):
        assert login_account_key() == "login:-"


# --- argon2 parameters -----------------------------------------------------------------------


def test_a_hash_with_old_parameters_is_upgraded_at_sign_in(make_app, make_clinic, make_staff, app):
    user = make_staff(make_clinic(), email="doc@north.test").user
    old_hash = db.session.get(User, user.id).password_hash
    assert "t=1," in old_hash

    stronger = make_app(ARGON2_TIME_COST=2, ARGON2_MEMORY_COST=16)
    response = login(stronger.test_client(), "doc@north.test", PASSWORD)

    assert response.status_code == 200
    db.session.expire_all()
    new_hash = db.session.get(User, user.id).password_hash
    assert new_hash != old_hash
    assert "m=16,t=2," in new_hash
    assert PasswordHasher().verify(new_hash, PASSWORD)
    # Signing in again with the same parameters leaves it alone.
    login(stronger.test_client(), "doc@north.test", PASSWORD)
    db.session.expire_all()
    assert db.session.get(User, user.id).password_hash == new_hash


# --- password change -------------------------------------------------------------------------


def change(client, actor_headers, current: str, new: str):
    return client.post(
        "/api/v1/me/password",
        headers=actor_headers,
        json={"current_password": current, "new_password": new},
    )


def test_a_password_change_revokes_every_token_and_answers_a_fresh_one(client, world):
    email = "doc@north.test"
    user = db.session.get(User, world.clinician.user.id)
    user.email = email
    db.session.commit()
    laptop = login(client, email, PASSWORD).json["token"]

    response = change(client, world.clinician.headers, PASSWORD, "a-brand-new-passphrase")

    assert response.status_code == 200
    fresh = response.json["token"]
    for old in (world.clinician.token, laptop):
        me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {old}"})
        assert me.status_code == 401
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {fresh}"}).status_code == 200
    assert login(client, email, PASSWORD).status_code == 401
    assert login(client, email, "a-brand-new-passphrase").status_code == 200
    live = db.session.scalars(
        select(AuthToken).where(AuthToken.user_id == user.id, AuthToken.revoked_at.is_(None))
    ).all()
    assert len(live) == 2  # the fresh token and the sign-in after the change
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "auth.password_change"))
    assert (event.actor_id, event.outcome) == (user.id, "ok")


def test_a_patient_changes_their_password_too(client, world):
    response = change(client, world.patient_actor.headers, PASSWORD, "my-own-new-passphrase")
    assert response.status_code == 200
    assert response.json["user"]["patient"]["id"] == world.patient.id
    assert client.get("/api/v1/me", headers=world.patient_actor.headers).status_code == 401


@pytest.mark.parametrize(
    ("current", "new", "field"),
    [
        ("not-my-password", "a-brand-new-passphrase", "current_password"),
        (PASSWORD, "short", "new_password"),
        (PASSWORD, "password123", "new_password"),
        (PASSWORD, PASSWORD, "new_password"),
    ],
)
def test_a_refused_change_changes_nothing(client, world, current, new, field):
    before = db.session.get(User, world.clinician.user.id).password_hash

    response = change(client, world.clinician.headers, current, new)

    assert response.status_code == 422
    assert list(response.json["errors"]) == [field]
    assert new not in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, world.clinician.user.id).password_hash == before
    assert client.get("/api/v1/me", headers=world.clinician.headers).status_code == 200


def test_guessing_the_current_password_with_a_stolen_token_locks_the_account(client, world):
    for _ in range(auth_service.LOCK_AFTER_FAILURES):
        response = change(client, world.clinician.headers, "a-wrong-guess-1", "a-brand-new-one-1")
        assert response.status_code == 422
    response = change(client, world.clinician.headers, PASSWORD, "a-brand-new-one-1")
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) > 0


def test_the_change_needs_a_signed_in_user(client):
    response = change(client, {}, PASSWORD, "a-brand-new-passphrase")
    assert response.status_code == 401


def test_an_unknown_email_costs_a_hash_like_a_known_one(client, world, monkeypatch):
    """No timing oracle for who has an account: both paths run argon2 once."""
    from services import auth as auth_module

    calls = []
    real = auth_module.verify_password
    monkeypatch.setattr(
        auth_module, "verify_password", lambda h, p: calls.append(h is None) or real(h, p)
    )
    login(client, "nobody-here@x.test", "some-password-1")
    user = db.session.get(User, world.clinician.user.id)
    login(client, user.email, "some-password-1")
    assert calls == [True, False]

"""Password hashing (argon2id, ~0.1 s of CPU in production) happens before a request takes the
database's write lock: on SQLite, the one writer, a sign-in, an enrolment, a password change or
a colleague added must not make every check-in of the clinic wait for its hash."""

import threading
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from services import auth as auth_service
from services import patients as patient_service
from tests.conftest import PASSWORD

SLOW = 0.6  # seconds each hash or verification takes here


@pytest.fixture
def slow_hashing(monkeypatch) -> threading.Event:
    """Hashes and verifications that take SLOW seconds; the event is set when one starts."""
    started = threading.Event()

    def slowly(work: Callable) -> Callable:
        def run(*args):
            started.set()
            time.sleep(SLOW)
            return work(*args)

        return run

    monkeypatch.setattr(auth_service, "verify_password", slowly(auth_service.verify_password))
    monkeypatch.setattr(auth_service, "hash_password", slowly(auth_service.hash_password))
    return started


def check_in_during(app, world, started: threading.Event, action: Callable[[], int]) -> float:
    """Run `action` (a request answering its status) in a thread; once its hashing has begun,
    post a check-in. Answers how long the check-in took; `action` must have succeeded."""
    statuses: list[int] = []
    thread = threading.Thread(target=lambda: statuses.append(action()))
    thread.start()
    assert started.wait(5)
    today = datetime.now(UTC).astimezone(ZoneInfo("America/New_York")).date().isoformat()
    body = {"submit_id": str(uuid.uuid4()), "local_date": today, "mood": 5, "anxiety": 3, "pain": 1}
    began = time.monotonic()
    answer = app.test_client().post(
        "/api/v1/patients/me/checkins", headers=world.patient_actor.headers, json=body
    )
    took = time.monotonic() - began
    thread.join()
    assert answer.status_code == 201
    assert statuses and 200 <= statuses[0] < 300, statuses
    return took


def test_a_sign_in_verifies_its_password_outside_the_write_lock(app, world, slow_hashing):
    def sign_in() -> int:
        body = {"email": world.clinician.user.email, "password": PASSWORD}
        return app.test_client().post("/api/v1/auth/login", json=body).status_code

    assert check_in_during(app, world, slow_hashing, sign_in) < SLOW / 2


def test_a_password_change_hashes_outside_the_write_lock(app, world, slow_hashing):
    def change() -> int:
        body = {"current_password": PASSWORD, "new_password": "a-fresh-passphrase-9"}
        client = app.test_client()
        return client.post(
            "/api/v1/me/password", headers=world.clinician.headers, json=body
        ).status_code

    assert check_in_during(app, world, slow_hashing, change) < SLOW / 2


def test_an_enrolment_hashes_outside_the_write_lock(app, world, slow_hashing):
    patient = patient_service.create_patient(world.clinician.user, "Pat Three")
    code = patient_service.create_invitation(world.clinician.user, patient.id, "http://test").code

    def enrol() -> int:
        body = {"invite_code": code, "password": "a-fresh-passphrase-9", "timezone": "UTC"}
        return app.test_client().post("/api/v1/auth/enroll", json=body).status_code

    assert check_in_during(app, world, slow_hashing, enrol) < SLOW / 2


def test_adding_a_colleague_hashes_outside_the_write_lock(app, world, slow_hashing):
    def add() -> int:
        body = {"email": "new.colleague@clinic.test", "password": "a-fresh-passphrase-9"}
        client = app.test_client()
        return client.post("/api/v1/users", headers=world.admin.headers, json=body).status_code

    assert check_in_during(app, world, slow_hashing, add) < SLOW / 2

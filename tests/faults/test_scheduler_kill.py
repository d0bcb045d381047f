"""A scheduler process SIGKILLed while a reminder is on the wire, then started again: that
day's reminder is neither dropped nor shown twice.

The delivery row is claimed (unique per patient, day and kind) and committed before the push
is sent, with a lease; a process that dies before recording the outcome leaves the row queued,
and a tick after the lease sends it again. Two cases:

- the push service had not accepted the message when the sender died: exactly one delivery;
- it had accepted it, and only the answer was lost: the resend reaches the service too, with
  the same Topic (RFC 8030: it replaces an undelivered message) and the same notification tag
  (the phone replaces a shown notification), so the patient sees one reminder.
"""

import os
import signal
import subprocess
import sys
import threading
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from models import ReminderDelivery, db
from services.reminders import tick as tick_module
from tests import pushservice
from tests.faults.servers import ROOT

make_reminder_patient = pushservice.make_reminder_patient
NEW_YORK = ZoneInfo("America/New_York")
DUE = datetime(2026, 6, 10, 19, 0, tzinfo=NEW_YORK)


class HoldingPushService(pushservice.FakePushService):
    """Holds the first request open until released, having accepted it or not."""

    def __init__(self, vapid_public_key: str, accept_first: bool) -> None:
        super().__init__(vapid_public_key)
        self.accept_first = accept_first
        self.arrived = threading.Event()
        self.release = threading.Event()
        self._held = False

    def _handle(self, path: str, headers: dict[str, str], body: bytes) -> int:
        with self._lock:
            hold, self._held = not self._held, True
        if not hold:
            return super()._handle(path, headers, body)
        status = super()._handle(path, headers, body) if self.accept_first else 503
        self.arrived.set()
        self.release.wait(20)
        return status


@pytest.fixture(params=[False, True], ids=["not-yet-accepted", "accepted-answer-lost"])
def push_service(request, app):
    from services import push

    service = HoldingPushService(push.public_key(), accept_first=request.param).start()
    yield service
    service.release.set()
    service.stop()


def tick(app, database_url: str, now: datetime) -> subprocess.Popen:
    env = {
        **os.environ,
        "APP_ENV": "testing",
        "TEST_DATABASE_URL": database_url,
        "INSTANCE_PATH": app.instance_path,
        "REMINDER_FOLLOWUP_HOURS": "0",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "wsgi", "reminders", "tick", "--now"]
        + [now.isoformat()],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def deliveries(patient_id: int) -> list[ReminderDelivery]:
    db.session.rollback()
    return list(
        db.session.scalars(
            select(ReminderDelivery)
            .where(ReminderDelivery.patient_id == patient_id)
            .execution_options(populate_existing=True)
        )
    )


def test_a_scheduler_killed_mid_send_neither_drops_nor_duplicates(
    app, database_url, push_service, make_reminder_patient
):
    app.config["REMINDER_FOLLOWUP_HOURS"] = 0
    rp = make_reminder_patient(set_at=datetime(2026, 6, 10, 12, tzinfo=NEW_YORK))
    lease = tick_module.Policy.from_config().lease

    first = tick(app, database_url, DUE)
    try:
        assert push_service.arrived.wait(20), first.communicate(timeout=5)
        first.send_signal(signal.SIGKILL)  # dies with the push on the wire
        first.communicate(timeout=10)
    finally:
        if first.poll() is None:
            first.kill()
    push_service.release.set()
    assert first.returncode == -signal.SIGKILL
    [claimed] = deliveries(rp.patient.id)
    assert (claimed.status, claimed.attempts) == ("queued", 0)

    # Restarted within the lease: the claimed send is left alone, nothing is sent twice.
    early = tick(app, database_url, DUE + timedelta(minutes=2))
    _, err = early.communicate(timeout=30)
    assert early.returncode == 0, err
    accepted_before = len(push_service.delivered(rp.endpoint))
    assert accepted_before == (1 if push_service.accept_first else 0)

    # Restarted after the lease: sent again, once, and recorded.
    late = tick(app, database_url, DUE + lease + timedelta(seconds=1))
    _, err = late.communicate(timeout=30)
    assert late.returncode == 0, err

    [row] = deliveries(rp.patient.id)
    assert (row.status, row.attempts, row.local_date) == ("sent", 1, DUE.date())
    received = push_service.delivered(rp.endpoint)
    assert push_service.errors == []
    if push_service.accept_first:
        assert len(received) == 2
        assert received[0].headers["topic"] == received[1].headers["topic"]
        assert received[0].payload["tag"] == received[1].payload["tag"]
    else:
        assert len(received) == 1
    assert received[-1].payload["tag"] == f"checkin-{DUE.date().isoformat()}"

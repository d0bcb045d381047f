"""Two scheduler processes (`flask --app wsgi scheduler run`) against one database at once, as
two instances behind a deployment would run: every due patient gets exactly one push.

On PostgreSQL (TEST_DATABASE_URL) the processes take disjoint due rows (FOR UPDATE SKIP LOCKED)
and the unique delivery row decides any overlap; on SQLite the write lock serialises the
claims. Both processes tick every second, so they race on the start-up tick and keep ticking
over the same rows afterwards.
"""

import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from datetime import time as wall
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from models import ReminderDelivery, db
from tests import pushservice

push_service = pushservice.push_service
make_reminder_patient = pushservice.make_reminder_patient

ROOT = Path(__file__).resolve().parents[2]
PATIENTS = 20


def _a_zone_not_near_midnight(now: datetime) -> ZoneInfo:
    """A zone where `now` is not close to local midnight (the reminder is due today)."""
    for name in ("America/New_York", "Asia/Tokyo", "Europe/London", "Australia/Sydney"):
        local = now.astimezone(ZoneInfo(name))
        if wall(0, 15) <= local.time() <= wall(23, 45):
            return ZoneInfo(name)
    raise AssertionError("some zone is away from midnight")


def test_two_scheduler_processes_send_one_push_per_patient(
    app, database_url, push_service, make_reminder_patient
):
    now = datetime.now(UTC)
    zone = _a_zone_not_near_midnight(now)
    due_at = (now - timedelta(minutes=5)).astimezone(zone).strftime("%H:%M")
    patients = [
        make_reminder_patient(
            set_at=now - timedelta(minutes=10), timezone=zone.key, local_time=due_at
        )
        for _ in range(PATIENTS)
    ]
    env = {
        **os.environ,
        "APP_ENV": "testing",
        "TEST_DATABASE_URL": database_url,
        "INSTANCE_PATH": app.instance_path,
        "REMINDER_TICK_SECONDS": "1",
    }
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "wsgi", "scheduler", "run"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for _ in range(2)
    ]
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and any(
            not push_service.delivered(p.endpoint) for p in patients
        ):
            time.sleep(0.2)
        time.sleep(3)  # both keep ticking over the same rows: nothing more may be sent
        for process in processes:
            process.send_signal(signal.SIGTERM)
        outputs = [process.communicate(timeout=30)[0] for process in processes]
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
                process.communicate()

    assert [p.returncode for p in processes] == [0, 0], outputs
    assert push_service.errors == []
    assert [len(push_service.delivered(p.endpoint)) for p in patients] == [1] * PATIENTS
    db.session.expire_all()
    rows = db.session.execute(
        select(ReminderDelivery.patient_id, func.count())
        .where(ReminderDelivery.kind == "daily")
        .group_by(ReminderDelivery.patient_id)
    ).all()
    assert sorted(count for _, count in rows) == [1] * PATIENTS
    # Each process logged its ticks: both really ran (a push may be sent by either).
    assert all("reminder scheduler started" in out for out in outputs), outputs

"""The scheduler process: its jobs and their settings, a real run, and web workers without one."""

import subprocess
import sys
import threading
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.interval import IntervalTrigger

import scheduler
from tests import pushservice

push_service = pushservice.push_service
make_reminder_patient = pushservice.make_reminder_patient

ROOT = Path(__file__).resolve().parents[2]


def test_one_minutely_tick_job_in_utc_that_catches_up_and_never_overlaps(app):
    built = scheduler.build_scheduler(app, BackgroundScheduler)
    jobs = {job.id: job for job in built.get_jobs()}

    tick = jobs["reminders"]
    assert tick.func is scheduler.reminder_tick
    assert isinstance(tick.trigger, IntervalTrigger)
    assert tick.trigger.interval.total_seconds() == 60
    assert str(tick.trigger.timezone) == "UTC"
    assert str(built.timezone) == "UTC"
    assert tick.coalesce is True
    assert tick.max_instances == 1
    assert tick.misfire_grace_time >= 60
    assert jobs["missed-checkins"].trigger.interval.total_seconds() == 3600
    assert set(jobs) == {"reminders", "missed-checkins"}


def _a_zone_not_near_midnight(now: datetime) -> ZoneInfo:
    for name in ("America/New_York", "Asia/Tokyo", "Europe/London", "Australia/Sydney"):
        local = now.astimezone(ZoneInfo(name))
        if time(0, 15) <= local.time() <= time(23, 45):
            return ZoneInfo(name)
    raise AssertionError("some zone is away from midnight")


def test_a_running_scheduler_sends_the_due_reminder(app, push_service, make_reminder_patient):
    now = datetime.now(UTC)
    zone = _a_zone_not_near_midnight(now)
    # Set ten minutes ago for five minutes ago: the tick at start-up catches it up.
    rp = make_reminder_patient(
        set_at=now - timedelta(minutes=10),
        timezone=zone.key,
        local_time=(now - timedelta(minutes=5)).astimezone(zone).strftime("%H:%M"),
    )
    done = threading.Event()
    errors = []

    def listener(event):
        if event.job_id == "reminders":
            if event.exception:
                errors.append(event.exception)
            done.set()

    background = scheduler.build_scheduler(app, BackgroundScheduler)
    background.add_listener(listener, EVENT_JOB_EXECUTED | EVENT_JOB_ERROR)
    background.start()
    try:
        assert done.wait(30)
    finally:
        background.shutdown(wait=True)

    assert errors == []
    assert len(push_service.delivered(rp.endpoint)) == 1
    assert push_service.errors == []


def test_the_missed_check_in_job_runs_the_alert_rule(app, world, monkeypatch):
    from services import alerts

    calls = []
    monkeypatch.setattr(alerts, "evaluate_missed_checkins", calls.append, raising=False)
    scheduler.missed_checkin_check(app)
    assert len(calls) == 1 and calls[0].tzinfo is not None


def test_the_missed_check_in_job_is_skipped_when_the_rule_is_absent(app, monkeypatch):
    from services import alerts

    monkeypatch.delattr(alerts, "evaluate_missed_checkins", raising=False)
    scheduler.missed_checkin_check(app)  # nothing to run, nothing raised


def test_web_workers_never_load_a_scheduler():
    code = (
        "import sys\n"
        "from api import create_app\n"
        "from config import TestingConfig\n"
        "create_app(TestingConfig)\n"
        "print('apscheduler' in sys.modules, 'scheduler' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False False"


def test_scheduler_run_sends_then_stops_cleanly_on_sigterm(
    app, database_url, push_service, make_reminder_patient
):
    """The real process: `flask --app wsgi scheduler run`, stopped the way run-all.sh stops it."""
    import os
    import signal
    import time as clock

    now = datetime.now(UTC)
    zone = _a_zone_not_near_midnight(now)
    rp = make_reminder_patient(
        set_at=now - timedelta(minutes=10),
        timezone=zone.key,
        local_time=(now - timedelta(minutes=5)).astimezone(zone).strftime("%H:%M"),
    )
    env = {
        **os.environ,
        "APP_ENV": "testing",
        "TEST_DATABASE_URL": database_url,
        "INSTANCE_PATH": app.instance_path,
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "wsgi", "scheduler", "run"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = clock.monotonic() + 30
        while not push_service.delivered(rp.endpoint) and clock.monotonic() < deadline:
            clock.sleep(0.1)
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=20)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()

    assert len(push_service.delivered(rp.endpoint)) == 1, output
    assert process.returncode == 0, output
    assert "reminder scheduler stopped" in output
    assert rp.patient.display_name not in output


def test_two_scheduler_processes_at_once_send_one_push_per_patient(
    app, database_url, push_service, make_reminder_patient
):
    import json
    import os

    app.config["REMINDER_FOLLOWUP_HOURS"] = 0
    new_york = ZoneInfo("America/New_York")
    patients = [
        make_reminder_patient(set_at=datetime(2026, 6, 10, 12, tzinfo=new_york)) for _ in range(10)
    ]
    env = {
        **os.environ,
        "APP_ENV": "testing",
        "TEST_DATABASE_URL": database_url,
        "INSTANCE_PATH": app.instance_path,
        "REMINDER_FOLLOWUP_HOURS": "0",
    }
    command = [sys.executable, "-m", "flask", "--app", "wsgi", "reminders", "tick", "--now"]
    processes = [
        subprocess.Popen(
            [*command, "2026-06-10T19:00:00-04:00"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(3)
    ]
    outputs = [process.communicate(timeout=60) for process in processes]

    assert [p.returncode for p in processes] == [0, 0, 0], outputs
    reports = [json.loads(out.strip().splitlines()[-1]) for out, _ in outputs]
    assert sum(r["sent"] for r in reports) == 10
    assert push_service.errors == []
    assert [len(push_service.delivered(rp.endpoint)) for rp in patients] == [1] * 10

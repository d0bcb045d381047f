"""The reminder scheduler process: APScheduler with one tick job a minute, thin over services.

Run exactly this (`flask --app wsgi scheduler run`), beside the web server; web workers never
start a scheduler. The per-patient schedule lives in the database (`reminder_settings.next_due_at`,
the unique delivery rows), not in APScheduler, so the job is one plain idempotent call,
`services.reminders.run_tick(now)`, and several instances of this process are safe.
A second, hourly job runs the missed-check-in alert rule when the alert service offers it.
"""

from __future__ import annotations

import logging
import signal
from datetime import UTC, datetime

from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.interval import IntervalTrigger
from flask import Flask

from services import push, reminders

log = logging.getLogger(__name__)

# APScheduler's default grace is 1 s: a tick delayed by a busy machine would be dropped. The
# due query catches up anyway; this keeps the job from being skipped needlessly.
MIN_MISFIRE_GRACE_SECONDS = 60


class SchedulerRefused(Exception):
    """The scheduler will not start (for example production without VAPID keys)."""


def check_ready(app: Flask) -> None:
    """Refuse to start without a usable VAPID key pair (in production it must be configured)."""
    with app.app_context():
        try:
            push.vapid_keys()
        except push.PushNotConfigured as exc:
            raise SchedulerRefused(f"The scheduler cannot send reminders: {exc.detail}") from None


def reminder_tick(app: Flask) -> None:
    """The minutely job: one scheduling pass at the current instant."""
    with app.app_context():
        reminders.run_tick(datetime.now(UTC))


def missed_checkin_check(app: Flask) -> None:
    """The hourly job: the missed-check-in alert rule (idempotent: one open alert per kind)."""
    with app.app_context():
        from services import alerts

        if hasattr(alerts, "evaluate_missed_checkins"):
            alerts.evaluate_missed_checkins(datetime.now(UTC))


def build_scheduler(
    app: Flask, scheduler_class: type[BaseScheduler] = BlockingScheduler
) -> BaseScheduler:
    """The scheduler with its jobs, not started. Both jobs also run once at start-up."""
    tick_seconds = int(app.config["REMINDER_TICK_SECONDS"])
    # A late run is coalesced into one, never overlaps the previous, and is not dropped.
    options = {
        "coalesce": True,
        "max_instances": 1,
        "misfire_grace_time": max(MIN_MISFIRE_GRACE_SECONDS, tick_seconds),
    }
    scheduler = scheduler_class(timezone=UTC, job_defaults=options)
    start = datetime.now(UTC)
    scheduler.add_job(
        reminder_tick,
        IntervalTrigger(seconds=tick_seconds, timezone=UTC),
        args=[app],
        id="reminders",
        name="reminder tick",
        next_run_time=start,
        **options,
    )
    scheduler.add_job(
        missed_checkin_check,
        IntervalTrigger(minutes=int(app.config["MISSED_CHECKIN_INTERVAL_MINUTES"]), timezone=UTC),
        args=[app],
        id="missed-checkins",
        name="missed check-in alerts",
        next_run_time=start,
        **options,
    )
    return scheduler


def run(app: Flask) -> None:
    """Run until SIGINT or SIGTERM; a tick in progress finishes first."""
    check_ready(app)
    scheduler = build_scheduler(app)
    signal.signal(signal.SIGTERM, lambda *_: scheduler.shutdown(wait=False))
    log.info("reminder scheduler started (tick every %ss)", app.config["REMINDER_TICK_SECONDS"])
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        scheduler.shutdown(wait=False)
    log.info("reminder scheduler stopped")

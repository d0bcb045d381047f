"""The reminder tick: claim who is due, send outside the transaction, record what happened.

`run_tick(now)` is an idempotent function of `now`; the scheduler calls it every minute and
operators can call it by hand (`flask --app wsgi reminders tick --now ...`). Exactly once:

1. Claim, in one write transaction: the settings rows whose `next_due_at <= now` (indexed, so the
   cost follows the due patients; PostgreSQL locks them FOR UPDATE SKIP LOCKED, so two scheduler
   instances take disjoint sets), INSERT the unique (patient, local_date, kind) delivery row with
   ON CONFLICT DO NOTHING (whoever inserts it owns the push), and move `next_due_at` on.
   Deliveries waiting for a retry (`status = queued, next_attempt_at <= now`) are claimed in the
   same transaction by pushing their `next_attempt_at` past a lease.
2. Commit, then send over HTTP with no transaction open (PUSH_WORKERS pushes in flight at once).
3. Record each delivery's outcome in its own short transaction: sent, gone (404/410: the
   subscription is deleted), a retry later (429/5xx/connection error: exponential backoff, the
   same local day only, at most PUSH_MAX_ATTEMPTS), or failed.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import delete, select, update

from models import (
    Patient,
    PushSubscription,
    ReminderDelivery,
    ReminderSettings,
    begin_write,
    db,
    utcnow,
)
from services.push import PushMessage, PushResult, PushSender, PushTarget
from services.reminders.due import due_kind, next_wake
from services.reminders.store import checked_in_on, deliveries_on, insert_for, patient_day
from services.reminders.times import local_date, local_day_end

log = logging.getLogger(__name__)

# Longest wait a push service's Retry-After may impose before we try again.
MAX_RETRY_WAIT = timedelta(hours=1)


@dataclass
class TickReport:
    """What one tick did (counts only: no patient is named)."""

    looked_at: int = 0  # settings rows that were due
    claimed: int = 0  # new delivery rows (daily and follow-up)
    retried: int = 0  # deliveries sent again after a failure
    sent: int = 0
    gone: int = 0
    retrying: int = 0  # waiting for another attempt
    failed: int = 0
    skipped: int = 0  # nothing to send to, or checked in before a retry

    def as_dict(self) -> dict[str, int]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class Policy:
    followup_after: timedelta | None
    max_attempts: int
    retry_base: timedelta
    lease: timedelta
    batch: int
    workers: int

    @classmethod
    def from_config(cls) -> Policy:
        config = current_app.config
        hours = float(config["REMINDER_FOLLOWUP_HOURS"])
        return cls(
            followup_after=timedelta(hours=hours) if hours > 0 else None,
            max_attempts=max(1, int(config["PUSH_MAX_ATTEMPTS"])),
            retry_base=timedelta(seconds=int(config["PUSH_RETRY_BASE_SECONDS"])),
            lease=timedelta(seconds=int(config["REMINDER_SEND_LEASE_SECONDS"])),
            batch=max(1, int(config["REMINDER_BATCH_SIZE"])),
            workers=max(1, int(config["PUSH_WORKERS"])),
        )


@dataclass
class _Job:
    """A claimed delivery to send now."""

    delivery_id: int
    patient_id: int
    kind: str
    local_date: date
    day_end: datetime
    targets: list[PushTarget] = field(default_factory=list)
    message: PushMessage | None = None


def reminder_message(
    kind: str, day: date, questionnaire_due: bool, delivery_id: int | None = None
) -> PushMessage:
    """The notification: fixed words, nothing about the patient (no name, no scores). Its link
    names the delivery, so the app can record that the patient opened it (`clicked`)."""
    if kind == "followup":
        title = "Your check-in is still open"
        body = "A gentle reminder: today's check-in takes 30 seconds."
    else:
        title = "Time for your check-in"
        body = "How are you today? It takes 30 seconds."
    if questionnaire_due:
        body += " A short questionnaire is due too."
    # One topic and one tag per local day: an undelivered daily reminder is replaced by its
    # follow-up at the push service, and a shown one is replaced on the device.
    return PushMessage(
        title=title,
        body=body,
        url="/checkin" if delivery_id is None else f"/checkin?reminder={delivery_id}",
        tag=f"checkin-{day.isoformat()}",
        topic=f"checkin-{day:%Y%m%d}",
    )


def _questionnaire_due(patients: dict[int, Patient], patient_id: int, now: datetime) -> bool:
    """Whether a PHQ-9/GAD-7 is due, when the questionnaire service offers that check."""
    try:
        from services import questionnaires
    except ImportError:  # pragma: no cover - the clinical services ship together with this
        return False
    due_for = getattr(questionnaires, "due_for", None)
    patient = patients.get(patient_id)
    if due_for is None or patient is None:
        return False
    try:
        return bool(due_for(patient, now))
    except Exception as exc:  # a mention must never cost the reminder itself
        log.warning("questionnaire check failed for a reminder: %s", type(exc).__name__)
        return False


def _claim_row(
    patient_id: int, day: date, kind: str, now: datetime, lease_until: datetime
) -> int | None:
    """INSERT the unique delivery row; its id when this tick owns it, None when another did."""
    return db.session.scalar(
        insert_for(ReminderDelivery.__table__)
        .values(
            patient_id=patient_id,
            local_date=day,
            kind=kind,
            status="queued",
            attempts=0,
            trail=[],
            created_at=now,
            claimed_at=now,
            # A lease: if this process dies before recording the outcome, a later tick
            # sends again once it has passed (same local day only).
            next_attempt_at=lease_until,
        )
        .on_conflict_do_nothing(index_elements=["patient_id", "local_date", "kind"])
        .returning(ReminderDelivery.__table__.c.id)
    )


def _finish(delivery_id: int, status: str, outcome: str, now: datetime, error: str) -> None:
    """Close a delivery without sending (nothing to send to, checked in, or the day is over)."""
    delivery = db.session.get(ReminderDelivery, delivery_id)
    delivery.status = status
    delivery.last_error = error
    delivery.next_attempt_at = None
    delivery.trail = [
        *delivery.trail,
        {"at": now.isoformat(), "attempt": delivery.attempts, "outcome": outcome},
    ]


def _claim(
    now: datetime, policy: Policy, report: TickReport, elapsed: timedelta = timedelta(0)
) -> tuple[list[_Job], bool]:
    """The claiming transaction. Answers the jobs to send and whether a batch came back full.

    `elapsed` is how long the tick has been running: a lease counts from when the claim is
    made, not from `now`, so a long tick's later batches are not up for grabs too early.
    """
    lease_until = now + elapsed + policy.lease
    begin_write()
    due = db.session.execute(
        select(ReminderSettings, Patient.timezone)
        .join(Patient, Patient.id == ReminderSettings.patient_id)
        .where(ReminderSettings.enabled.is_(True), ReminderSettings.next_due_at <= now)
        .order_by(ReminderSettings.next_due_at, ReminderSettings.patient_id)
        .limit(policy.batch)
        .with_for_update(skip_locked=True, of=ReminderSettings)
        .execution_options(populate_existing=True)
    ).all()
    retries = db.session.execute(
        select(ReminderDelivery, Patient.timezone)
        .join(Patient, Patient.id == ReminderDelivery.patient_id)
        .where(ReminderDelivery.status == "queued", ReminderDelivery.next_attempt_at <= now)
        .order_by(ReminderDelivery.next_attempt_at, ReminderDelivery.id)
        .limit(policy.batch)
        .with_for_update(skip_locked=True, of=ReminderDelivery)
        .execution_options(populate_existing=True)
    ).all()
    zones: dict[int, ZoneInfo] = {}
    for settings, tz in due:
        zones[settings.patient_id] = ZoneInfo(tz)
    for delivery, tz in retries:
        zones[delivery.patient_id] = ZoneInfo(tz)
    todays = {pid: local_date(now, zone) for pid, zone in zones.items()}
    checked = checked_in_on([*todays.items(), *((d.patient_id, d.local_date) for d, _ in retries)])
    deliveries = deliveries_on((s.patient_id, todays[s.patient_id]) for s, _ in due)

    jobs: list[_Job] = []
    for settings, _tz in due:
        pid, zone, today = (
            settings.patient_id,
            zones[settings.patient_id],
            todays[settings.patient_id],
        )
        day = patient_day(
            settings, zone, today, (pid, today) in checked, deliveries, policy.followup_after
        )
        kind = due_kind(day, now)
        claimed = None
        if kind is not None and (row_id := _claim_row(pid, today, kind, now, lease_until)):
            claimed = kind
            report.claimed += 1
            jobs.append(_Job(row_id, pid, kind, today, local_day_end(today, zone)))
        settings.next_due_at = next_wake(day, now, claimed)
        report.looked_at += 1

    for delivery, _tz in retries:
        zone, today = zones[delivery.patient_id], todays[delivery.patient_id]
        if delivery.local_date != today:
            _finish(delivery.id, "failed", "expired", now, "The local day ended before delivery.")
            report.failed += 1
        elif (delivery.patient_id, delivery.local_date) in checked:
            _finish(delivery.id, "skipped", "checked_in", now, "Checked in before the retry.")
            report.skipped += 1
        elif delivery.attempts >= policy.max_attempts:
            _finish(delivery.id, "failed", "gave_up", now, delivery.last_error or "No delivery.")
            report.failed += 1
        else:
            delivery.next_attempt_at = lease_until
            report.retried += 1
            jobs.append(
                _Job(
                    delivery.id,
                    delivery.patient_id,
                    delivery.kind,
                    delivery.local_date,
                    local_day_end(delivery.local_date, zone),
                )
            )

    jobs = _prepare(jobs, now, report)
    db.session.commit()
    return jobs, len(due) >= policy.batch or len(retries) >= policy.batch


def _prepare(jobs: list[_Job], now: datetime, report: TickReport) -> list[_Job]:
    """Attach each job's subscriptions and message; close those with nowhere to send."""
    if not jobs:
        return []
    pids = {job.patient_id for job in jobs}
    targets: dict[int, list[PushTarget]] = {}
    for sub in db.session.scalars(
        select(PushSubscription)
        .where(PushSubscription.patient_id.in_(pids))
        .order_by(PushSubscription.id)
    ):
        targets.setdefault(sub.patient_id, []).append(
            PushTarget(sub.id, sub.endpoint, sub.p256dh, sub.auth)
        )
    patients = {p.id: p for p in db.session.scalars(select(Patient).where(Patient.id.in_(pids)))}
    ready = []
    for job in jobs:
        job.targets = targets.get(job.patient_id, [])
        if not job.targets:
            _finish(job.delivery_id, "skipped", "no_subscription", now, "No device is subscribed.")
            report.skipped += 1
            continue
        job.message = reminder_message(
            job.kind,
            job.local_date,
            _questionnaire_due(patients, job.patient_id, now),
            job.delivery_id,
        )
        ready.append(job)
    return ready


def _send_all(jobs: list[_Job], sender: PushSender, workers: int) -> list[list[PushResult]]:
    """Send every job to each of its subscriptions, `workers` pushes awaiting their answers at
    once (PushSender.send_many); no database access here."""
    tasks = [
        (index, target, job.message) for index, job in enumerate(jobs) for target in job.targets
    ]
    results: list[list[PushResult]] = [[] for _ in jobs]
    sent = sender.send_many([(target, message) for _, target, message in tasks], workers)
    for (index, _, _), result in zip(tasks, sent, strict=True):
        results[index].append(result)
    return results


def _retry_wait(policy: Policy, attempts: int, results: list[PushResult]) -> timedelta:
    wait = policy.retry_base * (2 ** (attempts - 1))
    asked = max((r.retry_after or 0 for r in results), default=0)
    return min(max(wait, timedelta(seconds=asked)), MAX_RETRY_WAIT)


def _record(
    job: _Job, results: list[PushResult], now: datetime, policy: Policy, report: TickReport
) -> None:
    """Write one delivery's outcome in its own transaction."""
    begin_write()
    delivery = db.session.get(
        ReminderDelivery, job.delivery_id, with_for_update=True, populate_existing=True
    )
    if delivery is None or delivery.status != "queued":
        db.session.rollback()  # another scheduler finished it after our lease ran out
        return
    delivery.attempts += 1
    delivery.trail = [
        *delivery.trail,
        *(
            {
                "at": now.isoformat(),
                "attempt": delivery.attempts,
                "subscription_id": r.subscription_id,
                "status_code": r.status_code,
                "outcome": r.outcome,
                **({"error": r.error} if r.error else {}),
            }
            for r in results
        ),
    ]
    by_outcome: dict[str, list[PushResult]] = {}
    for r in results:
        by_outcome.setdefault(r.outcome, []).append(r)
    sent, gone = by_outcome.get("sent", []), by_outcome.get("gone", [])
    unsent = by_outcome.get("retry", []) + by_outcome.get("failed", [])
    if gone:
        db.session.execute(
            delete(PushSubscription).where(
                PushSubscription.id.in_([r.subscription_id for r in gone]),
                PushSubscription.patient_id == job.patient_id,
            )
        )
    if sent:
        db.session.execute(
            update(PushSubscription)
            .where(PushSubscription.id.in_([r.subscription_id for r in sent]))
            .values(last_success_at=now, failures=0)
        )
    if unsent:
        db.session.execute(
            update(PushSubscription)
            .where(PushSubscription.id.in_([r.subscription_id for r in unsent]))
            .values(failures=PushSubscription.failures + 1)
        )

    delivery.next_attempt_at = None
    if sent:
        delivery.status, delivery.sent_at = "sent", now
        delivery.push_status_code, delivery.last_error = sent[0].status_code, None
        report.sent += 1
        return _commit()
    first = (by_outcome.get("retry") or unsent or gone)[0]
    delivery.push_status_code, delivery.last_error = first.status_code, first.error
    retryable = by_outcome.get("retry", [])
    if retryable and delivery.attempts < policy.max_attempts:
        at = now + _retry_wait(policy, delivery.attempts, retryable)
        if at < job.day_end:
            delivery.next_attempt_at = at
            report.retrying += 1
            return _commit()
    if gone and not unsent:
        delivery.status = "gone"
        report.gone += 1
    else:
        delivery.status = "failed"
        report.failed += 1
    _commit()


def _commit() -> None:
    db.session.commit()


def run_tick(now: datetime | None = None) -> TickReport:
    """One scheduling pass at `now`: every due reminder is claimed, sent and recorded once."""
    now = now or utcnow()
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("run_tick needs an aware instant")
    policy = Policy.from_config()
    report = TickReport()
    started = time.monotonic()
    with PushSender.from_config() as sender:
        while True:
            elapsed = timedelta(seconds=time.monotonic() - started)
            jobs, full = _claim(now, policy, report, elapsed)
            if jobs:
                for job, results in zip(jobs, _send_all(jobs, sender, policy.workers), strict=True):
                    _record(job, results, now, policy, report)
            if not full:
                break
    if report.looked_at or report.retried or report.claimed:
        log.info("reminder tick at %s: %s", now.isoformat(), report.as_dict())
    return report

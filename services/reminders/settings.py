"""A patient's reminder settings: when the daily reminder comes, on which days, in which zone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import current_app
from sqlalchemy import select

from models import Patient, ReminderSettings, User, begin_write, db, utcnow
from services import audit
from services.errors import InvalidInput
from services.patients import resolve_patient
from services.reminders.due import next_wake
from services.reminders.store import checked_in_on, deliveries_on, insert_for, patient_day
from services.reminders.times import (
    ALL_WEEKDAYS,
    local_date,
    next_reminder_after,
    parse_local_time,
)

DEFAULT_LOCAL_TIME = "19:00"


@dataclass(frozen=True)
class ReminderSettingsView:
    enabled: bool
    local_time: str
    timezone: str
    weekdays: list[int]
    next_reminder_at: datetime | None


def _followup_after() -> timedelta | None:
    hours = float(current_app.config["REMINDER_FOLLOWUP_HOURS"])
    return timedelta(hours=hours) if hours > 0 else None


def _view(
    patient: Patient, settings: ReminderSettings | None, now: datetime
) -> ReminderSettingsView:
    if settings is None:
        return ReminderSettingsView(
            False, DEFAULT_LOCAL_TIME, patient.timezone, list(ALL_WEEKDAYS), None
        )
    upcoming = None
    if settings.enabled:
        upcoming = next_reminder_after(
            now,
            parse_local_time(settings.local_time),
            settings.weekdays,
            ZoneInfo(patient.timezone),
        )
    return ReminderSettingsView(
        settings.enabled,
        settings.local_time,
        patient.timezone,
        sorted(settings.weekdays or []),
        upcoming,
    )


def compute_next_due(settings: ReminderSettings, timezone: str, now: datetime) -> datetime | None:
    """The next instant the tick should look at this patient, strictly after `now`.

    A reminder time already past today is not sent today (the patient just chose it); a
    follow-up still pending for today's delivered reminder is kept.
    """
    if not settings.enabled:
        return None
    zone = ZoneInfo(timezone)
    today = local_date(now, zone)
    pair = (settings.patient_id, today)
    day = patient_day(
        settings,
        zone,
        today,
        pair in checked_in_on([pair]),
        deliveries_on([pair]),
        _followup_after(),
    )
    return next_wake(day, now)


def recompute_next_due(patient: Patient, now: datetime | None = None) -> None:
    """Recompute the patient's `next_due_at` in the current transaction (after a zone change,
    for example at enrolment). Does nothing for a patient without reminder settings."""
    settings = db.session.get(ReminderSettings, patient.id)
    if settings is not None:
        settings.next_due_at = compute_next_due(settings, patient.timezone, now or utcnow())


def get_settings(actor: User, pid: str | int, now: datetime | None = None) -> ReminderSettingsView:
    """The patient's settings, or the defaults (off, 19:00, every day, their zone) when unset."""
    patient = resolve_patient(actor, pid)
    settings = db.session.scalar(
        select(ReminderSettings)
        .where(ReminderSettings.patient_id == patient.id)
        .execution_options(populate_existing=True)
    )
    view = _view(patient, settings, now or utcnow())
    audit.record_staff_read(actor, patient.id, f"patients/{patient.id}/reminder-settings")
    return view


def _checked(
    enabled: bool, local_time: str, weekdays: list[int], timezone: str | None
) -> list[int]:
    errors: dict[str, list[str]] = {}
    try:
        parse_local_time(local_time)
    except ValueError:
        errors["local_time"] = ["Give the time as HH:MM, from 00:00 to 23:59."]
    days = sorted(set(weekdays))
    if any(not isinstance(d, int) or isinstance(d, bool) or not 0 <= d <= 6 for d in days):
        errors["weekdays"] = ["Weekdays are numbers from 0 (Monday) to 6 (Sunday)."]
    elif enabled and not days:
        errors["weekdays"] = ["Choose at least one day for the reminder."]
    if timezone is not None:
        try:
            ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError):
            errors["timezone"] = ["Not a known IANA time zone (for example America/New_York)."]
    if errors:
        raise InvalidInput(errors)
    return days


def update_settings(
    actor: User,
    pid: str | int,
    *,
    enabled: bool,
    local_time: str,
    weekdays: list[int] | None = None,
    timezone: str | None = None,
    now: datetime | None = None,
) -> ReminderSettingsView:
    """Set the reminder (patient or their clinic's staff); a new zone becomes the patient's zone.

    `next_due_at` is recomputed in the same transaction, so the scheduler sees the change at
    its next tick.
    """
    now = now or utcnow()
    days = _checked(
        enabled, local_time, list(ALL_WEEKDAYS if weekdays is None else weekdays), timezone
    )
    patient = resolve_patient(actor, pid)
    begin_write()
    db.session.execute(
        insert_for(ReminderSettings.__table__)
        .values(
            patient_id=patient.id,
            enabled=enabled,
            local_time=local_time,
            weekdays=days,
            updated_at=now,
        )
        .on_conflict_do_nothing(index_elements=["patient_id"])
    )
    settings = db.session.get(
        ReminderSettings, patient.id, with_for_update=True, populate_existing=True
    )
    settings.enabled = enabled
    settings.local_time = local_time
    settings.weekdays = days
    settings.updated_at = now
    if timezone and timezone != patient.timezone:
        patient.timezone = timezone
    settings.next_due_at = compute_next_due(settings, patient.timezone, now)
    audit.record(
        "reminder_settings.update",
        actor=actor,
        patient_id=patient.id,
        resource=f"patients/{patient.id}/reminder-settings",
    )
    db.session.commit()
    return _view(patient, settings, now)

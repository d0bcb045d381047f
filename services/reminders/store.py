"""The reminder tables as the tick and the settings use-case read them (no business rules)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite

from models import CheckIn, ReminderDelivery, ReminderSettings, db
from services.reminders.due import PatientDay


def insert_for(table: Any) -> Any:
    """INSERT with ON CONFLICT and RETURNING for the session's database."""
    dialect = db.session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)


def checked_in_on(pairs: Iterable[tuple[int, date]]) -> set[tuple[int, date]]:
    pairs = set(pairs)
    if not pairs:
        return set()
    rows = db.session.execute(
        select(CheckIn.patient_id, CheckIn.local_date).where(
            CheckIn.patient_id.in_({p for p, _ in pairs}),
            CheckIn.local_date.in_({d for _, d in pairs}),
        )
    )
    return {(r.patient_id, r.local_date) for r in rows} & pairs


def deliveries_on(
    pairs: Iterable[tuple[int, date]],
) -> dict[tuple[int, date, str], ReminderDelivery]:
    pairs = set(pairs)
    if not pairs:
        return {}
    rows = db.session.scalars(
        select(ReminderDelivery)
        .where(
            ReminderDelivery.patient_id.in_({p for p, _ in pairs}),
            ReminderDelivery.local_date.in_({d for _, d in pairs}),
        )
        .execution_options(populate_existing=True)
    )
    return {
        (d.patient_id, d.local_date, d.kind): d
        for d in rows
        if (d.patient_id, d.local_date) in pairs
    }


def patient_day(
    settings: ReminderSettings,
    zone: ZoneInfo,
    today: date,
    checked_in: bool,
    deliveries: dict[tuple[int, date, str], ReminderDelivery],
    followup_after: timedelta | None,
) -> PatientDay:
    pid = settings.patient_id
    return PatientDay(
        zone=zone,
        today=today,
        local_time=settings.local_time,
        weekdays=tuple(settings.weekdays or ()),
        checked_in=checked_in,
        daily=deliveries.get((pid, today, "daily")),
        followup=deliveries.get((pid, today, "followup")),
        followup_after=followup_after,
    )

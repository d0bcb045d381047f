"""The delivery trail a clinician reads: every reminder, every attempt, and the push status."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from models import PushSubscription, ReminderDelivery, User, begin_write, db, utcnow
from services import audit
from services.patients import patient_record, require_patient, require_staff, resolve_patient

DEFAULT_LIMIT = 60
MAX_LIMIT = 400


@dataclass(frozen=True)
class PushStatus:
    subscriptions: int
    last_success_at: datetime | None


@dataclass(frozen=True)
class ReminderTrail:
    push: PushStatus
    items: list[ReminderDelivery]


def reminder_trail(actor: User, pid: str | int, limit: int = DEFAULT_LIMIT) -> ReminderTrail:
    """A patient's reminders, newest first, with how many devices receive them (staff only)."""
    require_staff(actor)
    patient = resolve_patient(actor, pid)
    limit = max(1, min(limit, MAX_LIMIT))
    items = list(
        db.session.scalars(
            select(ReminderDelivery)
            .where(ReminderDelivery.patient_id == patient.id)
            .order_by(
                ReminderDelivery.local_date.desc(),
                ReminderDelivery.created_at.desc(),
                ReminderDelivery.id.desc(),
            )
            .limit(limit)
            .execution_options(populate_existing=True)
        )
    )
    count, last_success = db.session.execute(
        select(func.count(PushSubscription.id), func.max(PushSubscription.last_success_at)).where(
            PushSubscription.patient_id == patient.id
        )
    ).one()
    audit.record_staff_read(actor, patient.id, f"patients/{patient.id}/reminders")
    return ReminderTrail(PushStatus(count, last_success), items)


def record_click(
    actor: User, pid: str | int, delivery_id: int, now: datetime | None = None
) -> ReminderDelivery:
    """The patient opened the app from this reminder's notification: a sent reminder becomes
    `clicked` (once; a second tap changes nothing). Another patient's reminder: 404."""
    require_patient(actor)
    now = now or utcnow()
    patient = resolve_patient(actor, pid)
    begin_write()
    delivery = patient_record(ReminderDelivery, delivery_id, patient, "Reminder")
    if delivery.status == "sent":
        delivery.status = "clicked"
        delivery.clicked_at = now
        delivery.trail = [*delivery.trail, {"at": now.isoformat(), "outcome": "clicked"}]
        audit.record(
            "reminder.clicked",
            actor=actor,
            patient_id=patient.id,
            resource=f"reminders/{delivery.id}",
        )
    db.session.commit()
    return delivery

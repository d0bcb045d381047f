"""The clinic's calendar for a patient: planned sessions and follow-up evaluations."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from models import Appointment, User, begin_write, db, utcnow
from services import audit
from services.errors import ConflictError, InvalidInput
from services.patients import patient_record, require_staff, resolve_patient

KINDS = ("session", "evaluation")
# How far ahead a visit may be planned.
HORIZON = timedelta(days=366)


def schedule_appointment(
    actor: User, pid: str | int, kind: str, scheduled_at: datetime, now: datetime | None = None
) -> Appointment:
    """Put a session or an evaluation on the patient's calendar (clinicians)."""
    now = now or utcnow()
    require_staff(actor)
    patient = resolve_patient(actor, pid)
    if kind not in KINDS:
        raise InvalidInput({"kind": [f"Must be one of: {', '.join(KINDS)}."]})
    if scheduled_at <= now:
        raise InvalidInput({"scheduled_at": ["An appointment must be in the future."]})
    if scheduled_at > now + HORIZON:
        raise InvalidInput({"scheduled_at": ["Plan at most a year ahead."]})
    begin_write()
    appointment = Appointment(
        patient_id=patient.id,
        kind=kind,
        scheduled_at=scheduled_at,
        local_date=scheduled_at.astimezone(ZoneInfo(patient.timezone)).date(),
        created_by_id=actor.id,
        created_at=now,
    )
    db.session.add(appointment)
    db.session.flush()
    audit.record(
        "appointment.create",
        actor=actor,
        patient_id=patient.id,
        resource=f"appointments/{appointment.id}",
    )
    db.session.commit()
    return appointment


def list_appointments(
    actor: User, pid: str | int, now: datetime | None = None
) -> list[Appointment]:
    """Upcoming, not cancelled appointments, soonest first (the patient sees their own)."""
    now = now or utcnow()
    patient = resolve_patient(actor, pid)
    items = list(
        db.session.scalars(
            select(Appointment)
            .where(
                Appointment.patient_id == patient.id,
                Appointment.cancelled_at.is_(None),
                Appointment.scheduled_at > now,
            )
            .order_by(Appointment.scheduled_at, Appointment.id)
        )
    )
    audit.record_staff_read(actor, patient.id, f"patients/{patient.id}/appointments")
    return items


def cancel_appointment(
    actor: User, pid: str | int, appointment_id: int, now: datetime | None = None
) -> None:
    """Take an appointment off the calendar; the row stays, marked cancelled."""
    now = now or utcnow()
    require_staff(actor)
    patient = resolve_patient(actor, pid)
    begin_write()
    appointment = patient_record(Appointment, appointment_id, patient, "Appointment")
    if appointment.cancelled_at is not None:
        raise ConflictError("This appointment is already cancelled.")
    appointment.cancelled_at = now
    audit.record(
        "appointment.cancel",
        actor=actor,
        patient_id=patient.id,
        resource=f"appointments/{appointment.id}",
    )
    db.session.commit()

"""The audit trail: append-only events, no PHI (ids and verbs only)."""

from dataclasses import dataclass
from datetime import datetime

from flask import has_request_context, request
from sqlalchemy import insert, select

from models import AuditEvent, User, begin_write, db, utcnow
from services.errors import PermissionDenied

_INSERT = insert(AuditEvent.__table__)


def client_ip() -> str | None:
    return request.remote_addr if has_request_context() else None


def record(
    action: str,
    *,
    actor: User | None,
    patient_id: int | None = None,
    resource: str | None = None,
    clinic_id: int | None = None,
    outcome: str = "ok",
) -> None:
    """Write an event in the current transaction (it commits or rolls back with the change it
    describes). A Core INSERT on the transaction's connection, not an ORM object: no
    unit-of-work flush, no ORM execution path, on every request."""
    db.session.connection().execute(
        _INSERT,
        {
            "at": utcnow(),
            "action": action,
            "actor_id": actor.id if actor else None,
            "actor_role": actor.role if actor else None,
            "clinic_id": clinic_id
            if clinic_id is not None
            else (actor.clinic_id if actor else None),
            "patient_id": patient_id,
            "resource": resource,
            "ip": client_ip(),
            "outcome": outcome,
        },
    )


def record_staff_read(actor: User, patient_id: int, resource: str) -> None:
    """Audit a staff member's read of patient data, in a transaction of its own."""
    if not actor.is_staff:
        return
    begin_write()
    record("read", actor=actor, patient_id=patient_id, resource=resource)
    db.session.commit()


@dataclass(frozen=True)
class AuditPage:
    items: list[AuditEvent]
    next_before_id: int | None


def list_events(
    actor: User,
    *,
    patient_id: int | None = None,
    actor_id: int | None = None,
    action: str | None = None,
    at_from: datetime | None = None,
    at_to: datetime | None = None,
    limit: int = 100,
    before_id: int | None = None,
) -> AuditPage:
    """The admin's clinic's audit trail, newest first; page on with `before_id`.

    Reading the trail is itself audited.
    """
    if actor.role != "admin":
        raise PermissionDenied("Only a clinic admin may read the audit trail.")
    query = select(AuditEvent).where(AuditEvent.clinic_id == actor.clinic_id)
    if patient_id is not None:
        query = query.where(AuditEvent.patient_id == patient_id)
    if actor_id is not None:
        query = query.where(AuditEvent.actor_id == actor_id)
    if action is not None:
        query = query.where(AuditEvent.action == action)
    if at_from is not None:
        query = query.where(AuditEvent.at >= at_from)
    if at_to is not None:
        query = query.where(AuditEvent.at < at_to)
    if before_id is not None:
        query = query.where(AuditEvent.id < before_id)
    rows = list(db.session.scalars(query.order_by(AuditEvent.id.desc()).limit(limit + 1)))
    items = rows[:limit]
    begin_write()
    record("audit.read", actor=actor, patient_id=None, resource="audit-events")
    db.session.commit()
    return AuditPage(items, items[-1].id if len(rows) > limit else None)

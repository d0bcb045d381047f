"""The append-only audit trail: who did what to whose data, and when. No PHI in it.

Append-only: no code path updates or deletes an event, and on PostgreSQL a trigger refuses
UPDATE and DELETE statements on the table (migration b3c1e2d4f5a6).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, utcnow


class AuditEvent(Base):
    __tablename__ = "audit_events"
    __table_args__ = (
        Index("ix_audit_events_clinic_at", "clinic_id", "at"),
        # The admins' trail reads one clinic newest first and pages by id.
        Index("ix_audit_events_clinic_id_id", "clinic_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    clinic_id: Mapped[int | None] = mapped_column(ForeignKey("clinics.id"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor_role: Mapped[str | None] = mapped_column(String(16))
    # A dotted verb such as "checkin.read", "auth.login_failed".
    action: Mapped[str] = mapped_column(String(64))
    patient_id: Mapped[int | None] = mapped_column(ForeignKey("patients.id"), index=True)
    resource: Mapped[str | None] = mapped_column(String(120))
    ip: Mapped[str | None] = mapped_column(String(64))
    outcome: Mapped[str] = mapped_column(String(16), default="ok")

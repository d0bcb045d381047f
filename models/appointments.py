"""Planned visits: the next treatment session or follow-up evaluation on the clinic's calendar."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, utcnow


class Appointment(Base):
    """A scheduled session or evaluation. Cancelling keeps the row (`cancelled_at`).

    kind: session | evaluation. An evaluation makes the PHQ-9 and GAD-7 due the day before it.
    """

    __tablename__ = "appointments"
    __table_args__ = (Index("ix_appointments_patient_at", "patient_id", "scheduled_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"))
    kind: Mapped[str] = mapped_column(String(16))
    scheduled_at: Mapped[datetime]
    local_date: Mapped[date] = mapped_column(Date)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    cancelled_at: Mapped[datetime | None]

"""Reminder settings, Web Push subscriptions and the delivery trail."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, utcnow


class ReminderSettings(Base):
    """When a patient wants the daily reminder. The zone is the patient's (`patients.timezone`).

    `next_due_at` is the next reminder instant in UTC, kept up to date by the scheduler: a tick
    reads only the rows that are due (its cost follows the due patients, not all patients).
    """

    __tablename__ = "reminder_settings"

    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"), primary_key=True)
    enabled: Mapped[bool] = mapped_column(default=True)
    local_time: Mapped[str] = mapped_column(String(5), default="19:00")
    # ISO weekdays as 0 (Monday) .. 6 (Sunday).
    weekdays: Mapped[list] = mapped_column(JSON, default=lambda: [0, 1, 2, 3, 4, 5, 6])
    next_due_at: Mapped[datetime | None] = mapped_column(index=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class PushSubscription(Base):
    """A browser's Push API subscription for one patient (one per device)."""

    __tablename__ = "push_subscriptions"

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"), index=True)
    endpoint: Mapped[str] = mapped_column(String(1024), unique=True)
    p256dh: Mapped[str] = mapped_column(String(200))
    auth: Mapped[str] = mapped_column(String(100))
    user_agent: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_success_at: Mapped[datetime | None]
    failures: Mapped[int] = mapped_column(default=0)


class ReminderDelivery(Base):
    """One reminder for one patient, local date and kind; the unique row is the claim.

    kind: daily | followup. status: queued | sent | failed | gone | clicked | skipped.
    """

    __tablename__ = "reminder_deliveries"
    __table_args__ = (
        UniqueConstraint("patient_id", "local_date", "kind"),
        Index("ix_reminder_deliveries_status", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"))
    local_date: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default="queued")
    attempts: Mapped[int] = mapped_column(default=0)
    push_status_code: Mapped[int | None]
    # One entry per attempt: {at, subscription_id, status_code, outcome}.
    trail: Mapped[list] = mapped_column(JSON, default=list)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    claimed_at: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    next_attempt_at: Mapped[datetime | None]
    clicked_at: Mapped[datetime | None]

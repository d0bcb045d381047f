"""Daily check-ins: the current answer per local date, and every revision ever submitted."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, utcnow


def _score(name: str) -> CheckConstraint:
    return CheckConstraint(f"{name} BETWEEN 0 AND 10", name=f"{name}_range")


class CheckInRevision(Base):
    """One accepted submission, kept for ever; the client's `submit_id` makes replays harmless."""

    __tablename__ = "checkin_revisions"
    __table_args__ = (
        UniqueConstraint("patient_id", "submit_id"),
        _score("mood"),
        _score("anxiety"),
        _score("pain"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"), index=True)
    submit_id: Mapped[str] = mapped_column(String(36))
    local_date: Mapped[date] = mapped_column(Date)
    mood: Mapped[int]
    anxiety: Mapped[int]
    pain: Mapped[int]
    side_effects: Mapped[list] = mapped_column(JSON, default=list)
    note: Mapped[str | None] = mapped_column(Text)
    self_harm_thoughts: Mapped[bool | None]
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)
    client_tz_offset_min: Mapped[int | None]
    late_entry: Mapped[bool] = mapped_column(default=False)
    # 1 for the first answer of the day, 2 for its first correction, ...
    revision: Mapped[int] = mapped_column(default=1)


class CheckIn(Base):
    """The current check-in of one patient for one local date (the latest revision's values)."""

    __tablename__ = "checkins"
    __table_args__ = (
        UniqueConstraint("patient_id", "local_date"),
        # Covering: a patient's daily scores (trends, the roster) are read from the index alone
        # (migration a45b76b8c2da; docs/performance.md).
        Index(
            "ix_checkins_patient_date_scores", "patient_id", "local_date", "mood", "anxiety", "pain"
        ),
        _score("mood"),
        _score("anxiety"),
        _score("pain"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"))
    local_date: Mapped[date] = mapped_column(Date)
    mood: Mapped[int]
    anxiety: Mapped[int]
    pain: Mapped[int]
    side_effects: Mapped[list] = mapped_column(JSON, default=list)
    note: Mapped[str | None] = mapped_column(Text)
    self_harm_thoughts: Mapped[bool | None]
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)
    late_entry: Mapped[bool] = mapped_column(default=False)
    revision: Mapped[int] = mapped_column(default=1)
    current_revision_id: Mapped[int] = mapped_column(ForeignKey("checkin_revisions.id"))

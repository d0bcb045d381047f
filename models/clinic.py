"""Clinics, the people who use the system, and patients."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Literal

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, utcnow

if TYPE_CHECKING:
    from models.auth import AuthToken

Role = Literal["patient", "clinician", "admin"]
ROLES: tuple[str, ...] = ("patient", "clinician", "admin")
STAFF_ROLES: tuple[str, ...] = ("clinician", "admin")


class Clinic(Base):
    __tablename__ = "clinics"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    phone: Mapped[str | None] = mapped_column(String(40))
    timezone: Mapped[str] = mapped_column(String(64), default="America/New_York")
    # Clinic-configurable defaults (questionnaire interval, alert thresholds, follow-up hours);
    # absent keys take the defaults of clinical/ (see docs/clinical.md).
    settings: Mapped[dict] = mapped_column(JSON, default=dict, server_default=text("'{}'"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class User(Base):
    """Anyone who signs in: a patient, a clinician or an admin of one clinic."""

    __tablename__ = "users"
    __table_args__ = (CheckConstraint("role IN ('patient', 'clinician', 'admin')", name="role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinics.id"), index=True)
    role: Mapped[str] = mapped_column(String(16))
    # Lower-cased; optional for patients, who may sign in with their token only.
    email: Mapped[str | None] = mapped_column(String(254), unique=True)
    # Staff only: the name colleagues know them by, shown on the alert trail (a patient's name
    # is on their Patient row).
    display_name: Mapped[str | None] = mapped_column(String(120))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(default=True)
    failed_logins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    clinic: Mapped[Clinic] = relationship(lazy="joined")
    patient: Mapped[Patient | None] = relationship(
        back_populates="user", foreign_keys="Patient.user_id", lazy="joined"
    )
    tokens: Mapped[list[AuthToken]] = relationship(back_populates="user", lazy="raise")

    @property
    def is_staff(self) -> bool:
        return self.role in STAFF_ROLES


# No two staff of a clinic go by the same name, whatever its case (services.auth.staff_name
# says so in words; this index decides between two racing renames). Patients' users have no
# display name, and NULLs never collide.
Index(
    "uq_users_clinic_display_name",
    User.clinic_id,
    func.lower(User.display_name),
    unique=True,
)


class Patient(Base):
    """A patient's profile. It exists before the patient enrols (a clinician creates it)."""

    __tablename__ = "patients"
    __table_args__ = (UniqueConstraint("clinic_id", "external_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinics.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    external_id: Mapped[str | None] = mapped_column(String(64))
    timezone: Mapped[str] = mapped_column(String(64))
    enrolled_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    clinic: Mapped[Clinic] = relationship(lazy="joined")
    user: Mapped[User | None] = relationship(
        back_populates="patient", foreign_keys=[user_id], lazy="select"
    )

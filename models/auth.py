"""Bearer tokens and enrolment invitations, both stored only as hashes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, utcnow
from models.clinic import Patient, User


class AuthToken(Base):
    """An opaque bearer token; only its SHA-256 is kept, so a database leak reveals none."""

    __tablename__ = "auth_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    last_used_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None]

    user: Mapped[User] = relationship(back_populates="tokens", lazy="joined")


class Invitation(Base):
    """A one-time enrolment code for one patient; only its keyed hash is kept."""

    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]

    patient: Mapped[Patient] = relationship(lazy="joined")


class SignInLockout(Base):
    """Failed sign-ins for an email that has no account, counted and locked exactly as an
    account's are (users.failed_logins and locked_until), so that neither a sequence of answers
    nor their timing tells whether an email has an account. Keyed by a keyed hash of the
    normalised email (services.auth.email_digest): the address itself is never kept."""

    __tablename__ = "sign_in_lockouts"

    email_digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    failed_logins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None]

"""Patients: who may reach whom, creating patients and inviting them to enrol."""

import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from flask import current_app
from sqlalchemy import select

from models import Invitation, Patient, User, begin_write, db, utcnow
from services import audit
from services.digests import invitation_digest
from services.errors import ConflictError, NotFoundError, PermissionDenied

# Crockford's base32 without look-alikes: easy to read aloud and type on a phone.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTVWXYZ23456789"
CODE_LENGTH = 12


# Ids are PostgreSQL `integer`s: a larger number is nobody's id (and must not overflow a query).
MAX_ROW_ID = 2**31 - 1


def is_row_id(value: str | int) -> bool:
    """A plain decimal id in range: not "me", not "²" or "١" (str.isdigit accepts those)."""
    text = str(value)
    return 0 < len(text) <= 10 and text.isascii() and text.isdigit() and 0 < int(text) <= MAX_ROW_ID


def resolve_patient(actor: User, pid: str | int) -> Patient:
    """The patient `pid` as `actor` may see it; anyone else's answers 404 (OWASP API1).

    A patient reaches only themself (`me` or their own id); staff reach their clinic's patients.
    """
    if actor.role == "patient":
        own = actor.patient
        if own is None or (str(pid) != "me" and str(pid) != str(own.id)):
            raise NotFoundError("Patient not found.")
        return own
    if not is_row_id(pid):
        raise NotFoundError("Patient not found.")
    patient = db.session.scalar(
        select(Patient).where(Patient.id == int(pid), Patient.clinic_id == actor.clinic_id)
    )
    if patient is None:
        raise NotFoundError("Patient not found.")
    return patient


Record = TypeVar("Record")


def patient_record(model: type[Record], record_id: int, patient: Patient, what: str) -> Record:
    """`model`'s row `record_id` if it is `patient`'s; another patient's or none answers 404
    ("<what> not found.") as an unknown one does (OWASP API1)."""
    record = db.session.scalar(
        select(model).where(model.id == record_id, model.patient_id == patient.id)  # type: ignore[attr-defined]
    )
    if record is None:
        raise NotFoundError(f"{what} not found.")
    return record


def require_staff(actor: User) -> None:
    if not actor.is_staff:
        raise PermissionDenied("Only clinic staff may do this.")


def require_patient(actor: User) -> None:
    if actor.role != "patient":
        raise PermissionDenied("Only the patient may do this.")


def get_patient(actor: User, pid: str | int) -> Patient:
    patient = resolve_patient(actor, pid)
    audit.record_staff_read(actor, patient.id, f"patients/{patient.id}")
    return patient


def create_patient(
    actor: User, display_name: str, external_id: str | None = None, timezone: str | None = None
) -> Patient:
    require_staff(actor)
    begin_write()
    if external_id and db.session.scalar(
        select(Patient.id).where(
            Patient.clinic_id == actor.clinic_id, Patient.external_id == external_id
        )
    ):
        raise ConflictError("A patient with this external id exists in your clinic.")
    patient = Patient(
        clinic_id=actor.clinic_id,
        display_name=display_name.strip(),
        external_id=external_id or None,
        timezone=timezone or actor.clinic.timezone,
        created_by_id=actor.id,
    )
    db.session.add(patient)
    db.session.flush()
    audit.record(
        "patient.create", actor=actor, patient_id=patient.id, resource=f"patients/{patient.id}"
    )
    db.session.commit()
    return patient


@dataclass(frozen=True)
class IssuedInvitation:
    code: str
    expires_at: datetime
    enroll_url: str
    replaces_devices: bool = False


def _new_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return "-".join(raw[i : i + 4] for i in range(0, CODE_LENGTH, 4))


def create_invitation(
    actor: User, pid: str | int, base_url: str, now: datetime | None = None
) -> IssuedInvitation:
    """Issue a one-time enrolment code (7 days); only its keyed hash is stored. For an enrolled
    patient it is a new-device invitation: used, it signs out their other devices."""
    require_staff(actor)
    now = now or utcnow()
    patient = resolve_patient(actor, pid)
    begin_write()
    code = _new_code()
    expires_at = now + current_app.config["INVITATION_TTL"]
    db.session.add(
        Invitation(
            patient_id=patient.id,
            code_hash=invitation_digest(code),
            created_by_id=actor.id,
            expires_at=expires_at,
        )
    )
    audit.record(
        "invitation.create", actor=actor, patient_id=patient.id, resource=f"patients/{patient.id}"
    )
    db.session.commit()
    return IssuedInvitation(
        code,
        expires_at,
        f"{base_url.rstrip('/')}/enroll?code={code}",
        replaces_devices=patient.user_id is not None,
    )

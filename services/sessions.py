"""Treatment sessions: recorded and corrected by clinicians; a correction keeps the original."""

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from models import TreatmentSession, TreatmentSessionRevision, User, begin_write, db, utcnow
from services import audit
from services.errors import InvalidInput
from services.patients import patient_record, require_staff, resolve_patient

# The columns a clinician records (DESIGN §4); everything else is bookkeeping.
RECORDED_FIELDS = (
    "started_at", "modality", "route", "phase", "dose_mg", "dose_mg_per_kg", "duration_min",
    "bp_pre_systolic", "bp_pre_diastolic", "bp_peak_systolic", "bp_peak_diastolic",
    "bp_discharge_systolic", "bp_discharge_diastolic", "hr_pre", "hr_peak", "hr_discharge",
    "spo2_min", "dissociation_score", "dissociation_scale", "side_effects", "discharged_at",
    "notes",
)  # fmt: skip


def _normalise(data: dict[str, Any]) -> dict[str, Any]:
    """Instants in UTC, as they will read back from the database (so answers never differ)."""
    values = {name: data.get(name) for name in RECORDED_FIELDS}
    for name in ("started_at", "discharged_at"):
        if values[name] is not None:
            values[name] = values[name].astimezone(UTC)
    values["side_effects"] = values["side_effects"] or []
    return values


def _check_dates(patient, data: dict[str, Any], now: datetime) -> None:
    started_at = data["started_at"]
    if started_at > now:
        raise InvalidInput({"started_at": ["A session cannot start in the future."]})
    # Enrolment in the clinic's record: the earlier of its creation and the app enrolment,
    # compared as local dates (a record is often created after that morning's session).
    zone = ZoneInfo(patient.timezone)
    enrolled = min(patient.created_at, patient.enrolled_at or patient.created_at)
    if started_at.astimezone(zone).date() < enrolled.astimezone(zone).date():
        raise InvalidInput({"started_at": ["A session cannot be before the patient's enrolment."]})
    discharged_at = data.get("discharged_at")
    if discharged_at is not None and discharged_at < started_at:
        raise InvalidInput({"discharged_at": ["Discharge must be after the session started."]})


def _snapshot(session: TreatmentSession) -> dict[str, Any]:
    values = {}
    for name in RECORDED_FIELDS:
        value = getattr(session, name)
        values[name] = value.isoformat() if isinstance(value, datetime) else value
    return values


def record_session(
    actor: User, pid: str | int, data: dict[str, Any], now: datetime | None = None
) -> TreatmentSession:
    """Record a treatment session given at the clinic."""
    now = now or utcnow()
    require_staff(actor)
    patient = resolve_patient(actor, pid)
    _check_dates(patient, data, now)
    values = _normalise(data)
    begin_write()
    session = TreatmentSession(
        patient_id=patient.id,
        local_date=values["started_at"].astimezone(ZoneInfo(patient.timezone)).date(),
        recorded_by_id=actor.id,
        created_at=now,
        updated_at=now,
        **values,
    )
    db.session.add(session)
    db.session.flush()
    audit.record(
        "session.create",
        actor=actor,
        patient_id=patient.id,
        resource=f"treatment-sessions/{session.id}",
    )
    db.session.commit()
    return session


def correct_session(
    actor: User, pid: str | int, session_id: int, data: dict[str, Any], now: datetime | None = None
) -> TreatmentSession:
    """Replace a session's values; the values before are kept as a revision."""
    now = now or utcnow()
    require_staff(actor)
    patient = resolve_patient(actor, pid)
    _check_dates(patient, data, now)
    begin_write()
    session = patient_record(TreatmentSession, session_id, patient, "Treatment session")
    db.session.add(
        TreatmentSessionRevision(
            session_id=session.id,
            revision=session.revision,
            values=_snapshot(session),
            recorded_by_id=session.recorded_by_id,
            recorded_at=session.updated_at,
        )
    )
    for name, value in _normalise(data).items():
        setattr(session, name, value)
    session.local_date = session.started_at.astimezone(ZoneInfo(patient.timezone)).date()
    session.revision += 1
    session.recorded_by_id = actor.id
    session.updated_at = now
    audit.record(
        "session.correct",
        actor=actor,
        patient_id=patient.id,
        resource=f"treatment-sessions/{session.id}",
    )
    db.session.commit()
    return session


def list_sessions(actor: User, pid: str | int) -> list[TreatmentSession]:
    """A patient's treatment sessions, oldest first: clinicians only (DESIGN.md §5), as the rows
    carry the clinician's notes. Patients see their sessions' dates and doses on their trend."""
    require_staff(actor)
    patient = resolve_patient(actor, pid)
    sessions = list(
        db.session.scalars(
            select(TreatmentSession)
            .where(TreatmentSession.patient_id == patient.id)
            .order_by(TreatmentSession.started_at, TreatmentSession.id)
        )
    )
    audit.record_staff_read(actor, patient.id, f"patients/{patient.id}/treatment-sessions")
    return sessions


def session_revisions(
    actor: User, pid: str | int, session_id: int
) -> list[TreatmentSessionRevision]:
    require_staff(actor)
    patient = resolve_patient(actor, pid)
    patient_record(TreatmentSession, session_id, patient, "Treatment session")
    revisions = list(
        db.session.scalars(
            select(TreatmentSessionRevision)
            .where(TreatmentSessionRevision.session_id == session_id)
            .order_by(TreatmentSessionRevision.revision)
        )
    )
    audit.record_staff_read(actor, patient.id, f"treatment-sessions/{session_id}/revisions")
    return revisions

"""Clinical records: questionnaire answers, treatment sessions and safety alerts."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, Float, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, utcnow


class QuestionnaireResponse(Base):
    """One PHQ-9 or GAD-7, scored on arrival; `submit_id` makes replays harmless."""

    __tablename__ = "questionnaire_responses"
    __table_args__ = (
        UniqueConstraint("patient_id", "submit_id"),
        Index("ix_questionnaire_responses_patient_at", "patient_id", "instrument", "submitted_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"))
    instrument: Mapped[str] = mapped_column(String(16))
    answers: Mapped[list] = mapped_column(JSON)
    total: Mapped[int]
    severity: Mapped[str] = mapped_column(String(32))
    # The unscored difficulty follow-up (PHQ-9, LOINC 69722-7), 0-3; None when not answered.
    difficulty: Mapped[int | None]
    submit_id: Mapped[str] = mapped_column(String(36))
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)
    local_date: Mapped[date] = mapped_column(Date)


class QuestionnaireRequest(Base):
    """A clinician asks for a questionnaire now (before a follow-up evaluation)."""

    __tablename__ = "questionnaire_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"), index=True)
    instrument: Mapped[str] = mapped_column(String(16))
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    fulfilled_at: Mapped[datetime | None]


class TreatmentSession(Base):
    """A ketamine treatment given at the clinic, with its monitoring (DESIGN §4)."""

    __tablename__ = "treatment_sessions"
    __table_args__ = (Index("ix_treatment_sessions_patient_started", "patient_id", "started_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"))
    started_at: Mapped[datetime]
    local_date: Mapped[date] = mapped_column(Date)
    # iv_infusion | im_injection | esketamine_nasal | other
    modality: Mapped[str] = mapped_column(String(32))
    # iv | im | intranasal | oral | sublingual
    route: Mapped[str] = mapped_column(String(16))
    # induction | maintenance
    phase: Mapped[str] = mapped_column(String(16))
    dose_mg: Mapped[float] = mapped_column(Float)
    dose_mg_per_kg: Mapped[float | None] = mapped_column(Float)
    duration_min: Mapped[int | None]
    bp_pre_systolic: Mapped[int | None]
    bp_pre_diastolic: Mapped[int | None]
    bp_peak_systolic: Mapped[int | None]
    bp_peak_diastolic: Mapped[int | None]
    bp_discharge_systolic: Mapped[int | None]
    bp_discharge_diastolic: Mapped[int | None]
    hr_pre: Mapped[int | None]
    hr_peak: Mapped[int | None]
    hr_discharge: Mapped[int | None]
    spo2_min: Mapped[int | None]
    # Clinician-rated dissociation (for example a CADSS total); the scale is named alongside.
    dissociation_score: Mapped[int | None]
    dissociation_scale: Mapped[str | None] = mapped_column(String(32))
    side_effects: Mapped[list] = mapped_column(JSON, default=list)
    discharged_at: Mapped[datetime | None]
    notes: Mapped[str | None] = mapped_column(Text)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    revision: Mapped[int] = mapped_column(default=1)


class TreatmentSessionRevision(Base):
    """The values of a session before each correction: a correction never loses the original."""

    __tablename__ = "treatment_session_revisions"
    __table_args__ = (UniqueConstraint("session_id", "revision"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("treatment_sessions.id"))
    revision: Mapped[int]
    values: Mapped[dict] = mapped_column(JSON)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)


class Alert(Base):
    """A safety alert: raised with its evidence, acknowledged, resolved with a note.

    `open_kind` equals `kind` while the alert is not resolved and is NULL after: the unique
    (patient_id, open_kind) pair allows one open alert per patient and kind on every database.
    """

    __tablename__ = "alerts"
    __table_args__ = (
        UniqueConstraint("patient_id", "open_kind"),
        Index("ix_alerts_clinic_status", "clinic_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinics.id"))
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"), index=True)
    # urgent | worsening | decline | missed | side_effect
    kind: Mapped[str] = mapped_column(String(16))
    open_kind: Mapped[str | None] = mapped_column(String(16))
    # urgent | high | medium | low
    severity: Mapped[str] = mapped_column(String(16))
    # open | acknowledged | resolved
    status: Mapped[str] = mapped_column(String(16), default="open")
    summary: Mapped[str] = mapped_column(String(200))
    evidence: Mapped[dict] = mapped_column(JSON, default=dict)
    # What raised it: "checkin", "questionnaire_response", "rule" (with source_id when a record).
    source_type: Mapped[str] = mapped_column(String(32))
    source_id: Mapped[int | None]
    raised_at: Mapped[datetime] = mapped_column(default=utcnow)
    acknowledged_at: Mapped[datetime | None]
    acknowledged_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # Optional, at acknowledgment ("called, left a voicemail"); resolving needs its own note.
    acknowledgment_note: Mapped[str | None] = mapped_column(Text)
    resolved_at: Mapped[datetime | None]
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    resolution_note: Mapped[str | None] = mapped_column(Text)

"""PHQ-9 and GAD-7: scoring on arrival, idempotent submissions, the schedule of what is due."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, update

from clinical import schedule
from clinical.instruments import INSTRUMENTS, InvalidAnswers, score, validate_difficulty
from clinical.safety import crisis_resources, has_safety_signal
from models import (
    Appointment,
    Clinic,
    Patient,
    QuestionnaireRequest,
    QuestionnaireResponse,
    User,
    begin_write,
    db,
    utcnow,
)
from services import alerts, audit
from services.errors import InvalidInput
from services.patients import require_patient, require_staff, resolve_patient
from services.upsert import insert_for


@dataclass(frozen=True)
class SubmittedQuestionnaire:
    response: QuestionnaireResponse
    created: bool
    crisis_resources: list[dict] | None


def interval_days(patient: Patient) -> int:
    """The patient's clinic's questionnaire interval."""
    return clinic_interval_days(patient.clinic)


def clinic_interval_days(clinic: Clinic) -> int:
    """The clinic's questionnaire interval; a missing or invalid setting gives the default."""
    value = (clinic.settings or {}).get("questionnaire_interval_days")
    if (
        isinstance(value, int)
        and not isinstance(value, bool)
        and value >= schedule.MIN_INTERVAL_DAYS
    ):
        return value
    return schedule.DEFAULT_INTERVAL_DAYS


def _crisis(patient: Patient, response: QuestionnaireResponse) -> list[dict] | None:
    if response.instrument == "phq9" and has_safety_signal(phq9_answers=response.answers):
        return crisis_resources(patient.clinic.name, patient.clinic.phone)
    return None


def _existing(patient_id: int, submit_id: str) -> QuestionnaireResponse | None:
    return db.session.scalar(
        select(QuestionnaireResponse).where(
            QuestionnaireResponse.patient_id == patient_id,
            QuestionnaireResponse.submit_id == submit_id,
        )
    )


def submit_questionnaire(
    actor: User, pid: str | int, data: dict[str, Any], now: datetime | None = None
) -> SubmittedQuestionnaire:
    """Score and store a patient's answers; a replayed `submit_id` answers the first result.

    Alerts (PHQ-9 item 9, worsening) are raised in the same transaction as the answers.
    """
    now = now or utcnow()
    require_patient(actor)
    patient = resolve_patient(actor, pid)
    instrument, answers, submit_id = (
        data["instrument"],
        list(data["answers"]),
        str(data["submit_id"]),
    )
    try:
        scored = score(instrument, answers)
        difficulty = validate_difficulty(instrument, data.get("difficulty"))
    except InvalidAnswers as exc:
        raise InvalidInput({exc.field: [str(exc)]}) from None
    begin_write()
    if (first := _existing(patient.id, submit_id)) is not None:
        db.session.rollback()
        return SubmittedQuestionnaire(first, False, _crisis(patient, first))
    previous_total = db.session.scalar(
        select(QuestionnaireResponse.total)
        .where(
            QuestionnaireResponse.patient_id == patient.id,
            QuestionnaireResponse.instrument == instrument,
        )
        .order_by(QuestionnaireResponse.submitted_at.desc(), QuestionnaireResponse.id.desc())
        .limit(1)
    )
    response_id = db.session.scalar(
        insert_for(QuestionnaireResponse.__table__)
        .values(
            patient_id=patient.id,
            instrument=instrument,
            answers=answers,
            total=scored.total,
            severity=scored.severity,
            difficulty=difficulty,
            submit_id=submit_id,
            submitted_at=now,
            local_date=now.astimezone(ZoneInfo(patient.timezone)).date(),
        )
        .on_conflict_do_nothing(index_elements=["patient_id", "submit_id"])
        .returning(QuestionnaireResponse.__table__.c.id)
    )
    if response_id is None:  # an identical submission committed first
        db.session.rollback()
        first = _existing(patient.id, submit_id)
        assert first is not None
        return SubmittedQuestionnaire(first, False, _crisis(patient, first))
    db.session.execute(
        update(QuestionnaireRequest)
        .where(
            QuestionnaireRequest.patient_id == patient.id,
            QuestionnaireRequest.instrument == instrument,
            QuestionnaireRequest.fulfilled_at.is_(None),
        )
        .values(fulfilled_at=now)
    )
    alerts.evaluate_questionnaire(
        patient, instrument, answers, scored.total, previous_total, response_id, now
    )
    audit.record(
        "questionnaire.create",
        actor=actor,
        patient_id=patient.id,
        resource=f"questionnaire-responses/{response_id}",
    )
    db.session.commit()
    response = db.session.get(QuestionnaireResponse, response_id)
    return SubmittedQuestionnaire(response, True, _crisis(patient, response))


def list_responses(
    actor: User, pid: str | int, instrument: str | None = None
) -> list[QuestionnaireResponse]:
    """A patient's questionnaire history, oldest first."""
    patient = resolve_patient(actor, pid)
    query = select(QuestionnaireResponse).where(QuestionnaireResponse.patient_id == patient.id)
    if instrument is not None:
        query = query.where(QuestionnaireResponse.instrument == instrument)
    responses = list(
        db.session.scalars(
            query.order_by(QuestionnaireResponse.submitted_at, QuestionnaireResponse.id)
        )
    )
    audit.record_staff_read(actor, patient.id, f"patients/{patient.id}/questionnaire-responses")
    return responses


def due_for(patient: Patient, now: datetime) -> list[schedule.Due]:
    """What the patient should answer now (baseline, every N days, or a clinician's request)."""
    zone = ZoneInfo(patient.timezone)
    today = now.astimezone(zone).date()
    enrolled_on = (patient.enrolled_at or patient.created_at).astimezone(zone).date()
    last_completed: dict[str, date | None] = {
        instrument: local_date
        for instrument, local_date in db.session.execute(
            select(QuestionnaireResponse.instrument, func.max(QuestionnaireResponse.local_date))
            .where(QuestionnaireResponse.patient_id == patient.id)
            .group_by(QuestionnaireResponse.instrument)
        )
    }
    requested: dict[str, date | None] = {}
    for instrument, requested_at in db.session.execute(
        select(QuestionnaireRequest.instrument, func.min(QuestionnaireRequest.requested_at))
        .where(
            QuestionnaireRequest.patient_id == patient.id,
            QuestionnaireRequest.fulfilled_at.is_(None),
        )
        .group_by(QuestionnaireRequest.instrument)
    ):
        requested[instrument] = requested_at.astimezone(zone).date()
    # The next evaluation on the calendar asks for both questionnaires the day before it.
    evaluation_on = db.session.scalar(
        select(func.min(Appointment.local_date)).where(
            Appointment.patient_id == patient.id,
            Appointment.kind == "evaluation",
            Appointment.cancelled_at.is_(None),
            Appointment.local_date >= today,
        )
    )
    if evaluation_on is not None:
        day_before = evaluation_on - timedelta(days=1)
        for instrument in INSTRUMENTS:
            if (
                requested.get(instrument) is None
                and (last_completed.get(instrument) or date.min) < day_before
            ):
                requested[instrument] = day_before
    due = schedule.due_questionnaires(
        today, enrolled_on, last_completed, interval_days(patient), requested_on=requested
    )
    # The schedule compares dates, so a request made later on the day of an answer would
    # count as answered. Here the order is known exactly: a request stays open until an answer
    # after it fulfils it, so every open request is due.
    listed = {d.instrument for d in due}
    for instrument, asked_on in requested.items():
        if instrument not in listed and asked_on <= today:
            due.append(
                schedule.Due(
                    instrument=instrument,
                    due_since=asked_on,
                    overdue=(today - asked_on).days > schedule.OVERDUE_AFTER_DAYS,
                    reason="requested",
                )
            )
    order = list(INSTRUMENTS)
    return sorted(due, key=lambda d: order.index(d.instrument))


def due_questionnaires(
    actor: User, pid: str | int, now: datetime | None = None
) -> list[schedule.Due]:
    patient = resolve_patient(actor, pid)
    due = due_for(patient, now or utcnow())
    audit.record_staff_read(actor, patient.id, f"patients/{patient.id}/questionnaires/due")
    return due


def request_questionnaire(
    actor: User, pid: str | int, instrument: str, now: datetime | None = None
) -> None:
    """A clinician asks the patient to answer a questionnaire now (before an evaluation)."""
    require_staff(actor)
    if instrument not in INSTRUMENTS:
        raise InvalidInput({"instrument": ["Unknown instrument."]})
    patient = resolve_patient(actor, pid)
    begin_write()
    db.session.add(
        QuestionnaireRequest(
            patient_id=patient.id,
            instrument=instrument,
            requested_at=now or utcnow(),
            requested_by_id=actor.id,
        )
    )
    audit.record(
        "questionnaire.request",
        actor=actor,
        patient_id=patient.id,
        resource=f"patients/{patient.id}",
    )
    db.session.commit()

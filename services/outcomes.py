"""Outcomes against baseline, per-session durability, and the trend series."""

from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from clinical import durability, outcomes, trends
from clinical.daily import SCALES
from clinical.instruments import INSTRUMENTS
from models import CheckIn, Patient, QuestionnaireResponse, TreatmentSession, User, db, utcnow
from services import audit
from services.patients import resolve_patient

# A patient whose pre-treatment daily pain averages this or more is followed for pain durability.
PAIN_PATIENT_BASELINE = 4.0


@dataclass(frozen=True)
class PatientHistory:
    """Everything the outcome and trend rules read for one patient (three queries)."""

    patient: Patient
    daily: dict[str, list[tuple[date, float]]]
    sessions: list[TreatmentSession]
    questionnaires: list[QuestionnaireResponse]


def load_history(patient: Patient, since: date | None = None) -> PatientHistory:
    """The patient's daily scores, sessions and questionnaires, from local date `since` when
    given (the daily scores are read from the covering index on check-ins)."""
    checkins = select(CheckIn.local_date, *(getattr(CheckIn, scale) for scale in SCALES)).where(
        CheckIn.patient_id == patient.id
    )
    sessions = select(TreatmentSession).where(TreatmentSession.patient_id == patient.id)
    questionnaires = select(QuestionnaireResponse).where(
        QuestionnaireResponse.patient_id == patient.id
    )
    if since is not None:
        checkins = checkins.where(CheckIn.local_date >= since)
        sessions = sessions.where(TreatmentSession.local_date >= since)
        questionnaires = questionnaires.where(QuestionnaireResponse.local_date >= since)
    rows = db.session.execute(checkins.order_by(CheckIn.local_date)).all()
    daily = {
        scale: [(row[0], row[index]) for row in rows] for index, scale in enumerate(SCALES, start=1)
    }
    return PatientHistory(
        patient,
        daily,
        list(
            db.session.scalars(sessions.order_by(TreatmentSession.started_at, TreatmentSession.id))
        ),
        list(
            db.session.scalars(
                questionnaires.order_by(
                    QuestionnaireResponse.submitted_at, QuestionnaireResponse.id
                )
            )
        ),
    )


def _plain(value: Any) -> Any:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, float):
        return round(value, 2)
    return value


def patient_outcomes(actor: User, pid: str | int, now: datetime | None = None) -> dict[str, Any]:
    """Baseline, latest, change and status of each measure, and durability per session."""
    patient = resolve_patient(actor, pid)
    result = compute_outcomes(load_history(patient), now or utcnow())
    audit.record_staff_read(actor, patient.id, f"patients/{patient.id}/outcomes")
    return result


def compute_outcomes(history: PatientHistory, now: datetime) -> dict[str, Any]:
    """The outcomes of one patient's history as of `now` (no access check, no audit)."""
    patient = history.patient
    today = now.astimezone(ZoneInfo(patient.timezone)).date()
    first = history.sessions[0] if history.sessions else None
    first_at = first.started_at if first else None
    first_on = first.local_date if first else None
    measures = []
    for instrument in INSTRUMENTS:
        totals = [
            (q.submitted_at, q.total) for q in history.questionnaires if q.instrument == instrument
        ]
        measures.append(outcomes.questionnaire_outcome(instrument, totals, first_at))
    for scale in SCALES:
        # "Latest" is the 7 days ending on the latest check-in (the definition shown), as of now.
        rated = [day for day, value in history.daily[scale] if value is not None and day <= today]
        latest_on = max(rated, default=today)
        measures.append(
            outcomes.daily_outcome(scale, history.daily[scale], first_on, as_of=latest_on)
        )
    pain_baseline = outcomes.daily_baseline(history.daily["pain"], first_on)
    followed = ["mood"]
    if pain_baseline is not None and pain_baseline.mean >= PAIN_PATIENT_BASELINE:
        followed.append("pain")
    session_dates = [s.local_date for s in history.sessions if s.local_date <= today]
    per_scale = {
        scale: durability.durability_by_session(
            scale, history.daily[scale], session_dates, as_of=today
        )
        for scale in followed
    }
    sessions = []
    for index, session in enumerate(s for s in history.sessions if s.local_date <= today):
        sessions.append(
            {
                "session_id": session.id,
                "started_at": session.started_at.isoformat(),
                "local_date": session.local_date.isoformat(),
                "phase": session.phase,
                "modality": session.modality,
                "durability": {
                    scale: _plain(asdict(per_scale[scale][index])) for scale in followed
                },
            }
        )
    return {
        "first_session_at": first_at.isoformat() if first_at else None,
        "measures": [_plain(asdict(m)) for m in measures],
        "durability_scales": followed,
        "sessions": sessions,
    }


def patient_trends(
    actor: User, pid: str | int, days: int, now: datetime | None = None
) -> dict[str, Any]:
    """The daily series with 7-day means and direction, sessions and questionnaire totals."""
    now = now or utcnow()
    patient = resolve_patient(actor, pid)
    zone = ZoneInfo(patient.timezone)
    end = now.astimezone(zone).date()
    start = end - timedelta(days=days - 1)
    # Six days before the window feed the first 7-day means.
    history = load_history(patient, since=start - timedelta(days=trends.MEAN_WINDOW_DAYS - 1))
    scales = []
    # Each day's ISO text once, not once per scale.
    iso = {day: day.isoformat() for day in (start + timedelta(n) for n in range(days))}
    for code, scale in SCALES.items():
        result = trends.trend(code, history.daily[code], start, end)
        scales.append(
            {
                "code": code,
                "label": scale.label,
                "direction": scale.direction,
                "low_label": scale.low_label,
                "high_label": scale.high_label,
                "change_direction": result.change_direction,
                "change": _plain(result.change),
                "points": [
                    {
                        "local_date": iso[p.local_date],
                        "value": p.value,
                        "mean_7d": None if p.mean_7d is None else round(p.mean_7d, 2),
                    }
                    for p in result.points
                ],
            }
        )
    sessions = [
        {
            "id": s.id,
            "started_at": s.started_at.isoformat(),
            "local_date": s.local_date.isoformat(),
            "modality": s.modality,
            "phase": s.phase,
            "dose_mg": s.dose_mg,
            "dose_mg_per_kg": s.dose_mg_per_kg,
            "bp_peak": [s.bp_peak_systolic, s.bp_peak_diastolic] if s.bp_peak_systolic else None,
            "dissociation_score": s.dissociation_score,
        }
        for s in history.sessions
        if start <= s.local_date <= end
    ]
    questionnaires = [
        {
            "instrument": q.instrument,
            "local_date": q.local_date.isoformat(),
            "total": q.total,
            "severity": q.severity,
        }
        for q in history.questionnaires
        if start <= q.local_date <= end
    ]
    audit.record_staff_read(actor, patient.id, f"patients/{patient.id}/trends")
    return {
        "from": start.isoformat(),
        "to": end.isoformat(),
        "scales": scales,
        "sessions": sessions,
        "questionnaires": questionnaires,
    }

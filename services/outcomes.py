"""Outcomes against baseline, per-session durability, and the trend series."""

from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Select, bindparam, select

from clinical import durability, outcomes, trends
from clinical.daily import SCALES
from clinical.instruments import INSTRUMENTS
from models import CheckIn, Patient, QuestionnaireResponse, TreatmentSession, User, db, utcnow
from services import audit
from services.patients import resolve_patient


@dataclass(frozen=True)
class PatientHistory:
    """Everything the outcome and trend rules read for one patient (three queries)."""

    patient: Patient
    daily: dict[str, list[tuple[date, float]]]
    sessions: list[TreatmentSession]
    questionnaires: list[QuestionnaireResponse]


def _daily_scores(patient_id: Any, since: Any = None, until: Any = None) -> Select:
    """A patient's daily scores by local date, from the covering index on check-ins (the
    arguments are values or bind parameters)."""
    checkins = select(CheckIn.local_date, *(getattr(CheckIn, scale) for scale in SCALES)).where(
        CheckIn.patient_id == patient_id
    )
    if since is not None:
        checkins = checkins.where(CheckIn.local_date >= since)
    if until is not None:
        checkins = checkins.where(CheckIn.local_date <= until)
    return checkins.order_by(CheckIn.local_date)


def load_history(patient: Patient, since: date | None = None) -> PatientHistory:
    """The patient's daily scores, sessions and questionnaires, from local date `since` when
    given (the daily scores are read from the covering index on check-ins)."""
    sessions = select(TreatmentSession).where(TreatmentSession.patient_id == patient.id)
    questionnaires = select(QuestionnaireResponse).where(
        QuestionnaireResponse.patient_id == patient.id
    )
    if since is not None:
        sessions = sessions.where(TreatmentSession.local_date >= since)
        questionnaires = questionnaires.where(QuestionnaireResponse.local_date >= since)
    rows = db.session.execute(_daily_scores(patient.id, since)).all()
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
    # Durability is followed on mood always, on anxiety and pain for a patient whose
    # pre-treatment mean of that scale is 4 or more (clinical.durability.followed_scales).
    baselines = {scale: outcomes.daily_baseline(history.daily[scale], first_on) for scale in SCALES}
    followed = durability.followed_scales(
        {scale: baseline.mean for scale, baseline in baselines.items() if baseline is not None}
    )
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


# A trend's three reads, built once (a statement built per call costs more Python than its
# SQL): the scores from six days before the period (they feed its first 7-day means) to its
# end, and the period's sessions and questionnaires, only the columns the answer shows.
_TREND_SCORES = _daily_scores(bindparam("patient_id"), bindparam("since"), bindparam("end"))


class _ShownMeans(dict):
    """A 7-day mean's shown value (2 decimals) by the mean, rounded the first time it is asked
    for: the means of 0-10 scores take a few hundred values in all, so round() runs a few
    hundred times a process rather than once a point. Bounded for fractional scores."""

    def __missing__(self, mean: float | None) -> float | None:
        if len(self) >= 4096:
            self.clear()
        shown = self[mean] = None if mean is None else round(mean, 2)
        return shown


_SHOWN_MEANS = _ShownMeans()


@lru_cache(maxsize=64)
def _iso_days(first: int, days: int) -> tuple[str, ...]:
    """The ISO text of `days` days from the proleptic ordinal `first`, made once a period (every
    patient in a zone asks for the same days that day), not once a request."""
    return tuple(map(date.isoformat, map(date.fromordinal, range(first, first + days))))


def _in_period(record: Any, *columns: Any) -> Select:
    """`columns` of the patient's `record`s (sessions, questionnaires) dated in the period."""
    return select(*columns).where(
        record.patient_id == bindparam("patient_id"),
        record.local_date >= bindparam("start"),
        record.local_date <= bindparam("end"),
    )


_TREND_SESSIONS = _in_period(
    TreatmentSession,
    TreatmentSession.id,
    TreatmentSession.started_at,
    TreatmentSession.local_date,
    TreatmentSession.modality,
    TreatmentSession.phase,
    TreatmentSession.dose_mg,
    TreatmentSession.dose_mg_per_kg,
    TreatmentSession.bp_peak_systolic,
    TreatmentSession.bp_peak_diastolic,
    TreatmentSession.dissociation_score,
).order_by(TreatmentSession.started_at, TreatmentSession.id)
_TREND_QUESTIONNAIRES = _in_period(
    QuestionnaireResponse,
    QuestionnaireResponse.instrument,
    QuestionnaireResponse.local_date,
    QuestionnaireResponse.total,
    QuestionnaireResponse.severity,
).order_by(QuestionnaireResponse.submitted_at, QuestionnaireResponse.id)


def patient_trends(
    actor: User, pid: str | int, days: int, now: datetime | None = None
) -> dict[str, Any]:
    """The daily series with 7-day means and direction, sessions and questionnaire totals.

    Three reads of only what the answer shows: the scores from six days before the period
    (they feed its first 7-day means) to its end, and the period's sessions and questionnaires.
    """
    now = now or utcnow()
    patient = resolve_patient(actor, pid)
    end = now.astimezone(ZoneInfo(patient.timezone)).date()
    start = end - timedelta(days=days - 1)
    since = start - timedelta(days=trends.MEAN_WINDOW_DAYS - 1)
    period = {"patient_id": patient.id, "since": since, "start": start, "end": end}
    connection = db.session.connection()
    rows = connection.execute(_TREND_SCORES, period).all()
    session_rows = connection.execute(_TREND_SESSIONS, period).all()
    questionnaire_rows = connection.execute(_TREND_QUESTIONNAIRES, period).all()
    # The scores as columns: the dates, then a column a scale.
    dates, *columns = list(zip(*rows, strict=True)) or [()] * (1 + len(SCALES))
    iso = _iso_days(start.toordinal(), days)
    scales = []
    for (code, scale), column in zip(SCALES.items(), columns, strict=True):
        result = trends.trend(code, list(zip(dates, column, strict=True)), start, end)
        means = result.series.means
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
                    {"local_date": day, "value": value, "mean_7d": _SHOWN_MEANS[mean]}
                    for day, value, mean in zip(iso, result.series.values, means, strict=True)
                ],
            }
        )
    # Rows unpacked as tuples, in the statements' column order (a field read by name costs more).
    sessions = [
        {
            "id": session_id,
            "started_at": started_at.isoformat(),
            "local_date": local_date.isoformat(),
            "modality": modality,
            "phase": phase,
            "dose_mg": dose_mg,
            "dose_mg_per_kg": dose_mg_per_kg,
            "bp_peak": [systolic, diastolic] if systolic else None,
            "dissociation_score": dissociation_score,
        }
        for (
            session_id,
            started_at,
            local_date,
            modality,
            phase,
            dose_mg,
            dose_mg_per_kg,
            systolic,
            diastolic,
            dissociation_score,
        ) in session_rows
    ]
    questionnaires = [
        {
            "instrument": instrument,
            "local_date": local_date.isoformat(),
            "total": total,
            "severity": severity,
        }
        for instrument, local_date, total, severity in questionnaire_rows
    ]
    audit.record_staff_read(actor, patient.id, f"patients/{patient.id}/trends")
    return {
        "from": start.isoformat(),
        "to": end.isoformat(),
        "scales": scales,
        "sessions": sessions,
        "questionnaires": questionnaires,
    }

"""The clinician's roster: every patient of the clinic, most in need of attention first.

It answers in a fixed number of queries whatever the number of patients: the patients with
their last check-in and last session (each an indexed max per patient, not a scan of every
history), each patient's recent check-ins summed and counted by the database (one row a
patient), the latest questionnaires and the open alerts, joined in Python.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Select, bindparam, func, select, union_all
from sqlalchemy.orm import aliased, lazyload

from clinical.alerts import ALERT_SEVERITIES, DEFAULT_THRESHOLDS, days_without_checkin
from clinical.daily import SCALES, improvement
from clinical.instruments import INSTRUMENTS
from models import (
    Alert,
    Appointment,
    CheckIn,
    Patient,
    QuestionnaireResponse,
    TreatmentSession,
    User,
    begin_write,
    db,
    utcnow,
)
from services import alerts as alert_service
from services import audit
from services.patients import require_staff

ADHERENCE_DAYS = 14
MEAN_DAYS = 7
# Two 7-day means this far apart (in points, better or worse) give a trend arrow.
TREND_THRESHOLD = 1.0
RECENT_DAYS = ADHERENCE_DAYS + MEAN_DAYS  # the longest window the roster reads


@dataclass
class RosterEntry:
    patient: Patient
    today: date
    last_checkin_on: date | None = None
    adherence_14d: float = 0.0
    scales: dict[str, dict[str, Any]] = field(default_factory=dict)
    questionnaires: dict[str, dict[str, Any]] = field(default_factory=dict)
    last_session_at: datetime | None = None
    next_session_at: datetime | None = None
    open_alerts: list[Alert] = field(default_factory=list)
    # Whole local days without a check-in that make a patient "missed": the clinic's own
    # threshold of the missed alert (clinical.alerts.missed_alert), so the two agree.
    missed_days: int = DEFAULT_THRESHOLDS.missed_days

    @property
    def missed(self) -> bool:
        """As the missed alert counts: from the last check-in, or from enrolment (a patient
        enrolled today has missed nothing)."""
        enrolled_at = self.patient.enrolled_at
        if enrolled_at is None:
            return False
        enrolled_on = enrolled_at.astimezone(ZoneInfo(self.patient.timezone)).date()
        missed = days_without_checkin(self.today, self.last_checkin_on, enrolled_on)
        return missed >= self.missed_days

    @property
    def days_since_checkin(self) -> int | None:
        return None if self.last_checkin_on is None else (self.today - self.last_checkin_on).days

    @property
    def worsening(self) -> bool:
        return any(s["trend"] == "worsening" for s in self.scales.values())

    @property
    def attention(self) -> str:
        """Why the patient is where they are on the roster (most pressing reason)."""
        if any(a.severity == "urgent" for a in self.open_alerts):
            return "urgent_alert"
        if self.open_alerts:
            return "open_alert"
        if self.worsening:
            return "worsening"
        if self.missed:
            return "missed_checkins"
        return "none"

    def sort_key(self) -> tuple:
        # DESIGN.md §1: safety alerts, then worsening, then missed check-ins.
        ranks = {
            "urgent_alert": 0,
            "open_alert": 1,
            "worsening": 2,
            "missed_checkins": 3,
            "none": 4,
        }
        severity = min((ALERT_SEVERITIES.index(a.severity) for a in self.open_alerts), default=9)
        return (
            ranks[self.attention],
            severity,
            -(self.days_since_checkin or 0),
            self.patient.display_name.lower(),
        )


def _scale_summary(
    code: str, latest: int | None, recent: tuple[int, int], prior: tuple[int, int]
) -> dict[str, Any]:
    """Latest value, 7-day mean and trend of one scale; `recent` is the (sum, count) of the
    last 7 days' values, `prior` of the 7 days before. Integer scores: the sums are exact."""
    mean_7d = round(recent[0] / recent[1], 2) if recent[1] else None
    trend = "unknown"
    if recent[1] and prior[1]:
        change = improvement(SCALES[code].direction, prior[0] / prior[1], recent[0] / recent[1])
        trend = (
            "improving"
            if change >= TREND_THRESHOLD
            else "worsening"
            if change <= -TREND_THRESHOLD
            else "stable"
        )
    return {"latest": latest, "mean_7d": mean_7d, "trend": trend}


# The roster's statements are built once and take their values as parameters: building them
# (correlated subqueries, filtered aggregates) cost a 500-patient roster about as much Python as
# reading its rows. `:clinic_id` and `:like` choose the patients, `:now` is the moment.


def _chosen(searching: bool) -> list:
    chosen = [Patient.clinic_id == bindparam("clinic_id")]
    if searching:
        like = bindparam("like")
        chosen.append(
            func.lower(Patient.display_name).like(like) | func.lower(Patient.external_id).like(like)
        )
    return chosen


@cache
def _patients_statement(searching: bool) -> Select:
    """The patients with their last check-in, last and next session."""
    # Correlated max() per patient: PostgreSQL and SQLite answer each from the end of an index
    # ((patient_id, local_date), (patient_id, started_at)) instead of aggregating all history.
    last_checkin = (
        select(func.max(CheckIn.local_date))
        .where(CheckIn.patient_id == Patient.id)
        .scalar_subquery()
    )
    last_session = (
        select(func.max(TreatmentSession.started_at))
        .where(TreatmentSession.patient_id == Patient.id)
        .scalar_subquery()
    )
    # The next planned session: the (patient_id, scheduled_at) index answers it per patient.
    next_session = (
        select(func.min(Appointment.scheduled_at))
        .where(
            Appointment.patient_id == Patient.id,
            Appointment.kind == "session",
            Appointment.cancelled_at.is_(None),
            Appointment.scheduled_at > bindparam("now"),
        )
        .scalar_subquery()
    )
    return (
        select(
            Patient,
            last_checkin.label("last_checkin_on"),
            last_session.label("last_session_at"),
            next_session.label("next_session_at"),
        )
        .where(*_chosen(searching))
        # Every patient here is of the actor's clinic, already in the session: no join for it
        # (a many-to-one by primary key is answered from the identity map, without SQL).
        .options(lazyload(Patient.clinic))
    )


@cache
def _summaries_statement(searching: bool, dates: int) -> Select:
    """One row per patient with recent check-ins: the latest day up to the patient's today and
    its scores, the days checked in over 14 days, and each scale's sum and count over the last 7
    days and the 7 before. Aggregated by the database: a 500-patient clinic sends 500 rows, not
    the 11,000 days behind them.

    "Today" is the patient's own: one SELECT per local date the clinic's zones are on right now
    (one or two; at most three, UTC-12 to UTC+14), in a UNION; branch `i` takes its zones as
    `:zones_i` and its dates as `:today_i`, `:since_i`, `:adherence_i`, `:week_i`, `:prior_i`.
    """
    day = CheckIn.local_date
    branches = []
    for i in range(dates):
        week, prior_start = bindparam(f"week_{i}"), bindparam(f"prior_{i}")
        recent, prior = day >= week, (day < week) & (day >= prior_start)
        columns = [
            CheckIn.patient_id.label("patient_id"),
            func.max(day).label("latest_on"),
            func.count().filter(day >= bindparam(f"adherence_{i}")).label("adherent"),
            func.count().filter(recent).label("recent_n"),
            func.count().filter(prior).label("prior_n"),
        ]
        for code in SCALES:
            score = getattr(CheckIn, code)
            columns += [
                func.sum(score).filter(recent).label(f"recent_{code}"),
                func.sum(score).filter(prior).label(f"prior_{code}"),
            ]
        branches.append(
            select(*columns)
            .join(Patient, Patient.id == CheckIn.patient_id)
            .where(
                *_chosen(searching),
                Patient.timezone.in_(bindparam(f"zones_{i}", expanding=True)),
                day >= bindparam(f"since_{i}"),
                day <= bindparam(f"today_{i}"),  # tomorrow in UTC is not yet the patient's
            )
            .group_by(CheckIn.patient_id)
        )
    summary = union_all(*branches).subquery()
    latest = aliased(CheckIn)
    return select(
        summary, *(getattr(latest, code).label(f"latest_{code}") for code in SCALES)
    ).outerjoin(
        latest,
        (latest.patient_id == summary.c.patient_id) & (latest.local_date == summary.c.latest_on),
    )


def _summary_dates(entries: dict[int, RosterEntry]) -> dict[str, Any]:
    """The parameters of `_summaries_statement`: each local date the patients are on, its zones
    and the windows counted back from it."""
    zones_on: dict[date, set[str]] = defaultdict(set)
    for entry in entries.values():
        zones_on[entry.today].add(entry.patient.timezone)
    parameters: dict[str, Any] = {}
    for i, (today, zones) in enumerate(sorted(zones_on.items())):
        week = today - timedelta(days=MEAN_DAYS - 1)
        parameters |= {
            f"zones_{i}": sorted(zones),
            f"today_{i}": today,
            f"since_{i}": today - timedelta(days=RECENT_DAYS),
            f"adherence_{i}": today - timedelta(days=ADHERENCE_DAYS - 1),
            f"week_{i}": week,
            f"prior_{i}": week - timedelta(days=MEAN_DAYS),
        }
    return parameters


@cache
def _questionnaires_statement(searching: bool) -> Select:
    """The latest PHQ-9 and GAD-7 of each patient: one LIMIT 1 per patient and instrument from
    the end of the (patient_id, instrument, submitted_at) index, not a sort of all answers."""
    latest_ids = union_all(
        *(
            select(
                select(QuestionnaireResponse.id)
                .where(
                    QuestionnaireResponse.patient_id == Patient.id,
                    QuestionnaireResponse.instrument == instrument,
                )
                .order_by(
                    QuestionnaireResponse.submitted_at.desc(), QuestionnaireResponse.id.desc()
                )
                .limit(1)
                .scalar_subquery()
            ).where(*_chosen(searching))
            for instrument in INSTRUMENTS
        )
    )
    return select(
        QuestionnaireResponse.patient_id,
        QuestionnaireResponse.instrument,
        QuestionnaireResponse.total,
        QuestionnaireResponse.severity,
        QuestionnaireResponse.local_date,
    ).where(QuestionnaireResponse.id.in_(latest_ids))


@cache
def _alerts_statement(searching: bool) -> Select:
    """The open and acknowledged alerts of the patients, oldest first."""
    # The same patients by a subquery rather than a list of ids: hundreds of bound parameters
    # cost more to send and parse than the rows they find.
    ids = select(Patient.id).where(*_chosen(searching))
    return (
        select(Alert)
        .where(Alert.patient_id.in_(ids), Alert.status != "resolved")
        .order_by(Alert.raised_at)
    )


def roster(actor: User, query: str | None = None, now: datetime | None = None) -> list[RosterEntry]:
    """The clinic's patients with what a clinician triages by, most pressing first."""
    require_staff(actor)
    now = now or utcnow()
    searching = bool(query)
    parameters = {"clinic_id": actor.clinic_id, "now": now}
    if query:
        parameters["like"] = f"%{query.strip().lower()}%"
    entries: dict[int, RosterEntry] = {}
    zones: dict[str, ZoneInfo] = {}
    missed_days = alert_service.thresholds_for(actor.clinic).missed_days
    for patient, last_on, session_at, next_at in db.session.execute(
        _patients_statement(searching), parameters
    ):
        zone = zones.get(patient.timezone) or zones.setdefault(
            patient.timezone, ZoneInfo(patient.timezone)
        )
        entry = RosterEntry(patient, now.astimezone(zone).date(), missed_days=missed_days)
        entry.last_checkin_on, entry.last_session_at = last_on, session_at
        entry.next_session_at = next_at
        entries[patient.id] = entry
    if entries:
        _fill(entries, searching, parameters)
    begin_write()
    audit.record("roster.read", actor=actor, resource="patients")
    db.session.commit()
    return sorted(entries.values(), key=RosterEntry.sort_key)


def _fill(entries: dict[int, RosterEntry], searching: bool, parameters: dict[str, Any]) -> None:
    nothing = {code: _scale_summary(code, None, (0, 0), (0, 0)) for code in SCALES}
    for entry in entries.values():  # no check-in in the last three weeks
        entry.scales = {code: dict(summary) for code, summary in nothing.items()}
    dates = _summary_dates(entries)
    summaries = _summaries_statement(searching, len(dates) // 6)
    for row in db.session.execute(summaries, parameters | dates):
        entry = entries[row.patient_id]
        entry.adherence_14d = round(row.adherent / ADHERENCE_DAYS, 2)
        entry.scales = {
            code: _scale_summary(
                code,
                getattr(row, f"latest_{code}"),
                (getattr(row, f"recent_{code}"), row.recent_n),
                (getattr(row, f"prior_{code}"), row.prior_n),
            )
            for code in SCALES
        }
    for row in db.session.execute(_questionnaires_statement(searching), parameters):
        entries[row.patient_id].questionnaires[row.instrument] = {
            "total": row.total,
            "severity": row.severity,
            "local_date": row.local_date,
        }
    for alert in db.session.scalars(_alerts_statement(searching), parameters):
        entries[alert.patient_id].open_alerts.append(alert)

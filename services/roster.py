"""The clinician's roster: every patient of the clinic, most in need of attention first.

It answers in a fixed number of queries whatever the number of patients: the patients with
their last check-in and last session (each an indexed max per patient, not a scan of every
history), the recent check-ins (the columns only), the latest questionnaires and the open
alerts, joined in Python.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Row, func, select, union_all
from sqlalchemy.orm import lazyload

from clinical.alerts import ALERT_SEVERITIES
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
from services import audit
from services.patients import require_staff

ADHERENCE_DAYS = 14
MEAN_DAYS = 7
# Two 7-day means this far apart (in points, better or worse) give a trend arrow.
TREND_THRESHOLD = 1.0
# Days without a check-in that make a patient "missed" on the roster.
MISSED_DAYS = 3
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
        if self.patient.enrolled_at is not None and (
            self.days_since_checkin is None or self.days_since_checkin > MISSED_DAYS
        ):
            return "missed_checkins"
        if self.worsening:
            return "worsening"
        return "none"

    def sort_key(self) -> tuple:
        ranks = {
            "urgent_alert": 0,
            "open_alert": 1,
            "missed_checkins": 2,
            "worsening": 3,
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


def roster(actor: User, query: str | None = None, now: datetime | None = None) -> list[RosterEntry]:
    """The clinic's patients with what a clinician triages by, most pressing first."""
    require_staff(actor)
    now = now or utcnow()
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
            Appointment.scheduled_at > now,
        )
        .scalar_subquery()
    )
    chosen = [Patient.clinic_id == actor.clinic_id]
    if query:
        like = f"%{query.strip().lower()}%"
        chosen.append(
            func.lower(Patient.display_name).like(like) | func.lower(Patient.external_id).like(like)
        )
    statement = (
        select(
            Patient,
            last_checkin.label("last_checkin_on"),
            last_session.label("last_session_at"),
            next_session.label("next_session_at"),
        )
        .where(*chosen)
        # Every patient here is of the actor's clinic, already in the session: no join for it
        # (a many-to-one by primary key is answered from the identity map, without SQL).
        .options(lazyload(Patient.clinic))
    )
    entries: dict[int, RosterEntry] = {}
    for patient, last_on, session_at, next_at in db.session.execute(statement):
        entry = RosterEntry(patient, now.astimezone(ZoneInfo(patient.timezone)).date())
        entry.last_checkin_on, entry.last_session_at = last_on, session_at
        entry.next_session_at = next_at
        entries[patient.id] = entry
    if entries:
        # The other reads select the same patients by a subquery rather than a list of ids:
        # hundreds of bound parameters cost more to send and parse than the rows they find.
        _fill(entries, chosen, now)
    begin_write()
    audit.record("roster.read", actor=actor, resource="patients")
    db.session.commit()
    return sorted(entries.values(), key=RosterEntry.sort_key)


def _fill(entries: dict[int, RosterEntry], chosen: list, now: datetime) -> None:
    ids = select(Patient.id).where(*chosen)
    # Local dates run from UTC-12 to UTC+14: one day of slack covers every zone.
    since = now.date() - timedelta(days=RECENT_DAYS + 1)
    # Plain rows of the scale columns (from the covering index): thousands of them, so no
    # entity and no JSON to build.
    recent: dict[int, list[Row]] = defaultdict(list)
    for row in db.session.execute(
        select(
            CheckIn.patient_id, CheckIn.local_date, *(getattr(CheckIn, c) for c in SCALES)
        ).where(CheckIn.patient_id.in_(ids), CheckIn.local_date >= since)
    ):
        recent[row[0]].append(row)
    # The latest PHQ-9 and GAD-7 of each patient: one LIMIT 1 per patient and instrument from
    # the end of the (patient_id, instrument, submitted_at) index, not a sort of all answers.
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
            ).where(*chosen)
            for instrument in INSTRUMENTS
        )
    )
    latest_questionnaires = db.session.execute(
        select(
            QuestionnaireResponse.patient_id,
            QuestionnaireResponse.instrument,
            QuestionnaireResponse.total,
            QuestionnaireResponse.severity,
            QuestionnaireResponse.local_date,
        ).where(QuestionnaireResponse.id.in_(latest_ids))
    ).all()
    alerts = db.session.scalars(
        select(Alert)
        .where(Alert.patient_id.in_(ids), Alert.status != "resolved")
        .order_by(Alert.raised_at)
    )
    codes = list(SCALES)
    for patient_id, entry in entries.items():
        today, today_number = entry.today, entry.today.toordinal()
        latest = None
        adherent = 0
        sums = {"recent": [0] * len(codes), "prior": [0] * len(codes)}
        counts = {"recent": 0, "prior": 0}
        for row in recent[patient_id]:
            day = row[1]
            if day > today:  # already tomorrow in UTC, not yet in the patient's zone
                continue
            if latest is None or day > latest[1]:
                latest = row
            age = today_number - day.toordinal()
            adherent += age < ADHERENCE_DAYS
            week = "recent" if age < MEAN_DAYS else "prior" if age < 2 * MEAN_DAYS else None
            if week is not None:
                counts[week] += 1
                totals = sums[week]
                for index in range(len(codes)):
                    totals[index] += row[2 + index]
        entry.adherence_14d = round(adherent / ADHERENCE_DAYS, 2)
        entry.scales = {
            code: _scale_summary(
                code,
                latest[2 + index] if latest else None,
                (sums["recent"][index], counts["recent"]),
                (sums["prior"][index], counts["prior"]),
            )
            for index, code in enumerate(codes)
        }
    for row in latest_questionnaires:
        entries[row.patient_id].questionnaires[row.instrument] = {
            "total": row.total,
            "severity": row.severity,
            "local_date": row.local_date,
        }
    for alert in alerts:
        entries[alert.patient_id].open_alerts.append(alert)

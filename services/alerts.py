"""Closed-loop safety alerts: raised with the answer that triggers them, acknowledged and
resolved by a clinician, every step on the audit trail."""

import logging
from dataclasses import fields
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, func, select

from clinical import alerts as rules
from clinical.alerts import DEFAULT_THRESHOLDS, AlertSignal, AlertThresholds
from models import Alert, CheckIn, CheckInRevision, Clinic, Patient, User, begin_write, db, utcnow
from services import audit
from services.errors import ConflictError, InvalidInput, NotFoundError
from services.patients import require_staff, resolve_patient
from services.upsert import insert_for

log = logging.getLogger(__name__)
STATUSES = ("open", "acknowledged", "resolved")
# Daily history the decline rule needs: the 3-day window and the 14 days before it.
DECLINE_LOOKBACK_DAYS = 17


def thresholds_for(clinic: Clinic) -> AlertThresholds:
    """The clinic's thresholds: its `settings["alerts"]` over the defaults of clinical.alerts."""
    overrides = (clinic.settings or {}).get("alerts", {})
    known = {f.name for f in fields(AlertThresholds)}
    values = {k: tuple(v) if isinstance(v, list) else v for k, v in overrides.items() if k in known}
    try:
        return AlertThresholds(**values)
    except (TypeError, ValueError):
        # A broken setting must never stop a check-in or silence the rules: use the defaults.
        log.warning("clinic %s has invalid alert settings; using the defaults", clinic.id)
        return DEFAULT_THRESHOLDS


def raise_alert(
    patient: Patient,
    signal: AlertSignal,
    source_type: str,
    source_id: int | None,
    now: datetime,
) -> bool:
    """Open an alert in the current transaction unless one of its kind is already open.

    The unique (patient_id, open_kind) row keeps one open alert per patient and kind, also
    when two answers race. Answers whether a new alert was opened.
    """
    statement = (
        insert_for(Alert.__table__)
        .values(
            clinic_id=patient.clinic_id,
            patient_id=patient.id,
            kind=signal.kind,
            open_kind=signal.kind,
            severity=signal.severity,
            status="open",
            summary=signal.summary[:200],
            evidence=signal.evidence,
            source_type=source_type,
            source_id=source_id,
            raised_at=now,
        )
        .on_conflict_do_nothing(index_elements=["patient_id", "open_kind"])
        .returning(Alert.__table__.c.id)
    )
    return db.session.scalar(statement) is not None


# Every check-in reads this (the decline rule's days): built once, values as parameters.
_DAILY_VALUES = (
    select(CheckIn.local_date, CheckIn.mood, CheckIn.anxiety, CheckIn.pain)
    .where(CheckIn.patient_id == bindparam("pid"), CheckIn.local_date >= bindparam("since"))
    .order_by(CheckIn.local_date)
)


def _daily_values(patient_id: int, since: date) -> dict[str, list[tuple[date, float]]]:
    rows = db.session.connection().execute(_DAILY_VALUES, {"pid": patient_id, "since": since}).all()
    return {
        "mood": [(day, mood) for day, mood, _, _ in rows],
        "anxiety": [(day, anxiety) for day, _, anxiety, _ in rows],
        "pain": [(day, pain) for day, _, _, pain in rows],
    }


def evaluate_checkin(patient: Patient, revision: CheckInRevision, now: datetime) -> None:
    """Run the check-in rules (urgent, side effect, decline) inside the check-in's transaction."""
    thresholds = thresholds_for(patient.clinic)
    signals = [
        rules.urgent_alert(self_harm_thoughts=revision.self_harm_thoughts),
        rules.side_effect_alert(revision.side_effects or [], revision.local_date, thresholds),
        rules.decline_alert(
            _daily_values(patient.id, revision.local_date - timedelta(days=DECLINE_LOOKBACK_DAYS)),
            revision.local_date,
            thresholds,
        ),
    ]
    for signal in signals:
        if signal is not None:
            raise_alert(patient, signal, "checkin", revision.id, now)


def evaluate_questionnaire(
    patient: Patient,
    instrument: str,
    answers: list[int],
    total: int,
    previous_total: int | None,
    response_id: int,
    now: datetime,
) -> None:
    """Run the questionnaire rules (urgent item 9, worsening) inside the response's transaction."""
    thresholds = thresholds_for(patient.clinic)
    signals = [
        rules.urgent_alert(phq9_answers=answers) if instrument == "phq9" else None,
        rules.worsening_alert(instrument, total, previous_total, thresholds),
    ]
    for signal in signals:
        if signal is not None:
            raise_alert(patient, signal, "questionnaire_response", response_id, now)


def evaluate_missed_checkins(now: datetime | None = None, clinic_id: int | None = None) -> int:
    """The daily missed-check-in rule for every enrolled patient (of one clinic, when given);
    answers how many alerts were raised.

    An idempotent function of `now`: run twice, it raises nothing new (one open alert per kind),
    and check-ins dated after `now` (in the patient's zone) are not counted.
    """
    now = now or utcnow()
    begin_write()
    raised = raise_missed_checkins(now, clinic_id)
    db.session.commit()
    return raised


def raise_missed_checkins(now: datetime, clinic_id: int | None = None) -> int:
    """`evaluate_missed_checkins` inside the caller's transaction (the demo seed uses it)."""
    last = (
        select(CheckIn.patient_id, func.max(CheckIn.local_date).label("last_on"))
        .group_by(CheckIn.patient_id)
        .subquery()
    )
    query = (
        select(Patient, last.c.last_on)
        .outerjoin(last, last.c.patient_id == Patient.id)
        .where(Patient.enrolled_at.is_not(None))
        .order_by(Patient.id)
    )
    if clinic_id is not None:
        query = query.where(Patient.clinic_id == clinic_id)
    raised = 0
    for patient, last_on in db.session.execute(query).all():
        zone = ZoneInfo(patient.timezone)
        today = now.astimezone(zone).date()
        if last_on is not None and last_on > today:  # evaluating a past `now`
            last_on = db.session.scalar(
                select(func.max(CheckIn.local_date)).where(
                    CheckIn.patient_id == patient.id, CheckIn.local_date <= today
                )
            )
        enrolled_on = patient.enrolled_at.astimezone(zone).date()
        signal = rules.missed_alert(today, last_on, enrolled_on, thresholds_for(patient.clinic))
        if signal is not None and raise_alert(patient, signal, "rule", None, now):
            raised += 1
    return raised


def _alert_for(actor: User, alert_id: int) -> Alert:
    require_staff(actor)
    alert = db.session.scalar(
        select(Alert).where(Alert.id == alert_id, Alert.clinic_id == actor.clinic_id)
    )
    if alert is None:
        raise NotFoundError("Alert not found.")
    return alert


def with_staff(alerts: list[Alert]) -> list[Alert]:
    """Set who handled each alert (one query), so the clinic reads a colleague, not a user id:
    `acknowledged_by_name` and `_email`, `resolved_by_name` and `_email` (a name may be None)."""
    ids = {i for a in alerts for i in (a.acknowledged_by_id, a.resolved_by_id) if i is not None}
    staff = (
        {
            user_id: (name, email)
            for user_id, name, email in db.session.execute(
                select(User.id, User.display_name, User.email).where(User.id.in_(ids))
            )
        }
        if ids
        else {}
    )
    for alert in alerts:
        alert.acknowledged_by_name, alert.acknowledged_by_email = staff.get(
            alert.acknowledged_by_id, (None, None)
        )
        alert.resolved_by_name, alert.resolved_by_email = staff.get(
            alert.resolved_by_id, (None, None)
        )
    return alerts


def list_alerts(actor: User, status: str | None = None, patient_id: int | None = None) -> list[Any]:
    """The clinic's alerts, most pressing first, with the patient's name (one query).

    `status` is open, acknowledged, resolved or "active" (open and acknowledged).
    """
    require_staff(actor)
    if patient_id is not None:
        patient_id = resolve_patient(actor, patient_id).id  # another clinic's patient: 404
    query = (
        select(Alert, Patient.display_name)
        .join(Patient, Patient.id == Alert.patient_id)
        .where(Alert.clinic_id == actor.clinic_id)
    )
    if status == "active":
        query = query.where(Alert.status != "resolved")
    elif status is not None:
        query = query.where(Alert.status == status)
    if patient_id is not None:
        query = query.where(Alert.patient_id == patient_id)
    rows = db.session.execute(query.order_by(Alert.raised_at.desc(), Alert.id.desc())).all()
    order = {severity: rank for rank, severity in enumerate(rules.ALERT_SEVERITIES)}
    items = []
    for alert, name in rows:
        alert.patient_name = name
        items.append(alert)
    items.sort(key=lambda a: (a.status == "resolved", order.get(a.severity, 9)))
    with_staff(items)
    begin_write()
    audit.record("alerts.read", actor=actor, patient_id=patient_id, resource="alerts")
    db.session.commit()
    return items


def acknowledge_alert(
    actor: User, alert_id: int, note: str | None = None, now: datetime | None = None
) -> Alert:
    """A clinician has seen the alert and is acting on it, optionally saying how.

    Acknowledging again changes nothing; with a note that would be lost, so it is refused.
    """
    now = now or utcnow()
    note = (note or "").strip() or None
    begin_write()
    alert = _alert_for(actor, alert_id)
    if alert.status == "resolved":
        raise ConflictError("This alert is already resolved.")
    changed = alert.status == "open"
    if changed:
        alert.status = "acknowledged"
        alert.acknowledged_at = now
        alert.acknowledged_by_id = actor.id
        alert.acknowledgment_note = note
    elif note is not None:
        raise ConflictError(
            "This alert is already acknowledged; its note was not kept. Resolve it with a note."
        )
    # Audited even when it was already acknowledged: the answer shows the alert to this user.
    audit.record(
        "alert.acknowledge",
        actor=actor,
        patient_id=alert.patient_id,
        resource=f"alerts/{alert.id}",
        outcome="ok" if changed else "unchanged",
    )
    db.session.commit()
    return with_staff([alert])[0]


def resolve_alert(actor: User, alert_id: int, note: str, now: datetime | None = None) -> Alert:
    """Close the alert with a note saying what was done; a new one of its kind may then open."""
    now = now or utcnow()
    if not note or not note.strip():
        raise InvalidInput({"note": ["Say what was done to resolve the alert."]})
    begin_write()
    alert = _alert_for(actor, alert_id)
    if alert.status == "resolved":
        raise ConflictError("This alert is already resolved.")
    if alert.acknowledged_at is None:
        alert.acknowledged_at = now
        alert.acknowledged_by_id = actor.id
    alert.status = "resolved"
    alert.open_kind = None
    alert.resolved_at = now
    alert.resolved_by_id = actor.id
    alert.resolution_note = note.strip()
    audit.record(
        "alert.resolve", actor=actor, patient_id=alert.patient_id, resource=f"alerts/{alert.id}"
    )
    db.session.commit()
    return with_staff([alert])[0]

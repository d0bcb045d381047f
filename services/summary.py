"""The "since last visit" summary a clinician prints for a follow-up evaluation."""

from collections import Counter
from datetime import date, datetime, timedelta
from statistics import fmean
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select

from clinical.daily import SCALES, improvement
from models import Alert, CheckIn, User, db, utcnow
from services import audit
from services.alerts import with_staff
from services.errors import InvalidInput
from services.outcomes import compute_outcomes, load_history
from services.patients import require_staff, resolve_patient

# Daily means "before" the visit are taken over this many days before `since`.
BEFORE_DAYS = 14
DEFAULT_SINCE_DAYS = 28


def _mean(values: list[int]) -> float | None:
    return round(fmean(values), 2) if values else None


def visit_summary(
    actor: User, pid: str | int, since: date | None = None, now: datetime | None = None
) -> dict[str, Any]:
    """What happened between `since` (default: the last session, else 28 days ago) and today."""
    require_staff(actor)
    now = now or utcnow()
    patient = resolve_patient(actor, pid)
    today = now.astimezone(ZoneInfo(patient.timezone)).date()
    history = load_history(patient)
    if since is None:
        past = [s.local_date for s in history.sessions if s.local_date < today]
        since = past[-1] if past else today - timedelta(days=DEFAULT_SINCE_DAYS)
    if since > today:
        raise InvalidInput({"since": ["The summary cannot start in the future."]})
    checkins = list(
        db.session.scalars(
            select(CheckIn)
            .where(
                CheckIn.patient_id == patient.id,
                CheckIn.local_date >= since - timedelta(days=BEFORE_DAYS),
            )
            .order_by(CheckIn.local_date)
        )
    )
    period = [c for c in checkins if since <= c.local_date <= today]
    before = [c for c in checkins if c.local_date < since]
    days = (today - since).days + 1
    daily = []
    for code, scale in SCALES.items():
        before_mean = _mean([getattr(c, code) for c in before])
        after_mean = _mean([getattr(c, code) for c in period])
        change = None
        if before_mean is not None and after_mean is not None:
            change = round(improvement(scale.direction, before_mean, after_mean), 2)
        daily.append(
            {
                "code": code,
                "label": scale.label,
                "direction": scale.direction,
                "before_mean": before_mean,
                "after_mean": after_mean,
                "improvement": change,
            }
        )
    effects = Counter((e["name"], e["severity"]) for c in period for e in (c.side_effects or []))
    alerts = db.session.scalars(
        select(Alert)
        .where(
            Alert.patient_id == patient.id,
            or_(
                Alert.status != "resolved",
                Alert.raised_at
                >= datetime.combine(since, datetime.min.time(), ZoneInfo(patient.timezone)),
            ),
        )
        .order_by(Alert.raised_at)
    )
    outcomes = compute_outcomes(history, now)
    audit.record_staff_read(actor, patient.id, f"patients/{patient.id}/summary")
    return {
        "patient": patient,
        "since": since,
        "until": today,
        "sessions": [s for s in history.sessions if since <= s.local_date <= today],
        "adherence": {"days": days, "checkins": len(period), "rate": round(len(period) / days, 2)},
        "daily": daily,
        "questionnaires": [q for q in history.questionnaires if since <= q.local_date <= today],
        "outcomes": outcomes["measures"],
        "durability": [s for s in outcomes["sessions"] if s["local_date"] >= since.isoformat()],
        "alerts": with_staff(list(alerts)),
        "side_effects": [
            {"name": name, "severity": severity, "count": count}
            for (name, severity), count in sorted(effects.items())
        ],
        "notes": [{"local_date": c.local_date, "note": c.note} for c in period if c.note],
        "late_entries": sum(1 for c in period if c.late_entry),
    }

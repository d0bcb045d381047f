"""Builders that record patient data through the real use-cases, for tests that need a history."""

import uuid
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from services import checkins as checkin_service


def earlier_today(timezone: str, minutes: int) -> datetime:
    """`minutes` ago, but not before midnight in `timezone` (a patient's): a session recorded
    then is never dated before the enrolment of a patient the test created (a few minutes after
    local midnight, `minutes` ago is yesterday there, and the service refuses it)."""
    zone = ZoneInfo(timezone)
    now = datetime.now(UTC)
    midnight = datetime.combine(now.astimezone(zone).date(), time(), zone).astimezone(UTC)
    return max(now - timedelta(minutes=minutes), midnight)


def check_in_days_ago(actor, days_back: int, mood: int, **extra) -> None:
    """Record the patient's check-in as if submitted `days_back` local days ago, at this wall-clock
    time in their zone (anxiety 5, pain 2 unless given). Local days, not 24-hour steps: across a
    daylight-saving change those may land on the day before."""
    zone = ZoneInfo(actor.user.patient.timezone)
    then = datetime.now(zone) - timedelta(days=days_back)  # wall-clock arithmetic in the zone
    now = then.astimezone(UTC)
    body = {
        "submit_id": uuid.uuid4(),
        "local_date": then.date(),
        "mood": mood,
        "anxiety": 5,
        "pain": 2,
        "side_effects": [],
        **extra,
    }
    checkin_service.record_checkin(actor.user, "me", body, now=now)

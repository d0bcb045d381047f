"""Which reminder a patient is due for at an instant, and when to look at them next.

Shared by the tick (which claims) and the settings use-case (which recomputes `next_due_at`);
no database access: callers pass in today's delivery rows and whether today has a check-in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from models import ReminderDelivery
from services.reminders.times import (
    followup_instant,
    local_instant,
    next_reminder_after,
    parse_local_time,
)

# A follow-up only follows a daily reminder that reached a device.
DELIVERED = ("sent", "clicked")
# Statuses after which a daily reminder may still turn out delivered.
OPEN_OR_DELIVERED = ("queued", *DELIVERED)


@dataclass(frozen=True)
class PatientDay:
    """One patient's reminder state on their local `today`."""

    zone: ZoneInfo
    today: date
    local_time: str
    weekdays: tuple[int, ...]
    checked_in: bool
    daily: ReminderDelivery | None
    followup: ReminderDelivery | None
    followup_after: timedelta | None

    @property
    def reminder_day(self) -> bool:
        return self.today.weekday() in self.weekdays


def due_kind(day: PatientDay, now: datetime) -> str | None:
    """ "daily", "followup" or None: what to claim for this patient at `now`.

    Daily: a selected weekday, the local reminder time has passed today, no check-in today, no
    daily row yet. Follow-up: the daily reminder was delivered, `followup_after` has passed since
    it was claimed, still no check-in, no follow-up row, and it is still the same local day.
    """
    if not day.reminder_day or day.checked_in:
        return None
    if day.daily is None:
        at = parse_local_time(day.local_time)
        return "daily" if local_instant(day.today, at, day.zone) <= now else None
    if (
        day.followup is None
        and day.followup_after is not None
        and day.daily.status in DELIVERED
        and day.daily.claimed_at is not None
    ):
        instant = followup_instant(day.today, day.daily.claimed_at, day.followup_after, day.zone)
        if instant is not None and instant <= now:
            return "followup"
    return None


def next_wake(day: PatientDay, now: datetime, claimed: str | None = None) -> datetime | None:
    """When the tick should look at this patient again, strictly after `now`: the next daily
    reminder, or today's follow-up when one may still be due. `claimed` is the kind just claimed
    at `now`, if any."""
    at = parse_local_time(day.local_time)
    candidates = []
    if (upcoming := next_reminder_after(now, at, day.weekdays, day.zone)) is not None:
        candidates.append(upcoming)
    if day.followup_after is not None and not day.checked_in and claimed != "followup":
        daily_claimed_at = None
        if claimed == "daily":
            daily_claimed_at = now
        elif (
            day.daily is not None and day.followup is None and day.daily.status in OPEN_OR_DELIVERED
        ):
            daily_claimed_at = day.daily.claimed_at
        if daily_claimed_at is not None:
            instant = followup_instant(day.today, daily_claimed_at, day.followup_after, day.zone)
            if instant is not None and instant > now:
                candidates.append(instant)
    return min(candidates, default=None)

"""Reminder maths: a patient's local reminder time on a local date, as a UTC instant.

Pure functions (no database). Daylight saving, in the patient's IANA zone:
- a local time that does not exist that day (spring forward) fires at the first valid minute
  after it: 02:30 in New York on the spring-forward day is 03:00 EDT;
- a local time that happens twice (fall back) fires at its first occurrence (fold=0); the unique
  delivery row makes sure it fires once.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

HHMM = re.compile(r"^(?:[01]\d|2[0-3]):[0-5]\d$")
ALL_WEEKDAYS = (0, 1, 2, 3, 4, 5, 6)
# Longest stretch of local time a zone has ever skipped: Samoa dropped 30 December 2011.
_MAX_GAP_MINUTES = 25 * 60


def parse_local_time(text: str) -> time:
    """ "HH:MM" (24 h) as a time; raises ValueError otherwise."""
    if not isinstance(text, str) or not HHMM.match(text):
        raise ValueError("local time must be HH:MM, 00:00 to 23:59")
    hours, minutes = text.split(":")
    return time(int(hours), int(minutes))


def _exists(wall: datetime, zone: ZoneInfo) -> bool:
    """Whether the naive local wall time occurs in `zone` (it does not inside a DST gap)."""
    aware = wall.replace(tzinfo=zone, fold=0)
    return aware.astimezone(UTC).astimezone(zone).replace(tzinfo=None) == wall


def local_instant(day: date, at: time, zone: ZoneInfo) -> datetime:
    """The UTC instant of local wall time `at` on `day` in `zone`.

    Inside a gap, the first valid minute after it; in a repeated hour, the first occurrence.
    """
    wall = datetime.combine(day, at)
    for _ in range(_MAX_GAP_MINUTES):
        if _exists(wall, zone):
            return wall.replace(tzinfo=zone, fold=0).astimezone(UTC)
        wall += timedelta(minutes=1)
    raise ValueError(f"no valid local time after {day} {at} in {zone.key}")


def local_day_end(day: date, zone: ZoneInfo) -> datetime:
    """The UTC instant the local `day` ends (the next day's first valid minute)."""
    return local_instant(day + timedelta(days=1), time(0, 0), zone)


def local_date(moment: datetime, zone: ZoneInfo) -> date:
    return moment.astimezone(zone).date()


def next_reminder_after(
    moment: datetime, at: time, weekdays: Iterable[int], zone: ZoneInfo
) -> datetime | None:
    """The first daily reminder instant strictly after `moment` on a selected weekday
    (0 = Monday), or None when no weekday is selected."""
    selected = set(weekdays)
    if not selected:
        return None
    start = local_date(moment, zone) - timedelta(days=1)
    for offset in range(9):
        day = start + timedelta(days=offset)
        if day.weekday() in selected:
            instant = local_instant(day, at, zone)
            if instant > moment:
                return instant
    raise AssertionError("a selected weekday occurs within a week")


def followup_instant(
    day: date, daily_claimed_at: datetime, after: timedelta, zone: ZoneInfo
) -> datetime | None:
    """When the follow-up to `day`'s daily reminder is due, or None when that would fall on the
    next local day (a follow-up never crosses midnight)."""
    instant = daily_claimed_at + after
    return instant if instant < local_day_end(day, zone) else None

"""Reminder maths across daylight saving: every minute of every transition day, several zones."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from services.reminders.times import (
    followup_instant,
    local_day_end,
    local_instant,
    next_reminder_after,
    parse_local_time,
)

NY, LONDON, SYDNEY = (
    ZoneInfo(z) for z in ("America/New_York", "Europe/London", "Australia/Sydney")
)
# (zone, local date of the transition, first skipped or repeated wall minute, length)
SPRING = [
    (NY, date(2026, 3, 8), time(2, 0)),
    (LONDON, date(2026, 3, 29), time(1, 0)),
    (SYDNEY, date(2026, 10, 4), time(2, 0)),
]
FALL = [
    (NY, date(2026, 11, 1), time(1, 0)),
    (LONDON, date(2026, 10, 25), time(1, 0)),
    (SYDNEY, date(2026, 4, 5), time(2, 0)),
]


def _wall(instant: datetime, zone: ZoneInfo) -> datetime:
    return instant.astimezone(zone).replace(tzinfo=None)


@pytest.mark.parametrize("text", ["00:00", "07:05", "19:00", "23:59"])
def test_parse_local_time_accepts_hh_mm(text):
    assert parse_local_time(text).strftime("%H:%M") == text


@pytest.mark.parametrize("text", ["24:00", "25:00", "7:00", "19:60", "19:00:00", "", "noon", None])
def test_parse_local_time_refuses_anything_else(text):
    with pytest.raises(ValueError):
        parse_local_time(text)


@pytest.mark.parametrize(("zone", "day", "gap_start"), SPRING, ids=lambda v: str(v))
def test_spring_forward_every_minute_of_the_day(zone, day, gap_start):
    """A skipped wall time fires at the first valid minute after the gap; others exactly."""
    gap_start_wall = datetime.combine(day, gap_start)
    gap_end_wall = gap_start_wall + timedelta(hours=1)
    for minute in range(24 * 60):
        wanted = datetime.combine(day, time()) + timedelta(minutes=minute)
        instant = local_instant(day, wanted.time(), zone)
        assert instant.tzinfo is UTC
        if gap_start_wall <= wanted < gap_end_wall:
            assert _wall(instant, zone) == gap_end_wall, wanted
        else:
            assert _wall(instant, zone) == wanted, wanted


@pytest.mark.parametrize(("zone", "day", "repeat_start"), FALL, ids=lambda v: str(v))
def test_fall_back_every_minute_of_the_day(zone, day, repeat_start):
    """A repeated wall time maps to its first occurrence (the earlier UTC instant)."""
    repeat_wall = datetime.combine(day, repeat_start)
    for minute in range(24 * 60):
        wanted = datetime.combine(day, time()) + timedelta(minutes=minute)
        instant = local_instant(day, wanted.time(), zone)
        assert _wall(instant, zone) == wanted
        if repeat_wall <= wanted < repeat_wall + timedelta(hours=1):
            later = wanted.replace(tzinfo=zone, fold=1).astimezone(UTC)
            assert instant == later - timedelta(hours=1)


def test_the_named_cases():
    # New York: 02:30 does not exist on 8 March 2026; it fires at 03:00 EDT (07:00 UTC).
    assert local_instant(date(2026, 3, 8), time(2, 30), NY) == datetime(
        2026, 3, 8, 7, 0, tzinfo=UTC
    )
    # New York: 01:30 happens twice on 1 November 2026; the first (EDT) is 05:30 UTC.
    assert local_instant(date(2026, 11, 1), time(1, 30), NY) == datetime(
        2026, 11, 1, 5, 30, tzinfo=UTC
    )
    # 19:00 on both transition days is not an hour off.
    assert local_instant(date(2026, 3, 8), time(19), NY) == datetime(2026, 3, 8, 23, tzinfo=UTC)
    assert local_instant(date(2026, 11, 1), time(19), NY) == datetime(2026, 11, 2, 0, tzinfo=UTC)
    # Sydney (southern hemisphere): spring forward in October, fall back in April.
    assert local_instant(date(2026, 10, 4), time(2, 30), SYDNEY) == datetime(
        2026, 10, 3, 16, 0, tzinfo=UTC
    )
    assert local_instant(date(2026, 4, 5), time(2, 30), SYDNEY) == datetime(
        2026, 4, 4, 15, 30, tzinfo=UTC
    )


def test_a_day_is_23_or_25_hours_long_on_transition_days():
    assert local_day_end(date(2026, 3, 8), NY) - local_instant(date(2026, 3, 8), time(), NY) == (
        timedelta(hours=23)
    )
    assert local_day_end(date(2026, 11, 1), NY) - local_instant(
        date(2026, 11, 1), time(), NY
    ) == timedelta(hours=25)


def test_samoa_skipped_a_whole_day():
    apia = ZoneInfo("Pacific/Apia")
    # 30 December 2011 did not exist in Samoa: its reminder comes at the first valid minute.
    instant = local_instant(date(2011, 12, 30), time(19), apia)
    assert _wall(instant, apia) == datetime(2011, 12, 31, 0, 0)


def test_next_reminder_after_respects_weekdays_and_is_strictly_later():
    at = time(19)
    monday_19 = local_instant(date(2026, 3, 9), at, NY)
    assert next_reminder_after(monday_19 - timedelta(seconds=1), at, [0], NY) == monday_19
    assert next_reminder_after(monday_19, at, [0], NY) == local_instant(date(2026, 3, 16), at, NY)
    assert next_reminder_after(monday_19, at, range(7), NY) == local_instant(
        date(2026, 3, 10), at, NY
    )
    assert next_reminder_after(monday_19, at, [], NY) is None


def test_a_followup_never_crosses_local_midnight():
    day = date(2026, 3, 9)
    claimed = local_instant(day, time(20, 59), NY)
    assert followup_instant(day, claimed, timedelta(hours=3), NY) == claimed + timedelta(hours=3)
    late = local_instant(day, time(21, 0), NY)
    assert followup_instant(day, late, timedelta(hours=3), NY) is None

"""Builders for daily series used across the clinical tests."""

from collections.abc import Sequence
from datetime import date, timedelta

SESSION = date(2025, 3, 10)


def daily(start: date, values: Sequence[float | None]) -> list[tuple[date, float | None]]:
    """(local_date, value) pairs for consecutive days from `start`, one per value."""
    return [(start + timedelta(days=i), value) for i, value in enumerate(values)]


def around(
    session_on: date, before: Sequence[float | None], after: Sequence[float | None]
) -> list[tuple[date, float | None]]:
    """`before` ends the day before the session; `after` starts the day after it."""
    return daily(session_on - timedelta(days=len(before)), before) + daily(
        session_on + timedelta(days=1), after
    )


def day(n: int, session_on: date = SESSION) -> date:
    """The local date `n` days after the session (negative: before)."""
    return session_on + timedelta(days=n)

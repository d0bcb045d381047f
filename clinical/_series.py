"""Helpers shared by the daily-series rules: validate a series and average windows of days."""

from collections.abc import Iterable
from datetime import date, timedelta
from numbers import Real

from clinical.daily import SCALE_MAX, SCALE_MIN

DailyValues = Iterable[tuple[date, float | None]]

# Comparisons at a threshold tolerate floating-point noise from averaging
# (for example a mean of 5.4999999999 against a cut of 5.5).
EPSILON = 1e-9


def is_number(value: object) -> bool:
    """True for int and float values, False for bool (a bool is an int in Python)."""
    return isinstance(value, Real) and not isinstance(value, bool)


def by_date(values: DailyValues) -> dict[date, float]:
    """Map each local date to its score, dropping days whose value is None.

    Raises ValueError for a repeated date, a date that is not a `datetime.date`
    (or is a `datetime`), or a score that is not a number from 0 to 10. The
    messages name the problem, never the value.
    """
    result: dict[date, float] = {}
    seen: set[date] = set()
    for day, value in values:
        if not isinstance(day, date) or hasattr(day, "hour"):
            raise ValueError("each daily value needs a local date (datetime.date)")
        if day in seen:
            raise ValueError("a daily series may hold only one value per local date")
        seen.add(day)
        if value is None:
            continue
        if not is_number(value) or not SCALE_MIN <= value <= SCALE_MAX:
            raise ValueError(f"daily scores must be numbers from {SCALE_MIN} to {SCALE_MAX}")
        result[day] = float(value)
    return result


def days(start: date, end: date) -> list[date]:
    """Every local date from `start` to `end`, both included (empty when end < start)."""
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]


def window_mean(values: dict[date, float], start: date, end: date) -> tuple[float | None, int]:
    """Mean of the values present from `start` to `end` (inclusive) and how many there were."""
    present = [values[day] for day in days(start, end) if day in values]
    if not present:
        return None, 0
    return sum(present) / len(present), len(present)

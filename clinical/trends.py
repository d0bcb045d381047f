"""Daily series with trailing 7-day means, and the direction of change over a period.

Source: DESIGN.md §1 ("trend chart of the daily scores") and §5 (GET /trends:
"daily series with 7-day means, direction of each scale"); thresholds are local
conventions documented in docs/clinical.md "Trends".
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from clinical._series import EPSILON, by_date, days, window_mean
from clinical.daily import Direction, daily_scale, improvement

ChangeDirection = Literal["improving", "worsening", "stable", "insufficient_data"]

MEAN_WINDOW_DAYS = 7
# The period's first and last 7 days are compared; each needs at least 3 rated
# days, and the two windows must not overlap (a period of at least 14 days).
MIN_DAYS_PER_END = 3
# A change of the 7-day mean under 1 point on the 0-10 scale is "stable": half
# the ~2-point minimal important change of a pain NRS (Farrar 2001), and within
# the day-to-day noise of a single-item rating.
STABLE_THRESHOLD = 1.0


@dataclass(frozen=True)
class TrendPoint:
    """One local day: its score (None when not rated) and the trailing 7-day mean."""

    local_date: date
    value: float | None
    mean_7d: float | None
    days_in_mean: int


@dataclass(frozen=True)
class Trend:
    """A scale's daily series over a period and which way it moved.

    `change` is the improvement of the last 7 days' mean over the first 7
    days' mean, in points, positive is better (whatever the scale's direction).
    """

    scale: str
    scale_direction: Direction
    points: tuple[TrendPoint, ...]
    change_direction: ChangeDirection
    start_mean: float | None
    end_mean: float | None
    change: float | None
    threshold: float


def daily_series(
    values: Sequence[tuple[date, float | None]],
    start: date | None = None,
    end: date | None = None,
    window_days: int = MEAN_WINDOW_DAYS,
) -> list[TrendPoint]:
    """One point per local day from `start` to `end` with the trailing mean of rated days.

    The mean for day d is the mean of the scores present on d-6 .. d (values
    before `start` count when given); None when none of those days was rated.
    `start`/`end` default to the first and last dates in `values`.
    Source: DESIGN.md §5 "daily series with 7-day means".
    """
    if window_days < 1:
        raise ValueError("the mean window needs at least one day")
    scores = by_date(values)
    dated = [day for day, _ in values]
    if not dated and (start is None or end is None):
        return []
    first = start if start is not None else min(dated)
    last = end if end is not None else max(dated)
    points = []
    for day in days(first, last):
        mean, count = window_mean(scores, day - timedelta(days=window_days - 1), day)
        points.append(TrendPoint(day, scores.get(day), mean, count))
    return points


def change_direction(
    scale: str,
    values: Sequence[tuple[date, float | None]],
    start: date,
    end: date,
    threshold: float = STABLE_THRESHOLD,
) -> tuple[ChangeDirection, float | None, float | None, float | None]:
    """Direction of change between the period's first and last 7 days, respecting the scale.

    Returns (direction, start_mean, end_mean, change); change is positive when better.
    Source: local convention, docs/clinical.md "Trends" (threshold 1 point, ≥3 days per end).
    """
    direction = daily_scale(scale).direction
    scores = by_date(values)
    if (end - start).days + 1 < 2 * MEAN_WINDOW_DAYS:
        return "insufficient_data", None, None, None
    start_mean, start_count = window_mean(
        scores, start, start + timedelta(days=MEAN_WINDOW_DAYS - 1)
    )
    end_mean, end_count = window_mean(scores, end - timedelta(days=MEAN_WINDOW_DAYS - 1), end)
    if start_mean is None or end_mean is None:
        return "insufficient_data", start_mean, end_mean, None
    if start_count < MIN_DAYS_PER_END or end_count < MIN_DAYS_PER_END:
        return "insufficient_data", start_mean, end_mean, None
    change = improvement(direction, start_mean, end_mean)
    if change >= threshold - EPSILON:
        return "improving", start_mean, end_mean, change
    if change <= -threshold + EPSILON:
        return "worsening", start_mean, end_mean, change
    return "stable", start_mean, end_mean, change


def trend(
    scale: str,
    values: Sequence[tuple[date, float | None]],
    start: date,
    end: date,
    threshold: float = STABLE_THRESHOLD,
) -> Trend:
    """The daily series of `scale` from `start` to `end` with its direction of change.

    Source: DESIGN.md §5 GET /trends; docs/clinical.md "Trends".
    """
    if end < start:
        raise ValueError("a trend period must end on or after its start")
    points = daily_series(values, start, end)
    moved, start_mean, end_mean, change = change_direction(scale, values, start, end, threshold)
    return Trend(
        scale=scale,
        scale_direction=daily_scale(scale).direction,
        points=tuple(points),
        change_direction=moved,
        start_mean=start_mean,
        end_mean=end_mean,
        change=change,
        threshold=threshold,
    )

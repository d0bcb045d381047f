"""Daily series with trailing 7-day means, and the direction of change over a period.

Source: DESIGN.md §1 ("trend chart of the daily scores") and §5 (GET /trends:
"daily series with 7-day means, direction of each scale"); thresholds are local
conventions documented in docs/clinical.md "Trends".
"""

from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from clinical._series import EPSILON, by_date, window_mean
from clinical.daily import SCALE_MAX, SCALE_MIN, Direction, daily_scale, improvement

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
class DailyMeans:
    """A period's days as columns: index i is the local day `start + i`, its score (None when
    not rated), its trailing mean (None when no day of the window was rated) and how many
    rated days that mean holds. The same numbers as `daily_series`, without a point a day."""

    start: date
    values: list[float | None]
    means: list[float | None]
    counts: list[int]

    @property
    def points(self) -> list[TrendPoint]:
        """The series a point a day, as `daily_series` answers it."""
        start = self.start
        return [
            TrendPoint(start + timedelta(days=i), value, mean, count)
            for i, (value, mean, count) in enumerate(
                zip(self.values, self.means, self.counts, strict=True)
            )
        ]


@dataclass(frozen=True)
class Trend:
    """A scale's daily series over a period and which way it moved.

    `change` is the improvement of the last 7 days' mean over the first 7
    days' mean, in points, positive is better (whatever the scale's direction).
    """

    scale: str
    scale_direction: Direction
    series: DailyMeans
    change_direction: ChangeDirection
    start_mean: float | None
    end_mean: float | None
    change: float | None
    threshold: float

    @property
    def points(self) -> tuple[TrendPoint, ...]:
        """The daily series a point a day (made on each access: `series` is what is kept)."""
        return tuple(self.series.points)


def _scores(values: Sequence[tuple[date, float | None]]) -> dict[date, float]:
    """`by_date(values)`, checked in one quick pass when every date is a plain `date` and every
    score None or an int or float in range (as stored check-ins are); anything else, and every
    error, goes through `by_date` itself, which holds the rules and their messages."""
    scores: dict[date, float] = {}
    for day, value in values:
        if type(day) is not date:
            return by_date(values)
        if value is None:
            continue
        if (type(value) is not int and type(value) is not float) or not (
            SCALE_MIN <= value <= SCALE_MAX
        ):
            return by_date(values)
        scores[day] = float(value)
    if len({day for day, _ in values}) != len(values):
        return by_date(values)  # a repeated date
    return scores


def _trailing_means(
    scores: dict[date, float], first: date, last: date, window_days: int
) -> DailyMeans:
    """One pass over the days from `first - (window_days - 1)` to `last`, the window sliding a
    day at a time: the day's score joins it, the score of the day `window_days` earlier leaves.
    The window keeps its rated scores in date order and each mean is their `sum / len`, the
    same arithmetic as `window_mean`, so the means are equal to the naive ones to the last bit."""
    length = (last - first).days + 1
    if length <= 0:
        return DailyMeans(first, [], [], [])
    lead = window_days - 1
    base = first.toordinal() - lead
    slots: list[float | None] = [None] * (length + lead)
    for day, value in scores.items():
        index = day.toordinal() - base
        if 0 <= index < length + lead:
            slots[index] = value
    means: list[float | None] = []
    counts: list[int] = []
    if all(map(float.is_integer, scores.values())):
        # Whole scores (every stored check-in's): their sum is exact in a float whatever the
        # order, so a running total gives `sum / len` to the last bit without re-adding.
        rated = [value for value in slots[:lead] if value is not None]
        total, count = sum(rated), len(rated)
        for value, oldest in zip(slots[lead:], slots, strict=False):
            if value is not None:
                total += value
                count += 1
            means.append(total / count if count else None)
            counts.append(count)
            if oldest is not None:
                total -= oldest
                count -= 1
        return DailyMeans(first, slots[lead:], means, counts)
    # As day i joins, the window holds the rated scores of days i - window_days + 1 .. i - 1.
    window: deque[float] = deque(value for value in slots[:lead] if value is not None)
    for value, oldest in zip(slots[lead:], slots, strict=False):
        if value is not None:
            window.append(value)
        count = len(window)
        means.append(sum(window) / count if count else None)
        counts.append(count)
        if oldest is not None:
            window.popleft()
    return DailyMeans(first, slots[lead:], means, counts)


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
    scores = _scores(values)
    dated = [day for day, _ in values]
    if not dated and (start is None or end is None):
        return []
    first = start if start is not None else min(dated)
    last = end if end is not None else max(dated)
    return _trailing_means(scores, first, last, window_days).points


def _direction(
    direction: Direction,
    start_window: tuple[float | None, int],
    end_window: tuple[float | None, int],
    threshold: float,
) -> tuple[ChangeDirection, float | None, float | None, float | None]:
    """The rule of `change_direction` given the first and last 7 days' (mean, rated days)."""
    (start_mean, start_count), (end_mean, end_count) = start_window, end_window
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
    scores = _scores(values)
    if (end - start).days + 1 < 2 * MEAN_WINDOW_DAYS:
        return "insufficient_data", None, None, None
    return _direction(
        direction,
        window_mean(scores, start, start + timedelta(days=MEAN_WINDOW_DAYS - 1)),
        window_mean(scores, end - timedelta(days=MEAN_WINDOW_DAYS - 1), end),
        threshold,
    )


def trend(
    scale: str,
    values: Sequence[tuple[date, float | None]],
    start: date,
    end: date,
    threshold: float = STABLE_THRESHOLD,
) -> Trend:
    """The daily series of `scale` from `start` to `end` with its direction of change.

    The values are checked once and the 7-day means slide over the period in one pass; the
    direction reads the series' own means of the period's first and last 7 days (the
    trailing means of its 7th and last days), as `change_direction` defines them.
    Source: DESIGN.md §5 GET /trends; docs/clinical.md "Trends".
    """
    if end < start:
        raise ValueError("a trend period must end on or after its start")
    scores = _scores(values)
    direction = daily_scale(scale).direction
    series = _trailing_means(scores, start, end, MEAN_WINDOW_DAYS)
    if len(series.means) < 2 * MEAN_WINDOW_DAYS:
        moved: tuple[ChangeDirection, float | None, float | None, float | None] = (
            "insufficient_data",
            None,
            None,
            None,
        )
    else:
        first_week = MEAN_WINDOW_DAYS - 1
        moved = _direction(
            direction,
            (series.means[first_week], series.counts[first_week]),
            (series.means[-1], series.counts[-1]),
            threshold,
        )
    return Trend(scale, direction, series, *moved, threshold)

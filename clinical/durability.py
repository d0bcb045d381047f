"""Per-session durability: how many days one treatment session's benefit lasted.

Source: DESIGN.md §6 "days from the session until the 3-day mean of the daily
score gives back half of its post-session gain (or 'ongoing')"; clinical.md
"Ketamine course facts" (a single infusion's effect typically fades within
about a week; maintenance is dosed a little before it wears off, Andrade 2017).
The exact procedure and its defaults are in docs/clinical.md "Durability".
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Literal

from clinical._series import EPSILON, by_date, days, window_mean
from clinical.daily import SCALES, daily_scale, improvement, oriented, symptom_burden

DurabilityStatus = Literal[
    "faded", "ongoing", "censored_by_next_session", "no_response", "insufficient_data"
]


@dataclass(frozen=True)
class DurabilityRules:
    """The knobs of the durability computation (defaults are local conventions)."""

    pre_days: int = 7  # days before the session averaged for the pre-session level
    min_pre_days: int = 3  # of which at least this many must be rated
    peak_window_days: int = 14  # the peak is sought at most this many days after the session
    rolling_days: int = 3  # length of the rolling mean
    min_rolling_days: int = 2  # rated days needed in a rolling window
    min_gain: float = 1.0  # smaller gains (0-10 points) count as no response

    def __post_init__(self) -> None:
        if not (
            1 <= self.min_pre_days <= self.pre_days
            and 1 <= self.min_rolling_days <= self.rolling_days
            and self.peak_window_days >= self.rolling_days
            and self.min_gain > 0
        ):
            raise ValueError("inconsistent durability rules")


DEFAULT_RULES = DurabilityRules()

# The pre-treatment level (points from the scale's best end) from which a patient is followed
# on a scale; None: always. Mood is every patient's main scale. Anxiety mirrors pain's rule:
# both are 0-10 higher-is-worse symptom ratings; 4 is where such a rating starts to mean
# "moderate or worse" (Selby 2010, ESAS), and below it the floor leaves little to gain (at most
# the baseline), so half of a gain is a point or so, within the day-to-day noise of one rating.
FOLLOWED_FROM: dict[str, float | None] = {"mood": None, "anxiety": 4.0, "pain": 4.0}


@dataclass(frozen=True)
class Durability:
    """The durability of one session on one daily scale.

    status:
      "faded": the rolling mean gave back half the gain; `days` = half_point_date - session_on.
      "ongoing": not yet faded and no later session; `days` = days so far (to the last rated day).
      "censored_by_next_session": the next session came first; `days` = days to it (a floor).
      "no_response": the gain stayed under `min_gain`; `days` is None.
      "insufficient_data": see `reason`; `days` is None.
    `gain` is in points, positive is better. `provisional` is True while more days
    can still change the result (the peak window is open, or the benefit is ongoing).
    """

    session_on: date
    scale: str
    status: DurabilityStatus
    days: int | None
    pre_level: float | None
    peak_level: float | None
    peak_date: date | None
    gain: float | None
    half_point_date: date | None
    provisional: bool
    reason: str | None = None


def followed_scales(baselines: Mapping[str, float | None]) -> list[str]:
    """The daily scales a patient's session durability is followed on, in `SCALES` order.

    `baselines` holds each scale's pre-treatment daily mean (None or absent: unknown). Mood is
    always followed; anxiety and pain when their pre-treatment mean is at least 4 points from
    the scale's best end (both are higher-is-worse: a mean of 4 or more). An unknown baseline
    is not followed.
    Source: docs/clinical.md §6 "Scales followed" (4+ = moderate or worse, Selby 2010, ESAS).
    """
    followed = []
    for scale, rated in SCALES.items():
        threshold = FOLLOWED_FROM[scale]
        baseline = baselines.get(scale)
        if threshold is None or (
            baseline is not None
            and symptom_burden(rated.direction, baseline) >= threshold - EPSILON
        ):
            followed.append(scale)
    return followed


def session_durability(
    scale: str,
    values: Sequence[tuple[date, float | None]],
    session_on: date,
    next_session_on: date | None = None,
    as_of: date | None = None,
    rules: DurabilityRules = DEFAULT_RULES,
) -> Durability:
    """Days until the 3-day mean of `scale` gives back half of the session's gain.

    `values` are (local_date, score) pairs; `session_on` is the session's local
    date; `next_session_on` the local date of the next session on a later day
    (None when there is none); `as_of` (default: the last rated day) ignores
    later data, and a next session after it has not happened yet.
    Source: DESIGN.md §6 "Durability per session"; docs/clinical.md "Durability".
    """
    direction = daily_scale(scale).direction
    scores = by_date(values)
    if next_session_on is not None and next_session_on <= session_on:
        raise ValueError("the next session must be on a later local date")
    if as_of is not None:
        if as_of < session_on:
            raise ValueError("as_of must not be before the session")
        scores = {day: v for day, v in scores.items() if day <= as_of}
        if next_session_on is not None and next_session_on > as_of:
            next_session_on = None

    blank = Durability(
        session_on=session_on,
        scale=scale,
        status="insufficient_data",
        days=None,
        pre_level=None,
        peak_level=None,
        peak_date=None,
        gain=None,
        half_point_date=None,
        provisional=False,
    )

    pre_level, pre_count = window_mean(
        scores, session_on - timedelta(days=rules.pre_days), session_on - timedelta(days=1)
    )
    if pre_level is None or pre_count < rules.min_pre_days:
        return replace(blank, pre_level=pre_level, reason="too_few_days_before")

    # Only days after the session's own day and before the next session count.
    after = {
        day: v
        for day, v in scores.items()
        if day > session_on and (next_session_on is None or day < next_session_on)
    }
    last_rated = max(after) if after else None
    if next_session_on is not None:
        stop = next_session_on - timedelta(days=1)
    elif as_of is not None:
        stop = as_of
    else:
        stop = last_rated or session_on
    today = as_of if as_of is not None else max(stop, session_on)
    window_end = session_on + timedelta(days=rules.peak_window_days)
    window_closed = next_session_on is not None or today >= window_end
    peak_end = min(window_end, stop)

    peak_level: float | None = None
    peak_date: date | None = None
    first_day = session_on + timedelta(days=rules.rolling_days)
    for day in days(first_day, stop):
        mean, count = window_mean(after, day - timedelta(days=rules.rolling_days - 1), day)
        if mean is None or count < rules.min_rolling_days:
            continue
        if day <= peak_end and (
            peak_level is None
            or oriented(direction, mean) > oriented(direction, peak_level) + EPSILON
        ):
            peak_level, peak_date = mean, day
            continue
        if peak_level is None:
            continue
        gain = improvement(direction, pre_level, peak_level)
        if gain >= rules.min_gain - EPSILON and (
            improvement(direction, pre_level, mean) <= gain / 2 + EPSILON
        ):
            return replace(
                blank,
                status="faded",
                days=(day - session_on).days,
                pre_level=pre_level,
                peak_level=peak_level,
                peak_date=peak_date,
                gain=gain,
                half_point_date=day,
            )

    if peak_level is None or peak_date is None or last_rated is None:
        too_soon = next_session_on is not None and next_session_on <= first_day
        return replace(
            blank,
            pre_level=pre_level,
            provisional=not window_closed,
            reason="next_session_too_soon" if too_soon else "too_few_days_after",
        )
    gain = improvement(direction, pre_level, peak_level)
    reached = replace(blank, pre_level=pre_level, peak_level=peak_level, peak_date=peak_date)
    if gain < rules.min_gain - EPSILON:
        return replace(reached, status="no_response", gain=gain, provisional=not window_closed)
    if next_session_on is not None:
        return replace(
            reached,
            status="censored_by_next_session",
            days=(next_session_on - session_on).days,
            gain=gain,
        )
    return replace(
        reached, status="ongoing", days=(last_rated - session_on).days, gain=gain, provisional=True
    )


def durability_by_session(
    scale: str,
    values: Sequence[tuple[date, float | None]],
    session_dates: Sequence[date],
    as_of: date | None = None,
    rules: DurabilityRules = DEFAULT_RULES,
) -> list[Durability]:
    """Durability of every session, in the order given (sessions on one local date share it).

    Each session's window ends at the next session on a later local date.
    Source: DESIGN.md §6 "Durability per session".
    """
    if as_of is not None and any(day > as_of for day in session_dates):
        raise ValueError("as_of must not be before a session")
    distinct = sorted(set(session_dates))
    results: dict[date, Durability] = {}
    for index, session_on in enumerate(distinct):
        next_on = distinct[index + 1] if index + 1 < len(distinct) else None
        results[session_on] = session_durability(scale, values, session_on, next_on, as_of, rules)
    return [results[day] for day in session_dates]

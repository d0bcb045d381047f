from datetime import date, datetime, timedelta
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clinical.trends import (
    STABLE_THRESHOLD,
    change_direction,
    daily_series,
    trend,
)
from tests.clinical.series import daily

START = date(2025, 1, 1)


def d(n: int) -> date:
    return START + timedelta(days=n)


def test_trailing_mean_uses_only_the_days_present() -> None:
    values = [(d(0), 2), (d(2), 4), (d(9), 6)]
    points = {p.local_date: p for p in daily_series(values)}
    assert len(points) == 10  # one point per day, gaps included
    assert (points[d(0)].value, points[d(0)].mean_7d, points[d(0)].days_in_mean) == (2, 2, 1)
    assert (points[d(1)].value, points[d(1)].mean_7d) == (None, 2)
    assert (points[d(2)].mean_7d, points[d(2)].days_in_mean) == (3, 2)
    assert points[d(6)].mean_7d == 3  # window d0..d6
    assert points[d(7)].mean_7d == 4  # window d1..d7: only d2
    assert points[d(8)].mean_7d == 4  # window d2..d8
    assert (points[d(9)].mean_7d, points[d(9)].days_in_mean) == (6, 1)  # d3..d9: only d9


def test_mean_is_none_when_no_day_in_the_window_was_rated() -> None:
    points = daily_series([(d(0), 5), (d(20), 7)])
    by_day = {p.local_date: p for p in points}
    assert by_day[d(6)].mean_7d == 5
    assert by_day[d(7)].mean_7d is None
    assert by_day[d(7)].days_in_mean == 0
    assert by_day[d(19)].mean_7d is None
    assert by_day[d(20)].mean_7d == 7


def test_values_before_the_period_feed_its_first_means() -> None:
    values = daily(d(0), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
    points = daily_series(values, start=d(7), end=d(12))
    assert [p.local_date for p in points] == [d(n) for n in range(7, 13)]
    assert points[0].mean_7d == pytest.approx(sum(range(2, 9)) / 7)
    assert points[-1].value is None
    assert points[-1].mean_7d == pytest.approx(sum(range(7, 11)) / 4)


def test_empty_series() -> None:
    assert daily_series([]) == []
    assert [p.mean_7d for p in daily_series([], d(0), d(2))] == [None, None, None]


def test_series_input_is_validated() -> None:
    with pytest.raises(ValueError, match="one value per local date"):
        daily_series([(d(0), 1), (d(0), 2)])
    with pytest.raises(ValueError, match="numbers from 0 to 10"):
        daily_series([(d(0), 10.5)])
    with pytest.raises(ValueError, match="numbers from 0 to 10"):
        daily_series([(d(0), True)])


@given(
    st.lists(st.one_of(st.none(), st.integers(0, 10)), min_size=1, max_size=40),
    st.integers(1, 10),
)
def test_trailing_mean_matches_a_brute_force_mean(raw, window: int) -> None:
    values = daily(d(0), raw)
    for i, point in enumerate(daily_series(values, window_days=window)):
        present = [v for v in raw[max(0, i - window + 1) : i + 1] if v is not None]
        assert point.value == raw[i]
        assert point.days_in_mean == len(present)
        if present:
            assert point.mean_7d == pytest.approx(sum(present) / len(present))
        else:
            assert point.mean_7d is None


def two_weeks(first: float, last: float) -> list[tuple[date, float | None]]:
    return daily(d(0), [first] * 7 + [last] * 7)


@pytest.mark.parametrize(
    ("scale", "first", "last", "direction"),
    [
        ("mood", 4, 5, "improving"),  # exactly the 1-point threshold
        ("mood", 4, 4.9, "stable"),
        ("mood", 5, 4, "worsening"),
        ("mood", 5, 4.1, "stable"),
        ("pain", 6, 5, "improving"),  # pain down is better
        ("pain", 5, 6, "worsening"),
        ("anxiety", 3, 7, "worsening"),
        ("anxiety", 7, 3, "improving"),
        ("anxiety", 5, 5, "stable"),
    ],
)
def test_direction_respects_the_scale(scale: str, first, last, direction: str) -> None:
    moved, start_mean, end_mean, change = change_direction(
        scale, two_weeks(first, last), d(0), d(13)
    )
    assert moved == direction
    assert (start_mean, end_mean) == pytest.approx((first, last))
    sign = 1 if scale == "mood" else -1
    assert change == pytest.approx(sign * (last - first))


def test_direction_needs_two_separate_weeks_with_3_days_each() -> None:
    assert change_direction("mood", two_weeks(2, 8), d(0), d(12))[0] == "insufficient_data"
    sparse = daily(d(0), [2, None, 2, None, None, None, None] + [8] * 7)
    assert change_direction("mood", sparse, d(0), d(13))[0] == "insufficient_data"
    enough = daily(d(0), [2, None, 2, None, 2, None, None] + [8] * 7)
    assert change_direction("mood", enough, d(0), d(13))[0] == "improving"
    assert change_direction("mood", [], d(0), d(13))[0] == "insufficient_data"


def test_threshold_is_configurable() -> None:
    values = two_weeks(4, 5)
    assert change_direction("mood", values, d(0), d(13), threshold=2)[0] == "stable"
    assert STABLE_THRESHOLD == 1.0


def test_trend_bundles_series_and_direction() -> None:
    result = trend("pain", two_weeks(7, 3), d(0), d(13))
    assert result.scale == "pain"
    assert result.scale_direction == "higher_is_worse"
    assert len(result.points) == 14
    assert result.points[-1].mean_7d == 3
    assert result.change_direction == "improving"
    assert result.change == pytest.approx(4)
    assert result.threshold == STABLE_THRESHOLD
    with pytest.raises(ValueError, match="end on or after"):
        trend("pain", [], d(5), d(4))
    with pytest.raises(ValueError, match="unknown daily scale"):
        trend("phq9", [], d(0), d(13))


# --- the sliding window against the definition -----------------------------------------------

scores = st.one_of(
    st.none(),
    st.integers(0, 10),
    st.floats(0, 10, allow_nan=False).map(lambda x: round(x, 1)),
)


def naive_series(values, start: date, end: date, window: int) -> list[tuple]:
    """The definition, day by day: the mean of the rated days d-(window-1) .. d."""
    rated = {day: float(value) for day, value in values if value is not None}
    points = []
    for n in range((end - start).days + 1):
        day = start + timedelta(days=n)
        present = [
            rated[day - timedelta(days=k)]
            for k in range(window - 1, -1, -1)
            if day - timedelta(days=k) in rated
        ]
        mean = sum(present) / len(present) if present else None
        points.append((day, rated.get(day), mean, len(present)))
    return points


@given(
    st.lists(st.tuples(st.integers(0, 60), scores), max_size=50, unique_by=lambda pair: pair[0]),
    st.integers(0, 60),
    st.integers(-1, 40),
    st.integers(1, 10),
)
def test_sliding_window_equals_the_definition_exactly(raw, first, length, window) -> None:
    """Unordered dates, gaps, unrated days, values before and after the period and periods
    shorter than the window: every value, mean (to the last bit) and count as the definition."""
    values = [(d(n), value) for n, value in raw]
    start, end = d(first), d(first + length)
    got = [
        (p.local_date, p.value, p.mean_7d, p.days_in_mean)
        for p in daily_series(values, start, end, window_days=window)
    ]
    assert got == naive_series(values, start, end, window)


@given(
    st.lists(st.tuples(st.integers(0, 40), scores), max_size=40, unique_by=lambda pair: pair[0]),
    st.integers(0, 20),
    st.integers(0, 30),
    st.sampled_from(["mood", "anxiety", "pain"]),
)
def test_trend_is_the_series_and_the_direction(raw, first, length, scale) -> None:
    values = [(d(n), value) for n, value in raw]
    start, end = d(first), d(first + length)
    result = trend(scale, values, start, end)
    assert result.series.start == start
    assert list(result.points) == result.series.points == daily_series(values, start, end)
    assert (result.change_direction, result.start_mean, result.end_mean, result.change) == (
        change_direction(scale, values, start, end)
    )


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ([(d(0), None), (d(0), 2)], "one value per local date"),
        ([(d(0), 2), (d(1), 3), (d(0), None)], "one value per local date"),
        ([(datetime(2025, 1, 1, 12), 2)], "local date"),
        ([(d(0), float("nan"))], "numbers from 0 to 10"),
        ([(d(0), -1)], "numbers from 0 to 10"),
        ([(d(0), False)], "numbers from 0 to 10"),
        ([(d(0), "5")], "numbers from 0 to 10"),
    ],
)
def test_every_entry_point_checks_its_values(values, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        daily_series(values)
    with pytest.raises(ValueError, match=message):
        trend("mood", values, d(0), d(13))
    with pytest.raises(ValueError, match=message):
        change_direction("mood", values, d(0), d(13))


def test_values_of_other_number_types_are_still_accepted() -> None:
    values = [(d(0), Fraction(1, 2)), (d(1), 3)]
    assert [p.mean_7d for p in daily_series(values)] == [0.5, 1.75]

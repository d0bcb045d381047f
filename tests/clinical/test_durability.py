from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clinical.durability import (
    DurabilityRules,
    durability_by_session,
    followed_scales,
    session_durability,
)
from tests.clinical.series import SESSION, around, day

PRE = [3] * 7  # mood 3 for the week before the session


def test_responds_and_fades_after_9_days() -> None:
    # Mood 8 on days 1-7 after the session, back to 3 from day 8.
    values = around(SESSION, PRE, [8] * 7 + [3] * 10)
    result = session_durability("mood", values, SESSION)
    assert result.status == "faded"
    assert result.days == 9  # 3-day mean of days 7-9 is (8+3+3)/3 = 4.67 <= 3 + 5/2
    assert result.half_point_date == day(9)
    assert result.pre_level == 3
    assert (result.peak_level, result.peak_date) == (8, day(3))
    assert result.gain == 5
    assert result.provisional is False
    assert result.session_on == SESSION and result.scale == "mood"


def test_pain_fades_the_same_way_with_its_direction_reversed() -> None:
    values = around(SESSION, [7] * 7, [2] * 7 + [7] * 10)  # pain falls, then returns
    result = session_durability("pain", values, SESSION)
    assert (result.status, result.days, result.gain) == ("faded", 9, 5)
    assert result.peak_level == 2


def test_anxiety_fades_the_same_way_with_its_direction_reversed() -> None:
    values = around(SESSION, [8] * 7, [2] * 7 + [8] * 10)  # anxiety falls, then returns
    result = session_durability("anxiety", values, SESSION)
    # Pre 8, peak 2 (gain 6): the half point is a 3-day mean of 5; days 7-9 give (2+8+8)/3 = 6.
    assert (result.status, result.days, result.gain) == ("faded", 9, 6)
    assert (result.peak_level, result.peak_date, result.half_point_date) == (2, day(3), day(9))
    assert result.scale == "anxiety"


def test_anxiety_that_rises_after_a_session_is_no_response_not_a_gain() -> None:
    # Higher anxiety is worse: a rise after the session is no benefit, whatever its size.
    values = around(SESSION, [4] * 7, [8] * 14)
    result = session_durability("anxiety", values, SESSION)
    assert (result.status, result.days) == ("no_response", None)
    assert (result.peak_level, result.gain) == (8, -4)  # 4 points worse: negative
    mood_reading = session_durability("mood", values, SESSION)
    assert mood_reading.status == "ongoing"  # the same numbers read as mood would be a gain


def test_fade_is_reached_at_exactly_half_the_gain() -> None:
    # Pre 4, peak 8 (gain 4): the half point is a 3-day mean of 6.
    exact = around(SESSION, [4] * 7, [8, 8, 8, 8, 6, 6, 6, 6])
    assert session_durability("mood", exact, SESSION).half_point_date == day(7)
    above = around(SESSION, [4] * 7, [8, 8, 8, 8, 6.1, 6.1, 6.1, 6.1])
    result = session_durability("mood", above, SESSION)
    assert result.status == "ongoing"
    assert result.days == 8


def test_never_gains_is_no_response() -> None:
    values = around(SESSION, PRE, [3, 4, 3, 3, 4, 3, 3, 3, 3, 3, 3, 3, 3, 3])  # to day 14
    result = session_durability("mood", values, SESSION)
    assert result.status == "no_response"
    assert result.days is None
    assert result.gain == pytest.approx(1 / 3)
    assert result.provisional is False  # the 14-day peak window has closed


def test_no_response_is_provisional_while_the_peak_window_is_open() -> None:
    values = around(SESSION, PRE, [3, 3, 3, 3, 3])
    result = session_durability("mood", values, SESSION)
    assert (result.status, result.provisional) == ("no_response", True)


def test_minimum_gain_edge() -> None:
    exactly = around(SESSION, [4] * 7, [5] * 14)
    below = around(SESSION, [4] * 7, [4.9] * 14)
    assert session_durability("mood", exactly, SESSION).status == "ongoing"
    assert session_durability("mood", below, SESSION).status == "no_response"


def test_still_high_is_ongoing_with_the_days_so_far() -> None:
    values = around(SESSION, PRE, [8] * 12)
    result = session_durability("mood", values, SESSION)
    assert result.status == "ongoing"
    assert result.days == 12
    assert result.provisional is True
    assert result.half_point_date is None


def test_next_session_before_the_fade_censors_the_result() -> None:
    values = around(SESSION, PRE, [8] * 12)
    result = session_durability("mood", values, SESSION, next_session_on=day(7))
    assert result.status == "censored_by_next_session"
    assert result.days == 7
    assert result.provisional is False


def test_days_from_the_next_session_on_do_not_count() -> None:
    # Mood fell on day 9, but the next session was on day 8: that fall is not this session's.
    values = around(SESSION, PRE, [8] * 7 + [8, 3, 3, 3])
    assert session_durability("mood", values, SESSION, day(8)).status == (
        "censored_by_next_session"
    )
    assert session_durability("mood", values, SESSION).status == "faded"


@pytest.mark.parametrize(
    ("before", "after", "next_on", "reason", "provisional"),
    [
        ([3, 3], [8] * 10, None, "too_few_days_before", False),
        ([3, None, None, None, None, 3, 3], [8] * 10, None, None, None),  # 3 days: enough
        (PRE, [], None, "too_few_days_after", True),
        (PRE, [8, 8], None, "too_few_days_after", True),
        (PRE, [8, None, None, None, 8] + [None] * 12, None, "too_few_days_after", True),
        (PRE, [8, 8], day(3), "next_session_too_soon", False),
    ],
)
def test_insufficient_data(before, after, next_on, reason, provisional) -> None:
    result = session_durability("mood", around(SESSION, before, after), SESSION, next_on)
    if reason is None:
        assert result.status != "insufficient_data"
        return
    assert result.status == "insufficient_data"
    assert result.reason == reason
    assert result.provisional is provisional
    assert result.days is None


def test_as_of_ignores_later_days_and_later_sessions() -> None:
    values = around(SESSION, PRE, [8] * 7 + [3] * 10)
    early = session_durability("mood", values, SESSION, next_session_on=day(12), as_of=day(6))
    assert (early.status, early.days, early.provisional) == ("ongoing", 6, True)
    later = session_durability("mood", values, SESSION, next_session_on=day(12), as_of=day(13))
    assert (later.status, later.days) == ("faded", 9)
    with pytest.raises(ValueError, match="as_of"):
        session_durability("mood", values, SESSION, as_of=day(-1))


def test_peak_window_is_limited() -> None:
    # A late rise on day 16 is past the 14-day peak window: no response to this session.
    values = around(SESSION, PRE, [3] * 15 + [9] * 5)
    assert session_durability("mood", values, SESSION).status == "no_response"
    wide = DurabilityRules(peak_window_days=21)
    assert session_durability("mood", values, SESSION, rules=wide).status == "ongoing"


def test_rolling_mean_tolerates_one_missing_day() -> None:
    values = around(SESSION, PRE, [8, None, 8, 8, 8, 3, None, 3, 3])
    result = session_durability("mood", values, SESSION)
    assert result.peak_date == day(3)  # days 1 and 3 rated
    # Days 5-7 hold 8 and 3 (day 7 unrated): (8 + 3) / 2 = 5.5, exactly half of the gain.
    assert (result.status, result.days) == ("faded", 7)


def test_invalid_arguments() -> None:
    with pytest.raises(ValueError, match="later local date"):
        session_durability("mood", [], SESSION, next_session_on=SESSION)
    with pytest.raises(ValueError, match="unknown daily scale"):
        session_durability("phq9", [], SESSION)
    with pytest.raises(ValueError, match="inconsistent"):
        DurabilityRules(min_pre_days=8)
    with pytest.raises(ValueError, match="inconsistent"):
        DurabilityRules(min_gain=0)


def test_by_session_keeps_the_input_order_and_ends_each_window_at_the_next() -> None:
    second = day(10)
    values = around(SESSION, PRE, [8] * 9 + [8] + [8] * 5 + [3] * 10)
    results = durability_by_session("mood", values, [second, SESSION, second])
    assert [r.session_on for r in results] == [second, SESSION, second]
    assert results[1].status == "censored_by_next_session"
    assert results[1].days == 10
    assert results[0] == results[2]
    # Second session: pre level is days 3-9 (all 8), so its own gain is nil.
    assert results[0].pre_level == 8
    assert results[0].status == "no_response"


def test_by_session_rejects_sessions_after_as_of() -> None:
    with pytest.raises(ValueError, match="as_of"):
        durability_by_session("mood", [], [SESSION, day(5)], as_of=day(2))


series_values = st.lists(st.one_of(st.none(), st.integers(0, 10)), min_size=0, max_size=30)


@given(series_values, series_values)
def test_a_fade_is_final_once_observed(before, after) -> None:
    values = around(SESSION, before, after)
    full = session_durability("mood", values, SESSION)
    if full.status == "faded":
        assert full.half_point_date is not None
        cut = session_durability("mood", values, SESSION, as_of=full.half_point_date)
        assert cut == full
        assert full.days == (full.half_point_date - SESSION).days
        assert full.gain is not None and full.gain >= 1


@pytest.mark.parametrize("symptom", ["pain", "anxiety"])
@given(before=series_values, after=series_values)
def test_mood_and_a_mirrored_symptom_series_agree(symptom, before, after) -> None:
    def mirror(values: list[int | None]) -> list[int | None]:
        return [None if v is None else 10 - v for v in values]

    mood = session_durability("mood", around(SESSION, before, after), SESSION)
    other = session_durability(symptom, around(SESSION, mirror(before), mirror(after)), SESSION)
    assert (mood.status, mood.days, mood.peak_date, mood.half_point_date, mood.reason) == (
        other.status,
        other.days,
        other.peak_date,
        other.half_point_date,
        other.reason,
    )
    if mood.gain is not None:
        assert mood.gain == pytest.approx(other.gain)


@given(series_values, series_values)
def test_status_and_days_are_consistent(before, after) -> None:
    result = session_durability("mood", around(SESSION, before, after), SESSION)
    if result.status in ("faded", "ongoing", "censored_by_next_session"):
        assert result.days is not None and result.days >= 3
        assert result.gain is not None and result.gain >= 1 - 1e-9
    else:
        assert result.days is None
    assert isinstance(result.session_on, date)


# --- which scales a patient is followed on --------------------------------------------------


def test_mood_is_always_followed_and_symptoms_from_a_baseline_of_4() -> None:
    assert followed_scales({}) == ["mood"]
    assert followed_scales({"mood": 9, "anxiety": None, "pain": None}) == ["mood"]
    assert followed_scales({"anxiety": 8}) == ["mood", "anxiety"]
    assert followed_scales({"pain": 6}) == ["mood", "pain"]
    # Always in the scales' order, whatever the order given.
    assert followed_scales({"pain": 6, "anxiety": 8, "mood": 3}) == ["mood", "anxiety", "pain"]


@pytest.mark.parametrize(
    ("baseline", "followed"), [(0, False), (3, False), (3.99, False), (4, True), (10, True)]
)
@pytest.mark.parametrize("symptom", ["anxiety", "pain"])
def test_anxiety_and_pain_share_the_threshold_edge(symptom, baseline, followed) -> None:
    assert (symptom in followed_scales({symptom: baseline})) is followed


def test_the_threshold_respects_direction() -> None:
    # Anxiety is higher-is-worse: a low baseline (little anxiety) is the one not followed,
    # and a floating mean a hair under 4 still counts as 4.
    assert "anxiety" not in followed_scales({"anxiety": 2})
    assert "anxiety" in followed_scales({"anxiety": 8})
    assert "anxiety" in followed_scales({"anxiety": sum([4.1, 3.9, 4.2, 3.8]) / 4})
    # Mood's level never decides: a patient whose mood was already good is still followed.
    assert followed_scales({"mood": 10}) == followed_scales({"mood": 0}) == ["mood"]

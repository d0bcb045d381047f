from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clinical.outcomes import (
    RULES,
    compare,
    daily_baseline,
    daily_latest,
    daily_outcome,
    questionnaire_baseline,
    questionnaire_outcome,
    response_status,
)
from tests.clinical.series import SESSION, around, daily, day

FIRST_SESSION_AT = datetime(2025, 3, 10, 15, 0, tzinfo=UTC)


def at(days: float) -> datetime:
    return FIRST_SESSION_AT + timedelta(days=days)


def test_phq9_18_then_3_is_response_and_remission() -> None:
    outcome = questionnaire_outcome("phq9", [(at(-2), 18), (at(30), 3)], FIRST_SESSION_AT)
    assert outcome.status == "response"
    assert outcome.remission is True
    assert (outcome.baseline, outcome.latest) == (18, 3)
    assert (outcome.baseline_at, outcome.latest_at) == (at(-2), at(30))
    assert outcome.change == -15
    assert outcome.improvement == 15
    assert outcome.percent_change == pytest.approx(100 * 15 / 18)
    assert outcome.minimal_important_change is True
    assert outcome.reliable_change == "reliable_improvement"
    assert "50%" in outcome.definition and "ICSI" in outcome.definition
    assert outcome.reason is None


def test_baseline_is_the_last_total_at_or_before_the_first_session() -> None:
    totals = [(at(-20), 25), (at(0), 16), (at(-3), 20), (at(1), 9)]
    assert questionnaire_baseline(totals, FIRST_SESSION_AT) == (at(0), 16)
    outcome = questionnaire_outcome("phq9", totals, FIRST_SESSION_AT)
    assert (outcome.baseline, outcome.latest) == (16, 9)


def test_latest_is_the_most_recent_total_after_the_first_session() -> None:
    totals = [(at(-1), 16), (at(40), 12), (at(14), 4), (at(28), 6)]
    outcome = questionnaire_outcome("gad7", totals, FIRST_SESSION_AT)
    assert (outcome.latest, outcome.latest_at) == (12, at(40))
    assert outcome.status == "partial_response"  # 25%
    assert outcome.remission is False


@pytest.mark.parametrize(
    ("totals", "first", "reason"),
    [
        ([(at(-1), 12), (at(5), 6)], None, "no_treatment_session"),
        ([(at(1), 12), (at(5), 6)], FIRST_SESSION_AT, "no_baseline"),
        ([], FIRST_SESSION_AT, "no_baseline"),
        ([(at(-1), 12)], FIRST_SESSION_AT, "no_follow_up"),
    ],
)
def test_missing_questionnaires_give_insufficient_data(totals, first, reason: str) -> None:
    outcome = questionnaire_outcome("phq9", totals, first)
    assert outcome.status == "insufficient_data"
    assert outcome.reason == reason
    assert outcome.latest is None and outcome.percent_change is None
    assert outcome.definition == RULES["phq9"].definition


def test_no_follow_up_still_reports_the_baseline() -> None:
    outcome = questionnaire_outcome("phq9", [(at(-1), 12)], FIRST_SESSION_AT)
    assert (outcome.baseline, outcome.baseline_at) == (12, at(-1))


def test_naive_instants_are_rejected() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        questionnaire_outcome("phq9", [(datetime(2025, 3, 1), 12)], FIRST_SESSION_AT)
    with pytest.raises(ValueError, match="timezone-aware"):
        questionnaire_baseline([], datetime(2025, 3, 1))


@pytest.mark.parametrize(
    ("measure", "baseline", "latest", "status"),
    [
        ("phq9", 10, 5, "response"),  # exactly 50%
        ("phq9", 10, 6, "partial_response"),  # 40%
        ("phq9", 20, 15, "partial_response"),  # exactly 25%
        ("phq9", 20, 16, "no_response"),  # 20%
        ("phq9", 12, 14, "no_response"),  # worse
        ("gad7", 14, 7, "response"),
        ("gad7", 8, 6, "partial_response"),
        ("gad7", 12, 10, "no_response"),
        ("pain", 6, 4.2, "response"),  # exactly 30%
        ("pain", 6, 4.3, "no_response"),  # 28%: pain has no partial response
        ("pain", 8, 4, "response"),
        ("anxiety", 8, 4, "response"),
        ("anxiety", 8, 6, "partial_response"),
        ("mood", 2, 6, "response"),  # distance from best 8 -> 4: 50%
        ("mood", 2, 4, "partial_response"),  # 8 -> 6: 25%
        ("mood", 2, 3.9, "no_response"),
        ("mood", 6, 2, "no_response"),  # worse
    ],
)
def test_status_thresholds(measure: str, baseline: float, latest: float, status: str) -> None:
    assert compare(measure, baseline, latest).status == status


@pytest.mark.parametrize(
    ("measure", "baseline", "latest", "remission"),
    [
        ("phq9", 12, 4, True),
        ("phq9", 12, 5, False),
        ("phq9", 5, 4, True),
        ("phq9", 4, 0, None),  # already below the cut at baseline: not applicable
        ("gad7", 10, 4, True),
        ("gad7", 10, 5, False),
        ("pain", 8, 0, None),
        ("mood", 2, 10, None),
    ],
)
def test_remission(measure: str, baseline: int, latest: int, remission: bool | None) -> None:
    assert compare(measure, baseline, latest).remission is remission


@pytest.mark.parametrize(
    ("measure", "baseline", "latest", "reliable"),
    [
        ("phq9", 16, 10, "reliable_improvement"),
        ("phq9", 16, 11, "no_reliable_change"),
        ("phq9", 10, 16, "reliable_deterioration"),
        ("phq9", 10, 15, "no_reliable_change"),
        ("gad7", 12, 8, "reliable_improvement"),
        ("gad7", 12, 9, "no_reliable_change"),
        ("gad7", 8, 12, "reliable_deterioration"),
        ("mood", 2, 9, None),
        ("pain", 8, 1, None),
    ],
)
def test_reliable_change(measure: str, baseline: int, latest: int, reliable: str | None) -> None:
    assert compare(measure, baseline, latest).reliable_change == reliable


@pytest.mark.parametrize(
    ("measure", "baseline", "latest", "mic"),
    [
        ("phq9", 15, 10, True),
        ("phq9", 15, 11, False),
        ("gad7", 12, 8, True),
        ("gad7", 12, 9, False),
        ("pain", 8, 6, True),  # 2 points
        ("pain", 8, 6.1, False),  # 1.9 points, 24%
        ("pain", 3, 2, True),  # 1 point but 33%
        ("mood", 2, 8, None),
        ("anxiety", 8, 2, None),
    ],
)
def test_minimal_important_change(measure: str, baseline: float, latest: float, mic) -> None:
    assert compare(measure, baseline, latest).minimal_important_change is mic


def test_baseline_at_the_best_score_has_no_percent_change() -> None:
    for measure, best in [("phq9", 0), ("gad7", 0), ("pain", 0), ("anxiety", 0), ("mood", 10)]:
        outcome = compare(measure, best, best)
        assert outcome.percent_change is None
        assert outcome.status == "not_applicable"
        assert outcome.reason == "baseline_at_best_score"
    assert compare("phq9", 0, 9).change == 9
    assert compare("phq9", 0, 9).reliable_change == "reliable_deterioration"


def test_mood_change_keeps_the_scale_sign_and_improvement_is_positive_when_better() -> None:
    outcome = compare("mood", 3, 7)
    assert outcome.change == 4
    assert outcome.improvement == 4
    assert outcome.percent_change == pytest.approx(100 * 4 / 7)
    worse = compare("pain", 3, 7)
    assert worse.change == 4
    assert worse.improvement == -4
    assert worse.percent_change == pytest.approx(-100 * 4 / 3)


@pytest.mark.parametrize(
    ("measure", "level"), [("phq9", 28), ("gad7", 22), ("mood", 11), ("pain", -1), ("pain", True)]
)
def test_levels_outside_the_scale_are_rejected(measure: str, level) -> None:
    with pytest.raises(ValueError, match="levels must be numbers"):
        compare(measure, level, 0)


def test_unknown_measures_are_rejected() -> None:
    with pytest.raises(ValueError, match="unknown measure"):
        compare("madrs", 30, 10)
    with pytest.raises(ValueError, match="unknown instrument"):
        questionnaire_outcome("mood", [], FIRST_SESSION_AT)
    with pytest.raises(ValueError, match="unknown daily scale"):
        daily_outcome("phq9", [], SESSION)


@given(st.integers(0, 27), st.integers(0, 27))
def test_phq9_status_follows_the_percent_reduction(baseline: int, latest: int) -> None:
    outcome = compare("phq9", baseline, latest)
    if baseline == 0:
        assert outcome.status == "not_applicable"
        return
    reduction = (baseline - latest) / baseline
    expected = (
        "response"
        if reduction >= 0.5
        else "partial_response"
        if reduction >= 0.25
        else "no_response"
    )
    assert outcome.status == expected
    assert outcome.change == latest - baseline
    assert outcome.percent_change == pytest.approx(100 * reduction)


@given(
    st.floats(0, 10, allow_nan=False).map(lambda v: round(v, 1)),
    st.floats(0, 10, allow_nan=False).map(lambda v: round(v, 1)),
)
def test_mood_is_the_mirror_image_of_a_higher_is_worse_scale(baseline, latest) -> None:
    mood = compare("mood", baseline, latest)
    mirrored = compare("anxiety", 10 - baseline, 10 - latest)
    assert mood.status == mirrored.status
    assert mood.improvement == pytest.approx(mirrored.improvement)
    assert mood.change == pytest.approx(-mirrored.change)
    if mood.percent_change is None:
        assert mirrored.percent_change is None
    else:
        assert mood.percent_change == pytest.approx(mirrored.percent_change)


# Daily scales


def test_daily_baseline_is_the_mean_of_the_7_days_before_the_session() -> None:
    values = daily(day(-9), [9, 9, 2, 4, 6, 2, 4, 6, 2, 10])  # day -9 .. day 0
    baseline = daily_baseline(values, SESSION)
    assert baseline is not None
    assert baseline.mean == pytest.approx(26 / 7)  # days -7..-1; day 0 and days -9,-8 excluded
    assert (baseline.start, baseline.end, baseline.days_rated) == (day(-7), day(-1), 7)


def test_daily_baseline_needs_3_rated_days() -> None:
    two = daily(day(-7), [5, None, None, None, None, None, 7])
    three = daily(day(-7), [5, None, None, 6, None, None, 7])
    assert daily_baseline(two, SESSION) is None
    baseline = daily_baseline(three, SESSION)
    assert baseline is not None and (baseline.mean, baseline.days_rated) == (6, 3)
    assert daily_baseline(three, None) is None


def test_daily_latest_uses_the_last_7_days_after_the_session() -> None:
    values = around(SESSION, [8] * 7, [6, 5, 4, 3, 2, 2, 2, 2, 2, 9])  # days 1..10
    latest = daily_latest(values, SESSION)
    assert latest is not None
    assert (latest.start, latest.end) == (day(4), day(10))
    assert latest.mean == pytest.approx((3 + 2 * 5 + 9) / 7)
    as_of = daily_latest(values, SESSION, as_of=day(5))
    assert as_of is not None
    assert (as_of.start, as_of.end, as_of.days_rated) == (day(1), day(5), 5)
    assert daily_latest(values, SESSION, as_of=day(2)) is None  # only 2 days after the session


def test_daily_pain_outcome_with_response() -> None:
    values = around(SESSION, [8, 8, 7, 8, 8, None, 9], [6, 5, 4, 4, 4, 4, 5, 5])
    outcome = daily_outcome("pain", values, SESSION)
    assert outcome.baseline == pytest.approx(8)
    assert outcome.baseline_at == day(-1)
    assert outcome.latest == pytest.approx((4 * 4 + 5 * 2 + 5) / 7)
    assert outcome.latest_at == day(8)
    assert outcome.status == "response"
    assert outcome.minimal_important_change is True
    assert outcome.remission is None and outcome.reliable_change is None


@pytest.mark.parametrize(
    ("values", "first", "reason"),
    [
        (around(SESSION, [3] * 7, [7] * 7), None, "no_treatment_session"),
        (around(SESSION, [3, 3], [7] * 7), SESSION, "no_baseline"),
        (around(SESSION, [3] * 7, [7, 7]), SESSION, "no_follow_up"),
        ([], SESSION, "no_baseline"),
    ],
)
def test_daily_outcome_with_missing_days(values, first, reason: str) -> None:
    outcome = daily_outcome("mood", values, first)
    assert outcome.status == "insufficient_data"
    assert outcome.reason == reason


def test_daily_values_are_validated() -> None:
    with pytest.raises(ValueError, match="one value per local date"):
        daily_outcome("mood", [(day(-1), 3), (day(-1), 4)], SESSION)
    with pytest.raises(ValueError, match="numbers from 0 to 10"):
        daily_outcome("mood", [(day(-1), 11)], SESSION)
    with pytest.raises(ValueError, match="local date"):
        daily_outcome("mood", [(datetime(2025, 3, 1, tzinfo=UTC), 3)], SESSION)
    assert isinstance(day(0), date)


@pytest.mark.parametrize(
    ("measure", "percent", "status"),
    [
        ("phq9", 50, "response"),
        ("phq9", 49.9, "partial_response"),
        ("phq9", 25, "partial_response"),
        ("phq9", 24.9, "no_response"),
        ("phq9", -80, "no_response"),
        ("pain", 30, "response"),
        ("pain", 29.9, "no_response"),
        ("mood", None, "not_applicable"),
    ],
)
def test_response_status_edges(measure: str, percent: float | None, status: str) -> None:
    assert response_status(measure, percent) == status

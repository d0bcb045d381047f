from datetime import date, timedelta
from typing import Any

import pytest

from clinical.alerts import (
    ALERT_KINDS,
    ALERT_SEVERITIES,
    AlertSignal,
    AlertThresholds,
    days_without_checkin,
    decline_alert,
    missed_alert,
    side_effect_alert,
    urgent_alert,
    worsening_alert,
)
from clinical.instruments import InvalidAnswers
from tests.clinical.series import daily

TODAY = date(2025, 6, 20)


def assert_evidence_is_data_only(signal: AlertSignal) -> None:
    """Evidence holds numbers, bools, None, ISO dates or codes: no free text."""

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                assert isinstance(key, str)
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)
        elif isinstance(value, str):
            assert " " not in value, value
        else:
            assert value is None or isinstance(value, bool | int | float), value

    walk(signal.evidence)


def test_alert_vocabulary() -> None:
    assert ALERT_KINDS == ("urgent", "worsening", "decline", "missed", "side_effect")
    assert ALERT_SEVERITIES == ("urgent", "high", "medium", "low")


# urgent


@pytest.mark.parametrize(("self_harm", "fires"), [(True, True), (False, False), (None, False)])
def test_urgent_on_self_harm_thoughts(self_harm, fires: bool) -> None:
    signal = urgent_alert(self_harm_thoughts=self_harm)
    assert (signal is not None) is fires
    if signal:
        assert (signal.kind, signal.severity) == ("urgent", "urgent")
        assert signal.evidence == {"self_harm_thoughts": True}
        assert_evidence_is_data_only(signal)


@pytest.mark.parametrize(("item9", "fires"), [(0, False), (1, True), (3, True)])
def test_urgent_on_phq9_item9(item9: int, fires: bool) -> None:
    signal = urgent_alert(phq9_answers=[3] * 8 + [item9])
    assert (signal is not None) is fires
    if signal:
        assert signal.evidence == {"phq9_item9": item9}
        assert "item 9" in signal.summary


def test_urgent_reports_both_signals() -> None:
    signal = urgent_alert(self_harm_thoughts=True, phq9_answers=[0] * 8 + [2])
    assert signal is not None
    assert signal.evidence == {"self_harm_thoughts": True, "phq9_item9": 2}


def test_urgent_needs_valid_answers() -> None:
    with pytest.raises(InvalidAnswers):
        urgent_alert(phq9_answers=[1, 2])


# worsening


@pytest.mark.parametrize(
    ("instrument", "previous", "total", "rules"),
    [
        ("phq9", 10, 15, ["rise"]),  # +5: at the threshold
        ("phq9", 10, 14, None),  # +4: just below
        ("phq9", 18, 20, ["severe_band"]),  # into the severe band
        ("phq9", 18, 19, None),
        ("phq9", 14, 20, ["rise", "severe_band"]),
        ("phq9", 20, 24, None),  # already severe, +4
        ("phq9", 20, 25, ["rise"]),
        ("phq9", 15, 5, None),  # better
        ("gad7", 6, 10, ["rise"]),  # +4
        ("gad7", 6, 9, None),  # +3
        ("gad7", 13, 15, ["severe_band"]),
        ("gad7", 13, 14, None),
        ("gad7", 15, 17, None),
    ],
)
def test_worsening(instrument: str, previous: int, total: int, rules) -> None:
    signal = worsening_alert(instrument, total, previous)
    if rules is None:
        assert signal is None
        return
    assert signal is not None
    assert (signal.kind, signal.severity) == ("worsening", "high")
    assert signal.evidence["rules"] == rules
    assert signal.evidence["change"] == total - previous
    assert (signal.evidence["total"], signal.evidence["previous_total"]) == (total, previous)
    assert_evidence_is_data_only(signal)


def test_first_questionnaire_never_raises_worsening() -> None:
    assert worsening_alert("phq9", 27, None) is None


def test_worsening_thresholds_are_configurable() -> None:
    strict = AlertThresholds(phq9_worsening_points=3, phq9_severe_total=15)
    assert worsening_alert("phq9", 13, 10, strict) is not None
    assert worsening_alert("phq9", 15, 14, strict) is not None
    assert worsening_alert("phq9", 13, 10) is None


def test_worsening_validates_its_input() -> None:
    with pytest.raises(ValueError, match="unknown instrument"):
        worsening_alert("madrs", 30, 10)
    with pytest.raises(ValueError, match="totals run from"):
        worsening_alert("gad7", 22, 10)


# decline


def decline_series(prior: float, recent: float, prior_days: int = 14, recent_days: int = 3):
    """Prior days ending 3 days before TODAY, then the recent window ending on TODAY."""
    start = TODAY - timedelta(days=16)
    values = [prior] * 14 + [recent] * 3
    values[:14] = [prior if i >= 14 - prior_days else None for i in range(14)]
    values[14:] = [recent if i >= 3 - recent_days else None for i in range(3)]
    return daily(start, values)


@pytest.mark.parametrize(
    ("prior", "recent", "fires"), [(6, 4, True), (6, 4.1, False), (6, 2, True), (4, 6, False)]
)
def test_mood_decline(prior: float, recent: float, fires: bool) -> None:
    signal = decline_alert({"mood": decline_series(prior, recent)}, TODAY)
    assert (signal is not None) is fires
    if signal:
        assert (signal.kind, signal.severity) == ("decline", "medium")
        (finding,) = signal.evidence["scales"]
        assert finding["scale"] == "mood"
        assert finding["recent_mean"] == recent and finding["prior_mean"] == prior
        assert finding["recent_from"] == (TODAY - timedelta(days=2)).isoformat()
        assert finding["prior_to"] == (TODAY - timedelta(days=3)).isoformat()
        assert finding["prior_from"] == (TODAY - timedelta(days=16)).isoformat()
        assert_evidence_is_data_only(signal)


@pytest.mark.parametrize(
    ("prior", "recent", "fires"), [(3, 5, True), (3, 4.9, False), (5, 3, False)]
)
def test_pain_rise(prior: float, recent: float, fires: bool) -> None:
    signal = decline_alert({"pain": decline_series(prior, recent)}, TODAY)
    assert (signal is not None) is fires


@pytest.mark.parametrize(
    ("prior_days", "recent_days", "fires"),
    [(7, 2, True), (6, 3, False), (14, 1, False), (14, 2, True)],
)
def test_decline_needs_minimum_data(prior_days: int, recent_days: int, fires: bool) -> None:
    series = decline_series(7, 3, prior_days, recent_days)
    assert (decline_alert({"mood": series}, TODAY) is not None) is fires


def test_days_older_than_the_prior_window_are_ignored() -> None:
    old = daily(TODAY - timedelta(days=30), [9] * 14)  # ends 17 days before today
    recent = daily(TODAY - timedelta(days=2), [3, 3, 3])
    assert decline_alert({"mood": old + recent}, TODAY) is None


def test_anxiety_is_watched_only_when_the_clinic_switches_it_on() -> None:
    series = {"anxiety": decline_series(3, 6)}
    assert decline_alert(series, TODAY) is None
    assert decline_alert(series, TODAY, AlertThresholds(anxiety_rise_points=3)) is not None


def test_decline_reports_every_scale_that_declined() -> None:
    signal = decline_alert(
        {"mood": decline_series(7, 4), "pain": decline_series(2, 6), "anxiety": []}, TODAY
    )
    assert signal is not None
    assert [f["scale"] for f in signal.evidence["scales"]] == ["mood", "pain"]
    assert signal.evidence["on"] == TODAY.isoformat()
    assert "mood" in signal.summary and "pain" in signal.summary
    with pytest.raises(ValueError, match="unknown daily scale"):
        decline_alert({"phq9": []}, TODAY)


# missed


@pytest.mark.parametrize(
    ("last", "expected"),
    [
        (TODAY, 0),
        (TODAY - timedelta(days=1), 0),
        (TODAY - timedelta(days=3), 2),
        (TODAY - timedelta(days=4), 3),
        (TODAY + timedelta(days=1), 0),
    ],
)
def test_days_without_checkin_count_whole_days(last: date, expected: int) -> None:
    assert days_without_checkin(TODAY, last, date(2025, 1, 1)) == expected


def test_missed_at_and_just_below_the_threshold() -> None:
    enrolled = date(2025, 1, 1)
    assert missed_alert(TODAY, TODAY - timedelta(days=3), enrolled) is None
    signal = missed_alert(TODAY, TODAY - timedelta(days=4), enrolled)
    assert signal is not None
    assert (signal.kind, signal.severity) == ("missed", "low")
    assert signal.evidence["days_missed"] == 3
    assert signal.evidence["last_checkin_on"] == (TODAY - timedelta(days=4)).isoformat()
    assert_evidence_is_data_only(signal)


def test_missed_counts_from_enrolment_when_never_checked_in() -> None:
    assert missed_alert(TODAY, None, TODAY - timedelta(days=3)) is None
    signal = missed_alert(TODAY, None, TODAY - timedelta(days=4))
    assert signal is not None
    assert signal.evidence["last_checkin_on"] is None
    assert "enrolment" in signal.summary
    assert missed_alert(TODAY, None, TODAY + timedelta(days=2)) is None


def test_missed_days_are_configurable() -> None:
    last = TODAY - timedelta(days=3)
    assert missed_alert(TODAY, last, date(2025, 1, 1), AlertThresholds(missed_days=2)) is not None


# side effects


def test_severe_side_effect() -> None:
    signal = side_effect_alert(
        [
            {"name": "nausea", "severity": "mild"},
            {"name": "bladder_pain", "severity": "severe"},
            {"name": "my neighbour's dog", "severity": "severe"},
        ],
        TODAY,
    )
    assert signal is not None
    assert (signal.kind, signal.severity) == ("side_effect", "high")
    assert signal.evidence["side_effects"] == [
        {"name": "bladder_pain", "severity": "severe"},
        {"name": "other", "severity": "severe"},
    ]
    assert signal.evidence["local_date"] == TODAY.isoformat()
    assert "neighbour" not in signal.summary
    assert_evidence_is_data_only(signal)


def test_moderate_side_effects_do_not_alert_by_default() -> None:
    effects = [{"name": "dizziness", "severity": "moderate"}]
    assert side_effect_alert(effects) is None
    assert side_effect_alert([]) is None
    lenient = AlertThresholds(side_effect_severities=("moderate", "severe"))
    assert side_effect_alert(effects, thresholds=lenient) is not None


@pytest.mark.parametrize(
    "changes",
    [
        {"phq9_worsening_points": 0},
        {"missed_days": -1},
        {"mood_decline_points": 0},
        {"anxiety_rise_points": -2},
        {"decline_prior_min_days": 15},
        {"phq9_severe_total": 28},
        {"gad7_severe_total": 0},
        {"side_effect_severities": ("awful",)},
    ],
)
def test_invalid_thresholds_are_rejected(changes: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        AlertThresholds(**changes)

from datetime import date, timedelta

import pytest

from clinical.schedule import Due, due_questionnaires, next_due_on

ENROLLED = date(2025, 4, 1)


def on(n: int) -> date:
    return ENROLLED + timedelta(days=n)


def test_baseline_is_due_at_enrolment_for_both_instruments() -> None:
    assert due_questionnaires(ENROLLED, ENROLLED, {}) == [
        Due("phq9", ENROLLED, False, "baseline"),
        Due("gad7", ENROLLED, False, "baseline"),
    ]


@pytest.mark.parametrize(("days_late", "overdue"), [(0, False), (3, False), (4, True)])
def test_baseline_becomes_overdue_after_3_days(days_late: int, overdue: bool) -> None:
    (due,) = due_questionnaires(on(days_late), ENROLLED, {"gad7": ENROLLED}, instruments=["phq9"])
    assert (due.reason, due.due_since, due.overdue) == ("baseline", ENROLLED, overdue)


def test_nothing_is_due_before_enrolment() -> None:
    assert due_questionnaires(on(-1), ENROLLED, {}) == []


@pytest.mark.parametrize(
    ("since_last", "due", "overdue"),
    [(13, False, False), (14, True, False), (17, True, False), (18, True, True)],
)
def test_interval_after_the_last_completion(since_last: int, due: bool, overdue: bool) -> None:
    last = on(5)
    result = due_questionnaires(last + timedelta(days=since_last), ENROLLED, {"phq9": last})
    phq9 = [d for d in result if d.instrument == "phq9"]
    assert bool(phq9) is due
    if due:
        assert phq9[0] == Due("phq9", last + timedelta(days=14), overdue, "interval")


def test_interval_is_a_clinic_setting() -> None:
    last = {"phq9": on(0), "gad7": on(0)}
    assert due_questionnaires(on(20), ENROLLED, last, interval_days=28) == []
    assert [d.instrument for d in due_questionnaires(on(28), ENROLLED, last, 28)] == [
        "phq9",
        "gad7",
    ]


def test_interval_shorter_than_a_week_is_refused() -> None:
    with pytest.raises(ValueError, match="at least 7 days"):
        due_questionnaires(on(0), ENROLLED, {}, interval_days=1)
    with pytest.raises(ValueError, match="at least 7 days"):
        next_due_on(ENROLLED, None, interval_days=6)


def test_clinician_request_makes_it_due_early() -> None:
    last = {"phq9": on(0), "gad7": on(0)}
    due = due_questionnaires(on(6), ENROLLED, last, requested_on={"gad7": on(5)})
    assert due == [Due("gad7", on(5), False, "requested")]


def test_request_is_satisfied_by_a_completion_on_or_after_its_date() -> None:
    requested = {"phq9": on(5)}
    assert due_questionnaires(on(6), ENROLLED, {"phq9": on(5), "gad7": on(0)}, 14, requested) == []
    assert due_questionnaires(on(9), ENROLLED, {"phq9": on(6), "gad7": on(0)}, 14, requested) == []


def test_future_request_is_not_due_yet() -> None:
    # The day before a scheduled evaluation, booked in advance.
    last = {"phq9": on(0), "gad7": on(0)}
    requested = {"phq9": on(10)}
    assert due_questionnaires(on(9), ENROLLED, last, requested_on=requested) == []
    assert due_questionnaires(on(10), ENROLLED, last, requested_on=requested) == [
        Due("phq9", on(10), False, "requested")
    ]


def test_earliest_reason_wins() -> None:
    # Never completed and also requested: the baseline is older.
    (due,) = due_questionnaires(
        on(8), ENROLLED, {}, requested_on={"phq9": on(6)}, instruments=["phq9"]
    )
    assert (due.reason, due.due_since, due.overdue) == ("baseline", ENROLLED, True)
    # Interval due on day 14, request on day 16: interval.
    last = {"phq9": on(0)}
    (due,) = due_questionnaires(
        on(17), ENROLLED, last, requested_on={"phq9": on(16)}, instruments=["phq9"]
    )
    assert (due.reason, due.due_since) == ("interval", on(14))
    # Request on day 10, interval on day 14: requested.
    (due,) = due_questionnaires(
        on(15), ENROLLED, last, requested_on={"phq9": on(10)}, instruments=["phq9"]
    )
    assert (due.reason, due.due_since, due.overdue) == ("requested", on(10), True)


def test_missing_and_none_mean_never_completed() -> None:
    assert due_questionnaires(on(1), ENROLLED, {"phq9": None}) == due_questionnaires(
        on(1), ENROLLED, {}
    )


def test_unknown_instruments_are_rejected() -> None:
    with pytest.raises(ValueError, match="unknown instrument"):
        due_questionnaires(on(1), ENROLLED, {"qids": None})
    with pytest.raises(ValueError, match="unknown instrument"):
        due_questionnaires(on(1), ENROLLED, {}, requested_on={"madrs": on(1)})
    with pytest.raises(ValueError, match="unknown instrument"):
        due_questionnaires(on(1), ENROLLED, {}, instruments=["bpi"])


def test_next_due_on() -> None:
    assert next_due_on(ENROLLED, None) == ENROLLED
    assert next_due_on(ENROLLED, on(3)) == on(17)
    assert next_due_on(ENROLLED, on(3), 21) == on(24)

"""services/outcomes.py helpers a trend is built with."""

from datetime import date

from services import outcomes


def test_a_mean_is_shown_to_two_decimals_and_the_memo_stays_bounded():
    shown = outcomes._ShownMeans()
    assert shown[None] is None
    assert shown[10 / 3] == 3.33
    assert shown[29 / 7] == 4.14
    for n in range(5000):  # fractional scores: many distinct means
        assert shown[n / 7919] == round(n / 7919, 2)
    assert len(shown) <= 4096
    assert shown[2 / 3] == 0.67


def test_a_period_s_days_are_iso_dates_in_order():
    first = date(2026, 2, 27).toordinal()
    assert outcomes._iso_days(first, 4) == ("2026-02-27", "2026-02-28", "2026-03-01", "2026-03-02")

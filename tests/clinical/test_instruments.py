import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clinical.instruments import (
    COPYRIGHT,
    GAD7,
    INSTRUMENTS,
    PHQ9,
    InvalidAnswers,
    score,
    severity_band,
    validate_answers,
    validate_difficulty,
)

# Expected values restated from shared/reference/clinical.md, independently of the code.
PHQ9_BANDS = [(0, 4, "minimal"), (5, 9, "mild"), (10, 14, "moderate")]
PHQ9_BANDS += [(15, 19, "moderately_severe"), (20, 27, "severe")]
GAD7_BANDS = [(0, 4, "minimal"), (5, 9, "mild"), (10, 14, "moderate"), (15, 21, "severe")]


def expected_band(bands: list[tuple[int, int, str]], total: int) -> str:
    matches = [code for low, high, code in bands if low <= total <= high]
    assert len(matches) == 1
    return matches[0]


def test_registry_holds_exactly_phq9_and_gad7() -> None:
    assert list(INSTRUMENTS) == ["phq9", "gad7"]
    assert INSTRUMENTS["phq9"] is PHQ9
    assert INSTRUMENTS["gad7"] is GAD7


def test_phq9_items_and_codes_are_verbatim() -> None:
    assert PHQ9.stem == (
        "Over the last 2 weeks, how often have you been bothered by any of the following problems?"
    )
    assert [(item.number, item.loinc) for item in PHQ9.items] == [
        (1, "44250-9"),
        (2, "44255-8"),
        (3, "44259-0"),
        (4, "44254-1"),
        (5, "44251-7"),
        (6, "44258-2"),
        (7, "44252-5"),
        (8, "44253-3"),
        (9, "44260-8"),
    ]
    assert PHQ9.items[0].text == "Little interest or pleasure in doing things"
    assert PHQ9.items[5].text == (
        "Feeling bad about yourself — or that you are a failure or have let yourself or your "
        "family down"
    )
    assert PHQ9.items[7].text == (
        "Moving or speaking so slowly that other people could have noticed? Or the opposite — "
        "being so fidgety or restless that you have been moving around a lot more than usual"
    )
    assert PHQ9.items[8].text == (
        "Thoughts that you would be better off dead or of hurting yourself in some way"
    )
    assert (PHQ9.panel_loinc, PHQ9.total_loinc) == ("44249-1", "44261-6")
    assert PHQ9.max_total == 27


def test_phq9_difficulty_item_is_kept_unscored() -> None:
    difficulty = PHQ9.difficulty_item
    assert difficulty is not None
    assert difficulty.loinc == "69722-7"
    assert difficulty.text.startswith("If you checked off any problems, how difficult")
    assert [option.text for option in difficulty.options] == [
        "Not difficult at all",
        "Somewhat difficult",
        "Very difficult",
        "Extremely difficult",
    ]
    assert GAD7.difficulty_item is None


@pytest.mark.parametrize("answer", [None, 0, 1, 2, 3])
def test_phq9_difficulty_answers_are_none_or_an_option(answer) -> None:
    assert validate_difficulty("phq9", answer) == answer


@pytest.mark.parametrize("answer", [-1, 4, True])
def test_phq9_difficulty_answer_outside_the_options_is_refused(answer) -> None:
    with pytest.raises(InvalidAnswers) as raised:
        validate_difficulty("phq9", answer)
    assert raised.value.field == "difficulty"


def test_gad7_refuses_a_difficulty_answer_but_not_its_absence() -> None:
    assert validate_difficulty("gad7", None) is None
    with pytest.raises(InvalidAnswers, match="GAD-7 has no difficulty item"):
        validate_difficulty("gad7", 1)


def test_gad7_items_and_codes_are_verbatim() -> None:
    assert GAD7.stem == (
        "Over the last 2 weeks, how often have you been bothered by the following problems?"
    )
    assert [(item.number, item.text, item.loinc) for item in GAD7.items] == [
        (1, "Feeling nervous, anxious, or on edge", "69725-0"),
        (2, "Not being able to stop or control worrying", "68509-9"),
        (3, "Worrying too much about different things", "69733-4"),
        (4, "Trouble relaxing", "69734-2"),
        (5, "Being so restless that it is hard to sit still", "69735-9"),
        (6, "Becoming easily annoyed or irritable", "69689-8"),
        (7, "Feeling afraid, as if something awful might happen", "69736-7"),
    ]
    assert (GAD7.panel_loinc, GAD7.total_loinc) == ("69737-5", "70274-6")
    assert GAD7.max_total == 21


@pytest.mark.parametrize("instrument", [PHQ9, GAD7], ids=lambda i: i.code)
def test_options_copyright_and_bands_are_complete(instrument) -> None:
    assert [(o.value, o.text, o.loinc) for o in instrument.options] == [
        (0, "Not at all", "LA6568-5"),
        (1, "Several days", "LA6569-3"),
        (2, "More than half the days", "LA6570-1"),
        (3, "Nearly every day", "LA6571-9"),
    ]
    assert instrument.copyright == COPYRIGHT
    assert COPYRIGHT.startswith("Copyright © Pfizer Inc. All rights reserved.")
    assert COPYRIGHT.endswith(
        "No permission required to reproduce, translate, display or distribute."
    )
    assert instrument.recall_days == 14
    # Bands tile 0..max with no gap and no overlap.
    assert instrument.bands[0].min == 0
    assert instrument.bands[-1].max == instrument.max_total
    for lower, upper in itertools.pairwise(instrument.bands):
        assert upper.min == lower.max + 1


def test_gad7_scoring_is_exhaustively_correct() -> None:
    count = 0
    for answers in itertools.product(range(4), repeat=7):
        result = score("gad7", answers)
        assert result.total == sum(answers)
        assert result.severity == expected_band(GAD7_BANDS, result.total)
        count += 1
    assert count == 4**7


def test_phq9_scoring_is_exhaustive_by_total() -> None:
    # For every total, the lowest-first and highest-first fillings and every rotation
    # of them: each total is reached with answers in every position.
    for total in range(28):
        left = [min(3, max(0, total - 3 * i)) for i in range(9)]
        right = list(reversed(left))
        for base in (left, right):
            for shift in range(9):
                answers = base[shift:] + base[:shift]
                assert sum(answers) == total
                result = score("phq9", answers)
                assert result.total == total
                assert result.severity == expected_band(PHQ9_BANDS, total)


@given(st.lists(st.integers(0, 3), min_size=9, max_size=9), st.randoms())
def test_phq9_total_is_the_sum_and_ignores_item_order(answers, random) -> None:
    shuffled = list(answers)
    random.shuffle(shuffled)
    result = score("phq9", answers)
    assert result.total == sum(answers)
    assert result == score("phq9", shuffled)
    assert result.severity == expected_band(PHQ9_BANDS, result.total)


@pytest.mark.parametrize(
    ("code", "total", "severity", "label"),
    [
        ("phq9", 0, "minimal", "Minimal"),
        ("phq9", 4, "minimal", "Minimal"),
        ("phq9", 5, "mild", "Mild"),
        ("phq9", 9, "mild", "Mild"),
        ("phq9", 10, "moderate", "Moderate"),
        ("phq9", 14, "moderate", "Moderate"),
        ("phq9", 15, "moderately_severe", "Moderately severe"),
        ("phq9", 19, "moderately_severe", "Moderately severe"),
        ("phq9", 20, "severe", "Severe"),
        ("phq9", 27, "severe", "Severe"),
        ("gad7", 0, "minimal", "Minimal"),
        ("gad7", 4, "minimal", "Minimal"),
        ("gad7", 5, "mild", "Mild"),
        ("gad7", 9, "mild", "Mild"),
        ("gad7", 10, "moderate", "Moderate"),
        ("gad7", 14, "moderate", "Moderate"),
        ("gad7", 15, "severe", "Severe"),
        ("gad7", 21, "severe", "Severe"),
    ],
)
def test_band_edges(code: str, total: int, severity: str, label: str) -> None:
    band = severity_band(code, total)
    assert (band.code, band.label) == (severity, label)


@pytest.mark.parametrize(("code", "total"), [("phq9", -1), ("phq9", 28), ("gad7", 22)])
def test_totals_outside_the_range_are_rejected(code: str, total: int) -> None:
    with pytest.raises(ValueError, match="totals run from 0 to"):
        severity_band(code, total)


@pytest.mark.parametrize("total", [True, 3.0, "3", None])
def test_non_integer_totals_are_rejected(total) -> None:
    with pytest.raises(ValueError, match="integer"):
        severity_band("phq9", total)


def test_unknown_instrument_is_rejected_on_the_instrument_field() -> None:
    with pytest.raises(InvalidAnswers, match="unknown instrument") as caught:
        score("madrs-secret-code", [0] * 9)
    assert caught.value.field == "instrument"
    assert "madrs-secret-code" not in str(caught.value)
    with pytest.raises(ValueError, match="unknown instrument"):
        severity_band("qids", 3)


@pytest.mark.parametrize("count", [0, 1, 8, 10, 27])
def test_wrong_number_of_answers_is_rejected(count: int) -> None:
    with pytest.raises(InvalidAnswers, match=f"exactly 9 answers, got {count}") as caught:
        score("phq9", [1] * count)
    assert caught.value.field == "answers"


@pytest.mark.parametrize(
    "bad",
    [-1, 4, 1234567, -7654321, True, False, 1.0, 2.5, "2", None, [1]],
    ids=repr,
)
def test_each_bad_answer_is_rejected_without_echoing_it(bad) -> None:
    answers = [0, 1, 2, 0, 1, bad, 2]
    with pytest.raises(InvalidAnswers, match="answer to item 6 must be") as caught:
        score("gad7", answers)
    message = str(caught.value)
    assert repr(bad) not in message
    assert "1234567" not in message and "7654321" not in message


@pytest.mark.parametrize(
    "answers", ["000000000", b"000000000", {i: 0 for i in range(9)}, None, 9, {0, 1, 2}]
)
def test_answers_must_be_a_list(answers) -> None:
    with pytest.raises(InvalidAnswers, match="list of 9 integers"):
        score("phq9", answers)


def test_invalid_answers_is_a_value_error() -> None:
    assert issubclass(InvalidAnswers, ValueError)


def test_validate_answers_returns_a_tuple_of_ints() -> None:
    assert validate_answers("gad7", [0, 1, 2, 3, 0, 1, 2]) == (0, 1, 2, 3, 0, 1, 2)
    assert score("gad7", (3,) * 7).total == 21

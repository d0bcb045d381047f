import pytest

from clinical.instruments import InvalidAnswers
from clinical.safety import (
    NOT_MONITORED_NOTICE,
    crisis_resources,
    has_safety_signal,
    phq9_item9_positive,
    tel_href,
)

NATIONAL = [
    {"name": "988 Suicide & Crisis Lifeline: call", "phone": "988", "href": "tel:988"},
    {"name": "988 Suicide & Crisis Lifeline: text", "phone": "988", "href": "sms:988"},
    {"name": "Emergency services", "phone": "911", "href": "tel:911"},
]


@pytest.mark.parametrize(("item9", "positive"), [(0, False), (1, True), (2, True), (3, True)])
def test_item9_positive_above_zero(item9: int, positive: bool) -> None:
    assert phq9_item9_positive([0] * 8 + [item9]) is positive


def test_item9_is_read_from_the_ninth_answer_only() -> None:
    assert phq9_item9_positive([3] * 8 + [0]) is False
    assert phq9_item9_positive([0] * 8 + [1]) is True


def test_item9_needs_a_valid_phq9() -> None:
    with pytest.raises(InvalidAnswers):
        phq9_item9_positive([1] * 7)
    with pytest.raises(InvalidAnswers):
        phq9_item9_positive([0] * 8 + [4])


@pytest.mark.parametrize(
    ("self_harm", "answers", "expected"),
    [
        (None, None, False),
        (False, None, False),
        (True, None, True),
        (None, [0] * 9, False),
        (False, [0] * 8 + [1], True),
        (True, [0] * 9, True),
    ],
)
def test_safety_signal(self_harm, answers, expected: bool) -> None:
    assert has_safety_signal(self_harm_thoughts=self_harm, phq9_answers=answers) is expected


def test_crisis_resources_with_a_clinic_phone() -> None:
    assert crisis_resources("Lakeside Ketamine Clinic", "+1 (555) 010-0199") == [
        *NATIONAL,
        {
            "name": "Lakeside Ketamine Clinic",
            "phone": "+1 (555) 010-0199",
            "href": "tel:+15550100199",
        },
    ]


@pytest.mark.parametrize("phone", [None, "", "   ", "n/a"])
def test_crisis_resources_without_a_usable_phone_has_no_clinic_entry(phone) -> None:
    assert crisis_resources("Lakeside", phone) == NATIONAL


def test_crisis_resources_are_a_fresh_list_each_time() -> None:
    first = crisis_resources("Lakeside", None)
    first[0]["href"] = "tel:000"
    first.append({})
    assert crisis_resources("Lakeside", None) == NATIONAL


def test_blank_clinic_name_gets_a_plain_label() -> None:
    assert crisis_resources("  ", "555 0100")[-1]["name"] == "Your clinic"


@pytest.mark.parametrize(
    ("phone", "href"),
    [
        ("555-0100", "tel:5550100"),
        ("(555) 010-0199", "tel:5550100199"),
        ("+44 20 7946 0958", "tel:+442079460958"),
        ("555-0100 ext. 12", "tel:5550100;ext=12"),
        ("555-0100 x7", "tel:5550100;ext=7"),
        ("none", None),
    ],
)
def test_tel_href(phone: str, href: str | None) -> None:
    assert tel_href(phone) == href


def test_notice_says_answers_are_not_watched_live() -> None:
    assert "not monitored in real time" in NOT_MONITORED_NOTICE
    assert "988" in NOT_MONITORED_NOTICE and "911" in NOT_MONITORED_NOTICE

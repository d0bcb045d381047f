"""PHQ-9 and GAD-7 as data, and their scoring.

Texts, LOINC codes, totals and bands are reproduced unaltered from
shared/reference/clinical.md ("PHQ-9 (depression)", "GAD-7 (anxiety)"), with
Pfizer's copyright line, as the licence requires.
"""

from collections.abc import Sequence
from dataclasses import dataclass

COPYRIGHT = (
    "Copyright © Pfizer Inc. All rights reserved. Developed by Drs. Robert L. Spitzer, "
    "Janet B.W. Williams, Kurt Kroenke and colleagues, with an educational grant from "
    "Pfizer Inc. No permission required to reproduce, translate, display or distribute."
)

ANSWER_MIN = 0
ANSWER_MAX = 3


class InvalidAnswers(ValueError):
    """Answers that cannot be scored. The message never repeats the submitted values.

    `field` names the payload field at fault ("instrument" or "answers") so the
    API can build its 422 `errors` object.
    """

    def __init__(self, message: str, field: str = "answers") -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class AnswerOption:
    """One answer choice: its score, verbatim text and LOINC answer code."""

    value: int
    text: str
    loinc: str


@dataclass(frozen=True)
class Item:
    """One scored question: its 1-based number, verbatim text and LOINC item code."""

    number: int
    text: str
    loinc: str


@dataclass(frozen=True)
class UnscoredItem:
    """A question asked but never added to the total (PHQ-9's difficulty item)."""

    text: str
    loinc: str
    options: tuple[AnswerOption, ...]


@dataclass(frozen=True)
class SeverityBand:
    """A range of totals (both ends included), its code and its display label."""

    min: int
    max: int
    code: str
    label: str


@dataclass(frozen=True)
class Instrument:
    """A questionnaire reproduced unaltered: texts, codes, options and severity bands."""

    code: str
    title: str
    short_title: str
    stem: str
    items: tuple[Item, ...]
    options: tuple[AnswerOption, ...]
    panel_loinc: str
    total_loinc: str
    bands: tuple[SeverityBand, ...]
    copyright: str
    recall_days: int
    # The unscored follow-up asked after the items, when the instrument has one.
    difficulty_item: UnscoredItem | None = None

    @property
    def max_total(self) -> int:
        """The highest possible total: every item answered with the top option."""
        return len(self.items) * ANSWER_MAX


@dataclass(frozen=True)
class Score:
    """A scored response: total and severity band (code and display label)."""

    total: int
    severity: str
    severity_label: str


FREQUENCY_OPTIONS: tuple[AnswerOption, ...] = (
    AnswerOption(0, "Not at all", "LA6568-5"),
    AnswerOption(1, "Several days", "LA6569-3"),
    AnswerOption(2, "More than half the days", "LA6570-1"),
    AnswerOption(3, "Nearly every day", "LA6571-9"),
)

# Answer codes of the difficulty item are not listed in clinical.md; these are
# the LOINC answers used by published FHIR PHQ-9 Questionnaires (re-check on loinc.org).
PHQ9_DIFFICULTY = UnscoredItem(
    text=(
        "If you checked off any problems, how difficult have these problems made it for "
        "you to do your work, take care of things at home, or get along with other people?"
    ),
    loinc="69722-7",
    options=(
        AnswerOption(0, "Not difficult at all", "LA6572-7"),
        AnswerOption(1, "Somewhat difficult", "LA6573-5"),
        AnswerOption(2, "Very difficult", "LA6575-0"),
        AnswerOption(3, "Extremely difficult", "LA6574-3"),
    ),
)

PHQ9 = Instrument(
    code="phq9",
    title="Patient Health Questionnaire (PHQ-9)",
    short_title="PHQ-9",
    stem=(
        "Over the last 2 weeks, how often have you been bothered by any of the following problems?"
    ),
    items=(
        Item(1, "Little interest or pleasure in doing things", "44250-9"),
        Item(2, "Feeling down, depressed, or hopeless", "44255-8"),
        Item(3, "Trouble falling or staying asleep, or sleeping too much", "44259-0"),
        Item(4, "Feeling tired or having little energy", "44254-1"),
        Item(5, "Poor appetite or overeating", "44251-7"),
        Item(
            6,
            "Feeling bad about yourself — or that you are a failure or have let yourself "
            "or your family down",
            "44258-2",
        ),
        Item(
            7,
            "Trouble concentrating on things, such as reading the newspaper or watching television",
            "44252-5",
        ),
        Item(
            8,
            "Moving or speaking so slowly that other people could have noticed? Or the "
            "opposite — being so fidgety or restless that you have been moving around a lot "
            "more than usual",
            "44253-3",
        ),
        Item(
            9,
            "Thoughts that you would be better off dead or of hurting yourself in some way",
            "44260-8",
        ),
    ),
    options=FREQUENCY_OPTIONS,
    panel_loinc="44249-1",
    total_loinc="44261-6",
    bands=(
        SeverityBand(0, 4, "minimal", "Minimal"),
        SeverityBand(5, 9, "mild", "Mild"),
        SeverityBand(10, 14, "moderate", "Moderate"),
        SeverityBand(15, 19, "moderately_severe", "Moderately severe"),
        SeverityBand(20, 27, "severe", "Severe"),
    ),
    copyright=COPYRIGHT,
    recall_days=14,
    difficulty_item=PHQ9_DIFFICULTY,
)

GAD7 = Instrument(
    code="gad7",
    title="Generalized Anxiety Disorder 7-item scale (GAD-7)",
    short_title="GAD-7",
    stem="Over the last 2 weeks, how often have you been bothered by the following problems?",
    items=(
        Item(1, "Feeling nervous, anxious, or on edge", "69725-0"),
        Item(2, "Not being able to stop or control worrying", "68509-9"),
        Item(3, "Worrying too much about different things", "69733-4"),
        Item(4, "Trouble relaxing", "69734-2"),
        Item(5, "Being so restless that it is hard to sit still", "69735-9"),
        Item(6, "Becoming easily annoyed or irritable", "69689-8"),
        Item(7, "Feeling afraid, as if something awful might happen", "69736-7"),
    ),
    options=FREQUENCY_OPTIONS,
    panel_loinc="69737-5",
    total_loinc="70274-6",
    bands=(
        SeverityBand(0, 4, "minimal", "Minimal"),
        SeverityBand(5, 9, "mild", "Mild"),
        SeverityBand(10, 14, "moderate", "Moderate"),
        SeverityBand(15, 21, "severe", "Severe"),
    ),
    copyright=COPYRIGHT,
    recall_days=14,
)

INSTRUMENTS: dict[str, Instrument] = {PHQ9.code: PHQ9, GAD7.code: GAD7}

# PHQ-9 item 9 (thoughts of being better off dead or of self-harm), 0-based.
PHQ9_ITEM9_INDEX = 8


def get_instrument(code: str) -> Instrument:
    """Return the instrument for `code`; InvalidAnswers(field="instrument") when unknown.

    Source: clinical.md "PHQ-9 (depression)", "GAD-7 (anxiety)".
    """
    instrument = INSTRUMENTS.get(code) if isinstance(code, str) else None
    if instrument is None:
        raise InvalidAnswers(
            f"unknown instrument; expected one of: {', '.join(INSTRUMENTS)}", field="instrument"
        )
    return instrument


def validate_answers(instrument_code: str, answers: Sequence[int]) -> tuple[int, ...]:
    """Check a full set of item answers and return them as a tuple of ints.

    Source: clinical.md (each item scores 0-3; the total is the sum of all items).
    """
    instrument = get_instrument(instrument_code)
    n_items = len(instrument.items)
    if isinstance(answers, str | bytes) or not isinstance(answers, Sequence):
        raise InvalidAnswers(f"answers must be a list of {n_items} integers from 0 to 3")
    if len(answers) != n_items:
        raise InvalidAnswers(
            f"{instrument.short_title} needs exactly {n_items} answers, got {len(answers)}"
        )
    for number, answer in enumerate(answers, start=1):
        if isinstance(answer, bool) or not isinstance(answer, int):
            raise InvalidAnswers(f"answer to item {number} must be an integer from 0 to 3")
        if not ANSWER_MIN <= answer <= ANSWER_MAX:
            raise InvalidAnswers(f"answer to item {number} must be from 0 to 3")
    return tuple(int(answer) for answer in answers)


def validate_difficulty(instrument_code: str, difficulty: int | None) -> int | None:
    """Check the optional answer to the instrument's unscored difficulty item.

    Source: clinical.md "PHQ-9": the follow-up (LOINC 69722-7) is asked of patients who
    checked off any problem, has four options (0-3) and is never added to the total; the
    GAD-7 of clinical.md has no such item.
    """
    instrument = get_instrument(instrument_code)
    if difficulty is None:
        return None
    if instrument.difficulty_item is None:
        raise InvalidAnswers(f"{instrument.short_title} has no difficulty item", "difficulty")
    values = [option.value for option in instrument.difficulty_item.options]
    if isinstance(difficulty, bool) or difficulty not in values:
        raise InvalidAnswers(
            f"the difficulty answer must be from {values[0]} to {values[-1]}", "difficulty"
        )
    return int(difficulty)


def severity_band(instrument_code: str, total: int) -> SeverityBand:
    """Return the severity band holding `total`; ValueError when it is outside 0..max.

    Source: clinical.md bands (PHQ-9 0-4/5-9/10-14/15-19/20-27; GAD-7 0-4/5-9/10-14/15-21).
    """
    instrument = get_instrument(instrument_code)
    if isinstance(total, bool) or not isinstance(total, int):
        raise ValueError("a total must be an integer")
    for band in instrument.bands:
        if band.min <= total <= band.max:
            return band
    raise ValueError(f"{instrument.short_title} totals run from 0 to {instrument.max_total}")


def score(instrument_code: str, answers: Sequence[int]) -> Score:
    """Total (sum of the item answers) and severity band of a complete response.

    Source: clinical.md "Total 0-27 = sum of items 1-9" (PHQ-9), "Total 0-21" (GAD-7).
    """
    total = sum(validate_answers(instrument_code, answers))
    band = severity_band(instrument_code, total)
    return Score(total=total, severity=band.code, severity_label=band.label)

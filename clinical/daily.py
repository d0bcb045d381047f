"""The daily check-in: three 0-10 scales and a fixed side-effect vocabulary.

Sources: shared/reference/clinical.md "Daily single-item ratings"; pain NRS is
LOINC 72514-3 (0 no pain, 10 worst imaginable).
"""

from dataclasses import dataclass
from typing import Literal

Direction = Literal["higher_is_better", "higher_is_worse"]

SCALE_MIN = 0
SCALE_MAX = 10


@dataclass(frozen=True)
class DailyScale:
    """One 0-10 self-rated scale and which way is better."""

    code: str
    label: str
    direction: Direction
    low_label: str
    high_label: str


SCALES: dict[str, DailyScale] = {
    "mood": DailyScale("mood", "Mood", "higher_is_better", "Worst", "Best"),
    "anxiety": DailyScale("anxiety", "Anxiety", "higher_is_worse", "None", "Worst"),
    "pain": DailyScale("pain", "Pain", "higher_is_worse", "No pain", "Worst imaginable"),
}

# Side effects worth offering after ketamine (clinical.md "Daily single-item ratings").
SIDE_EFFECTS: tuple[str, ...] = (
    "nausea",
    "dizziness",
    "headache",
    "dissociation",
    "drowsiness",
    "blurred_vision",
    "bladder_pain",
    "other",
)
SEVERITIES: tuple[str, ...] = ("mild", "moderate", "severe")

# FHIR codings for the daily scales (clinical.md "FHIR R4 mapping"). No generic
# LOINC code exists for a 0-10 mood or anxiety self-rating, so those two use a
# local code system; pain is LOINC 72514-3.
DAILY_CODE_SYSTEM = "urn:ketamine-outcomes:daily-checkin"
LOINC_SYSTEM = "http://loinc.org"


@dataclass(frozen=True)
class Coding:
    """A FHIR Coding: code system URI, code and human-readable display."""

    system: str
    code: str
    display: str


FHIR_CODINGS: dict[str, Coding] = {
    "mood": Coding(DAILY_CODE_SYSTEM, "mood", "Mood, self-rated 0-10 (0 worst, 10 best)"),
    "anxiety": Coding(DAILY_CODE_SYSTEM, "anxiety", "Anxiety, self-rated 0-10 (0 none, 10 worst)"),
    "pain": Coding(
        LOINC_SYSTEM, "72514-3", "Pain severity - 0-10 verbal numeric rating [Score] - Reported"
    ),
}


def daily_scale(code: str) -> DailyScale:
    """Return the daily scale for `code`; ValueError when there is none.

    Source: clinical.md "Daily single-item ratings".
    """
    try:
        return SCALES[code]
    except KeyError:
        raise ValueError(f"unknown daily scale; expected one of: {', '.join(SCALES)}") from None


def oriented(direction: Direction, value: float) -> float:
    """Return `value` re-expressed so that higher is always better (for comparisons).

    Source: DESIGN.md §6 "every series carries its direction; every computation respects it".
    """
    return value if direction == "higher_is_better" else -value


def improvement(direction: Direction, before: float, after: float) -> float:
    """Points of improvement from `before` to `after`: positive is better, negative is worse.

    Source: DESIGN.md §6 (mood higher is better; anxiety and pain higher is worse).
    """
    return oriented(direction, after) - oriented(direction, before)


def symptom_burden(direction: Direction, value: float, scale_max: float = SCALE_MAX) -> float:
    """Distance of `value` from the best end of the scale (0 = best possible).

    Source: local convention, docs/clinical.md "Percent change and direction".
    """
    return value if direction == "higher_is_worse" else scale_max - value

import re
from pathlib import Path

import pytest

from clinical.daily import (
    DAILY_CODE_SYSTEM,
    FHIR_CODINGS,
    SCALE_MAX,
    SCALE_MIN,
    SCALES,
    SEVERITIES,
    SIDE_EFFECTS,
    daily_scale,
    improvement,
    oriented,
    symptom_burden,
)


def test_scales_and_their_directions() -> None:
    assert (SCALE_MIN, SCALE_MAX) == (0, 10)
    assert {code: scale.direction for code, scale in SCALES.items()} == {
        "mood": "higher_is_better",
        "anxiety": "higher_is_worse",
        "pain": "higher_is_worse",
    }
    assert daily_scale("pain") is SCALES["pain"]
    with pytest.raises(ValueError, match="unknown daily scale"):
        daily_scale("sleep")


def test_side_effect_vocabulary() -> None:
    assert "bladder_pain" in SIDE_EFFECTS and "dissociation" in SIDE_EFFECTS
    assert SIDE_EFFECTS[-1] == "other"
    assert SEVERITIES == ("mild", "moderate", "severe")


VOCAB_TS = Path(__file__).parents[2] / "pwa" / "src" / "shared" / "vocab.ts"


def test_the_apps_show_the_same_anchors_and_side_effects() -> None:
    """The PWA carries its own copy (it works offline): the same scales with the same anchors
    (pain: LOINC 72514-3's "no pain" and "worst imaginable"), the same side effects."""
    source = VOCAB_TS.read_text()
    shown = {
        code: (low, high, direction)
        for code, low, high, direction in re.findall(
            r"code: '(\w+)', label: '[^']+', low: '0 ([^']+)', high: '10 ([^']+)', "
            r"direction: '(\w+)'",
            source,
        )
    }
    assert shown == {
        code: (scale.low_label.lower(), scale.high_label.lower(), scale.direction)
        for code, scale in SCALES.items()
    }
    assert tuple(re.findall(r"\{ name: '(\w+)', label:", source)) == SIDE_EFFECTS


def test_fhir_codings() -> None:
    assert DAILY_CODE_SYSTEM == "urn:ketamine-outcomes:daily-checkin"
    assert (FHIR_CODINGS["mood"].system, FHIR_CODINGS["mood"].code) == (DAILY_CODE_SYSTEM, "mood")
    assert (FHIR_CODINGS["anxiety"].system, FHIR_CODINGS["anxiety"].code) == (
        DAILY_CODE_SYSTEM,
        "anxiety",
    )
    assert (FHIR_CODINGS["pain"].system, FHIR_CODINGS["pain"].code) == (
        "http://loinc.org",
        "72514-3",
    )
    assert set(FHIR_CODINGS) == set(SCALES)


@pytest.mark.parametrize(
    ("scale", "before", "after", "gain", "burden_before"),
    [
        ("mood", 3, 7, 4, 7),
        ("mood", 7, 3, -4, 3),
        ("anxiety", 3, 7, -4, 3),
        ("pain", 8, 2, 6, 8),
    ],
)
def test_direction_helpers(
    scale: str, before: int, after: int, gain: int, burden_before: int
) -> None:
    direction = SCALES[scale].direction
    assert improvement(direction, before, after) == gain
    assert symptom_burden(direction, before) == burden_before
    assert (oriented(direction, after) > oriented(direction, before)) is (gain > 0)

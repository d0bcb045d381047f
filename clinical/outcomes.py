"""Outcome against baseline for one measure: change, percent improvement, response, remission.

Measures: "phq9", "gad7" (questionnaire totals) and "mood", "anxiety", "pain"
(daily 0-10 scores). Every computation respects the measure's direction: mood
is higher-is-better; anxiety, pain, PHQ-9 and GAD-7 are higher-is-worse.
Sources: clinical.md "Outcomes"; DESIGN.md §6.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Literal

from clinical._series import EPSILON, DailyValues, by_date, is_number, window_mean
from clinical.daily import SCALE_MAX, SCALES, Direction, improvement, symptom_burden
from clinical.instruments import INSTRUMENTS

Status = Literal[
    "response", "partial_response", "no_response", "not_applicable", "insufficient_data"
]
ReliableChange = Literal["reliable_improvement", "reliable_deterioration", "no_reliable_change"]

# Daily baseline and latest level: mean of the 7 local days before the first
# session (DESIGN.md §6), and of the 7 days ending on the latest day; a mean
# needs at least 3 of those 7 days so one or two ratings cannot stand for a week.
DAILY_WINDOW_DAYS = 7
DAILY_MIN_DAYS = 3


@dataclass(frozen=True)
class MeasureRule:
    """How one measure is judged: direction, cut-offs and the definition shown in the UI."""

    measure: str
    label: str
    direction: Direction
    scale_max: int
    response_pct: float
    partial_response_pct: float | None
    remission_below: int | None
    mic_points: float | None
    mic_pct: float | None
    reliable_change_points: int | None
    definition: str


_QUESTIONNAIRE_BASELINE = "the last {label} at or before the first treatment session"
_DAILY_BASELINE = (
    f"the mean daily {{label}} over the {DAILY_WINDOW_DAYS} days before the first treatment "
    f"session (at least {DAILY_MIN_DAYS} days rated); latest is the mean of the "
    f"{DAILY_WINDOW_DAYS} days ending on the latest check-in (at least {DAILY_MIN_DAYS} days)"
)

RULES: dict[str, MeasureRule] = {
    "phq9": MeasureRule(
        measure="phq9",
        label="PHQ-9",
        direction="higher_is_worse",
        scale_max=INSTRUMENTS["phq9"].max_total,
        response_pct=50,
        partial_response_pct=25,
        remission_below=5,
        mic_points=5,
        mic_pct=None,
        reliable_change_points=6,
        definition=(
            "Baseline: " + _QUESTIONNAIRE_BASELINE.format(label="PHQ-9") + ". "
            "Response: total down at least 50% from baseline (ICSI; HEDIS); partial response: "
            "down 25% to under 50%. Remission: total below 5. Minimal important change: "
            "5 points (Löwe 2004). Reliable change: 6 points or more (NHS Talking Therapies)."
        ),
    ),
    "gad7": MeasureRule(
        measure="gad7",
        label="GAD-7",
        direction="higher_is_worse",
        scale_max=INSTRUMENTS["gad7"].max_total,
        response_pct=50,
        partial_response_pct=25,
        remission_below=5,
        mic_points=4,
        mic_pct=None,
        reliable_change_points=4,
        definition=(
            "Baseline: " + _QUESTIONNAIRE_BASELINE.format(label="GAD-7") + ". "
            "Response: total down at least 50% from baseline (ICSI; HEDIS, by analogy with "
            "PHQ-9); partial response: down 25% to under 50%. Remission: total below 5. "
            "Minimal important change: 4 points (Toussaint 2020). Reliable change: 4 points "
            "or more (NHS Talking Therapies)."
        ),
    ),
    "mood": MeasureRule(
        measure="mood",
        label="mood",
        direction="higher_is_better",
        scale_max=SCALE_MAX,
        response_pct=50,
        partial_response_pct=25,
        remission_below=None,
        mic_points=None,
        mic_pct=None,
        reliable_change_points=None,
        definition=(
            "Baseline: " + _DAILY_BASELINE.format(label="mood") + ". Mood is higher-is-better, "
            "so improvement is measured on the distance from the best score (10 minus mood). "
            "Response: that distance down at least 50%; partial response: 25% to under 50% "
            "(ICSI/HEDIS cut-offs applied to a daily item: a local convention that complements, "
            "never replaces, the PHQ-9)."
        ),
    ),
    "anxiety": MeasureRule(
        measure="anxiety",
        label="anxiety",
        direction="higher_is_worse",
        scale_max=SCALE_MAX,
        response_pct=50,
        partial_response_pct=25,
        remission_below=None,
        mic_points=None,
        mic_pct=None,
        reliable_change_points=None,
        definition=(
            "Baseline: " + _DAILY_BASELINE.format(label="anxiety") + ". Response: anxiety down "
            "at least 50%; partial response: 25% to under 50% (ICSI/HEDIS cut-offs applied to "
            "a daily item: a local convention that complements, never replaces, the GAD-7)."
        ),
    ),
    "pain": MeasureRule(
        measure="pain",
        label="pain",
        direction="higher_is_worse",
        scale_max=SCALE_MAX,
        response_pct=30,
        partial_response_pct=None,
        remission_below=None,
        mic_points=2,
        mic_pct=30,
        reliable_change_points=None,
        definition=(
            "Baseline: " + _DAILY_BASELINE.format(label="pain") + ". Pain response: pain down "
            "at least 30% (IMMPACT: 30% moderate, 50% substantial benefit). Minimal important "
            "change: 2 points or 30% (Farrar 2001)."
        ),
    ),
}


@dataclass(frozen=True)
class Outcome:
    """One measure against its baseline.

    `change` is latest minus baseline as the scale reads; `improvement` is the
    same change with its sign set so that positive is better; `percent_change`
    is the improvement as a percentage of the baseline symptom burden (distance
    from the scale's best end), positive is better, None when that burden is 0.
    `baseline_at`/`latest_at` are the questionnaires' instants (aware UTC) or, for
    a daily scale, the last local date of the 7-day window. `reason` says why
    the status is "insufficient_data" or "not_applicable".
    """

    measure: str
    status: Status
    baseline: float | None
    baseline_at: date | datetime | None
    latest: float | None
    latest_at: date | datetime | None
    change: float | None
    improvement: float | None
    percent_change: float | None
    remission: bool | None
    minimal_important_change: bool | None
    reliable_change: ReliableChange | None
    definition: str
    reason: str | None = None


def measure_rule(measure: str) -> MeasureRule:
    """Return the rule for `measure`; ValueError when unknown.

    Source: clinical.md "Outcomes".
    """
    try:
        return RULES[measure]
    except KeyError:
        raise ValueError(f"unknown measure; expected one of: {', '.join(RULES)}") from None


def _insufficient(
    rule: MeasureRule,
    reason: str,
    baseline: float | None = None,
    baseline_at: date | datetime | None = None,
) -> Outcome:
    return Outcome(
        measure=rule.measure,
        status="insufficient_data",
        baseline=baseline,
        baseline_at=baseline_at,
        latest=None,
        latest_at=None,
        change=None,
        improvement=None,
        percent_change=None,
        remission=None,
        minimal_important_change=None,
        reliable_change=None,
        definition=rule.definition,
        reason=reason,
    )


def response_status(measure: str, percent_change: float | None) -> Status:
    """Response, partial response or no response from a direction-adjusted percent improvement.

    Source: clinical.md "response ≥50% reduction (ICSI; HEDIS); partial 25-50%"; pain ≥30%.
    """
    rule = measure_rule(measure)
    if percent_change is None:
        return "not_applicable"
    if percent_change >= rule.response_pct - EPSILON:
        return "response"
    partial = rule.partial_response_pct
    if partial is not None and percent_change >= partial - EPSILON:
        return "partial_response"
    return "no_response"


def reliable_change(measure: str, improvement_points: float) -> ReliableChange | None:
    """Reliable improvement or deterioration (None for measures without a threshold).

    Source: clinical.md "reliable change (NHS Talking Therapies): PHQ-9 ≥ 6, GAD-7 ≥ 4".
    """
    points = measure_rule(measure).reliable_change_points
    if points is None:
        return None
    if improvement_points >= points - EPSILON:
        return "reliable_improvement"
    if improvement_points <= -points + EPSILON:
        return "reliable_deterioration"
    return "no_reliable_change"


def compare(
    measure: str,
    baseline: float,
    latest: float,
    baseline_at: date | datetime | None = None,
    latest_at: date | datetime | None = None,
) -> Outcome:
    """Change, percent improvement, status, remission, MIC and reliable change of two levels.

    Source: clinical.md "Outcomes" (ICSI; HEDIS; Löwe 2004; Toussaint 2020; Farrar 2001).
    """
    rule = measure_rule(measure)
    for level in (baseline, latest):
        if not is_number(level) or not 0 <= level <= rule.scale_max:
            raise ValueError(f"{rule.label} levels must be numbers from 0 to {rule.scale_max}")
    gained = improvement(rule.direction, baseline, latest)
    burden = symptom_burden(rule.direction, baseline, rule.scale_max)
    percent = None if burden == 0 else 100 * gained / burden
    status = response_status(measure, percent)

    remission = None
    if rule.remission_below is not None and baseline >= rule.remission_below:
        remission = latest < rule.remission_below

    mic = None
    if rule.mic_points is not None:
        mic = gained >= rule.mic_points - EPSILON or (
            rule.mic_pct is not None and percent is not None and percent >= rule.mic_pct - EPSILON
        )

    return Outcome(
        measure=measure,
        status=status,
        baseline=baseline,
        baseline_at=baseline_at,
        latest=latest,
        latest_at=latest_at,
        change=latest - baseline,
        improvement=gained,
        percent_change=percent,
        remission=remission,
        minimal_important_change=mic,
        reliable_change=reliable_change(measure, gained),
        definition=rule.definition,
        reason="baseline_at_best_score" if percent is None else None,
    )


def _check_instant(value: datetime) -> None:
    if not isinstance(value, datetime) or value.tzinfo is None:
        raise ValueError("instants must be timezone-aware datetimes")


def _sorted_totals(totals: Iterable[tuple[datetime, int]]) -> list[tuple[datetime, int]]:
    checked = []
    for at, total in totals:
        _check_instant(at)
        checked.append((at, total))
    return sorted(checked, key=lambda pair: pair[0])


def questionnaire_baseline(
    totals: Iterable[tuple[datetime, int]], first_session_at: datetime | None
) -> tuple[datetime, int] | None:
    """The last (submitted_at, total) at or before the first treatment session, or None.

    Source: DESIGN.md §6 "Baseline: PHQ-9/GAD-7 before the first treatment session".
    """
    if first_session_at is None:
        return None
    _check_instant(first_session_at)
    before = [pair for pair in _sorted_totals(totals) if pair[0] <= first_session_at]
    return before[-1] if before else None


def questionnaire_outcome(
    instrument: str, totals: Iterable[tuple[datetime, int]], first_session_at: datetime | None
) -> Outcome:
    """PHQ-9 or GAD-7 outcome: baseline before the first session against the latest total after.

    Source: clinical.md "Outcomes"; DESIGN.md §6 "Baseline".
    """
    if instrument not in INSTRUMENTS:
        raise ValueError(f"unknown instrument; expected one of: {', '.join(INSTRUMENTS)}")
    rule = measure_rule(instrument)
    ordered = _sorted_totals(totals)
    if first_session_at is None:
        return _insufficient(rule, "no_treatment_session")
    baseline = questionnaire_baseline(ordered, first_session_at)
    if baseline is None:
        return _insufficient(rule, "no_baseline")
    after = [pair for pair in ordered if pair[0] > first_session_at]
    if not after:
        return _insufficient(rule, "no_follow_up", baseline[1], baseline[0])
    latest = after[-1]
    return compare(instrument, baseline[1], latest[1], baseline[0], latest[0])


@dataclass(frozen=True)
class WindowMean:
    """Mean of a daily score over a window of local dates and how many days were rated."""

    mean: float
    days_rated: int
    start: date
    end: date


def daily_baseline(values: DailyValues, first_session_on: date | None) -> WindowMean | None:
    """Mean daily score over the 7 local days before the first session (at least 3 rated).

    Source: DESIGN.md §6 "daily baseline = mean of the 7 days before it".
    The session's own day is excluded: its rating may come before or after the dose.
    """
    if first_session_on is None:
        return None
    scores = by_date(values)
    start = first_session_on - timedelta(days=DAILY_WINDOW_DAYS)
    end = first_session_on - timedelta(days=1)
    mean, count = window_mean(scores, start, end)
    if mean is None or count < DAILY_MIN_DAYS:
        return None
    return WindowMean(mean, count, start, end)


def daily_latest(
    values: DailyValues, first_session_on: date, as_of: date | None = None
) -> WindowMean | None:
    """Mean over the 7 local days ending on `as_of` (default: the last rated day), after the
    first session only, with at least 3 days rated; None otherwise.

    Source: local convention (docs/clinical.md "Outcomes"): like compared with like.
    """
    scores = {
        day: v
        for day, v in by_date(values).items()
        if day > first_session_on and (as_of is None or day <= as_of)
    }
    if not scores:
        return None
    end = as_of if as_of is not None else max(scores)
    start = max(end - timedelta(days=DAILY_WINDOW_DAYS - 1), first_session_on + timedelta(days=1))
    mean, count = window_mean(scores, start, end)
    if mean is None or count < DAILY_MIN_DAYS:
        return None
    return WindowMean(mean, count, start, end)


def daily_outcome(
    scale: str,
    values: Sequence[tuple[date, float | None]],
    first_session_on: date | None,
    as_of: date | None = None,
) -> Outcome:
    """Daily-scale outcome: 7-day mean before the first session against the latest 7-day mean.

    Source: DESIGN.md §6; clinical.md "Outcomes" (pain response ≥30%, Farrar 2001; IMMPACT).
    """
    if scale not in SCALES:
        raise ValueError(f"unknown daily scale; expected one of: {', '.join(SCALES)}")
    rule = measure_rule(scale)
    by_date(values)  # validate the whole series even when no outcome can be computed
    if first_session_on is None:
        return _insufficient(rule, "no_treatment_session")
    baseline = daily_baseline(values, first_session_on)
    if baseline is None:
        return _insufficient(rule, "no_baseline")
    latest = daily_latest(values, first_session_on, as_of)
    if latest is None:
        return _insufficient(rule, "no_follow_up", baseline.mean, baseline.end)
    return compare(scale, baseline.mean, latest.mean, baseline.end, latest.end)

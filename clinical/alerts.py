"""Alert rules: pure functions that say whether a patient's data raises an alert, and why.

Source: DESIGN.md §6 "Alerts (defaults; clinic-configurable; one open alert per
patient and kind)"; clinical.md "PHQ-9 (depression)" for item 9. Raising,
de-duplicating (one open alert per patient and kind), acknowledging and
resolving alerts is the service layer's job; these rules only decide.

Evidence holds numbers, ISO dates ("YYYY-MM-DD") and codes only, never free
text, so it can be stored as JSON and shown without leaking notes.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Literal

from clinical._series import EPSILON, by_date, window_mean
from clinical.daily import SCALES, SEVERITIES, SIDE_EFFECTS, daily_scale, improvement
from clinical.instruments import INSTRUMENTS, PHQ9_ITEM9_INDEX, severity_band, validate_answers

AlertKind = Literal["urgent", "worsening", "decline", "missed", "side_effect"]
AlertSeverity = Literal["urgent", "high", "medium", "low"]

ALERT_KINDS: tuple[AlertKind, ...] = ("urgent", "worsening", "decline", "missed", "side_effect")
# Most pressing first: the roster sorts by this.
ALERT_SEVERITIES: tuple[AlertSeverity, ...] = ("urgent", "high", "medium", "low")
SEVERITY_OF_KIND: dict[AlertKind, AlertSeverity] = {
    "urgent": "urgent",
    "worsening": "high",
    "side_effect": "high",
    "decline": "medium",
    "missed": "low",
}


@dataclass(frozen=True)
class AlertThresholds:
    """Clinic-configurable alert thresholds; the defaults are DESIGN.md §6's.

    The urgent rule (self-harm thoughts, PHQ-9 item 9 ≥ 1) is deliberately not
    configurable: clinical.md says item 9 > 0 always needs same-day follow-up.
    """

    phq9_worsening_points: int = 5  # PHQ-9 rise versus the previous response
    gad7_worsening_points: int = 4  # GAD-7 rise versus the previous response
    phq9_severe_total: int = 20  # start of PHQ-9's "severe" band
    gad7_severe_total: int = 15  # start of GAD-7's "severe" band
    mood_decline_points: float = 2.0  # 3-day mean mood below the prior 14-day mean by this
    pain_rise_points: float = 2.0  # 3-day mean pain above the prior 14-day mean by this
    anxiety_rise_points: float | None = None  # off by default; a clinic may switch it on
    decline_recent_days: int = 3
    decline_recent_min_days: int = 2  # rated days needed in the recent window
    decline_prior_days: int = 14
    decline_prior_min_days: int = 7  # rated days needed in the prior window
    missed_days: int = 3  # whole local days without a check-in
    side_effect_severities: tuple[str, ...] = ("severe",)

    def __post_init__(self) -> None:
        positive = (
            self.phq9_worsening_points,
            self.gad7_worsening_points,
            self.mood_decline_points,
            self.pain_rise_points,
            self.decline_recent_days,
            self.decline_recent_min_days,
            self.decline_prior_days,
            self.decline_prior_min_days,
            self.missed_days,
        )
        if any(value <= 0 for value in positive):
            raise ValueError("alert thresholds must be positive")
        if self.anxiety_rise_points is not None and self.anxiety_rise_points <= 0:
            raise ValueError("alert thresholds must be positive")
        if not (
            self.decline_recent_min_days <= self.decline_recent_days
            and self.decline_prior_min_days <= self.decline_prior_days
        ):
            raise ValueError("minimum days cannot exceed their window")
        if not 0 < self.phq9_severe_total <= INSTRUMENTS["phq9"].max_total:
            raise ValueError("the PHQ-9 severe threshold must be a possible total")
        if not 0 < self.gad7_severe_total <= INSTRUMENTS["gad7"].max_total:
            raise ValueError("the GAD-7 severe threshold must be a possible total")
        if not set(self.side_effect_severities) <= set(SEVERITIES):
            raise ValueError(f"side-effect severities must be among: {', '.join(SEVERITIES)}")

    def worsening_points(self, instrument: str) -> int:
        """Rise in total versus the previous response that counts as worsening."""
        return self.phq9_worsening_points if instrument == "phq9" else self.gad7_worsening_points

    def severe_total(self, instrument: str) -> int:
        """Total from which a response is in the severe band, for alerting."""
        return self.phq9_severe_total if instrument == "phq9" else self.gad7_severe_total

    def decline_points(self, scale: str) -> float | None:
        """Worsening of the 3-day mean that counts as decline on `scale` (None: not watched)."""
        return {
            "mood": self.mood_decline_points,
            "pain": self.pain_rise_points,
            "anxiety": self.anxiety_rise_points,
        }[scale]


DEFAULT_THRESHOLDS = AlertThresholds()


@dataclass(frozen=True)
class AlertSignal:
    """A rule fired: the alert's kind and severity, evidence (numbers, dates, codes) and a
    one-line summary for the clinician (no free text from the patient)."""

    kind: AlertKind
    severity: AlertSeverity
    evidence: dict[str, Any]
    summary: str


def _signal(kind: AlertKind, evidence: dict[str, Any], summary: str) -> AlertSignal:
    return AlertSignal(kind, SEVERITY_OF_KIND[kind], evidence, summary)


def urgent_alert(
    *, self_harm_thoughts: bool | None = None, phq9_answers: Sequence[int] | None = None
) -> AlertSignal | None:
    """Urgent: the check-in reports self-harm thoughts, or PHQ-9 item 9 is 1 or more.

    Source: clinical.md "Item 9 > 0 needs same-day clinician follow-up"; DESIGN.md §6.
    """
    evidence: dict[str, Any] = {}
    reasons = []
    if self_harm_thoughts is True:
        evidence["self_harm_thoughts"] = True
        reasons.append("self-harm thoughts reported on the daily check-in")
    if phq9_answers is not None:
        item9 = validate_answers("phq9", phq9_answers)[PHQ9_ITEM9_INDEX]
        if item9 >= 1:
            evidence["phq9_item9"] = item9
            reasons.append(f"PHQ-9 item 9 answered {item9} of 3")
    if not reasons:
        return None
    summary = "Safety: " + "; ".join(reasons) + ". Same-day follow-up needed."
    return _signal("urgent", evidence, summary)


def worsening_alert(
    instrument: str,
    total: int,
    previous_total: int | None,
    thresholds: AlertThresholds = DEFAULT_THRESHOLDS,
) -> AlertSignal | None:
    """Worsening: a PHQ-9 (GAD-7) total up 5 (4) or more on the previous response, or a
    move into the severe band (PHQ-9 ≥ 20, GAD-7 ≥ 15) from below it.

    Without a previous response there is no change and no move, so no alert.
    Source: DESIGN.md §6; clinical.md MIC (Löwe 2004; Toussaint 2020) and bands.
    """
    instrument_def = INSTRUMENTS.get(instrument)
    if instrument_def is None:
        raise ValueError(f"unknown instrument; expected one of: {', '.join(INSTRUMENTS)}")
    severity_band(instrument, total)  # validates the total
    if previous_total is None:
        return None
    severity_band(instrument, previous_total)
    rise = total - previous_total
    points = thresholds.worsening_points(instrument)
    severe = thresholds.severe_total(instrument)
    rules = []
    if rise >= points:
        rules.append("rise")
    if total >= severe > previous_total:
        rules.append("severe_band")
    if not rules:
        return None
    label = instrument_def.short_title
    evidence: dict[str, Any] = {
        "instrument": instrument,
        "total": total,
        "previous_total": previous_total,
        "change": rise,
        "rules": rules,
        "rise_threshold": points,
        "severe_threshold": severe,
    }
    parts = []
    if "rise" in rules:
        parts.append(f"{label} up {rise} points ({previous_total} to {total})")
    if "severe_band" in rules:
        parts.append(f"{label} {total}: now in the severe range (from {previous_total})")
    return _signal("worsening", evidence, "; ".join(parts) + ".")


def scale_decline(
    scale: str,
    values: Sequence[tuple[date, float | None]],
    on: date,
    thresholds: AlertThresholds = DEFAULT_THRESHOLDS,
) -> dict[str, Any] | None:
    """Evidence when the 3-day mean of `scale` ending on `on` is worse than the mean of the
    14 days before it by the threshold (both with enough rated days), else None.

    Source: DESIGN.md §6 "3-day mean mood down ≥2 versus the prior 14-day mean, or pain up ≥2".
    """
    points = thresholds.decline_points(scale)
    if points is None:
        return None
    direction = daily_scale(scale).direction
    scores = by_date(values)
    recent_start = on - timedelta(days=thresholds.decline_recent_days - 1)
    prior_end = recent_start - timedelta(days=1)
    prior_start = prior_end - timedelta(days=thresholds.decline_prior_days - 1)
    recent, recent_count = window_mean(scores, recent_start, on)
    prior, prior_count = window_mean(scores, prior_start, prior_end)
    if recent is None or prior is None:
        return None
    if (
        recent_count < thresholds.decline_recent_min_days
        or prior_count < thresholds.decline_prior_min_days
    ):
        return None
    worse_by = -improvement(direction, prior, recent)
    if worse_by < points - EPSILON:
        return None
    return {
        "scale": scale,
        "recent_mean": round(recent, 2),
        "recent_days": recent_count,
        "recent_from": recent_start.isoformat(),
        "recent_to": on.isoformat(),
        "prior_mean": round(prior, 2),
        "prior_days": prior_count,
        "prior_from": prior_start.isoformat(),
        "prior_to": prior_end.isoformat(),
        "worse_by": round(worse_by, 2),
        "threshold": points,
    }


def decline_alert(
    series: Mapping[str, Sequence[tuple[date, float | None]]],
    on: date,
    thresholds: AlertThresholds = DEFAULT_THRESHOLDS,
) -> AlertSignal | None:
    """Decline on any watched daily scale (mood down, pain up; anxiety when switched on).

    `series` maps a scale code to its (local_date, score) pairs; `on` is the last
    local day of the 3-day window (normally the check-in's local date).
    Source: DESIGN.md §6 "decline".
    """
    unknown = set(series) - set(SCALES)
    if unknown:
        raise ValueError(f"unknown daily scale; expected among: {', '.join(SCALES)}")
    findings = []
    for scale in SCALES:
        if scale in series:
            found = scale_decline(scale, series[scale], on, thresholds)
            if found is not None:
                findings.append(found)
    if not findings:
        return None
    parts = []
    for found in findings:
        verb = "down" if SCALES[found["scale"]].direction == "higher_is_better" else "up"
        parts.append(
            f"3-day mean {found['scale']} {found['recent_mean']:g}, {verb} {found['worse_by']:g} "
            f"on the prior 14-day mean {found['prior_mean']:g}"
        )
    evidence = {"on": on.isoformat(), "scales": findings}
    return _signal("decline", evidence, "; ".join(parts) + ".")


def days_without_checkin(today: date, last_checkin_on: date | None, enrolled_on: date) -> int:
    """Whole local days since the last check-in (or enrolment) that ended without one.

    Today does not count: it is not over. Last check-in on Monday, today Friday:
    Tuesday, Wednesday and Thursday were missed, so 3. Enrolled on Monday, no
    check-in, today Friday: also 3 (the enrolment day is not counted against them).
    Source: DESIGN.md §6 "no check-in for 3 days → missed".
    """
    anchor = enrolled_on if last_checkin_on is None else max(last_checkin_on, enrolled_on)
    return max((today - anchor).days - 1, 0)


def missed_alert(
    today: date,
    last_checkin_on: date | None,
    enrolled_on: date,
    thresholds: AlertThresholds = DEFAULT_THRESHOLDS,
) -> AlertSignal | None:
    """Missed: 3 (configurable) whole local days in a row without a check-in.

    Source: DESIGN.md §6 "no check-in for 3 days → missed".
    """
    missed = days_without_checkin(today, last_checkin_on, enrolled_on)
    if missed < thresholds.missed_days:
        return None
    evidence: dict[str, Any] = {
        "today": today.isoformat(),
        "last_checkin_on": last_checkin_on.isoformat() if last_checkin_on else None,
        "enrolled_on": enrolled_on.isoformat(),
        "days_missed": missed,
        "threshold": thresholds.missed_days,
    }
    if last_checkin_on is None:
        summary = f"No check-in since enrolment ({missed} days)."
    else:
        summary = f"No check-in for {missed} days (last on {last_checkin_on.isoformat()})."
    return _signal("missed", evidence, summary)


def side_effect_alert(
    side_effects: Sequence[Mapping[str, Any]],
    local_date: date | None = None,
    thresholds: AlertThresholds = DEFAULT_THRESHOLDS,
) -> AlertSignal | None:
    """Side effect: any side effect reported as severe (configurable severities).

    `side_effects` is the check-in's list of {"name", "severity"}; names outside
    the vocabulary are reported as "other" so no free text reaches the evidence.
    Source: DESIGN.md §6 "a severe side effect → side effect"; clinical.md vocabulary.
    """
    flagged: list[dict[str, str]] = []
    for effect in side_effects:
        severity = effect.get("severity")
        if severity not in thresholds.side_effect_severities:
            continue
        name = effect.get("name")
        code = name if name in SIDE_EFFECTS else "other"
        entry = {"name": code, "severity": str(severity)}
        if entry not in flagged:
            flagged.append(entry)
    if not flagged:
        return None
    evidence: dict[str, Any] = {"side_effects": flagged}
    if local_date is not None:
        evidence["local_date"] = local_date.isoformat()
    names = ", ".join(
        f"{entry['name'].replace('_', ' ')} ({entry['severity']})" for entry in flagged
    )
    return _signal("side_effect", evidence, f"Side effect reported: {names}.")

"""When PHQ-9 and GAD-7 are due: a baseline at enrolment, then every interval, or on request.

Source: DESIGN.md §6 "Default schedule: at enrollment (baseline), then every 14
days, and 1 day before each scheduled evaluation; clinic-configurable";
clinical.md "Recall is 2 weeks: never administer daily".
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from clinical.instruments import INSTRUMENTS

DueReason = Literal["baseline", "interval", "requested"]

DEFAULT_INTERVAL_DAYS = 14
# The instruments ask about the last 2 weeks; more often than weekly would
# mostly re-ask about the same days (clinical.md: never administer daily).
MIN_INTERVAL_DAYS = 7
# A questionnaire still open more than 3 days after it fell due is overdue.
OVERDUE_AFTER_DAYS = 3


@dataclass(frozen=True)
class Due:
    """A questionnaire the patient should answer now, since when, and why."""

    instrument: str
    due_since: date
    overdue: bool
    reason: DueReason


def _check_codes(mapping: Mapping[str, date | None], what: str) -> None:
    unknown = set(mapping) - set(INSTRUMENTS)
    if unknown:
        raise ValueError(f"{what}: unknown instrument; expected among: {', '.join(INSTRUMENTS)}")


def next_due_on(
    enrolled_on: date, last_completed_on: date | None, interval_days: int = DEFAULT_INTERVAL_DAYS
) -> date:
    """The date the next scheduled (baseline or interval) questionnaire falls due.

    Source: DESIGN.md §6 "at enrollment (baseline), then every 14 days".
    """
    if interval_days < MIN_INTERVAL_DAYS:
        raise ValueError(f"the questionnaire interval must be at least {MIN_INTERVAL_DAYS} days")
    if last_completed_on is None:
        return enrolled_on
    return last_completed_on + timedelta(days=interval_days)


def due_questionnaires(
    today: date,
    enrolled_on: date,
    last_completed: Mapping[str, date | None],
    interval_days: int = DEFAULT_INTERVAL_DAYS,
    requested_on: Mapping[str, date | None] | None = None,
    instruments: Sequence[str] = tuple(INSTRUMENTS),
    overdue_after_days: int = OVERDUE_AFTER_DAYS,
) -> list[Due]:
    """The questionnaires due on local date `today`, in the order of `instruments`.

    An instrument is due when it was never completed (reason "baseline", since
    enrolment), when `interval_days` have passed since it was last completed
    ("interval"), or when a clinician requested it on or before today and it has
    not been completed since the request's date ("requested"; a completion on the
    request's own date satisfies it). A future request date (for example the day
    before a scheduled evaluation) is not due until that date. When several
    reasons apply the earliest `due_since` wins (ties: baseline, requested,
    interval). Overdue: more than `overdue_after_days` (3) days past `due_since`.
    Missing keys in the mappings mean "never". Source: DESIGN.md §6 schedule.
    """
    requested = requested_on or {}
    _check_codes(last_completed, "last_completed")
    _check_codes(requested, "requested_on")
    if overdue_after_days < 0:
        raise ValueError("overdue_after_days must not be negative")
    due: list[Due] = []
    if today < enrolled_on:
        return due
    for code in instruments:
        if code not in INSTRUMENTS:
            raise ValueError(f"unknown instrument; expected among: {', '.join(INSTRUMENTS)}")
        last = last_completed.get(code)
        candidates: list[tuple[date, int, DueReason]] = []
        scheduled = next_due_on(enrolled_on, last, interval_days)
        if scheduled <= today:
            reason: DueReason = "baseline" if last is None else "interval"
            candidates.append((scheduled, 0 if last is None else 2, reason))
        asked = requested.get(code)
        if asked is not None and asked <= today and (last is None or last < asked):
            candidates.append((asked, 1, "requested"))
        if not candidates:
            continue
        since, _, reason = min(candidates)
        overdue = (today - since).days > overdue_after_days
        due.append(Due(instrument=code, due_since=since, overdue=overdue, reason=reason))
    return due

"""The roster's per-patient summaries are counted in each patient's own local day, whatever zone
the clinic's patients are in."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from services import checkins as checkin_service
from services import roster as roster_service

# 20:00 UTC: already 25 November in Sydney (UTC+11), still 24 November in New York (UTC-5).
NOW = datetime(2026, 11, 24, 20, 0, tzinfo=UTC)


def _check_in_daily(actor, days: int, skip: set[int]) -> None:
    """A check-in for each of the `days` local days up to NOW's, mood = days back mod 10."""
    for back in range(days):
        if back in skip:
            continue
        submitted = NOW - timedelta(days=back)
        local_date = checkin_service.local_today(actor.user.patient, submitted)
        body = {"submit_id": uuid.uuid4(), "local_date": local_date, "mood": back % 10}
        body |= {"anxiety": 3, "pain": 2, "side_effects": []}
        checkin_service.record_checkin(actor.user, "me", body, now=submitted)


@pytest.mark.parametrize("searching", [False, True])
def test_windows_follow_each_patients_local_today(world, make_patient, searching):
    for name, zone in (("Sam Sydney", "Australia/Sydney"), ("Sam York", "America/New_York")):
        _, actor = make_patient(world.clinic, name=name, timezone=zone)
        _check_in_daily(actor, 20, skip={5})

    # A day earlier, each patient's latest check-in is dated tomorrow (their own tomorrow).
    entries = roster_service.roster(
        world.clinician.user, query="sam" if searching else None, now=NOW - timedelta(days=1)
    )

    by_name = {e.patient.display_name: e for e in entries}
    assert set(by_name) >= {"Sam Sydney", "Sam York"}
    for name, today in (("Sam Sydney", "2026-11-24"), ("Sam York", "2026-11-23")):
        entry = by_name[name]
        assert entry.today.isoformat() == today
        # Days 1-14 back but the skipped 5th: 13 of 14; the 7 days: moods 1,2,3,4,6,7.
        assert entry.adherence_14d == 0.93
        assert entry.scales["mood"] == {"latest": 1, "mean_7d": 3.83, "trend": "stable"}
        assert entry.scales["anxiety"] == {"latest": 3, "mean_7d": 3.0, "trend": "stable"}
    if not searching:
        never = by_name["Pat Two"]  # world.other_patient has not checked in
        assert never.adherence_14d == 0.0
        assert never.scales["pain"] == {"latest": None, "mean_7d": None, "trend": "unknown"}

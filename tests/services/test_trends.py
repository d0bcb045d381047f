"""`outcomes.patient_trends` against the trend's definition, computed naively from the whole
history (`load_history` and `clinical._series.window_mean`): a course with gaps, unrated
stretches longer than a week, records before, inside and after the period."""

import uuid
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from clinical._series import by_date, window_mean
from clinical.daily import SCALES
from clinical.trends import change_direction
from models import db
from services import checkins as checkin_service
from services import outcomes
from services import questionnaires as questionnaire_service
from services import sessions as session_service

ZONE = ZoneInfo("America/New_York")
DAY0 = date(2025, 3, 1)
# Rated days (0 = DAY0) and their scores: gaps of a day, of 4 days and of 9 days.
RATED = [*range(0, 12), *range(13, 17), *range(21, 26), *range(35, 48), 50]


def at(day: int, hour: int) -> datetime:
    return datetime.combine(DAY0 + timedelta(days=day), time(hour), ZONE).astimezone(UTC)


@pytest.fixture
def course(world) -> None:
    world.patient.created_at = world.patient.enrolled_at = at(-1, 9)
    db.session.commit()
    patient = world.patient_actor.user
    for day in RATED:
        data = {
            "submit_id": str(uuid.uuid4()),
            "local_date": DAY0 + timedelta(days=day),
            "mood": day % 11,
            "anxiety": (3 * day) % 11,
            "pain": 10 - day % 7,
            "side_effects": [],
        }
        checkin_service.record_checkin(patient, "me", data, now=at(day, 21))
    for day in (4, 30, 44, 52):
        session_service.record_session(
            world.clinician.user,
            world.patient.id,
            {
                "started_at": at(day, 10),
                "modality": "iv_infusion",
                "route": "iv",
                "phase": "induction",
                "dose_mg": 40.0 + day,
                "dose_mg_per_kg": 0.5,
                "bp_peak_systolic": 130 + day if day != 30 else None,
                "bp_peak_diastolic": 80 if day != 30 else None,
                "dissociation_score": day,
            },
        )
    for day in (3, 29, 45, 52):
        questionnaire_service.submit_questionnaire(
            patient,
            "me",
            {"submit_id": str(uuid.uuid4()), "instrument": "phq9", "answers": [day % 4] * 9},
            now=at(day, 9),
        )


def shown(record, *names: str) -> dict:
    return {
        name: value.isoformat() if isinstance(value, date) else value
        for name in names
        for value in [getattr(record, name)]
    }


def definition(patient, days: int, now: datetime) -> dict:
    """The answer as defined, from the whole history, each day's window built afresh."""
    end = now.astimezone(ZONE).date()
    start = end - timedelta(days=days - 1)
    history = outcomes.load_history(patient)
    period = [start + timedelta(days=n) for n in range(days)]
    scales = []
    for code, scale in SCALES.items():
        scores = by_date(history.daily[code])
        moved = change_direction(code, history.daily[code], start, end)
        means = [window_mean(scores, day - timedelta(days=6), day)[0] for day in period]
        scales.append(
            {
                **shown(scale, "code", "label", "direction", "low_label", "high_label"),
                "change_direction": moved[0],
                "change": None if moved[3] is None else round(moved[3], 2),
                "points": [
                    {
                        "local_date": day.isoformat(),
                        "value": scores.get(day),
                        "mean_7d": None if mean is None else round(mean, 2),
                    }
                    for day, mean in zip(period, means, strict=True)
                ],
            }
        )
    sessions = [s for s in history.sessions if start <= s.local_date <= end]
    return {
        "from": start.isoformat(),
        "to": end.isoformat(),
        "scales": scales,
        "sessions": [
            {
                **shown(s, "id", "started_at", "local_date", "modality", "phase", "dose_mg"),
                **shown(s, "dose_mg_per_kg"),
                "bp_peak": (
                    [s.bp_peak_systolic, s.bp_peak_diastolic] if s.bp_peak_systolic else None
                ),
                **shown(s, "dissociation_score"),
            }
            for s in sessions
        ],
        "questionnaires": [
            shown(q, "instrument", "local_date", "total", "severity")
            for q in history.questionnaires
            if start <= q.local_date <= end
        ],
    }


@pytest.mark.parametrize(
    ("last_day", "days"),
    [(47, 30), (47, 7), (47, 14), (51, 21), (60, 90), (26, 20), (-3, 7)],
)
def test_trends_follow_the_definition(world, course, last_day: int, days: int) -> None:
    now = at(last_day, 22)
    for actor in (world.patient_actor.user, world.clinician.user):
        answer = outcomes.patient_trends(actor, world.patient.id, days, now)
        assert answer == definition(world.patient, days, now)
        assert repr(answer) == repr(definition(world.patient, days, now))  # floats as floats


def test_the_course_has_what_the_cases_need(world, course) -> None:
    answer = outcomes.patient_trends(world.patient_actor.user, "me", 30, at(47, 22))
    mood = answer["scales"][0]["points"]
    assert any(p["mean_7d"] is None for p in mood)  # the 9-day gap
    assert mood[0]["mean_7d"] is not None and mood[0]["value"] is None  # fed from before
    assert answer["scales"][0]["change_direction"] != "insufficient_data"
    assert [s["bp_peak"] for s in answer["sessions"]] == [None, [174, 80]]
    assert len(answer["questionnaires"]) == 2

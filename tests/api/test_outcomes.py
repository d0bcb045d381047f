"""Outcomes and trends over HTTP, on a small course built through the services.

The course (New York patient, enrolled 30 days ago = day 0, today = day 30):
  days 1-7: mood 3, anxiety 8, pain 6; PHQ-9 18 and GAD-7 15 on day 7;
  day 8: an infusion at 10:00 (that day's ratings are still the pre-dose ones);
  days 9-15: mood 8; from day 16: mood 3 again (the benefit fades, docs/clinical.md §6);
  anxiety 2 and pain 3 from day 9 on; PHQ-9 3 and GAD-7 9 on day 29.
"""

import uuid
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import delete, select

from models import AuditEvent, CheckIn, db
from services import checkins as checkin_service
from services import questionnaires as questionnaire_service
from services import sessions as session_service

ZONE = ZoneInfo("America/New_York")
COURSE_DAYS = 30
SESSION_DAY = 8


def at(day0: date, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day0 + timedelta(days=day), time(hour, minute), ZONE).astimezone(UTC)


def enrol_days_ago(patient, days: int) -> date:
    """Move the patient's record and enrolment to 09:00 local, `days` days ago; answers day 0."""
    day0 = datetime.now(UTC).astimezone(ZONE).date() - timedelta(days=days)
    patient.created_at = patient.enrolled_at = at(day0, 0, 9)
    db.session.commit()
    return day0


def check_in(actor, day0: date, day: int, mood: int, anxiety: int, pain: int) -> None:
    data = {
        "submit_id": str(uuid.uuid4()),
        "local_date": day0 + timedelta(days=day),
        "mood": mood,
        "anxiety": anxiety,
        "pain": pain,
        "side_effects": [],
    }
    checkin_service.record_checkin(actor, "me", data, now=at(day0, day, 0, 5))


def answer(actor, day0: date, day: int, instrument: str, answers: list[int]) -> None:
    data = {"submit_id": str(uuid.uuid4()), "instrument": instrument, "answers": answers}
    questionnaire_service.submit_questionnaire(actor, "me", data, now=at(day0, day, 0, 30))


def infusion(clinician, pid: int, day0: date, day: int, dose_mg: float = 40.0) -> None:
    data = {
        "started_at": at(day0, day, 10),
        "modality": "iv_infusion",
        "route": "iv",
        "phase": "induction",
        "dose_mg": dose_mg,
        "dose_mg_per_kg": 0.5,
        "duration_min": 40,
        "bp_peak_systolic": 138,
        "bp_peak_diastolic": 86,
        "dissociation_score": 12,
    }
    session_service.record_session(clinician, pid, data)


PHQ9_18 = [3, 3, 2, 2, 2, 2, 2, 2, 0]
PHQ9_3 = [1, 1, 1, 0, 0, 0, 0, 0, 0]
GAD7_15 = [3, 3, 2, 2, 2, 2, 1]
GAD7_9 = [2, 2, 1, 1, 1, 1, 1]


@pytest.fixture
def course(world) -> date:
    """The course described above for the world's first patient; answers day 0."""
    day0 = enrol_days_ago(world.patient, COURSE_DAYS)
    patient = world.patient_actor.user
    for day in range(1, COURSE_DAYS + 1):
        if day <= SESSION_DAY:
            check_in(patient, day0, day, mood=3, anxiety=8, pain=6)
        else:
            check_in(patient, day0, day, mood=8 if day <= 15 else 3, anxiety=2, pain=3)
        if day == 7:
            answer(patient, day0, day, "phq9", PHQ9_18)
            answer(patient, day0, day, "gad7", GAD7_15)
        if day == SESSION_DAY:
            infusion(world.clinician.user, world.patient.id, day0, day)
        if day == 29:
            answer(patient, day0, day, "phq9", PHQ9_3)
            answer(patient, day0, day, "gad7", GAD7_9)
    return day0


def get_outcomes(client, actor, pid="me") -> dict:
    response = client.get(f"/api/v1/patients/{pid}/outcomes", headers=actor.headers)
    assert response.status_code == 200, response.json
    return response.json


def measures(body: dict) -> dict[str, dict]:
    return {m["measure"]: m for m in body["measures"]}


# --- outcomes -------------------------------------------------------------------------------


def test_baseline_18_and_later_3_after_a_session_is_response_and_remission(client, world):
    """The issue's example, with questionnaires only."""
    day0 = enrol_days_ago(world.patient, 40)
    answer(world.patient_actor.user, day0, 1, "phq9", PHQ9_18)
    infusion(world.clinician.user, world.patient.id, day0, 3)
    answer(world.patient_actor.user, day0, 33, "phq9", PHQ9_3)

    phq9 = measures(get_outcomes(client, world.clinician, world.patient.id))["phq9"]

    assert (phq9["baseline"], phq9["latest"], phq9["change"]) == (18, 3, -15)
    assert phq9["status"] == "response"
    assert phq9["remission"] is True
    assert phq9["percent_change"] == 83.33
    assert phq9["minimal_important_change"] is True
    assert phq9["reliable_change"] == "reliable_improvement"
    assert "50%" in phq9["definition"] and "below 5" in phq9["definition"]
    assert datetime.fromisoformat(phq9["baseline_at"]) == at(day0, 1, 0, 30)


def test_outcomes_of_the_course(client, world, course):
    day0 = course
    body = get_outcomes(client, world.clinician, world.patient.id)
    by_measure = measures(body)

    assert datetime.fromisoformat(body["first_session_at"]) == at(day0, SESSION_DAY, 10)
    assert by_measure["phq9"]["status"] == "response" and by_measure["phq9"]["remission"] is True
    gad7 = by_measure["gad7"]
    assert (gad7["baseline"], gad7["latest"], gad7["status"]) == (15, 9, "partial_response")
    assert gad7["remission"] is False
    mood = by_measure["mood"]
    assert (mood["baseline"], mood["latest"], mood["status"]) == (3, 3, "no_response")
    assert mood["baseline_at"] == (day0 + timedelta(days=SESSION_DAY - 1)).isoformat()
    anxiety, pain = by_measure["anxiety"], by_measure["pain"]
    assert (anxiety["baseline"], anxiety["latest"], anxiety["status"]) == (8, 2, "response")
    assert (pain["baseline"], pain["latest"], pain["status"]) == (6, 3, "response")
    assert pain["minimal_important_change"] is True

    # Anxiety averaged 8 and pain 6 before treatment: followed on all three scales.
    assert body["durability_scales"] == ["mood", "anxiety", "pain"]
    [session] = body["sessions"]
    assert session["local_date"] == (day0 + timedelta(days=SESSION_DAY)).isoformat()
    assert (session["phase"], session["modality"]) == ("induction", "iv_infusion")
    mood_d = session["durability"]["mood"]
    assert mood_d["status"] == "faded"
    assert mood_d["days"] == 9
    assert mood_d["half_point_date"] == (day0 + timedelta(days=SESSION_DAY + 9)).isoformat()
    assert (mood_d["pre_level"], mood_d["peak_level"], mood_d["gain"]) == (3, 8, 5)
    assert mood_d["provisional"] is False
    pain_d = session["durability"]["pain"]
    assert pain_d["status"] == "ongoing" and pain_d["provisional"] is True
    assert pain_d["days"] == COURSE_DAYS - SESSION_DAY
    anxiety_d = session["durability"]["anxiety"]
    assert set(anxiety_d) == set(pain_d)  # carried exactly the way pain's is
    assert anxiety_d["status"] == "ongoing" and anxiety_d["provisional"] is True
    assert anxiety_d["days"] == COURSE_DAYS - SESSION_DAY
    assert (anxiety_d["pre_level"], anxiety_d["peak_level"], anxiety_d["gain"]) == (8, 2, 6)

    assert get_outcomes(client, world.patient_actor) == body


def test_latest_daily_level_is_the_week_ending_on_the_last_check_in(client, world, course):
    last_day = course + timedelta(days=COURSE_DAYS - 5)
    db.session.execute(delete(CheckIn).where(CheckIn.local_date > last_day))
    db.session.commit()
    anxiety = measures(get_outcomes(client, world.clinician, world.patient.id))["anxiety"]
    assert anxiety["status"] == "response"
    assert anxiety["latest_at"] == last_day.isoformat()


def test_a_later_session_censors_the_earlier_one(client, world, course):
    infusion(world.clinician.user, world.patient.id, course, 20)
    body = get_outcomes(client, world.clinician, world.patient.id)
    first, second = body["sessions"]
    assert first["durability"]["mood"]["status"] == "faded"  # faded on day 17, before day 20
    assert first["durability"]["pain"]["status"] == "censored_by_next_session"
    assert first["durability"]["pain"]["days"] == 12
    assert first["durability"]["anxiety"]["status"] == "censored_by_next_session"
    assert first["durability"]["anxiety"]["days"] == 12
    assert second["durability"]["mood"]["status"] == "no_response"


def daily_course(world, anxiety: list[int], pain: int = 1) -> date:
    """Mood 5 and `pain` every day; `anxiety[i]` on day i + 1; an infusion on day 8 (of 30)."""
    day0 = enrol_days_ago(world.patient, COURSE_DAYS)
    for day in range(1, COURSE_DAYS + 1):
        check_in(world.patient_actor.user, day0, day, 5, anxiety[day - 1], pain)
        if day == SESSION_DAY:
            infusion(world.clinician.user, world.patient.id, day0, day)
    return day0


def test_anxiety_that_falls_after_a_session_and_rises_back_has_a_durability(client, world):
    # Anxiety 7 before (the day of the session too), 2 on days 9-15, 7 again from day 16.
    day0 = daily_course(world, [7] * SESSION_DAY + [2] * 7 + [7] * 15)
    body = get_outcomes(client, world.clinician, world.patient.id)

    # Pain 1 before treatment: not followed; anxiety 7: followed.
    assert body["durability_scales"] == ["mood", "anxiety"]
    [session] = body["sessions"]
    assert set(session["durability"]) == {"mood", "anxiety"}
    anxiety = session["durability"]["anxiety"]
    # Pre 7, peak 2 (gain 5, lower is better): half given back at a 3-day mean of 4.5 or more.
    # Day 16 (session + 8): days 14-16 are 2, 2, 7 = 3.67; day 17: 2, 7, 7 = 5.33, faded.
    assert anxiety["status"] == "faded"
    assert anxiety["days"] == 9
    assert anxiety["half_point_date"] == (day0 + timedelta(days=SESSION_DAY + 9)).isoformat()
    assert anxiety["peak_date"] == (day0 + timedelta(days=SESSION_DAY + 3)).isoformat()
    assert (anxiety["pre_level"], anxiety["peak_level"], anxiety["gain"]) == (7, 2, 5)
    assert anxiety["provisional"] is False
    assert session["durability"]["mood"]["status"] == "no_response"  # mood 5 throughout
    assert get_outcomes(client, world.patient_actor) == body


def test_anxiety_is_not_followed_from_a_low_baseline(client, world):
    # Anxiety averaged 3 before treatment: little to gain, so no durability is followed for it,
    # though its outcome against baseline is still reported.
    daily_course(world, [3] * SESSION_DAY + [0] * 7 + [3] * 15, pain=6)
    body = get_outcomes(client, world.clinician, world.patient.id)
    assert body["durability_scales"] == ["mood", "pain"]
    [session] = body["sessions"]
    assert "anxiety" not in session["durability"]
    assert measures(body)["anxiety"]["baseline"] == 3


def test_anxiety_that_rises_after_a_session_is_no_response(client, world):
    # Higher anxiety is worse: a rise from 5 to 9 is no gain, however large.
    daily_course(world, [5] * SESSION_DAY + [9] * 22)
    body = get_outcomes(client, world.clinician, world.patient.id)
    assert body["durability_scales"] == ["mood", "anxiety"]
    anxiety = body["sessions"][0]["durability"]["anxiety"]
    assert (anxiety["status"], anxiety["days"], anxiety["gain"]) == ("no_response", None, -4)


def test_without_sessions_outcomes_say_why(client, world):
    answer(world.patient_actor.user, enrol_days_ago(world.patient, 5), 1, "phq9", PHQ9_18)
    body = get_outcomes(client, world.patient_actor)
    assert body["first_session_at"] is None and body["sessions"] == []
    assert {m["status"] for m in body["measures"]} == {"insufficient_data"}
    assert {m["reason"] for m in body["measures"]} == {"no_treatment_session"}
    assert body["durability_scales"] == ["mood"]


def test_no_baseline_when_the_first_questionnaire_came_after_the_session(client, world):
    day0 = enrol_days_ago(world.patient, 20)
    infusion(world.clinician.user, world.patient.id, day0, 1)
    answer(world.patient_actor.user, day0, 10, "phq9", PHQ9_3)
    phq9 = measures(get_outcomes(client, world.clinician, world.patient.id))["phq9"]
    assert (phq9["status"], phq9["reason"]) == ("insufficient_data", "no_baseline")


def test_outcomes_are_the_patients_own_and_audited(client, world):
    pid = world.patient.id
    for actor in (world.other_patient_actor, world.other_clinician):
        response = client.get(f"/api/v1/patients/{pid}/outcomes", headers=actor.headers)
        assert response.status_code == 404
    assert client.get(f"/api/v1/patients/{pid}/outcomes").status_code == 401
    get_outcomes(client, world.clinician, pid)
    get_outcomes(client, world.patient_actor)
    reads = db.session.scalars(
        select(AuditEvent.actor_id).where(AuditEvent.resource == f"patients/{pid}/outcomes")
    ).all()
    assert reads == [world.clinician.user.id]


# --- trends --------------------------------------------------------------------------------


def get_trends(client, actor, pid="me", query="?days=30") -> dict:
    response = client.get(f"/api/v1/patients/{pid}/trends{query}", headers=actor.headers)
    assert response.status_code == 200, response.json
    return response.json


def test_trends_over_30_days(client, world, course):
    day0 = course
    body = get_trends(client, world.clinician, world.patient.id)

    assert body["from"] == (day0 + timedelta(days=1)).isoformat()
    assert body["to"] == (day0 + timedelta(days=COURSE_DAYS)).isoformat()
    scales = {s["code"]: s for s in body["scales"]}
    assert [s["code"] for s in body["scales"]] == ["mood", "anxiety", "pain"]
    assert scales["mood"]["direction"] == "higher_is_better"
    assert scales["anxiety"]["direction"] == scales["pain"]["direction"] == "higher_is_worse"
    for scale in scales.values():
        assert len(scale["points"]) == 30
        assert scale["points"][0]["local_date"] == body["from"]
        assert scale["points"][-1]["local_date"] == body["to"]

    mood = {p["local_date"]: p for p in scales["mood"]["points"]}

    def point(day: int) -> dict:
        return mood[(day0 + timedelta(days=day)).isoformat()]

    assert point(1) == {"local_date": point(1)["local_date"], "value": 3, "mean_7d": 3.0}
    assert point(9)["value"] == 8
    # Day 14: days 8-14 are 3, 8, 8, 8, 8, 8, 8.
    assert point(14)["mean_7d"] == round((3 + 8 * 6) / 7, 2)
    # Day 18: days 12-18 are 8, 8, 8, 8, 3, 3, 3.
    assert point(18)["mean_7d"] == round((8 * 4 + 3 * 3) / 7, 2)
    assert point(30)["mean_7d"] == 3.0

    assert scales["mood"]["change_direction"] == "stable"
    assert scales["anxiety"]["change_direction"] == "improving"
    assert scales["anxiety"]["change"] == 6.0
    assert scales["pain"]["change_direction"] == "improving"

    [session] = body["sessions"]
    assert session["local_date"] == (day0 + timedelta(days=SESSION_DAY)).isoformat()
    assert session["dose_mg"] == 40.0 and session["dose_mg_per_kg"] == 0.5
    assert session["bp_peak"] == [138, 86]
    totals = [(q["instrument"], q["total"], q["severity"]) for q in body["questionnaires"]]
    assert totals == [
        ("phq9", 18, "moderately_severe"),
        ("gad7", 15, "severe"),
        ("phq9", 3, "minimal"),
        ("gad7", 9, "mild"),
    ]
    assert get_trends(client, world.patient_actor) == body


def test_a_short_period_keeps_its_means_and_leaves_out_older_records(client, world, course):
    body = get_trends(client, world.patient_actor, query="?days=7")
    mood = body["scales"][0]
    assert len(mood["points"]) == 7
    assert mood["points"][0]["mean_7d"] == 3.0  # fed by the six days before the period
    assert mood["change_direction"] == "insufficient_data"
    assert body["sessions"] == []
    assert [q["total"] for q in body["questionnaires"]] == [3, 9]


def test_the_default_period_is_30_days(client, world):
    body = get_trends(client, world.patient_actor, query="")
    assert len(body["scales"][0]["points"]) == 30
    assert {p["value"] for p in body["scales"][0]["points"]} == {None}
    assert body["sessions"] == [] and body["questionnaires"] == []


@pytest.mark.parametrize("query", ["?days=6", "?days=3661", "?days=abc", "?day=30"])
def test_bad_trend_queries_are_refused(client, world, query):
    response = client.get(f"/api/v1/patients/me/trends{query}", headers=world.patient_actor.headers)
    assert response.status_code == 422
    assert response.content_type == "application/problem+json"


def test_trends_are_the_patients_own(client, world):
    for actor in (world.other_patient_actor, world.other_clinician):
        response = client.get(
            f"/api/v1/patients/{world.patient.id}/trends?days=30", headers=actor.headers
        )
        assert response.status_code == 404

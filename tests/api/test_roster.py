"""The triage roster: who needs attention first, what a clinician reads per patient, in a fixed
number of queries."""

import uuid
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import event

from models import TreatmentSession, db
from services import questionnaires as questionnaire_service
from tests.builders import check_in_days_ago


def test_roster_puts_safety_alerts_first_then_worsening_then_missed(client, world, make_patient):
    """DESIGN.md §1: safety alerts, worsening, missed check-ins; missed counted as the missed
    alert counts it, so a patient enrolled today is not missed yet."""
    calm, calm_actor = make_patient(world.clinic, name="Calm Patient")
    worse, worse_actor = make_patient(world.clinic, name="Worse Patient")
    gone, gone_actor = make_patient(world.clinic, name="Gone Patient")
    for back in range(14):
        check_in_days_ago(calm_actor, back, 7, anxiety=3)
        check_in_days_ago(worse_actor, back, 8 if back >= 7 else 5, anxiety=3)
    for back in range(4, 14):  # steady, then nothing for the last three whole days
        check_in_days_ago(gone_actor, back, 7, anxiety=3)
    gone.enrolled_at = datetime.now(UTC) - timedelta(days=30)
    db.session.commit()
    check_in_days_ago(world.patient_actor, 0, 6, anxiety=3, self_harm_thoughts=True)  # urgent
    # world.other_patient ("Pat Two") enrolled just now and has not checked in yet
    roster = client.get("/api/v1/patients", headers=world.clinician.headers).json["items"]

    names = [entry["patient"]["display_name"] for entry in roster]
    assert names[0] == "Pat One"
    assert roster[0]["attention"] == "urgent_alert"
    assert roster[0]["open_alerts"][0]["kind"] == "urgent"
    by_name = {entry["patient"]["display_name"]: entry for entry in roster}
    assert by_name["Worse Patient"]["attention"] == "worsening"
    assert by_name["Worse Patient"]["scales"]["mood"]["trend"] == "worsening"
    assert by_name["Calm Patient"]["attention"] == "none"
    assert by_name["Calm Patient"]["adherence_14d"] == 1.0
    assert by_name["Calm Patient"]["scales"]["mood"] == {
        "latest": 7,
        "mean_7d": 7.0,
        "trend": "stable",
    }
    assert by_name["Gone Patient"]["attention"] == "missed_checkins"
    assert by_name["Gone Patient"]["days_since_checkin"] == 4
    assert by_name["Pat Two"]["attention"] == "none"
    assert names.index("Worse Patient") < names.index("Gone Patient")
    assert names.index("Gone Patient") < names.index("Calm Patient")


def test_roster_shows_latest_questionnaires_and_searches(client, world):
    questionnaire_service.submit_questionnaire(
        world.patient_actor.user,
        "me",
        {"submit_id": uuid.uuid4(), "instrument": "gad7", "answers": [2] * 7},
    )
    roster = client.get("/api/v1/patients?q=one", headers=world.clinician.headers).json["items"]
    assert [e["patient"]["display_name"] for e in roster] == ["Pat One"]
    assert roster[0]["questionnaires"]["gad7"]["total"] == 14
    assert roster[0]["questionnaires"]["gad7"]["severity"] == "moderate"


def test_roster_reads_the_last_check_in_and_session_beyond_the_recent_window(client, world):
    check_in_days_ago(world.patient_actor, 40, 5)
    check_in_days_ago(world.patient_actor, 30, 6)
    now = datetime.now(UTC).replace(microsecond=0)
    world.patient.enrolled_at = now - timedelta(days=90)
    for days_back in (60, 45):
        started = now - timedelta(days=days_back)
        db.session.add(
            TreatmentSession(
                patient_id=world.patient.id,
                started_at=started,
                local_date=started.astimezone(ZoneInfo(world.patient.timezone)).date(),
                modality="iv_infusion",
                route="iv",
                phase="induction",
                dose_mg=40.0,
                recorded_by_id=world.clinician.user.id,
            )
        )
    db.session.commit()

    roster = client.get("/api/v1/patients", headers=world.clinician.headers).json["items"]
    entry = next(e for e in roster if e["patient"]["id"] == world.patient.id)
    zone = ZoneInfo(world.patient.timezone)
    today = now.astimezone(zone).date()
    assert entry["last_checkin_on"] == (today - timedelta(days=30)).isoformat()
    assert entry["days_since_checkin"] == 30
    assert entry["attention"] == "missed_checkins"
    assert datetime.fromisoformat(entry["last_session_at"]) == now - timedelta(days=45)
    never = next(e for e in roster if e["patient"]["id"] == world.other_patient.id)
    assert never["last_checkin_on"] is None and never["last_session_at"] is None


def _count_queries(client, headers) -> int:
    statements: list[str] = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        assert client.get("/api/v1/patients", headers=headers).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return len(statements)


def test_roster_costs_a_fixed_number_of_queries(client, world, make_patient):
    few = _count_queries(client, world.clinician.headers)
    for index in range(12):
        _, actor = make_patient(world.clinic, name=f"Extra {index}")
        check_in_days_ago(actor, 0, 5, anxiety=3)
    many = _count_queries(client, world.clinician.headers)
    assert few == many
    assert many <= 12, many


def test_roster_is_for_staff_of_the_clinic_only(client, world):
    assert client.get("/api/v1/patients", headers=world.patient_actor.headers).status_code == 403
    other = client.get("/api/v1/patients", headers=world.other_clinician.headers).json["items"]
    assert other == []


def test_roster_follows_the_clinics_missed_threshold(client, world, make_patient):
    gone, gone_actor = make_patient(world.clinic, name="Gone Patient")
    gone.enrolled_at = datetime.now(UTC) - timedelta(days=30)
    check_in_days_ago(gone_actor, 4, 7, anxiety=3)  # the last three whole days without one

    def attention() -> str:
        roster = client.get("/api/v1/patients", headers=world.clinician.headers).json["items"]
        return next(e for e in roster if e["patient"]["id"] == gone.id)["attention"]

    assert attention() == "missed_checkins"
    world.clinic.settings = {"alerts": {"missed_days": 5}}
    db.session.commit()
    assert attention() == "none"

"""Treatment sessions over HTTP: every field recorded, listed, corrected with the earlier values
kept, audited; bad input, roles and isolation."""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from models import AuditEvent, TreatmentSession, TreatmentSessionRevision, db


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def sessions_path(pid) -> str:
    return f"/api/v1/patients/{pid}/treatment-sessions"


def backdate_enrolment(patient, days: int) -> datetime:
    """The patient's record and enrolment `days` ago at 15:00 local; answers that instant."""
    zone = ZoneInfo(patient.timezone)
    local_day = datetime.now(UTC).astimezone(zone).date() - timedelta(days=days)
    enrolled_at = datetime.combine(local_day, time(15), zone).astimezone(UTC)
    patient.created_at = enrolled_at
    patient.enrolled_at = enrolled_at + timedelta(hours=1)
    db.session.commit()
    return enrolled_at


def full_session(started_at: datetime, **overrides) -> dict:
    body = {
        "started_at": started_at.isoformat(),
        "modality": "iv_infusion",
        "route": "iv",
        "phase": "induction",
        "dose_mg": 40.0,
        "dose_mg_per_kg": 0.5,
        "duration_min": 40,
        "bp_pre_systolic": 122,
        "bp_pre_diastolic": 78,
        "bp_peak_systolic": 141,
        "bp_peak_diastolic": 88,
        "bp_discharge_systolic": 124,
        "bp_discharge_diastolic": 80,
        "hr_pre": 72,
        "hr_peak": 86,
        "hr_discharge": 74,
        "spo2_min": 96,
        "dissociation_score": 18,
        "dissociation_scale": "CADSS",
        "side_effects": [{"name": "nausea", "severity": "mild"}],
        "discharged_at": (started_at + timedelta(hours=2)).isoformat(),
        "notes": "Tolerated well.",
    }
    body.update(overrides)
    return body


@pytest.fixture
def enrolled(world):
    """The world with its first patient enrolled 20 days ago (sessions can be dated since)."""
    backdate_enrolment(world.patient, 20)
    return world


def a_session_time(days_ago: int = 3, zone: str = "America/New_York") -> datetime:
    local_day = datetime.now(UTC).astimezone(ZoneInfo(zone)).date() - timedelta(days=days_ago)
    return datetime.combine(local_day, time(10), ZoneInfo(zone))


def test_record_every_field_and_list_it(client, enrolled):
    world = enrolled
    started_at = a_session_time(3)
    body = full_session(started_at)

    created = client.post(
        sessions_path(world.patient.id), headers=world.clinician.headers, json=body
    )

    assert created.status_code == 201, created.json
    item = created.json
    for name, value in body.items():
        if name in ("started_at", "discharged_at"):
            assert datetime.fromisoformat(item[name]) == datetime.fromisoformat(value), name
        else:
            assert item[name] == value, name
    assert item["local_date"] == started_at.date().isoformat()
    assert item["revision"] == 1
    assert item["recorded_by_id"] == world.clinician.user.id
    assert item["started_at"].endswith("+00:00")  # stored and answered in UTC

    listed = client.get(sessions_path(world.patient.id), headers=world.clinician.headers)
    assert listed.status_code == 200
    assert listed.json["items"] == [item]
    # DESIGN.md §5: the list is the clinicians' (it carries their notes); the patient sees the
    # session's date and dose on their own trend.
    mine = client.get(sessions_path("me"), headers=world.patient_actor.headers)
    assert mine.status_code == 403 and "Tolerated well" not in mine.get_data(as_text=True)
    trend = client.get("/api/v1/patients/me/trends", headers=world.patient_actor.headers)
    assert [s["id"] for s in trend.json["sessions"]] == [item["id"]]
    [event] = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "session.create")
    ).all()
    assert (event.actor_id, event.patient_id) == (world.clinician.user.id, world.patient.id)
    assert event.resource == f"treatment-sessions/{item['id']}"


def test_optional_fields_may_be_left_out(client, enrolled):
    world = enrolled
    body = {
        "started_at": a_session_time(2).isoformat(),
        "modality": "esketamine_nasal",
        "route": "intranasal",
        "phase": "maintenance",
        "dose_mg": 56,
    }
    created = client.post(
        sessions_path(world.patient.id), headers=world.clinician.headers, json=body
    )
    assert created.status_code == 201, created.json
    assert created.json["side_effects"] == []
    assert created.json["bp_peak_systolic"] is None and created.json["notes"] is None


def test_sessions_are_listed_oldest_first(client, enrolled):
    world = enrolled
    for days_ago in (2, 9, 5):
        client.post(
            sessions_path(world.patient.id),
            headers=world.clinician.headers,
            json=full_session(a_session_time(days_ago)),
        )
    items = client.get(sessions_path(world.patient.id), headers=world.clinician.headers).json
    dates = [i["local_date"] for i in items["items"]]
    assert dates == sorted(dates) and len(dates) == 3


def test_a_session_in_the_patients_zone_gets_its_local_date(client, enrolled):
    # 23:30 in New York is already the next day in UTC; the local date is New York's.
    world = enrolled
    late = a_session_time(4).replace(hour=23, minute=30)
    created = client.post(
        sessions_path(world.patient.id),
        headers=world.clinician.headers,
        json=full_session(late, discharged_at=None),
    )
    assert created.json["local_date"] == late.date().isoformat()
    assert datetime.fromisoformat(created.json["started_at"]).date() == late.date() + timedelta(1)


def test_a_correction_keeps_the_earlier_values_and_bumps_the_revision(client, enrolled):
    world = enrolled
    started_at = a_session_time(3)
    created = client.post(
        sessions_path(world.patient.id),
        headers=world.clinician.headers,
        json=full_session(started_at),
    ).json
    path = f"{sessions_path(world.patient.id)}/{created['id']}"
    second = world  # another clinician of the clinic makes the second correction
    corrected = client.put(
        path,
        headers=world.clinician.headers,
        json=full_session(started_at, dose_mg=35.0, dose_mg_per_kg=0.45, notes="Dose corrected."),
    )
    again = client.put(
        path,
        headers=second.admin.headers,
        json=full_session(started_at - timedelta(days=1), dose_mg=35.0, side_effects=[]),
    )

    assert corrected.status_code == 200, corrected.json
    assert corrected.json["revision"] == 2 and corrected.json["dose_mg"] == 35.0
    assert corrected.json["id"] == created["id"] and corrected.json["notes"] == "Dose corrected."
    assert again.status_code == 200
    assert again.json["revision"] == 3
    assert again.json["recorded_by_id"] == world.admin.user.id
    assert again.json["local_date"] == (started_at.date() - timedelta(days=1)).isoformat()
    assert again.json["side_effects"] == []
    assert again.json["created_at"] == created["created_at"]

    revisions = db.session.scalars(
        select(TreatmentSessionRevision).order_by(TreatmentSessionRevision.revision)
    ).all()
    assert [r.revision for r in revisions] == [1, 2]
    assert revisions[0].values["dose_mg"] == 40.0 and revisions[0].values["notes"] == (
        "Tolerated well."
    )
    assert revisions[0].values["side_effects"] == [{"name": "nausea", "severity": "mild"}]
    assert revisions[0].recorded_by_id == world.clinician.user.id
    assert revisions[1].values["dose_mg"] == 35.0
    assert datetime.fromisoformat(revisions[1].values["started_at"]) == started_at
    assert count(TreatmentSession) == 1

    listed = client.get(f"{path}/revisions", headers=world.clinician.headers)
    assert listed.status_code == 200
    assert [r["revision"] for r in listed.json["items"]] == [1, 2]
    assert listed.json["items"][0]["values"]["dose_mg"] == 40.0
    assert client.get(f"{path}/revisions", headers=world.patient_actor.headers).status_code == 403

    actions = db.session.scalars(
        select(AuditEvent.action)
        .where(AuditEvent.resource == f"treatment-sessions/{created['id']}")
        .order_by(AuditEvent.id)
    ).all()
    assert actions == ["session.create", "session.correct", "session.correct"]


BAD = [
    ({"dose_mg": -5}, "dose_mg"),
    ({"dose_mg": 0}, "dose_mg"),
    ({"dose_mg": "forty"}, "dose_mg"),
    ({"dose_mg_per_kg": 6}, "dose_mg_per_kg"),
    ({"bp_pre_systolic": 400, "bp_pre_diastolic": 20}, "bp_pre_systolic"),
    ({"bp_pre_systolic": 400, "bp_pre_diastolic": 20}, "bp_pre_diastolic"),
    ({"bp_peak_systolic": 80, "bp_peak_diastolic": 90}, "bp_peak_systolic"),
    ({"bp_discharge_diastolic": None}, "bp_discharge_diastolic"),
    ({"hr_peak": 300}, "hr_peak"),
    ({"spo2_min": 101}, "spo2_min"),
    ({"duration_min": 0}, "duration_min"),
    ({"duration_min": 40.5}, "duration_min"),
    ({"dissociation_score": -1}, "dissociation_score"),
    ({"modality": "oral_tablet"}, "modality"),
    ({"modality": "iv_infusion", "route": "intranasal"}, "route"),
    ({"phase": "booster"}, "phase"),
    ({"side_effects": [{"name": "hiccups", "severity": "mild"}]}, "side_effects"),
    ({"started_at": "2026-01-05T10:00:00"}, "started_at"),  # no offset
    ({"started_at": "yesterday"}, "started_at"),
    ({"notes": "x" * 4001}, "notes"),
    ({"recorded_by_id": 1}, "recorded_by_id"),
    ({"revision": 7}, "revision"),
]


@pytest.mark.parametrize(("overrides", "field"), BAD)
def test_bad_input_names_the_field_and_writes_nothing(client, enrolled, overrides, field):
    world = enrolled
    body = full_session(a_session_time(3), notes="PRIVATE-NOTE-TEXT")
    body.update(overrides)

    response = client.post(
        sessions_path(world.patient.id), headers=world.clinician.headers, json=body
    )

    assert response.status_code == 422
    assert response.content_type == "application/problem+json"
    assert field in response.json["errors"], response.json
    assert "PRIVATE-NOTE-TEXT" not in response.get_data(as_text=True)
    assert count(TreatmentSession) == 0
    assert count(AuditEvent, AuditEvent.action.like("session.%")) == 0


def test_missing_fields_are_named(client, enrolled):
    response = client.post(
        sessions_path(enrolled.patient.id), headers=enrolled.clinician.headers, json={}
    )
    assert response.status_code == 422
    assert {"started_at", "modality", "route", "phase", "dose_mg"} == set(response.json["errors"])


@pytest.mark.parametrize(
    ("when", "field"),
    [
        (lambda: datetime.now(UTC) + timedelta(hours=1), "started_at"),
        (lambda: datetime.now(UTC) + timedelta(days=3), "started_at"),
        (lambda: a_session_time(21), "started_at"),  # the day before enrolment
        (lambda: a_session_time(400), "started_at"),
    ],
    ids=["in-an-hour", "in-3-days", "day-before-enrolment", "a-year-before"],
)
def test_a_session_in_the_future_or_before_enrolment_is_refused(client, enrolled, when, field):
    world = enrolled
    response = client.post(
        sessions_path(world.patient.id),
        headers=world.clinician.headers,
        json=full_session(when(), discharged_at=None),
    )
    assert response.status_code == 422
    assert list(response.json["errors"]) == [field]
    assert count(TreatmentSession) == 0
    assert count(AuditEvent, AuditEvent.action.like("session.%")) == 0


def test_a_session_earlier_on_the_day_the_record_was_created_is_accepted(client, enrolled):
    world = enrolled  # the record was created at 15:00 local, 20 days ago
    morning = a_session_time(20)
    response = client.post(
        sessions_path(world.patient.id),
        headers=world.clinician.headers,
        json=full_session(morning),
    )
    assert response.status_code == 201, response.json


def test_discharge_before_the_start_is_refused(client, enrolled):
    started_at = a_session_time(3)
    response = client.post(
        sessions_path(enrolled.patient.id),
        headers=enrolled.clinician.headers,
        json=full_session(
            started_at, discharged_at=(started_at - timedelta(minutes=5)).isoformat()
        ),
    )
    assert response.status_code == 422
    assert list(response.json["errors"]) == ["discharged_at"]
    assert count(TreatmentSession) == 0


def test_a_bad_correction_changes_nothing(client, enrolled):
    world = enrolled
    created = client.post(
        sessions_path(world.patient.id),
        headers=world.clinician.headers,
        json=full_session(a_session_time(3)),
    ).json
    path = f"{sessions_path(world.patient.id)}/{created['id']}"
    for body in (
        full_session(a_session_time(3), dose_mg=-5),
        full_session(datetime.now(UTC) + timedelta(days=1), discharged_at=None),
        full_session(a_session_time(30), discharged_at=None),
    ):
        response = client.put(path, headers=world.clinician.headers, json=body)
        assert response.status_code == 422
    db.session.expire_all()
    session = db.session.scalars(select(TreatmentSession)).one()
    assert (session.revision, session.dose_mg) == (1, 40.0)
    assert count(TreatmentSessionRevision) == 0
    assert count(AuditEvent, AuditEvent.action == "session.correct") == 0


def test_a_patient_may_not_record_or_correct_a_session(client, enrolled):
    world = enrolled
    created = client.post(
        sessions_path(world.patient.id),
        headers=world.clinician.headers,
        json=full_session(a_session_time(3)),
    ).json

    recorded = client.post(
        sessions_path("me"),
        headers=world.patient_actor.headers,
        json=full_session(a_session_time(2)),
    )
    corrected = client.put(
        f"{sessions_path('me')}/{created['id']}",
        headers=world.patient_actor.headers,
        json=full_session(a_session_time(3), dose_mg=10),
    )

    assert recorded.status_code == corrected.status_code == 403
    assert recorded.content_type == "application/problem+json"
    assert count(TreatmentSession) == 1
    assert count(TreatmentSessionRevision) == 0
    db.session.expire_all()
    assert db.session.scalars(select(TreatmentSession.dose_mg)).one() == 40.0


def test_isolation_between_patients_and_clinics(client, enrolled):
    world = enrolled
    backdate_enrolment(world.other_patient, 20)
    created = client.post(
        sessions_path(world.patient.id),
        headers=world.clinician.headers,
        json=full_session(a_session_time(3)),
    ).json
    pid, sid = world.patient.id, created["id"]

    other_clinic = [
        client.get(sessions_path(pid), headers=world.other_clinician.headers),
        client.post(
            sessions_path(pid),
            headers=world.other_clinician.headers,
            json=full_session(a_session_time(2)),
        ),
        client.put(
            f"{sessions_path(pid)}/{sid}",
            headers=world.other_clinician.headers,
            json=full_session(a_session_time(3), dose_mg=1),
        ),
        client.get(f"{sessions_path(pid)}/{sid}/revisions", headers=world.other_clinician.headers),
    ]
    other_patient = client.get(sessions_path(pid), headers=world.other_patient_actor.headers)
    # The right clinic, but the session belongs to another patient.
    wrong_patient = client.put(
        f"{sessions_path(world.other_patient.id)}/{sid}",
        headers=world.clinician.headers,
        json=full_session(a_session_time(3), dose_mg=1),
    )
    unknown = client.put(
        f"{sessions_path(pid)}/{sid + 1000}",
        headers=world.clinician.headers,
        json=full_session(a_session_time(3)),
    )

    for response in [*other_clinic, other_patient, wrong_patient, unknown]:
        assert response.status_code == 404
        assert "Tolerated" not in response.get_data(as_text=True)
    assert count(TreatmentSession) == 1 and count(TreatmentSessionRevision) == 0
    db.session.expire_all()
    assert db.session.scalars(select(TreatmentSession.dose_mg)).one() == 40.0


def test_staff_reads_are_audited(client, enrolled):
    client.get(sessions_path(enrolled.patient.id), headers=enrolled.clinician.headers)
    client.get(sessions_path("me"), headers=enrolled.patient_actor.headers)
    reads = db.session.scalars(
        select(AuditEvent.actor_id).where(
            AuditEvent.action == "read",
            AuditEvent.resource == f"patients/{enrolled.patient.id}/treatment-sessions",
        )
    ).all()
    assert reads == [enrolled.clinician.user.id]

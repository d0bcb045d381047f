"""The audit trail: what is recorded, admins' reading of it (filters, paging, clinic scope),
and that it is append-only (no code path changes it; PostgreSQL refuses UPDATE and DELETE)."""

import re
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from models import AuditEvent, db
from services import audit
from tests.conftest import PASSWORD

ROOT = Path(__file__).resolve().parents[2]


def events(client, actor, query: str = "") -> dict:
    response = client.get(f"/api/v1/audit-events{query}", headers=actor.headers)
    assert response.status_code == 200, response.json
    return response.json


def checkin(client, actor, note: str = "slept badly") -> dict:
    body = {
        "submit_id": str(uuid.uuid4()),
        "local_date": (datetime.now(UTC) - timedelta(days=1)).date().isoformat(),
        "mood": 4,
        "anxiety": 5,
        "pain": 2,
        "note": note,
    }
    response = client.post("/api/v1/patients/me/checkins", headers=actor.headers, json=body)
    assert response.status_code == 201
    return response.json


def test_sign_in_events_are_recorded(client, world, make_staff):
    make_staff(world.clinic, email="doc@north.test")
    login = {"email": "doc@north.test", "password": PASSWORD}
    assert client.post("/api/v1/auth/login", json=login).status_code == 200
    for _ in range(5):
        client.post("/api/v1/auth/login", json={**login, "password": "not-the-password"})
    assert client.post("/api/v1/auth/login", json=login).status_code == 429
    token = world.clinician.headers
    assert client.post("/api/v1/auth/logout", headers=token).status_code == 204

    actions = db.session.execute(
        select(AuditEvent.action, AuditEvent.outcome).order_by(AuditEvent.id)
    ).all()
    assert ("auth.login", "ok") in actions
    assert actions.count(("auth.login_failed", "refused")) == 5
    assert ("auth.login_locked", "refused") in actions
    assert ("auth.logout", "ok") in actions
    # Enrolment of the fixture's patients is on the trail too.
    assert sum(1 for a, _ in actions if a == "auth.enroll") == 2


def test_admin_reads_the_trail_newest_first_with_filters(client, world):
    checkin(client, world.patient_actor)
    checkin(client, world.other_patient_actor)
    client.get(f"/api/v1/patients/{world.patient.id}/checkins", headers=world.clinician.headers)

    everything = events(client, world.admin)["items"]
    ids = [e["id"] for e in everything]
    assert ids == sorted(ids, reverse=True)
    assert set(everything[0]) == {
        "id", "at", "actor_id", "actor_role", "action", "patient_id", "resource", "ip", "outcome"
    }  # fmt: skip

    by_patient = events(client, world.admin, f"?patient_id={world.patient.id}")["items"]
    assert by_patient and {e["patient_id"] for e in by_patient} == {world.patient.id}
    by_actor = events(client, world.admin, f"?actor_id={world.clinician.user.id}")["items"]
    assert [(e["action"], e["patient_id"]) for e in by_actor] == [("read", world.patient.id)]
    creates = events(client, world.admin, "?action=checkin.create")["items"]
    assert {e["patient_id"] for e in creates} == {world.patient.id, world.other_patient.id}

    future = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
    past = (datetime.now(UTC) - timedelta(hours=1)).isoformat()
    query = {"from": past, "to": future}
    within = client.get("/api/v1/audit-events", headers=world.admin.headers, query_string=query)
    assert within.status_code == 200 and within.json["items"]
    later = client.get(
        "/api/v1/audit-events", headers=world.admin.headers, query_string={"from": future}
    )
    assert later.json["items"] == []


def test_paging_by_id_visits_every_event_once(client, world):
    for _ in range(3):
        checkin(client, world.patient_actor)

    seen: list[int] = []
    page = events(client, world.admin, "?limit=2")
    while True:
        seen += [e["id"] for e in page["items"]]
        assert len(page["items"]) <= 2
        if page["next_before_id"] is None:
            break
        page = events(client, world.admin, f"?limit=2&before_id={page['next_before_id']}")
    # Reading the trail adds audit.read events, newer than the first page: compare up to it.
    expected = db.session.scalars(
        select(AuditEvent.id)
        .where(AuditEvent.clinic_id == world.clinic.id, AuditEvent.id <= seen[0])
        .order_by(AuditEvent.id.desc())
    ).all()
    assert seen == expected
    assert len(seen) == len(set(seen))


def test_each_clinic_sees_only_its_own_trail(client, world, make_staff):
    checkin(client, world.patient_actor)
    other_admin = make_staff(world.other_clinic, admin=True)

    theirs = events(client, other_admin)["items"]
    ours = {e["id"] for e in events(client, world.admin)["items"]}

    assert not ours & {e["id"] for e in theirs}
    assert all(e["patient_id"] in (None,) for e in theirs)
    foreign = events(client, other_admin, f"?patient_id={world.patient.id}")
    assert foreign["items"] == []


def test_only_admins_read_the_trail(client, world):
    for actor in (world.clinician, world.patient_actor):
        response = client.get("/api/v1/audit-events", headers=actor.headers)
        assert response.status_code == 403
    assert client.get("/api/v1/audit-events").status_code == 401


def test_reading_the_trail_is_audited(client, world):
    events(client, world.admin)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "audit.read"))
    assert event.actor_id == world.admin.user.id


@pytest.mark.parametrize(
    "query",
    ["?limit=0", "?limit=501", "?before_id=0", "?patient_id=x", "?from=2026-01-01", "?colour=1"],
)
def test_bad_filters_are_refused(client, world, query):
    response = client.get(f"/api/v1/audit-events{query}", headers=world.admin.headers)
    assert response.status_code == 422


def test_events_hold_ids_and_verbs_never_phi(client, world):
    checkin(client, world.patient_actor, note="my sister visited on sunday")
    client.get(f"/api/v1/patients/{world.patient.id}", headers=world.clinician.headers)
    text_of_trail = " ".join(
        " ".join(str(v) for v in row)
        for row in db.session.execute(
            select(AuditEvent.action, AuditEvent.resource, AuditEvent.outcome)
        )
    )
    assert "sister" not in text_of_trail
    assert world.patient.display_name not in text_of_trail


def test_no_code_path_updates_or_deletes_an_event():
    """Static guard: outside migrations and tests, nothing issues UPDATE or DELETE on events."""
    pattern = re.compile(
        r"(update|delete)\(\s*AuditEvent|(UPDATE|DELETE\s+FROM)\s+audit_events", re.IGNORECASE
    )
    offenders = []
    for folder in ("api", "services", "models", "scheduler", "clinical", "bench"):
        for path in (ROOT / folder).rglob("*.py"):
            if pattern.search(path.read_text(encoding="utf-8")):
                offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []
    assert not hasattr(audit, "delete") and not hasattr(audit, "update")


def test_postgresql_refuses_update_and_delete_of_events(app, world):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("the append-only trigger exists on PostgreSQL only (TEST_DATABASE_URL)")
    event_id = db.session.scalar(select(AuditEvent.id).limit(1))
    for statement in (
        "UPDATE audit_events SET action = 'x' WHERE id = :id",
        "DELETE FROM audit_events WHERE id = :id",
    ):
        with pytest.raises(DBAPIError, match="append-only"):
            db.session.execute(text(statement), {"id": event_id})
        db.session.rollback()
    with pytest.raises(DBAPIError, match="append-only"):
        event = db.session.get(AuditEvent, event_id)
        event.outcome = "edited"
        db.session.commit()
    db.session.rollback()
    assert db.session.get(AuditEvent, event_id).outcome == "ok"

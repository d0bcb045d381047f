"""Input at the edges: a 3 MB body is a 413, an extra field (mass assignment) is refused on every
operation that takes a body, and dates or instants no clinic record can have are a 422."""

import uuid

import pytest
from sqlalchemy import func, select

from models import AuditEvent, AuthToken, Base, CheckIn, CheckInRevision, db
from tests.apispec import example, live_spec, operations
from tests.conftest import World

THREE_MB = 3 * 1024 * 1024
# Tables a refused request may still write: its audit event and the token's last use.
MAY_CHANGE = {AuditEvent.__tablename__, AuthToken.__tablename__}


def snapshot() -> dict[str, list]:
    tables = [t for t in Base.metadata.sorted_tables if t.name not in MAY_CHANGE]
    return {t.name: sorted(map(repr, db.session.execute(t.select()).all())) for t in tables}


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_3_mb_check_in_is_a_413_and_writes_nothing(client, world):
    body = {
        "submit_id": str(uuid.uuid4()),
        "local_date": "2026-01-01",
        "mood": 5,
        "anxiety": 5,
        "pain": 5,
        "note": "x" * THREE_MB,
    }
    response = client.post(
        "/api/v1/patients/me/checkins", headers=world.patient_actor.headers, json=body
    )
    assert response.status_code == 413
    assert response.content_type == "application/problem+json"
    assert len(response.data) < 1000  # nothing of the body echoed
    assert count(CheckIn) == count(CheckInRevision) == 0


def test_a_3_mb_sign_in_is_a_413_before_anything_else(client):
    response = client.post(
        "/api/v1/auth/login", json={"email": "a@b.test", "password": "p" * THREE_MB}
    )
    assert response.status_code == 413
    assert count(AuditEvent) == 0  # refused before the handler ran


def _body_operations():
    spec = live_spec()
    return [
        (op, spec["definitions"])
        for op in operations(spec)
        if any(p["in"] == "body" for p in op.parameters)
    ]


@pytest.mark.parametrize(
    ("operation", "definitions"),
    _body_operations(),
    ids=[str(op) for op, _ in _body_operations()],
)
def test_an_extra_patient_id_is_refused_and_nothing_written(
    client, world: World, operation, definitions
):
    """OWASP API3: no operation accepts a field it does not document (here `patient_id`)."""
    [param] = [p for p in operation.parameters if p["in"] == "body"]
    body = {**example(param["schema"], definitions), "patient_id": world.other_patient.id}
    ids = {
        "pid": str(world.patient.id),
        "alert_id": "1",
        "session_id": "1",
        "user_id": str(world.clinician.user.id),
    }
    path = "/api/v1" + operation.path
    for name in operation.path_params:
        path = path.replace("{" + name + "}", ids[name])
    before = snapshot()

    for actor in (world.patient_actor, world.clinician, world.admin):
        response = client.open(path, method=operation.method, headers=actor.headers, json=body)
        assert 400 <= response.status_code < 500, (actor.user.role, response.json)
        if response.status_code == 422:
            assert "patient_id" in response.json["errors"], response.json

    assert snapshot() == before


@pytest.mark.parametrize(
    "query",
    ["summary?since=0001-01-01", "summary?since=9999-12-31", "checkins?from=0001-01-01"],
)
def test_dates_no_record_can_have_are_422(client, world, query):
    response = client.get(
        f"/api/v1/patients/{world.patient.id}/{query}", headers=world.clinician.headers
    )
    assert response.status_code == 422


@pytest.mark.parametrize("started_at", ["0001-01-01T00:00:00Z", "9999-12-31T23:59:59-05:00"])
def test_instants_no_record_can_have_are_422(client, world, started_at):
    body = {
        "started_at": started_at,
        "modality": "iv_infusion",
        "route": "iv",
        "phase": "induction",
        "dose_mg": 35,
    }
    response = client.post(
        f"/api/v1/patients/{world.patient.id}/treatment-sessions",
        headers=world.clinician.headers,
        json=body,
    )
    assert response.status_code == 422
    assert list(response.json["errors"]) == ["started_at"]

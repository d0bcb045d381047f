"""Object-level authorization proven on every operation of /api/v1 (OWASP API1, API5).

The operations come from `/api/v1/swagger.json`, so a new endpoint is covered the day it is
added, without editing this file. Each operation is called by every role:

- nobody: 401 on every operation that declares `security`; the operations without it are
  exactly `PUBLIC` (and still never answer 5xx).
- the patient, a clinician and an admin of the patient's clinic ("insiders"): never 401, never
  404 for the real objects in the path, never 5xx. A 403 is fine (a role rule, such as a
  clinician posting a check-in).
- another patient of the same clinic, a clinician and an admin of another clinic ("outsiders"):
  an operation with ids in its path answers 404. The one exception is a 403 that reveals
  nothing: the same role gets the very same 403 (status and body) when every id in the path is
  replaced by one that does not exist, so the answer cannot tell whether the object exists.
  An operation without ids acts on the caller's own scope (their clinic, themself): it must
  not fail as above either. Outsiders write nothing: every table but the audit trail and the
  tokens is byte-for-byte the same after their calls.
- every role: no other patient's data in any body (patients' names, external ids and the
  free-text notes of the fixture are markers; a role may only see the markers of the patients
  it may reach).
- every 2xx by staff on an operation that touches patient data, and every 2xx write by a
  patient, adds an audit event by that user (`NOT_PATIENT_DATA` lists the exceptions).

Path parameters are filled from `PATH_IDS`; an unknown parameter name fails the test, so a
new kind of object is noticed. Bodies are the smallest valid ones the documented schema
allows (required fields only).
"""

import json
from dataclasses import dataclass
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from models import AuditEvent, Base, CheckIn, db
from tests.apispec import Operation, example, live_spec, operations, request_parts, seed_records
from tests.conftest import Actor, World

PUBLIC = {("POST", "/auth/login"), ("POST", "/auth/enroll")}
# Operations that read or write no patient data, so a 2xx need not be audited.
NOT_PATIENT_DATA = {
    ("GET", "/me"),
    ("GET", "/instruments"),
    ("GET", "/push/public-key"),
    ("GET", "/clinic"),
}
# Writes that may change nothing with the generated body, and are audited only when they do:
# removing a push subscription that is not there (tests/api/test_reminders.py audits a real one).
AUDITED_WHEN_CHANGED = {("DELETE", "/patients/{pid}/push-subscriptions")}
# Tables outsiders may change: their refusals are audited, and authentication touches tokens.
MAY_CHANGE = {"audit_events", "auth_tokens"}
MISSING_ID = "2147480000"
INSIDERS = ("patient", "clinician", "admin")
OUTSIDERS = ("other_patient", "other_clinician", "other_admin")
ROLES = ("nobody", *OUTSIDERS, *INSIDERS)  # outsiders first: they must change nothing


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "operation" in metafunc.fixturenames:
        ops = operations(live_spec())
        metafunc.parametrize("operation", ops, ids=[str(op) for op in ops])


# --- the fixture world, with a record of every kind per patient -------------------------------


@dataclass
class Matrix:
    world: World
    actors: dict[str, Actor | None]
    path_ids: dict[str, str]
    # What each role may see of the two patients' markers.
    markers: dict[int, list[str]]
    visible: dict[str, set[int]]


@pytest.fixture
def matrix(world: World, make_staff) -> Matrix:
    markers: dict[int, list[str]] = {}
    seeded: dict[int, dict[str, int]] = {}
    for patient, actor, tag in (
        (world.patient, world.patient_actor, "target-7f3a"),
        (world.other_patient, world.other_patient_actor, "other-9c1e"),
    ):
        patient.external_id = f"MRN-{tag}"
        db.session.commit()
        seeded[patient.id] = seed_records(world, patient, actor, tag)
        markers[patient.id] = [patient.display_name, f"MRN-{tag}", f"note-{tag}", f"session-{tag}"]
    target = seeded[world.patient.id]
    both = {world.patient.id, world.other_patient.id}
    # A staff member of the patient's clinic who is never an actor (user management targets).
    colleague = make_staff(world.clinic)
    return Matrix(
        world=world,
        actors={
            "nobody": None,
            "patient": world.patient_actor,
            "other_patient": world.other_patient_actor,
            "clinician": world.clinician,
            "admin": world.admin,
            "other_clinician": world.other_clinician,
            "other_admin": make_staff(world.other_clinic, admin=True),
        },
        path_ids={
            "pid": str(world.patient.id),
            "alert_id": str(target["alert"]),
            "session_id": str(target["session"]),
            "appointment_id": str(target["appointment"]),
            "user_id": str(colleague.user.id),
            "delivery_id": str(target["reminder"]),
            "local_date": db.session.get(CheckIn, target["checkin"]).local_date.isoformat(),
        },
        markers=markers,
        visible={
            "nobody": set(),
            "patient": {world.patient.id},
            "other_patient": {world.other_patient.id},
            "clinician": both,
            "admin": both,
            "other_clinician": set(),
            "other_admin": set(),
        },
    )


# --- the test --------------------------------------------------------------------------------


def _url(op: Operation, ids: dict[str, str], query: dict[str, str]) -> str:
    path = op.path
    for name in op.path_params:
        path = path.replace("{" + name + "}", ids[name])
    if query:
        path += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    return "/api/v1" + path


def _call(
    client: FlaskClient, op: Operation, url: str, actor: Actor | None, body: dict | None
) -> Any:
    headers = actor.headers if actor else {}
    kwargs: dict[str, Any] = {"headers": headers}
    if body is not None:
        kwargs["json"] = body
    return client.open(url, method=op.method, **kwargs)


def _snapshot() -> dict[str, list]:
    tables = [t for t in Base.metadata.sorted_tables if t.name not in MAY_CHANGE]
    return {t.name: sorted(map(repr, db.session.execute(t.select()).all())) for t in tables}


def _audit_count(user_id: int) -> int:
    return db.session.scalar(
        select(func.count()).select_from(AuditEvent).where(AuditEvent.actor_id == user_id)
    )


def test_the_public_operations_are_exactly_the_known_ones(client):
    spec = client.get("/api/v1/swagger.json").json
    assert {op.key for op in operations(spec) if not op.secured} == PUBLIC
    assert len(operations(spec)) == len(operations(live_spec()))


def test_every_role_on(operation: Operation, matrix: Matrix, client: FlaskClient):
    op = operation
    unknown = [name for name in op.path_params if name not in matrix.path_ids]
    if unknown:
        pytest.fail(f"{op}: no fixture object for path parameter(s) {unknown}; add to path_ids")
    definitions = client.get("/api/v1/swagger.json").json.get("definitions", {})
    body, query = request_parts(op, definitions)
    url = _url(op, matrix.path_ids, query)
    missing_url = _url(op, dict.fromkeys(matrix.path_ids, MISSING_ID), query)
    problems: list[str] = []

    def expect(ok: bool, role: str, response, why: str) -> None:
        if not ok:
            snippet = response.get_data(as_text=True)[:300]
            problems.append(f"{role}: {response.status_code} {why} :: {snippet}")

    before = _snapshot()
    for role in ROLES:
        actor = matrix.actors[role]
        if role in INSIDERS and op.path_params and before is not None:
            after = _snapshot()
            changed = [name for name in before if before[name] != after[name]]
            if changed:
                problems.append(f"outsiders changed tables {changed}")
            before = None
        audits = _audit_count(actor.user.id) if actor else 0
        response = _call(client, op, url, actor, body)
        status = response.status_code
        expect(status < 500, role, response, "server error")
        raw = response.get_data(as_text=True)
        for pid, markers in matrix.markers.items():
            if pid not in matrix.visible[role]:
                for marker in markers:
                    expect(marker not in raw, role, response, f"leaks {marker!r}")

        if op.key in PUBLIC:
            continue
        if role == "nobody":
            expect(status == 401, role, response, "expected 401")
            continue
        expect(status != 401, role, response, "a valid token was refused")
        if role in OUTSIDERS and op.path_params:
            if status == 403:
                again = _call(client, op, missing_url, actor, body)
                expect(
                    (again.status_code, again.get_data()) == (403, response.get_data()),
                    role,
                    response,
                    f"403 tells an existing id from a missing one ({again.status_code})",
                )
            else:
                expect(status == 404, role, response, "expected 404 for another's object")
            continue
        expect(status != 404, role, response, "its own or its clinic's object not found")
        if 200 <= status < 300 and op.key not in NOT_PATIENT_DATA | AUDITED_WHEN_CHANGED:
            staff = actor.user.is_staff
            if staff or op.method != "GET":
                expect(_audit_count(actor.user.id) > audits, role, response, "not audited")

    assert not problems, f"{op}:\n  " + "\n  ".join(problems)


def test_the_body_generator_fills_required_fields():
    definitions = {
        "Thing": {
            "type": "object",
            "required": ["a", "when", "kind", "n"],
            "properties": {
                "a": {"type": "string", "minLength": 3},
                "when": {"type": "string", "format": "date"},
                "kind": {"type": "string", "enum": ["x", "y"]},
                "n": {"type": "number", "minimum": 0, "exclusiveMinimum": True},
                "optional": {"type": "string"},
            },
        }
    }
    value = example({"$ref": "#/definitions/Thing"}, definitions)
    assert set(value) == {"a", "when", "kind", "n"}
    assert value["a"] == "xxx" and value["kind"] == "x" and value["n"] > 0
    json.dumps(value)

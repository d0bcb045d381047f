"""Schemathesis against the live spec: no 5xx, and no answer that breaks its documented schema.

Every operation of `/api/v1/swagger.json` (read when the test runs) gets up to `MAX_EXAMPLES`
generated requests (Hypothesis, derandomized so CI is repeatable). Each is sent by a clinician
with the generated path ids (mostly nobody's objects), then by a clinician, a patient and an
admin with the ids of real records of the fixture world (so the handlers behind the access
check run too). Tokens are issued afresh for every example, so a fuzzed sign-out or password
change cannot starve the rest. The checks are schemathesis' own: not_a_server_error,
status_code_conformance (every status is documented), content_type_conformance and
response_schema_conformance.
"""

import os

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from schemathesis import checks as st

from models import db, utcnow
from services import auth as auth_service
from tests.apispec import live_spec, operations, seed_records
from tests.conftest import World

MAX_EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "8"))
CHECKS = [
    st.not_a_server_error,
    st.status_code_conformance,
    st.content_type_conformance,
    st.response_schema_conformance,
]
ROLES = ("clinician", "patient", "admin")
STATS = {"cases": 0, "requests": 0}


@pytest.fixture
def real_ids(world: World, make_staff) -> dict[str, dict[str, str]]:
    """Path ids of real records, as each role would use them (`<kind>_id` for each record
    `seed_records` makes); the user to deactivate is a colleague who is never an actor here.
    A parameter without a real record is fuzzed like the rest (the authorization matrix is
    the test that insists on a record for every parameter)."""
    seeded = seed_records(world, world.patient, world.patient_actor, "fuzz")
    common = {f"{kind}_id": str(record_id) for kind, record_id in seeded.items()}
    common["user_id"] = str(make_staff(world.clinic).user.id)
    return {
        "clinician": {**common, "pid": str(world.patient.id)},
        "admin": {**common, "pid": str(world.patient.id)},
        "patient": {**common, "pid": "me"},
    }


def _fresh_headers(world: World) -> dict[str, dict[str, str]]:
    users = {"clinician": world.clinician, "patient": world.patient_actor, "admin": world.admin}
    headers = {}
    for role, actor in users.items():
        issued = auth_service.issue_token(actor.user, utcnow())
        headers[role] = {"Authorization": f"Bearer {issued.token}"}
    db.session.commit()
    return headers


def _fuzz(api_operation, world: World, real_ids: dict[str, dict[str, str]]) -> None:
    @given(
        case=api_operation.as_strategy(GenerationMode.POSITIVE)
        | api_operation.as_strategy(GenerationMode.NEGATIVE)
    )
    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def run(case) -> None:
        STATS["cases"] += 1
        headers = _fresh_headers(world)
        generated = dict(case.path_parameters or {})
        calls = [("clinician", generated), *((role, real_ids[role]) for role in ROLES)]
        for role, ids in calls:
            case.path_parameters = {name: ids.get(name, generated[name]) for name in generated}
            response = case.call(headers=headers[role])
            STATS["requests"] += 1
            case.validate_response(response, checks=CHECKS, headers=headers[role])
        case.path_parameters = generated

    run()


def test_no_operation_answers_5xx_or_breaks_its_documented_schema(app: Flask, world, real_ids):
    """One world for every operation (set-up dominates otherwise); failures are listed per
    operation at the end, so one broken endpoint does not hide another."""
    schema = schemathesis.openapi.from_wsgi("/api/v1/swagger.json", app)
    failures: dict[str, str] = {}
    ran = 0
    for op in operations(live_spec()):
        try:
            _fuzz(schema[op.path][op.method], world, real_ids)
        except Exception as exc:  # noqa: BLE001 - collected and reported below
            failures[str(op)] = str(exc)[:2000]
        ran += 1
    assert ran >= 30
    print(f"schemathesis: {ran} operations, {STATS['cases']} cases, {STATS['requests']} requests")
    assert not failures, "\n\n".join(f"{op}:\n{text}" for op, text in failures.items())

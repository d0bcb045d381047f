"""The live API description for generated tests: operations from `/api/v1/swagger.json`, and
the smallest valid body or query value its schemas document."""

import re
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import text

from api import create_app
from config import TestingConfig
from models import Patient, ReminderDelivery, db
from services import appointments as appointment_service
from services import checkins as checkin_service
from services import questionnaires as questionnaire_service
from services import sessions as session_service
from tests.builders import earlier_today

if TYPE_CHECKING:
    from tests.conftest import Actor, World

METHODS = ("get", "post", "put", "patch", "delete")


def live_spec() -> dict[str, Any]:
    config = type("SpecConfig", (TestingConfig,), {"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    return create_app(config).test_client().get("/api/v1/swagger.json").json


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    doc: dict = field(hash=False, compare=False)
    parameters: tuple = field(hash=False, compare=False)

    @property
    def key(self) -> tuple[str, str]:
        return (self.method, self.path)

    @property
    def path_params(self) -> list[str]:
        return re.findall(r"{([^}]+)}", self.path)

    @property
    def secured(self) -> bool:
        return bool(self.doc.get("security"))

    def __str__(self) -> str:
        return f"{self.method} {self.path}"


def operations(spec: dict[str, Any]) -> list[Operation]:
    found = []
    for path, item in spec["paths"].items():
        shared = item.get("parameters", [])
        for method in METHODS:
            if method in item:
                doc = item[method]
                params = tuple(shared) + tuple(doc.get("parameters", []))
                found.append(Operation(method.upper(), path, doc, params))
    return found


# --- bodies and query strings from the documented schemas ------------------------------------


def _resolve(schema: dict, definitions: dict) -> dict:
    while "$ref" in schema:
        schema = definitions[schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def example(schema: dict, definitions: dict, name: str = "") -> Any:
    """The smallest valid value the schema documents (required properties only)."""
    schema = _resolve(schema, definitions)
    if "example" in schema:
        return schema["example"]
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type", "object")
    if kind == "object":
        props = schema.get("properties", {})
        return {
            key: example(props[key], definitions, key)
            for key in schema.get("required", [])
            if key in props
        }
    if kind == "array":
        item = schema.get("items", {})
        return [example(item, definitions, name) for _ in range(schema.get("minItems", 0))]
    if kind == "integer":
        return int(schema.get("minimum", 0)) + (1 if schema.get("exclusiveMinimum") else 0)
    if kind == "number":
        low = schema.get("minimum", 0)
        return low + 1 if schema.get("exclusiveMinimum") else low
    if kind == "boolean":
        return False
    fmt = schema.get("format")
    now = datetime.now(UTC)
    if fmt == "date":
        return (now - timedelta(days=1)).date().isoformat()  # today or yesterday in every zone
    if fmt == "date-time":
        return (now - timedelta(minutes=1)).isoformat()
    if fmt == "uuid":
        return str(uuid.uuid4())
    if fmt == "email":
        return "someone@example.test"
    if fmt in {"uri", "url"}:
        return "https://example.test/x"
    if "password" in name:
        return "matrix-password-ok-1"
    return "x" * max(int(schema.get("minLength", 1)), 1)


def request_parts(op: Operation, definitions: dict) -> tuple[dict | None, dict[str, str]]:
    body, query = None, {}
    for param in op.parameters:
        if param["in"] == "body":
            body = example(param["schema"], definitions)
        elif param["in"] == "query" and param.get("required"):
            query[param["name"]] = str(example(param, definitions, param["name"]))
    if body is None and op.method in {"POST", "PUT", "PATCH"}:
        body = {}
    return body, query


def seed_records(world: "World", patient: Patient, actor: "Actor", tag: str) -> dict[str, int]:
    """A check-in with a note and a self-harm answer (so an urgent alert), a PHQ-9 and a
    treatment session; `tag` marks the free texts. Answers the ids of each."""
    today = datetime.now(UTC).date() - timedelta(days=1)
    checkin = checkin_service.record_checkin(
        actor.user,
        "me",
        {
            "submit_id": uuid.uuid4(),
            "local_date": today,
            "mood": 2,
            "anxiety": 7,
            "pain": 3,
            "side_effects": [],
            "note": f"note-{tag}",
            "self_harm_thoughts": True,
        },
    )
    questionnaire_service.submit_questionnaire(
        actor.user,
        "me",
        {"submit_id": uuid.uuid4(), "instrument": "phq9", "answers": [1] * 9},
    )
    session = session_service.record_session(
        world.clinician.user,
        patient.id,
        {
            "started_at": earlier_today(patient.timezone, minutes=5),
            "modality": "iv_infusion",
            "route": "iv",
            "phase": "induction",
            "dose_mg": 35.0,
            "notes": f"session-{tag}",
        },
    )
    appointment = appointment_service.schedule_appointment(
        world.clinician.user, patient.id, "evaluation", datetime.now(UTC) + timedelta(days=3)
    )
    alert_id = db.session.scalar(
        text("SELECT id FROM alerts WHERE patient_id = :p ORDER BY id LIMIT 1"), {"p": patient.id}
    )
    reminder = ReminderDelivery(
        patient_id=patient.id, local_date=today, kind="daily", status="sent", attempts=1
    )
    db.session.add(reminder)
    db.session.commit()
    return {
        "checkin": checkin.checkin_id,
        "session": session.id,
        "alert": alert_id,
        "appointment": appointment.id,
        "reminder": reminder.id,
    }

"""The URL map: every namespace of /api/v1, registered in one place."""

from flask import Blueprint, Flask

from api.namespaces import (
    alerts,
    appointments,
    audit,
    auth,
    clinic,
    exports,
    instruments,
    me,
    outcomes,
    patients,
    questionnaires,
    reminders,
    sessions,
    users,
)
from api.restx import ProblemApi, RowIdConverter

AUTHORIZATIONS = {
    "bearer": {
        "type": "apiKey",
        "in": "header",
        "name": "Authorization",
        "description": "`Bearer <token>` from /auth/login or /auth/enroll",
    }
}


def init_app(app: Flask) -> None:
    app.url_map.converters["int"] = RowIdConverter  # ids beyond a row id are 404, not overflows
    blueprint = Blueprint("api_v1", __name__, url_prefix="/api/v1")
    api = ProblemApi(
        blueprint,
        version="1",
        title="Ketamine clinic outcomes API",
        description="Daily check-ins, questionnaires, treatment sessions, outcomes and reminders. "
        "Errors are RFC 9457 problems (application/problem+json).",
        doc="/docs",
        authorizations=AUTHORIZATIONS,
    )
    api.add_namespace(auth.ns, path="/auth")
    api.add_namespace(me.ns, path="/me")
    api.add_namespace(clinic.ns, path="/clinic")
    api.add_namespace(patients.ns, path="/patients")
    api.add_namespace(questionnaires.ns, path="/patients")
    api.add_namespace(sessions.ns, path="/patients")
    api.add_namespace(appointments.ns, path="/patients")
    api.add_namespace(outcomes.ns, path="/patients")
    api.add_namespace(instruments.ns, path="/instruments")
    api.add_namespace(alerts.ns, path="/alerts")
    api.add_namespace(exports.ns, path="/patients")
    api.add_namespace(exports.clinic_ns, path="/exports")
    api.add_namespace(reminders.ns, path="/patients")
    api.add_namespace(reminders.push_ns, path="/push")
    api.add_namespace(users.ns, path="/users")
    api.add_namespace(audit.ns, path="/audit-events")
    app.register_blueprint(blueprint)

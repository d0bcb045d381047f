"""Treatment sessions: recorded and corrected by clinicians."""

from flask_restx import Namespace, Resource

from api.auth import authenticated, current_user
from api.namespaces.common import document_problems, dump
from api.restx import json_body, model
from api.schemas.clinical import (
    TreatmentSessionInputSchema,
    TreatmentSessionListSchema,
    TreatmentSessionRevisionListSchema,
    TreatmentSessionRevisionSchema,
    TreatmentSessionSchema,
)
from services import sessions as session_service

ns = Namespace("treatment-sessions", description="Ketamine treatment sessions and their monitoring")
PID = {"pid": "A patient id; a patient may use `me` to list their own"}


@ns.route("/<string:pid>/treatment-sessions")
@ns.doc(params=PID)
class Sessions(Resource):
    @ns.doc(security="bearer")
    @ns.response(200, "Sessions, oldest first", model(ns, TreatmentSessionListSchema))
    @document_problems(ns, 401, 403, 404)
    @authenticated
    def get(self, pid):
        """A patient's treatment sessions (clinicians; patients see them on their trend)."""
        items = session_service.list_sessions(current_user(), pid)
        return {"items": dump(TreatmentSessionSchema, items, many=True)}

    @ns.doc(security="bearer")
    @ns.expect(model(ns, TreatmentSessionInputSchema))
    @ns.response(201, "Recorded", model(ns, TreatmentSessionSchema))
    @document_problems(ns, 401, 403, 404, 415, 422)
    @authenticated
    def post(self, pid):
        """Record a session (clinicians): dose, route, vitals, dissociation, side effects."""
        data = json_body(TreatmentSessionInputSchema)
        return dump(
            TreatmentSessionSchema, session_service.record_session(current_user(), pid, data)
        ), 201


@ns.route("/<string:pid>/treatment-sessions/<int:session_id>")
@ns.doc(params={**PID, "session_id": "The session's id"})
class SessionItem(Resource):
    @ns.doc(security="bearer")
    @ns.expect(model(ns, TreatmentSessionInputSchema))
    @ns.response(200, "Corrected; the earlier values are kept", model(ns, TreatmentSessionSchema))
    @document_problems(ns, 401, 403, 404, 415, 422)
    @authenticated
    def put(self, pid, session_id):
        """Correct a session (clinicians); the original stays on record as a revision."""
        data = json_body(TreatmentSessionInputSchema)
        session = session_service.correct_session(current_user(), pid, session_id, data)
        return dump(TreatmentSessionSchema, session)


@ns.route("/<string:pid>/treatment-sessions/<int:session_id>/revisions")
@ns.doc(params={**PID, "session_id": "The session's id"})
class SessionRevisions(Resource):
    @ns.doc(security="bearer")
    @ns.response(
        200,
        "The values before each correction, oldest first",
        model(ns, TreatmentSessionRevisionListSchema),
    )
    @document_problems(ns, 401, 403, 404)
    @authenticated
    def get(self, pid, session_id):
        """Earlier versions of a corrected session (clinicians)."""
        items = session_service.session_revisions(current_user(), pid, session_id)
        return {"items": dump(TreatmentSessionRevisionSchema, items, many=True)}

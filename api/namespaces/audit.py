"""The audit trail, for the clinic's admins."""

from flask_restx import Namespace, Resource

from api.auth import authenticated, current_user
from api.namespaces.common import document_problems, dump
from api.restx import model, query_args, query_params
from api.schemas.audit import AuditPageSchema, AuditQuerySchema
from services import audit as audit_service

ns = Namespace("audit-events", description="Who did what to whose data, and when (admins)")


@ns.route("")
class AuditEvents(Resource):
    @ns.doc(security="bearer", params=query_params(AuditQuerySchema))
    @ns.response(200, "Events of my clinic, newest first", model(ns, AuditPageSchema))
    @document_problems(ns, 401, 403, 422)
    @authenticated
    def get(self):
        """The clinic's audit trail; filter by patient, actor, action and time; page by id."""
        args = query_args(AuditQuerySchema)
        page = audit_service.list_events(
            current_user(),
            patient_id=args.get("patient_id"),
            actor_id=args.get("actor_id"),
            action=args.get("action"),
            at_from=args.get("from_"),
            at_to=args.get("to"),
            limit=args["limit"],
            before_id=args.get("before_id"),
        )
        return dump(AuditPageSchema, page)

"""The alert inbox: list, acknowledge, resolve with a note."""

from flask import request
from flask_restx import Namespace, Resource

from api.auth import authenticated, current_user
from api.namespaces.common import document_problems, dump
from api.restx import json_body, model, query_args, query_params
from api.schemas.clinical import (
    AlertAcknowledgeSchema,
    AlertListSchema,
    AlertQuerySchema,
    AlertResolveSchema,
    AlertSchema,
)
from services import alerts as alert_service

ns = Namespace("alerts", description="Safety alerts: raised, acknowledged, resolved, audited")


@ns.route("")
class Alerts(Resource):
    @ns.doc(security="bearer", params=query_params(AlertQuerySchema))
    @ns.response(200, "The clinic's alerts, most pressing first", model(ns, AlertListSchema))
    @document_problems(ns, 401, 403, 404, 422)
    @authenticated
    def get(self):
        """The clinic's alerts (clinicians); `status=active` for open and acknowledged."""
        args = query_args(AlertQuerySchema)
        items = alert_service.list_alerts(
            current_user(), args.get("status"), args.get("patient_id")
        )
        return {"items": dump(AlertSchema, items, many=True)}


@ns.route("/<int:alert_id>/acknowledge")
class Acknowledge(Resource):
    @ns.doc(security="bearer")
    @ns.expect(model(ns, AlertAcknowledgeSchema))
    @ns.response(200, "Acknowledged (an acknowledged alert is unchanged)", model(ns, AlertSchema))
    @document_problems(ns, 401, 403, 404, 409, 415, 422)
    @authenticated
    def post(self, alert_id):
        """I have seen this alert and am acting on it (body `{}`, none, or `{note}`).

        A note on an alert already acknowledged is refused (409) rather than dropped."""
        data = (
            json_body(AlertAcknowledgeSchema) if request.content_length or request.is_json else {}
        )
        return dump(
            AlertSchema,
            alert_service.acknowledge_alert(current_user(), alert_id, data.get("note")),
        )


@ns.route("/<int:alert_id>/resolve")
class Resolve(Resource):
    @ns.doc(security="bearer")
    @ns.expect(model(ns, AlertResolveSchema))
    @ns.response(200, "Resolved", model(ns, AlertSchema))
    @document_problems(ns, 401, 403, 404, 409, 422)
    @authenticated
    def post(self, alert_id):
        """Close the alert with a note saying what was done."""
        data = json_body(AlertResolveSchema)
        return dump(
            AlertSchema, alert_service.resolve_alert(current_user(), alert_id, data["note"])
        )

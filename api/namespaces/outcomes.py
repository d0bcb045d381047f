"""Outcomes against baseline, durability per session, and trends."""

from flask_restx import Namespace, Resource

from api.auth import authenticated, current_user
from api.namespaces.common import document_problems, dump
from api.restx import model, query_args, query_params
from api.schemas.clinical import (
    OutcomesSchema,
    SummaryQuerySchema,
    SummarySchema,
    TrendQuerySchema,
    TrendsSchema,
)
from services import outcomes as outcome_service
from services import summary as summary_service

ns = Namespace("outcomes", description="Response, remission, durability and trends")
PID = {"pid": "A patient id; a patient may use `me`"}


@ns.route("/<string:pid>/outcomes")
@ns.doc(params=PID)
class Outcomes(Resource):
    @ns.doc(security="bearer")
    @ns.response(
        200, "Each measure against baseline; durability per session", model(ns, OutcomesSchema)
    )
    @document_problems(ns, 401, 404)
    @authenticated
    def get(self, pid):
        """Baseline, latest, change, response and remission (with definitions); durability."""
        return dump(OutcomesSchema, outcome_service.patient_outcomes(current_user(), pid))


@ns.route("/<string:pid>/trends")
@ns.doc(params=PID)
class Trends(Resource):
    @ns.doc(security="bearer", params=query_params(TrendQuerySchema))
    @ns.response(
        200,
        "Daily series with 7-day means, sessions, questionnaire totals",
        model(ns, TrendsSchema),
    )
    @document_problems(ns, 401, 404, 422)
    @authenticated
    def get(self, pid):
        """The daily scales over the last `days` days, each with its direction."""
        args = query_args(TrendQuerySchema)
        return dump(TrendsSchema, outcome_service.patient_trends(current_user(), pid, args["days"]))


@ns.route("/<string:pid>/summary")
@ns.doc(params=PID)
class Summary(Resource):
    @ns.doc(security="bearer", params=query_params(SummaryQuerySchema))
    @ns.response(
        200, "Since-last-visit summary for a follow-up evaluation", model(ns, SummarySchema)
    )
    @document_problems(ns, 401, 403, 404, 422)
    @authenticated
    def get(self, pid):
        """Sessions, adherence, daily means before and after, questionnaires, alerts, notes."""
        args = query_args(SummaryQuerySchema)
        return dump(
            SummarySchema, summary_service.visit_summary(current_user(), pid, args.get("since"))
        )

"""A patient's PHQ-9 and GAD-7: what is due, answers, and clinicians' requests."""

from flask_restx import Namespace, Resource

from api.auth import authenticated, current_user
from api.namespaces.common import document_problems, dump
from api.restx import json_body, model
from api.schemas.clinical import (
    DueListSchema,
    DueSchema,
    QuestionnaireCreateSchema,
    QuestionnaireRequestSchema,
    QuestionnaireResponseListSchema,
    QuestionnaireResponseSchema,
)
from services import questionnaires as questionnaire_service

ns = Namespace("questionnaires", description="PHQ-9/GAD-7 schedule and answers")
PID = {"pid": "A patient id; a patient may use `me`"}


@ns.route("/<string:pid>/questionnaires/due")
@ns.doc(params=PID)
class Due(Resource):
    @ns.doc(security="bearer")
    @ns.response(200, "Due now (baseline, every 14 days, or requested)", model(ns, DueListSchema))
    @document_problems(ns, 401, 404)
    @authenticated
    def get(self, pid):
        """The questionnaires the patient should answer now; overdue after 3 days."""
        due = questionnaire_service.due_questionnaires(current_user(), pid)
        return {"items": dump(DueSchema, due, many=True)}


@ns.route("/<string:pid>/questionnaires/requests")
@ns.doc(params=PID)
class Requests(Resource):
    @ns.doc(security="bearer")
    @ns.expect(model(ns, QuestionnaireRequestSchema))
    @ns.response(204, "Requested; it is due now")
    @document_problems(ns, 401, 403, 404, 422)
    @authenticated
    def post(self, pid):
        """Ask the patient for a questionnaire now (before a follow-up evaluation; clinicians)."""
        data = json_body(QuestionnaireRequestSchema)
        questionnaire_service.request_questionnaire(current_user(), pid, data["instrument"])
        return "", 204


@ns.route("/<string:pid>/questionnaire-responses")
@ns.doc(params=PID)
class Responses(Resource):
    @ns.doc(security="bearer")
    @ns.response(200, "Answers, oldest first", model(ns, QuestionnaireResponseListSchema))
    @document_problems(ns, 401, 404)
    @authenticated
    def get(self, pid):
        """The patient's questionnaire history with totals and severity bands."""
        items = questionnaire_service.list_responses(current_user(), pid)
        return {"items": dump(QuestionnaireResponseSchema, items, many=True)}

    @ns.doc(security="bearer")
    @ns.expect(model(ns, QuestionnaireCreateSchema))
    @ns.response(201, "Scored and stored", model(ns, QuestionnaireResponseSchema))
    @ns.response(
        200,
        "A replay of an earlier submit_id: the first result",
        model(ns, QuestionnaireResponseSchema),
    )
    @document_problems(ns, 401, 403, 404, 415, 422)
    @authenticated
    def post(self, pid):
        """Answer a PHQ-9 or GAD-7 (the patient); item 9 above 0 returns crisis resources."""
        data = json_body(QuestionnaireCreateSchema)
        result = questionnaire_service.submit_questionnaire(current_user(), pid, data)
        body = dump(QuestionnaireResponseSchema, result.response)
        if result.crisis_resources:
            body["crisis_resources"] = result.crisis_resources
        return body, 201 if result.created else 200

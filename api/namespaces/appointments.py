"""Planned sessions and evaluations."""

from flask_restx import Namespace, Resource

from api.auth import authenticated, current_user
from api.namespaces.common import document_problems, dump
from api.restx import json_body, model
from api.schemas.appointments import (
    AppointmentCreateSchema,
    AppointmentListSchema,
    AppointmentSchema,
)
from services import appointments as appointment_service

ns = Namespace("appointments", description="The next sessions and evaluations on the calendar")
PID = {"pid": "A patient id; a patient may use `me` to list their own"}


@ns.route("/<string:pid>/appointments")
@ns.doc(params=PID)
class Appointments(Resource):
    @ns.doc(security="bearer")
    @ns.response(200, "Upcoming appointments, soonest first", model(ns, AppointmentListSchema))
    @document_problems(ns, 401, 404)
    @authenticated
    def get(self, pid):
        """A patient's upcoming sessions and evaluations."""
        items = appointment_service.list_appointments(current_user(), pid)
        return {"items": dump(AppointmentSchema, items, many=True)}

    @ns.doc(security="bearer")
    @ns.expect(model(ns, AppointmentCreateSchema))
    @ns.response(201, "Scheduled", model(ns, AppointmentSchema))
    @document_problems(ns, 401, 403, 404, 415, 422)
    @authenticated
    def post(self, pid):
        """Plan a session or an evaluation (clinicians)."""
        data = json_body(AppointmentCreateSchema)
        appointment = appointment_service.schedule_appointment(
            current_user(), pid, data["kind"], data["scheduled_at"]
        )
        return dump(AppointmentSchema, appointment), 201


@ns.route("/<string:pid>/appointments/<int:appointment_id>")
@ns.doc(params={**PID, "appointment_id": "The appointment's id"})
class AppointmentItem(Resource):
    @ns.doc(security="bearer")
    @ns.response(204, "Cancelled (kept on record)")
    @document_problems(ns, 401, 403, 404, 409)
    @authenticated
    def delete(self, pid, appointment_id):
        """Cancel an appointment (clinicians)."""
        appointment_service.cancel_appointment(current_user(), pid, appointment_id)
        return "", 204

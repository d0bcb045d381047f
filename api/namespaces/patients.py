"""Patients, their invitations and their daily check-ins."""

from flask import current_app, request
from flask_restx import Namespace, Resource

from api.auth import authenticated, current_user
from api.namespaces.common import document_problems, dump
from api.restx import json_body, load, model, query_args, query_params
from api.schemas.checkins import (
    CheckInCreateSchema,
    CheckInDaySchema,
    CheckInListSchema,
    CheckInQuerySchema,
    CheckInRevisionListSchema,
    CheckInRevisionSchema,
    CheckInSchema,
)
from api.schemas.users import (
    InvitationSchema,
    PatientCreateSchema,
    PatientSchema,
    RosterEntrySchema,
    RosterQuerySchema,
    RosterSchema,
    SignedOutSchema,
)
from services import auth as auth_service
from services import checkins as checkin_service
from services import patients as patient_service
from services import roster as roster_service
from services.safety import checkin_crisis_resources

ns = Namespace("patients", description="Patients, invitations and daily check-ins")
PID = {"pid": "A patient id; a patient may use `me`"}


@ns.route("")
class PatientList(Resource):
    @ns.doc(security="bearer", params=query_params(RosterQuerySchema))
    @ns.response(200, "The roster, most in need of attention first", model(ns, RosterSchema))
    @document_problems(ns, 401, 403, 422)
    @authenticated
    def get(self):
        """The clinic's roster for triage (clinicians): alerts, missed check-ins, trends."""
        args = query_args(RosterQuerySchema)
        entries = roster_service.roster(current_user(), args.get("q"))
        return {"items": dump(RosterEntrySchema, entries, many=True)}

    @ns.doc(security="bearer")
    @ns.expect(model(ns, PatientCreateSchema))
    @ns.response(201, "Created", model(ns, PatientSchema))
    @document_problems(ns, 401, 403, 409, 415, 422)
    @authenticated
    def post(self):
        """Create a patient in the clinic (clinicians); then invite them."""
        data = json_body(PatientCreateSchema)
        return dump(PatientSchema, patient_service.create_patient(current_user(), **data)), 201


@ns.route("/<string:pid>")
@ns.doc(params=PID)
class PatientItem(Resource):
    @ns.doc(security="bearer")
    @ns.response(200, "The patient's profile", model(ns, PatientSchema))
    @document_problems(ns, 401, 404)
    @authenticated
    def get(self, pid):
        """A patient's profile."""
        return dump(PatientSchema, patient_service.get_patient(current_user(), pid))


@ns.route("/<string:pid>/invitations")
@ns.doc(params=PID)
class Invitations(Resource):
    @ns.doc(security="bearer")
    @ns.response(201, "A one-time code, valid 7 days", model(ns, InvitationSchema))
    @document_problems(ns, 401, 403, 404)
    @authenticated
    def post(self, pid):
        """Issue an enrolment invitation (clinicians); for an enrolled patient, a new-device one:
        used, it keeps their history and signs out their other devices."""
        base_url = current_app.config["PUBLIC_BASE_URL"] or request.host_url
        issued = patient_service.create_invitation(current_user(), pid, base_url)
        return dump(InvitationSchema, issued), 201


@ns.route("/<string:pid>/sign-out")
@ns.doc(params=PID)
class SignOutDevices(Resource):
    @ns.doc(security="bearer")
    @ns.response(200, "Every device signed out", model(ns, SignedOutSchema))
    @document_problems(ns, 401, 403, 404)
    @authenticated
    def post(self, pid):
        """Sign a patient out on every device, e.g. a lost phone (clinicians): tokens revoked,
        push subscriptions forgotten, history kept. A new-device invitation lets them back in."""
        return dump(SignedOutSchema, auth_service.sign_out_patient(current_user(), pid))


@ns.route("/<string:pid>/checkins")
@ns.doc(params=PID)
class CheckIns(Resource):
    @ns.doc(security="bearer", params=query_params(CheckInQuerySchema))
    @ns.response(200, "Current check-ins, oldest first", model(ns, CheckInListSchema))
    @document_problems(ns, 401, 404, 422)
    @authenticated
    def get(self, pid):
        """A patient's daily check-ins, optionally between two local dates."""
        args = query_args(CheckInQuerySchema)
        items = checkin_service.list_checkins(
            current_user(), pid, args.get("from_"), args.get("to")
        )
        return {"items": dump(CheckInSchema, items, many=True)}

    @ns.doc(security="bearer")
    @ns.expect(model(ns, CheckInCreateSchema))
    @ns.response(201, "Stored", model(ns, CheckInSchema))
    @ns.response(
        200, "A replay of an earlier submit_id: the first result", model(ns, CheckInSchema)
    )
    @document_problems(ns, 401, 403, 404, 413, 415, 422)
    @authenticated
    def post(self, pid):
        """Submit today's check-in (or a correction, or a late one up to 2 days back)."""
        data = json_body(CheckInCreateSchema)
        result = checkin_service.record_checkin(current_user(), pid, data)
        body = dump(CheckInSchema, result.revision)
        body["id"] = result.checkin_id
        if resources := checkin_crisis_resources(current_user(), result.revision):
            body["crisis_resources"] = resources
        return body, 201 if result.created else 200


@ns.route("/<string:pid>/checkins/<string:local_date>/revisions")
@ns.doc(params={**PID, "local_date": "The check-in's local date, YYYY-MM-DD"})
class CheckInRevisions(Resource):
    @ns.doc(security="bearer")
    @ns.response(200, "Every version, first submitted first", model(ns, CheckInRevisionListSchema))
    @document_problems(ns, 401, 404, 422)
    @authenticated
    def get(self, pid, local_date):
        """Every submitted version of one day's check-in: corrections never erase the first."""
        day = load(CheckInDaySchema, {"local_date": local_date})["local_date"]
        items = checkin_service.list_revisions(current_user(), pid, day)
        return {"items": dump(CheckInRevisionSchema, items, many=True)}

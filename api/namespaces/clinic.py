"""The signed-in staff member's clinic and its configurable rules."""

from flask_restx import Namespace, Resource

from api.auth import authenticated, current_user
from api.namespaces.common import document_problems, dump
from api.restx import json_body, model
from api.schemas.clinic import ClinicSettingsSchema, ClinicUpdateSchema
from services import clinics as clinic_service

ns = Namespace(
    "clinic", description="My clinic: name, phone, zone and its alert and schedule rules"
)


@ns.route("")
class MyClinic(Resource):
    @ns.doc(security="bearer")
    @ns.response(200, "The clinic and its rules as they apply now", model(ns, ClinicSettingsSchema))
    @document_problems(ns, 401, 403)
    @authenticated
    def get(self):
        """My clinic and its rules (staff)."""
        return dump(ClinicSettingsSchema, clinic_service.read_clinic(current_user()))

    @ns.doc(security="bearer")
    @ns.expect(model(ns, ClinicUpdateSchema))
    @ns.response(200, "Changed", model(ns, ClinicSettingsSchema))
    @document_problems(ns, 401, 403, 409, 415, 422)
    @authenticated
    def patch(self):
        """Change my clinic's name, phone, zone, questionnaire interval or alert thresholds
        (admins; alert thresholds a partial object)."""
        data = json_body(ClinicUpdateSchema)
        return dump(ClinicSettingsSchema, clinic_service.update_clinic(current_user(), data))

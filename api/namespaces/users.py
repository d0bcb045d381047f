"""Clinic staff, managed by the clinic's admins."""

from flask import request
from flask_restx import Namespace, Resource

from api.auth import authenticated, current_user
from api.namespaces.common import document_problems, dump
from api.restx import json_body, model
from api.schemas.users import (
    DeactivateSchema,
    StaffCreateSchema,
    StaffListSchema,
    StaffSchema,
    StaffUpdateSchema,
)
from services import users as user_service

ns = Namespace("users", description="The clinic's staff accounts (admins)")


@ns.route("")
class Staff(Resource):
    @ns.doc(security="bearer")
    @ns.response(200, "Clinicians and admins of my clinic", model(ns, StaffListSchema))
    @document_problems(ns, 401, 403)
    @authenticated
    def get(self):
        """The staff of the admin's clinic, active or not."""
        return {"items": dump(StaffSchema, user_service.list_staff(current_user()), many=True)}

    @ns.doc(security="bearer")
    @ns.expect(model(ns, StaffCreateSchema))
    @ns.response(201, "Added", model(ns, StaffSchema))
    @document_problems(ns, 401, 403, 409, 415, 422)
    @authenticated
    def post(self):
        """Add a clinician or an admin to my clinic, with an initial password (admins)."""
        data = json_body(StaffCreateSchema)
        return dump(StaffSchema, user_service.add_staff(current_user(), **data)), 201


@ns.route("/<int:user_id>")
@ns.doc(params={"user_id": "A staff member's id"})
class StaffMember(Resource):
    @ns.doc(security="bearer")
    @ns.expect(model(ns, StaffUpdateSchema))
    @ns.response(200, "Renamed", model(ns, StaffSchema))
    @document_problems(ns, 401, 403, 404, 415, 422)
    @authenticated
    def patch(self, user_id):
        """Set a staff member's display name (yourself, or anyone of your clinic as its admin)."""
        data = json_body(StaffUpdateSchema)
        user = user_service.rename_staff(current_user(), user_id, data["display_name"])
        return dump(StaffSchema, user)


@ns.route("/<int:user_id>/deactivate")
@ns.doc(params={"user_id": "A staff member's id"})
class Deactivate(Resource):
    @ns.doc(security="bearer")
    @ns.expect(model(ns, DeactivateSchema))
    @ns.response(200, "Deactivated: every token revoked at once", model(ns, StaffSchema))
    @document_problems(ns, 401, 403, 404, 409, 415, 422)
    @authenticated
    def post(self, user_id):
        """Take a staff member's access away (admins, own clinic only; not yourself)."""
        if request.content_length or request.is_json:
            json_body(DeactivateSchema)  # `{}` or no body; any field is refused
        return dump(StaffSchema, user_service.deactivate_user(current_user(), user_id))

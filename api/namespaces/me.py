"""The signed-in user."""

from flask import current_app
from flask_restx import Namespace, Resource

from api.auth import authenticated, current_user
from api.limits import limiter
from api.namespaces.common import document_problems, dump
from api.restx import json_body, model
from api.schemas.users import PasswordChangeSchema, TokenSchema, UserSchema
from services import auth as auth_service

ns = Namespace("me", description="The signed-in user, their role, clinic and patient profile")


@ns.route("")
class Me(Resource):
    @ns.doc(security="bearer")
    @ns.response(200, "The signed-in user", model(ns, UserSchema))
    @document_problems(ns, 401)
    @authenticated
    def get(self):
        """Who am I: user, role, clinic and (for a patient) the patient profile."""
        return dump(UserSchema, current_user())


def _password_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


@ns.route("/password")
class Password(Resource):
    @ns.doc(security="bearer")
    @ns.expect(model(ns, PasswordChangeSchema))
    @ns.response(
        200, "Changed: every earlier token is revoked; use this one", model(ns, TokenSchema)
    )
    @document_problems(ns, 401, 415, 422, 429)
    @limiter.limit(_password_limit)
    @authenticated
    def post(self):
        """Change my password; signs out every device, this one gets a fresh token."""
        data = json_body(PasswordChangeSchema)
        issued = auth_service.change_password(
            current_user(), data["current_password"], data["new_password"]
        )
        return dump(TokenSchema, issued)

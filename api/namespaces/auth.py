"""Sign-in, enrolment and sign-out."""

from flask import current_app, g
from flask_restx import Namespace, Resource

from api.auth import authenticated
from api.limits import limiter, login_account_key
from api.namespaces.common import document_problems, dump
from api.restx import json_body, model
from api.schemas.users import EnrollSchema, LoginSchema, TokenSchema
from services import auth as auth_service

ns = Namespace("auth", description="Sign-in, enrolment with an invitation code, sign-out")


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _enroll_limit() -> str:
    return current_app.config["ENROLL_RATE_LIMIT"]


@ns.route("/login")
class Login(Resource):
    @ns.expect(model(ns, LoginSchema))
    @ns.response(200, "Signed in", model(ns, TokenSchema))
    @document_problems(ns, 401, 415, 422, 429)
    @limiter.limit(_login_limit)
    @limiter.limit(_login_limit, key_func=login_account_key)
    def post(self):
        """Sign in with email and password (staff, and patients who gave an email).

        An email without an account answers exactly as a wrong password does, one attempt or a
        run of them: 401, then after 5 failures 429 with Retry-After while the email is locked
        (1 minute, doubling up to an hour; the right password is refused too), then the rate
        limits' 429 (per address and per email)."""
        data = json_body(LoginSchema)
        return dump(TokenSchema, auth_service.login(data["email"], data["password"]))


@ns.route("/enroll")
class Enroll(Resource):
    @ns.expect(model(ns, EnrollSchema))
    @ns.response(201, "Enrolled", model(ns, TokenSchema))
    @document_problems(ns, 409, 415, 422, 429)
    @limiter.limit(_enroll_limit)
    def post(self):
        """Enrol with a one-time invitation code and choose a password."""
        data = json_body(EnrollSchema)
        issued = auth_service.enroll(
            data["invite_code"], data["password"], data["timezone"], data.get("email")
        )
        return dump(TokenSchema, issued), 201


@ns.route("/logout")
class Logout(Resource):
    @ns.doc(security="bearer")
    @ns.response(204, "Signed out; the token is revoked")
    @document_problems(ns, 401)
    @authenticated
    def post(self):
        """Revoke the token used for this request."""
        auth_service.logout(g.current_token)
        return "", 204

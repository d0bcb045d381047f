"""Who is signed in: users, clinics, patient profiles, and the auth payloads."""

from marshmallow import fields, validate

from api.schemas.base import AwareDateTime, QuerySchema, StrictSchema, TimeZone
from services.auth import STAFF_NAME_MAX


class ClinicSchema(StrictSchema):
    id = fields.Integer(dump_only=True)
    name = fields.String(dump_only=True)
    phone = fields.String(dump_only=True, allow_none=True)


class PatientSchema(StrictSchema):
    id = fields.Integer(dump_only=True)
    display_name = fields.String(dump_only=True)
    external_id = fields.String(dump_only=True, allow_none=True)
    timezone = fields.String(dump_only=True)
    enrolled = fields.Function(lambda p: p.user_id is not None, dump_only=True)
    enrolled_at = AwareDateTime(dump_only=True, allow_none=True)
    created_at = AwareDateTime(dump_only=True)


class PatientCreateSchema(StrictSchema):
    display_name = fields.String(required=True, validate=validate.Length(min=1, max=120))
    external_id = fields.String(validate=validate.Length(min=1, max=64), allow_none=True)
    timezone = TimeZone(allow_none=True)


class UserSchema(StrictSchema):
    id = fields.Integer(dump_only=True)
    role = fields.String(dump_only=True, metadata={"enum": ["patient", "clinician", "admin"]})
    email = fields.String(dump_only=True, allow_none=True)
    display_name = fields.String(
        dump_only=True, allow_none=True, metadata={"description": "Staff only; patients: null"}
    )
    clinic = fields.Nested(ClinicSchema, dump_only=True)
    patient = fields.Nested(PatientSchema, dump_only=True, allow_none=True)


class LoginSchema(StrictSchema):
    email = fields.Email(required=True, validate=validate.Length(max=254))
    password = fields.String(
        required=True, load_only=True, validate=validate.Length(min=1, max=256)
    )


class EnrollSchema(StrictSchema):
    invite_code = fields.String(required=True, validate=validate.Length(min=4, max=40))
    password = fields.String(required=True, load_only=True, validate=validate.Length(max=256))
    timezone = TimeZone(required=True)
    email = fields.Email(validate=validate.Length(max=254), allow_none=True)


class TokenSchema(StrictSchema):
    token = fields.String(dump_only=True)
    expires_at = AwareDateTime(dump_only=True)
    user = fields.Nested(UserSchema, dump_only=True)


class InvitationSchema(StrictSchema):
    code = fields.String(dump_only=True)
    expires_at = AwareDateTime(dump_only=True)
    enroll_url = fields.String(dump_only=True)
    replaces_devices = fields.Boolean(
        dump_only=True,
        metadata={"description": "For an enrolled patient: used, it signs out their other devices"},
    )


class SignedOutSchema(StrictSchema):
    tokens = fields.Integer(dump_only=True, metadata={"description": "Tokens revoked"})
    push_subscriptions = fields.Integer(
        dump_only=True, metadata={"description": "Devices' push subscriptions forgotten"}
    )


class ScaleSummarySchema(StrictSchema):
    latest = fields.Integer(dump_only=True, allow_none=True)
    mean_7d = fields.Float(dump_only=True, allow_none=True)
    trend = fields.String(
        dump_only=True, metadata={"enum": ["improving", "stable", "worsening", "unknown"]}
    )


class QuestionnaireSummarySchema(StrictSchema):
    total = fields.Integer(dump_only=True)
    severity = fields.String(dump_only=True)
    local_date = fields.Date(dump_only=True)


class RosterAlertSchema(StrictSchema):
    id = fields.Integer(dump_only=True)
    kind = fields.String(dump_only=True)
    severity = fields.String(dump_only=True)
    status = fields.String(dump_only=True)
    summary = fields.String(dump_only=True)
    raised_at = AwareDateTime(dump_only=True)


class RosterEntrySchema(StrictSchema):
    patient = fields.Nested(PatientSchema, dump_only=True)
    attention = fields.String(
        dump_only=True,
        metadata={"enum": ["urgent_alert", "open_alert", "missed_checkins", "worsening", "none"]},
    )
    last_checkin_on = fields.Date(dump_only=True, allow_none=True)
    days_since_checkin = fields.Integer(dump_only=True, allow_none=True)
    adherence_14d = fields.Float(
        dump_only=True, metadata={"description": "Share of the last 14 days with a check-in"}
    )
    scales = fields.Dict(
        keys=fields.String(), values=fields.Nested(ScaleSummarySchema), dump_only=True
    )
    questionnaires = fields.Dict(
        keys=fields.String(), values=fields.Nested(QuestionnaireSummarySchema), dump_only=True
    )
    last_session_at = AwareDateTime(dump_only=True, allow_none=True)
    next_session_at = AwareDateTime(
        dump_only=True, allow_none=True, metadata={"description": "The next planned session"}
    )
    open_alerts = fields.List(fields.Nested(RosterAlertSchema), dump_only=True)


class RosterSchema(StrictSchema):
    items = fields.List(fields.Nested(RosterEntrySchema), dump_only=True)


class RosterQuerySchema(QuerySchema):
    q = fields.String(
        validate=validate.Length(max=120), metadata={"description": "Search name or external id"}
    )


class PasswordChangeSchema(StrictSchema):
    current_password = fields.String(
        required=True, load_only=True, validate=validate.Length(min=1, max=256)
    )
    new_password = fields.String(
        required=True,
        load_only=True,
        validate=validate.Length(max=256),
        metadata={"description": "At least 10 characters, not a common password"},
    )


class StaffSchema(StrictSchema):
    id = fields.Integer(dump_only=True)
    email = fields.String(dump_only=True)
    display_name = fields.String(
        dump_only=True, allow_none=True, metadata={"description": "As colleagues know them"}
    )
    role = fields.String(dump_only=True, metadata={"enum": ["clinician", "admin"]})
    active = fields.Boolean(dump_only=True)
    locked_until = AwareDateTime(
        dump_only=True,
        allow_none=True,
        metadata={"description": "Set while sign-in is locked after failed attempts"},
    )
    created_at = AwareDateTime(dump_only=True)


class StaffCreateSchema(StrictSchema):
    email = fields.Email(required=True, validate=validate.Length(max=254))
    password = fields.String(
        required=True,
        load_only=True,
        validate=validate.Length(min=1, max=256),
        metadata={"description": "Initial password (the policy applies); changed under Account"},
    )
    role = fields.String(load_default="clinician", validate=validate.OneOf(["clinician", "admin"]))
    display_name = fields.String(
        allow_none=True,
        validate=validate.Length(max=STAFF_NAME_MAX),
        metadata={"description": "As colleagues know them; unique in the clinic"},
    )


class StaffUpdateSchema(StrictSchema):
    display_name = fields.String(
        required=True,
        allow_none=True,
        validate=validate.Length(max=STAFF_NAME_MAX),
        metadata={"description": "As colleagues know them; empty or null shows the email"},
    )


class DeactivateSchema(StrictSchema):
    """An empty object (or no body): deactivation takes no options."""


class StaffListSchema(StrictSchema):
    items = fields.List(fields.Nested(StaffSchema), dump_only=True)

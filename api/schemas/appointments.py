"""Appointments on the clinic's calendar."""

from marshmallow import fields, validate

from api.schemas.base import AwareDateTime, StrictSchema

KINDS = ("session", "evaluation")


class AppointmentCreateSchema(StrictSchema):
    kind = fields.String(
        required=True,
        validate=validate.OneOf(KINDS),
        metadata={"description": "An evaluation makes the PHQ-9 and GAD-7 due the day before"},
    )
    scheduled_at = AwareDateTime(required=True, metadata={"description": "With its UTC offset"})


class AppointmentSchema(StrictSchema):
    id = fields.Integer(dump_only=True)
    kind = fields.String(dump_only=True)
    scheduled_at = AwareDateTime(dump_only=True)
    local_date = fields.Date(dump_only=True)
    created_by_id = fields.Integer(dump_only=True)
    created_at = AwareDateTime(dump_only=True)


class AppointmentListSchema(StrictSchema):
    items = fields.List(fields.Nested(AppointmentSchema), dump_only=True)

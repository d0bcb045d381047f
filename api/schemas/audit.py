"""The audit trail as admins read it: ids and verbs, never PHI."""

from marshmallow import ValidationError, fields, validate, validates_schema

from api.schemas.base import AwareDateTime, QuerySchema, StrictSchema

MAX_PAGE = 500


class AuditEventSchema(StrictSchema):
    id = fields.Integer(dump_only=True)
    at = AwareDateTime(dump_only=True)
    actor_id = fields.Integer(dump_only=True, allow_none=True)
    actor_role = fields.String(dump_only=True, allow_none=True)
    action = fields.String(
        dump_only=True, metadata={"description": "A dotted verb, e.g. checkin.create, read"}
    )
    patient_id = fields.Integer(dump_only=True, allow_none=True)
    resource = fields.String(dump_only=True, allow_none=True)
    ip = fields.String(dump_only=True, allow_none=True)
    outcome = fields.String(dump_only=True, metadata={"description": "ok, refused or unchanged"})


class AuditPageSchema(StrictSchema):
    items = fields.List(fields.Nested(AuditEventSchema), dump_only=True)
    next_before_id = fields.Integer(
        dump_only=True,
        allow_none=True,
        metadata={"description": "Pass as before_id for the next (older) page; null at the end"},
    )


class AuditQuerySchema(QuerySchema):
    patient_id = fields.Integer(validate=validate.Range(min=1, max=2**31 - 1))
    actor_id = fields.Integer(validate=validate.Range(min=1, max=2**31 - 1))
    action = fields.String(validate=validate.Length(min=1, max=64))
    from_ = AwareDateTime(
        data_key="from", metadata={"description": "Events at or after this instant (with offset)"}
    )
    to = AwareDateTime(metadata={"description": "Events before this instant (with offset)"})
    limit = fields.Integer(validate=validate.Range(min=1, max=MAX_PAGE), load_default=100)
    before_id = fields.Integer(
        validate=validate.Range(min=1, max=2**31 - 1),
        metadata={"description": "Only events older than this id (paging)"},
    )

    @validates_schema
    def _ordered(self, data, **kwargs):
        if data.get("from_") and data.get("to") and data["from_"] >= data["to"]:
            raise ValidationError("'from' must be before 'to'.", "from")

"""The documented error shape (RFC 9457)."""

from marshmallow import fields

from api.schemas.base import StrictSchema


class ProblemSchema(StrictSchema):
    type = fields.String(dump_only=True)
    title = fields.String(dump_only=True)
    status = fields.Integer(dump_only=True)
    detail = fields.String(dump_only=True)
    errors = fields.Dict(
        keys=fields.String(),
        dump_only=True,
        metadata={"description": "422 only: each invalid field and its messages"},
    )

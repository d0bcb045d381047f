"""Daily check-in payloads."""

from marshmallow import ValidationError, fields, validate, validates_schema

from api.schemas.base import AwareDateTime, LocalDate, QuerySchema, StrictBoolean, StrictSchema
from clinical.daily import SCALE_MAX, SCALE_MIN, SEVERITIES, SIDE_EFFECTS

NOTE_MAX = 2000


def _score(description: str) -> fields.Integer:
    return fields.Integer(
        required=True,
        strict=True,
        validate=validate.Range(SCALE_MIN, SCALE_MAX),
        metadata={"description": description},
    )


class SideEffectSchema(StrictSchema):
    name = fields.String(required=True, validate=validate.OneOf(SIDE_EFFECTS))
    severity = fields.String(required=True, validate=validate.OneOf(SEVERITIES))


class CrisisResourceSchema(StrictSchema):
    name = fields.String(dump_only=True)
    phone = fields.String(dump_only=True)
    href = fields.String(dump_only=True)


class CheckInCreateSchema(StrictSchema):
    submit_id = fields.UUID(
        required=True,
        metadata={"description": "Client-made UUID; a replay answers the first result"},
    )
    local_date = LocalDate(
        required=True,
        metadata={"description": "The patient's local date, today or up to 2 days back"},
    )
    mood = _score("0 worst, 10 best (higher is better)")
    anxiety = _score("0 none, 10 worst (higher is worse)")
    pain = _score("0 no pain, 10 worst imaginable (higher is worse; LOINC 72514-3)")
    side_effects = fields.List(
        fields.Nested(SideEffectSchema),
        load_default=list,
        validate=validate.Length(max=len(SIDE_EFFECTS)),
    )
    note = fields.String(validate=validate.Length(max=NOTE_MAX), allow_none=True)
    self_harm_thoughts = StrictBoolean(
        allow_none=True, metadata={"description": "Optional safety question"}
    )
    tz_offset_minutes = fields.Integer(
        strict=True,
        validate=validate.Range(-14 * 60, 14 * 60),
        allow_none=True,
        load_only=True,
        metadata={"description": "The device's UTC offset in minutes when submitted"},
    )

    @validates_schema
    def _one_of_each_side_effect(self, data, **kwargs):
        names = [item["name"] for item in data.get("side_effects", [])]
        if len(names) != len(set(names)):
            raise ValidationError("Each side effect may be listed once.", "side_effects")


class CheckInSchema(StrictSchema):
    id = fields.Integer(dump_only=True)
    submit_id = fields.String(dump_only=True)
    local_date = fields.Date(dump_only=True)
    mood = fields.Integer(dump_only=True)
    anxiety = fields.Integer(dump_only=True)
    pain = fields.Integer(dump_only=True)
    side_effects = fields.List(fields.Nested(SideEffectSchema), dump_only=True)
    note = fields.String(dump_only=True, allow_none=True)
    self_harm_thoughts = fields.Boolean(dump_only=True, allow_none=True)
    submitted_at = AwareDateTime(dump_only=True)
    late_entry = fields.Boolean(dump_only=True)
    revision = fields.Integer(dump_only=True)
    crisis_resources = fields.List(fields.Nested(CrisisResourceSchema), dump_only=True)


class CheckInListSchema(StrictSchema):
    items = fields.List(fields.Nested(CheckInSchema), dump_only=True)


class CheckInQuerySchema(QuerySchema):
    from_ = LocalDate(data_key="from", metadata={"description": "First local date (inclusive)"})
    to = LocalDate(metadata={"description": "Last local date (inclusive)"})

    @validates_schema
    def _ordered(self, data, **kwargs):
        if data.get("from_") and data.get("to") and data["from_"] > data["to"]:
            raise ValidationError("'from' must not be after 'to'.", "from")


class CheckInRevisionSchema(CheckInSchema):
    """One submitted version of a day's check-in, as it was sent (`id` is the revision's)."""

    class Meta:
        exclude = ("crisis_resources",)


class CheckInRevisionListSchema(StrictSchema):
    items = fields.List(fields.Nested(CheckInRevisionSchema), dump_only=True)


class CheckInDaySchema(StrictSchema):
    """The `{local_date}` of a check-in's path."""

    local_date = LocalDate(required=True, metadata={"description": "The local date, YYYY-MM-DD"})

"""Export parameters, and the documented shape of a FHIR Bundle (the CSV files are text)."""

from marshmallow import fields, validate

from api.schemas.base import QuerySchema, StrictSchema
from services.exports import EXPORT_KINDS

KIND_DESCRIPTION = "What one row is: a check-in, a questionnaire or a treatment session"


class PatientExportQuerySchema(QuerySchema):
    kind = fields.String(
        load_default="checkins",
        validate=validate.OneOf(EXPORT_KINDS),
        metadata={"description": KIND_DESCRIPTION},
    )


class ClinicExportQuerySchema(QuerySchema):
    kind = fields.String(
        load_default="checkins",
        validate=validate.OneOf(EXPORT_KINDS),
        metadata={"description": KIND_DESCRIPTION},
    )
    date_shift = fields.Boolean(
        load_default=True,
        truthy={"true"},
        falsy={"false"},
        metadata={
            "description": "Move each patient's dates by their own stable ±1-180 days "
            "(default true; false exports the real dates)"
        },
    )


class FhirEntrySchema(StrictSchema):
    fullUrl = fields.String(dump_only=True, metadata={"description": "urn:uuid:..."})
    resource = fields.Dict(
        dump_only=True,
        metadata={
            "description": "Patient, Questionnaire, QuestionnaireResponse, Observation "
            "or Procedure (FHIR R4)"
        },
    )


class FhirBundleSchema(StrictSchema):
    resourceType = fields.String(dump_only=True, metadata={"enum": ["Bundle"]})
    id = fields.String(dump_only=True)
    type = fields.String(dump_only=True, metadata={"enum": ["collection"]})
    timestamp = fields.String(dump_only=True)
    entry = fields.List(fields.Nested(FhirEntrySchema), dump_only=True)

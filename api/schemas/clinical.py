"""Payloads of the clinical measures: instruments, questionnaires, sessions, outcomes, alerts."""

from marshmallow import ValidationError, fields, validate, validates_schema

from api.schemas.base import AwareDateTime, LocalDate, QuerySchema, StrictSchema
from api.schemas.checkins import CrisisResourceSchema, SideEffectSchema
from api.schemas.users import PatientSchema
from clinical.instruments import ANSWER_MAX, ANSWER_MIN, INSTRUMENTS

INSTRUMENT_CODES = tuple(INSTRUMENTS)
MODALITIES = ("iv_infusion", "im_injection", "esketamine_nasal", "other")
ROUTES = ("iv", "im", "intranasal", "oral", "sublingual")
PHASES = ("induction", "maintenance")
# The route each modality implies ("other" may use any route).
MODALITY_ROUTES = {"iv_infusion": "iv", "im_injection": "im", "esketamine_nasal": "intranasal"}


class AnswerOptionSchema(StrictSchema):
    value = fields.Integer(dump_only=True)
    text = fields.String(dump_only=True)
    loinc = fields.String(dump_only=True)


class ItemSchema(StrictSchema):
    number = fields.Integer(dump_only=True)
    text = fields.String(dump_only=True)
    loinc = fields.String(dump_only=True)


class BandSchema(StrictSchema):
    code = fields.String(dump_only=True)
    label = fields.String(dump_only=True)
    min = fields.Integer(dump_only=True)
    max = fields.Integer(dump_only=True)


class UnscoredItemSchema(StrictSchema):
    text = fields.String(dump_only=True)
    loinc = fields.String(dump_only=True)
    options = fields.List(fields.Nested(AnswerOptionSchema), dump_only=True)


class InstrumentSchema(StrictSchema):
    code = fields.String(dump_only=True)
    title = fields.String(dump_only=True)
    short_title = fields.String(dump_only=True)
    stem = fields.String(dump_only=True)
    items = fields.List(fields.Nested(ItemSchema), dump_only=True)
    options = fields.List(fields.Nested(AnswerOptionSchema), dump_only=True)
    bands = fields.List(fields.Nested(BandSchema), dump_only=True)
    panel_loinc = fields.String(dump_only=True)
    total_loinc = fields.String(dump_only=True)
    copyright = fields.String(dump_only=True)
    difficulty_item = fields.Nested(
        UnscoredItemSchema,
        dump_only=True,
        allow_none=True,
        metadata={
            "description": "Unscored follow-up asked when any item is above 0 (PHQ-9: 69722-7)"
        },
    )


class InstrumentListSchema(StrictSchema):
    items = fields.List(fields.Nested(InstrumentSchema), dump_only=True)


class DueSchema(StrictSchema):
    instrument = fields.String(dump_only=True)
    due_since = fields.Date(dump_only=True)
    overdue = fields.Boolean(dump_only=True)
    reason = fields.String(dump_only=True, metadata={"enum": ["baseline", "interval", "requested"]})


class DueListSchema(StrictSchema):
    items = fields.List(fields.Nested(DueSchema), dump_only=True)


class QuestionnaireRequestSchema(StrictSchema):
    instrument = fields.String(required=True, validate=validate.OneOf(INSTRUMENT_CODES))


class QuestionnaireCreateSchema(StrictSchema):
    submit_id = fields.UUID(required=True)
    instrument = fields.String(required=True, validate=validate.OneOf(INSTRUMENT_CODES))
    answers = fields.List(
        fields.Integer(strict=True, validate=validate.Range(ANSWER_MIN, ANSWER_MAX)),
        required=True,
        metadata={
            "description": "One answer 0-3 per item, in item order (9 for PHQ-9, 7 for GAD-7)"
        },
    )
    difficulty = fields.Integer(
        strict=True,
        allow_none=True,
        load_default=None,
        validate=validate.Range(ANSWER_MIN, ANSWER_MAX),
        metadata={
            "description": "The instrument's unscored difficulty item (PHQ-9 only), 0-3; "
            "never added to the total"
        },
    )

    @validates_schema
    def _item_count(self, data, **kwargs):
        instrument = INSTRUMENTS.get(data.get("instrument", ""))
        if instrument is not None and len(data.get("answers", [])) != len(instrument.items):
            raise ValidationError(
                f"{instrument.short_title} has {len(instrument.items)} items.", "answers"
            )


class QuestionnaireResponseSchema(StrictSchema):
    id = fields.Integer(dump_only=True)
    submit_id = fields.String(dump_only=True)
    instrument = fields.String(dump_only=True)
    answers = fields.List(fields.Integer(), dump_only=True)
    total = fields.Integer(dump_only=True)
    severity = fields.String(dump_only=True)
    difficulty = fields.Integer(dump_only=True, allow_none=True)
    submitted_at = AwareDateTime(dump_only=True)
    local_date = fields.Date(dump_only=True)
    crisis_resources = fields.List(fields.Nested(CrisisResourceSchema), dump_only=True)


class QuestionnaireResponseListSchema(StrictSchema):
    items = fields.List(fields.Nested(QuestionnaireResponseSchema), dump_only=True)


def _int(low: int, high: int, description: str) -> fields.Integer:
    return fields.Integer(
        strict=True,
        allow_none=True,
        validate=validate.Range(low, high),
        metadata={"description": description},
    )


class TreatmentSessionInputSchema(StrictSchema):
    started_at = AwareDateTime(required=True, metadata={"description": "With its UTC offset"})
    modality = fields.String(required=True, validate=validate.OneOf(MODALITIES))
    route = fields.String(required=True, validate=validate.OneOf(ROUTES))
    phase = fields.String(required=True, validate=validate.OneOf(PHASES))
    dose_mg = fields.Float(
        required=True, validate=validate.Range(min=0, max=1000, min_inclusive=False)
    )
    dose_mg_per_kg = fields.Float(
        allow_none=True, validate=validate.Range(min=0, max=5, min_inclusive=False)
    )
    duration_min = _int(1, 600, "Minutes")
    bp_pre_systolic = _int(60, 260, "mmHg")
    bp_pre_diastolic = _int(30, 160, "mmHg")
    bp_peak_systolic = _int(60, 260, "mmHg")
    bp_peak_diastolic = _int(30, 160, "mmHg")
    bp_discharge_systolic = _int(60, 260, "mmHg")
    bp_discharge_diastolic = _int(30, 160, "mmHg")
    hr_pre = _int(25, 220, "Beats per minute")
    hr_peak = _int(25, 220, "Beats per minute")
    hr_discharge = _int(25, 220, "Beats per minute")
    spo2_min = _int(50, 100, "Lowest SpO2, %")
    dissociation_score = _int(0, 100, "Clinician-rated dissociation total (for example CADSS)")
    dissociation_scale = fields.String(allow_none=True, validate=validate.Length(max=32))
    side_effects = fields.List(fields.Nested(SideEffectSchema), load_default=list)
    discharged_at = AwareDateTime(allow_none=True)
    notes = fields.String(allow_none=True, validate=validate.Length(max=4000))

    @validates_schema
    def _route_matches_modality(self, data, **kwargs):
        expected = MODALITY_ROUTES.get(data.get("modality", ""))
        if expected is not None and data.get("route") not in (None, expected):
            raise ValidationError(f"This modality is given by the {expected} route.", "route")

    @validates_schema
    def _blood_pressure(self, data, **kwargs):
        for moment in ("pre", "peak", "discharge"):
            systolic, diastolic = (
                data.get(f"bp_{moment}_systolic"),
                data.get(f"bp_{moment}_diastolic"),
            )
            if (systolic is None) != (diastolic is None):
                raise ValidationError("Give both systolic and diastolic.", f"bp_{moment}_diastolic")
            if systolic is not None and diastolic is not None and systolic <= diastolic:
                raise ValidationError("Systolic must be above diastolic.", f"bp_{moment}_systolic")


class TreatmentSessionSchema(TreatmentSessionInputSchema):
    id = fields.Integer(dump_only=True)
    local_date = fields.Date(dump_only=True)
    revision = fields.Integer(dump_only=True)
    recorded_by_id = fields.Integer(dump_only=True)
    created_at = AwareDateTime(dump_only=True)
    updated_at = AwareDateTime(dump_only=True)


class TreatmentSessionListSchema(StrictSchema):
    items = fields.List(fields.Nested(TreatmentSessionSchema), dump_only=True)


class TreatmentSessionRevisionSchema(StrictSchema):
    revision = fields.Integer(dump_only=True, metadata={"description": "The revision replaced"})
    values = fields.Dict(dump_only=True, metadata={"description": "The values before correction"})
    recorded_by_id = fields.Integer(dump_only=True)
    recorded_at = AwareDateTime(dump_only=True)


class TreatmentSessionRevisionListSchema(StrictSchema):
    items = fields.List(fields.Nested(TreatmentSessionRevisionSchema), dump_only=True)


class TrendQuerySchema(QuerySchema):
    days = fields.Integer(
        load_default=30,
        validate=validate.Range(7, 3660),
        metadata={"description": "Days back from today"},
    )


STAFF_NAME = "The staff member's display name (null when they have none: show the email)"


class AlertSchema(StrictSchema):
    id = fields.Integer(dump_only=True)
    patient_id = fields.Integer(dump_only=True)
    patient_name = fields.String(dump_only=True)
    kind = fields.String(dump_only=True)
    severity = fields.String(dump_only=True)
    status = fields.String(dump_only=True)
    summary = fields.String(dump_only=True)
    evidence = fields.Dict(dump_only=True)
    source_type = fields.String(dump_only=True)
    source_id = fields.Integer(dump_only=True, allow_none=True)
    raised_at = AwareDateTime(dump_only=True)
    acknowledged_at = AwareDateTime(dump_only=True, allow_none=True)
    acknowledged_by_id = fields.Integer(dump_only=True, allow_none=True)
    acknowledged_by_email = fields.String(
        dump_only=True, allow_none=True, metadata={"description": "The staff member's email"}
    )
    acknowledged_by_name = fields.String(
        dump_only=True, allow_none=True, metadata={"description": STAFF_NAME}
    )
    acknowledgment_note = fields.String(dump_only=True, allow_none=True)
    resolved_at = AwareDateTime(dump_only=True, allow_none=True)
    resolved_by_id = fields.Integer(dump_only=True, allow_none=True)
    resolved_by_email = fields.String(
        dump_only=True, allow_none=True, metadata={"description": "The staff member's email"}
    )
    resolved_by_name = fields.String(
        dump_only=True, allow_none=True, metadata={"description": STAFF_NAME}
    )
    resolution_note = fields.String(dump_only=True, allow_none=True)


class AlertListSchema(StrictSchema):
    items = fields.List(fields.Nested(AlertSchema), dump_only=True)


class AlertQuerySchema(QuerySchema):
    status = fields.String(validate=validate.OneOf(("open", "acknowledged", "resolved", "active")))
    patient_id = fields.Integer(validate=validate.Range(1, 2**31 - 1))


class AlertAcknowledgeSchema(StrictSchema):
    """`{}` (or no body), or an optional note on what is being done; resolving needs one."""

    note = fields.String(
        allow_none=True,
        validate=validate.Length(max=2000),
        metadata={"description": "What is being done, e.g. 'Called, left a voicemail'"},
    )


class AlertResolveSchema(StrictSchema):
    note = fields.String(required=True, validate=validate.Length(min=1, max=2000))


def _number(description: str = "") -> fields.Float:
    return fields.Float(dump_only=True, allow_none=True, metadata={"description": description})


def _text(description: str = "") -> fields.String:
    return fields.String(dump_only=True, allow_none=True, metadata={"description": description})


class OutcomeMeasureSchema(StrictSchema):
    """One measure against its baseline (clinical.outcomes.Outcome)."""

    measure = fields.String(dump_only=True, metadata={"description": "phq9, gad7, mood, ..."})
    status = fields.String(
        dump_only=True,
        metadata={
            "description": "remission, response, partial_response, no_response, worsening, "
            "insufficient_data or not_applicable, as the measure's definition says"
        },
    )
    baseline = _number()
    baseline_at = _text("An instant (questionnaires) or a local date (daily scales)")
    latest = _number()
    latest_at = _text("An instant (questionnaires) or a local date (daily scales)")
    change = _number("Latest minus baseline, as the scale reads")
    improvement = _number("The change signed so that positive is better")
    percent_change = _number("Improvement in % of the baseline burden; positive is better")
    remission = fields.Boolean(dump_only=True, allow_none=True)
    minimal_important_change = fields.Boolean(dump_only=True, allow_none=True)
    reliable_change = _text("reliable_improvement, reliable_deterioration or no_reliable_change")
    definition = fields.String(dump_only=True, metadata={"description": "The rule, in words"})
    reason = _text("Why the status is insufficient_data or not_applicable")


class DurabilitySchema(StrictSchema):
    """How long one session's benefit lasted on one daily scale (clinical.durability)."""

    session_on = fields.String(dump_only=True, metadata={"description": "Local date"})
    scale = fields.String(dump_only=True)
    status = fields.String(
        dump_only=True,
        metadata={
            "description": "faded, ongoing, censored_by_next_session, no_response or "
            "insufficient_data"
        },
    )
    days = fields.Integer(dump_only=True, allow_none=True)
    pre_level = _number()
    peak_level = _number()
    peak_date = _text("Local date")
    gain = _number("Points, positive is better")
    half_point_date = _text("Local date the rolling mean gave back half the gain")
    provisional = fields.Boolean(dump_only=True)
    reason = _text()


class OutcomeSessionSchema(StrictSchema):
    session_id = fields.Integer(dump_only=True)
    started_at = fields.String(dump_only=True)
    local_date = fields.String(dump_only=True)
    phase = fields.String(dump_only=True)
    modality = fields.String(dump_only=True)
    durability = fields.Dict(
        keys=fields.String(),
        values=fields.Nested(DurabilitySchema),
        dump_only=True,
        metadata={"description": "By scale, for the scales in durability_scales"},
    )


class OutcomesSchema(StrictSchema):
    first_session_at = fields.String(dump_only=True, allow_none=True)
    measures = fields.List(fields.Nested(OutcomeMeasureSchema), dump_only=True)
    durability_scales = fields.List(fields.String(), dump_only=True)
    sessions = fields.List(fields.Nested(OutcomeSessionSchema), dump_only=True)


class AsBuilt(fields.List):
    """Documented as the list its inner field describes, answered as the service built it.

    A 365-day trend has 1,095 points that services.outcomes already made plain (ISO dates,
    rounded means); walking them again field by field would double the request's cost. The
    API's fuzz test (tests/api/test_fuzz.py) checks every answer against this documentation,
    so the two cannot drift apart."""

    def _serialize(self, value, attr, obj, **kwargs):
        return value


class TrendPointSchema(StrictSchema):
    local_date = fields.String(dump_only=True)
    value = _number("0-10; null on a day without a check-in")
    mean_7d = _number("Mean of the 7 days ending here (at least 4 rated), 2 decimals")


class TrendScaleSchema(StrictSchema):
    code = fields.String(dump_only=True)
    label = fields.String(dump_only=True)
    direction = fields.String(dump_only=True, metadata={"description": "higher_is_better|worse"})
    low_label = fields.String(dump_only=True)
    high_label = fields.String(dump_only=True)
    change_direction = fields.String(
        dump_only=True, metadata={"description": "improving, worsening, stable, insufficient_data"}
    )
    change = _number()
    points = AsBuilt(fields.Nested(TrendPointSchema), dump_only=True)


class TrendSessionSchema(StrictSchema):
    id = fields.Integer(dump_only=True)
    started_at = fields.String(dump_only=True)
    local_date = fields.String(dump_only=True)
    modality = fields.String(dump_only=True)
    phase = fields.String(dump_only=True)
    dose_mg = _number()
    dose_mg_per_kg = _number()
    bp_peak = fields.List(
        fields.Integer(), dump_only=True, allow_none=True, metadata={"description": "[sys, dia]"}
    )
    dissociation_score = _number()


class TrendQuestionnaireSchema(StrictSchema):
    instrument = fields.String(dump_only=True)
    local_date = fields.String(dump_only=True)
    total = fields.Integer(dump_only=True)
    severity = fields.String(dump_only=True)


class TrendsSchema(StrictSchema):
    from_ = fields.String(attribute="from", data_key="from", dump_only=True)
    to = fields.String(dump_only=True)
    scales = AsBuilt(fields.Nested(TrendScaleSchema), dump_only=True)
    sessions = AsBuilt(fields.Nested(TrendSessionSchema), dump_only=True)
    questionnaires = AsBuilt(fields.Nested(TrendQuestionnaireSchema), dump_only=True)


class SummaryQuerySchema(QuerySchema):
    since = LocalDate(metadata={"description": "First local date (default: the last session)"})


class SummaryDailySchema(StrictSchema):
    code = fields.String(dump_only=True)
    label = fields.String(dump_only=True)
    direction = fields.String(dump_only=True)
    before_mean = fields.Float(dump_only=True, allow_none=True)
    after_mean = fields.Float(dump_only=True, allow_none=True)
    improvement = fields.Float(
        dump_only=True, allow_none=True, metadata={"description": "Positive is better"}
    )


class SummaryAdherenceSchema(StrictSchema):
    days = fields.Integer(dump_only=True)
    checkins = fields.Integer(dump_only=True)
    rate = fields.Float(dump_only=True)


class SummarySideEffectSchema(StrictSchema):
    name = fields.String(dump_only=True)
    severity = fields.String(dump_only=True)
    count = fields.Integer(dump_only=True)


class SummaryNoteSchema(StrictSchema):
    local_date = fields.Date(dump_only=True)
    note = fields.String(dump_only=True)


class SummarySchema(StrictSchema):
    patient = fields.Nested(PatientSchema, dump_only=True)
    since = fields.Date(dump_only=True)
    until = fields.Date(dump_only=True)
    sessions = fields.List(fields.Nested(TreatmentSessionSchema), dump_only=True)
    adherence = fields.Nested(SummaryAdherenceSchema, dump_only=True)
    daily = fields.List(fields.Nested(SummaryDailySchema), dump_only=True)
    questionnaires = fields.List(fields.Nested(QuestionnaireResponseSchema), dump_only=True)
    outcomes = fields.List(fields.Dict(), dump_only=True)
    durability = fields.List(fields.Dict(), dump_only=True)
    alerts = fields.List(fields.Nested(AlertSchema), dump_only=True)
    side_effects = fields.List(fields.Nested(SummarySideEffectSchema), dump_only=True)
    notes = fields.List(fields.Nested(SummaryNoteSchema), dump_only=True)
    late_entries = fields.Integer(dump_only=True)

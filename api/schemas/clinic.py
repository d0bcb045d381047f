"""The clinic and its configurable rules (DESIGN.md §6: thresholds and schedule are
clinic-configurable). The bounds below are what the rules can use, not clinical advice: the
defaults, with their sources, are in clinical/alerts.py and clinical/schedule.py."""

from marshmallow import fields, validate

from api.schemas.base import StrictSchema, TimeZone
from clinical.daily import SEVERITIES
from clinical.instruments import INSTRUMENTS
from clinical.schedule import MIN_INTERVAL_DAYS


def _points(description: str, high: int, *, whole: bool = True) -> fields.Field:
    options = {"validate": validate.Range(1, high), "metadata": {"description": description}}
    return fields.Integer(strict=True, **options) if whole else fields.Float(**options)


class AlertThresholdsSchema(StrictSchema):
    """A clinic's alert thresholds (clinical.alerts.AlertThresholds). In a PATCH, the ones given
    replace the clinic's; the urgent rule (self-harm thoughts, PHQ-9 item 9 >= 1) is fixed."""

    phq9_worsening_points = _points("PHQ-9 rise on the previous response (default 5)", 27)
    gad7_worsening_points = _points("GAD-7 rise on the previous response (default 4)", 21)
    phq9_severe_total = _points(
        "PHQ-9 total that starts 'severe' (default 20)", INSTRUMENTS["phq9"].max_total
    )
    gad7_severe_total = _points(
        "GAD-7 total that starts 'severe' (default 15)", INSTRUMENTS["gad7"].max_total
    )
    mood_decline_points = _points(
        "3-day mean mood below the prior 14-day mean by (default 2)", 10, whole=False
    )
    pain_rise_points = _points(
        "3-day mean pain above the prior 14-day mean by (default 2)", 10, whole=False
    )
    anxiety_rise_points = fields.Float(
        allow_none=True,
        validate=validate.Range(0.5, 10),
        metadata={"description": "3-day mean anxiety above the prior 14-day mean by (null: off)"},
    )
    decline_recent_days = _points("The recent window, days (default 3)", 14)
    decline_recent_min_days = _points("Rated days needed in it (default 2)", 14)
    decline_prior_days = _points("The prior window, days (default 14)", 60)
    decline_prior_min_days = _points("Rated days needed in it (default 7)", 60)
    missed_days = _points("Whole local days without a check-in (default 3)", 30)
    side_effect_severities = fields.List(
        fields.String(validate=validate.OneOf(SEVERITIES)),
        validate=validate.Length(min=1, max=len(SEVERITIES)),
        metadata={"description": "Severities that raise a side-effect alert (default severe)"},
    )


class ClinicDefaultsSchema(StrictSchema):
    questionnaire_interval_days = fields.Integer(dump_only=True)
    alerts = fields.Nested(AlertThresholdsSchema, dump_only=True)


class ClinicSettingsSchema(StrictSchema):
    """The clinic, its rules as they apply now, and the defaults they were changed from."""

    id = fields.Integer(dump_only=True)
    name = fields.String(dump_only=True)
    phone = fields.String(dump_only=True, allow_none=True)
    timezone = fields.String(dump_only=True)
    questionnaire_interval_days = fields.Integer(dump_only=True)
    alerts = fields.Nested(AlertThresholdsSchema, dump_only=True)
    defaults = fields.Nested(ClinicDefaultsSchema, dump_only=True)


class ClinicUpdateSchema(StrictSchema):
    """Any of these; what is left out stays as it is."""

    name = fields.String(validate=validate.Length(min=1, max=200))
    phone = fields.String(
        allow_none=True,
        validate=validate.Regexp(
            r"^\+?[0-9][0-9 ().-]{2,38}$",
            error="A phone number: digits, spaces, +, (), - and . only.",
        ),
        metadata={"description": "Shown to patients beside 988 and 911 on a safety signal"},
    )
    timezone = TimeZone()
    questionnaire_interval_days = fields.Integer(
        strict=True,
        validate=validate.Range(MIN_INTERVAL_DAYS, 90),
        metadata={
            "description": f"PHQ-9/GAD-7 every N days (default 14, at least {MIN_INTERVAL_DAYS})"
        },
    )
    alerts = fields.Nested(AlertThresholdsSchema)

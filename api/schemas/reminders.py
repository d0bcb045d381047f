"""Reminder settings, Web Push subscriptions and the delivery trail."""

from marshmallow import ValidationError, fields, validate, validates_schema

from api.schemas.base import AwareDateTime, QuerySchema, StrictBoolean, StrictSchema, TimeZone
from services.reminders.times import HHMM

WEEKDAYS_HELP = "0 = Monday ... 6 = Sunday"


class PublicKeySchema(StrictSchema):
    public_key = fields.String(
        dump_only=True,
        metadata={
            "description": "VAPID public key: base64url of the uncompressed P-256 point, "
            "the applicationServerKey for PushManager.subscribe()"
        },
    )


class SubscriptionKeysSchema(StrictSchema):
    p256dh = fields.String(
        required=True,
        validate=validate.Length(min=1, max=200),
        metadata={"description": "base64url uncompressed P-256 point (65 bytes)"},
    )
    auth = fields.String(
        required=True,
        validate=validate.Length(min=1, max=100),
        metadata={"description": "base64url 16-byte auth secret"},
    )


class PushSubscriptionCreateSchema(StrictSchema):
    """PushSubscription.toJSON(), plus an optional user agent."""

    endpoint = fields.String(
        required=True,
        validate=validate.Length(min=1, max=1024),
        metadata={"description": "The push service URL (https)"},
    )
    keys = fields.Nested(SubscriptionKeysSchema, required=True)
    expiration_time = fields.Float(
        data_key="expirationTime",
        allow_none=True,
        load_only=True,
        metadata={"description": "As the browser reports it; not used"},
    )
    user_agent = fields.String(validate=validate.Length(max=300), allow_none=True)


class PushSubscriptionDeleteSchema(StrictSchema):
    """The same PushSubscription.toJSON() as to subscribe (only `endpoint` is needed, and
    used): an app may send back whatever the browser gave it."""

    endpoint = fields.String(required=True, validate=validate.Length(min=1, max=1024))
    keys = fields.Nested(
        SubscriptionKeysSchema, load_only=True, metadata={"description": "Not used"}
    )
    expiration_time = fields.Float(
        data_key="expirationTime",
        allow_none=True,
        load_only=True,
        metadata={"description": "Not used"},
    )


class PushSubscriptionSchema(StrictSchema):
    id = fields.Integer(dump_only=True)
    user_agent = fields.String(dump_only=True, allow_none=True)
    created_at = AwareDateTime(dump_only=True)
    last_success_at = AwareDateTime(dump_only=True, allow_none=True)


class ReminderSettingsUpdateSchema(StrictSchema):
    enabled = StrictBoolean(required=True)
    local_time = fields.String(
        required=True,
        validate=validate.Regexp(HHMM, error="Give the time as HH:MM, from 00:00 to 23:59."),
        metadata={"description": "Local reminder time, HH:MM (24 h)", "example": "19:00"},
    )
    timezone = TimeZone(
        metadata={"description": "IANA time zone; becomes the patient's zone"},
    )
    weekdays = fields.List(
        fields.Integer(strict=True, validate=validate.Range(0, 6)),
        validate=validate.Length(max=7),
        metadata={"description": f"Days to remind on, {WEEKDAYS_HELP}; default every day"},
    )

    @validates_schema
    def _days(self, data, **kwargs):
        days = data.get("weekdays")
        if days is None:
            return
        if len(days) != len(set(days)):
            raise ValidationError("Each weekday may be listed once.", "weekdays")
        if data.get("enabled") and not days:
            raise ValidationError("Choose at least one day for the reminder.", "weekdays")


class ReminderSettingsSchema(StrictSchema):
    enabled = fields.Boolean(dump_only=True)
    local_time = fields.String(dump_only=True, metadata={"example": "19:00"})
    timezone = fields.String(dump_only=True)
    weekdays = fields.List(
        fields.Integer(), dump_only=True, metadata={"description": WEEKDAYS_HELP}
    )
    next_reminder_at = AwareDateTime(
        dump_only=True,
        allow_none=True,
        metadata={"description": "The next daily reminder, when enabled"},
    )


class DeliveryAttemptSchema(StrictSchema):
    at = fields.String(dump_only=True, metadata={"description": "ISO 8601 instant"})
    attempt = fields.Integer(dump_only=True)
    subscription_id = fields.Integer(dump_only=True, allow_none=True)
    status_code = fields.Integer(
        dump_only=True, allow_none=True, metadata={"description": "The push service's answer"}
    )
    outcome = fields.String(
        dump_only=True,
        metadata={
            "enum": [
                "sent",
                "gone",
                "retry",
                "failed",
                "no_subscription",
                "checked_in",
                "expired",
                "gave_up",
                "clicked",
            ]
        },
    )
    error = fields.String(dump_only=True)


class ReminderDeliverySchema(StrictSchema):
    id = fields.Integer(dump_only=True)
    local_date = fields.Date(dump_only=True)
    kind = fields.String(dump_only=True, metadata={"enum": ["daily", "followup"]})
    status = fields.String(
        dump_only=True,
        metadata={"enum": ["queued", "sent", "failed", "gone", "clicked", "skipped"]},
    )
    attempts = fields.Integer(dump_only=True)
    push_status_code = fields.Integer(dump_only=True, allow_none=True)
    last_error = fields.String(dump_only=True, allow_none=True)
    created_at = AwareDateTime(dump_only=True)
    sent_at = AwareDateTime(dump_only=True, allow_none=True)
    clicked_at = AwareDateTime(
        dump_only=True, allow_none=True, metadata={"description": "When the patient opened it"}
    )
    next_attempt_at = AwareDateTime(dump_only=True, allow_none=True)
    trail = fields.List(fields.Nested(DeliveryAttemptSchema), dump_only=True)


class PushStatusSchema(StrictSchema):
    subscriptions = fields.Integer(dump_only=True, metadata={"description": "Devices subscribed"})
    last_success_at = AwareDateTime(dump_only=True, allow_none=True)


class ReminderTrailSchema(StrictSchema):
    push = fields.Nested(PushStatusSchema, dump_only=True)
    items = fields.List(fields.Nested(ReminderDeliverySchema), dump_only=True)


class ReminderTrailQuerySchema(QuerySchema):
    limit = fields.Integer(
        validate=validate.Range(1, 400),
        load_default=60,
        metadata={"description": "How many reminders, newest first (default 60)"},
    )

"""Schema bases: explicit allow-lists that refuse unknown fields and naive datetimes."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from marshmallow import RAISE, Schema, ValidationError, fields


class StrictSchema(Schema):
    """Unknown fields are refused (mass-assignment guard, OWASP API3)."""

    class Meta:
        unknown = RAISE


class QuerySchema(Schema):
    """Query strings: unknown parameters are refused too, so typos do not pass silently."""

    class Meta:
        unknown = RAISE


# Plausible instants for clinical records; outside them the zone arithmetic could overflow.
EARLIEST = datetime(1900, 1, 1, tzinfo=UTC)
LATEST = datetime(2999, 12, 31, tzinfo=UTC)


class AwareDateTime(fields.AwareDateTime):
    """An ISO 8601 instant that must carry its offset, within 1900-2999; always dumped in UTC."""

    def __init__(self, **kwargs) -> None:
        super().__init__(format="iso", **kwargs)

    def _deserialize(self, value, attr, data, **kwargs) -> datetime:
        instant = super()._deserialize(value, attr, data, **kwargs)
        if not EARLIEST <= instant <= LATEST:
            raise ValidationError("Must be between 1900 and 2999.")
        return instant

    def _serialize(self, value: datetime | None, attr, obj, **kwargs):
        return None if value is None else value.astimezone(UTC).isoformat(timespec="seconds")


class LocalDate(fields.Date):
    """A `YYYY-MM-DD` date within 1900-2999 (date arithmetic near year 1 or 9999 overflows)."""

    def _deserialize(self, value, attr, data, **kwargs):
        day = super()._deserialize(value, attr, data, **kwargs)
        if not EARLIEST.date() <= day <= LATEST.date():
            raise ValidationError("Must be between 1900 and 2999.")
        return day


def validate_timezone(value: str) -> None:
    """An IANA zone name such as America/New_York."""
    if value not in _zones():
        raise ValidationError("Not a known IANA time zone (for example America/New_York).")
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValidationError(
            "Not a known IANA time zone (for example America/New_York)."
        ) from None


_ZONES: set[str] = set()


def _zones() -> set[str]:
    if not _ZONES:
        _ZONES.update(available_timezones())
    return _ZONES


class TimeZone(fields.String):
    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("metadata", {"description": "IANA time zone, e.g. America/New_York"})
        super().__init__(validate=validate_timezone, **kwargs)


class StrictBoolean(fields.Boolean):
    """Only JSON true and false (not "yes", 1 or "on")."""

    truthy = {True}
    falsy = {False}

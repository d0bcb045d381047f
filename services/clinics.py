"""The clinic itself, managed by its admins: its name, phone and zone, and the clinical rules
DESIGN.md §6 makes clinic-configurable (the alert thresholds, the questionnaire interval).

`clinics.settings` keeps only what the clinic changed; every reader (services.alerts,
services.questionnaires, services.roster) lays it over the defaults of clinical/, so a default
changed in a later release reaches every clinic that never set its own.
"""

from dataclasses import asdict, fields, replace
from typing import Any

from sqlalchemy.exc import IntegrityError

from clinical import schedule
from clinical.alerts import DEFAULT_THRESHOLDS, AlertThresholds
from models import Clinic, User, begin_write, db
from services import audit
from services.alerts import thresholds_for
from services.errors import ConflictError, InvalidInput
from services.patients import require_staff
from services.questionnaires import clinic_interval_days
from services.users import require_admin

THRESHOLD_NAMES = tuple(f.name for f in fields(AlertThresholds))


def clinic_view(clinic: Clinic) -> dict[str, Any]:
    """The clinic with its rules as they apply now (the clinic's own over the defaults)."""
    thresholds = asdict(thresholds_for(clinic))
    thresholds["side_effect_severities"] = list(thresholds["side_effect_severities"])
    return {
        "id": clinic.id,
        "name": clinic.name,
        "phone": clinic.phone,
        "timezone": clinic.timezone,
        "questionnaire_interval_days": clinic_interval_days(clinic),
        "alerts": thresholds,
        "defaults": {
            "questionnaire_interval_days": schedule.DEFAULT_INTERVAL_DAYS,
            "alerts": {
                **asdict(DEFAULT_THRESHOLDS),
                "side_effect_severities": list(DEFAULT_THRESHOLDS.side_effect_severities),
            },
        },
    }


def read_clinic(actor: User) -> dict[str, Any]:
    """Any staff member may read their clinic's rules (they explain its alerts)."""
    require_staff(actor)
    return clinic_view(actor.clinic)


def update_clinic(actor: User, changes: dict[str, Any]) -> dict[str, Any]:
    """An admin changes their clinic: any of name, phone, timezone, questionnaire interval and
    alert thresholds (a partial object). The thresholds are checked together, as the rules will
    use them; nothing is stored unless all of it holds. Audited with what changed."""
    require_admin(actor)
    begin_write()
    clinic = db.session.get(Clinic, actor.clinic_id)
    settings = dict(clinic.settings or {})
    changed: list[str] = []
    if "alerts" in changes:
        ours = {**settings.get("alerts", {}), **changes["alerts"]}
        try:
            replace(DEFAULT_THRESHOLDS, **_as_thresholds(ours))
        except ValueError as exc:
            raise InvalidInput({"alerts": [f"{str(exc).capitalize()}."]}) from None
        if ours != settings.get("alerts", {}):
            settings["alerts"] = ours
            changed.append("alerts")
    interval = changes.get("questionnaire_interval_days")
    if interval is not None and interval != settings.get("questionnaire_interval_days"):
        settings["questionnaire_interval_days"] = interval
        changed.append("questionnaire_interval_days")
    if "name" in changes:
        changes = {**changes, "name": changes["name"].strip()}
        if not changes["name"]:
            raise InvalidInput({"name": ["The clinic needs a name."]})
    for name in ("name", "phone", "timezone"):
        if name in changes and changes[name] != getattr(clinic, name):
            setattr(clinic, name, changes[name])
            changed.append(name)
    clinic.settings = settings
    audit.record(
        "clinic.update",
        actor=actor,
        resource=f"clinics/{clinic.id}" + (f":{','.join(changed)}" if changed else ""),
        outcome="ok" if changed else "unchanged",
    )
    try:
        db.session.commit()
    except IntegrityError:  # another clinic took the name first
        db.session.rollback()
        raise ConflictError("Another clinic has this name.") from None
    return clinic_view(clinic)


def _as_thresholds(values: dict[str, Any]) -> dict[str, Any]:
    return {k: tuple(v) if isinstance(v, list) else v for k, v in values.items()}

"""A patient's Web Push subscriptions (one per device), as PushManager.subscribe() gave them."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from flask import current_app
from sqlalchemy import delete, select

from models import PushSubscription, User, begin_write, db, utcnow
from services import audit
from services.errors import InvalidInput
from services.patients import require_patient, resolve_patient
from services.push import check_auth_secret, check_p256dh
from services.reminders.store import insert_for

USER_AGENT_MAX = 300


@dataclass(frozen=True)
class SavedSubscription:
    subscription: PushSubscription
    created: bool


def _host_address(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None


def _is_loopback(host: str) -> bool:
    address = _host_address(host)
    return host == "localhost" or (address is not None and address.is_loopback)


def check_endpoint(endpoint: str, production: bool) -> list[str]:
    """What is wrong with a push endpoint: https only in production (and never a private
    address); plain http only to this machine (the loopback test push service) elsewhere."""
    try:
        parts = urlsplit(endpoint)
        host = (parts.hostname or "").lower()
        parts.port  # noqa: B018 - raises ValueError on a malformed port
    except ValueError:
        return ["Not a URL."]
    if not host or parts.scheme not in ("https", "http"):
        return ["A push endpoint must be an https URL."]
    if parts.scheme == "http":
        if production or not _is_loopback(host):
            return ["A push endpoint must be an https URL."]
        return []
    address = _host_address(host)
    if production and (
        host == "localhost"
        or (address is not None and not address.is_global)
        or host.endswith(".local")
    ):
        return ["A push endpoint must be a public push service."]
    return []


def _validated(endpoint: str, p256dh: str, auth: str) -> None:
    errors: dict[str, list[str] | dict[str, list[str]]] = {}
    production = current_app.config["ENV_NAME"] == "production"
    if problems := check_endpoint(endpoint, production):
        errors["endpoint"] = problems
    keys: dict[str, list[str]] = {}
    if problem := check_p256dh(p256dh):
        keys["p256dh"] = [problem]
    if problem := check_auth_secret(auth):
        keys["auth"] = [problem]
    if keys:
        errors["keys"] = keys
    if errors:
        raise InvalidInput(errors)


def save_subscription(
    actor: User,
    pid: str | int,
    *,
    endpoint: str,
    p256dh: str,
    auth: str,
    user_agent: str | None = None,
    now: datetime | None = None,
) -> SavedSubscription:
    """Store this device's subscription for the patient, or refresh it (same endpoint).

    An endpoint is one browser profile; if another patient had registered it on this device,
    it now belongs to the patient who subscribed last.
    """
    now = now or utcnow()
    require_patient(actor)
    patient = resolve_patient(actor, pid)
    _validated(endpoint, p256dh, auth)
    user_agent = (user_agent or "")[:USER_AGENT_MAX] or None
    begin_write()
    existing = db.session.scalar(
        select(PushSubscription)
        .where(PushSubscription.endpoint == endpoint)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if existing is not None:
        existing.patient_id = patient.id
        existing.p256dh, existing.auth = p256dh, auth
        existing.user_agent = user_agent or existing.user_agent
        existing.failures = 0
        subscription, created = existing, False
    else:
        table = PushSubscription.__table__
        statement = insert_for(table).values(
            patient_id=patient.id,
            endpoint=endpoint,
            p256dh=p256dh,
            auth=auth,
            user_agent=user_agent,
            created_at=now,
            failures=0,
        )
        statement = statement.on_conflict_do_update(
            index_elements=["endpoint"],
            set_={
                "patient_id": statement.excluded.patient_id,
                "p256dh": statement.excluded.p256dh,
                "auth": statement.excluded.auth,
                "failures": 0,
            },
        ).returning(table.c.id)
        subscription = db.session.get(PushSubscription, db.session.scalar(statement))
        created = True
    audit.record(
        "push_subscription.create" if created else "push_subscription.update",
        actor=actor,
        patient_id=patient.id,
        resource=f"push-subscriptions/{subscription.id}",
    )
    db.session.commit()
    return SavedSubscription(subscription, created)


def delete_subscription(actor: User, pid: str | int, endpoint: str) -> None:
    """Forget this device's subscription (the patient turned reminders off on it)."""
    require_patient(actor)
    patient = resolve_patient(actor, pid)
    begin_write()
    removed = db.session.execute(
        delete(PushSubscription).where(
            PushSubscription.patient_id == patient.id, PushSubscription.endpoint == endpoint
        )
    ).rowcount
    if removed:
        audit.record(
            "push_subscription.delete",
            actor=actor,
            patient_id=patient.id,
            resource=f"patients/{patient.id}/push-subscriptions",
        )
    db.session.commit()

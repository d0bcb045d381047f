"""Reminders over HTTP: the public key, push subscriptions, settings, the delivery trail; access
rules; bad input answers 422 naming the field and writes nothing."""

import base64
import os
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from sqlalchemy import func, select

from models import AuditEvent, Patient, PushSubscription, ReminderDelivery, ReminderSettings, db
from services import reminders
from tests import pushservice

push_service = pushservice.push_service

SETTINGS = "/api/v1/patients/{pid}/reminder-settings"
SUBSCRIPTIONS = "/api/v1/patients/{pid}/push-subscriptions"
TRAIL = "/api/v1/patients/{pid}/reminders"


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def device(origin: str = "https://fcm.googleapis.com") -> dict:
    """A browser's PushSubscription.toJSON()."""
    key = ec.generate_private_key(ec.SECP256R1()).public_key()
    point = key.public_numbers()
    raw = b"\x04" + point.x.to_bytes(32, "big") + point.y.to_bytes(32, "big")
    b64 = lambda b: base64.urlsafe_b64encode(b).rstrip(b"=").decode()  # noqa: E731
    return {
        "endpoint": f"{origin}/fcm/send/{b64(os.urandom(24))}",
        "keys": {"p256dh": b64(raw), "auth": b64(os.urandom(16))},
        "expirationTime": None,
    }


def test_public_key_is_an_uncompressed_p256_point(client, world):
    answer = client.get("/api/v1/push/public-key", headers=world.patient_actor.headers)
    assert answer.status_code == 200
    raw = base64.urlsafe_b64decode(answer.json["public_key"] + "==")
    assert len(raw) == 65 and raw[0] == 4
    staff = client.get("/api/v1/push/public-key", headers=world.clinician.headers)
    assert staff.json == answer.json
    assert client.get("/api/v1/push/public-key").status_code == 401


def test_public_key_without_keys_in_production_is_503(make_app, world):
    app = make_app(ENV_NAME="production", VAPID_SUBJECT="mailto:ops@clinic.example")
    answer = app.test_client().get("/api/v1/push/public-key", headers=world.patient_actor.headers)
    assert answer.status_code == 503
    assert answer.content_type == "application/problem+json"


def test_patient_subscribes_a_device_then_refreshes_then_removes_it(client, world):
    headers = {**world.patient_actor.headers, "User-Agent": "Mozilla/5.0 (iPhone) Safari"}
    body = device()

    created = client.post(SUBSCRIPTIONS.format(pid="me"), headers=headers, json=body)
    again = client.post(SUBSCRIPTIONS.format(pid="me"), headers=headers, json=body)

    assert created.status_code == 201
    assert again.status_code == 200 and again.json["id"] == created.json["id"]
    assert set(created.json) == {"id", "user_agent", "created_at", "last_success_at"}
    assert created.json["user_agent"] == "Mozilla/5.0 (iPhone) Safari"
    assert count(PushSubscription) == 1
    removed = client.delete(
        SUBSCRIPTIONS.format(pid="me"), headers=headers, json={"endpoint": body["endpoint"]}
    )
    assert removed.status_code == 204 and count(PushSubscription) == 0
    again = client.delete(
        SUBSCRIPTIONS.format(pid="me"), headers=headers, json={"endpoint": body["endpoint"]}
    )
    assert again.status_code == 204
    actions = db.session.scalars(
        select(AuditEvent.action).where(AuditEvent.action.like("push_subscription.%"))
    ).all()
    assert sorted(actions) == [
        "push_subscription.create",
        "push_subscription.delete",
        "push_subscription.update",
    ]


def test_a_device_is_removed_with_the_whole_subscription_json_too(client, world):
    """DESIGN.md: DELETE takes the Push API subscription JSON, as the browser gives it."""
    body = device()
    client.post(SUBSCRIPTIONS.format(pid="me"), headers=world.patient_actor.headers, json=body)
    removed = client.delete(
        SUBSCRIPTIONS.format(pid="me"), headers=world.patient_actor.headers, json=body
    )
    assert removed.status_code == 204 and count(PushSubscription) == 0
    stray = client.delete(
        SUBSCRIPTIONS.format(pid="me"),
        headers=world.patient_actor.headers,
        json={**body, "user": "x"},
    )
    assert stray.status_code == 422 and set(stray.json["errors"]) == {"user"}


def test_a_device_moves_to_the_patient_who_subscribed_last(client, world):
    body = device()
    client.post(SUBSCRIPTIONS.format(pid="me"), headers=world.patient_actor.headers, json=body)
    moved = client.post(
        SUBSCRIPTIONS.format(pid="me"), headers=world.other_patient_actor.headers, json=body
    )
    assert moved.status_code == 200
    assert db.session.scalar(select(PushSubscription.patient_id)) == world.other_patient.id
    # The first patient can no longer remove it.
    client.delete(
        SUBSCRIPTIONS.format(pid="me"),
        headers=world.patient_actor.headers,
        json={"endpoint": body["endpoint"]},
    )
    assert count(PushSubscription) == 1


def test_only_the_patient_subscribes_and_only_for_themself(client, world):
    staff = client.post(
        SUBSCRIPTIONS.format(pid=world.patient.id), headers=world.clinician.headers, json=device()
    )
    other = client.post(
        SUBSCRIPTIONS.format(pid=world.other_patient.id),
        headers=world.patient_actor.headers,
        json=device(),
    )
    assert staff.status_code == 403
    assert other.status_code == 404
    assert count(PushSubscription) == 0


def _bad_device(**changes) -> dict:
    body = device()
    for path, value in changes.items():
        if path.startswith("keys."):
            body["keys"][path[5:]] = value
        else:
            body[path] = value
    return body


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (_bad_device(endpoint="not a url"), "endpoint"),
        (_bad_device(endpoint="ftp://push.example.com/x"), "endpoint"),
        (_bad_device(endpoint="http://push.example.com/x"), "endpoint"),
        (_bad_device(endpoint="https:///nohost"), "endpoint"),
        (_bad_device(endpoint=12), "endpoint"),
        (_bad_device(**{"keys.p256dh": "AAAA"}), "keys"),
        (_bad_device(**{"keys.p256dh": "not base64 at all!"}), "keys"),
        (_bad_device(**{"keys.auth": "c2hvcnQ"}), "keys"),
        (_bad_device(keys={"p256dh": device()["keys"]["p256dh"]}), "keys"),
        (_bad_device(keys=None), "keys"),
        (_bad_device(expirationTime="soon"), "expirationTime"),
        ({"keys": device()["keys"]}, "endpoint"),
        ({**device(), "patient_id": 3}, "patient_id"),
    ],
)
def test_a_malformed_subscription_is_422_and_nothing_is_written(client, world, body, field):
    answer = client.post(
        SUBSCRIPTIONS.format(pid="me"), headers=world.patient_actor.headers, json=body
    )
    assert answer.status_code == 422, answer.json
    assert field in answer.json["errors"]
    assert count(PushSubscription) == 0


def test_bad_keys_name_the_key(client, world):
    answer = client.post(
        SUBSCRIPTIONS.format(pid="me"),
        headers=world.patient_actor.headers,
        json=_bad_device(**{"keys.p256dh": "AAAA", "keys.auth": "AAAA"}),
    )
    assert set(answer.json["errors"]["keys"]) == {"p256dh", "auth"}


def test_loopback_http_is_accepted_in_testing_and_refused_in_production(client, world, make_app):
    body = device(origin="http://127.0.0.1:8089")
    production = make_app(ENV_NAME="production").test_client()

    refused = production.post(
        SUBSCRIPTIONS.format(pid="me"), headers=world.patient_actor.headers, json=body
    )
    assert refused.status_code == 422 and "endpoint" in refused.json["errors"]
    assert count(PushSubscription) == 0
    accepted = client.post(
        SUBSCRIPTIONS.format(pid="me"), headers=world.patient_actor.headers, json=body
    )
    assert accepted.status_code == 201


@pytest.mark.parametrize(
    "origin",
    ["https://10.0.0.5", "https://localhost:8443", "https://[::1]", "https://printer.local"],
)
def test_production_refuses_push_endpoints_on_private_addresses(world, make_app, origin):
    production = make_app(ENV_NAME="production").test_client()
    answer = production.post(
        SUBSCRIPTIONS.format(pid="me"), headers=world.patient_actor.headers, json=device(origin)
    )
    assert answer.status_code == 422 and "endpoint" in answer.json["errors"]
    assert count(PushSubscription) == 0


# -- settings -------------------------------------------------------------------------------


def test_settings_default_to_off_at_19_every_day_in_the_patients_zone(client, world):
    answer = client.get(SETTINGS.format(pid="me"), headers=world.other_patient_actor.headers)
    assert answer.status_code == 200
    assert answer.json == {
        "enabled": False,
        "local_time": "19:00",
        "timezone": "Europe/Berlin",
        "weekdays": [0, 1, 2, 3, 4, 5, 6],
        "next_reminder_at": None,
    }
    assert count(ReminderSettings) == 0


def test_patient_sets_reminders_and_the_zone_becomes_theirs(client, world):
    answer = client.put(
        SETTINGS.format(pid="me"),
        headers=world.patient_actor.headers,
        json={
            "enabled": True,
            "local_time": "08:30",
            "timezone": "Australia/Sydney",
            "weekdays": [4, 0, 2],
        },
    )
    assert answer.status_code == 200
    assert answer.json["weekdays"] == [0, 2, 4]
    assert answer.json["timezone"] == "Australia/Sydney"
    upcoming = datetime.fromisoformat(answer.json["next_reminder_at"]).astimezone(
        ZoneInfo("Australia/Sydney")
    )
    assert upcoming.strftime("%H:%M") == "08:30" and upcoming.weekday() in (0, 2, 4)
    assert upcoming - datetime.now(UTC) <= timedelta(days=7)
    assert db.session.get(Patient, world.patient.id).timezone == "Australia/Sydney"
    stored = db.session.get(ReminderSettings, world.patient.id)
    assert stored.next_due_at == upcoming.astimezone(UTC)
    assert client.get(SETTINGS.format(pid="me"), headers=world.patient_actor.headers).json == (
        answer.json
    )


def test_staff_of_the_clinic_may_read_and_set_reminders_and_it_is_audited(client, world):
    url = SETTINGS.format(pid=world.patient.id)
    put = client.put(
        url, headers=world.clinician.headers, json={"enabled": True, "local_time": "20:15"}
    )
    got = client.get(url, headers=world.clinician.headers)

    assert put.status_code == 200 and got.json["local_time"] == "20:15"
    assert got.json["weekdays"] == [0, 1, 2, 3, 4, 5, 6]
    events = db.session.execute(
        select(AuditEvent.action, AuditEvent.actor_id, AuditEvent.patient_id).where(
            AuditEvent.actor_id == world.clinician.user.id
        )
    ).all()
    assert ("reminder_settings.update", world.clinician.user.id, world.patient.id) in events
    assert ("read", world.clinician.user.id, world.patient.id) in events


def test_another_clinic_or_patient_gets_404(client, world):
    url = SETTINGS.format(pid=world.patient.id)
    body = {"enabled": True, "local_time": "20:00"}
    assert client.get(url, headers=world.other_clinician.headers).status_code == 404
    assert client.put(url, headers=world.other_clinician.headers, json=body).status_code == 404
    assert client.get(url, headers=world.other_patient_actor.headers).status_code == 404
    assert client.put(url, headers=world.other_patient_actor.headers, json=body).status_code == 404
    assert count(ReminderSettings) == 0


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"enabled": True, "local_time": "25:00"}, "local_time"),
        ({"enabled": True, "local_time": "7:00"}, "local_time"),
        ({"enabled": True, "local_time": "19:00:00"}, "local_time"),
        ({"enabled": True, "local_time": "19:00", "timezone": "Mars/Olympus_Mons"}, "timezone"),
        ({"enabled": True, "local_time": "19:00", "timezone": "EST5EDT "}, "timezone"),
        ({"enabled": True, "local_time": "19:00", "weekdays": []}, "weekdays"),
        ({"enabled": True, "local_time": "19:00", "weekdays": [7]}, "weekdays"),
        ({"enabled": True, "local_time": "19:00", "weekdays": [1, 1]}, "weekdays"),
        ({"enabled": True, "local_time": "19:00", "weekdays": ["1"]}, "weekdays"),
        ({"enabled": "yes", "local_time": "19:00"}, "enabled"),
        ({"local_time": "19:00"}, "enabled"),
        ({"enabled": True}, "local_time"),
        ({"enabled": True, "local_time": "19:00", "next_due_at": "2026-01-01"}, "next_due_at"),
    ],
)
def test_bad_settings_are_422_naming_the_field_and_nothing_is_written(client, world, body, field):
    answer = client.put(SETTINGS.format(pid="me"), headers=world.patient_actor.headers, json=body)
    assert answer.status_code == 422
    assert field in answer.json["errors"]
    assert count(ReminderSettings) == 0
    assert db.session.get(Patient, world.patient.id).timezone == "America/New_York"


def test_reminders_may_be_turned_off_with_no_days(client, world):
    answer = client.put(
        SETTINGS.format(pid="me"),
        headers=world.patient_actor.headers,
        json={"enabled": False, "local_time": "19:00", "weekdays": []},
    )
    assert answer.status_code == 200 and answer.json["next_reminder_at"] is None


# -- the delivery trail ---------------------------------------------------------------------


def test_clinician_reads_the_delivery_trail_newest_first(client, world, push_service):
    actor = world.patient_actor.user
    set_at = datetime(2026, 6, 9, 12, tzinfo=ZoneInfo("America/New_York"))
    reminders.update_settings(actor, "me", enabled=True, local_time="19:00", now=set_at)
    sub = push_service.subscribe()
    reminders.save_subscription(
        actor,
        "me",
        endpoint=sub["endpoint"],
        p256dh=sub["keys"]["p256dh"],
        auth=sub["keys"]["auth"],
    )
    push_service.answer(sub["endpoint"], 429)
    first = datetime(2026, 6, 9, 19, tzinfo=ZoneInfo("America/New_York"))
    for now in (first, first + timedelta(minutes=1), first + timedelta(days=1)):
        reminders.run_tick(now)

    answer = client.get(TRAIL.format(pid=world.patient.id), headers=world.clinician.headers)

    assert answer.status_code == 200
    assert answer.json["push"]["subscriptions"] == 1
    assert answer.json["push"]["last_success_at"] == (first + timedelta(days=1)).astimezone(
        UTC
    ).isoformat(timespec="seconds")
    newest, oldest = answer.json["items"]
    assert (newest["local_date"], newest["kind"], newest["status"]) == (
        "2026-06-10",
        "daily",
        "sent",
    )
    assert (oldest["local_date"], oldest["status"], oldest["attempts"]) == ("2026-06-09", "sent", 2)
    assert oldest["push_status_code"] == 201
    assert [(t["attempt"], t["status_code"], t["outcome"]) for t in oldest["trail"]] == [
        (1, 429, "retry"),
        (2, 201, "sent"),
    ]
    assert oldest["sent_at"] == (first + timedelta(minutes=1)).astimezone(UTC).isoformat(
        timespec="seconds"
    )
    limited = client.get(
        TRAIL.format(pid=world.patient.id) + "?limit=1", headers=world.clinician.headers
    )
    assert [i["local_date"] for i in limited.json["items"]] == ["2026-06-10"]
    assert (
        db.session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(
                AuditEvent.action == "read",
                AuditEvent.resource == f"patients/{world.patient.id}/reminders",
            )
        )
        == 2
    )


def test_the_trail_is_for_clinic_staff(client, world):
    assert (
        client.get(TRAIL.format(pid="me"), headers=world.patient_actor.headers).status_code == 403
    )
    assert (
        client.get(TRAIL.format(pid=world.patient.id), headers=world.other_clinician.headers)
    ).status_code == 404
    bad = client.get(TRAIL.format(pid=world.patient.id) + "?limit=0", headers=world.admin.headers)
    assert bad.status_code == 422 and "limit" in bad.json["errors"]


def test_swagger_documents_the_reminder_routes(client):
    spec = client.get("/api/v1/swagger.json").json
    for path in (
        "/push/public-key",
        "/patients/{pid}/push-subscriptions",
        "/patients/{pid}/reminder-settings",
        "/patients/{pid}/reminders",
    ):
        assert path in spec["paths"], path
    assert "ReminderSettingsUpdate" in spec["definitions"]
    assert "DeliveryAttempt" in spec["definitions"]


def _delivery(patient_id: int, status: str, days_back: int = 0) -> ReminderDelivery:
    row = ReminderDelivery(
        patient_id=patient_id,
        local_date=datetime.now(UTC).date() - timedelta(days=days_back),
        kind="daily",
        status=status,
        attempts=1,
    )
    db.session.add(row)
    db.session.commit()
    return row


def test_opening_the_app_from_a_reminder_marks_it_clicked_once(client, world):
    sent = _delivery(world.patient.id, "sent")
    failed = _delivery(world.patient.id, "failed", days_back=1)
    path = f"/api/v1/patients/me/reminders/{sent.id}/clicked"

    assert client.post(path, headers=world.patient_actor.headers).status_code == 204
    assert client.post(path, headers=world.patient_actor.headers).status_code == 204  # again

    trail = client.get(
        f"/api/v1/patients/{world.patient.id}/reminders", headers=world.clinician.headers
    ).json
    by_id = {r["id"]: r for r in trail["items"]}
    assert by_id[sent.id]["status"] == "clicked"
    assert by_id[sent.id]["clicked_at"] is not None
    assert [a["outcome"] for a in by_id[sent.id]["trail"]] == ["clicked"]
    failed_path = f"/api/v1/patients/me/reminders/{failed.id}/clicked"
    assert client.post(failed_path, headers=world.patient_actor.headers).status_code == 204
    assert db.session.get(ReminderDelivery, failed.id).status == "failed"  # not a delivery
    clicks = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "reminder.clicked")
    ).all()
    assert [e.resource for e in clicks] == [f"reminders/{sent.id}"]


def test_another_patients_reminder_cannot_be_marked(client, world):
    theirs = _delivery(world.other_patient.id, "sent")
    path = f"/api/v1/patients/me/reminders/{theirs.id}/clicked"
    assert client.post(path, headers=world.patient_actor.headers).status_code == 404
    staff = f"/api/v1/patients/{world.other_patient.id}/reminders/{theirs.id}/clicked"
    assert client.post(staff, headers=world.clinician.headers).status_code == 403
    assert db.session.get(ReminderDelivery, theirs.id).status == "sent"

"""The alert inbox over HTTP: raised with the answer, acknowledged and resolved with a note,
audited; one open alert per patient and kind; the clinic's alerts only."""

import uuid
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from models import Alert, AuditEvent, db

RESPONSES = "/api/v1/patients/me/questionnaire-responses"
ITEM9 = [1, 1, 1, 0, 0, 0, 0, 0, 1]


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def phq9(client, actor, answers=ITEM9):
    body = {"submit_id": str(uuid.uuid4()), "instrument": "phq9", "answers": answers}
    response = client.post(RESPONSES, headers=actor.headers, json=body)
    assert response.status_code == 201, response.json
    return response.json


def checkin(client, actor, zone="America/New_York", **fields):
    body = {
        "submit_id": str(uuid.uuid4()),
        "local_date": datetime.now(UTC).astimezone(ZoneInfo(zone)).date().isoformat(),
        "mood": 5,
        "anxiety": 5,
        "pain": 2,
        **fields,
    }
    response = client.post("/api/v1/patients/me/checkins", headers=actor.headers, json=body)
    assert response.status_code == 201, response.json
    return response.json


def inbox(client, actor, query=""):
    response = client.get(f"/api/v1/alerts{query}", headers=actor.headers)
    assert response.status_code == 200, response.json
    return response.json["items"]


def audit_actions(alert_id) -> list[str]:
    return list(
        db.session.scalars(
            select(AuditEvent.action)
            .where(AuditEvent.resource == f"alerts/{alert_id}")
            .order_by(AuditEvent.id)
        )
    )


def test_the_trail_names_who_handled_an_alert_by_their_display_name(client, world, make_staff):
    named = make_staff(world.clinic, display_name="  Dr. Ana Ruiz ")
    phq9(client, world.patient_actor)
    [alert] = inbox(client, named)
    path = f"/api/v1/alerts/{alert['id']}"

    client.post(f"{path}/acknowledge", headers=named.headers)
    resolved = client.post(f"{path}/resolve", headers=world.admin.headers, json={"note": "Called."})

    body = resolved.json
    assert (body["acknowledged_by_name"], body["acknowledged_by_email"]) == (
        "Dr. Ana Ruiz",
        named.user.email,
    )
    # A colleague created without a name: null, and the app shows their email.
    assert (body["resolved_by_name"], body["resolved_by_email"]) == (None, world.admin.user.email)
    [listed] = inbox(client, world.clinician, "?status=resolved")
    assert listed["acknowledged_by_name"] == "Dr. Ana Ruiz"
    staff = client.get("/api/v1/users", headers=world.admin.headers).json["items"]
    assert {s["email"]: s["display_name"] for s in staff}[named.user.email] == "Dr. Ana Ruiz"


def test_item9_alert_is_acknowledged_then_resolved_with_a_note(client, world):
    response = phq9(client, world.patient_actor)
    [alert] = inbox(client, world.clinician, "?status=open")
    assert (alert["kind"], alert["severity"]) == ("urgent", "urgent")
    assert alert["source_id"] == response["id"]
    assert "Same-day follow-up" in alert["summary"]
    path = f"/api/v1/alerts/{alert['id']}"

    acknowledged = client.post(f"{path}/acknowledge", headers=world.clinician.headers, json={})

    assert acknowledged.status_code == 200
    assert acknowledged.json["status"] == "acknowledged"
    assert acknowledged.json["acknowledged_by_id"] == world.clinician.user.id
    assert acknowledged.json["acknowledged_at"] is not None
    assert inbox(client, world.clinician, "?status=open") == []
    assert [a["id"] for a in inbox(client, world.clinician, "?status=active")] == [alert["id"]]
    assert audit_actions(alert["id"]) == ["alert.acknowledge"]

    resolved = client.post(
        f"{path}/resolve",
        headers=world.admin.headers,
        json={"note": "  Called the patient; C-SSRS low risk; safety plan reviewed.  "},
    )

    assert resolved.status_code == 200
    body = resolved.json
    assert body["status"] == "resolved"
    assert body["resolved_by_id"] == world.admin.user.id
    assert body["resolution_note"] == "Called the patient; C-SSRS low risk; safety plan reviewed."
    assert body["acknowledged_by_id"] == world.clinician.user.id  # kept from the acknowledgement
    # Who handled it, by the email the clinic knows them by (the inbox and the answer agree).
    assert body["resolved_by_email"] == world.admin.user.email
    assert body["acknowledged_by_email"] == world.clinician.user.email
    assert inbox(client, world.clinician, "?status=active") == []
    [listed] = inbox(client, world.clinician, "?status=resolved")
    assert listed["id"] == alert["id"]
    assert (listed["acknowledged_by_email"], listed["resolved_by_email"]) == (
        world.clinician.user.email,
        world.admin.user.email,
    )
    assert audit_actions(alert["id"]) == ["alert.acknowledge", "alert.resolve"]
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.resource == f"alerts/{alert['id']}")
    ).all()
    assert {e.patient_id for e in events} == {world.patient.id}
    assert all("C-SSRS" not in (e.resource or "") for e in events)  # no note in the audit trail


def test_acknowledge_accepts_no_body_and_is_idempotent(client, world):
    phq9(client, world.patient_actor)
    [alert] = inbox(client, world.clinician)
    path = f"/api/v1/alerts/{alert['id']}/acknowledge"

    first = client.post(path, headers=world.clinician.headers)
    again = client.post(path, headers=world.admin.headers, json={})

    assert first.status_code == again.status_code == 200
    assert again.json["acknowledged_by_id"] == world.clinician.user.id
    # The repeat changes nothing but showed the alert to the admin: audited as unchanged.
    assert audit_actions(alert["id"]) == ["alert.acknowledge", "alert.acknowledge"]
    outcomes = db.session.scalars(
        select(AuditEvent.outcome)
        .where(AuditEvent.resource == f"alerts/{alert['id']}")
        .order_by(AuditEvent.id)
    ).all()
    assert outcomes == ["ok", "unchanged"]


def test_an_acknowledgement_keeps_its_note_and_a_late_note_is_refused_not_lost(client, world):
    phq9(client, world.patient_actor)
    [alert] = inbox(client, world.clinician)
    path = f"/api/v1/alerts/{alert['id']}/acknowledge"

    too_long = client.post(path, headers=world.clinician.headers, json={"note": "x" * 2001})
    first = client.post(
        path, headers=world.clinician.headers, json={"note": "  Will call at noon "}
    )
    late = client.post(path, headers=world.admin.headers, json={"note": "I will call too"})

    assert too_long.status_code == 422 and list(too_long.json["errors"]) == ["note"]
    assert first.status_code == 200
    assert first.json["acknowledgment_note"] == "Will call at noon"
    assert first.json["resolution_note"] is None
    assert late.status_code == 409
    assert "I will call too" not in late.get_data(as_text=True)
    db.session.expire_all()
    stored = db.session.get(Alert, alert["id"])
    assert (stored.status, stored.acknowledgment_note) == ("acknowledged", "Will call at noon")
    assert stored.acknowledged_by_id == world.clinician.user.id
    listed = inbox(client, world.admin)
    assert [a["acknowledgment_note"] for a in listed] == ["Will call at noon"]


@pytest.mark.parametrize(
    "body", [{}, {"note": ""}, {"note": "   "}, {"note": None}, {"note": "x" * 2001}]
)
def test_resolution_without_a_note_is_refused_and_changes_nothing(client, world, body):
    phq9(client, world.patient_actor)
    [alert] = inbox(client, world.clinician)

    response = client.post(
        f"/api/v1/alerts/{alert['id']}/resolve", headers=world.clinician.headers, json=body
    )

    assert response.status_code == 422
    assert response.content_type == "application/problem+json"
    assert list(response.json["errors"]) == ["note"]
    db.session.expire_all()
    stored = db.session.get(Alert, alert["id"])
    assert (stored.status, stored.open_kind, stored.resolved_at) == ("open", "urgent", None)
    assert stored.acknowledged_at is None
    assert audit_actions(alert["id"]) == []


def test_a_resolved_alert_cannot_be_acknowledged_or_resolved_again(client, world):
    phq9(client, world.patient_actor)
    [alert] = inbox(client, world.clinician)
    path = f"/api/v1/alerts/{alert['id']}"
    client.post(f"{path}/resolve", headers=world.clinician.headers, json={"note": "Seen today."})

    again = client.post(f"{path}/resolve", headers=world.clinician.headers, json={"note": "Twice"})
    late_ack = client.post(f"{path}/acknowledge", headers=world.clinician.headers, json={})

    assert again.status_code == late_ack.status_code == 409
    assert db.session.get(Alert, alert["id"]).resolution_note == "Seen today."
    assert audit_actions(alert["id"]) == ["alert.resolve"]


def test_one_open_alert_per_patient_and_kind(client, world):
    first = phq9(client, world.patient_actor)
    phq9(client, world.patient_actor, [1, 1, 0, 0, 0, 0, 0, 0, 2])  # same total, item 9 worse
    [alert] = inbox(client, world.clinician)
    assert alert["source_id"] == first["id"]  # the first answer's alert stays, with its evidence
    assert count(Alert) == 1

    # Acknowledged is still open for this purpose.
    client.post(f"/api/v1/alerts/{alert['id']}/acknowledge", headers=world.clinician.headers)
    phq9(client, world.patient_actor)
    assert count(Alert) == 1

    client.post(
        f"/api/v1/alerts/{alert['id']}/resolve",
        headers=world.clinician.headers,
        json={"note": "Safety plan in place."},
    )
    third = phq9(client, world.patient_actor)

    active = inbox(client, world.clinician, "?status=active")
    assert [(a["kind"], a["source_id"]) for a in active] == [("urgent", third["id"])]
    assert count(Alert) == 2


def test_each_patient_and_each_kind_has_its_own_alert(client, world):
    phq9(client, world.patient_actor)
    phq9(client, world.other_patient_actor)
    checkin(
        client,
        world.patient_actor,
        side_effects=[{"name": "bladder_pain", "severity": "severe"}],
        self_harm_thoughts=True,
    )

    alerts = inbox(client, world.clinician)

    kinds = sorted((a["patient_id"], a["kind"]) for a in alerts)
    assert kinds == sorted(
        [
            (world.patient.id, "urgent"),
            (world.patient.id, "side_effect"),
            (world.other_patient.id, "urgent"),
        ]
    )
    assert [a["severity"] for a in alerts][:2] == ["urgent", "urgent"]  # most pressing first
    side_effect = next(a for a in alerts if a["kind"] == "side_effect")
    assert side_effect["evidence"]["side_effects"] == [
        {"name": "bladder_pain", "severity": "severe"}
    ]
    assert side_effect["source_type"] == "checkin"
    mine = inbox(client, world.clinician, f"?patient_id={world.other_patient.id}")
    assert [(a["patient_id"], a["kind"]) for a in mine] == [(world.other_patient.id, "urgent")]


def test_self_harm_on_a_check_in_raises_an_urgent_alert(client, world):
    body = checkin(client, world.patient_actor, self_harm_thoughts=True, note="PRIVATE-NOTE")
    [alert] = inbox(client, world.clinician)
    assert (alert["kind"], alert["source_type"]) == ("urgent", "checkin")
    assert alert["source_id"] is not None
    assert alert["evidence"] == {"self_harm_thoughts": True}
    assert "PRIVATE-NOTE" not in str(alert)
    assert body["crisis_resources"]


def test_worsening_is_raised_against_the_previous_response(client, world):
    phq9(client, world.patient_actor, [1, 1, 1, 1, 0, 0, 0, 0, 0])  # 4
    phq9(client, world.patient_actor, [2, 2, 1, 1, 1, 1, 1, 0, 0])  # 9: up 5
    [alert] = inbox(client, world.clinician)
    assert (alert["kind"], alert["severity"]) == ("worsening", "high")
    assert alert["evidence"]["total"] == 9 and alert["evidence"]["previous_total"] == 4
    assert alert["evidence"]["rules"] == ["rise"]


def test_the_inbox_is_the_clinics_own(client, world):
    phq9(client, world.patient_actor)
    [alert] = inbox(client, world.clinician)
    path = f"/api/v1/alerts/{alert['id']}"

    assert inbox(client, world.other_clinician) == []
    for response in (
        client.post(f"{path}/acknowledge", headers=world.other_clinician.headers, json={}),
        client.post(f"{path}/resolve", headers=world.other_clinician.headers, json={"note": "x"}),
        client.post("/api/v1/alerts/999999/acknowledge", headers=world.clinician.headers),
        client.get(
            f"/api/v1/alerts?patient_id={world.patient.id}", headers=world.other_clinician.headers
        ),
        client.get("/api/v1/alerts?patient_id=999999", headers=world.clinician.headers),
    ):
        assert response.status_code == 404, response.json
        assert "items" not in response.json
    db.session.expire_all()
    stored = db.session.get(Alert, alert["id"])
    assert (stored.status, stored.acknowledged_at, stored.resolution_note) == ("open", None, None)
    assert audit_actions(alert["id"]) == []


def test_patients_have_no_inbox(client, world):
    phq9(client, world.patient_actor)
    alert_id = db.session.scalars(select(Alert.id)).one()
    headers = world.patient_actor.headers
    assert client.get("/api/v1/alerts", headers=headers).status_code == 403
    assert client.post(f"/api/v1/alerts/{alert_id}/acknowledge", headers=headers).status_code == 403
    resolve = client.post(f"/api/v1/alerts/{alert_id}/resolve", headers=headers, json={"note": "x"})
    assert resolve.status_code == 403
    assert db.session.get(Alert, alert_id).status == "open"
    assert client.get("/api/v1/alerts").status_code == 401


@pytest.mark.parametrize("query", ["?status=closed", "?patient_id=abc", "?colour=red"])
def test_bad_queries_are_refused(client, world, query):
    response = client.get(f"/api/v1/alerts{query}", headers=world.clinician.headers)
    assert response.status_code == 422


def test_reading_the_inbox_is_audited(client, world):
    inbox(client, world.clinician)
    inbox(client, world.clinician, f"?patient_id={world.patient.id}")
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "alerts.read")).all()
    assert [e.patient_id for e in events] == [None, world.patient.id]

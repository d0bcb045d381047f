"""PHQ-9 and GAD-7 over HTTP: definitions, scoring and bands, safety, replays, the schedule,
clinicians' requests, bad input and isolation. Exhaustive scoring lives in tests/clinical."""

import uuid
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from clinical.instruments import COPYRIGHT
from models import Alert, AuditEvent, QuestionnaireRequest, QuestionnaireResponse, db
from services import questionnaires as questionnaire_service

RESPONSES = "/api/v1/patients/me/questionnaire-responses"


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def answers_for(instrument: str, total: int) -> list[int]:
    """A vector with the given total, item 9 of the PHQ-9 kept at 0."""
    n = 9 if instrument == "phq9" else 7
    scored = n - 1 if instrument == "phq9" else n
    values = [0] * n
    for i in range(total):
        values[i % scored] += 1
    return values


def submission(instrument: str = "phq9", answers: list[int] | None = None, **overrides) -> dict:
    body = {
        "submit_id": str(uuid.uuid4()),
        "instrument": instrument,
        "answers": answers if answers is not None else answers_for(instrument, 10),
    }
    body.update(overrides)
    return body


def backdate_enrolment(patient, days: int) -> datetime:
    """Move the patient's enrolment (and record) `days` local days into the past, at noon in
    their zone; answers that instant in the zone, so adding days to it keeps local noon across
    a daylight-saving change (24-hour steps from a UTC instant near midnight would not)."""
    zone = ZoneInfo(patient.timezone)
    day = datetime.now(zone).date() - timedelta(days=days)
    enrolled_at = datetime.combine(day, time(12), zone)
    patient.enrolled_at = enrolled_at
    patient.created_at = enrolled_at - timedelta(hours=1)
    db.session.commit()
    return enrolled_at


# --- definitions ---------------------------------------------------------------------------


def test_instruments_are_served_verbatim_with_codes_and_copyright(client, world):
    response = client.get("/api/v1/instruments", headers=world.patient_actor.headers)

    assert response.status_code == 200
    by_code = {i["code"]: i for i in response.json["items"]}
    assert set(by_code) == {"phq9", "gad7"}
    phq9, gad7 = by_code["phq9"], by_code["gad7"]
    assert len(phq9["items"]) == 9 and len(gad7["items"]) == 7
    assert phq9["items"][8]["loinc"] == "44260-8"
    assert phq9["items"][8]["text"].startswith("Thoughts that you would be better off dead")
    assert phq9["panel_loinc"] == "44249-1" and phq9["total_loinc"] == "44261-6"
    assert gad7["panel_loinc"] == "69737-5" and gad7["total_loinc"] == "70274-6"
    assert [(o["value"], o["loinc"]) for o in phq9["options"]] == [
        (0, "LA6568-5"),
        (1, "LA6569-3"),
        (2, "LA6570-1"),
        (3, "LA6571-9"),
    ]
    assert phq9["copyright"] == gad7["copyright"] == COPYRIGHT
    assert [b["code"] for b in phq9["bands"]][-1] == "severe"
    assert phq9["stem"].startswith("Over the last 2 weeks")
    assert phq9["difficulty_item"]["loinc"] == "69722-7"
    assert phq9["difficulty_item"]["text"].startswith("If you checked off any problems")
    assert [o["text"] for o in phq9["difficulty_item"]["options"]][-1] == "Extremely difficult"
    assert gad7["difficulty_item"] is None
    assert client.get("/api/v1/instruments").status_code == 401


# --- scoring over HTTP -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("instrument", "answers", "total", "severity"),
    [
        ("phq9", [0, 0, 0, 0, 0, 0, 0, 0, 0], 0, "minimal"),
        ("phq9", [1, 1, 1, 1, 0, 0, 0, 0, 0], 4, "minimal"),
        ("phq9", [1, 1, 1, 1, 1, 0, 0, 0, 0], 5, "mild"),
        ("phq9", [2, 2, 2, 2, 1, 0, 0, 0, 0], 9, "mild"),
        ("phq9", [2, 2, 2, 2, 2, 0, 0, 0, 0], 10, "moderate"),
        ("phq9", [3, 3, 3, 3, 2, 0, 0, 0, 0], 14, "moderate"),
        ("phq9", [3, 3, 3, 3, 3, 0, 0, 0, 0], 15, "moderately_severe"),
        ("phq9", [3, 3, 3, 3, 3, 2, 2, 0, 0], 19, "moderately_severe"),
        ("phq9", [3, 3, 3, 3, 3, 3, 2, 0, 0], 20, "severe"),
        ("phq9", [3, 3, 3, 3, 3, 3, 3, 3, 0], 24, "severe"),
        ("gad7", [0, 0, 0, 0, 0, 0, 0], 0, "minimal"),
        ("gad7", [1, 1, 1, 1, 1, 0, 0], 5, "mild"),
        ("gad7", [2, 2, 2, 2, 2, 0, 0], 10, "moderate"),
        ("gad7", [3, 3, 3, 3, 2, 1, 0], 15, "severe"),
        ("gad7", [3, 3, 3, 3, 3, 3, 3], 21, "severe"),
    ],
)
def test_scores_and_bands(client, world, instrument, answers, total, severity):
    created = client.post(
        RESPONSES, headers=world.patient_actor.headers, json=submission(instrument, answers)
    )

    assert created.status_code == 201, created.json
    assert (created.json["total"], created.json["severity"]) == (total, severity)
    assert created.json["answers"] == answers
    assert "crisis_resources" not in created.json
    listed = client.get(
        f"/api/v1/patients/{world.patient.id}/questionnaire-responses",
        headers=world.clinician.headers,
    )
    [item] = listed.json["items"]
    assert (item["instrument"], item["total"], item["severity"]) == (instrument, total, severity)


def test_the_highest_phq9_is_severe_and_carries_crisis_resources(client, world):
    created = client.post(
        RESPONSES, headers=world.patient_actor.headers, json=submission("phq9", [3] * 9)
    )
    assert (created.json["total"], created.json["severity"]) == (27, "severe")
    assert created.json["crisis_resources"]


def test_the_phq9_difficulty_answer_is_kept_but_never_scored(client, world):
    answers = [2, 1, 1, 0, 0, 0, 0, 0, 0]
    created = client.post(
        RESPONSES,
        headers=world.patient_actor.headers,
        json=submission("phq9", answers, difficulty=3),
    )

    assert created.status_code == 201, created.json
    assert (created.json["total"], created.json["difficulty"]) == (4, 3)
    listed = client.get(
        f"/api/v1/patients/{world.patient.id}/questionnaire-responses",
        headers=world.clinician.headers,
    )
    assert [item["difficulty"] for item in listed.json["items"]] == [3]


def test_the_difficulty_item_may_be_skipped(client, world):
    created = client.post(RESPONSES, headers=world.patient_actor.headers, json=submission())
    assert created.status_code == 201
    assert created.json["difficulty"] is None


# --- safety ---------------------------------------------------------------------------------


@pytest.mark.parametrize("item9", [1, 2, 3])
def test_item9_returns_crisis_resources_and_raises_an_urgent_alert(client, world, item9):
    answers = [1, 0, 0, 0, 0, 0, 0, 0, item9]
    created = client.post(
        RESPONSES, headers=world.patient_actor.headers, json=submission("phq9", answers)
    )

    assert created.status_code == 201
    resources = created.json["crisis_resources"]
    hrefs = [r["href"] for r in resources]
    assert hrefs[:3] == ["tel:988", "sms:988", "tel:911"]
    assert resources[3]["phone"] == world.clinic.phone
    assert resources[3]["href"] == "tel:+15550100"
    inbox = client.get("/api/v1/alerts?status=open", headers=world.clinician.headers).json
    [alert] = inbox["items"]
    assert (alert["kind"], alert["severity"], alert["status"]) == ("urgent", "urgent", "open")
    assert alert["patient_id"] == world.patient.id
    assert alert["patient_name"] == "Pat One"
    assert alert["evidence"] == {"phq9_item9": item9}
    assert alert["source_type"] == "questionnaire_response"
    assert alert["source_id"] == created.json["id"]


def test_no_crisis_resources_without_a_signal(client, world):
    for body in (submission("phq9", [3, 3, 3, 3, 3, 3, 3, 3, 0]), submission("gad7", [3] * 7)):
        created = client.post(RESPONSES, headers=world.patient_actor.headers, json=body)
        assert created.status_code == 201
        assert "crisis_resources" not in created.json
    assert count(Alert, Alert.kind == "urgent") == 0


def test_the_alert_is_written_in_the_same_transaction_as_the_answer(client, world):
    client.post(
        RESPONSES,
        headers=world.patient_actor.headers,
        json=submission("phq9", [0, 0, 0, 0, 0, 0, 0, 0, 1]),
    )
    response = db.session.scalars(select(QuestionnaireResponse)).one()
    alert = db.session.scalars(select(Alert)).one()
    assert alert.raised_at == response.submitted_at
    assert alert.source_id == response.id


# --- idempotency --------------------------------------------------------------------------------


def test_replay_answers_200_with_the_first_body_and_writes_nothing(client, world):
    headers = world.patient_actor.headers
    body = submission("phq9", [2, 2, 2, 2, 2, 2, 2, 2, 1])
    first = client.post(RESPONSES, headers=headers, json=body)
    audits = count(AuditEvent)

    replay = client.post(RESPONSES, headers=headers, json=body)
    changed = client.post(
        RESPONSES, headers=headers, json={**body, "answers": [0] * 9}
    )  # same submit_id, other answers: still the first result

    assert first.status_code == 201
    assert replay.status_code == changed.status_code == 200
    assert replay.json == first.json == changed.json
    assert replay.json["crisis_resources"]
    assert count(QuestionnaireResponse) == 1
    assert count(Alert) == 1
    assert count(AuditEvent) == audits


def test_the_same_submit_id_from_another_patient_is_theirs(client, world):
    body = submission()
    first = client.post(RESPONSES, headers=world.patient_actor.headers, json=body)
    second = client.post(RESPONSES, headers=world.other_patient_actor.headers, json=body)
    assert first.status_code == second.status_code == 201
    assert first.json["id"] != second.json["id"]


# --- bad input -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"answers": [1] * 8}, "answers"),
        ({"answers": [1] * 10}, "answers"),
        ({"answers": []}, "answers"),
        ({"answers": [1, 1, 1, 1, 1, 1, 1, 1, 4]}, "answers"),
        ({"answers": [-1, 1, 1, 1, 1, 1, 1, 1, 1]}, "answers"),
        ({"answers": [1, 1, 1, 1, "2", 1, 1, 1, 1]}, "answers"),
        ({"answers": [1, 1, 1, 1, 1.5, 1, 1, 1, 1]}, "answers"),
        ({"answers": [True, 1, 1, 1, 1, 1, 1, 1, 1]}, "answers"),
        ({"answers": [None, 1, 1, 1, 1, 1, 1, 1, 1]}, "answers"),
        ({"answers": "111111111"}, "answers"),
        ({"instrument": "gad7", "answers": [1] * 9}, "answers"),
        ({"instrument": "madrs"}, "instrument"),
        ({"instrument": "PHQ9"}, "instrument"),
        ({"instrument": None}, "instrument"),
        ({"submit_id": "not-a-uuid"}, "submit_id"),
        ({"total": 3}, "total"),
        ({"patient_id": 1}, "patient_id"),
        ({"difficulty": 4}, "difficulty"),
        ({"difficulty": -1}, "difficulty"),
        ({"difficulty": "1"}, "difficulty"),
        ({"difficulty": True}, "difficulty"),
        ({"instrument": "gad7", "answers": [1] * 7, "difficulty": 1}, "difficulty"),
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(client, world, overrides, field):
    # Item 9 answered: had anything been accepted, an alert would have been written too.
    body = {**submission("phq9", [1, 1, 1, 1, 1, 1, 1, 1, 1]), **overrides}
    response = client.post(RESPONSES, headers=world.patient_actor.headers, json=body)

    assert response.status_code == 422
    assert response.content_type == "application/problem+json"
    assert field in response.json["errors"]
    assert body["submit_id"] not in response.get_data(as_text=True)
    assert count(QuestionnaireResponse) == 0
    assert count(Alert) == 0
    assert count(AuditEvent, AuditEvent.action == "questionnaire.create") == 0


def test_missing_fields_are_named(client, world):
    response = client.post(RESPONSES, headers=world.patient_actor.headers, json={})
    assert response.status_code == 422
    assert set(response.json["errors"]) == {"submit_id", "instrument", "answers"}


def test_an_answer_of_4_names_the_item(client, world):
    response = client.post(
        RESPONSES,
        headers=world.patient_actor.headers,
        json=submission("phq9", [0, 0, 4, 0, 0, 0, 0, 0, 0]),
    )
    assert response.status_code == 422
    assert "2" in response.json["errors"]["answers"]  # marshmallow names the list index


def test_eight_answers_say_how_many_are_needed(client, world):
    response = client.post(
        RESPONSES, headers=world.patient_actor.headers, json=submission("phq9", [0] * 8)
    )
    assert response.json["errors"]["answers"] == ["PHQ-9 has 9 items."]


def test_a_clinician_may_not_answer_for_the_patient(client, world):
    response = client.post(
        f"/api/v1/patients/{world.patient.id}/questionnaire-responses",
        headers=world.clinician.headers,
        json=submission(),
    )
    assert response.status_code == 403
    assert count(QuestionnaireResponse) == 0


def test_isolation_between_patients_and_clinics(client, world):
    client.post(RESPONSES, headers=world.patient_actor.headers, json=submission())
    pid = world.patient.id
    for actor in (world.other_patient_actor, world.other_clinician):
        for path in (
            f"/api/v1/patients/{pid}/questionnaire-responses",
            f"/api/v1/patients/{pid}/questionnaires/due",
        ):
            response = client.get(path, headers=actor.headers)
            assert response.status_code == 404, (actor, path)
            assert "items" not in response.json
    written = client.post(
        f"/api/v1/patients/{pid}/questionnaire-responses",
        headers=world.other_patient_actor.headers,
        json=submission(),
    )
    requested = client.post(
        f"/api/v1/patients/{pid}/questionnaires/requests",
        headers=world.other_clinician.headers,
        json={"instrument": "phq9"},
    )
    assert written.status_code == requested.status_code == 404
    assert count(QuestionnaireResponse) == 1
    assert count(QuestionnaireRequest) == 0


def test_staff_reads_are_audited(client, world):
    client.get(
        f"/api/v1/patients/{world.patient.id}/questionnaire-responses",
        headers=world.clinician.headers,
    )
    client.get(
        f"/api/v1/patients/{world.patient.id}/questionnaires/due", headers=world.clinician.headers
    )
    resources = set(
        db.session.scalars(
            select(AuditEvent.resource).where(
                AuditEvent.action == "read", AuditEvent.actor_id == world.clinician.user.id
            )
        )
    )
    assert {
        f"patients/{world.patient.id}/questionnaire-responses",
        f"patients/{world.patient.id}/questionnaires/due",
    } <= resources


# --- what is due ------------------------------------------------------------------------------


def due(client, actor, pid="me") -> dict[str, dict]:
    response = client.get(f"/api/v1/patients/{pid}/questionnaires/due", headers=actor.headers)
    assert response.status_code == 200
    return {item["instrument"]: item for item in response.json["items"]}


def test_baseline_is_due_at_enrolment_for_both_sides_and_not_after_answering(client, world):
    patient_view = due(client, world.patient_actor)
    clinician_view = due(client, world.clinician, world.patient.id)

    assert patient_view == clinician_view
    assert set(patient_view) == {"phq9", "gad7"}
    assert {d["reason"] for d in patient_view.values()} == {"baseline"}
    assert {d["overdue"] for d in patient_view.values()} == {False}

    client.post(RESPONSES, headers=world.patient_actor.headers, json=submission("phq9"))

    assert set(due(client, world.patient_actor)) == {"gad7"}
    assert set(due(client, world.clinician, world.patient.id)) == {"gad7"}


def test_due_again_after_14_days_and_overdue_after_3_more(world):
    enrolled_at = backdate_enrolment(world.patient, 40)
    actor = world.patient_actor.user
    answered_at = enrolled_at + timedelta(days=1)
    for instrument in ("phq9", "gad7"):
        questionnaire_service.submit_questionnaire(
            actor, "me", submission(instrument), now=answered_at
        )

    def due_at(days: float) -> dict:
        when = answered_at + timedelta(days=days)
        return {d.instrument: d for d in questionnaire_service.due_for(world.patient, when)}

    assert due_at(0) == {}
    assert due_at(13) == {}
    fourteen = due_at(14)
    assert set(fourteen) == {"phq9", "gad7"}
    assert fourteen["phq9"].reason == "interval"
    # Due from the 14th local day after the answer (in the patient's zone, not UTC's).
    answered_on = answered_at.astimezone(ZoneInfo(world.patient.timezone)).date()
    assert fourteen["phq9"].due_since == answered_on + timedelta(days=14)
    assert fourteen["phq9"].overdue is False
    assert due_at(17)["phq9"].overdue is False
    assert due_at(18)["phq9"].overdue is True


def test_a_clinic_may_change_the_interval(world):
    enrolled_at = backdate_enrolment(world.patient, 40)
    world.clinic.settings = {"questionnaire_interval_days": 28}
    db.session.commit()
    answered_at = enrolled_at + timedelta(days=1)
    questionnaire_service.submit_questionnaire(
        world.patient_actor.user, "me", submission("phq9"), now=answered_at
    )
    due_on_14 = questionnaire_service.due_for(world.patient, answered_at + timedelta(days=14))
    due_on_28 = questionnaire_service.due_for(world.patient, answered_at + timedelta(days=28))
    assert "phq9" not in {d.instrument for d in due_on_14}
    assert "phq9" in {d.instrument for d in due_on_28}


def test_a_clinicians_request_makes_it_due_now_for_both_sides(client, world):
    for instrument in ("phq9", "gad7"):
        client.post(RESPONSES, headers=world.patient_actor.headers, json=submission(instrument))
    assert due(client, world.patient_actor) == {}

    requested = client.post(
        f"/api/v1/patients/{world.patient.id}/questionnaires/requests",
        headers=world.clinician.headers,
        json={"instrument": "phq9"},
    )

    assert requested.status_code == 204
    for view in (due(client, world.patient_actor), due(client, world.clinician, world.patient.id)):
        assert set(view) == {"phq9"}
        assert view["phq9"]["reason"] == "requested"
        assert view["phq9"]["overdue"] is False
    assert count(AuditEvent, AuditEvent.action == "questionnaire.request") == 1

    client.post(RESPONSES, headers=world.patient_actor.headers, json=submission("phq9"))

    assert due(client, world.patient_actor) == {}
    assert db.session.scalars(select(QuestionnaireRequest)).one().fulfilled_at is not None


def test_only_staff_may_request_and_only_known_instruments(client, world):
    by_patient = client.post(
        "/api/v1/patients/me/questionnaires/requests",
        headers=world.patient_actor.headers,
        json={"instrument": "phq9"},
    )
    unknown = client.post(
        f"/api/v1/patients/{world.patient.id}/questionnaires/requests",
        headers=world.clinician.headers,
        json={"instrument": "qids"},
    )
    assert by_patient.status_code == 403
    assert unknown.status_code == 422 and "instrument" in unknown.json["errors"]
    assert count(QuestionnaireRequest) == 0

"""Exports over HTTP: the FHIR Bundle and CSV files of a known history, the clinic's research
CSV streamed in constant memory, roles, isolation, bad input and the audit trail."""

import csv
import io
import tracemalloc
import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import insert, select

from models import AuditEvent, CheckIn, CheckInRevision, Patient, db
from services import checkins as checkin_service
from services import questionnaires as questionnaire_service
from services import sessions as session_service
from services.exports import STREAM_BATCH_ROWS
from tests.fhir_checks import codes, resource_counts, target, validate_bundle

LOINC = "http://loinc.org"
NOTE = 'Felt "odd", dizzy,\nthen café ☕ — better'
PHQ9_ANSWERS = [2, 2, 2, 1, 1, 1, 1, 0, 0]
GAD7_ANSWERS = [1, 1, 1, 1, 0, 0, 1]
STARTED = datetime(2025, 3, 10, 15, 0, tzinfo=UTC)


def fhir_path(pid) -> str:
    return f"/api/v1/patients/{pid}/fhir"


def csv_path(pid, kind: str | None = None) -> str:
    path = f"/api/v1/patients/{pid}/export.csv"
    return path + (f"?kind={kind}" if kind else "")


def read_csv(response) -> list[dict[str, str]]:
    assert response.data.startswith(b"\xef\xbb\xbf"), "no UTF-8 byte-order mark"
    text = response.data.decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text, newline="")))


def checkin(actor, local_day: date, at: datetime, mood, anxiety, pain, **extra) -> None:
    body = {
        "submit_id": str(uuid.uuid4()),
        "local_date": local_day,
        "mood": mood,
        "anxiety": anxiety,
        "pain": pain,
        **extra,
    }
    checkin_service.record_checkin(actor.user, "me", body, now=at)


@pytest.fixture
def history(world):
    """Pat One (New York): 3 check-ins around the change to daylight time (the last one late),
    a PHQ-9, a GAD-7 and a fully recorded IV session."""
    patient = world.patient
    patient.created_at = datetime(2025, 3, 1, 15, tzinfo=UTC)
    patient.enrolled_at = patient.created_at
    patient.external_id = "MRN-77"
    db.session.commit()
    me = world.patient_actor
    checkin(
        me,
        date(2025, 3, 8),
        datetime(2025, 3, 9, 1, 30, tzinfo=UTC),
        3,
        7,
        5,
        side_effects=[
            {"name": "nausea", "severity": "mild"},
            {"name": "headache", "severity": "severe"},
        ],
        note=NOTE,
    )
    checkin(
        me,
        date(2025, 3, 10),
        datetime(2025, 3, 11, 0, 15, tzinfo=UTC),
        6,
        4,
        2,
        note='=HYPERLINK("http://evil.example","x")',
    )
    checkin(
        me,
        date(2025, 3, 11),
        datetime(2025, 3, 12, 14, tzinfo=UTC),
        7,
        3,
        1,
        note="-5",
        self_harm_thoughts=False,
    )
    for instrument, answers, difficulty, minute in (
        ("phq9", PHQ9_ANSWERS, 1, 0),
        ("gad7", GAD7_ANSWERS, None, 5),
    ):
        questionnaire_service.submit_questionnaire(
            me.user,
            "me",
            {
                "instrument": instrument,
                "answers": answers,
                "difficulty": difficulty,
                "submit_id": str(uuid.uuid4()),
            },
            now=datetime(2025, 3, 9, 2, minute, tzinfo=UTC),
        )
    session_service.record_session(
        world.clinician.user,
        patient.id,
        {
            "started_at": STARTED,
            "modality": "iv_infusion",
            "route": "iv",
            "phase": "induction",
            "dose_mg": 40.0,
            "dose_mg_per_kg": 0.5,
            "duration_min": 40,
            "bp_pre_systolic": 122,
            "bp_pre_diastolic": 78,
            "bp_peak_systolic": 141,
            "bp_peak_diastolic": 88,
            "bp_discharge_systolic": 124,
            "bp_discharge_diastolic": 80,
            "hr_pre": 72,
            "hr_peak": 86,
            "hr_discharge": 74,
            "spo2_min": 96,
            "dissociation_score": 18,
            "dissociation_scale": "CADSS",
            "side_effects": [{"name": "nausea", "severity": "mild"}],
            "discharged_at": STARTED + timedelta(hours=2),
            "notes": "+1 extra monitoring, all well",
        },
        now=STARTED + timedelta(hours=3),
    )
    return world


def audit_events(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


# --- FHIR ---------------------------------------------------------------------------------


def test_fhir_bundle_of_a_known_history_validates_with_the_right_codes_and_values(client, history):
    response = client.get(fhir_path(history.patient.id), headers=history.clinician.headers)

    assert response.status_code == 200
    assert response.mimetype == "application/fhir+json"
    bundle = response.get_json(force=True)
    by_url = validate_bundle(bundle)
    assert resource_counts(bundle) == {
        "Patient": 1,
        "Questionnaire": 2,
        "QuestionnaireResponse": 2,
        # 3 check-ins x 3 scores, 1 self-harm answer, 2 side effects, 3 notes, PHQ-9 2 + 9 + its
        # difficulty, GAD-7 2 + 7, 7 vital signs.
        "Observation": 9 + 1 + 2 + 3 + 12 + 9 + 7,
        "Procedure": 1,
    }
    observations = [r for r in by_url.values() if r["resourceType"] == "Observation"]

    def coded(system, code):
        return [o for o in observations if (system, code) in codes(o["code"])]

    pain = coded(LOINC, "72514-3")
    assert [o["valueQuantity"]["value"] for o in pain] == [5, 2, 1]
    assert [o["effectiveDateTime"] for o in pain] == [
        "2025-03-08T20:30:00-05:00",
        "2025-03-10T20:15:00-04:00",
        "2025-03-11",
    ]
    assert [o["valueQuantity"]["value"] for o in coded(checkin_system(), "mood")] == [3, 6, 7]
    side_effects = coded(checkin_system(), "side_effect")
    assert [
        (
            o["valueCodeableConcept"]["coding"][0]["code"],
            o["component"][0]["valueCodeableConcept"]["text"],
        )
        for o in side_effects
    ] == [("nausea", "mild"), ("headache", "severe")]
    assert {o["effectiveDateTime"] for o in side_effects} == {"2025-03-08T20:30:00-05:00"}
    notes = [o["valueString"] for o in coded(checkin_system(), "note")]
    assert notes == [NOTE, '=HYPERLINK("http://evil.example","x")', "-5"]
    (panel,) = coded(LOINC, "44249-1")
    total = target(by_url, panel["hasMember"][0])
    assert codes(total["code"]) == {(LOINC, "44261-6")}
    assert total["valueQuantity"]["value"] == 10
    assert len(panel["hasMember"]) == 11
    difficulty = target(by_url, panel["hasMember"][-1])
    assert codes(difficulty["code"]) == {(LOINC, "69722-7")}
    assert difficulty["valueCodeableConcept"]["text"] == "Somewhat difficult"
    assert target(by_url, total["derivedFrom"][0])["resourceType"] == "QuestionnaireResponse"
    (gad7,) = coded(LOINC, "69737-5")
    assert target(by_url, gad7["hasMember"][0])["valueQuantity"]["value"] == 5
    (pressure_pre, *_) = coded(LOINC, "85354-9")
    assert target(by_url, pressure_pre["partOf"][0])["resourceType"] == "Procedure"
    (patient,) = [r for r in by_url.values() if r["resourceType"] == "Patient"]
    assert patient["name"] == [{"text": "Pat One"}]

    (event,) = audit_events("export.fhir")
    assert (event.actor_id, event.patient_id) == (history.clinician.user.id, history.patient.id)
    assert f"patient-{history.patient.id}-fhir" in response.headers["Content-Disposition"]


def checkin_system() -> str:
    return "urn:ketamine-outcomes:daily-checkin"


def test_fhir_export_is_stable(client, history):
    first = client.get(fhir_path(history.patient.id), headers=history.clinician.headers)
    second = client.get(fhir_path(history.patient.id), headers=history.clinician.headers)
    assert [e["fullUrl"] for e in first.get_json(force=True)["entry"]] == [
        e["fullUrl"] for e in second.get_json(force=True)["entry"]
    ]


def test_an_empty_record_still_exports_a_valid_bundle(client, world):
    response = client.get(fhir_path(world.other_patient.id), headers=world.admin.headers)
    assert response.status_code == 200
    bundle = response.get_json(force=True)
    validate_bundle(bundle)
    assert resource_counts(bundle) == {"Patient": 1, "Questionnaire": 2}


# --- CSV per patient -------------------------------------------------------------------------


def test_checkins_csv_round_trips_through_the_csv_module(client, history):
    response = client.get(csv_path(history.patient.id), headers=history.clinician.headers)

    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment; filename=")
    assert f"patient-{history.patient.id}-checkins-" in disposition
    assert "Pat" not in disposition
    assert b"\r\n" in response.data
    rows = read_csv(response)
    assert list(rows[0]) == [
        "local_date", "submitted_at_utc", "submitted_at_local", "timezone", "mood", "anxiety",
        "pain", "side_effects", "self_harm_thoughts", "late_entry", "revision", "note",
    ]  # fmt: skip
    assert rows[0] == {
        "local_date": "2025-03-08",
        "submitted_at_utc": "2025-03-09T01:30:00+00:00",
        "submitted_at_local": "2025-03-08T20:30:00-05:00",
        "timezone": "America/New_York",
        "mood": "3",
        "anxiety": "7",
        "pain": "5",
        "side_effects": "nausea:mild; headache:severe",
        "self_harm_thoughts": "",
        "late_entry": "false",
        "revision": "1",
        "note": NOTE,
    }
    assert rows[1]["submitted_at_local"] == "2025-03-10T20:15:00-04:00"
    # A formula is neutralised; a plain negative number is left alone.
    assert rows[1]["note"] == '\'=HYPERLINK("http://evil.example","x")'
    assert (rows[2]["late_entry"], rows[2]["note"]) == ("true", "-5")
    assert rows[2]["self_harm_thoughts"] == "false"
    (event,) = audit_events("export.csv")
    assert event.patient_id == history.patient.id
    assert event.resource.endswith("kind=checkins")


def test_questionnaires_csv(client, history):
    response = client.get(
        csv_path(history.patient.id, "questionnaires"), headers=history.clinician.headers
    )
    assert response.status_code == 200
    rows = read_csv(response)
    assert [(r["instrument"], r["total"], r["severity"]) for r in rows] == [
        ("phq9", "10", "moderate"),
        ("gad7", "5", "mild"),
    ]
    assert [rows[0][f"item_{n}"] for n in range(1, 10)] == [str(a) for a in PHQ9_ANSWERS]
    assert [rows[1][f"item_{n}"] for n in range(1, 10)] == [str(a) for a in GAD7_ANSWERS] + [
        "",
        "",
    ]
    assert [r["difficulty"] for r in rows] == ["1", ""]
    assert rows[0]["submitted_at_local"] == "2025-03-08T21:00:00-05:00"
    assert rows[0]["local_date"] == "2025-03-08"


def test_sessions_csv_has_every_field(client, history):
    response = client.get(
        csv_path(history.patient.id, "sessions"), headers=history.clinician.headers
    )
    (row,) = read_csv(response)
    assert row["started_at_local"] == "2025-03-10T11:00:00-04:00"
    assert row["discharged_at_local"] == "2025-03-10T13:00:00-04:00"
    assert (row["dose_mg"], row["dose_mg_per_kg"], row["duration_min"]) == ("40", "0.5", "40")
    assert (row["bp_peak_systolic"], row["bp_peak_diastolic"], row["spo2_min"]) == (
        "141",
        "88",
        "96",
    )
    assert (row["dissociation_score"], row["dissociation_scale"]) == ("18", "CADSS")
    assert row["side_effects"] == "nausea:mild"
    assert row["notes"] == "'+1 extra monitoring, all well"
    assert row["recorded_by_id"] == str(history.clinician.user.id)


@pytest.mark.parametrize("query", ["?kind=alerts", "?kind=", "?kind=checkins&format=xlsx"])
def test_unknown_kind_or_parameter_is_422(client, history, query):
    response = client.get(
        f"/api/v1/patients/{history.patient.id}/export.csv{query}",
        headers=history.clinician.headers,
    )
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    field = "format" if "format" in query else "kind"
    assert field in response.get_json()["errors"]
    assert audit_events("export.csv") == []


@pytest.mark.parametrize("path", [fhir_path, csv_path])
def test_another_clinics_patient_is_404_and_a_patient_is_403(client, history, path):
    response = client.get(path(history.patient.id), headers=history.other_clinician.headers)
    assert response.status_code == 404
    assert b"Pat One" not in response.data
    assert client.get(path(999999), headers=history.clinician.headers).status_code == 404
    assert client.get(path("me"), headers=history.patient_actor.headers).status_code == 403
    assert client.get(path(history.patient.id)).status_code == 401
    assert audit_events("export.fhir") == audit_events("export.csv") == []


# --- the clinic's research export ---------------------------------------------------------


def clinic_path(query: str = "") -> str:
    return "/api/v1/exports/clinic.csv" + query


def test_clinic_export_is_for_admins_only(client, history):
    assert client.get(clinic_path(), headers=history.clinician.headers).status_code == 403
    assert client.get(clinic_path(), headers=history.patient_actor.headers).status_code == 403
    assert client.get(clinic_path()).status_code == 401
    response = client.get(clinic_path("?kind=visits"), headers=history.admin.headers)
    assert response.status_code == 422
    assert "kind" in response.get_json()["errors"]
    response = client.get(clinic_path("?date_shift=maybe"), headers=history.admin.headers)
    assert response.status_code == 422
    assert audit_events("export.clinic_csv") == []


def test_clinic_export_is_pseudonymous_and_shifts_each_patients_dates(
    client, history, make_patient
):
    make_patient(history.other_clinic, name="Sam Elsewhere")
    real = read_csv(client.get(clinic_path("?date_shift=false"), headers=history.admin.headers))
    response = client.get(clinic_path(), headers=history.admin.headers)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert f"clinic-{history.clinic.id}-checkins" in response.headers["Content-Disposition"]
    shifted = read_csv(response)

    assert list(shifted[0]) == [
        "patient", "local_date", "local_time", "mood", "anxiety", "pain", "side_effects",
        "self_harm_thoughts", "late_entry", "revision",
    ]  # fmt: skip
    text = response.data.decode("utf-8-sig")
    for secret in ("Pat One", "MRN-77", "odd", "HYPERLINK", "Sam Elsewhere"):
        assert secret not in text
    assert len(shifted) == len(real) == 3
    pseudonyms = {row["patient"] for row in shifted}
    assert len(pseudonyms) == 1
    assert str(history.patient.id) not in pseudonyms
    assert [row["local_time"] for row in shifted] == ["20:30", "20:15", "10:00"]
    assert [row["local_date"] for row in real] == ["2025-03-08", "2025-03-10", "2025-03-11"]
    shifts = {
        (date.fromisoformat(s["local_date"]) - date.fromisoformat(r["local_date"])).days
        for s, r in zip(shifted, real, strict=True)
    }
    assert len(shifts) == 1
    assert abs(shifts.pop()) in range(1, 181)
    # Same pseudonym and shift on every export.
    assert read_csv(client.get(clinic_path(), headers=history.admin.headers)) == shifted

    events = audit_events("export.clinic_csv")
    assert [e.resource for e in events] == [
        "exports/clinic.csv?kind=checkins&date_shift=false",
        "exports/clinic.csv?kind=checkins&date_shift=true",
        "exports/clinic.csv?kind=checkins&date_shift=true",
    ]
    assert {(e.actor_id, e.patient_id) for e in events} == {(history.admin.user.id, None)}


def test_clinic_export_of_questionnaires_and_sessions_has_no_notes(client, history):
    response = client.get(clinic_path("?kind=questionnaires"), headers=history.admin.headers)
    rows = read_csv(response)
    assert [
        (r["instrument"], r["total"], r["item_1"], r["item_9"], r["difficulty"]) for r in rows
    ] == [
        ("phq9", "10", "2", "0", "1"),
        ("gad7", "5", "1", "", ""),
    ]
    response = client.get(
        clinic_path("?kind=sessions&date_shift=false"), headers=history.admin.headers
    )
    (row,) = read_csv(response)
    assert "notes" not in row
    assert b"monitoring" not in response.data
    assert (row["local_date"], row["local_time"], row["discharged_after_min"]) == (
        "2025-03-10",
        "11:00",
        "120",
    )
    assert (row["dose_mg"], row["bp_peak_systolic"], row["side_effects"]) == (
        "40",
        "141",
        "nausea:mild",
    )


def add_clinic_history(clinic, patients: int, days: int) -> int:
    """`patients` patients with a check-in every day for `days` days, by bulk INSERTs."""
    zones = ("America/New_York", "America/Los_Angeles", "Europe/Berlin", "Asia/Tokyo")
    created = datetime(2023, 1, 1, tzinfo=UTC)
    db.session.execute(
        insert(Patient),
        [
            {
                "clinic_id": clinic.id,
                "display_name": f"Bulk Patient {n}",
                "external_id": f"BULK-{n}",
                "timezone": zones[n % len(zones)],
                "created_at": created,
            }
            for n in range(patients)
        ],
    )
    ids = db.session.scalars(
        select(Patient.id).where(Patient.external_id.like("BULK-%")).order_by(Patient.id)
    ).all()
    first = date(2023, 1, 2)
    revisions = [
        {
            "patient_id": pid,
            "submit_id": f"{pid:08d}-{day:04d}",
            "local_date": first + timedelta(days=day),
            "mood": (pid + day) % 11,
            "anxiety": (pid * 3 + day) % 11,
            "pain": day % 11,
            "side_effects": [{"name": "nausea", "severity": "mild"}] if day % 7 == 0 else [],
            "note": "private note, never exported",
            "submitted_at": created + timedelta(days=day + 1, hours=pid % 24),
            "late_entry": False,
            "revision": 1,
        }
        for pid in ids
        for day in range(days)
    ]
    db.session.execute(insert(CheckInRevision), revisions)
    columns = [
        "patient_id", "local_date", "mood", "anxiety", "pain", "side_effects", "note",
        "submitted_at", "late_entry", "revision",
    ]  # fmt: skip
    source = select(*(getattr(CheckInRevision, c) for c in columns), CheckInRevision.id)
    db.session.execute(insert(CheckIn).from_select([*columns, "current_revision_id"], source))
    db.session.commit()
    return len(revisions)


def test_clinic_export_of_two_years_streams_in_constant_memory(client, world):
    # A first export warms the caches (compiled SQL, imports) so that only streaming is measured.
    warm_up = client.get(clinic_path(), headers=world.admin.headers)
    assert warm_up.status_code == 200
    warm_up.close()
    rows = add_clinic_history(world.clinic, patients=50, days=730)

    tracemalloc.start()
    try:
        response = client.get(clinic_path(), headers=world.admin.headers)
        assert response.status_code == 200
        assert response.is_streamed
        chunks = size = lines = biggest = 0
        for chunk in response.response:
            chunks += 1
            size += len(chunk)
            biggest = max(biggest, len(chunk))
            lines += chunk.count(b"\r\n")
            if chunks == 10:
                _, early_peak = tracemalloc.get_traced_memory()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
        response.close()

    assert lines == rows + 1
    assert chunks > rows // STREAM_BATCH_ROWS
    assert biggest < 64 * 1024
    # The file never sits in memory: the peak is a fraction of its size, and it is reached
    # within the first 10 chunks (2,000 rows) of 36,500: it does not grow with the rows.
    assert size > 1_500_000
    assert peak < size / 3, f"peak {peak} bytes for {size} bytes of CSV"
    assert peak - early_peak < 64 * 1024, f"peak grew from {early_peak} to {peak} bytes"
    print(f"\nclinic export: {rows} rows, {size} bytes in {chunks} chunks, peak {peak} bytes")

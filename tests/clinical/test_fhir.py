"""The FHIR R4 mapping on plain records: every resource validates with fhir.resources R4B, and
codes, values, times and references are those of clinical.md "FHIR R4 mapping"."""

import uuid
from datetime import UTC, date, datetime, timedelta

import pytest

from clinical import fhir
from clinical.instruments import GAD7, PHQ9
from tests.fhir_checks import codes, resource_counts, target, validate_bundle

LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
LOCAL = "urn:ketamine-outcomes:daily-checkin"
NAMESPACE = uuid.UUID("6f1c1a52-8a0e-4d39-9d0b-4a4f43f6a001")
NOW = datetime(2025, 3, 20, 12, 0, tzinfo=UTC)
ZONE = "America/New_York"

PATIENT = fhir.PatientRecord(
    id=7, display_name="Pat One", timezone=ZONE, clinic_name="North Clinic", external_id="MRN-9"
)
# Before and after the US change to daylight time on 2025-03-09; the last one is late.
CHECKINS = [
    fhir.CheckInRecord(1, date(2025, 3, 8), datetime(2025, 3, 9, 1, 30, tzinfo=UTC), 3, 7, 5),
    fhir.CheckInRecord(2, date(2025, 3, 10), datetime(2025, 3, 11, 0, 15, tzinfo=UTC), 6, 4, 2),
    fhir.CheckInRecord(
        3,
        date(2025, 3, 11),
        datetime(2025, 3, 12, 14, 0, tzinfo=UTC),
        7,
        3,
        1,
        late_entry=True,
        self_harm_thoughts=False,
    ),
]
PHQ9_ANSWERS = [2, 2, 2, 1, 1, 1, 1, 0, 0]
GAD7_ANSWERS = [1, 1, 1, 1, 0, 0, 1]
QUESTIONNAIRES = [
    fhir.QuestionnaireRecord(
        11, "phq9", PHQ9_ANSWERS, 10, "moderate", datetime(2025, 3, 9, 2, 0, tzinfo=UTC)
    ),
    fhir.QuestionnaireRecord(
        12, "gad7", GAD7_ANSWERS, 5, "mild", datetime(2025, 3, 9, 2, 5, tzinfo=UTC)
    ),
]
STARTED = datetime(2025, 3, 10, 15, 0, tzinfo=UTC)
SESSION = fhir.SessionRecord(
    id=21,
    started_at=STARTED,
    modality="iv_infusion",
    route="iv",
    phase="induction",
    dose_mg=40.0,
    dose_mg_per_kg=0.5,
    duration_min=40,
    bp_pre_systolic=122,
    bp_pre_diastolic=78,
    bp_peak_systolic=141,
    bp_peak_diastolic=88,
    bp_discharge_systolic=124,
    bp_discharge_diastolic=80,
    hr_pre=72,
    hr_peak=86,
    hr_discharge=74,
    spo2_min=96,
    dissociation_score=18,
    dissociation_scale="CADSS",
    side_effects=({"name": "nausea", "severity": "mild"},),
    discharged_at=STARTED + timedelta(hours=2),
    notes="Tolerated well.",
)


def build(**overrides):
    arguments = {
        "namespace": NAMESPACE,
        "patient": PATIENT,
        "checkins": CHECKINS,
        "questionnaires": QUESTIONNAIRES,
        "sessions": [SESSION],
        "timestamp": NOW,
    }
    arguments.update(overrides)
    return fhir.patient_bundle(**arguments)


@pytest.fixture(scope="module")
def bundle():
    return build()


@pytest.fixture(scope="module")
def by_url(bundle):
    return validate_bundle(bundle)


def of_type(by_url, resource_type):
    return [r for r in by_url.values() if r["resourceType"] == resource_type]


def observations_coded(by_url, system, code):
    return [r for r in of_type(by_url, "Observation") if (system, code) in codes(r["code"])]


def test_every_resource_and_the_bundle_validate_as_r4b(bundle, by_url):
    assert bundle["resourceType"] == "Bundle"
    assert bundle["type"] == "collection"
    assert bundle["timestamp"] == "2025-03-20T12:00:00+00:00"
    # 1 patient, 2 questionnaires, 3x3 daily + 1 self-harm answer, PHQ-9 1+1+1+9, GAD-7 1+1+1+7,
    # 1 procedure + 7 vitals.
    assert resource_counts(bundle) == {
        "Patient": 1,
        "Questionnaire": 2,
        "QuestionnaireResponse": 2,
        "Observation": 9 + 1 + 11 + 9 + 7,
        "Procedure": 1,
    }
    assert len(by_url) == 43


def test_an_answered_self_harm_question_is_exported(by_url):
    (answer,) = observations_coded(by_url, LOCAL, "self_harm_thoughts")
    assert answer["valueBoolean"] is False
    assert answer["effectiveDateTime"] == "2025-03-11"
    assert codes(answer["category"][0]) == {(fhir.CATEGORY_SYSTEM, "survey")}


def test_the_patient(by_url):
    (patient,) = of_type(by_url, "Patient")
    assert patient["name"] == [{"text": "Pat One"}]
    assert {"system": fhir.PATIENT_ID_SYSTEM, "value": "7"} in patient["identifier"]
    assert any(i["value"] == "MRN-9" for i in patient["identifier"])


@pytest.mark.parametrize(
    ("scale", "system", "code", "values"),
    [
        ("mood", LOCAL, "mood", [3, 6, 7]),
        ("anxiety", LOCAL, "anxiety", [7, 4, 3]),
        ("pain", LOINC, "72514-3", [5, 2, 1]),
    ],
)
def test_daily_scores_are_survey_observations(by_url, scale, system, code, values):
    found = observations_coded(by_url, system, code)
    assert [o["valueQuantity"] for o in found] == [
        {"value": v, "unit": "{score}", "system": UCUM, "code": "{score}"} for v in values
    ]
    patient_url = fhir.full_url(of_type(by_url, "Patient")[0])
    for observation in found:
        assert observation["status"] == "final"
        assert codes(observation["category"][0]) == {(fhir.CATEGORY_SYSTEM, "survey")}
        assert observation["subject"] == {"reference": patient_url}
        assert observation["performer"] == [{"reference": patient_url}]
    # The patient's offset at submission: EST before 9 March, EDT after; a late entry is dated.
    assert [o["effectiveDateTime"] for o in found] == [
        "2025-03-08T20:30:00-05:00",
        "2025-03-10T20:15:00-04:00",
        "2025-03-11",
    ]
    assert found[2]["issued"] == "2025-03-12T14:00:00+00:00"


@pytest.mark.parametrize(
    ("instrument", "answers", "total", "label"),
    [(PHQ9, PHQ9_ANSWERS, 10, "Moderate"), (GAD7, GAD7_ANSWERS, 5, "Mild")],
)
def test_questionnaires_follow_the_screening_assessment_pattern(
    by_url, instrument, answers, total, label
):
    (panel,) = observations_coded(by_url, LOINC, instrument.panel_loinc)
    (response,) = [
        r
        for r in of_type(by_url, "QuestionnaireResponse")
        if r["questionnaire"] == fhir.questionnaire_url(instrument.code)
    ]
    (questionnaire,) = [
        q for q in of_type(by_url, "Questionnaire") if q["url"] == response["questionnaire"]
    ]
    assert (LOINC, instrument.panel_loinc) in {
        (c["system"], c["code"]) for c in questionnaire["code"]
    }
    # Answers: linkIds are the LOINC item codes, answers the LOINC LA codes of the options.
    assert [i["linkId"] for i in response["item"]] == [i.loinc for i in instrument.items]
    assert [i["answer"][0]["valueCoding"]["code"] for i in response["item"]] == [
        instrument.options[a].loinc for a in answers
    ]
    assert response["status"] == "completed"
    assert response["authored"] == panel["effectiveDateTime"]
    assert response["authored"].endswith("-05:00")
    # The panel has the total first, then one Observation per item; all derive from the answers.
    members = [target(by_url, m) for m in panel["hasMember"]]
    assert codes(members[0]["code"]) == {(LOINC, instrument.total_loinc)}
    assert members[0]["valueQuantity"] == {
        "value": total,
        "unit": "{score}",
        "system": UCUM,
        "code": "{score}",
    }
    assert members[0]["interpretation"] == [{"text": label}]
    assert [codes(m["code"]) for m in members[1:]] == [{(LOINC, i.loinc)} for i in instrument.items]
    assert [codes(m["valueCodeableConcept"]) for m in members[1:]] == [
        {(LOINC, instrument.options[a].loinc)} for a in answers
    ]
    for observation in [panel, *members]:
        assert [target(by_url, d) for d in observation["derivedFrom"]] == [response]
        assert codes(observation["category"][0]) == {(fhir.CATEGORY_SYSTEM, "survey")}


def test_an_answered_difficulty_item_joins_the_panel_but_not_the_total():
    record = fhir.QuestionnaireRecord(
        13, "phq9", PHQ9_ANSWERS, 10, "moderate", datetime(2025, 3, 9, 2, 0, tzinfo=UTC), 2
    )
    by_url = validate_bundle(build(questionnaires=[record]))

    (response,) = of_type(by_url, "QuestionnaireResponse")
    assert [i["linkId"] for i in response["item"]] == [i.loinc for i in PHQ9.items] + ["69722-7"]
    assert response["item"][-1]["answer"][0]["valueCoding"] == {
        "system": LOINC,
        "code": "LA6575-0",
        "display": "Very difficult",
    }
    (panel,) = observations_coded(by_url, LOINC, PHQ9.panel_loinc)
    members = [target(by_url, m) for m in panel["hasMember"]]
    assert len(members) == 1 + 9 + 1
    assert members[0]["valueQuantity"]["value"] == 10
    assert codes(members[-1]["code"]) == {(LOINC, "69722-7")}
    assert codes(members[-1]["valueCodeableConcept"]) == {(LOINC, "LA6575-0")}
    assert [target(by_url, d) for d in members[-1]["derivedFrom"]] == [response]


def test_questionnaires_reproduce_the_instruments(by_url):
    questionnaires = {q["name"]: q for q in of_type(by_url, "Questionnaire")}
    assert set(questionnaires) == {"PHQ9", "GAD7"}
    phq9 = questionnaires["PHQ9"]
    assert phq9["copyright"] == PHQ9.copyright
    scored = [i for i in phq9["item"] if i["required"]]
    assert [(i["linkId"], i["text"]) for i in scored] == [(i.loinc, i.text) for i in PHQ9.items]
    assert [o["valueCoding"]["code"] for o in scored[0]["answerOption"]] == [
        "LA6568-5",
        "LA6569-3",
        "LA6570-1",
        "LA6571-9",
    ]
    # The difficulty question is offered but never scored.
    assert [i["linkId"] for i in phq9["item"] if not i["required"]] == ["69722-7"]
    assert len(questionnaires["GAD7"]["item"]) == 7


def test_a_session_is_a_procedure_with_its_vital_signs(by_url):
    (procedure,) = of_type(by_url, "Procedure")
    assert procedure["status"] == "completed"
    assert procedure["performedPeriod"] == {
        "start": "2025-03-10T11:00:00-04:00",
        "end": "2025-03-10T13:00:00-04:00",
    }
    assert codes(procedure["code"]) == {(fhir.MODALITY_SYSTEM, "iv_infusion")}
    notes = [n["text"] for n in procedure["note"]]
    assert notes == [
        "Dose 40 mg (0.5 mg/kg), route iv, induction phase, 40 min.",
        "Dissociation (CADSS): 18.",
        "Tolerated well.",
    ]
    assert procedure["complication"][0]["text"] == "nausea: mild"

    vitals = [o for o in of_type(by_url, "Observation") if "partOf" in o]
    assert len(vitals) == 7
    for observation in vitals:
        assert [target(by_url, p) for p in observation["partOf"]] == [procedure]
        assert codes(observation["category"][0]) == {(fhir.CATEGORY_SYSTEM, "vital-signs")}
    pressures = observations_coded(by_url, LOINC, "85354-9")
    assert [
        [(c["code"]["coding"][0]["code"], c["valueQuantity"]["value"]) for c in o["component"]]
        for o in pressures
    ] == [
        [("8480-6", 122), ("8462-4", 78)],
        [("8480-6", 141), ("8462-4", 88)],
        [("8480-6", 124), ("8462-4", 80)],
    ]
    for observation in pressures:
        for component in observation["component"]:
            assert component["valueQuantity"]["code"] == "mm[Hg]"
            assert component["valueQuantity"]["system"] == UCUM
    assert pressures[0]["effectiveDateTime"] == "2025-03-10T11:00:00-04:00"
    assert pressures[1]["effectivePeriod"]["end"] == "2025-03-10T13:00:00-04:00"
    assert pressures[2]["effectiveDateTime"] == "2025-03-10T13:00:00-04:00"
    rates = observations_coded(by_url, LOINC, "8867-4")
    assert [(o["valueQuantity"]["value"], o["valueQuantity"]["code"]) for o in rates] == [
        (72, "/min"),
        (86, "/min"),
        (74, "/min"),
    ]
    (spo2,) = observations_coded(by_url, LOINC, "59408-5")
    assert (spo2["valueQuantity"]["value"], spo2["valueQuantity"]["code"]) == (96, "%")


def test_a_session_with_little_recorded_still_validates():
    bare = fhir.SessionRecord(
        id=22,
        started_at=STARTED,
        modality="esketamine_nasal",
        route="intranasal",
        phase="maintenance",
        dose_mg=56.0,
        bp_pre_systolic=130,
    )
    bundle = build(checkins=[], questionnaires=[], sessions=[bare])
    by_url = validate_bundle(bundle)
    assert resource_counts(bundle) == {
        "Patient": 1,
        "Questionnaire": 2,
        "Procedure": 1,
        "Observation": 1,
    }
    (procedure,) = of_type(by_url, "Procedure")
    assert procedure["performedPeriod"] == {"start": "2025-03-10T11:00:00-04:00"}
    assert "complication" not in procedure
    (pressure,) = of_type(by_url, "Observation")
    assert [c["code"]["coding"][0]["code"] for c in pressure["component"]] == ["8480-6"]


def test_ids_are_stable_per_installation_and_distinct_per_record(bundle):
    again = build(timestamp=NOW + timedelta(days=1))
    urls = [e["fullUrl"] for e in bundle["entry"]]
    assert [e["fullUrl"] for e in again["entry"]] == urls
    assert len(set(urls)) == len(urls)
    elsewhere = build(namespace=uuid.uuid4())
    assert not set(urls) & {e["fullUrl"] for e in elsewhere["entry"]}

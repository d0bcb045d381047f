"""A patient's record as FHIR R4 resources: pure mapping from plain records to JSON dicts.

Source: shared/reference/clinical.md "FHIR R4 mapping" (daily scores, and the check-in's
side effects and note, as survey Observations;
PHQ-9/GAD-7 as a QuestionnaireResponse plus a panel Observation with `hasMember` and
`derivedFrom`, the US Core screening-assessment pattern; sessions as a Procedure with
vital-signs Observations). No database, no Flask, no clock: callers pass `timestamp`.

Every resource gets a deterministic id: uuid5 of an installation namespace and the record's
kind and id, so exporting the same record twice gives the same `urn:uuid:` fullUrl.
"""

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from clinical.daily import DAILY_CODE_SYSTEM, FHIR_CODINGS, LOINC_SYSTEM, SCALES
from clinical.instruments import INSTRUMENTS, AnswerOption, Instrument, UnscoredItem

UCUM_SYSTEM = "http://unitsofmeasure.org"
CATEGORY_SYSTEM = "http://terminology.hl7.org/CodeSystem/observation-category"
IDENTIFIER_TYPE_SYSTEM = "http://terminology.hl7.org/CodeSystem/v2-0203"
# Local code systems (documented in docs/clinical.md, "FHIR export").
PATIENT_ID_SYSTEM = "urn:ketamine-outcomes:patient-id"
MODALITY_SYSTEM = "urn:ketamine-outcomes:treatment-modality"
SIDE_EFFECT_SYSTEM = "urn:ketamine-outcomes:side-effect"
QUESTIONNAIRE_URL = "urn:ketamine-outcomes:questionnaire:{code}"
QUESTIONNAIRE_VERSION = "1"
# The check-in's optional safety question, in the daily check-in's local code system.
SELF_HARM_CODING = (
    DAILY_CODE_SYSTEM,
    "self_harm_thoughts",
    "Thoughts of hurting yourself, self-reported on the daily check-in (yes/no)",
)

SIDE_EFFECT_CODING = (
    DAILY_CODE_SYSTEM,
    "side_effect",
    "Side effect, self-reported on the daily check-in, with its severity",
)
NOTE_CODING = (DAILY_CODE_SYSTEM, "note", "Note written by the patient on the daily check-in")
SEVERITY_CODING = (DAILY_CODE_SYSTEM, "side_effect_severity", "Severity of the side effect")
# FHIR's condition-severity value set (SNOMED CT qualifier values).
SNOMED_SYSTEM = "http://snomed.info/sct"
SEVERITY_SNOMED = {"mild": "255604002", "moderate": "6736007", "severe": "24484000"}

SCORE_UNIT = {"unit": "{score}", "system": UCUM_SYSTEM, "code": "{score}"}
MMHG = {"unit": "mmHg", "system": UCUM_SYSTEM, "code": "mm[Hg]"}
PER_MINUTE = {"unit": "beats/minute", "system": UCUM_SYSTEM, "code": "/min"}
PERCENT = {"unit": "%", "system": UCUM_SYSTEM, "code": "%"}

# Vital-sign codes (clinical.md "FHIR R4 mapping"). SpO2 also carries 2708-6, the code of
# FHIR's base vital-signs profile, next to the pulse-oximetry code 59408-5.
BLOOD_PRESSURE = ("85354-9", "Blood pressure panel with all children optional")
SYSTOLIC = ("8480-6", "Systolic blood pressure")
DIASTOLIC = ("8462-4", "Diastolic blood pressure")
HEART_RATE = ("8867-4", "Heart rate")
SPO2 = (
    ("59408-5", "Oxygen saturation in Arterial blood by Pulse oximetry"),
    ("2708-6", "Oxygen saturation in Arterial blood"),
)

MODALITY_LABELS = {
    "iv_infusion": "Ketamine IV infusion",
    "im_injection": "Ketamine IM injection",
    "esketamine_nasal": "Esketamine nasal spray",
    "other": "Ketamine treatment (other)",
}
# When each vital sign was taken, as the session records it.
MOMENTS = {"pre": "Before dosing", "peak": "Peak during the session", "discharge": "At discharge"}


@dataclass(frozen=True)
class PatientRecord:
    id: int
    display_name: str
    timezone: str
    clinic_name: str
    external_id: str | None = None


@dataclass(frozen=True)
class CheckInRecord:
    """The current check-in of one local date; `submitted_at` is aware UTC."""

    id: int
    local_date: date
    submitted_at: datetime
    mood: int
    anxiety: int
    pain: int
    late_entry: bool = False
    self_harm_thoughts: bool | None = None
    side_effects: Sequence[dict[str, str]] = ()
    note: str | None = None


@dataclass(frozen=True)
class QuestionnaireRecord:
    id: int
    instrument: str
    answers: Sequence[int]
    total: int
    severity: str
    submitted_at: datetime
    difficulty: int | None = None


@dataclass(frozen=True)
class SessionRecord:
    """A treatment session with its monitoring (DESIGN.md §4); instants are aware UTC."""

    id: int
    started_at: datetime
    modality: str
    route: str
    phase: str
    dose_mg: float
    dose_mg_per_kg: float | None = None
    duration_min: int | None = None
    bp_pre_systolic: int | None = None
    bp_pre_diastolic: int | None = None
    bp_peak_systolic: int | None = None
    bp_peak_diastolic: int | None = None
    bp_discharge_systolic: int | None = None
    bp_discharge_diastolic: int | None = None
    hr_pre: int | None = None
    hr_peak: int | None = None
    hr_discharge: int | None = None
    spo2_min: int | None = None
    dissociation_score: int | None = None
    dissociation_scale: str | None = None
    side_effects: Sequence[dict[str, str]] = field(default_factory=tuple)
    discharged_at: datetime | None = None
    notes: str | None = None


def resource_id(namespace: uuid.UUID, kind: str, key: object) -> str:
    """The stable id of the resource made from record `key` of `kind` (uuid5)."""
    return str(uuid.uuid5(namespace, f"{kind}/{key}"))


def full_url(resource: dict[str, Any]) -> str:
    return f"urn:uuid:{resource['id']}"


def _ref(resource: dict[str, Any]) -> dict[str, str]:
    return {"reference": full_url(resource)}


def local_instant(instant: datetime, timezone: str) -> str:
    """An aware instant as a FHIR dateTime in the patient's zone, with its offset then."""
    return instant.astimezone(ZoneInfo(timezone)).isoformat(timespec="seconds")


def _utc_instant(instant: datetime) -> str:
    return instant.isoformat(timespec="seconds")


def _coding(system: str, code: str, display: str | None = None) -> dict[str, str]:
    coding = {"system": system, "code": code}
    if display:
        coding["display"] = display
    return coding


def _category(code: str, display: str) -> list[dict[str, Any]]:
    return [{"coding": [_coding(CATEGORY_SYSTEM, code, display)]}]


def _quantity(value: float, unit: dict[str, str]) -> dict[str, Any]:
    return {"value": value, **unit}


def patient_resource(namespace: uuid.UUID, patient: PatientRecord) -> dict[str, Any]:
    identifiers: list[dict[str, Any]] = [{"system": PATIENT_ID_SYSTEM, "value": str(patient.id)}]
    if patient.external_id:
        identifiers.append(
            {
                "type": {
                    "coding": [_coding(IDENTIFIER_TYPE_SYSTEM, "MR", "Medical record number")]
                },
                "value": patient.external_id,
            }
        )
    return {
        "resourceType": "Patient",
        "id": resource_id(namespace, "Patient", patient.id),
        "identifier": identifiers,
        "active": True,
        "name": [{"text": patient.display_name}],
        "managingOrganization": {"display": patient.clinic_name},
    }


def questionnaire_resource(namespace: uuid.UUID, instrument: Instrument) -> dict[str, Any]:
    """The instrument reproduced unaltered (texts, LOINC codes, copyright line) as a Questionnaire.

    Source: clinical.md "PHQ-9 (depression)", "GAD-7 (anxiety)"; item linkIds are the LOINC item
    codes and the answers the LOINC LA codes.
    """
    options = [{"valueCoding": _option_coding(option)} for option in instrument.options]
    items = [
        {
            "linkId": item.loinc,
            "code": [_coding(LOINC_SYSTEM, item.loinc)],
            "prefix": f"{item.number}.",
            "text": item.text,
            "type": "choice",
            "required": True,
            "answerOption": options,
        }
        for item in instrument.items
    ]
    items += [
        {
            "linkId": extra.loinc,
            "code": [_coding(LOINC_SYSTEM, extra.loinc)],
            "text": extra.text,
            "type": "choice",
            "required": False,
            "answerOption": [{"valueCoding": _option_coding(option)} for option in extra.options],
        }
        for extra in filter(None, [instrument.difficulty_item])
    ]
    return {
        "resourceType": "Questionnaire",
        "id": resource_id(namespace, "Questionnaire", instrument.code),
        "url": questionnaire_url(instrument.code),
        "version": QUESTIONNAIRE_VERSION,
        "name": instrument.short_title.replace("-", ""),
        "title": instrument.title,
        "status": "active",
        "subjectType": ["Patient"],
        "description": instrument.stem,
        "copyright": instrument.copyright,
        "code": [_coding(LOINC_SYSTEM, instrument.panel_loinc, instrument.short_title)],
        "item": items,
    }


def questionnaire_url(instrument_code: str) -> str:
    return QUESTIONNAIRE_URL.format(code=instrument_code)


def daily_observations(
    namespace: uuid.UUID, patient: dict[str, Any], timezone: str, checkin: CheckInRecord
) -> list[dict[str, Any]]:
    """One survey Observation per daily score (mood, anxiety, pain) of a check-in, one for
    the self-harm question when it was answered, one per side effect reported (its severity a
    component coded as FHIR's condition-severity value set) and one for the patient's note.

    Source: clinical.md "FHIR R4 mapping" (pain LOINC 72514-3, mood and anxiety in the local
    code system of clinical.daily). A late entry describes an earlier day: its effective time
    is that local date, and `issued` says when it was submitted.
    """
    effective = (
        checkin.local_date.isoformat()
        if checkin.late_entry
        else local_instant(checkin.submitted_at, timezone)
    )

    def observation(key: str, coding: tuple[str, str, str], text: str, **value: Any):
        return {
            "resourceType": "Observation",
            "id": resource_id(namespace, f"Observation/checkin-{key}", checkin.id),
            "status": "final",
            "category": _category("survey", "Survey"),
            "code": {"coding": [_coding(*coding)], "text": text},
            "subject": _ref(patient),
            "effectiveDateTime": effective,
            "issued": _utc_instant(checkin.submitted_at),
            "performer": [_ref(patient)],
            **value,
        }

    observations = [
        observation(
            scale,
            (FHIR_CODINGS[scale].system, FHIR_CODINGS[scale].code, FHIR_CODINGS[scale].display),
            SCALES[scale].label,
            valueQuantity=_quantity(getattr(checkin, scale), SCORE_UNIT),
        )
        for scale in SCALES
    ]
    if checkin.self_harm_thoughts is not None:
        observations.append(
            observation(
                "self-harm",
                SELF_HARM_CODING,
                "Thoughts of self-harm",
                valueBoolean=checkin.self_harm_thoughts,
            )
        )
    for index, effect in enumerate(checkin.side_effects):
        severity = effect["severity"]
        observations.append(
            observation(
                f"side-effect-{index}",
                SIDE_EFFECT_CODING,
                "Side effect",
                valueCodeableConcept={
                    "coding": [_coding(SIDE_EFFECT_SYSTEM, effect["name"])],
                    "text": effect["name"].replace("_", " "),
                },
                component=[
                    {
                        "code": {"coding": [_coding(*SEVERITY_CODING)]},
                        "valueCodeableConcept": {
                            "coding": [
                                _coding(SNOMED_SYSTEM, SEVERITY_SNOMED[severity], severity.title())
                            ],
                            "text": severity,
                        },
                    }
                ],
            )
        )
    if checkin.note:
        observations.append(observation("note", NOTE_CODING, "Note", valueString=checkin.note))
    return observations


def questionnaire_resources(
    namespace: uuid.UUID,
    patient: dict[str, Any],
    timezone: str,
    response: QuestionnaireRecord,
) -> list[dict[str, Any]]:
    """A PHQ-9/GAD-7 as a QuestionnaireResponse, its panel, total and item Observations.

    Source: clinical.md "FHIR R4 mapping" (US Core screening-assessment pattern): the panel
    (44249-1 / 69737-5) has the total (44261-6 / 70274-6, a number) and the items as members,
    and every Observation is derived from the QuestionnaireResponse.
    """
    instrument = INSTRUMENTS[response.instrument]
    authored = local_instant(response.submitted_at, timezone)
    options = {option.value: option for option in instrument.options}
    kind = f"questionnaire-{response.id}"
    answered = list(zip(instrument.items, response.answers, strict=True))
    qr = {
        "resourceType": "QuestionnaireResponse",
        "id": resource_id(namespace, "QuestionnaireResponse", response.id),
        "questionnaire": questionnaire_url(instrument.code),
        "status": "completed",
        "subject": _ref(patient),
        "authored": authored,
        "author": _ref(patient),
        "source": _ref(patient),
        "item": [
            {
                "linkId": item.loinc,
                "text": item.text,
                "answer": [{"valueCoding": _option_coding(options[answer])}],
            }
            for item, answer in answered
        ],
    }
    difficulty = _difficulty_answer(instrument, response.difficulty)
    if difficulty is not None:
        qr["item"].append(
            {
                "linkId": difficulty[0].loinc,
                "text": difficulty[0].text,
                "answer": [{"valueCoding": _option_coding(difficulty[1])}],
            }
        )

    def observation(key: str, code: dict[str, Any], **fields: Any) -> dict[str, Any]:
        return {
            "resourceType": "Observation",
            "id": resource_id(namespace, f"Observation/{kind}", key),
            "status": "final",
            "category": _category("survey", "Survey"),
            "code": code,
            "subject": _ref(patient),
            "effectiveDateTime": authored,
            "issued": _utc_instant(response.submitted_at),
            "performer": [_ref(patient)],
            **fields,
            "derivedFrom": [_ref(qr)],
        }

    band = next(b for b in instrument.bands if b.code == response.severity)
    total = observation(
        "total",
        {
            "coding": [_coding(LOINC_SYSTEM, instrument.total_loinc)],
            "text": f"{instrument.short_title} total score",
        },
        valueQuantity=_quantity(response.total, SCORE_UNIT),
        interpretation=[{"text": band.label}],
    )
    item_observations = [
        observation(
            f"item-{item.number}",
            {"coding": [_coding(LOINC_SYSTEM, item.loinc)], "text": item.text},
            valueCodeableConcept={
                "coding": [_option_coding(options[answer])],
                "text": options[answer].text,
            },
        )
        for item, answer in answered
    ]
    if difficulty is not None:
        extra, option = difficulty
        item_observations.append(
            observation(
                "difficulty",
                {"coding": [_coding(LOINC_SYSTEM, extra.loinc)], "text": extra.text},
                valueCodeableConcept={"coding": [_option_coding(option)], "text": option.text},
            )
        )
    panel = observation(
        "panel",
        {
            "coding": [_coding(LOINC_SYSTEM, instrument.panel_loinc)],
            "text": instrument.title,
        },
        hasMember=[_ref(total)] + [_ref(o) for o in item_observations],
    )
    return [qr, panel, total, *item_observations]


def _difficulty_answer(
    instrument: Instrument, answer: int | None
) -> tuple[UnscoredItem, AnswerOption] | None:
    """The unscored difficulty item (PHQ-9, LOINC 69722-7) and its chosen option, if answered.

    It belongs to the PHQ-9 panel (44249-1) as a member but never to the total.
    """
    extra = instrument.difficulty_item
    if extra is None or answer is None:
        return None
    return extra, next(option for option in extra.options if option.value == answer)


def _option_coding(option: AnswerOption) -> dict[str, str]:
    return _coding(LOINC_SYSTEM, option.loinc, option.text)


def _side_effect_text(effect: dict[str, str]) -> str:
    return f"{effect.get('name', '')}: {effect.get('severity', '')}"


def _session_notes(session: SessionRecord) -> list[dict[str, str]]:
    dose = f"Dose {session.dose_mg:g} mg"
    if session.dose_mg_per_kg is not None:
        dose += f" ({session.dose_mg_per_kg:g} mg/kg)"
    dose += f", route {session.route}, {session.phase} phase"
    if session.duration_min is not None:
        dose += f", {session.duration_min} min"
    notes = [{"text": dose + "."}]
    if session.dissociation_score is not None:
        scale = session.dissociation_scale or "unnamed scale"
        notes.append({"text": f"Dissociation ({scale}): {session.dissociation_score}."})
    if session.notes:
        notes.append({"text": session.notes})
    return notes


def procedure_resource(
    namespace: uuid.UUID, patient: dict[str, Any], timezone: str, session: SessionRecord
) -> dict[str, Any]:
    """A treatment session as a completed Procedure: dose, route, phase and notes as text.

    Source: clinical.md "FHIR R4 mapping" (sessions as Procedure); no extensions are used, so
    any R4 system reads it.
    """
    performed = {"start": local_instant(session.started_at, timezone)}
    if session.discharged_at is not None:
        performed["end"] = local_instant(session.discharged_at, timezone)
    label = MODALITY_LABELS.get(session.modality, session.modality)
    procedure: dict[str, Any] = {
        "resourceType": "Procedure",
        "id": resource_id(namespace, "Procedure", session.id),
        "status": "completed",
        "code": {"coding": [_coding(MODALITY_SYSTEM, session.modality, label)], "text": label},
        "subject": _ref(patient),
        "performedPeriod": performed,
        "note": _session_notes(session),
    }
    if session.side_effects:
        procedure["complication"] = [
            {
                "coding": [_coding(SIDE_EFFECT_SYSTEM, effect["name"])],
                "text": _side_effect_text(effect),
            }
            for effect in session.side_effects
        ]
    return procedure


def vital_sign_observations(
    namespace: uuid.UUID,
    patient: dict[str, Any],
    timezone: str,
    session: SessionRecord,
    procedure: dict[str, Any],
) -> list[dict[str, Any]]:
    """The session's blood pressures, heart rates and lowest SpO2 as vital-signs Observations.

    Source: clinical.md "FHIR R4 mapping" (85354-9 with 8480-6 and 8462-4 in mm[Hg]; 8867-4
    /min; 59408-5 %). Each is `partOf` the Procedure (R4 allows Procedure there, not in
    `derivedFrom`). Pre-dose readings are at the start, discharge readings at discharge; the
    peak and the lowest SpO2 were taken sometime during the session (a period).
    """
    start = local_instant(session.started_at, timezone)
    end = local_instant(session.discharged_at, timezone) if session.discharged_at else None
    during = {"effectivePeriod": {"start": start, **({"end": end} if end else {})}}
    when = {
        "pre": {"effectiveDateTime": start},
        "peak": during,
        "discharge": {"effectiveDateTime": end} if end else during,
    }

    def observation(key: str, codings: Iterable[tuple[str, str]], text: str, **fields: Any):
        return {
            "resourceType": "Observation",
            "id": resource_id(namespace, f"Observation/session-{session.id}", key),
            "status": "final",
            "category": _category("vital-signs", "Vital Signs"),
            "code": {"coding": [_coding(LOINC_SYSTEM, c, d) for c, d in codings], "text": text},
            "subject": _ref(patient),
            "partOf": [_ref(procedure)],
            **fields,
        }

    observations = []
    for moment, label in MOMENTS.items():
        systolic = getattr(session, f"bp_{moment}_systolic")
        diastolic = getattr(session, f"bp_{moment}_diastolic")
        components = [
            {
                "code": {"coding": [_coding(LOINC_SYSTEM, *code)]},
                "valueQuantity": _quantity(v, MMHG),
            }
            for code, v in ((SYSTOLIC, systolic), (DIASTOLIC, diastolic))
            if v is not None
        ]
        if components:
            observations.append(
                observation(
                    f"bp-{moment}",
                    [BLOOD_PRESSURE],
                    "Blood pressure",
                    **when[moment],
                    note=[{"text": label}],
                    component=components,
                )
            )
        heart_rate = getattr(session, f"hr_{moment}")
        if heart_rate is not None:
            observations.append(
                observation(
                    f"hr-{moment}",
                    [HEART_RATE],
                    "Heart rate",
                    **when[moment],
                    note=[{"text": label}],
                    valueQuantity=_quantity(heart_rate, PER_MINUTE),
                )
            )
    if session.spo2_min is not None:
        observations.append(
            observation(
                "spo2-min",
                SPO2,
                "Oxygen saturation",
                **during,
                note=[{"text": "Lowest during the session"}],
                valueQuantity=_quantity(session.spo2_min, PERCENT),
            )
        )
    return observations


def patient_bundle(
    namespace: uuid.UUID,
    patient: PatientRecord,
    checkins: Iterable[CheckInRecord],
    questionnaires: Iterable[QuestionnaireRecord],
    sessions: Iterable[SessionRecord],
    timestamp: datetime,
) -> dict[str, Any]:
    """The patient's record as a FHIR R4 Bundle of type `collection`.

    Source: clinical.md "FHIR R4 mapping". Entries: the Patient, the PHQ-9 and GAD-7
    Questionnaires, three Observations per check-in, per questionnaire its response, panel,
    total and items, per session its Procedure and vital signs. References are the entries'
    `urn:uuid:` fullUrls.
    """
    subject = patient_resource(namespace, patient)
    zone = patient.timezone
    resources: list[dict[str, Any]] = [subject]
    resources += [questionnaire_resource(namespace, i) for i in INSTRUMENTS.values()]
    for checkin in checkins:
        resources += daily_observations(namespace, subject, zone, checkin)
    for response in questionnaires:
        resources += questionnaire_resources(namespace, subject, zone, response)
    for session in sessions:
        procedure = procedure_resource(namespace, subject, zone, session)
        resources.append(procedure)
        resources += vital_sign_observations(namespace, subject, zone, session, procedure)
    return {
        "resourceType": "Bundle",
        "id": resource_id(namespace, "Bundle", f"patient-{patient.id}-{timestamp.isoformat()}"),
        "type": "collection",
        "timestamp": _utc_instant(timestamp),
        "entry": [{"fullUrl": full_url(r), "resource": r} for r in resources],
    }

"""Exports: a patient's record as a FHIR R4 Bundle or CSV, and the clinic's research CSV.

Every export is audited before it is produced. The clinic export is a generator that reads
the database in batches (`yield_per`), so its memory does not grow with the clinic's history.
"""

import csv
import hashlib
import hmac
import io
import json
import re
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import Select, select

from clinical import fhir
from clinical.instruments import INSTRUMENTS
from models import (
    CheckIn,
    Patient,
    QuestionnaireResponse,
    TreatmentSession,
    User,
    begin_write,
    db,
    utcnow,
)
from services import audit
from services.errors import InvalidInput, PermissionDenied
from services.patients import require_staff, resolve_patient

EXPORT_KINDS = ("checkins", "questionnaires", "sessions")
FHIR_MEDIA_TYPE = "application/fhir+json"
CSV_MEDIA_TYPE = "text/csv"
# Excel reads a CSV as UTF-8 only when it starts with a byte-order mark.
BOM = "\ufeff"
# Rows written between two chunks of the streamed clinic export.
STREAM_BATCH_ROWS = 200
# Dates of the research export move by ±1..180 days, per patient.
MAX_DATE_SHIFT_DAYS = 180
PSEUDONYM_LENGTH = 16

# A spreadsheet runs a cell starting with one of these as a formula (OWASP "CSV Injection").
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"-?\d+(\.\d+)?")
MAX_ITEMS = max(len(i.items) for i in INSTRUMENTS.values())
ITEM_COLUMNS = tuple(f"item_{n}" for n in range(1, MAX_ITEMS + 1))
VITALS = (
    "bp_pre_systolic", "bp_pre_diastolic", "bp_peak_systolic", "bp_peak_diastolic",
    "bp_discharge_systolic", "bp_discharge_diastolic", "hr_pre", "hr_peak", "hr_discharge",
    "spo2_min",
)  # fmt: skip
SESSION_TREATMENT = ("modality", "route", "phase", "dose_mg", "dose_mg_per_kg", "duration_min")


@dataclass(frozen=True)
class ExportFile:
    """What to send: a file name (never the patient's name), its media type and its bytes.

    `body` is bytes for a patient's export and an iterator of byte chunks for the clinic's.
    """

    filename: str
    media_type: str
    body: bytes | Iterator[bytes]


def _check_kind(kind: str) -> None:
    if kind not in EXPORT_KINDS:
        raise InvalidInput({"kind": [f"Must be one of: {', '.join(EXPORT_KINDS)}."]})


def _audit(actor: User, action: str, resource: str, patient_id: int | None = None) -> None:
    begin_write()
    audit.record(action, actor=actor, patient_id=patient_id, resource=resource)
    db.session.commit()


def _secret() -> bytes:
    return current_app.config["SECRET_KEY"].encode()


def _digest(purpose: str, value: object) -> bytes:
    return hmac.new(_secret(), f"{purpose}:{value}".encode(), hashlib.sha256).digest()


def fhir_namespace() -> uuid.UUID:
    """This installation's uuid5 namespace: resource ids are stable here and unlike elsewhere."""
    return uuid.UUID(bytes=_digest("fhir-namespace", "v1")[:16])


# --- CSV cells --------------------------------------------------------------------------


def csv_cell(value: Any) -> str:
    """One cell as text: no objects, and nothing a spreadsheet would run as a formula.

    Text starting with = + - @ tab or CR gets a leading apostrophe (OWASP "CSV Injection"),
    except a plain negative number.
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, date | datetime):
        return value.isoformat()
    text = str(value)
    if text.startswith(FORMULA_PREFIXES) and not PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


def side_effects_cell(effects: Sequence[dict[str, str]] | None) -> str:
    """Side effects as "nausea:mild; headache:severe" (no objects in cells)."""
    return "; ".join(f"{e.get('name', '')}:{e.get('severity', '')}" for e in effects or ())


def _instants(instant: datetime | None, zone: ZoneInfo) -> tuple[str, str]:
    if instant is None:
        return "", ""
    return instant.isoformat(timespec="seconds"), instant.astimezone(zone).isoformat(
        timespec="seconds"
    )


def _writer() -> tuple[io.StringIO, Any]:
    buffer = io.StringIO()
    return buffer, csv.writer(buffer, lineterminator="\r\n")


def _row(values: Sequence[Any]) -> list[str]:
    return [csv_cell(v) for v in values]


def _drain(buffer: io.StringIO) -> bytes:
    chunk = buffer.getvalue().encode("utf-8")
    buffer.seek(0)
    buffer.truncate()
    return chunk


# --- one patient --------------------------------------------------------------------------

CHECKIN_COLUMNS = (
    "local_date", "submitted_at_utc", "submitted_at_local", "timezone", "mood", "anxiety",
    "pain", "side_effects", "self_harm_thoughts", "late_entry", "revision", "note",
)  # fmt: skip
QUESTIONNAIRE_COLUMNS = (
    "local_date", "submitted_at_utc", "submitted_at_local", "timezone", "instrument", "total",
    "severity", *ITEM_COLUMNS, "difficulty",
)  # fmt: skip
SESSION_COLUMNS = (
    "session_id", "local_date", "started_at_utc", "started_at_local", "timezone",
    *SESSION_TREATMENT, *VITALS, "dissociation_score", "dissociation_scale", "side_effects",
    "discharged_at_utc", "discharged_at_local", "notes", "revision", "recorded_by_id",
    "updated_at_utc",
)  # fmt: skip


def _items(answers: Sequence[int]) -> list[int | None]:
    return [*answers, *([None] * (MAX_ITEMS - len(answers)))]


def _checkin_rows(patient: Patient) -> Iterator[list[Any]]:
    zone = ZoneInfo(patient.timezone)
    query = select(CheckIn).where(CheckIn.patient_id == patient.id).order_by(CheckIn.local_date)
    for c in db.session.scalars(query):
        yield [
            c.local_date, *_instants(c.submitted_at, zone), patient.timezone, c.mood, c.anxiety,
            c.pain, side_effects_cell(c.side_effects), c.self_harm_thoughts, c.late_entry,
            c.revision, c.note,
        ]  # fmt: skip


def _questionnaire_rows(patient: Patient) -> Iterator[list[Any]]:
    zone = ZoneInfo(patient.timezone)
    for q in _questionnaires(patient.id):
        yield [
            q.local_date, *_instants(q.submitted_at, zone), patient.timezone, q.instrument,
            q.total, q.severity, *_items(q.answers), q.difficulty,
        ]  # fmt: skip


def _session_rows(patient: Patient) -> Iterator[list[Any]]:
    zone = ZoneInfo(patient.timezone)
    for s in _sessions(patient.id):
        yield [
            s.id, s.local_date, *_instants(s.started_at, zone), patient.timezone,
            *(getattr(s, name) for name in (*SESSION_TREATMENT, *VITALS)),
            s.dissociation_score, s.dissociation_scale, side_effects_cell(s.side_effects),
            *_instants(s.discharged_at, zone), s.notes, s.revision, s.recorded_by_id,
            s.updated_at.isoformat(timespec="seconds"),
        ]  # fmt: skip


PATIENT_TABLES: dict[str, tuple[tuple[str, ...], Callable[[Patient], Iterator[list[Any]]]]] = {
    "checkins": (CHECKIN_COLUMNS, _checkin_rows),
    "questionnaires": (QUESTIONNAIRE_COLUMNS, _questionnaire_rows),
    "sessions": (SESSION_COLUMNS, _session_rows),
}


def patient_csv(
    actor: User, pid: str | int, kind: str = "checkins", now: datetime | None = None
) -> ExportFile:
    """One row per check-in, questionnaire or session of a patient, as UTF-8 CSV (staff)."""
    now = now or utcnow()
    require_staff(actor)
    _check_kind(kind)
    patient = resolve_patient(actor, pid)
    columns, rows = PATIENT_TABLES[kind]
    buffer, writer = _writer()
    writer.writerow(columns)
    for row in rows(patient):
        writer.writerow(_row(row))
    _audit(actor, "export.csv", f"patients/{patient.id}/export.csv?kind={kind}", patient.id)
    return ExportFile(
        f"patient-{patient.id}-{kind}-{now.date().isoformat()}.csv",
        CSV_MEDIA_TYPE,
        (BOM + buffer.getvalue()).encode("utf-8"),
    )


# --- FHIR ----------------------------------------------------------------------------------


def _questionnaires(patient_id: int) -> list[QuestionnaireResponse]:
    query = (
        select(QuestionnaireResponse)
        .where(QuestionnaireResponse.patient_id == patient_id)
        .order_by(QuestionnaireResponse.submitted_at, QuestionnaireResponse.id)
    )
    return list(db.session.scalars(query))


def _sessions(patient_id: int) -> list[TreatmentSession]:
    query = (
        select(TreatmentSession)
        .where(TreatmentSession.patient_id == patient_id)
        .order_by(TreatmentSession.started_at, TreatmentSession.id)
    )
    return list(db.session.scalars(query))


def _session_record(s: TreatmentSession) -> fhir.SessionRecord:
    names = [f.name for f in fhir.SessionRecord.__dataclass_fields__.values()]
    return fhir.SessionRecord(**{name: getattr(s, name) for name in names})


def fhir_bundle(actor: User, pid: str | int, now: datetime | None = None) -> ExportFile:
    """The patient's record as a FHIR R4 Bundle (collection), as JSON (staff)."""
    now = now or utcnow()
    require_staff(actor)
    patient = resolve_patient(actor, pid)
    checkins = db.session.execute(
        select(
            CheckIn.id,
            CheckIn.local_date,
            CheckIn.submitted_at,
            CheckIn.mood,
            CheckIn.anxiety,
            CheckIn.pain,
            CheckIn.late_entry,
            CheckIn.self_harm_thoughts,
            CheckIn.side_effects,
            CheckIn.note,
        )
        .where(CheckIn.patient_id == patient.id)
        .order_by(CheckIn.local_date)
    )
    bundle = fhir.patient_bundle(
        fhir_namespace(),
        fhir.PatientRecord(
            id=patient.id,
            display_name=patient.display_name,
            timezone=patient.timezone,
            clinic_name=patient.clinic.name,
            external_id=patient.external_id,
        ),
        [fhir.CheckInRecord(**row._asdict()) for row in checkins],
        [
            fhir.QuestionnaireRecord(
                q.id,
                q.instrument,
                list(q.answers),
                q.total,
                q.severity,
                q.submitted_at,
                q.difficulty,
            )
            for q in _questionnaires(patient.id)
        ],
        [_session_record(s) for s in _sessions(patient.id)],
        timestamp=now,
    )
    _audit(actor, "export.fhir", f"patients/{patient.id}/fhir", patient.id)
    body = json.dumps(bundle, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return ExportFile(
        f"patient-{patient.id}-fhir-{now.date().isoformat()}.json", FHIR_MEDIA_TYPE, body
    )


# --- the clinic, for research ------------------------------------------------------------


def pseudonym(patient_id: int) -> str:
    """A patient's research id: a keyed hash (SECRET_KEY) of the id, not reversible without it."""
    return _digest("research-patient", patient_id).hex()[:PSEUDONYM_LENGTH]


def date_shift_days(patient_id: int) -> int:
    """The patient's stable date shift, ±1..180 days (never 0), derived from a keyed hash."""
    number = int.from_bytes(_digest("research-date-shift", patient_id)[:4], "big")
    days = number % MAX_DATE_SHIFT_DAYS + 1
    return days if number & 0x80000000 else -days


CLINIC_COLUMNS = {
    "checkins": (
        "patient", "local_date", "local_time", "mood", "anxiety", "pain", "side_effects",
        "self_harm_thoughts", "late_entry", "revision",
    ),
    "questionnaires": (
        "patient", "local_date", "local_time", "instrument", "total", "severity", *ITEM_COLUMNS,
        "difficulty",
    ),
    "sessions": (
        "patient", "local_date", "local_time", *SESSION_TREATMENT, *VITALS,
        "dissociation_score", "dissociation_scale", "side_effects", "discharged_after_min",
    ),
}  # fmt: skip


def _clinic_query(kind: str, clinic_id: int) -> Select:
    columns: tuple[Any, ...]
    if kind == "checkins":
        model, at = CheckIn, CheckIn.submitted_at
        columns = (
            CheckIn.mood, CheckIn.anxiety, CheckIn.pain, CheckIn.side_effects,
            CheckIn.self_harm_thoughts, CheckIn.late_entry, CheckIn.revision,
        )  # fmt: skip
    elif kind == "questionnaires":
        model, at = QuestionnaireResponse, QuestionnaireResponse.submitted_at
        columns = (
            QuestionnaireResponse.instrument, QuestionnaireResponse.total,
            QuestionnaireResponse.severity, QuestionnaireResponse.answers,
            QuestionnaireResponse.difficulty,
        )  # fmt: skip
    else:
        model, at = TreatmentSession, TreatmentSession.started_at
        columns = (
            *(getattr(TreatmentSession, n) for n in (*SESSION_TREATMENT, *VITALS)),
            TreatmentSession.dissociation_score, TreatmentSession.dissociation_scale,
            TreatmentSession.side_effects, TreatmentSession.discharged_at,
        )  # fmt: skip
    return (
        select(model.patient_id, Patient.timezone, model.local_date, at, *columns)
        .join(Patient, Patient.id == model.patient_id)
        .where(Patient.clinic_id == clinic_id)
        .order_by(model.patient_id, model.local_date, model.id)
    )


def _clinic_values(kind: str, row: Any) -> list[Any]:
    rest = list(row[4:])
    if kind == "checkins":
        rest[3] = side_effects_cell(rest[3])
    elif kind == "questionnaires":
        rest = [*rest[:3], *_items(rest[3]), rest[4]]
    else:
        started_at, discharged_at = row[3], rest[-1]
        rest[-2] = side_effects_cell(rest[-2])
        rest[-1] = (
            round((discharged_at - started_at).total_seconds() / 60)
            if discharged_at is not None
            else None
        )
    return rest


def _clinic_rows(kind: str, clinic_id: int, shift_dates: bool) -> Iterator[bytes]:
    # The mark goes out on its own: a non-Latin-1 character in the buffer would make it 4 bytes
    # a character from then on.
    yield BOM.encode("utf-8")
    buffer, writer = _writer()
    writer.writerow(CLINIC_COLUMNS[kind])
    yield _drain(buffer)
    current: int | None = None
    patient, shift = "", timedelta(0)
    result = db.session.execute(
        _clinic_query(kind, clinic_id).execution_options(yield_per=STREAM_BATCH_ROWS)
    )
    try:
        for batch in result.partitions():
            for row in batch:
                if row[0] != current:
                    current = row[0]
                    patient = pseudonym(current)
                    shift = timedelta(days=date_shift_days(current) if shift_dates else 0)
                local_time = row[3].astimezone(ZoneInfo(row[1])).strftime("%H:%M")
                values = [patient, row[2] + shift, local_time, *_clinic_values(kind, row)]
                writer.writerow(_row(values))
            yield _drain(buffer)
    finally:
        result.close()
        db.session.rollback()


def clinic_csv(
    actor: User, kind: str = "checkins", shift_dates: bool = True, now: datetime | None = None
) -> ExportFile:
    """The clinic's records for research (admins): pseudonymous ids, no names, notes or
    external ids, each patient's dates moved by their own stable shift when `shift_dates`.

    The body is a generator: rows are read `STREAM_BATCH_ROWS` at a time as it is consumed.
    """
    now = now or utcnow()
    if actor.role != "admin":
        raise PermissionDenied("Only a clinic admin may export the clinic's data.")
    _check_kind(kind)
    clinic_id = actor.clinic_id
    _audit(
        actor,
        "export.clinic_csv",
        f"exports/clinic.csv?kind={kind}&date_shift={str(shift_dates).lower()}",
    )
    return ExportFile(
        f"clinic-{clinic_id}-{kind}-research-{now.date().isoformat()}.csv",
        CSV_MEDIA_TYPE,
        _clinic_rows(kind, clinic_id, shift_dates),
    )

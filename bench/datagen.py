"""Synthetic clinics: N patients with D days of realistic ketamine courses, inserted in bulk.

Each patient follows the course shape of services/demo.py: a pre-treatment baseline, an
induction of six infusions over about two weeks that lifts mood and eases anxiety (and pain for
pain patients), then boosters every 24-30 days for those who respond, the effect fading between
them. Daily check-ins follow the relief with noise and the patient's adherence (some days are
missed, a few are corrected: a second revision); PHQ-9 and GAD-7 every 14 days with totals that
follow the daily scores; a treatment session with its monitoring on each infusion day; a few
open alerts; reminder settings, push subscriptions and the last week's reminder deliveries.

Rows are written day by day across all patients, the order in which a live clinic's check-ins
arrive, so one patient's history is spread over the table's pages as it is in production.
Inserts are bulk: COPY (psycopg) on PostgreSQL, SQLAlchemy Core executemany on SQLite. Appending
to a database that already holds patients adds new clinics.

    python -m bench.datagen --patients 10000 --days 365 \
        --database-url postgresql://postgres@127.0.0.1/bench_big --create
"""

from __future__ import annotations

import argparse
import base64
import json
import math
import os
import random
import secrets
import tempfile
import time as clock
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from sqlalchemy import JSON, Engine, create_engine, func, select, text

from clinical.instruments import score
from config import normalize_database_url
from models import Base
from services.auth import token_digest
from services.reminders.times import next_reminder_after, parse_local_time

# Where patients live, roughly as a North American clinic network's would.
ZONES = (
    ("America/New_York", 0.35),
    ("America/Chicago", 0.2),
    ("America/Denver", 0.08),
    ("America/Los_Angeles", 0.2),
    ("Europe/London", 0.1),
    ("Australia/Sydney", 0.07),
)
FIRST_NAMES = ("Alex", "Sam", "Jordan", "Taylor", "Morgan", "Casey", "Riley", "Jamie", "Avery")
LAST_NAMES = ("Rivera", "Chen", "Patel", "Brooks", "Lee", "Nguyen", "Garcia", "Smith", "Kim")
INDUCTION_OFFSETS = (0, 2, 4, 7, 9, 11)
QUESTIONNAIRE_EVERY = 14
CORRECTION_SHARE = 0.02  # check-ins corrected the same evening (a second revision)
DELIVERY_HISTORY_DAYS = 7
CHUNK_DAYS = 20  # days of check-ins buffered per COPY


@dataclass(frozen=True)
class Course:
    """One synthetic patient's profile and infusion days (0 = first day of history)."""

    zone: str
    responder: float  # 0 none .. 1 strong
    pain_patient: bool
    adherence: float  # chance of checking in on a given day
    infusions: tuple[int, ...]
    reminder_time: str | None  # None: reminders off


def make_course(rng: random.Random, days: int) -> Course:
    zone = rng.choices([z for z, _ in ZONES], weights=[w for _, w in ZONES])[0]
    responder = min(1.0, max(0.0, rng.betavariate(2.2, 1.4)))
    first = rng.randint(10, 40)
    infusions = [first + offset for offset in INDUCTION_OFFSETS]
    if responder >= 0.3:  # those who respond come back for boosters when the effect fades
        day = infusions[-1] + rng.randint(20, 30)
        while day < days:
            infusions.append(day)
            day += rng.randint(24, 30)
    reminders = rng.random() < 0.8
    at = f"{rng.randint(8, 21):02d}:{rng.choice((0, 15, 30, 45)):02d}" if reminders else None
    return Course(
        zone=zone,
        responder=responder,
        pain_patient=rng.random() < 0.3,
        adherence=rng.uniform(0.6, 0.98),
        infusions=tuple(d for d in infusions if d < days),
        reminder_time=at,
    )


def relief(course: Course, day: int, last_index: int) -> float:
    """services/demo.py's `_effect`: the latest infusion dominates (shortest age, longest
    half-life, largest course bonus), so only it is looked at."""
    if last_index < 0:
        return 0.0
    age = day - course.infusions[last_index]
    half_life = 6 + 2 * min(last_index, 5)
    return min(1.0, (0.5 ** (age / half_life) + 0.08 * min(last_index, 5)) * course.responder)


def _clamp(value: float) -> int:
    return 0 if value < 0 else 10 if value > 10 else round(value)


def daily_scores(course: Course, r: float, rng: random.Random) -> tuple[int, int, int]:
    mood = 3 + 5 * r + rng.gauss(0, 0.8)
    anxiety = 7 - 4.5 * r + rng.gauss(0, 0.8)
    pain = (7 - 4 * r if course.pain_patient else 2 - r) + rng.gauss(0, 0.7)
    return _clamp(mood), _clamp(anxiety), _clamp(pain)


def _spread(total: int, items: int, rng: random.Random) -> list[int]:
    """Item answers (0-3) adding up to `total`."""
    answers = [0] * items
    order = list(range(items))
    rng.shuffle(order)
    step = 0
    while total > 0:
        item = order[step % items]
        if answers[item] < 3:
            answers[item] += 1
            total -= 1
        step += 1
    return answers


def _uuid(rng: random.Random) -> str:
    """A random UUID's text (what the app's clients send as submit_id)."""
    h = f"{rng.getrandbits(128):032x}"
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-a{h[17:20]}-{h[20:]}"


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def push_key_pool(size: int = 16) -> list[str]:
    """Real P-256 public points: the sender encrypts to them, so they must be on the curve."""
    keys = []
    for _ in range(size):
        point = (
            ec.generate_private_key(ec.SECP256R1())
            .public_key()
            .public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
        )
        keys.append(_b64(point))
    return keys


# -- writing rows -----------------------------------------------------------------------------


class Sink:
    """Bulk INSERT of plain tuples: COPY on PostgreSQL, Core executemany on SQLite."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.postgres = engine.dialect.name == "postgresql"
        self.connection = engine.connect()
        self.transaction = self.connection.begin()
        self.counts: dict[str, int] = {}

    def next_id(self, table: str, column: str = "id") -> int:
        found = self.connection.scalar(select(func.max(Base.metadata.tables[table].c[column])))
        return (found or 0) + 1

    def write(self, table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
        if not rows:
            return
        self.counts[table] = self.counts.get(table, 0) + len(rows)
        meta = Base.metadata.tables[table]
        if not self.postgres:
            self.connection.execute(
                meta.insert(), [dict(zip(columns, r, strict=True)) for r in rows]
            )
            return
        json_at = [i for i, c in enumerate(columns) if isinstance(meta.c[c].type, JSON)]
        cursor = self.connection.connection.driver_connection.cursor()
        with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            if not json_at:
                for row in rows:
                    copy.write_row(row)
            else:
                for row in rows:
                    row = list(row)
                    for i in json_at:
                        value = row[i]
                        row[i] = "[]" if value == [] else json.dumps(value, separators=(",", ":"))
                    copy.write_row(row)

    def commit(self) -> None:
        if self.postgres:
            # COPY with explicit ids leaves the sequences behind; bring them up to date.
            for table in self.counts:
                if "id" in Base.metadata.tables[table].c:
                    self.connection.execute(
                        text(
                            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                            f"(SELECT coalesce(max(id), 1) FROM {table}))"
                        )
                    )
        self.transaction.commit()
        self.connection.close()


# -- the generator ----------------------------------------------------------------------------


@dataclass
class Generated:
    """What was added: ids to benchmark with, row counts and the time it took."""

    clinic_ids: list[int] = field(default_factory=list)
    clinic_patients: dict[int, list[int]] = field(default_factory=dict)
    patient_ids: list[int] = field(default_factory=list)
    patient_user: dict[int, int] = field(default_factory=dict)
    clinician_of_clinic: dict[int, int] = field(default_factory=dict)
    zone_of_patient: dict[int, str] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


def generate(
    url: str,
    patients: int,
    days: int,
    *,
    now: datetime | None = None,
    clinic_size: int = 500,
    seed: int = 0,
    push_origin: str = "https://push.example.net",
) -> Generated:
    """Add `patients` patients with `days` days of history ending yesterday (UTC) to `url`."""
    started = clock.perf_counter()
    now = now or datetime.now(UTC)
    end = now.date() - timedelta(days=1)
    start = end - timedelta(days=days - 1)
    engine = create_engine(normalize_database_url(url))
    sink = Sink(engine)
    rng = random.Random(seed)  # noqa: S311 - synthetic data
    out = Generated()

    ids = {t: sink.next_id(t) for t in ("clinics", "users", "patients")}
    clinic_count = math.ceil(patients / clinic_size)
    first_clinic = ids["clinics"]
    clinics, users, patient_rows = [], [], []
    created = datetime.combine(start - timedelta(days=30), time(9), UTC)
    for c in range(clinic_count):
        clinic_id = first_clinic + c
        clinics.append(
            (clinic_id, f"Bench clinic {clinic_id}", "+1 555 0100", "America/New_York", {}, created)
        )
        out.clinic_ids.append(clinic_id)
        out.clinic_patients[clinic_id] = []
    for c in range(clinic_count):  # a clinician and an admin per clinic
        clinic_id = first_clinic + c
        for role in ("clinician", "admin"):
            user_id = ids["users"]
            ids["users"] += 1
            email = f"{role}{clinic_id}@bench{seed}.example"
            users.append((user_id, clinic_id, role, email, None, True, 0, None, created))
            if role == "clinician":
                out.clinician_of_clinic[clinic_id] = user_id

    courses: list[tuple[int, Course, date]] = []
    for n in range(patients):
        clinic_id = first_clinic + n // clinic_size
        course = make_course(rng, days)
        patient_id, user_id = ids["patients"] + n, ids["users"] + n
        enrolled = datetime.combine(start, time(10), ZoneInfo(course.zone)).astimezone(UTC)
        users.append((user_id, clinic_id, "patient", None, None, True, 0, None, enrolled))
        name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        patient_rows.append(
            (
                patient_id,
                clinic_id,
                user_id,
                name,
                f"B{seed}-{patient_id:07d}",
                course.zone,
                enrolled,
                enrolled - timedelta(days=1),
                out.clinician_of_clinic[clinic_id],
            )
        )
        courses.append((patient_id, course, start))
        out.patient_ids.append(patient_id)
        out.patient_user[patient_id] = user_id
        out.zone_of_patient[patient_id] = course.zone
        out.clinic_patients[clinic_id].append(patient_id)
    sink.write("clinics", ("id", "name", "phone", "timezone", "settings", "created_at"), clinics)
    sink.write(
        "users",
        (
            "id",
            "clinic_id",
            "role",
            "email",
            "password_hash",
            "active",
            "failed_logins",
            "locked_until",
            "created_at",
        ),
        users,
    )
    sink.write(
        "patients",
        (
            "id",
            "clinic_id",
            "user_id",
            "display_name",
            "external_id",
            "timezone",
            "enrolled_at",
            "created_at",
            "created_by_id",
        ),
        patient_rows,
    )
    _write_checkins(sink, courses, days, now, rng)
    _write_sessions(sink, courses, out, rng)
    _write_questionnaires(sink, courses, days, now, rng)
    _write_alerts(sink, courses, out, end, rng)
    _write_reminders(sink, courses, end, now, push_origin, rng)
    sink.commit()
    engine.dispose()
    out.counts = sink.counts
    out.seconds = clock.perf_counter() - started
    return out


CHECKIN_COLUMNS = (
    "id",
    "patient_id",
    "local_date",
    "mood",
    "anxiety",
    "pain",
    "side_effects",
    "note",
    "self_harm_thoughts",
    "submitted_at",
    "late_entry",
    "revision",
    "current_revision_id",
)
REVISION_COLUMNS = (
    "id",
    "patient_id",
    "submit_id",
    "local_date",
    "mood",
    "anxiety",
    "pain",
    "side_effects",
    "note",
    "self_harm_thoughts",
    "submitted_at",
    "client_tz_offset_min",
    "late_entry",
    "revision",
)


def _evening(zone: str, day: date, cache: dict[tuple[str, date], tuple[datetime, int]]):
    """19:00 local on `day` as UTC, and the UTC offset in minutes (cached per zone and date)."""
    key = (zone, day)
    found = cache.get(key)
    if found is None:
        local = datetime.combine(day, time(19), ZoneInfo(zone))
        found = (local.astimezone(UTC), int(local.utcoffset().total_seconds() // 60))
        cache[key] = found
    return found


def _write_checkins(
    sink: Sink, courses: list[tuple[int, Course, date]], days: int, now: datetime, rng
) -> None:
    checkin_id, revision_id = sink.next_id("checkins"), sink.next_id("checkin_revisions")
    last_index = [-1] * len(courses)
    evenings: dict[tuple[str, date], tuple[datetime, int]] = {}
    start = courses[0][2] if courses else now.date()
    for chunk_start in range(0, days, CHUNK_DAYS):
        checkins, revisions = [], []
        for day in range(chunk_start, min(days, chunk_start + CHUNK_DAYS)):
            local_date = start + timedelta(days=day)
            for n, (patient_id, course, _start) in enumerate(courses):
                index = last_index[n]
                while index + 1 < len(course.infusions) and course.infusions[index + 1] <= day:
                    index += 1
                last_index[n] = index
                if rng.random() > course.adherence:
                    continue
                mood, anxiety, pain = daily_scores(course, relief(course, day, index), rng)
                side_effects = []
                if index >= 0 and day - course.infusions[index] <= 1 and rng.random() < 0.5:
                    side_effects = [
                        {
                            "name": rng.choice(("nausea", "dizziness", "dissociation", "headache")),
                            "severity": rng.choice(("mild", "mild", "moderate")),
                        }
                    ]
                evening, offset = _evening(course.zone, local_date, evenings)
                submitted = evening + timedelta(seconds=rng.randrange(3600))
                if submitted > now:
                    continue
                number = 1
                if rng.random() < CORRECTION_SHARE:  # a first answer, corrected minutes later
                    revisions.append(
                        (
                            revision_id,
                            patient_id,
                            _uuid(rng),
                            local_date,
                            _clamp(mood - 1),
                            anxiety,
                            pain,
                            side_effects,
                            None,
                            None,
                            submitted - timedelta(minutes=5),
                            offset,
                            False,
                            1,
                        )
                    )
                    revision_id += 1
                    number = 2
                revisions.append(
                    (
                        revision_id,
                        patient_id,
                        _uuid(rng),
                        local_date,
                        mood,
                        anxiety,
                        pain,
                        side_effects,
                        None,
                        None,
                        submitted,
                        offset,
                        False,
                        number,
                    )
                )
                checkins.append(
                    (
                        checkin_id,
                        patient_id,
                        local_date,
                        mood,
                        anxiety,
                        pain,
                        side_effects,
                        None,
                        None,
                        submitted,
                        False,
                        number,
                        revision_id,
                    )
                )
                revision_id += 1
                checkin_id += 1
        sink.write("checkin_revisions", REVISION_COLUMNS, revisions)
        sink.write("checkins", CHECKIN_COLUMNS, checkins)


def _write_sessions(
    sink: Sink, courses: list[tuple[int, Course, date]], out: Generated, rng
) -> None:
    session_id = sink.next_id("treatment_sessions")
    clinic_of = {p: c for c, ps in out.clinic_patients.items() for p in ps}
    rows = []
    for patient_id, course, start in courses:
        weight = rng.uniform(50, 110)
        zone = ZoneInfo(course.zone)
        for number, day in enumerate(course.infusions, start=1):
            local_date = start + timedelta(days=day)
            started = datetime.combine(local_date, time(10), zone).astimezone(UTC)
            discharged = started + timedelta(minutes=40 + rng.randint(50, 80))
            pre_sys, pre_dia, hr = rng.randint(112, 134), rng.randint(68, 84), rng.randint(62, 84)
            induction = number <= len(INDUCTION_OFFSETS)
            rows.append(
                (
                    session_id,
                    patient_id,
                    started,
                    local_date,
                    "iv_infusion",
                    "iv",
                    "induction" if induction else "maintenance",
                    round(0.5 * weight, 1),
                    0.5,
                    40,
                    pre_sys,
                    pre_dia,
                    pre_sys + rng.randint(8, 26),
                    pre_dia + rng.randint(4, 12),
                    pre_sys + rng.randint(-4, 8),
                    pre_dia + rng.randint(-3, 5),
                    hr,
                    hr + rng.randint(4, 18),
                    hr + rng.randint(-4, 6),
                    rng.randint(94, 99),
                    rng.randint(12, 30) if number <= 3 else rng.randint(4, 18),
                    "CADSS",
                    [{"name": "nausea", "severity": "mild"}] if rng.random() < 0.2 else [],
                    discharged,
                    "Induction infusion." if induction else "Maintenance booster.",
                    out.clinician_of_clinic[clinic_of[patient_id]],
                    discharged,
                    discharged,
                    1,
                )
            )
            session_id += 1
    sink.write(
        "treatment_sessions",
        (
            "id",
            "patient_id",
            "started_at",
            "local_date",
            "modality",
            "route",
            "phase",
            "dose_mg",
            "dose_mg_per_kg",
            "duration_min",
            "bp_pre_systolic",
            "bp_pre_diastolic",
            "bp_peak_systolic",
            "bp_peak_diastolic",
            "bp_discharge_systolic",
            "bp_discharge_diastolic",
            "hr_pre",
            "hr_peak",
            "hr_discharge",
            "spo2_min",
            "dissociation_score",
            "dissociation_scale",
            "side_effects",
            "discharged_at",
            "notes",
            "recorded_by_id",
            "created_at",
            "updated_at",
            "revision",
        ),
        rows,
    )


def _write_questionnaires(
    sink: Sink, courses: list[tuple[int, Course, date]], days: int, now: datetime, rng
) -> None:
    response_id = sink.next_id("questionnaire_responses")
    rows = []
    for patient_id, course, start in courses:
        zone = ZoneInfo(course.zone)
        index = -1
        for day in range(0, days, QUESTIONNAIRE_EVERY):
            while index + 1 < len(course.infusions) and course.infusions[index + 1] <= day:
                index += 1
            r = relief(course, day, index)
            local_date = start + timedelta(days=day)
            submitted = datetime.combine(local_date, time(20, rng.randrange(60)), zone).astimezone(
                UTC
            )
            if submitted > now:
                continue
            mood = 3 + 5 * r
            anxiety = 7 - 4.5 * r
            totals = {
                "phq9": max(0, min(24, round(17 - 3 * (mood - 3) + rng.gauss(0, 0.8)))),
                "gad7": max(0, min(21, round(13 - 2.2 * (7 - anxiety) + rng.gauss(0, 0.8)))),
            }
            for instrument, items in (("phq9", 9), ("gad7", 7)):
                answers = _spread(totals[instrument], items, rng)
                if instrument == "phq9":
                    answers[8] = 0  # item 9 stays 0 here; open urgent alerts are added apart
                scored = score(instrument, answers)
                rows.append(
                    (
                        response_id,
                        patient_id,
                        instrument,
                        answers,
                        scored.total,
                        scored.severity,
                        _uuid(rng),
                        submitted,
                        local_date,
                    )
                )
                response_id += 1
    sink.write(
        "questionnaire_responses",
        (
            "id",
            "patient_id",
            "instrument",
            "answers",
            "total",
            "severity",
            "submit_id",
            "submitted_at",
            "local_date",
        ),
        rows,
    )


def _write_alerts(
    sink: Sink, courses: list[tuple[int, Course, date]], out: Generated, end: date, rng
) -> None:
    """A resolved alert every couple of months per patient, and a few still open."""
    alert_id = sink.next_id("alerts")
    clinic_of = {p: c for c, ps in out.clinic_patients.items() for p in ps}
    kinds = (("decline", "medium"), ("missed", "low"), ("side_effect", "high"))
    rows = []
    for patient_id, _course, start in courses:
        clinic_id = clinic_of[patient_id]
        clinician = out.clinician_of_clinic[clinic_id]
        span = (end - start).days + 1
        for _ in range(max(0, round(rng.gauss(span / 60, 1)))):
            kind, severity = rng.choice(kinds)
            raised = datetime.combine(start + timedelta(days=rng.randrange(span)), time(20), UTC)
            rows.append(
                (
                    alert_id,
                    clinic_id,
                    patient_id,
                    kind,
                    None,
                    severity,
                    "resolved",
                    f"Synthetic {kind} alert",
                    {},
                    "rule",
                    None,
                    raised,
                    raised + timedelta(hours=2),
                    clinician,
                    raised + timedelta(hours=20),
                    clinician,
                    "Reviewed with the patient.",
                )
            )
            alert_id += 1
        if rng.random() < 0.04:
            kind, severity = rng.choice(kinds)
            raised = datetime.combine(end, time(20), UTC)
            rows.append(
                (
                    alert_id,
                    clinic_id,
                    patient_id,
                    kind,
                    kind,
                    severity,
                    "open",
                    f"Synthetic {kind} alert",
                    {},
                    "rule",
                    None,
                    raised,
                    None,
                    None,
                    None,
                    None,
                    None,
                )
            )
            alert_id += 1
    sink.write(
        "alerts",
        (
            "id",
            "clinic_id",
            "patient_id",
            "kind",
            "open_kind",
            "severity",
            "status",
            "summary",
            "evidence",
            "source_type",
            "source_id",
            "raised_at",
            "acknowledged_at",
            "acknowledged_by_id",
            "resolved_at",
            "resolved_by_id",
            "resolution_note",
        ),
        rows,
    )


def _write_reminders(
    sink: Sink,
    courses: list[tuple[int, Course, date]],
    end: date,
    now: datetime,
    push_origin: str,
    rng,
) -> None:
    """Settings (next_due_at after `now`), a device or two each, the last week's deliveries."""
    settings, subscriptions, deliveries = [], [], []
    subscription_id = sink.next_id("push_subscriptions")
    delivery_id = sink.next_id("reminder_deliveries")
    keys = push_key_pool()
    weekdays = [0, 1, 2, 3, 4, 5, 6]
    for patient_id, course, _start in courses:
        if course.reminder_time is None:
            continue
        zone = ZoneInfo(course.zone)
        at = parse_local_time(course.reminder_time)
        due = next_reminder_after(now, at, weekdays, zone)
        settings.append((patient_id, True, course.reminder_time, weekdays, due, now))
        for _ in range(2 if rng.random() < 0.1 else 1):
            subscriptions.append(
                (
                    subscription_id,
                    patient_id,
                    f"{push_origin}/push/{rng.getrandbits(128):032x}",
                    rng.choice(keys),
                    _b64(rng.randbytes(16)),
                    "Mozilla/5.0 (Linux; Android 14) bench",
                    now - timedelta(days=30),
                    now - timedelta(days=1),
                    0,
                )
            )
            subscription_id += 1
        for back in range(DELIVERY_HISTORY_DAYS):
            day = end - timedelta(days=back)
            if rng.random() < 0.5:  # checked in before the reminder: nothing sent
                continue
            sent = datetime.combine(day, at, zone).astimezone(UTC)
            trail = [{"at": sent.isoformat(), "attempt": 1, "status_code": 201, "outcome": "sent"}]
            deliveries.append(
                (delivery_id, patient_id, day, "daily", "sent", 1, 201, trail, sent, sent, sent)
            )
            delivery_id += 1
    sink.write(
        "reminder_settings",
        ("patient_id", "enabled", "local_time", "weekdays", "next_due_at", "updated_at"),
        settings,
    )
    sink.write(
        "push_subscriptions",
        (
            "id",
            "patient_id",
            "endpoint",
            "p256dh",
            "auth",
            "user_agent",
            "created_at",
            "last_success_at",
            "failures",
        ),
        subscriptions,
    )
    sink.write(
        "reminder_deliveries",
        (
            "id",
            "patient_id",
            "local_date",
            "kind",
            "status",
            "attempts",
            "push_status_code",
            "trail",
            "created_at",
            "claimed_at",
            "sent_at",
        ),
        deliveries,
    )


def issue_tokens(url: str, user_ids: Iterable[int], now: datetime, ttl: timedelta) -> list[str]:
    """Bearer tokens for `user_ids` (in order), stored as the app stores them (SHA-256 only)."""
    engine = create_engine(normalize_database_url(url))
    sink = Sink(engine)
    token_id = sink.next_id("auth_tokens")
    raw, rows = [], []
    for offset, user_id in enumerate(user_ids):
        token = secrets.token_urlsafe(32)
        raw.append(token)
        rows.append((token_id + offset, user_id, token_digest(token), now, now + ttl, now, None))
    sink.write(
        "auth_tokens",
        ("id", "user_id", "token_hash", "created_at", "expires_at", "last_used_at", "revoked_at"),
        rows,
    )
    sink.commit()
    engine.dispose()
    return raw


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.datagen", description=__doc__)
    parser.add_argument("--patients", type=int, required=True)
    parser.add_argument("--days", type=int, required=True)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--clinic-size", type=int, default=500)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--create",
        action="store_true",
        help="start from an empty, migrated database (drops a bench_* PostgreSQL database)",
    )
    args = parser.parse_args(argv)
    url = normalize_database_url(args.database_url)
    if args.create:
        from bench.common import fresh_database

        fresh_database(url, os.environ.get("INSTANCE_PATH") or tempfile.mkdtemp(prefix="bench-"))
    generated = generate(
        url, args.patients, args.days, clinic_size=args.clinic_size, seed=args.seed
    )
    print(
        json.dumps(
            {"seconds": round(generated.seconds, 1), "rows": generated.counts}, sort_keys=True
        )
    )


if __name__ == "__main__":
    main()

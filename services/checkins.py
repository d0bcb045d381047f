"""Daily check-ins: idempotent by submit_id, one current answer a day, every revision kept."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, select, update

from models import CheckIn, CheckInRevision, Patient, User, begin_write, db, utcnow
from services import alerts, audit
from services.errors import InvalidInput
from services.patients import require_patient, resolve_patient
from services.upsert import insert_for

# A check-in may be added this many days after its local date (and is then flagged late).
BACKFILL_DAYS = 2

# What a submission stores in both its revision and the day's row.
FIELDS = ("local_date", "mood", "anxiety", "pain", "side_effects", "note", "self_harm_thoughts")


_NUMBER_REVISION = (
    update(CheckInRevision.__table__)
    .where(CheckInRevision.__table__.c.id == bindparam("rid"))
    .values(revision=bindparam("number"))
)


@cache
def statements(dialect: str) -> tuple[Any, Any]:
    """The two upserts of a submission, built once per dialect (values come as parameters).

    The revision is inserted or skipped by (patient, submit_id); the day's row is inserted or
    updated by (patient, local_date), counting its revisions.
    """
    revisions = CheckInRevision.__table__
    insert_revision = (
        insert_for(revisions)
        .on_conflict_do_nothing(index_elements=["patient_id", "submit_id"])
        .returning(revisions.c.id)
    )
    table = CheckIn.__table__
    upsert = insert_for(table)
    upsert_checkin = upsert.on_conflict_do_update(
        index_elements=["patient_id", "local_date"],
        set_={
            **{name: upsert.excluded[name] for name in FIELDS if name != "local_date"},
            "submitted_at": upsert.excluded.submitted_at,
            "late_entry": upsert.excluded.late_entry,
            "current_revision_id": upsert.excluded.current_revision_id,
            "revision": table.c.revision + 1,
        },
    ).returning(table.c.id, table.c.revision)
    return insert_revision, upsert_checkin


@dataclass(frozen=True)
class CheckInResult:
    """What a submission produced: the revision it stored (or had stored), and whether it is new."""

    checkin_id: int
    revision: CheckInRevision
    created: bool


def local_today(patient: Patient, now: datetime) -> date:
    return now.astimezone(ZoneInfo(patient.timezone)).date()


def _replay(patient_id: int, submit_id: str) -> CheckInResult | None:
    revision = db.session.scalar(
        select(CheckInRevision).where(
            CheckInRevision.patient_id == patient_id, CheckInRevision.submit_id == submit_id
        )
    )
    if revision is None:
        return None
    checkin_id = db.session.scalar(
        select(CheckIn.id).where(
            CheckIn.patient_id == patient_id, CheckIn.local_date == revision.local_date
        )
    )
    return CheckInResult(checkin_id=checkin_id, revision=revision, created=False)


def _check_date(patient: Patient, local_date: date, now: datetime) -> bool:
    """Whether the entry is late; refuses the future and anything older than the backfill window."""
    today = local_today(patient, now)
    if local_date > today:
        raise InvalidInput({"local_date": ["A check-in cannot be for a future date."]})
    if local_date < today - timedelta(days=BACKFILL_DAYS):
        raise InvalidInput(
            {"local_date": [f"A check-in can be added at most {BACKFILL_DAYS} days late."]}
        )
    return local_date < today


def record_checkin(
    actor: User, pid: str | int, data: dict[str, Any], now: datetime | None = None
) -> CheckInResult:
    """Store a patient's check-in; a replayed `submit_id` answers the first result unchanged.

    The unique (patient, submit_id) row decides between racing identical submissions; the
    unique (patient, local_date) row holds the current values and counts the revisions.
    """
    now = now or utcnow()
    require_patient(actor)
    patient = resolve_patient(actor, pid)
    submit_id = str(data["submit_id"])
    begin_write()
    try:
        late = _check_date(patient, data["local_date"], now)
    except InvalidInput:
        # An outbox may replay an accepted entry after its window closed: answer the first result.
        if (replay := _replay(patient.id, submit_id)) is not None:
            db.session.rollback()
            return replay
        raise
    values = {name: data.get(name) for name in FIELDS}
    values["side_effects"] = values["side_effects"] or []
    # Core statements on the transaction's connection: the session's ORM execution path adds
    # nothing to an INSERT that loads no objects.
    connection = db.session.connection()
    insert_revision, upsert_checkin = statements(connection.dialect.name)
    stored = {
        **values,
        "patient_id": patient.id,
        "submit_id": submit_id,
        "submitted_at": now,
        "late_entry": late,
        "client_tz_offset_min": data.get("tz_offset_minutes"),
    }
    revision_id = connection.scalar(insert_revision, {**stored, "revision": 0})
    if revision_id is None:  # an identical submission committed first
        db.session.rollback()
        replay = _replay(patient.id, submit_id)
        assert replay is not None
        return replay
    checkin_id, number = connection.execute(
        upsert_checkin,
        {
            **values,
            "patient_id": patient.id,
            "submitted_at": now,
            "late_entry": late,
            "revision": 1,
            "current_revision_id": revision_id,
        },
    ).one()
    # The day's row counted the revision under its lock; the revision takes that number. The
    # answer is made from what was stored: no read back, and nothing for the session to track.
    connection.execute(_NUMBER_REVISION, {"rid": revision_id, "number": number})
    revision = CheckInRevision(id=revision_id, revision=number, **stored)
    alerts.evaluate_checkin(patient, revision, now)
    audit.record(
        "checkin.create", actor=actor, patient_id=patient.id, resource=f"checkins/{checkin_id}"
    )
    db.session.commit()
    return CheckInResult(checkin_id=checkin_id, revision=revision, created=True)


def list_checkins(
    actor: User, pid: str | int, date_from: date | None = None, date_to: date | None = None
) -> list[CheckIn]:
    """The current check-ins of a patient, oldest first, optionally within [from, to]."""
    patient = resolve_patient(actor, pid)
    query = select(CheckIn).where(CheckIn.patient_id == patient.id)
    if date_from is not None:
        query = query.where(CheckIn.local_date >= date_from)
    if date_to is not None:
        query = query.where(CheckIn.local_date <= date_to)
    checkins = list(db.session.scalars(query.order_by(CheckIn.local_date)))
    audit.record_staff_read(actor, patient.id, f"patients/{patient.id}/checkins")
    return checkins


def list_revisions(actor: User, pid: str | int, local_date: date) -> list[CheckInRevision]:
    """Every submitted version of one day's check-in, oldest first."""
    patient = resolve_patient(actor, pid)
    revisions = list(
        db.session.scalars(
            select(CheckInRevision)
            .where(
                CheckInRevision.patient_id == patient.id, CheckInRevision.local_date == local_date
            )
            .order_by(CheckInRevision.revision)
        )
    )
    audit.record_staff_read(actor, patient.id, f"patients/{patient.id}/checkins/{local_date}")
    return revisions

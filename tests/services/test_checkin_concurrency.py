"""Identical submissions racing each other store exactly one check-in (the database decides)."""

import threading
import uuid
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from models import CheckIn, CheckInRevision, db
from services import checkins as checkin_service


def test_concurrent_identical_submissions_store_one_row(app, world):
    body = {
        "submit_id": str(uuid.uuid4()),
        "local_date": datetime.now(UTC).astimezone(ZoneInfo("America/New_York")).date().isoformat(),
        "mood": 5,
        "anxiety": 5,
        "pain": 5,
    }
    statuses: list[int] = []
    barrier = threading.Barrier(20)

    def submit() -> None:
        client = app.test_client()
        barrier.wait()
        response = client.post(
            "/api/v1/patients/me/checkins", headers=world.patient_actor.headers, json=body
        )
        statuses.append(response.status_code)

    threads = [threading.Thread(target=submit) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(statuses) == [200] * 19 + [201]
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(CheckInRevision)) == 1
    assert db.session.scalar(select(func.count()).select_from(CheckIn)) == 1


def test_concurrent_different_submissions_for_one_day_keep_every_revision(app, world):
    day = datetime.now(UTC).astimezone(ZoneInfo("America/New_York")).date().isoformat()
    statuses: list[int] = []
    barrier = threading.Barrier(8)

    def submit(mood: int) -> None:
        client = app.test_client()
        barrier.wait()
        body = {
            "submit_id": str(uuid.uuid4()),
            "local_date": day,
            "mood": mood,
            "anxiety": 1,
            "pain": 1,
        }
        statuses.append(
            client.post(
                "/api/v1/patients/me/checkins", headers=world.patient_actor.headers, json=body
            ).status_code
        )

    threads = [threading.Thread(target=submit, args=(mood,)) for mood in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert statuses == [201] * 8
    db.session.expire_all()
    revisions = db.session.scalars(
        select(CheckInRevision.revision).order_by(CheckInRevision.revision)
    ).all()
    assert revisions == list(range(1, 9))
    current = db.session.scalars(select(CheckIn)).one()
    assert current.revision == 8


def test_a_replay_after_the_backfill_window_answers_the_first_result(app, world):
    now = datetime.now(UTC)
    body = {
        "submit_id": uuid.uuid4(),
        "local_date": now.astimezone(ZoneInfo("America/New_York")).date(),
        "mood": 4,
        "anxiety": 4,
        "pain": 4,
    }
    first = checkin_service.record_checkin(world.patient_actor.user, "me", body, now=now)
    later = checkin_service.record_checkin(
        world.patient_actor.user, "me", body, now=now + timedelta(days=5)
    )
    assert (later.created, later.revision.id) == (False, first.revision.id)

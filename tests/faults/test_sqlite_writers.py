"""SQLite (the embedded default) under concurrent writers: they wait for the lock (BEGIN
IMMEDIATE and the busy timeout) instead of failing with "database is locked". Always a file
database of its own, whatever TEST_DATABASE_URL says."""

import threading
import uuid
from datetime import UTC, datetime

from sqlalchemy import func, select

from api import create_app
from models import CheckInRevision, db
from tests.faults.servers import config_for, seed_people, throwaway_database

THREADS = 12
WRITES_EACH = 10


def test_concurrent_writers_on_a_file_database_all_succeed(tmp_path):
    with throwaway_database(tmp_path, kind="sqlite") as url:
        people = seed_people(url, patients=THREADS)
        app = create_app(config_for(url))
        statuses: list[int] = []
        failures: list[str] = []
        barrier = threading.Barrier(THREADS)
        today = datetime.now(UTC).date().isoformat()

        def write(token: str) -> None:
            client = app.test_client()
            barrier.wait(timeout=10)
            for n in range(WRITES_EACH):
                body = {
                    "submit_id": str(uuid.uuid4()),
                    "local_date": today,
                    "mood": n,
                    "anxiety": 1,
                    "pain": 1,
                }
                try:
                    response = client.post(
                        "/api/v1/patients/me/checkins",
                        headers={"Authorization": f"Bearer {token}"},
                        json=body,
                    )
                    statuses.append(response.status_code)
                except Exception as exc:  # noqa: BLE001 - reported by the assertion
                    failures.append(repr(exc))

        threads = [threading.Thread(target=write, args=(t,)) for t in people.patient_tokens]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=25)

        with app.app_context():
            stored = db.session.scalar(select(func.count()).select_from(CheckInRevision))
            db.session.remove()
            db.engine.dispose()

    assert failures == []
    assert statuses == [201] * (THREADS * WRITES_EACH)
    assert stored == THREADS * WRITES_EACH

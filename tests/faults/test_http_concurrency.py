"""Over real HTTP, against gunicorn (two workers, four threads each) on a database of its own:
50 identical submissions store one row, and the access log holds no query string."""

import threading

from sqlalchemy import create_engine, text

from tests.faults.servers import call, checkin_body, gunicorn, seed_people, throwaway_database


def test_fifty_identical_concurrent_submissions_store_one_row(tmp_path):
    with throwaway_database(tmp_path) as url:
        people = seed_people(url)
        body = checkin_body()
        statuses: list[int | str] = []
        barrier = threading.Barrier(50)

        with gunicorn(url, tmp_path) as server:

            def submit() -> None:
                barrier.wait(timeout=15)
                try:
                    status, _ = call(
                        f"{server.base}/api/v1/patients/me/checkins",
                        "POST",
                        people.patient_tokens[0],
                        body,
                        timeout=20,
                    )
                except OSError as exc:
                    status = type(exc).__name__
                statuses.append(status)

            threads = [threading.Thread(target=submit) for _ in range(50)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=25)

        engine = create_engine(url)
        with engine.connect() as conn:
            revisions = conn.scalar(text("SELECT count(*) FROM checkin_revisions"))
            current = conn.scalar(text("SELECT count(*) FROM checkins"))
        engine.dispose()

    assert sorted(statuses, key=str) == [200] * 49 + [201], statuses
    assert (revisions, current) == (1, 1)


def test_the_access_log_has_no_query_string(tmp_path):
    """A roster search carries a patient's name in `?q=`: gunicorn's format logs the path only."""
    with throwaway_database(tmp_path) as url:
        people = seed_people(url)
        with gunicorn(url, tmp_path, workers=1, threads=1) as server:
            status, _ = call(
                f"{server.base}/api/v1/patients?q=Quartermaine", token=people.clinician_token
            )
            call(f"{server.base}/api/v1/patients/me/checkins?from=2026-01-01&to=2026-02-01")
        log = server.access_log.read_text()

    assert status == 200
    assert '"GET /api/v1/patients"' in log
    assert "Quartermaine" not in log and "q=" not in log and "2026-01-01" not in log
    assert people.clinician_token not in log

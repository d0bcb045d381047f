"""models/engine.py: SQLite writers in several processes take turns without sleeping; on
PostgreSQL a pooled connection is pinged before use only when it may be dead, and a dead one is
replaced before the request uses it."""

import multiprocessing
import time

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from models import configure_engine, db
from models.engine import SQLITE_BEGIN_OPTION
from tests.faults.servers import admin_connection, postgres_url

postgresql_only = pytest.mark.skipif(
    postgres_url() is None,
    reason="PostgreSQL only: set TEST_DATABASE_URL=postgresql://... (CI's second pass does)",
)
HOLD = 0.44  # SQLite's busy handler alone would next try 0.528 s after the first, 88 ms late


def _write(
    url: str, hold: float = 0.0, holding=None, committed_at=None, busy_ms: int = 30_000
) -> float:
    """One write transaction (BEGIN IMMEDIATE) on an engine of this process, `holding` set once
    it holds the lock, kept `hold` seconds; answers when it began (time.monotonic)."""
    engine = create_engine(url)
    configure_engine(engine, busy_ms)
    with engine.connect().execution_options(**{SQLITE_BEGIN_OPTION: "IMMEDIATE"}) as connection:
        connection.begin()
        began = time.monotonic()
        connection.execute(text("INSERT INTO marks (at) VALUES (:at)"), {"at": began})
        if holding is not None:
            holding.set()
        time.sleep(hold)
        if committed_at is not None:
            committed_at.value = time.monotonic()
        connection.commit()
    engine.dispose()
    return began


def _marks(tmp_path) -> str:
    url = f"sqlite:///{tmp_path / 'queue.db'}"
    setup = create_engine(url)
    with setup.begin() as connection:
        connection.execute(text("CREATE TABLE marks (at REAL)"))
    setup.dispose()
    return url


def test_a_sqlite_writer_in_another_process_goes_on_the_moment_the_lock_is_free(tmp_path):
    url = _marks(tmp_path)
    fork = multiprocessing.get_context("fork")
    holding, committed_at = fork.Event(), fork.Value("d", 0.0)
    holder = fork.Process(target=_write, args=(url, HOLD, holding, committed_at))
    holder.start()
    assert holding.wait(10)
    asked = time.monotonic()
    began = _write(url)
    holder.join(10)
    assert holder.exitcode == 0
    assert began - asked >= HOLD - 0.05  # it did wait for the holder
    late = began - committed_at.value
    assert late < 0.04, f"began {late * 1000:.0f} ms after the lock was let go"


def test_a_sqlite_writer_gives_up_after_the_busy_timeout_as_sqlite_would(tmp_path):
    url = _marks(tmp_path)
    fork = multiprocessing.get_context("fork")
    holding = fork.Event()
    holder = fork.Process(target=_write, args=(url, 1.5, holding))
    holder.start()
    assert holding.wait(10)
    asked = time.monotonic()
    with pytest.raises(OperationalError, match="database is locked"):
        _write(url, busy_ms=300)
    waited = time.monotonic() - asked
    holder.join(10)
    assert holder.exitcode == 0
    assert 0.3 <= waited < 1.0
    assert _write(url) > 0  # and the next writer goes on


@pytest.fixture
def pings(make_app, monkeypatch):
    """An app whose engine counts the round-trip pings it sends; answers (app, counts)."""

    def build(idle_seconds: float):
        app = make_app(DB_PING_AFTER_IDLE_SECONDS=idle_seconds)
        counted: list[int] = []
        with app.app_context():
            dialect = db.engine.dialect
        real = dialect.do_ping

        def counting(dbapi_connection):
            counted.append(1)
            return real(dbapi_connection)

        monkeypatch.setattr(dialect, "do_ping", counting)
        return app, counted

    return build


def _backend_pid() -> int:
    pid = db.session.scalar(text("SELECT pg_backend_pid()"))
    db.session.commit()  # the connection goes back to the pool
    return pid


@postgresql_only
def test_a_connection_used_a_moment_ago_is_not_pinged(pings):
    app, counted = pings(idle_seconds=60)
    with app.app_context():
        first = _backend_pid()
        answers = [_backend_pid() for _ in range(5)]
    assert answers == [first] * 5  # the same pooled connection each time
    assert counted == []


@postgresql_only
def test_an_idle_connection_is_pinged_before_use(pings):
    app, counted = pings(idle_seconds=0)
    with app.app_context():
        first = _backend_pid()
        second = _backend_pid()
    assert second == first
    assert len(counted) == 1  # the second checkout; the first was a new connection


@postgresql_only
def test_a_terminated_connection_is_replaced_before_use_without_waiting(pings):
    """The server cut it a moment ago (a restart, pg_terminate_backend): its socket says so,
    the ping fails and the pool connects anew; the request never sees the dead connection."""
    app, counted = pings(idle_seconds=60)
    with app.app_context():
        first = _backend_pid()
        with admin_connection(postgres_url()) as admin:
            admin.execute("SELECT pg_terminate_backend(%s)", (first,))
            deadline = time.monotonic() + 5
            while (
                time.monotonic() < deadline
                and admin.execute(
                    "SELECT 1 FROM pg_stat_activity WHERE pid = %s", (first,)
                ).fetchone()
            ):
                time.sleep(0.02)  # until the backend has gone
        second = _backend_pid()
    assert second != first
    assert len(counted) == 1

"""models/engine.py on PostgreSQL: a pooled connection is pinged before use only when it may be
dead, and a dead one is replaced before the request uses it."""

import time

import pytest
from sqlalchemy import text

from models import db
from tests.faults.servers import admin_connection, postgres_url

pytestmark = pytest.mark.skipif(
    postgres_url() is None,
    reason="PostgreSQL only: set TEST_DATABASE_URL=postgresql://... (CI's second pass does)",
)


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


def test_a_connection_used_a_moment_ago_is_not_pinged(pings):
    app, counted = pings(idle_seconds=60)
    with app.app_context():
        first = _backend_pid()
        answers = [_backend_pid() for _ in range(5)]
    assert answers == [first] * 5  # the same pooled connection each time
    assert counted == []


def test_an_idle_connection_is_pinged_before_use(pings):
    app, counted = pings(idle_seconds=0)
    with app.app_context():
        first = _backend_pid()
        second = _backend_pid()
    assert second == first
    assert len(counted) == 1  # the second checkout; the first was a new connection


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

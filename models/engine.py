"""Database engine set-up: SQLite pragmas, write transactions that wait instead of failing, and
pooled server connections checked before use when they may have been cut."""

import fcntl
import os
import select
import sqlite3
import threading
import time
from pathlib import Path

from sqlalchemy import Engine, event
from sqlalchemy.exc import DBAPIError, DisconnectionError, OperationalError

from models.base import db

SQLITE_BEGIN_OPTION = "sqlite_begin"
_RETURNED = "returned_at"  # a pooled connection's info key: when it was last checked in


def configure_engine(
    engine: Engine, sqlite_busy_timeout_ms: int, ping_after_idle_seconds: float = 1.0
) -> None:
    """Set SQLite to WAL, foreign keys on and a busy timeout; let the ORM own transactions.

    pysqlite's own transaction handling breaks SAVEPOINT and starts transactions lazily,
    so (as SQLAlchemy's documentation recommends) the driver is put in autocommit mode and
    BEGIN is emitted here; `begin_write()` asks for BEGIN IMMEDIATE, which takes the write
    lock up front so concurrent writers queue on the busy timeout instead of failing.
    """
    if engine.dialect.name != "sqlite":
        _check_on_checkout(engine, ping_after_idle_seconds)
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {int(sqlite_busy_timeout_ms)}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()

    queue = _write_queue(engine.url.database, sqlite_busy_timeout_ms / 1000)

    @event.listens_for(engine, "begin")
    def _on_begin(connection) -> None:
        mode = connection.get_execution_options().get(SQLITE_BEGIN_OPTION, "DEFERRED")
        info = connection.connection.info  # the pooled DBAPI connection's
        if mode == "IMMEDIATE" and queue is not None and _QUEUED not in info:
            try:
                queue.acquire()
            except sqlite3.OperationalError as exc:  # as SQLite's own "database is locked"
                raise OperationalError("BEGIN IMMEDIATE", None, exc) from exc
            info[_QUEUED] = queue  # held until the connection goes back to the pool
        # Straight to the driver: SQLAlchemy's statement machinery (an execution context, the
        # cursor events) costs a hundred-odd Python calls, twice a write request, for a BEGIN.
        try:
            connection.connection.driver_connection.execute(f"BEGIN {mode}")
        except sqlite3.Error as exc:  # wrapped as SQLAlchemy wraps a statement's error
            raise DBAPIError.instance(f"BEGIN {mode}", None, exc, sqlite3.Error) from exc

    @event.listens_for(engine, "checkin")
    def _on_checkin(_dbapi_connection, record) -> None:
        held = record.info.pop(_QUEUED, None)
        if held is not None:
            held.release()


_QUEUED = "write_queue"  # a pooled SQLite connection's info key: it holds its file's queue


class _WriteQueue:
    """Writers to one SQLite file take turns here before BEGIN IMMEDIATE: the threads of a
    process on a lock, one thread a process on an exclusive flock of `<file>-writers`, tried
    every 2 ms at most, so the next writer goes on within that of the last one's COMMIT. Left
    to SQLite, a writer that finds the file locked sleeps 1 to 100 ms in the busy handler
    between tries, so under many writers the lock often sat free while they slept (a p99 of
    ~0.5 s under 32 writers). A writer gives up after the busy timeout as SQLite would
    ("database is locked"); processes that do not queue (sqlite3, a migration) are still waited
    for by SQLite's busy timeout. A forked child gets its own lock and open file."""

    def __init__(self, path: Path, timeout: float) -> None:
        self.path = path
        self.timeout = timeout
        self._open()

    def _open(self) -> None:
        self._threads = threading.Lock()
        self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)

    def forked(self) -> None:
        """In a forked child: the inherited file shares the parent's flock, and the lock may
        have been held by a thread the child does not have."""
        os.close(self._fd)
        self._open()

    def acquire(self) -> None:
        deadline = time.monotonic() + self.timeout
        if not self._threads.acquire(timeout=self.timeout):
            raise sqlite3.OperationalError("database is locked")
        try:
            pause = 0.0002
            while True:
                try:
                    fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    return
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        raise sqlite3.OperationalError("database is locked") from None
                    time.sleep(pause)
                    pause = min(pause * 2, 0.002)
        except BaseException:
            self._threads.release()
            raise

    def release(self) -> None:
        try:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
        finally:
            self._threads.release()


_queues: dict[Path, _WriteQueue] = {}
_queues_lock = threading.Lock()


def _after_fork_in_child() -> None:
    global _queues_lock
    _queues_lock = threading.Lock()
    for queue in _queues.values():
        queue.forked()


os.register_at_fork(after_in_child=_after_fork_in_child)


def _write_queue(database: str | None, timeout: float) -> _WriteQueue | None:
    """The one queue of a database file in this process (None for an in-memory database)."""
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    path = Path(f"{Path(database).resolve()}-writers")
    with _queues_lock:
        if path not in _queues:
            _queues[path] = _WriteQueue(path, timeout)
        return _queues[path]


def _spoken_to(dbapi_connection) -> bool:
    """An idle connection's socket is readable only when the server spoke or hung up (a
    terminated backend sends its FATAL message, then closes): no round trip to find out."""
    fileno = getattr(dbapi_connection, "fileno", None)
    if fileno is None:
        return True
    try:
        poller = select.poll()
        poller.register(fileno(), select.POLLIN)
        return bool(poller.poll(0))
    except (OSError, ValueError, TypeError):  # closed: fileno() raises or answers -1
        return True


def _check_on_checkout(engine: Engine, idle_seconds: float) -> None:
    """A pooled connection is pinged (a round trip) before use only when it may be dead: its
    socket is readable (the server terminated it, or restarted) or it has been idle for
    `idle_seconds` (a host or a network that went away sends nothing). One that answered a
    moment ago and heard nothing since is used as it is, so a busy worker does not pay a round
    trip a request, as `pool_pre_ping` would. A dead one is replaced before the request uses it.
    """

    @event.listens_for(engine, "checkin")
    def _returned(dbapi_connection, record) -> None:
        if dbapi_connection is not None:
            record.info[_RETURNED] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _checked_out(dbapi_connection, record, _proxy) -> None:
        returned = record.info.get(_RETURNED)
        if returned is None:
            return  # connected just now
        if time.monotonic() - returned < idle_seconds and not _spoken_to(dbapi_connection):
            return
        try:
            alive = engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as exc:
            raise DisconnectionError("the pooled connection was closed") from exc
        if not alive:
            raise DisconnectionError("the pooled connection did not answer")


def begin_write() -> None:
    """Start the session's write transaction now.

    On SQLite any read-only transaction the request opened (authentication) is ended first and
    the new one takes the write lock at once (BEGIN IMMEDIATE): a read transaction cannot take
    it safely later. On PostgreSQL the request's reads and writes share one ordinary (READ
    COMMITTED) transaction, each statement seeing what was committed before it: no extra
    COMMIT, checkout and BEGIN between them.
    """
    session = db.session()
    if session.get_bind().dialect.name != "sqlite":
        return
    if session.in_transaction():
        session.commit()
    session.connection(execution_options={SQLITE_BEGIN_OPTION: "IMMEDIATE"})

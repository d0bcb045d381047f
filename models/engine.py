"""Database engine set-up: SQLite pragmas and write transactions that wait instead of failing."""

from sqlalchemy import Engine, event

from models.base import db

SQLITE_BEGIN_OPTION = "sqlite_begin"


def configure_engine(engine: Engine, sqlite_busy_timeout_ms: int) -> None:
    """Set SQLite to WAL, foreign keys on and a busy timeout; let the ORM own transactions.

    pysqlite's own transaction handling breaks SAVEPOINT and starts transactions lazily,
    so (as SQLAlchemy's documentation recommends) the driver is put in autocommit mode and
    BEGIN is emitted here; `begin_write()` asks for BEGIN IMMEDIATE, which takes the write
    lock up front so concurrent writers queue on the busy timeout instead of failing.
    """
    if engine.dialect.name != "sqlite":
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

    @event.listens_for(engine, "begin")
    def _on_begin(connection) -> None:
        mode = connection.get_execution_options().get(SQLITE_BEGIN_OPTION, "DEFERRED")
        connection.exec_driver_sql(f"BEGIN {mode}")


def begin_write() -> None:
    """Start the session's write transaction now.

    Any read-only transaction the request opened (authentication) is ended first. On SQLite
    the new transaction takes the write lock at once (BEGIN IMMEDIATE); on PostgreSQL this is
    an ordinary transaction.
    """
    session = db.session()
    if session.in_transaction():
        session.commit()
    if session.get_bind().dialect.name == "sqlite":
        session.connection(execution_options={SQLITE_BEGIN_OPTION: "IMMEDIATE"})

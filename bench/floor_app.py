"""The check-in write floor: a bare WSGI app doing what `record_checkin` must do at least.

One transaction: INSERT the revision (ON CONFLICT (patient_id, submit_id) DO NOTHING RETURNING
id), upsert the current row (ON CONFLICT (patient_id, local_date) DO UPDATE ... revision + 1
RETURNING), COMMIT, through the same drivers (sqlite3 with the app's pragmas and BEGIN
IMMEDIATE, or psycopg 3), one connection per thread. No authentication, no validation beyond
JSON parsing, no alert rules, no audit row: what is left is the database's share.

    FLOOR_DATABASE_URL=sqlite:////tmp/x.db gunicorn -c gunicorn.conf.py bench.floor_app:app
"""

from __future__ import annotations

import json
import os
import re
import threading
from datetime import UTC, date, datetime

PATH = re.compile(r"^/api/v1/patients/(\d+)/checkins$")

REVISION_SQL = (
    "INSERT INTO checkin_revisions (patient_id, submit_id, local_date, mood, anxiety, pain, "
    "side_effects, note, self_harm_thoughts, submitted_at, client_tz_offset_min, late_entry, "
    "revision) VALUES ({p}) ON CONFLICT (patient_id, submit_id) DO NOTHING RETURNING id"
)
CURRENT_SQL = (
    "INSERT INTO checkins (patient_id, local_date, mood, anxiety, pain, side_effects, note, "
    "self_harm_thoughts, submitted_at, late_entry, revision, current_revision_id) "
    "VALUES ({p}) ON CONFLICT (patient_id, local_date) DO UPDATE SET mood = excluded.mood, "
    "anxiety = excluded.anxiety, pain = excluded.pain, side_effects = excluded.side_effects, "
    "note = excluded.note, self_harm_thoughts = excluded.self_harm_thoughts, "
    "submitted_at = excluded.submitted_at, late_entry = excluded.late_entry, "
    "current_revision_id = excluded.current_revision_id, revision = checkins.revision + 1 "
    "RETURNING id, revision"
)


class _Database:
    """One connection (per thread) and the two statements in the driver's placeholder style."""

    def __init__(self, url: str) -> None:
        self.sqlite = url.startswith("sqlite")
        if self.sqlite:
            import sqlite3

            path = url.split(":///", 1)[1]
            self.connection = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
            for pragma in (
                "busy_timeout = 30000",
                "journal_mode = WAL",
                "foreign_keys = ON",
                "synchronous = NORMAL",
            ):
                self.connection.execute(f"PRAGMA {pragma}")
            marks = "?"
        else:
            import psycopg

            conninfo = url.replace("postgresql+psycopg://", "postgresql://")
            self.connection = psycopg.connect(conninfo)
            marks = "%s"
        self.revision_sql = REVISION_SQL.format(p=", ".join([marks] * 13))
        self.current_sql = CURRENT_SQL.format(p=", ".join([marks] * 12))

    def record(self, patient_id: int, body: dict) -> tuple[int, int] | None:
        now = datetime.now(UTC)
        side_effects = json.dumps(body.get("side_effects") or [])
        # sqlite3 stores the ISO text SQLAlchemy's Date stores; psycopg sends a date.
        local_date = body["local_date"] if self.sqlite else date.fromisoformat(body["local_date"])
        when = now.replace(tzinfo=None).isoformat(sep=" ") if self.sqlite else now
        values = (body["mood"], body["anxiety"], body["pain"], side_effects, body.get("note"))
        cursor = self.connection.cursor()
        if self.sqlite:
            cursor.execute("BEGIN IMMEDIATE")
        cursor.execute(
            self.revision_sql,
            (
                patient_id,
                body["submit_id"],
                local_date,
                *values,
                body.get("self_harm_thoughts"),
                when,
                body.get("tz_offset_minutes"),
                False,
                0,
            ),
        )
        row = cursor.fetchone()
        if row is None:  # a replay: the first result stands
            self.finish(cursor, commit=False)
            return None
        cursor.execute(
            self.current_sql,
            (
                patient_id,
                local_date,
                *values,
                body.get("self_harm_thoughts"),
                when,
                False,
                1,
                row[0],
            ),
        )
        checkin_id, number = cursor.fetchone()
        self.finish(cursor, commit=True)
        return checkin_id, number

    def finish(self, cursor, commit: bool) -> None:
        if self.sqlite:
            cursor.execute("COMMIT" if commit else "ROLLBACK")
        elif commit:
            self.connection.commit()
        else:
            self.connection.rollback()


def make_app(url: str):
    """The floor as a WSGI callable on `url`, one connection per thread."""
    local = threading.local()

    def database() -> _Database:
        if (found := getattr(local, "database", None)) is None:
            found = local.database = _Database(url)
        return found

    def app(environ, start_response):
        match = PATH.match(environ.get("PATH_INFO", ""))
        if environ.get("REQUEST_METHOD") != "POST" or match is None:
            start_response("404 Not Found", [("Content-Length", "0")])
            return [b""]
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = json.loads(environ["wsgi.input"].read(length))
        result = database().record(int(match[1]), body)
        if result is None:
            payload, status = b'{"replay":true}', "200 OK"
        else:
            payload = json.dumps({"id": result[0], "revision": result[1]}).encode()
            status = "201 Created"
        start_response(
            status, [("Content-Type", "application/json"), ("Content-Length", str(len(payload)))]
        )
        return [payload]

    return app


def __getattr__(name: str):
    """`app` for gunicorn (`bench.floor_app:app`), on FLOOR_DATABASE_URL."""
    if name == "app":
        return make_app(os.environ["FLOOR_DATABASE_URL"])
    raise AttributeError(name)

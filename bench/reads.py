"""trend_read and roster: service calls on a grown PostgreSQL database against raw SQL floors.

One database grows in steps: 100 patients (the first clinic), the trend of those patients is
timed; then the rest (2,000 in all by default, 10,000 with --full) in clinics of 500 and a clinic
of 10, and the same patients' trends are timed again; the roster of a 500-patient clinic and
of the 10-patient clinic is counted and timed.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import event, select

from bench import datagen
from bench.common import analyze, counted_statements, fresh_database, interleaved, make_app
from bench.context import Context
from bench.results import Result, at_most
from clinical import trends
from models import User, db
from services import outcomes, roster

DAYS = 365
SMALL = 100
TREND_GOAL = 3.0
SCALE_GOAL = 1.3
ROSTER_GOAL = 2.0
ROSTER_MAX_STATEMENTS = 8


def captured(engine: Any, call: Callable[[], Any]) -> list[tuple[str, Any]]:
    """The statements (and their parameters) `call` sends, as the driver receives them."""
    seen: list[tuple[str, Any]] = []

    def hook(_conn, _cursor, statement, parameters, _context, _executemany) -> None:
        seen.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", hook)
    try:
        call()
    finally:
        event.remove(engine, "before_cursor_execute", hook)
    return seen


def replay(connection: Any, statements: list[tuple[str, Any]]) -> None:
    """The floor: the same SQL through the same driver connection, every row fetched, then
    COMMIT; no ORM, no Python work on the rows."""
    cursor = connection.cursor()
    for statement, parameters in statements:
        cursor.execute(statement, parameters)
        if cursor.description is not None:
            cursor.fetchall()
    connection.commit()


_PROBE_START = date(2026, 1, 1)
_PROBE_SERIES = [(_PROBE_START + timedelta(days=i), (i * 7) % 11) for i in range(DAYS + 6) if i % 5]


def _probe() -> None:
    """A fixed piece of pure-Python work (three 365-day trends of the same synthetic series, no
    I/O): timed in turn with the reads, it tells how fast the machine ran at the time, so the
    scale figure compares the two databases, not two moments of a shared machine."""
    end = _PROBE_START + timedelta(days=DAYS + 5)
    for scale in ("mood", "anxiety", "pain"):
        trends.trend(scale, _PROBE_SERIES, end - timedelta(days=DAYS - 1), end)


def _time_trends(app, patient_ids: list[int], now: datetime, repeats: int) -> dict[str, Any]:
    """Median seconds of a 365-day trend as the patient sees it: the service call, the same
    over HTTP (token, marshmallow dump, JSON), and the floor (the service's own SQL replayed);
    the patients taken in turn, so reads spread over the table as real ones do."""
    with app.app_context():
        users = {
            p: db.session.scalar(select(User).where(User.patient.has(id=p))) for p in patient_ids
        }
        tokens = dict(
            zip(
                patient_ids,
                datagen.issue_tokens(
                    app.config["SQLALCHEMY_DATABASE_URI"],
                    [users[p].id for p in patient_ids],
                    now,
                    timedelta(days=90),
                ),
                strict=True,
            )
        )
        statements = {
            p: captured(db.engine, lambda p=p: outcomes.patient_trends(users[p], "me", DAYS, now))
            for p in patient_ids
        }
        db.session.commit()  # nothing was written; the users stay loaded (expire_on_commit off)
        raw = db.engine.raw_connection()
        client = app.test_client()
        turns = {name: itertools.cycle(patient_ids) for name in ("service", "http", "floor")}

        def service() -> None:
            # As in a request: the user is already loaded (by the token lookup) when the service
            # runs, and the read's transaction ends with one round trip, COMMIT as the floor's
            # (expire_on_commit is off, the app's setting, so no loaded user is expired by it).
            outcomes.patient_trends(users[next(turns["service"])], "me", DAYS, now)
            db.session.commit()

        def http() -> None:
            token = tokens[next(turns["http"])]
            # The request's own app context, as in production: its session is removed at its
            # teardown. In the bench's outer context it would be the service's session, its last
            # transaction left open into the next service call (no checkout, no BEGIN timed).
            with app.app_context():
                answer = client.get(
                    f"/api/v1/patients/me/trends?days={DAYS}",
                    headers={"Authorization": f"Bearer {token}"},
                )
            assert answer.status_code == 200, answer.status_code

        def floor() -> None:
            replay(raw.driver_connection, statements[next(turns["floor"])])

        timings = interleaved(
            {"service": service, "http": http, "floor": floor, "probe": _probe}, repeats, 5
        )
        points = outcomes.patient_trends(users[patient_ids[0]], "me", DAYS, now)
        raw.close()
        db.session.remove()
    return {
        "service": timings["service"].median,
        "http": timings["http"].median,
        "floor": timings["floor"].median,
        "probe": timings["probe"].median,
        "points": len(points["scales"][0]["points"]),
        "statements": len(statements[patient_ids[0]]),
    }


def _roster(app, clinician_of: dict[int, int], clinic: int, small_clinic: int, now, repeats):
    with app.app_context():
        staff = {c: db.session.get(User, clinician_of[c]) for c in (clinic, small_clinic)}
        counts = {}
        for c in (clinic, small_clinic):
            roster.roster(staff[c], now=now)  # warm
            with counted_statements(db.engine) as statements:
                entries = roster.roster(staff[c], now=now)
            counts[c] = (len(statements), len(entries), statements)
        tokens = datagen.issue_tokens(
            app.config["SQLALCHEMY_DATABASE_URI"],
            [clinician_of[c] for c in (clinic, small_clinic)],
            now,
            timedelta(hours=12),
        )
        client = app.test_client()
        for c, token in zip((clinic, small_clinic), tokens, strict=True):
            headers = {"Authorization": f"Bearer {token}"}
            assert client.get("/api/v1/patients", headers=headers).status_code == 200
            with counted_statements(db.engine) as statements:
                assert client.get("/api/v1/patients", headers=headers).status_code == 200
            counts[f"http-{c}"] = (len(statements), 0, statements)
        sql = captured(db.engine, lambda: roster.roster(staff[clinic], now=now))
        raw = db.engine.raw_connection()
        timings = interleaved(
            {
                "service": lambda: roster.roster(staff[clinic], now=now),
                "floor": lambda: replay(raw.driver_connection, sql),
            },
            repeats,
            warmup=3,
        )
        raw.close()
        db.session.remove()
    return counts, timings


def measure(ctx: Context, big: int | None = None) -> list[Result]:
    big = big or (10_000 if ctx.full else 2_000)
    now = datetime.now(UTC)
    url = ctx.postgres_url("reads")
    fresh_database(url, ctx.instance)
    ctx.say(f"trend_read: {SMALL} patients x {DAYS} days")
    first = datagen.generate(url, SMALL, DAYS, now=now, clinic_size=SMALL, seed=2)
    analyze(url)
    app = make_app(url, ctx.instance)
    measured = first.patient_ids
    repeats = 300
    small = _time_trends(app, measured, now, repeats)
    ctx.say(f"trend_read: growing to {big} patients (clinics of 500) and a 10-patient clinic")
    grown = datagen.generate(url, big - SMALL, DAYS, now=now, clinic_size=500, seed=3)
    tiny = datagen.generate(url, 10, DAYS, now=now, clinic_size=10, seed=4)
    ctx.say(
        f"trend_read: {sum(grown.counts.values()) + sum(first.counts.values()):,} rows "
        f"in {first.seconds + grown.seconds:.0f} s; analyze"
    )
    analyze(url)
    large = _time_trends(app, measured, now, repeats)
    ctx.say("roster: statements and time")
    clinic = grown.clinic_ids[0]
    counts, timings = _roster(
        app,
        {**grown.clinician_of_clinic, **tiny.clinician_of_clinic},
        clinic,
        tiny.clinic_ids[0],
        now,
        40 if not ctx.full else 60,
    )
    with app.app_context():
        db.engine.dispose()
    mode = "" if ctx.full else " (default mode; `--full`: 10,000)"
    trend_note = (
        f"PostgreSQL, {big:,} patients x {DAYS} days{mode}, check-ins written day by day across "
        f"patients as a live clinic writes them. `outcomes.patient_trends(patient, 'me', 365)` "
        f"({small['points']} points a scale with 7-day means, sessions, questionnaires; as the "
        f"patient, so no audit row) vs its own {large['statements']} SELECTs replayed raw "
        f"through psycopg; median of {repeats}, {len(measured)} patients in turn. Each call as "
        f"a request makes it: the signed-in user already loaded (by the token lookup), a pooled "
        f"connection checked out (pinged only when it may be dead: models/engine.py) and a "
        f"transaction begun for it, ended by COMMIT as the floor's. Beyond the floor: "
        f"SQLAlchemy's session and Core around 3 statements (~0.15 ms), and ~0.5 ms of Python "
        f"(three one-pass sliding 7-day means ~0.3 ms, 1,095 point dicts ~0.15 ms)."
    )
    http_note = (
        "the same trend over HTTP in-process (`GET /patients/me/trends?days=365`: token, "
        "marshmallow dump of 1,095 points, JSON; each request in its own app context, its "
        "session removed at the end as in production); floor as above; no goal, shown for the "
        "cost the app really pays"
    )
    speed = small["probe"] / large["probe"]
    scale_note = (
        f"the same {len(measured)} patients' trends with {SMALL} patients in the database "
        f"(floor column: {1000 * small['service']:.2f} ms, raw SQL {1000 * small['floor']:.2f} "
        f"ms) and with {big:,}{mode} ({1000 * large['service']:.2f} ms, raw SQL "
        f"{1000 * large['floor']:.2f} ms), the later time scaled by {speed:.2f}: how much "
        f"faster the machine ran a fixed pure-Python probe (three synthetic trends, timed in "
        f"turn with the reads) during the first measurement than during the second, so that "
        f"the figure compares the databases, not two moments of a shared machine. The covering "
        f"index (patient_id, local_date, mood, anxiety, pain) keeps a read at a few index "
        f"pages however many patients share the table; without it each of a patient's 365 "
        f"rows sits on its own heap page."
    )
    c500, c10 = counts[clinic], counts[tiny.clinic_ids[0]]
    h500, h10 = counts[f"http-{clinic}"], counts[f"http-{tiny.clinic_ids[0]}"]
    equal = c500[0] == c10[0]
    statement_note = (
        f"statements of one `roster.roster(clinician)` call on PostgreSQL: "
        f"{', '.join(s.split()[0] + ' ' + _table(s) for s in c500[2])} (floor column: the "
        f"{c10[1]}-patient clinic's count)."
    )
    return [
        at_most(
            "trend_read.postgresql",
            1000 * large["service"],
            1000 * large["floor"],
            TREND_GOAL,
            "ms",
            note=trend_note,
            limit=(
                "Python: the three sliding 7-day means (~0.1 ms a scale, one pass, the same "
                "arithmetic as the naive mean) and the 1,095 point dicts the API answers; the "
                "statements cost the floor's round trips plus ~0.05 ms of SQLAlchemy each. The "
                "pool no longer pings a connection used a moment ago (it did on every checkout: "
                "a seventh round trip), and a period's ISO dates and the rounded means are made "
                "once, not per request."
            ),
        ),
        Result(
            "trend_read.postgresql.http",
            1000 * large["http"],
            "ms",
            1000 * large["floor"],
            large["http"] / large["floor"],
            note=http_note,
        ),
        at_most(
            f"trend_read.postgresql.scale_{SMALL}_to_{big}",
            1000 * large["service"] * speed,
            1000 * small["service"],
            SCALE_GOAL,
            "ms",
            note=scale_note,
        ),
        Result(
            "roster.statements",
            c500[0],
            f"statements ({c500[1]} patients)",
            c10[0],
            c500[0] / c10[0],
            f"same for {c10[1]} and {c500[1]} patients, <= {ROSTER_MAX_STATEMENTS}",
            equal and c500[0] <= ROSTER_MAX_STATEMENTS,
            note=statement_note,
        ),
        Result(
            "roster.statements_http",
            h500[0],
            f"statements ({c500[1]} patients)",
            h10[0],
            h500[0] / h10[0],
            f"same for {c10[1]} and {c500[1]} patients, <= {ROSTER_MAX_STATEMENTS}",
            h500[0] == h10[0] and h500[0] <= ROSTER_MAX_STATEMENTS,
            note=(
                f"the whole request `GET /api/v1/patients` in-process on PostgreSQL: "
                f"{', '.join(s.split()[0] + ' ' + _table(s) for s in h500[2])} (floor column: "
                f"the {c10[1]}-patient clinic's). SQLite adds a BEGIN for the read and a BEGIN "
                f"IMMEDIATE for the audit row's transaction."
            ),
        ),
        at_most(
            "roster.postgresql",
            1000 * timings["service"].median,
            1000 * timings["floor"].median,
            ROSTER_GOAL,
            "ms",
            note=(
                f"a {c500[1]}-patient clinic's roster (service call, audited) vs its own "
                f"statements replayed raw through psycopg, rows fetched, COMMIT; median of "
                f"{len(timings['service'].samples)}. The database sums each patient's last 14 "
                f"days (one row a patient); beyond the floor: 500 patient entities, the "
                f"summaries' dicts, the alerts, sorting. Its statements are built once."
            ),
            limit=(
                "per-patient Python for 500 patients (entities, result rows, summaries, "
                "sorting) on top of the same SQL."
            ),
        ),
    ]


def _table(statement: str) -> str:
    """The table a statement reads or writes: the first FROM or INTO outside parentheses (or,
    when that FROM reads a subquery, the subquery's own)."""
    depth = 0
    words = statement.replace("(", " ( ").replace(")", " ) ").split()
    for index, word in enumerate(words):
        depth += (word == "(") - (word == ")")
        if depth == 0 and word.upper() in ("FROM", "INTO") and index + 1 < len(words):
            if words[index + 1] == "(":
                return _table(" ".join(words[index + 2 :]))
            return words[index + 1]
    return ""

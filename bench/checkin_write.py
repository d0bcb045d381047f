"""checkin_write: check-in POSTs per second through gunicorn as configured for production, 32
keep-alive clients, against the floor app (bench/floor_app.py) under the same gunicorn settings."""

from __future__ import annotations

import json
import random
import secrets
import time
import uuid
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import create_engine, func, select

from bench import datagen
from bench.common import REDIS_URL, fresh_database
from bench.context import Context, gunicorn_settings
from bench.load import LoadResult, http_request, run_load
from bench.results import Result, at_least
from bench.servers import gunicorn
from config import normalize_database_url
from models import CheckInRevision

CLIENTS = 32
PATIENTS = 2000
DAYS = 30
GOAL = 0.5


def _requests(url: str, ctx: Context) -> tuple[list[tuple[int, str, str]], datetime]:
    """A database with PATIENTS patients and DAYS days of history; each patient's token."""
    now = datetime.now(UTC)
    fresh_database(url, ctx.instance)
    generated = datagen.generate(url, PATIENTS, DAYS, now=now, seed=1)
    users = [generated.patient_user[p] for p in generated.patient_ids]
    tokens = datagen.issue_tokens(url, users, now, timedelta(days=90))
    today = {
        p: now.astimezone(ZoneInfo(generated.zone_of_patient[p])).date().isoformat()
        for p in generated.patient_ids
    }
    return [(p, t, today[p]) for p, t in zip(generated.patient_ids, tokens, strict=True)], now


def _maker(patients: list[tuple[int, str, str]]):
    """Client i submits for patients i, i+32, i+64, ... in turn: today's check-in, then
    corrections of it (each a new submit_id, as the app sends)."""
    rng = random.Random(7)  # noqa: S311 - load shape
    scores = [(rng.randint(3, 9), rng.randint(1, 7), rng.randint(0, 5)) for _ in range(997)]

    def make(client: int, number: int) -> bytes:
        pid, token, today = patients[(client + CLIENTS * number) % len(patients)]
        mood, anxiety, pain = scores[(client * 31 + number) % len(scores)]
        body = {
            "submit_id": str(uuid.uuid4()),
            "local_date": today,
            "mood": mood,
            "anxiety": anxiety,
            "pain": pain,
            "side_effects": [],
            "tz_offset_minutes": -240,
        }
        return http_request(
            "POST",
            f"/api/v1/patients/{pid}/checkins",
            json.dumps(body).encode(),
            {"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        )

    return make


def _run(app: str, env: dict, ctx: Context, log_name: str, make) -> tuple[LoadResult, float, float]:
    """The load against `app` under gunicorn: the result, the workers' peak RSS (MB) and the
    workers' CPU time per answered request (ms; a figure a busy machine disturbs little)."""
    workers = gunicorn_settings()["workers"]
    with gunicorn(app, env, ctx.work / log_name, workers) as server:
        cpu = server.worker_cpu_seconds()
        result = run_load("127.0.0.1", server.port, make, clients=CLIENTS, seconds=ctx.seconds)
        cpu = server.worker_cpu_seconds() - cpu
        server.sample_memory()
        return result, server.peak_worker_mb, 1000 * cpu / max(result.answered, 1)


def _revisions(url: str) -> int:
    engine = create_engine(normalize_database_url(url))
    with engine.connect() as connection:
        count = connection.scalar(select(func.count()).select_from(CheckInRevision))
    engine.dispose()
    return count


def measure(ctx: Context, dialect: str) -> tuple[list[Result], float]:
    """Answers the results and the app workers' peak RSS (MB) under this load."""
    url = ctx.sqlite_url("write") if dialect == "sqlite" else ctx.postgres_url("write")
    ctx.say(f"checkin_write[{dialect}]: {PATIENTS} patients x {DAYS} days, tokens")
    patients, _now = _requests(url, ctx)
    make = _maker(patients)
    before = _revisions(url)
    env = {
        "APP_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(48),
        "DATABASE_URL": url,
        "RATELIMIT_STORAGE_URI": REDIS_URL,
        "INSTANCE_PATH": str(ctx.instance),
    }
    ctx.say(f"checkin_write[{dialect}]: the app under gunicorn, {CLIENTS} clients")
    app, app_rss, app_cpu = _run("wsgi:app", env, ctx, f"gunicorn-app-{dialect}.log", make)
    stored = _revisions(url) - before
    ctx.say(f"checkin_write[{dialect}]: the floor app under gunicorn")
    floor, _, floor_cpu = _run(
        "bench.floor_app:app", {"FLOOR_DATABASE_URL": url}, ctx, "gunicorn-floor.log", make
    )
    settings = gunicorn_settings()
    shape = (
        f"gunicorn gthread, {settings['workers']} workers x {settings['threads']} threads "
        f"(gunicorn.conf.py), {CLIENTS} keep-alive clients, {ctx.seconds:.0f} s after 2 s warm-up"
    )
    answered = dict(app.statuses)
    bad = {k: v for k, v in answered.items() if k not in (200, 201)}
    statements, alone_cpu = _in_process(url, ctx, patients, make)
    limits = (
        "SQLite has one writer: `begin_write()` takes the lock (BEGIN IMMEDIATE) before the "
        "first INSERT and holds it through the alert rule and the audit row until COMMIT, "
        "while the worker's threads share one GIL; the other writers queue for it "
        "(models/engine.py's write queue: a lock per process, an flock across them), so "
        "the p99 is queueing behind the writers ahead, not SQLite's busy-handler sleeps."
        if dialect == "sqlite"
        else "PostgreSQL runs the statements in parallel, so it is CPU: the workers', the "
        "server's and the client's, on the same cores."
    )
    note = (
        f"{shape}; answers {answered}"
        + (f", errors {app.errors}" if app.errors else "")
        + (" (NOT all 2xx)" if bad else "")
        + f"; ~{stored} revisions stored. A check-in costs the app's workers "
        f"{app_cpu:.1f} ms of CPU against {floor_cpu:.2f} ms for the floor "
        f"({app_cpu / max(floor_cpu, 1e-9):.0f}x), and {len(statements)} statements "
        f"({', '.join(statements)}) against the floor's 2 and a COMMIT: the token lookup, "
        f"the revision's INSERT ... ON CONFLICT (which decides replays), the day's upsert, the "
        f"revision numbered by UPDATE ... RETURNING, 17 days read for the decline rule, the "
        f"audit row; then Flask, flask-restx, marshmallow and the ORM around them (statements "
        f"and schemas are built once). Alone (one thread, in-process, no load) a POST costs "
        f"the app {alone_cpu:.1f} ms of CPU. {limits}"
    )
    name = f"checkin_write.{dialect}"
    results = [
        at_least(
            name,
            app.rate,
            floor.rate,
            GOAL,
            "check-ins/s",
            note=note,
            limit=(
                f"CPU per check-in: the app's workers spend {app_cpu:.1f} ms against the "
                f"floor's {floor_cpu:.2f} ms, and the rate follows on these 2 cores, which the "
                f"workers share with the database and the client. Alone a POST costs "
                f"{alone_cpu:.1f} ms (the {len(statements)} statements through the ORM's "
                f"session, then Flask, flask-restx, marshmallow, the alert rules, the audit "
                f"row); under the load each of its round trips hands the core to another "
                f"process. A request that reaches no statement (a 404 through the same Flask, "
                f"flask-restx and gunicorn) ran at the floor's rate, so it is the statements "
                f"and the ORM around them: 0.5 of the floor needs about 1 ms in all, a third "
                f"of what this design's 6 statements cost here."
                + (
                    " SQLite also serialises writers on its one lock."
                    if dialect == "sqlite"
                    else ""
                )
            ),
        ),
        Result(
            f"{name}.p50",
            app.percentile_ms(0.50),
            "ms",
            floor.percentile_ms(0.50),
            app.percentile_ms(0.50) / max(floor.percentile_ms(0.50), 1e-9),
            note="median latency under the load above (floor: the floor app's)",
        ),
        Result(
            f"{name}.p99",
            app.percentile_ms(0.99),
            "ms",
            floor.percentile_ms(0.99),
            app.percentile_ms(0.99) / max(floor.percentile_ms(0.99), 1e-9),
            note="99th percentile latency under the load above",
        ),
    ]
    return results, app_rss


def _in_process(
    url: str, ctx: Context, patients: list[tuple[int, str, str]], make
) -> tuple[list[str], float]:
    """The statements one check-in POST sends, as 'VERB table', and the CPU a POST costs the
    app alone (ms; one thread, Flask's test client, the load's next 300 requests)."""
    from bench.common import counted_statements, make_app
    from models import db

    app = make_app(url, ctx.instance)
    client = app.test_client()

    def post(client_index: int, number: int, counted: bool = False) -> list[str]:
        raw = make(client_index, number).split(b"\r\n\r\n", 1)[1]
        pid, token, _today = patients[(client_index + CLIENTS * number) % len(patients)]
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        with app.app_context(), counted_statements(db.engine) as statements:
            answer = client.post(f"/api/v1/patients/{pid}/checkins", data=raw, headers=headers)
        if answer.status_code not in (200, 201):
            raise RuntimeError(f"check-in answered {answer.status_code}")
        return statements if counted else []

    statements = post(0, 10_000, counted=True)
    for n in range(20):  # warm: the pool, prepared statements
        post(n % CLIENTS, 10_001 + n // CLIENTS)
    started = time.process_time()
    for n in range(300):
        post(n % CLIENTS, 10_100 + n // CLIENTS)
    cpu = 1000 * (time.process_time() - started) / 300
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    return [_verb_table(s) for s in statements], cpu


def _verb_table(statement: str) -> str:
    words = statement.replace("\n", " ").split()
    verb = words[0].upper()
    keyword = {"SELECT": "FROM", "INSERT": "INTO", "DELETE": "FROM"}.get(verb)
    if verb == "UPDATE":
        return f"UPDATE {words[1]}"
    if keyword and keyword in words:
        return f"{verb} {words[words.index(keyword) + 1]}"
    return " ".join(words[:2])

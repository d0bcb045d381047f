"""checkin_write: check-in POSTs per second through gunicorn as configured for production, 32
keep-alive clients, against the floor app (bench/floor_app.py) under the same gunicorn settings;
and, between the two, the floor's statements through the stack alone (bench/stack_app.py)."""

from __future__ import annotations

import cProfile
import json
import pstats
import random
import secrets
import time
import uuid
from dataclasses import dataclass
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
    ctx.say(f"checkin_write[{dialect}]: the floor's statements through the stack alone")
    stack, _, stack_cpu = _run(
        "bench.stack_app:app", {"STACK_DATABASE_URL": url}, ctx, "gunicorn-stack.log", make
    )
    settings = gunicorn_settings()
    shape = (
        f"gunicorn gthread, {settings['workers']} workers x {settings['threads']} threads "
        f"(gunicorn.conf.py), {CLIENTS} keep-alive clients, {ctx.seconds:.0f} s after 2 s warm-up"
    )
    answered = dict(app.statuses)
    bad = {k: v for k, v in answered.items() if k not in (200, 201)}
    alone = _in_process(url, ctx, patients, make)
    statements = alone.statements
    sql = [s for s in statements if not s.startswith("BEGIN")]
    calls = alone.calls
    alone_note = (
        f"Alone (one thread calling each WSGI app, no load) a POST costs the app "
        f"{alone.cpu_ms['app']:.1f} ms of CPU and {calls['app']:,} Python function calls, the "
        f"stack alone {alone.cpu_ms['stack']:.2f} ms and {calls['stack']:,}, the floor "
        f"{alone.cpu_ms['floor']:.2f} ms and {calls['floor']:,} (calls, unlike times, do not "
        f"move with the machine's load)."
    )
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
        f"revision numbered by an UPDATE, 17 days read for the decline rule, the "
        f"audit row; then Flask, flask-restx, marshmallow and the ORM around them (statements "
        f"and schemas are built once). {alone_note} {limits}"
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
                f"floor's {floor_cpu:.2f} ms, and on these 2 cores, shared with the database "
                f"and the client, the rate follows. The floor's own 2 statements sent through "
                f"Flask, flask-restx, marshmallow and a Flask-SQLAlchemy session (bench/"
                f"stack_app.py) reached {stack.rate / max(floor.rate, 1e-9):.2f} of the floor "
                f"({stack_cpu:.1f} ms a request); the app's own work on top, the token lookup, "
                f"the revision numbered under the day's row lock, the 17 days the decline rule "
                f"reads and the audit row ({len(sql) - 2} statements more, each a round "
                f"trip that hands the core to another process under this load) and the alert "
                f"rules, takes it to {app.rate / max(floor.rate, 1e-9):.2f}. Alone a POST makes "
                f"{calls['app']:,} Python function calls against the stack's {calls['stack']:,} "
                f"and the floor's {calls['floor']:,}."
                + (
                    " SQLite also serialises writers on its one lock."
                    if dialect == "sqlite"
                    else ""
                )
            ),
        ),
        Result(
            f"{name}.stack",
            stack.rate,
            "check-ins/s",
            floor.rate,
            stack.rate / max(floor.rate, 1e-9),
            note=(
                f"the floor's two upserts (services.checkins' own statements) behind Flask, "
                f"flask-restx and marshmallow (the API's CheckInCreateSchema), in a "
                f"Flask-SQLAlchemy session's transaction with the app's engine set-up, under "
                f"the same gunicorn and load (bench/stack_app.py): no token lookup, no alert "
                f"rules, no audit row. What the stack costs before the app's own work: "
                f"{stack_cpu:.1f} ms of worker CPU a request; answers {dict(stack.statuses)}. "
                f"No goal."
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


@dataclass
class Alone:
    """One thread calling each WSGI app with no load: what a POST costs each, exactly."""

    statements: list[str]  # the app's, as 'VERB table'
    cpu_ms: dict[str, float]  # app, stack, floor: CPU a POST
    calls: dict[str, int]  # app, stack, floor: Python function calls a POST (cProfile's count)


def _in_process(url: str, ctx: Context, patients: list[tuple[int, str, str]], make) -> Alone:
    """The app's statements for one check-in POST; then, for the app, the stack app and the floor
    app in turn, the CPU (the next 300 requests of the load) and the Python function calls (50
    more) a POST costs, the environments made beforehand. Function calls do not move with the
    machine's load as times do: they show where the gap is on any machine."""
    from werkzeug.test import EnvironBuilder

    from bench import floor_app, stack_app
    from bench.common import counted_statements, make_app
    from models import db

    number = iter(range(10_000 * CLIENTS, 20_000 * CLIENTS))

    def environ() -> dict:
        n = next(number)
        client, round_ = n % CLIENTS, n // CLIENTS
        raw = make(client, round_).split(b"\r\n\r\n", 1)[1]
        pid, token, _today = patients[(client + CLIENTS * round_) % len(patients)]
        return EnvironBuilder(
            path=f"/api/v1/patients/{pid}/checkins",
            method="POST",
            data=raw,
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        ).get_environ()

    answers: list[str] = []

    def post(wsgi, environ: dict) -> None:
        body = wsgi(environ, lambda status, _headers, _exc=None: answers.append(status))
        b"".join(body)
        if hasattr(body, "close"):
            body.close()

    def cost(wsgi) -> tuple[float, int]:
        for _ in range(20):  # warm: the pool, prepared statements
            post(wsgi, environ())
        timed, counted = [environ() for _ in range(300)], [environ() for _ in range(50)]
        started = time.process_time()
        for one in timed:
            post(wsgi, one)
        cpu = 1000 * (time.process_time() - started) / len(timed)
        profile = cProfile.Profile()
        profile.enable()
        for one in counted:
            post(wsgi, one)
        profile.disable()
        return cpu, round(pstats.Stats(profile).total_calls / len(counted))

    app = make_app(url, ctx.instance)
    with app.app_context(), counted_statements(db.engine) as statements:
        post(app, environ())
    figures = {"app": cost(app)}
    stack = stack_app.make_app(url)
    figures["stack"] = cost(stack)
    figures["floor"] = cost(floor_app.make_app(url))
    for flask_app in (app, stack):
        with flask_app.app_context():
            db.session.remove()
            db.engine.dispose()
    if not all(status.startswith(("200", "201")) for status in answers):
        raise RuntimeError(f"check-ins answered {sorted(set(answers))}")
    return Alone(
        [_verb_table(s) for s in statements],
        {name: cpu for name, (cpu, _) in figures.items()},
        {name: calls for name, (_, calls) in figures.items()},
    )


def _verb_table(statement: str) -> str:
    words = statement.replace("\n", " ").split()
    verb = words[0].upper()
    keyword = {"SELECT": "FROM", "INSERT": "INTO", "DELETE": "FROM"}.get(verb)
    if verb == "UPDATE":
        return f"UPDATE {words[1]}"
    if keyword and keyword in words:
        return f"{verb} {words[words.index(keyword) + 1]}"
    return " ".join(words[:2])

"""What every benchmark shares: bench databases, an app on them, timing and process memory."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import make_url

from config import BASE_DIR, DevelopmentConfig, normalize_database_url

ROOT = BASE_DIR
PYTHON = sys.executable
PG_SERVER = os.environ.get("BENCH_PG_SERVER", "postgresql+psycopg://postgres@127.0.0.1:5432")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")


def pg_url(name: str) -> str:
    """The URL of one of our own `bench_*` databases on the PostgreSQL server."""
    if not name.startswith("bench_"):
        raise ValueError("benchmarks only create and drop databases named bench_*")
    return f"{PG_SERVER}/{name}"


def recreate_pg_database(url: str) -> None:
    """Drop and create a `bench_*` database (never any other)."""
    name = make_url(url).database or ""
    if not name.startswith("bench_"):
        raise ValueError(f"refusing to recreate {name!r}: only bench_* databases")
    admin = create_engine(f"{PG_SERVER}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()


def drop_pg_database(url: str) -> None:
    name = make_url(url).database or ""
    if not name.startswith("bench_"):
        raise ValueError(f"refusing to drop {name!r}: only bench_* databases")
    admin = create_engine(f"{PG_SERVER}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def bench_config(url: str, instance_path: str | Path, **overrides: Any) -> type[DevelopmentConfig]:
    """A development config on `url` whose instance folder (VAPID pair) is the bench's own."""
    values = {
        "SQLALCHEMY_DATABASE_URI": normalize_database_url(url),
        "INSTANCE_PATH": str(instance_path),
        "RATELIMIT_ENABLED": False,
        "RATELIMIT_STORAGE_URI": "memory://",
        **overrides,
    }
    return type("BenchConfig", (DevelopmentConfig,), values)


def make_app(url: str, instance_path: str | Path, **overrides: Any) -> Flask:
    import logging

    from api import create_app

    app = create_app(bench_config(url, instance_path, **overrides))
    # The tick logs one line per push: at thousands of pushes that is the benchmark's noise.
    logging.getLogger("services").setLevel(logging.WARNING)
    return app


def migrate(url: str, instance_path: str | Path) -> None:
    """Create the schema the way production does: `flask db upgrade` (the migration history)."""
    from flask_migrate import upgrade

    from models import db

    app = make_app(url, instance_path)
    with app.app_context():
        upgrade()
        db.session.remove()
        db.engine.dispose()


def fresh_database(url: str, instance_path: str | Path) -> None:
    """An empty, migrated database at `url` (a `bench_*` PostgreSQL database or a SQLite file)."""
    if url.startswith("sqlite"):
        path = Path(make_url(url).database or "")
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        path.parent.mkdir(parents=True, exist_ok=True)
    else:
        recreate_pg_database(url)
    migrate(url, instance_path)


def analyze(url: str) -> None:
    """Fresh planner statistics (and visibility maps on PostgreSQL), as autovacuum would leave."""
    if url.startswith("sqlite"):
        engine = create_engine(normalize_database_url(url))
        with engine.begin() as connection:
            connection.execute(text("ANALYZE"))
    else:
        engine = create_engine(normalize_database_url(url), isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            connection.execute(text("VACUUM ANALYZE"))
    engine.dispose()


@dataclass(frozen=True)
class Timing:
    """Repeated timings of one operation, in seconds."""

    samples: list[float]

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    def quantile(self, q: float) -> float:
        ordered = sorted(self.samples)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def repeat(call: Callable[[], Any], times: int, warmup: int = 3) -> Timing:
    for _ in range(warmup):
        call()
    samples = []
    for _ in range(times):
        started = time.perf_counter()
        call()
        samples.append(time.perf_counter() - started)
    return Timing(samples)


def interleaved(
    calls: dict[str, Callable[[], Any]], times: int, warmup: int = 3
) -> dict[str, Timing]:
    """Time several operations in turns, so a noisy neighbour slows them all alike."""
    for call in calls.values():
        for _ in range(warmup):
            call()
    samples: dict[str, list[float]] = {name: [] for name in calls}
    for _ in range(times):
        for name, call in calls.items():
            started = time.perf_counter()
            call()
            samples[name].append(time.perf_counter() - started)
    return {name: Timing(values) for name, values in samples.items()}


@contextmanager
def counted_statements(engine) -> Iterator[list[str]]:
    """Every SQL statement the engine sends while the block runs."""
    statements: list[str] = []

    def count(_conn, _cursor, statement, _params, _context, _executemany) -> None:
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def peak_rss_mb(pid: int) -> float | None:
    """A live process's peak resident set (VmHWM), in MB."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def children(pid: int) -> list[int]:
    """The direct children of a process (gunicorn's workers)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # "pid (comm) state ppid ..."; comm may hold spaces, so split after the last ')'.
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[1]) == pid:
            found.append(int(entry.name))
    return found


def run_json(args: list[str], env: dict[str, str] | None = None, timeout: float = 900) -> Any:
    """Run a helper process that prints one JSON document last; answer it."""
    import json

    result = subprocess.run(
        args,
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed:\n{result.stderr[-4000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])

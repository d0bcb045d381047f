"""Real processes for the fault tests: a throwaway database (PostgreSQL when TEST_DATABASE_URL
names one, else a SQLite file), a gunicorn serving `wsgi:app` on it on 127.0.0.1, and people
to act with. Everything is bounded in time and cleaned up."""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import psycopg
from flask_migrate import upgrade
from sqlalchemy.engine import make_url

from api import create_app
from config import TestingConfig, normalize_database_url
from models import Clinic, db
from services import auth as auth_service
from services import patients as patient_service

ROOT = Path(__file__).resolve().parents[2]
# No proxy from the environment: every request here goes to 127.0.0.1 directly.
OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))
PASSWORD = "correct-horse-battery"


def postgres_url() -> str | None:
    """TEST_DATABASE_URL when it names PostgreSQL (the CI's second pass), else None."""
    url = os.environ.get("TEST_DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql")) else None


def _libpq(url: str, database: str | None = None) -> str:
    parsed = make_url(normalize_database_url(url)).set(drivername="postgresql")
    if database:
        parsed = parsed.set(database=database)
    return parsed.render_as_string(hide_password=False)


def admin_connection(url: str) -> psycopg.Connection:
    return psycopg.connect(_libpq(url, "postgres"), autocommit=True)


@contextmanager
def throwaway_database(tmp_path: Path, kind: str = "auto") -> Iterator[str]:
    """A migrated, empty database of its own, dropped afterwards. Answers its SQLAlchemy URL.

    kind "auto" follows TEST_DATABASE_URL; "sqlite" is always a file database.
    """
    pg = postgres_url() if kind == "auto" else None
    if pg is None:
        url = f"sqlite:///{tmp_path / 'fault.db'}"
        _migrate(url)
        yield url
        return
    name = f"sec_fault_{uuid.uuid4().hex[:10]}"
    with admin_connection(pg) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = normalize_database_url(_libpq(pg, name))
    try:
        _migrate(url)
        yield url
    finally:
        with admin_connection(pg) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def config_for(url: str, **overrides) -> type[TestingConfig]:
    return type("FaultConfig", (TestingConfig,), {"SQLALCHEMY_DATABASE_URI": url, **overrides})


def _migrate(url: str) -> None:
    app = create_app(config_for(url))
    with app.app_context():
        upgrade()
        db.session.remove()
        db.engine.dispose()


@dataclass
class People:
    """A clinic with a clinician and enrolled patients, with their bearer tokens."""

    clinic_id: int
    clinician_token: str
    patient_tokens: list[str] = field(default_factory=list)
    patient_ids: list[int] = field(default_factory=list)


def seed_people(url: str, patients: int = 1) -> People:
    app = create_app(config_for(url))
    with app.app_context():
        clinic = Clinic(name=f"Fault clinic {uuid.uuid4().hex[:6]}", timezone="UTC")
        db.session.add(clinic)
        db.session.commit()
        clinician = auth_service.create_staff(clinic.id, f"{uuid.uuid4().hex[:8]}@c.test", PASSWORD)
        people = People(clinic.id, auth_service.issue_token(clinician, datetime.now(UTC)).token)
        db.session.commit()
        for n in range(patients):
            name = f"Fault patient {n}"
            patient = patient_service.create_patient(clinician, name, timezone="UTC")
            code = patient_service.create_invitation(clinician, patient.id, "http://test").code
            issued = auth_service.enroll(code, PASSWORD, "UTC")
            people.patient_tokens.append(issued.token)
            people.patient_ids.append(patient.id)
        db.session.remove()
        db.engine.dispose()
    return people


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Gunicorn:
    process: subprocess.Popen
    base: str
    access_log: Path

    def worker_pids(self) -> list[int]:
        """The master's children (its workers), read from /proc."""
        children = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except (OSError, IndexError):
                continue
            if int(fields[1]) == self.process.pid:
                children.append(int(stat.parent.name))
        return sorted(children)


@contextmanager
def gunicorn(url: str, tmp_path: Path, workers: int = 2, threads: int = 4) -> Iterator[Gunicorn]:
    """`gunicorn -c gunicorn.conf.py wsgi:app` on 127.0.0.1, the production command, with the
    testing config on `url`; stopped with SIGTERM (then SIGKILL) at the end."""
    port = free_port()
    access_log = tmp_path / f"access-{port}.log"
    env = {
        **os.environ,
        "APP_ENV": "testing",
        "TEST_DATABASE_URL": url,
        "INSTANCE_PATH": str(tmp_path / "instance"),
    }
    command = [
        sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py",
        "--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--threads", str(threads),
        "--access-logfile", str(access_log), "--error-logfile", str(tmp_path / "error.log"),
        "--timeout", "20", "wsgi:app",
    ]  # fmt: skip
    process = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)
    server = Gunicorn(process, f"http://127.0.0.1:{port}", access_log)
    try:
        deadline = time.monotonic() + 20
        while True:
            if process.poll() is not None:
                raise RuntimeError((tmp_path / "error.log").read_text())
            try:
                if call(server.base + "/api/v1/swagger.json", timeout=2)[0] == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise TimeoutError("gunicorn did not start within 20 s")
            time.sleep(0.2)
        yield server
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)


def call(
    url: str,
    method: str = "GET",
    token: str | None = None,
    body: dict | None = None,
    timeout: float = 10,
) -> tuple[int, dict | None]:
    """One HTTP request; answers (status, JSON body or None). Connection errors raise OSError."""
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method)
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    if data is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with OPENER.open(request, timeout=timeout) as response:
            raw = response.read()
            status = response.status
    except urllib.error.HTTPError as exc:
        raw, status = exc.read(), exc.code
    except http.client.HTTPException as exc:  # a worker died mid-answer
        raise ConnectionError(type(exc).__name__) from exc
    try:
        return status, json.loads(raw) if raw else None
    except ValueError:
        return status, None


def checkin_body(submit_id: str | None = None) -> dict:
    return {
        "submit_id": submit_id or str(uuid.uuid4()),
        "local_date": datetime.now(UTC).date().isoformat(),
        "mood": 5,
        "anxiety": 4,
        "pain": 3,
    }

"""The machine and the software a run measured, for docs/performance.md."""

from __future__ import annotations

import os
import platform
import re
import sqlite3
import subprocess
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

from sqlalchemy import create_engine, text

from bench.common import PG_SERVER
from bench.context import gunicorn_settings

PACKAGES = (
    "Flask",
    "flask-restx",
    "marshmallow",
    "SQLAlchemy",
    "psycopg",
    "gunicorn",
    "APScheduler",
    "pywebpush",
    "http_ece",
    "cryptography",
    "requests",
)


def _first(pattern: str, path: str) -> str:
    try:
        match = re.search(pattern, Path(path).read_text(), re.MULTILINE)
    except OSError:
        return ""
    return match[1].strip() if match else ""


def _command(*args: str) -> str:
    try:
        out = subprocess.run(args, capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return out.strip().splitlines()[0] if out.strip() else ""


def _postgres() -> dict[str, str]:
    try:
        engine = create_engine(f"{PG_SERVER}/postgres")
        with engine.connect() as connection:
            version = connection.scalar(text("SHOW server_version"))
            settings = {
                name: connection.scalar(text(f"SHOW {name}"))
                for name in ("shared_buffers", "synchronous_commit", "max_connections", "work_mem")
            }
        engine.dispose()
    except Exception as exc:  # no server: the PostgreSQL figures say so themselves
        return {"version": f"unavailable ({type(exc).__name__})"}
    return {"version": version, **settings}


def describe() -> dict:
    mem_kb = int(_first(r"^MemTotal:\s+(\d+)", "/proc/meminfo") or 0)
    chromium = re.search(r"\d+(?:\.\d+){3}", _command("chromium", "--version"))
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cpu": _first(r"^model name\s*:\s*(.+)$", "/proc/cpuinfo") or platform.processor(),
        "cores": os.cpu_count(),
        "memory_gb": round(mem_kb / 1024 / 1024, 1),
        "os": f"Debian {_first(r'(.+)', '/etc/debian_version')}, Linux {platform.release()}",
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "postgresql": _postgres(),
        "packages": {name: _version(name) for name in PACKAGES},
        "node": _command("node", "--version"),
        "chromium": chromium[0] if chromium else "",
        "gunicorn": gunicorn_settings(),
        "load_now": [round(x, 2) for x in os.getloadavg()],
    }


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "-"

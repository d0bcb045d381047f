"""What one `python -m bench` run knows: its mode, its scratch folder, its databases."""

from __future__ import annotations

import runpy
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench.common import ROOT, pg_url


@dataclass
class Context:
    full: bool
    work: Path  # scratch: SQLite files, logs, the instance folder (VAPID pair)
    seconds: float = 10.0  # per load measurement
    keep_databases: bool = False
    started: float = field(default_factory=time.monotonic)
    databases: list[str] = field(default_factory=list)

    @property
    def instance(self) -> Path:
        path = self.work / "instance"
        path.mkdir(parents=True, exist_ok=True)
        return path

    def sqlite_url(self, name: str) -> str:
        return f"sqlite:///{self.work / f'{name}.db'}"

    def postgres_url(self, name: str) -> str:
        url = pg_url(f"bench_{name}")
        self.databases.append(url)
        return url

    def say(self, message: str) -> None:
        # print, not logging: the migrations' logging.config.fileConfig disables our loggers.
        print(f"[{time.monotonic() - self.started:5.0f}s] {message}", file=sys.stderr, flush=True)


def gunicorn_settings() -> dict:
    """workers and threads as gunicorn.conf.py computes them on this machine."""
    settings = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    return {"workers": settings["workers"], "threads": settings["threads"]}

"""Processes the benchmarks talk to: gunicorn as configured for production (gunicorn.conf.py),
and a loopback Web Push service in a process of its own."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from bench.common import PYTHON, ROOT, children, peak_rss_mb

GUNICORN = str(Path(PYTHON).parent / "gunicorn")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(port: int, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise TimeoutError(f"nothing listens on {port}")


def answer_once(port: int, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=timeout) as connection:
                connection.sendall(b"GET /ready HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                if connection.recv(16).startswith(b"HTTP/"):
                    return
        except OSError:
            time.sleep(0.2)
    raise TimeoutError("the server never answered")


def cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def wait_until_idle(pids: list[int], quiet: float = 0.5, timeout: float = 120) -> None:
    """Until none of `pids` used CPU for `quiet` seconds (they have finished booting)."""
    deadline = time.monotonic() + timeout
    before = [cpu_seconds(p) for p in pids]
    while time.monotonic() < deadline:
        time.sleep(quiet)
        now = [cpu_seconds(p) for p in pids]
        if now == before:
            return
        before = now


@dataclass
class Server:
    port: int
    process: subprocess.Popen
    log: Path
    worker_peaks_mb: dict[int, float] = field(default_factory=dict)
    # CPU seconds each worker had used when last seen: a worker recycled by max_requests (the
    # floor app's, at thousands of requests a second) keeps its share in the total.
    worker_cpu: dict[int, float] = field(default_factory=dict)

    @property
    def workers(self) -> list[int]:
        return children(self.process.pid)

    def sample_memory(self) -> None:
        for pid in self.workers:
            peak = peak_rss_mb(pid)
            if peak is not None:
                self.worker_peaks_mb[pid] = max(peak, self.worker_peaks_mb.get(pid, 0.0))
            self.worker_cpu[pid] = max(cpu_seconds(pid), self.worker_cpu.get(pid, 0.0))

    def worker_cpu_seconds(self) -> float:
        """CPU time (user + system) every worker seen so far has used, the exited ones up to
        their last sample (every half second)."""
        self.sample_memory()
        return sum(self.worker_cpu.values())

    @property
    def peak_worker_mb(self) -> float:
        return max(self.worker_peaks_mb.values(), default=0.0)


@contextmanager
def gunicorn(app: str, env: dict[str, str], log: Path, workers_expected: int) -> Iterator[Server]:
    """`gunicorn -c gunicorn.conf.py app` on a free loopback port; worker memory is sampled
    every half second (a worker recycled by max_requests keeps its peak in the record)."""
    port = free_port()
    handle = log.open("w")
    process = subprocess.Popen(
        # Our own control socket: gunicorn's default path (~/.gunicorn/gunicorn.ctl) is shared by
        # every gunicorn of the user, and the last one started takes it over.
        [
            GUNICORN,
            "-c",
            str(ROOT / "gunicorn.conf.py"),
            "--control-socket",
            str(log.with_suffix(".ctl")),
            app,
        ],
        cwd=ROOT,
        env={**os.environ, **env, "BIND": f"127.0.0.1:{port}"},
        stdout=handle,
        stderr=subprocess.STDOUT,
    )
    server = Server(port, process, log)
    stop = threading.Event()

    def sampler() -> None:
        while not stop.wait(0.5):
            server.sample_memory()

    try:
        wait_for_port(port, process)
        deadline = time.monotonic() + 60
        while len(server.workers) < workers_expected and time.monotonic() < deadline:
            time.sleep(0.1)
        # Workers import the app after they fork; on a busy machine that takes seconds. Wait
        # until one answers and all are idle, so the measurement does not time their boot.
        answer_once(port)
        wait_until_idle(server.workers)
        watcher = threading.Thread(target=sampler, daemon=True)
        watcher.start()
        yield server
    finally:
        stop.set()
        server.sample_memory()
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        handle.close()


@dataclass
class PushService:
    """A loopback push service process; `subscriptions` are decryptable when it verifies."""

    origin: str
    subscriptions: list[dict]
    process: subprocess.Popen

    def stats(self) -> dict:
        """Stop the service and answer what it received: {received, accepted, errors}."""
        self.process.stdin.close()
        out = self.process.stdout.read()
        self.process.wait(timeout=30)
        return json.loads(out.strip().splitlines()[-1])


@contextmanager
def push_service(
    mode: str, vapid_public_key: str | None = None, subscriptions: int = 0
) -> Iterator[PushService]:
    """`mode` "verify": tests/pushservice.py's service (VAPID checked, every body decrypted);
    "instant": answers 201 at once without looking."""
    args = [PYTHON, "-m", "bench.pushd", mode, "--subscriptions", str(subscriptions)]
    if vapid_public_key:
        args += ["--vapid-public-key", vapid_public_key]
    process = subprocess.Popen(
        args, cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        ready = json.loads(process.stdout.readline())
        yield PushService(ready["origin"], ready["subscriptions"], process)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()

"""A small closed-loop HTTP/1.1 load client: N keep-alive connections, each sending its next
request as soon as the previous answer arrived (asyncio, one thread, little CPU per request)."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

# (client index, request number) -> the whole request, bytes on the wire
RequestMaker = Callable[[int, int], bytes]


@dataclass
class LoadResult:
    seconds: float
    latencies: list[float] = field(default_factory=list)  # of answered requests, seconds
    statuses: Counter = field(default_factory=Counter)
    errors: int = 0  # connection failures
    answered: int = 0  # every answer, warm-up included

    @property
    def requests(self) -> int:
        return len(self.latencies)

    @property
    def rate(self) -> float:
        return self.requests / self.seconds

    def percentile_ms(self, q: float) -> float:
        ordered = sorted(self.latencies)
        return 1000 * ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else 0.0


def http_request(method: str, path: str, body: bytes, headers: dict[str, str]) -> bytes:
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", f"Content-Length: {len(body)}"]
    lines += [f"{k}: {v}" for k, v in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


async def _answer(reader: asyncio.StreamReader) -> tuple[int, bool]:
    """Read one response; answers its status and whether the server keeps the connection."""
    status_line = await reader.readline()
    if not status_line:
        raise ConnectionError("closed")
    status = int(status_line.split()[1])
    length, keep = 0, True
    while True:
        line = await reader.readline()
        if line in (b"\r\n", b"\n", b""):
            break
        name, _, value = line.decode("latin-1").partition(":")
        name = name.strip().lower()
        if name == "content-length":
            length = int(value)
        elif name == "connection" and value.strip().lower() == "close":
            keep = False
    if length:
        await reader.readexactly(length)
    return status, keep


async def _client(
    host: str,
    port: int,
    index: int,
    make: RequestMaker,
    measure_from: float,
    stop_at: float,
    result: LoadResult,
) -> None:
    number = 0
    reader = writer = None
    while time.perf_counter() < stop_at:
        try:
            if writer is None:
                reader, writer = await asyncio.open_connection(host, port)
            started = time.perf_counter()
            writer.write(make(index, number))
            number += 1
            status, keep = await _answer(reader)
            ended = time.perf_counter()
            result.answered += 1
            if started >= measure_from and ended <= stop_at:
                result.latencies.append(ended - started)
                result.statuses[status] += 1
            if not keep:
                writer.close()
                reader = writer = None
        except (ConnectionError, asyncio.IncompleteReadError, OSError):
            result.errors += 1
            if writer is not None:
                writer.close()
            reader = writer = None
            await asyncio.sleep(0.01)
    if writer is not None:
        writer.close()


def run_load(
    host: str,
    port: int,
    make: RequestMaker,
    *,
    clients: int = 32,
    seconds: float = 10.0,
    warmup: float = 2.0,
) -> LoadResult:
    """`clients` connections for `warmup` + `seconds`; only the last `seconds` are counted."""

    async def main() -> LoadResult:
        now = time.perf_counter()
        measure_from, stop_at = now + warmup, now + warmup + seconds
        result = LoadResult(seconds=seconds)
        await asyncio.gather(
            *(_client(host, port, i, make, measure_from, stop_at, result) for i in range(clients))
        )
        return result

    return asyncio.run(main())

"""`python -m bench` (`make bench`): every benchmark, each against its floor measured in the same
run; writes bench/results.json and docs/performance.md.

    python -m bench            # default sizes, under 10 minutes on 2 cores
    python -m bench --full     # the issue's sizes (10,000 patients x 365 days for trend_read)
    python -m bench --only roster trend_read   # print those figures, write nothing
"""

from __future__ import annotations

import argparse
import json
import logging
import shutil
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from pathlib import Path

from bench import checkin_write, pwa, reads, reminders
from bench.common import ROOT, drop_pg_database
from bench.context import Context
from bench.machine import describe
from bench.report import write_markdown
from bench.results import Result

RESULTS = ROOT / "bench" / "results.json"
DOC = ROOT / "docs" / "performance.md"
BENCHMARKS = ("checkin_write", "trend_read", "reminder_tick", "push_send", "pwa_bundle")


def _guarded(ctx: Context, name: str, run: Callable[[], list[Result]]) -> list[Result]:
    """A benchmark that fails is reported as such (value null), never left out or faked."""
    try:
        return run()
    except Exception as exc:
        ctx.say(f"{name} FAILED: {type(exc).__name__}: {exc}")
        traceback.print_exc()
        return [Result(name, None, "", note=f"failed: {type(exc).__name__}: {str(exc)[:300]}")]


def run(ctx: Context, only: set[str]) -> tuple[list[Result], dict[str, float | None]]:
    results: list[Result] = []
    memory: dict[str, float | None] = {"web": None, "scheduler": None}
    wanted = only or set(BENCHMARKS)

    if "checkin_write" in wanted:
        for dialect in ("sqlite", "postgresql"):

            def write(dialect: str = dialect) -> list[Result]:
                figures, rss = checkin_write.measure(ctx, dialect)
                memory["web"] = max(memory["web"] or 0.0, rss)
                memory[f"web_{dialect}"] = rss
                return figures

            results += _guarded(ctx, f"checkin_write.{dialect}", write)
    if "trend_read" in wanted or "roster" in wanted:
        results += _guarded(ctx, "trend_read", lambda: reads.measure(ctx))
    if "reminder_tick" in wanted:

        def tick() -> list[Result]:
            figures, rss = reminders.measure_tick(ctx)
            memory["scheduler"] = rss
            return figures

        results += _guarded(ctx, "reminder_tick", tick)
    if "push_send" in wanted:
        results += _guarded(ctx, "push_send", lambda: reminders.measure_push(ctx))
    if "pwa_bundle" in wanted:
        ctx.say("pwa_bundle: initial JavaScript and Lighthouse")
        results += _guarded(ctx, "pwa_bundle", pwa.measure_bundles)
        results += _guarded(ctx, "pwa_lighthouse", lambda: pwa.measure_lighthouse(ctx))
    if memory["web"] is not None:
        per_db = ", ".join(
            f"{d}: {memory[f'web_{d}']:.0f} MB"
            for d in ("sqlite", "postgresql")
            if memory.get(f"web_{d}") is not None
        )
        results.append(
            Result(
                "memory.web_worker_peak_rss",
                memory["web"],
                "MB",
                note=(
                    f"the largest peak RSS (VmHWM) of a gunicorn worker of the app under the "
                    f"checkin_write load ({per_db}); no goal"
                ),
            )
        )
    if memory["scheduler"] is not None:
        results.append(
            Result(
                "memory.scheduler_peak_rss",
                memory["scheduler"],
                "MB",
                note=(
                    "peak RSS (VmHWM) of the scheduler process (bench.tick_once: the app and "
                    "three ticks of 1,000 pushes) at 100,000 patients; no goal"
                ),
            )
        )
    return results, memory


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--full", action="store_true", help="the issue's sizes (longer)")
    parser.add_argument("--only", nargs="+", choices=(*BENCHMARKS, "roster"), default=[])
    parser.add_argument("--seconds", type=float, default=10.0, help="per load measurement")
    parser.add_argument(
        "--keep", action="store_true", help="keep the bench_* databases and the scratch folder"
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)
    logging.getLogger("alembic").setLevel(logging.WARNING)
    work = Path(tempfile.mkdtemp(prefix="bench-"))
    ctx = Context(full=args.full, work=work, seconds=args.seconds, keep_databases=args.keep)
    before = describe()
    started = time.monotonic()
    try:
        results, _memory = run(ctx, set(args.only))
    finally:
        if not args.keep:
            for url in set(ctx.databases):
                try:
                    drop_pg_database(url)
                except Exception as exc:  # a database left behind is not worth a traceback
                    ctx.say(f"could not drop {url}: {exc}")
    minutes = (time.monotonic() - started) / 60
    machine = describe()
    machine["load_before"] = before["load_now"]
    broken = [r.name for r in results if r.note.startswith("failed:")]
    if broken or args.keep:
        ctx.say(f"done in {minutes:.1f} min; logs and scratch files kept in {work}")
    else:
        shutil.rmtree(work, ignore_errors=True)
        ctx.say(f"done in {minutes:.1f} min")
    for r in results:
        holds = {True: "holds", False: "DOES NOT HOLD", None: ""}[r.holds]
        numbers = " ".join(
            f"{label} {value:,.2f}"
            for label, value in (("value", r.value), ("floor", r.floor), ("ratio", r.ratio))
            if value is not None
        )
        print(f"{r.name:44} {numbers:50} {r.unit:26} {holds}")
    if args.only:
        return 0
    RESULTS.write_text(json.dumps([r.as_json() for r in results], indent=2) + "\n")
    write_markdown(DOC, results, machine, ctx, minutes)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

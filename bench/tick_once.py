"""One scheduler process timing `run_tick(now)`: the app, the tick, nothing else.

    python -m bench.tick_once --database-url URL --now ISO --due-file ids.json --repeats 3

Before each timed tick the due patients are put back as they were (no delivery today,
`next_due_at` a minute before `now`), then a quiet tick (nobody due) warms the process. Prints
`{"seconds": [...], "reports": [...], "peak_rss_mb": ...}`, the peak from this process's own
VmHWM (a forked child's rusage would count the pages of the parent it was copied from).
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from datetime import datetime, timedelta

from sqlalchemy import bindparam, text

from bench.common import make_app, peak_rss_mb
from models import db
from services.reminders import run_tick


def reset(due: list[int], now: datetime) -> None:
    """The due patients as before any tick: no delivery for today, due a minute ago."""
    # The bench's `now` is 17:00 UTC: every zone it uses is on that UTC date or the next.
    params = {"ids": due, "due_at": now - timedelta(minutes=1), "today": now.date()}
    db.session.execute(
        text(
            "DELETE FROM reminder_deliveries WHERE patient_id IN :ids AND local_date >= :today"
        ).bindparams(bindparam("ids", expanding=True)),
        params,
    )
    db.session.execute(
        text(
            "UPDATE reminder_settings SET next_due_at = :due_at WHERE patient_id IN :ids"
        ).bindparams(bindparam("ids", expanding=True)),
        params,
    )
    db.session.commit()


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.tick_once")
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--now", required=True)
    parser.add_argument("--due-file", required=True)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--instance-path", default=None)
    args = parser.parse_args()
    now = datetime.fromisoformat(args.now)
    with open(args.due_file) as handle:
        due = json.load(handle)
    app = make_app(args.database_url, args.instance_path or tempfile.mkdtemp(prefix="bench-"))
    seconds, reports = [], []
    with app.app_context():
        for _ in range(args.repeats):
            reset(due, now)
            run_tick(now - timedelta(minutes=2))  # nobody due: warms imports and caches
            started = time.perf_counter()
            report = run_tick(now)
            seconds.append(time.perf_counter() - started)
            reports.append(report.as_dict())
        db.session.remove()
        db.engine.dispose()
    peak = peak_rss_mb(os.getpid())
    print(json.dumps({"seconds": seconds, "reports": reports, "peak_rss_mb": peak}))


if __name__ == "__main__":
    main()

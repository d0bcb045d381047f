"""docs/performance.md, written by `python -m bench` from the figures of the run."""

from __future__ import annotations

from pathlib import Path

from bench.context import Context
from bench.results import Result

METHOD = """\
- **Floors in the same run.** Each figure is stated against a floor measured in the same run on
  the same machine, so a slower or busier machine moves both: the ratio is the figure, the
  absolute numbers say what this machine did.
- **Synthetic clinics** (`bench/datagen.py`, `python -m bench.datagen --patients N --days D
  --database-url URL`): clinics of 500 patients, each on a ketamine course shaped like
  services/demo.py's (a baseline, six induction infusions over two weeks, boosters every 24-30
  days for responders, the effect fading between them), daily check-ins with the patient's
  adherence (60-98 %) and 2 % corrected the same evening (a second revision), PHQ-9 and GAD-7
  every 14 days following the daily scores, a treatment session with vitals per infusion, a few
  open and resolved alerts, reminder settings for 80 %, one or two devices each and the last
  week's deliveries. Rows are written day by day across all patients, the order in which a
  live clinic writes them, so one patient's history is spread over the tables' pages as it is
  in production. Inserts are bulk: COPY through psycopg on PostgreSQL, SQLAlchemy Core
  executemany on SQLite; the schema is made by the migrations (`flask db upgrade`).
- **Writes through gunicorn as in production**: `gunicorn -c gunicorn.conf.py` (its workers and
  threads, gthread, access log on) with `APP_ENV=production`, Redis for rate limits; the load
  is 32 keep-alive HTTP/1.1 connections from one asyncio client process (bench/load.py), each
  sending its next check-in when the previous answer arrives, 2 s of warm-up then the measured
  window. The floor is bench/floor_app.py, a bare WSGI app doing the revision INSERT and the
  current-row upsert in one transaction through the same driver, under the same gunicorn
  settings and the same client. Workers are waited for until booted and idle before a run.
  Other shapes of gunicorn, set with WEB_CONCURRENCY and WEB_THREADS (2x4, 2x8, 3x4, 4x2, 8x1
  workers x threads, tried in sessions 6 and 7), put the app at 0.20-0.32 of the floor on
  either database, as 4x4 does: a shape that helps the app helps the floor as much.
- **Reads as service calls** (the figures are about the code, not the HTTP stack; the trend is
  also timed over HTTP for reference). The floor of a read is the service's own SQL, captured
  from the call and replayed through the same psycopg connection with every row fetched and a
  COMMIT: the same statements, no ORM, no Python work. Service and floor are timed in turns
  (interleaved) and the median is kept.
- **The reminder tick** runs in a process of its own (`bench/tick_once.py`: the app and
  `run_tick(now)`, as `flask reminders tick` does); the due patients are put back before each
  of 3 ticks and the best is kept. Pushes go to a loopback push service process.
- **Memory** is each process's own peak resident set (VmHWM from /proc), sampled every half
  second for gunicorn workers.
- **Shared machine.** Other work ran on this machine during the run (see the load averages
  below); the ratios absorb most of it, the absolute figures do not.
"""

INDEXES = """\
- `ix_checkins_patient_date_scores` on `checkins (patient_id, local_date, mood, anxiety, pain)`
  (migration `a45b76b8c2da`, built `CONCURRENTLY` on PostgreSQL). Check-ins arrive day by day
  across patients, so a patient's year of rows sits on ~365 different heap pages; through the
  covering index the trend read is an index-only scan of a few pages, and the roster's recent
  check-ins of a clinic a nested loop over it instead of a sequential scan of every check-in
  (62 ms -> 5 ms at 2,000 patients before the other roster changes).
- Already there and confirmed by the plans: `reminder_settings.next_due_at` (the tick reads only
  due rows), `reminder_deliveries (status, next_attempt_at)` (retries),
  `questionnaire_responses (patient_id, instrument, submitted_at)` (the roster's latest answers
  now read one row per patient and instrument from its end), `treatment_sessions (patient_id,
  started_at)` and the unique `checkins (patient_id, local_date)` (the roster's last session and
  last check-in, one index probe per patient).
- Code changes the figures led to: services/roster.py (5 statements, no entity per check-in, no
  scan of every history), services/outcomes.py (the trend reads only its window), services/push.py
  (the proxy environment read once per push service, not twice per push).
"""


def _number(value: float | None) -> str:
    if value is None:
        return "-"
    if float(value).is_integer() and abs(value) < 1000:
        return f"{value:.0f}"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def _holds(result: Result) -> str:
    return {True: "yes", False: "**no**", None: "-"}[result.holds]


def write_markdown(
    path: Path, results: list[Result], machine: dict, ctx: Context, minutes: float
) -> None:
    mode = "`--full`" if ctx.full else "default mode"
    lines = [
        "# Performance",
        "",
        f"Written by `make bench` (`python -m bench`, {mode}) on {machine['date']}; the run took "
        f"{minutes:.1f} minutes. The same figures are in `bench/results.json`. Rerun to refresh; "
        "do not edit by hand.",
        "",
        "## Figures",
        "",
        "| figure | value | unit | floor | ratio | goal | holds |",
        "|---|---:|---|---:|---:|---|---|",
    ]
    for r in results:
        lines.append(
            f"| `{r.name}` | {_number(r.value)} | {r.unit} | {_number(r.floor)} | "
            f"{_number(r.ratio)} | {r.goal or '-'} | {_holds(r)} |"
        )
    failing = [r for r in results if r.holds is False]
    unmeasured = [r for r in results if r.goal and r.holds is None]
    lines += ["", "## What does not hold", ""]
    if not failing and not unmeasured:
        lines.append("Every goal holds in this run.")
    for r in failing:
        lines.append(
            f"- `{r.name}`: {_number(r.value)} {r.unit} against a floor of "
            f"{_number(r.floor)} (ratio {_number(r.ratio)}, goal {r.goal}). "
            f"Limited by {r.limit}".rstrip(" .")
            + "."
        )
    for r in unmeasured:
        lines.append(f"- `{r.name}`: not measured ({r.note}).")
    lines += ["", "## What each figure measures and what limits it", ""]
    for r in results:
        lines.append(f"- **`{r.name}`**: {r.note}")
    lines += ["", "## Method", "", METHOD.rstrip(), ""]
    lines += ["## Indexes and code changes the benchmarks led to", "", INDEXES.rstrip(), ""]
    pg = machine["postgresql"]
    packages = ", ".join(f"{k} {v}" for k, v in machine["packages"].items())
    gunicorn = machine["gunicorn"]
    lines += [
        "## Machine",
        "",
        f"- {machine['cores']} cores ({machine['cpu']}), {machine['memory_gb']} GB memory, "
        f"{machine['os']}",
        f"- load average (1, 5, 15 min) before the run {machine['load_before']}, after "
        f"{machine['load_now']}",
        f"- Python {machine['python']}, SQLite {machine['sqlite']}, PostgreSQL "
        f"{pg.get('version')} on the same machine (shared_buffers {pg.get('shared_buffers')}, "
        f"synchronous_commit {pg.get('synchronous_commit')}, work_mem {pg.get('work_mem')}, "
        f"max_connections {pg.get('max_connections')}), Redis for rate limits",
        f"- gunicorn.conf.py here: {gunicorn['workers']} workers x {gunicorn['threads']} threads "
        "(gthread)",
        f"- {packages}",
        f"- Node {machine['node']}, Chromium {machine['chromium']}",
        "",
        "## Reproduce",
        "",
        "```sh",
        "make bench                                   # default mode, < 10 min on 2 cores",
        ".venv/bin/python -m bench --full             # 10,000 patients x 365 days for trend_read",
        ".venv/bin/python -m bench --only roster      # some figures, printed, nothing written",
        ".venv/bin/python -m bench.datagen --patients 10000 --days 365 \\",
        "    --database-url postgresql://postgres@127.0.0.1/bench_big --create",
        "```",
        "",
    ]
    path.write_text("\n".join(lines))

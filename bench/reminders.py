"""reminder_tick and push_send.

reminder_tick: one `run_tick(now)` in a scheduler process of its own, with 100,000 patients of
whom 1% (1,000) are due, against 1,000 patients all due (the same 1,000 pushes), on PostgreSQL.
Pushes go to a loopback push service process answering 201 at once, so the figure is the
tick's own work: select, claim, encrypt and send, record.

push_send: pushes per second from the app's PushSender as the tick drives it (send_many,
PUSH_WORKERS pushes in flight from one thread) to tests/pushservice.py's service in a process
of its own (VAPID verified, every body decrypted), against the floor: the same payloads
encrypted and their VAPID header taken, with no HTTP, in one thread of this process.
"""

from __future__ import annotations

import json
import os
import random
import time
from datetime import UTC, date, datetime, timedelta
from datetime import time as wall
from zoneinfo import ZoneInfo

from sqlalchemy import create_engine, text

from bench import datagen
from bench.common import PYTHON, analyze, fresh_database, make_app, run_json
from bench.context import Context
from bench.results import Result, at_least, at_most
from bench.servers import push_service
from config import normalize_database_url

DUE = 1000
TICK_GOAL = 2.0
PUSH_GOAL = 0.5
HISTORY_DAYS = 3


def _tick_now() -> datetime:
    """17:00 UTC today: every zone the generator uses is between 03:00 and 19:00 local."""
    return datetime.combine(datetime.now(UTC).date(), wall(17), UTC)


def _make_due(url: str, patient_ids: list[int], zones: dict[int, str], now: datetime, origin: str):
    """Settings due a minute ago (local time = that minute), one device each at `origin`."""
    keys = datagen.push_key_pool(8)
    rng = random.Random(5)  # noqa: S311 - synthetic data
    engine = create_engine(normalize_database_url(url))
    with engine.begin() as connection:
        connection.execute(
            text("DELETE FROM push_subscriptions WHERE patient_id = ANY(:ids)"),
            {"ids": patient_ids},
        )
        due_at = now - timedelta(minutes=1)
        settings, devices = [], []
        for pid in patient_ids:
            local = due_at.astimezone(ZoneInfo(zones[pid])).strftime("%H:%M")
            settings.append({"pid": pid, "at": local, "due": due_at})
            devices.append(
                {
                    "pid": pid,
                    "endpoint": f"{origin}/push/{pid}-{rng.getrandbits(64):016x}",
                    "p256dh": rng.choice(keys),
                    "auth": datagen._b64(rng.randbytes(16)),
                    "now": now - timedelta(days=3),
                }
            )
        connection.execute(
            text(
                "INSERT INTO reminder_settings (patient_id, enabled, local_time, weekdays, "
                "next_due_at, updated_at) VALUES (:pid, true, :at, '[0,1,2,3,4,5,6]', :due, :due) "
                "ON CONFLICT (patient_id) DO UPDATE SET enabled = true, local_time = :at, "
                "weekdays = '[0,1,2,3,4,5,6]', next_due_at = :due"
            ),
            settings,
        )
        connection.execute(
            text(
                "INSERT INTO push_subscriptions (patient_id, endpoint, p256dh, auth, user_agent, "
                "created_at, failures) VALUES (:pid, :endpoint, :p256dh, :auth, 'bench', :now, 0)"
            ),
            devices,
        )
    engine.dispose()


def _tick(ctx: Context, url: str, due: list[int], now: datetime, name: str) -> dict:
    """Run bench.tick_once in a process of its own: its timings, reports and peak RSS (MB)."""
    due_file = ctx.work / f"due-{name}.json"
    due_file.write_text(json.dumps(due))
    return run_json(
        [
            PYTHON,
            "-m",
            "bench.tick_once",
            "--database-url",
            url,
            "--now",
            now.isoformat(),
            "--due-file",
            str(due_file),
            "--repeats",
            "3",
            "--instance-path",
            str(ctx.instance),
        ]
    )


def measure_tick(ctx: Context) -> tuple[list[Result], float]:
    now = _tick_now()
    big, small = 100_000, DUE
    sizes = {}
    with push_service("instant") as service:
        for name, patients in (("small", small), ("big", big)):
            url = ctx.postgres_url(f"tick_{name}")
            ctx.say(f"reminder_tick: {patients:,} patients, {HISTORY_DAYS} days of history")
            fresh_database(url, ctx.instance)
            made = datagen.generate(url, patients, HISTORY_DAYS, now=now, seed=6 + patients)
            rng = random.Random(8)  # noqa: S311 - which patients are due
            due = sorted(rng.sample(made.patient_ids, DUE))
            _make_due(url, due, made.zone_of_patient, now, service.origin)
            analyze(url)
            ctx.say(f"reminder_tick: ticking {patients:,} patients ({DUE:,} due), 3 times")
            sizes[name] = _tick(ctx, url, due, now, name)
        received = service.stats()["received"]
    for name, result in sizes.items():
        sent = [r["sent"] for r in result["reports"]]
        if sent != [DUE] * len(sent):
            raise RuntimeError(f"reminder_tick[{name}] sent {sent}, not {DUE} each time")
    big_s, small_s = min(sizes["big"]["seconds"]), min(sizes["small"]["seconds"])
    note = (
        f"PostgreSQL; `run_tick(now)` in a process of its own (bench.tick_once: the app and "
        f"the tick, as `flask reminders tick` runs it), best of 3 after a quiet warm-up tick; "
        f"{DUE:,} due patients each with one device, 1 push each (checked: {DUE:,} sent every "
        f"time, {received:,} requests received in all) to a loopback service answering 201 "
        f"at once. With {big:,} patients (floor column: {small:,} patients, all due). The "
        f"due query reads `next_due_at <= now` through its index, so the other 99,000 are "
        f"never read; each of the 1,000 deliveries is recorded in its own transaction (a "
        f"commit each), which with encryption dominates the time."
    )
    results = [
        at_most(
            "reminder_tick.postgresql",
            big_s,
            small_s,
            TICK_GOAL,
            "s",
            note=note,
        )
    ]
    return results, sizes["big"]["peak_rss_mb"]


def measure_push(ctx: Context, pushes: int = 2000, subscriptions: int = 200) -> list[Result]:
    """Pushes/s through the tick's PushSender.send_many to the verifying loopback service."""
    from services.push import PushMessage, PushSender, PushTarget, vapid_keys, vapid_signer
    from services.reminders.tick import Policy, _Job, _send_all

    url = ctx.sqlite_url("push")
    fresh_database(url, ctx.instance)
    app = make_app(url, ctx.instance)
    with app.app_context():
        keys = vapid_keys()
        policy = Policy.from_config()
        message = PushMessage(
            title="Time for your check-in",
            body="How are you today? It takes 30 seconds.",
            url="/checkin",
            tag="checkin-2026-06-10",
            topic="checkin-20260610",
        )
        # The service answers once headers and VAPID are checked and decrypts every body after
        # the timed window, as the devices would (bench/pushd.py, "verify-later").
        with push_service("verify-later", keys.public_key, subscriptions) as service:
            targets = [
                PushTarget(i, s["endpoint"], s["keys"]["p256dh"], s["keys"]["auth"])
                for i, s in enumerate(service.subscriptions)
            ]
            jobs = [
                _Job(
                    i,
                    i,
                    "daily",
                    date(2026, 6, 10),
                    datetime.now(UTC),
                    [targets[i % len(targets)]],
                    message,
                )
                for i in range(pushes)
            ]
            warm_up = 100
            floor_rate = _floor(targets, message, keys, vapid_signer(), pushes)
            own_rate = _own_encryption(targets, message, pushes)
            with PushSender.from_config() as sender:
                _send_all(jobs[:warm_up], sender, policy.workers)  # connections, header made
                started = time.perf_counter()
                results = _send_all(jobs, sender, policy.workers)
                elapsed = time.perf_counter() - started
            stats = service.stats()
    sent = sum(1 for job in results for r in job if r.outcome == "sent")
    if sent != pushes or stats["error_count"] or stats["accepted"] != pushes + warm_up:
        raise RuntimeError(
            f"push_send: {sent} of {pushes} sent, {stats['accepted']} of {pushes + warm_up} "
            f"decrypted, service errors {stats['errors']}"
        )
    rate = pushes / elapsed
    note = (
        f"{pushes:,} pushes to {subscriptions} subscriptions through `PushSender.send_many` as "
        f"the tick calls it ({policy.workers} in flight, PUSH_WORKERS, from one thread): each "
        f"body aes128gcm-encrypted with a fresh ECDH key (services.push.encrypt, "
        f"{own_rate:,.0f}/s alone in one thread) while earlier requests are on the wire, the "
        f"VAPID header signed once per push service, sent over kept-alive HTTP/1.1 connections "
        f"(one per push in flight) to tests/pushservice.py's checks in another process (served "
        f"by bench/pushd.py's asyncio HTTP/1.1 server). Like a real push service, which cannot "
        f"decrypt, it answers once each request's headers and VAPID claims are checked (the JWT "
        f"signature verified once per distinct header: {stats['signatures_verified']} here); "
        f"as the devices would, it decrypts every body with http_ece after the timed window "
        f"(all {stats['accepted']:,} decrypted, no error: checked, else no figure). "
        f"Floor: the same payload encrypted by pywebpush/http_ece (a fresh ECDH key each) and "
        f"the cached VAPID header taken, in one thread, no HTTP. Signing per push would add an "
        f"ES256 signature each. Beyond the floor: the HTTP requests and answers (system calls, "
        f"the selector) and the service's parsing and checks on the same {os.cpu_count()} cores."
    )
    limit = (
        "CPU: the sender's encryption, request writing and answer parsing in one thread, and "
        "the service process's parsing and VAPID checks on the same 2 cores. Earlier, a pool "
        "of 8 sender threads measured 0.38-0.45: on a loopback service answering in "
        "microseconds they queued for the GIL at every send and receive."
    )
    return [at_least("push_send", rate, floor_rate, PUSH_GOAL, "pushes/s", note=note, limit=limit)]


def _own_encryption(targets, message, pushes: int) -> float:
    """What services.push.encrypt alone does in one thread (for the note: not the floor)."""
    from services.push import encrypt

    payload = message.payload()
    started = time.perf_counter()
    for i in range(pushes):
        target = targets[i % len(targets)]
        encrypt(payload, target.p256dh, target.auth)
    return pushes / (time.perf_counter() - started)


def _floor(targets, message, keys, signer, pushes: int) -> float:
    from pywebpush import WebPusher

    payload = message.payload()
    for target in targets[:20]:  # warm: key loading, the signer's cache
        signer.authorization(target.endpoint)
    started = time.perf_counter()
    for i in range(pushes):
        target = targets[i % len(targets)]
        info = {"endpoint": target.endpoint, "keys": {"p256dh": target.p256dh, "auth": target.auth}}
        WebPusher(info).encode(payload, content_encoding="aes128gcm")
        signer.authorization(target.endpoint)
    return pushes / (time.perf_counter() - started)

"""The reminder tick over real HTTP to a loopback push service: exactly once, DST, restarts,
follow-ups, retries, gone subscriptions, and two schedulers at once."""

import threading
import uuid
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import event, func, select, text

from models import PushSubscription, ReminderDelivery, ReminderSettings, db
from services import checkins as checkin_service
from services import reminders
from services.reminders import tick as tick_module
from services.reminders.times import local_instant, next_reminder_after
from tests import pushservice

# The loopback push service and the patient builder (fixtures of tests/pushservice.py).
push_service = pushservice.push_service
make_reminder_patient = pushservice.make_reminder_patient

NY = "America/New_York"


def local(zone: str, *args: int) -> datetime:
    """A local wall time in `zone` (first occurrence) as a UTC instant."""
    return datetime(*args, tzinfo=ZoneInfo(zone)).astimezone(UTC)


def deliveries(patient_id: int) -> list[ReminderDelivery]:
    return list(
        db.session.scalars(
            select(ReminderDelivery)
            .where(ReminderDelivery.patient_id == patient_id)
            .order_by(ReminderDelivery.local_date, ReminderDelivery.id)
            .execution_options(populate_existing=True)
        )
    )


def settings_of(patient_id: int) -> ReminderSettings:
    return db.session.scalar(
        select(ReminderSettings)
        .where(ReminderSettings.patient_id == patient_id)
        .execution_options(populate_existing=True)
    )


def check_in(rp, day: date, now: datetime) -> None:
    checkin_service.record_checkin(
        rp.actor.user,
        "me",
        {
            "submit_id": uuid.uuid4(),
            "local_date": day,
            "mood": 6,
            "anxiety": 3,
            "pain": 2,
            "side_effects": [],
        },
        now=now,
    )


def tick_every(start: datetime, end: datetime, step: timedelta) -> list[datetime]:
    """Run the tick at start, start + step, ... up to end (inclusive); answers the instants."""
    instants = []
    now = start
    while now <= end:
        reminders.run_tick(now)
        instants.append(now)
        now += step
    return instants


@pytest.fixture
def no_followup(app):
    app.config["REMINDER_FOLLOWUP_HOURS"] = 0


def test_each_due_patient_gets_exactly_one_decryptable_reminder_however_often_the_tick_runs(
    app, push_service, make_reminder_patient, no_followup
):
    start = datetime(2026, 6, 10, 0, 0, tzinfo=UTC)
    cases = [
        (NY, "19:00"),
        ("Europe/London", "08:00"),
        ("Australia/Sydney", "07:30"),
        ("Europe/Berlin", "19:00"),
        ("Asia/Kolkata", "21:15"),
    ]
    patients = [
        make_reminder_patient(set_at=start, timezone=zone, local_time=hhmm) for zone, hhmm in cases
    ]

    now = start
    while now < start + timedelta(hours=24):
        reminders.run_tick(now)
        reminders.run_tick(now)  # the same instant again changes nothing
        now += timedelta(minutes=7)

    assert push_service.errors == []
    for rp, (zone, hhmm) in zip(patients, cases, strict=True):
        received = push_service.delivered(rp.endpoint)
        assert len(received) == 1, zone
        due = next_reminder_after(start, time.fromisoformat(hhmm), range(7), ZoneInfo(zone))
        payload = received[0].payload
        assert payload["title"] == "Time for your check-in"
        assert set(payload) == {"title", "body", "url", "tag"}
        assert received[0].headers["urgency"] == "normal"
        assert int(received[0].headers["ttl"]) == 12 * 3600
        [row] = deliveries(rp.patient.id)
        assert (row.kind, row.status, row.attempts, row.push_status_code) == (
            "daily",
            "sent",
            1,
            201,
        )
        assert payload["url"] == f"/checkin?reminder={row.id}"  # the app records the tap
        assert payload["tag"] == f"checkin-{row.local_date.isoformat()}"
        assert received[0].headers["topic"] == f"checkin-{row.local_date:%Y%m%d}"
        assert due <= row.sent_at < due + timedelta(minutes=7)


def test_no_name_or_scores_in_the_payload(app, push_service, make_reminder_patient):
    rp = make_reminder_patient(set_at=local(NY, 2026, 6, 10, 12))
    check_in(rp, date(2026, 6, 9), local(NY, 2026, 6, 10, 12))
    reminders.run_tick(local(NY, 2026, 6, 10, 19))
    [received] = push_service.delivered(rp.endpoint)
    flat = str(received.payload)
    assert rp.patient.display_name not in flat
    assert "Pat" not in flat and "mood" not in flat.lower()


@pytest.mark.parametrize("threads", [4])
def test_ticks_running_at_once_send_one_push_per_patient(
    app, push_service, make_reminder_patient, no_followup, threads
):
    set_at = local(NY, 2026, 6, 10, 12)
    patients = [make_reminder_patient(set_at=set_at) for _ in range(12)]
    barrier = threading.Barrier(threads)
    failures = []

    def scheduler(now: datetime) -> None:
        try:
            with app.app_context():
                barrier.wait()
                reminders.run_tick(now)
        except Exception as exc:  # pragma: no cover - reported below
            failures.append(exc)

    for now in (local(NY, 2026, 6, 10, 19), local(NY, 2026, 6, 10, 19, 1)):
        workers = [threading.Thread(target=scheduler, args=(now,)) for _ in range(threads)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()

    assert failures == []
    assert push_service.errors == []
    for rp in patients:
        assert len(push_service.delivered(rp.endpoint)) == 1
        assert [d.status for d in deliveries(rp.patient.id)] == ["sent"]


def test_no_push_after_a_check_in(app, push_service, make_reminder_patient):
    rp = make_reminder_patient(set_at=local(NY, 2026, 6, 10, 12))
    check_in(rp, date(2026, 6, 10), local(NY, 2026, 6, 10, 18))

    tick_every(local(NY, 2026, 6, 10, 18), local(NY, 2026, 6, 10, 23, 59), timedelta(minutes=10))

    assert push_service.delivered(rp.endpoint) == []
    assert deliveries(rp.patient.id) == []
    # The next look is tomorrow's reminder, not every minute until midnight.
    assert settings_of(rp.patient.id).next_due_at == local(NY, 2026, 6, 11, 19)
    reminders.run_tick(local(NY, 2026, 6, 11, 19))
    assert len(push_service.delivered(rp.endpoint)) == 1


def test_followup_three_hours_later_only_while_still_not_checked_in(
    app, push_service, make_reminder_patient
):
    late = make_reminder_patient(set_at=local(NY, 2026, 6, 10, 12))
    diligent = make_reminder_patient(set_at=local(NY, 2026, 6, 10, 12))

    reminders.run_tick(local(NY, 2026, 6, 10, 19))
    check_in(diligent, date(2026, 6, 10), local(NY, 2026, 6, 10, 20))
    reminders.run_tick(local(NY, 2026, 6, 10, 21, 59))
    assert len(push_service.delivered(late.endpoint)) == 1
    tick_every(local(NY, 2026, 6, 10, 22), local(NY, 2026, 6, 10, 23, 59), timedelta(minutes=1))

    first, second = push_service.delivered(late.endpoint)
    assert second.payload["title"] == "Your check-in is still open"
    assert second.headers["topic"] == first.headers["topic"]
    assert second.payload["tag"] == first.payload["tag"]
    assert [(d.kind, d.status) for d in deliveries(late.patient.id)] == [
        ("daily", "sent"),
        ("followup", "sent"),
    ]
    assert deliveries(late.patient.id)[1].sent_at == local(NY, 2026, 6, 10, 22)
    assert len(push_service.delivered(diligent.endpoint)) == 1
    assert [d.kind for d in deliveries(diligent.patient.id)] == ["daily"]


def test_a_late_reminder_gets_no_followup_after_midnight(app, push_service, make_reminder_patient):
    rp = make_reminder_patient(set_at=local(NY, 2026, 6, 10, 12), local_time="22:30")
    tick_every(local(NY, 2026, 6, 10, 22, 30), local(NY, 2026, 6, 11, 3), timedelta(minutes=15))
    assert len(push_service.delivered(rp.endpoint)) == 1
    assert settings_of(rp.patient.id).next_due_at == local(NY, 2026, 6, 11, 22, 30)


def test_a_gone_subscription_is_deleted_and_the_trail_says_gone(
    app, push_service, make_reminder_patient
):
    rp = make_reminder_patient(set_at=local(NY, 2026, 6, 10, 12))
    push_service.answer(rp.endpoint, 410)

    report = reminders.run_tick(local(NY, 2026, 6, 10, 19))
    reminders.run_tick(local(NY, 2026, 6, 10, 19, 1))

    assert report.gone == 1
    assert len(push_service.attempts(rp.endpoint)) == 1
    [row] = deliveries(rp.patient.id)
    assert (row.status, row.push_status_code, row.attempts) == ("gone", 410, 1)
    assert [(t["outcome"], t["status_code"]) for t in row.trail] == [("gone", 410)]
    assert db.session.scalar(select(func.count()).select_from(PushSubscription)) == 0
    # The next day there is nothing to send to: the trail says so, once.
    reminders.run_tick(local(NY, 2026, 6, 11, 19))
    reminders.run_tick(local(NY, 2026, 6, 11, 19, 5))
    latest = deliveries(rp.patient.id)[-1]
    assert (latest.status, latest.trail[-1]["outcome"]) == ("skipped", "no_subscription")
    assert len(deliveries(rp.patient.id)) == 2


def test_one_device_gone_the_other_still_reminded(app, push_service, make_reminder_patient):
    rp = make_reminder_patient(set_at=local(NY, 2026, 6, 10, 12), devices=2)
    old, current = rp.devices
    push_service.answer(old["endpoint"], 404)

    reminders.run_tick(local(NY, 2026, 6, 10, 19))

    assert len(push_service.delivered(current["endpoint"])) == 1
    [row] = deliveries(rp.patient.id)
    assert row.status == "sent"
    assert sorted(t["outcome"] for t in row.trail) == ["gone", "sent"]
    remaining = db.session.scalars(select(PushSubscription.endpoint)).all()
    assert remaining == [current["endpoint"]]


def test_429_is_retried_later_with_backoff(app, push_service, make_reminder_patient):
    rp = make_reminder_patient(set_at=local(NY, 2026, 6, 10, 12))
    push_service.answer(rp.endpoint, 429)
    first = local(NY, 2026, 6, 10, 19)

    reminders.run_tick(first)
    [row] = deliveries(rp.patient.id)
    assert (row.status, row.attempts, row.push_status_code) == ("queued", 1, 429)
    assert row.next_attempt_at == first + timedelta(seconds=60)

    reminders.run_tick(first + timedelta(seconds=30))
    assert len(push_service.attempts(rp.endpoint)) == 1
    reminders.run_tick(first + timedelta(seconds=60))
    reminders.run_tick(first + timedelta(seconds=120))

    assert len(push_service.attempts(rp.endpoint)) == 2
    assert len(push_service.delivered(rp.endpoint)) == 1
    [row] = deliveries(rp.patient.id)
    assert (row.status, row.attempts, row.push_status_code) == ("sent", 2, 201)
    assert [(t["attempt"], t["outcome"], t["status_code"]) for t in row.trail] == [
        (1, "retry", 429),
        (2, "sent", 201),
    ]


def test_gives_up_after_three_attempts(app, push_service, make_reminder_patient, no_followup):
    rp = make_reminder_patient(set_at=local(NY, 2026, 6, 10, 12))
    push_service.answer(rp.endpoint, 503, 500, 503, 201)
    first = local(NY, 2026, 6, 10, 19)

    tick_every(first, first + timedelta(minutes=30), timedelta(seconds=30))

    assert len(push_service.attempts(rp.endpoint)) == 3
    [row] = deliveries(rp.patient.id)
    assert (row.status, row.attempts, row.push_status_code) == ("failed", 3, 503)
    times = [datetime.fromisoformat(t["at"]) for t in row.trail]
    assert [b - a for a, b in zip(times, times[1:], strict=False)] == [
        timedelta(seconds=60),
        timedelta(seconds=120),
    ]


def test_a_connection_error_is_retried(app, push_service, make_clinic, make_patient):
    import socket

    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    patient, actor = make_patient(make_clinic())
    set_at = local(NY, 2026, 6, 10, 12)
    reminders.update_settings(actor.user, "me", enabled=True, local_time="19:00", now=set_at)
    device = push_service.subscribe()
    reminders.save_subscription(
        actor.user,
        "me",
        endpoint=f"http://127.0.0.1:{closed_port}/push/nowhere",
        p256dh=device["keys"]["p256dh"],
        auth=device["keys"]["auth"],
    )

    reminders.run_tick(local(NY, 2026, 6, 10, 19))

    [row] = deliveries(patient.id)
    assert (row.status, row.attempts) == ("queued", 1)
    assert row.trail[0]["outcome"] == "retry" and row.trail[0]["error"] == "ConnectionError"


def test_retries_stop_when_the_local_day_ends(app, push_service, make_reminder_patient):
    rp = make_reminder_patient(set_at=local(NY, 2026, 6, 10, 12), local_time="23:58")
    push_service.answer(rp.endpoint, 429, 429, 429)

    tick_every(local(NY, 2026, 6, 10, 23, 58), local(NY, 2026, 6, 11, 0, 10), timedelta(minutes=1))

    [row] = deliveries(rp.patient.id)
    # 23:58 failed, 23:59 failed, the next try (00:01) would be tomorrow: given up.
    assert (row.status, row.attempts) == ("failed", 2)
    assert len(push_service.attempts(rp.endpoint)) == 2


def test_restart_catches_up_todays_reminder_once(app, push_service, make_reminder_patient):
    rp = make_reminder_patient(set_at=local(NY, 2026, 6, 10, 12))
    tick_every(local(NY, 2026, 6, 10, 12), local(NY, 2026, 6, 10, 18), timedelta(minutes=30))
    # The scheduler is down from 18:00 to 19:05.
    tick_every(local(NY, 2026, 6, 10, 19, 5), local(NY, 2026, 6, 10, 21, 0), timedelta(minutes=1))

    daily = [r for r in push_service.delivered(rp.endpoint) if "still" not in r.payload["title"]]
    assert len(daily) == 1
    assert deliveries(rp.patient.id)[0].sent_at == local(NY, 2026, 6, 10, 19, 5)


def test_a_day_missed_entirely_is_not_sent_late(app, push_service, make_reminder_patient):
    rp = make_reminder_patient(set_at=local(NY, 2026, 6, 9, 12))
    # Down from the 9th at noon to the 11th at 10:00: the 9th's and the 10th's are lost.
    reminders.run_tick(local(NY, 2026, 6, 11, 10))
    assert push_service.delivered(rp.endpoint) == []
    assert deliveries(rp.patient.id) == []
    reminders.run_tick(local(NY, 2026, 6, 11, 19))
    [row] = deliveries(rp.patient.id)
    assert row.local_date == date(2026, 6, 11)
    assert len(push_service.delivered(rp.endpoint)) == 1


def test_only_selected_weekdays(app, push_service, make_reminder_patient, no_followup):
    # 2026-06-08 is a Monday; remind on Mondays and Thursdays.
    rp = make_reminder_patient(set_at=local(NY, 2026, 6, 7, 12), weekdays=[0, 3])
    tick_every(local(NY, 2026, 6, 7, 12), local(NY, 2026, 6, 14, 12), timedelta(minutes=30))
    assert [d.local_date for d in deliveries(rp.patient.id)] == [
        date(2026, 6, 8),
        date(2026, 6, 11),
    ]


def test_a_time_chosen_after_it_passed_today_starts_tomorrow(
    app, push_service, make_reminder_patient
):
    rp = make_reminder_patient(set_at=local(NY, 2026, 6, 10, 20))
    reminders.run_tick(local(NY, 2026, 6, 10, 20, 1))
    assert deliveries(rp.patient.id) == []
    assert settings_of(rp.patient.id).next_due_at == local(NY, 2026, 6, 11, 19)


def test_disabled_reminders_are_never_looked_at(app, push_service, make_reminder_patient):
    rp = make_reminder_patient(set_at=local(NY, 2026, 6, 10, 12))
    reminders.update_settings(
        rp.actor.user, "me", enabled=False, local_time="19:00", now=local(NY, 2026, 6, 10, 13)
    )
    assert settings_of(rp.patient.id).next_due_at is None
    report = reminders.run_tick(local(NY, 2026, 6, 10, 19))
    assert report.looked_at == 0 and deliveries(rp.patient.id) == []


def test_a_due_questionnaire_is_mentioned_in_the_same_push(
    app, push_service, make_reminder_patient, no_followup
):
    from services import questionnaires

    if not hasattr(questionnaires, "due_for"):
        pytest.skip("the questionnaire schedule is not available")
    rp = make_reminder_patient(set_at=datetime.now(UTC))  # just enrolled: the baseline is due
    tomorrow = datetime.now(ZoneInfo(NY)).date() + timedelta(days=1)
    reminders.run_tick(local_instant(tomorrow, time(19), ZoneInfo(NY)))
    [received] = push_service.delivered(rp.endpoint)
    assert "questionnaire" in received.payload["body"]


def test_a_send_that_died_before_recording_is_resent_after_its_lease(
    app, push_service, make_reminder_patient, no_followup
):
    rp = make_reminder_patient(set_at=local(NY, 2026, 6, 10, 12))
    now = local(NY, 2026, 6, 10, 19)
    policy = tick_module.Policy.from_config()
    jobs, _ = tick_module._claim(now, policy, tick_module.TickReport())  # then the process dies
    assert len(jobs) == 1 and push_service.delivered() == []

    reminders.run_tick(now + timedelta(minutes=1))
    assert push_service.delivered() == []  # still within the lease
    reminders.run_tick(now + timedelta(seconds=policy.lease.total_seconds()))
    reminders.run_tick(now + timedelta(minutes=10))

    assert len(push_service.delivered(rp.endpoint)) == 1
    assert deliveries(rp.patient.id)[0].status == "sent"


def test_a_backlog_larger_than_a_batch_is_sent_in_one_tick(
    app, push_service, make_reminder_patient, no_followup
):
    app.config["REMINDER_BATCH_SIZE"] = 2
    patients = [make_reminder_patient(set_at=local(NY, 2026, 6, 10, 12)) for _ in range(5)]

    report = reminders.run_tick(local(NY, 2026, 6, 10, 19, 30))

    assert (report.looked_at, report.claimed, report.sent) == (5, 5, 5)
    assert all(len(push_service.delivered(rp.endpoint)) == 1 for rp in patients)


# -- daylight saving ------------------------------------------------------------------------

DST_CASES = [
    # zone, local date, reminder time, the instant it must fire (UTC)
    (NY, date(2026, 3, 8), "02:30", datetime(2026, 3, 8, 7, 0, tzinfo=UTC)),  # 03:00 EDT
    (NY, date(2026, 3, 8), "19:00", datetime(2026, 3, 8, 23, 0, tzinfo=UTC)),
    (NY, date(2026, 11, 1), "01:30", datetime(2026, 11, 1, 5, 30, tzinfo=UTC)),  # first 01:30
    (NY, date(2026, 11, 1), "19:00", datetime(2026, 11, 2, 0, 0, tzinfo=UTC)),
    ("Europe/London", date(2026, 3, 29), "01:30", datetime(2026, 3, 29, 1, 0, tzinfo=UTC)),
    ("Europe/London", date(2026, 10, 25), "01:30", datetime(2026, 10, 25, 0, 30, tzinfo=UTC)),
    ("Australia/Sydney", date(2026, 10, 4), "02:30", datetime(2026, 10, 3, 16, 0, tzinfo=UTC)),
    ("Australia/Sydney", date(2026, 4, 5), "02:30", datetime(2026, 4, 4, 15, 30, tzinfo=UTC)),
]


@pytest.mark.parametrize(("zone", "day", "hhmm", "fires_at"), DST_CASES)
def test_dst_transition_days_fire_exactly_once_at_the_right_instant(
    app, push_service, make_reminder_patient, no_followup, zone, day, hhmm, fires_at
):
    tz = ZoneInfo(zone)
    day_start = datetime.combine(day, time(), tz).astimezone(UTC)
    rp = make_reminder_patient(
        set_at=day_start - timedelta(hours=12), timezone=zone, local_time=hhmm
    )
    day_end = datetime.combine(day + timedelta(days=1), time(), tz).astimezone(UTC)
    instants = set(tick_every(day_start - timedelta(hours=2), day_end, timedelta(minutes=10)))
    # Every minute around the expected instant, and again through the repeated hour.
    window = fires_at - timedelta(minutes=90)
    while window <= fires_at + timedelta(minutes=90):
        reminders.run_tick(window)
        instants.add(window)
        window += timedelta(minutes=1)

    assert push_service.errors == []
    on_the_day = [d for d in deliveries(rp.patient.id) if d.local_date == day]
    assert len(on_the_day) == 1
    assert on_the_day[0].sent_at == fires_at
    assert len(push_service.delivered(rp.endpoint)) == len(deliveries(rp.patient.id))
    assert all(d.local_date <= day for d in deliveries(rp.patient.id))


def test_new_york_spring_forward_0230_fires_at_0300_local(
    app, push_service, make_reminder_patient, no_followup
):
    rp = make_reminder_patient(set_at=local(NY, 2026, 3, 7, 12), local_time="02:30")
    tick_every(local(NY, 2026, 3, 8, 0), local(NY, 2026, 3, 8, 6), timedelta(minutes=1))
    [row] = deliveries(rp.patient.id)
    assert row.sent_at.astimezone(ZoneInfo(NY)).strftime("%H:%M %Z") == "03:00 EDT"


def test_new_york_fall_back_0130_fires_once_through_the_repeated_hour(
    app, push_service, make_reminder_patient, no_followup
):
    rp = make_reminder_patient(set_at=local(NY, 2026, 10, 31, 12), local_time="01:30")
    # 04:00 to 08:00 UTC covers 00:00 EDT to 03:00 EST, both 01:30s included.
    tick_every(
        datetime(2026, 11, 1, 4, tzinfo=UTC),
        datetime(2026, 11, 1, 8, tzinfo=UTC),
        timedelta(minutes=1),
    )
    [row] = deliveries(rp.patient.id)
    assert row.sent_at.astimezone(ZoneInfo(NY)).strftime("%H:%M %Z") == "01:30 EDT"
    assert len(push_service.delivered(rp.endpoint)) == 1


# -- cost -----------------------------------------------------------------------------------


def _statements_in_a_quiet_tick(now: datetime) -> int:
    count = 0

    def counter(*args, **kwargs):
        nonlocal count
        count += 1

    event.listen(db.engine, "before_cursor_execute", counter)
    try:
        reminders.run_tick(now)
    finally:
        event.remove(db.engine, "before_cursor_execute", counter)
    return count


def test_a_tick_costs_the_same_whatever_the_number_of_patients_not_due(
    app, push_service, make_reminder_patient
):
    set_at = local(NY, 2026, 6, 10, 12)
    make_reminder_patient(set_at=set_at)
    quiet = local(NY, 2026, 6, 10, 13)
    reminders.run_tick(quiet)
    few = _statements_in_a_quiet_tick(quiet)
    for _ in range(15):
        make_reminder_patient(set_at=set_at)
    assert _statements_in_a_quiet_tick(quiet) == few


def test_the_due_query_uses_the_next_due_index(app):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("the plan is checked on SQLite; PostgreSQL plans by table size")
    plan = db.session.execute(
        text(
            "EXPLAIN QUERY PLAN SELECT patient_id FROM reminder_settings "
            "WHERE enabled = 1 AND next_due_at <= :now"
        ),
        {"now": "2026-06-10 00:00:00"},
    ).all()
    assert any("ix_reminder_settings_next_due_at" in str(row) for row in plan)


def test_a_failing_questionnaire_check_never_costs_the_reminder(
    app, push_service, make_reminder_patient, monkeypatch
):
    from services import questionnaires

    def broken(patient, now):
        raise ValueError("a clinic setting the schedule refuses")

    monkeypatch.setattr(questionnaires, "due_for", broken, raising=False)
    rp = make_reminder_patient(set_at=local(NY, 2026, 6, 10, 12))
    reminders.run_tick(local(NY, 2026, 6, 10, 19))
    [received] = push_service.delivered(rp.endpoint)
    assert "questionnaire" not in received.payload["body"]

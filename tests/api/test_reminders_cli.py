"""The command line: push generate-vapid-keys, reminders tick --now, scheduler run refusals."""

import json
from datetime import datetime
from zoneinfo import ZoneInfo

from services import push
from tests import pushservice

push_service = pushservice.push_service
make_reminder_patient = pushservice.make_reminder_patient


def test_generate_vapid_keys_prints_a_matching_pair_as_env_lines(app):
    result = app.test_cli_runner().invoke(args=["push", "generate-vapid-keys"])

    assert result.exit_code == 0, result.output
    lines = dict(
        line.split("=", 1) for line in result.stdout.splitlines() if not line.startswith("#")
    )
    assert set(lines) == {"VAPID_PRIVATE_KEY", "VAPID_PUBLIC_KEY"}
    keys = push.load_vapid_keys(
        {
            "ENV_NAME": "production",
            "VAPID_PRIVATE_KEY": lines["VAPID_PRIVATE_KEY"],
            "VAPID_PUBLIC_KEY": lines["VAPID_PUBLIC_KEY"],
            "VAPID_SUBJECT": "mailto:ops@clinic.example",
        },
        "/nonexistent",
    )
    assert keys.public_key == lines["VAPID_PUBLIC_KEY"]
    second = app.test_cli_runner().invoke(args=["push", "generate-vapid-keys"])
    assert second.stdout != result.stdout


def test_reminders_tick_runs_one_pass_at_the_given_instant(
    app, push_service, make_reminder_patient
):
    new_york = ZoneInfo("America/New_York")
    rp = make_reminder_patient(set_at=datetime(2026, 6, 10, 12, tzinfo=new_york))
    runner = app.test_cli_runner()

    early = runner.invoke(args=["reminders", "tick", "--now", "2026-06-10T18:59:00-04:00"])
    due = runner.invoke(args=["reminders", "tick", "--now", "2026-06-10T23:00:00Z"])
    again = runner.invoke(args=["reminders", "tick", "--now", "2026-06-10T23:00:00Z"])

    assert early.exit_code == 0 and json.loads(early.output)["sent"] == 0
    assert due.exit_code == 0, due.output
    assert json.loads(due.output)["sent"] == 1
    assert json.loads(again.output)["sent"] == 0
    assert len(push_service.delivered(rp.endpoint)) == 1


def test_reminders_tick_wants_an_instant_with_its_offset(app):
    runner = app.test_cli_runner()
    naive = runner.invoke(args=["reminders", "tick", "--now", "2026-06-10T19:00:00"])
    garbage = runner.invoke(args=["reminders", "tick", "--now", "tomorrow"])
    assert naive.exit_code != 0 and "offset" in naive.output
    assert garbage.exit_code != 0 and "ISO 8601" in garbage.output


def test_the_scheduler_refuses_to_start_in_production_without_keys(make_app):
    app = make_app(ENV_NAME="production", VAPID_SUBJECT="mailto:ops@clinic.example")
    result = app.test_cli_runner().invoke(args=["scheduler", "run"])
    assert result.exit_code != 0
    assert "VAPID_PRIVATE_KEY" in result.output


def test_reminders_tick_in_production_without_keys_says_why(make_app):
    app = make_app(ENV_NAME="production")
    result = app.test_cli_runner().invoke(args=["reminders", "tick"])
    assert result.exit_code != 0 and "VAPID" in result.output

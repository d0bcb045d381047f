"""Command-line tools: `flask --app wsgi <command>`."""

import json
from datetime import datetime

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext
from sqlalchemy import select

from models import Clinic, db
from services import alerts as alert_service
from services import auth as auth_service
from services import demo
from services import push as push_service
from services import reminders as reminder_service
from services.errors import ServiceError


@click.command("create-clinician")
@with_appcontext
@click.option("--clinic", "clinic_name", required=True, help="Clinic name (created when new)")
@click.option("--email", required=True)
@click.option("--password", required=True, help="At least 10 characters, not a common one")
@click.option("--admin", is_flag=True, help="Also manages the clinic")
@click.option(
    "--phone", default=None, help="The clinic's phone, shown with crisis resources (set or changed)"
)
@click.option("--name", "display_name", default=None, help="As colleagues know them (alert trail)")
def create_clinician(
    clinic_name: str,
    email: str,
    password: str,
    admin: bool,
    phone: str | None,
    display_name: str | None,
) -> None:
    """Add a clinician (or admin) to a clinic, creating the clinic if needed."""
    clinic = db.session.scalar(select(Clinic).where(Clinic.name == clinic_name))
    if clinic is None:
        clinic = Clinic(name=clinic_name, phone=phone)
        db.session.add(clinic)
        db.session.flush()
    elif phone is not None and phone != clinic.phone:
        clinic.phone = phone  # asked for in words: not dropped because the clinic exists
    try:
        user = auth_service.create_staff(
            clinic.id, email, password, admin=admin, display_name=display_name
        )
    except ServiceError as exc:
        db.session.rollback()
        raise click.ClickException(_explain(exc)) from None
    db.session.commit()
    click.echo(f"Created {user.role} {user.email} in clinic {clinic.name!r} (id {clinic.id}).")


@click.command("seed-demo")
@with_appcontext
def seed_demo() -> None:
    """Create the demo clinic, its staff and 5 patients with 120 days of history (idempotent)."""
    if current_app.config["ENV_NAME"] == "production":
        raise click.ClickException("seed-demo is refused in production.")
    if demo.seed_demo():
        click.echo(
            f"Demo clinic created. Clinician {demo.CLINICIAN_EMAIL}, admin {demo.ADMIN_EMAIL}, "
            f"password {demo.DEMO_PASSWORD}."
        )
    else:
        click.echo("Demo clinic already present; nothing changed.")


push_cli = AppGroup("push", help="Web Push.")
reminders_cli = AppGroup("reminders", help="Daily check-in reminders.")
scheduler_cli = AppGroup("scheduler", help="The reminder scheduler process.")
alerts_cli = AppGroup("alerts", help="Safety alerts.")


def _instant(now_text: str | None) -> datetime | None:
    """An aware instant from --now, or None for the current time."""
    if not now_text:
        return None
    try:
        now = datetime.fromisoformat(now_text)
    except ValueError:
        raise click.BadParameter("not an ISO 8601 instant", param_hint="--now") from None
    if now.tzinfo is None:
        raise click.BadParameter(
            "give the offset, e.g. 2026-03-08T19:05:00-04:00", param_hint="--now"
        )
    return now


@push_cli.command("generate-vapid-keys")
def generate_vapid_keys() -> None:
    """Print a new VAPID key pair as environment lines (set them in production)."""
    private, public = push_service.generate_vapid_keys()
    click.echo(f"VAPID_PRIVATE_KEY={private}")
    click.echo(f"VAPID_PUBLIC_KEY={public}")
    click.echo("# also set VAPID_SUBJECT=mailto:<a contact at the clinic>", err=True)


@reminders_cli.command("tick")
@click.option("--now", "now_text", help="An ISO 8601 instant with its offset (default: now)")
def reminders_tick(now_text: str | None) -> None:
    """Run one scheduling pass: claim, send and record every reminder due at --now."""
    now = _instant(now_text)
    try:
        report = reminder_service.run_tick(now)
    except ServiceError as exc:
        raise click.ClickException(_explain(exc)) from None
    click.echo(json.dumps(report.as_dict()))


@alerts_cli.command("missed")
@click.option("--now", "now_text", help="An ISO 8601 instant with its offset (default: now)")
def alerts_missed(now_text: str | None) -> None:
    """Run the missed-check-in rule once (the scheduler runs it hourly); idempotent."""
    raised = alert_service.evaluate_missed_checkins(_instant(now_text))
    click.echo(f"{raised} missed-check-in alert(s) opened.")


@scheduler_cli.command("run")
def scheduler_run() -> None:
    """Run the reminder scheduler until stopped (several instances are safe)."""
    # Imported here: the scheduler is its own process; web workers never load it.
    from scheduler import SchedulerRefused, run

    try:
        run(current_app._get_current_object())
    except SchedulerRefused as exc:
        raise click.ClickException(str(exc)) from None


def _explain(exc: ServiceError) -> str:
    errors = getattr(exc, "errors", None) or {}
    reasons = [f"{field}: {' '.join(messages)}" for field, messages in errors.items()]
    return " ".join([exc.detail, *reasons])


def init_app(app: Flask) -> None:
    app.cli.add_command(create_clinician)
    app.cli.add_command(seed_demo)
    app.cli.add_command(push_cli)
    app.cli.add_command(reminders_cli)
    app.cli.add_command(scheduler_cli)
    app.cli.add_command(alerts_cli)

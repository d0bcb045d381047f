"""Shared fixtures: an app on a migrated database (SQLite, or PostgreSQL via TEST_DATABASE_URL),
emptied after every test, and builders for clinics, staff and enrolled patients."""

import os
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import text

from api import create_app
from config import TestingConfig, normalize_database_url
from models import Base, Clinic, Patient, User, db
from services import auth as auth_service
from services import patients as patient_service

PASSWORD = "correct-horse-battery"


def _config(url: str, **overrides: Any) -> type[TestingConfig]:
    return type("TestConfig", (TestingConfig,), {"SQLALCHEMY_DATABASE_URI": url, **overrides})


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A database migrated once with `flask db upgrade` (the migration history is the schema)."""
    url = os.environ.get("TEST_DATABASE_URL")
    url = (
        normalize_database_url(url)
        if url
        else f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
    )
    app = create_app(_config(url))
    with app.app_context():
        if url.startswith("postgresql"):
            db.session.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
            db.session.commit()
        upgrade()
        db.engine.dispose()
    return url


def _empty_all_tables() -> None:
    tables = [t.name for t in reversed(Base.metadata.sorted_tables)]
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
    else:
        for name in tables:
            db.session.execute(text(f"DELETE FROM {name}"))  # noqa: S608 - our own table names
    db.session.commit()


@pytest.fixture
def make_app(database_url: str) -> Iterator[Callable[..., Flask]]:
    """Build an app with config overrides; the database is emptied after the test."""
    apps: list[Flask] = []

    def build(**overrides: Any) -> Flask:
        app = create_app(_config(database_url, **overrides))
        apps.append(app)
        return app

    yield build
    with apps[0].app_context() if apps else create_app(_config(database_url)).app_context():
        db.session.remove()
        _empty_all_tables()
    for app in apps:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def app(make_app: Callable[..., Flask]) -> Iterator[Flask]:
    app = make_app()
    with app.app_context():
        yield app


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@dataclass
class Actor:
    """A signed-in user with the headers to act as them."""

    user: User
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


@pytest.fixture
def make_clinic(app: Flask) -> Callable[..., Clinic]:
    def build(name: str | None = None, phone: str | None = "+1 555 0100") -> Clinic:
        clinic = Clinic(name=name or f"Clinic {uuid.uuid4().hex[:8]}", phone=phone)
        db.session.add(clinic)
        db.session.commit()
        return clinic

    return build


@pytest.fixture
def make_staff(app: Flask) -> Callable[..., Actor]:
    def build(
        clinic: Clinic,
        *,
        admin: bool = False,
        email: str | None = None,
        display_name: str | None = None,
    ) -> Actor:
        user = auth_service.create_staff(
            clinic.id,
            email or f"{uuid.uuid4().hex[:10]}@clinic.test",
            PASSWORD,
            admin=admin,
            display_name=display_name,
        )
        issued = auth_service.issue_token(user, datetime.now(UTC))
        db.session.commit()
        return Actor(user, issued.token)

    return build


@pytest.fixture
def make_patient(
    app: Flask, make_staff: Callable[..., Actor]
) -> Callable[..., tuple[Patient, Actor]]:
    """Create a patient through the clinician's use-case and enrol them with their invitation."""

    def build(
        clinic: Clinic,
        *,
        timezone: str = "America/New_York",
        name: str = "Pat Example",
        email: str | None = None,
    ) -> tuple[Patient, Actor]:
        clinician = make_staff(clinic)
        patient = patient_service.create_patient(clinician.user, name, timezone=timezone)
        invitation = patient_service.create_invitation(clinician.user, patient.id, "http://test")
        issued = auth_service.enroll(invitation.code, PASSWORD, timezone, email)
        return db.session.get(Patient, patient.id), Actor(issued.user, issued.token)

    return build


@dataclass
class World:
    """Two clinics: a clinician, an admin and two patients in one; a clinician in the other."""

    clinic: Clinic
    clinician: Actor
    admin: Actor
    patient: Patient
    patient_actor: Actor
    other_patient: Patient
    other_patient_actor: Actor
    other_clinic: Clinic
    other_clinician: Actor


@pytest.fixture
def world(make_clinic, make_staff, make_patient) -> World:
    clinic = make_clinic("North Clinic")
    other_clinic = make_clinic("South Clinic")
    patient, patient_actor = make_patient(clinic, name="Pat One")
    other_patient, other_patient_actor = make_patient(
        clinic, name="Pat Two", timezone="Europe/Berlin"
    )
    return World(
        clinic=clinic,
        clinician=make_staff(clinic),
        admin=make_staff(clinic, admin=True),
        patient=patient,
        patient_actor=patient_actor,
        other_patient=other_patient,
        other_patient_actor=other_patient_actor,
        other_clinic=other_clinic,
        other_clinician=make_staff(other_clinic),
    )

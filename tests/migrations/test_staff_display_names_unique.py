"""f2b4d6e8a0c1: names that already collide are told apart before the unique index is built,
and the downgrade takes the index away again."""

from pathlib import Path

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from api import create_app
from config import TestingConfig
from models import db

BEFORE = "e8a1c3d5f7b9"


@pytest.fixture
def old_schema(tmp_path: Path):
    """An app on its own SQLite file migrated to just before the index."""
    config = type(
        "MigrationConfig",
        (TestingConfig,),
        {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'old.db'}"},
    )
    app = create_app(config)
    with app.app_context():
        upgrade(revision=BEFORE)
        yield app
        db.session.remove()
        db.engine.dispose()


def _add(clinic_id: int, email: str, name: str | None) -> None:
    db.session.execute(
        text(
            "INSERT INTO users (clinic_id, role, email, display_name, active, failed_logins, "
            "created_at) VALUES (:c, 'clinician', :e, :n, 1, 0, CURRENT_TIMESTAMP)"
        ),
        {"c": clinic_id, "e": email, "n": name},
    )


def _names() -> dict[str, str | None]:
    rows = db.session.execute(text("SELECT email, display_name FROM users ORDER BY id"))
    return dict(rows.all())


def test_colliding_names_get_a_number_and_the_index_then_refuses(old_schema):
    for clinic in (1, 2):
        db.session.execute(
            text(
                "INSERT INTO clinics (id, name, timezone, settings, created_at) "
                "VALUES (:id, :name, 'UTC', '{}', CURRENT_TIMESTAMP)"
            ),
            {"id": clinic, "name": f"Clinic {clinic}"},
        )
    _add(1, "a@c.test", "Dr. Kim")
    _add(1, "b@c.test", "dr. kim")
    _add(1, "c@c.test", "Dr. Kim (2)")  # the obvious suffix is taken: the next one is used
    _add(1, "d@c.test", "DR. KIM")
    _add(2, "e@c.test", "Dr. Kim")  # another clinic's colleague keeps the name
    _add(1, "f@c.test", None)
    _add(1, "g@c.test", None)
    db.session.commit()

    upgrade()

    assert _names() == {
        "a@c.test": "Dr. Kim",
        "b@c.test": "dr. kim (3)",
        "c@c.test": "Dr. Kim (2)",
        "d@c.test": "DR. KIM (4)",
        "e@c.test": "Dr. Kim",
        "f@c.test": None,
        "g@c.test": None,
    }
    with pytest.raises(IntegrityError):
        _add(1, "h@c.test", "DR. KIM (3)")
    db.session.rollback()

    downgrade(revision=BEFORE)
    _add(1, "h@c.test", "DR. KIM (3)")  # no index: the duplicate goes in
    db.session.commit()

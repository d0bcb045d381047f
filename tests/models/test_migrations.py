"""The migration history is the schema: after `db upgrade`, autogenerate finds no difference."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.exc import IntegrityError

from models import Base, User, db


# SQLite's reflection cannot read an index on an expression (PostgreSQL's can, and compares
# it); test_staff_names_are_unique_per_clinic below proves the index is there and works.
@pytest.mark.filterwarnings(
    "ignore:Skipped unsupported reflection of expression-based index uq_users_clinic_display_name"
)
@pytest.mark.filterwarnings(
    "ignore:autogenerate skipping metadata-specified expression-based index "
    "'uq_users_clinic_display_name'; dialect 'sqlite'"
)
def test_models_and_migrations_agree(app):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)
    assert differences == []


def test_upgrade_created_every_table(app):
    tables = set(inspect(db.engine).get_table_names())
    assert {t.name for t in Base.metadata.sorted_tables} <= tables
    assert "alembic_version" in tables


def test_staff_names_are_unique_per_clinic(make_clinic):
    """The index itself, below the service's check: same clinic, any case, refused; another
    clinic, or no name at all, allowed."""
    clinic, other = make_clinic(), make_clinic()

    def staff(clinic_id: int, name: str | None) -> None:
        with db.session.begin_nested():
            db.session.add(
                User(clinic_id=clinic_id, role="clinician", email=None, display_name=name)
            )

    staff(clinic.id, "Dr. Kim")
    staff(other.id, "Dr. Kim")
    staff(clinic.id, None)
    staff(clinic.id, None)
    with pytest.raises(IntegrityError):
        staff(clinic.id, "DR. KIM")

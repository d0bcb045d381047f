"""Dialect-aware INSERT ... ON CONFLICT, shared by the use-cases that claim unique rows."""

from typing import Any

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite

from models import db


def insert_for(table: Table) -> Any:
    """An INSERT for the session's database that supports `on_conflict_do_*` and RETURNING."""
    dialect = db.session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)

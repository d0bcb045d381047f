"""The database and its migrations (Flask-SQLAlchemy, Flask-Migrate/Alembic)."""

from pathlib import Path

from flask import Flask
from flask_migrate import Migrate

from models import configure_engine, db

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"

migrate = Migrate(directory=str(MIGRATIONS_DIR), render_as_batch=True, compare_type=True)


def init_app(app: Flask) -> None:
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    if uri.startswith("sqlite:///"):
        Path(uri.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    db.init_app(app)
    migrate.init_app(app, db)
    with app.app_context():
        configure_engine(
            db.engine,
            app.config["SQLITE_BUSY_TIMEOUT_MS"],
            app.config["DB_PING_AFTER_IDLE_SECONDS"],
        )

"""The check-in write through the stack alone: the floor's two upserts (services.checkins' own
statements, built once) behind Flask, flask-restx and marshmallow (the API's
CheckInCreateSchema), in a Flask-SQLAlchemy session's transaction with the app's engine set-up,
sent on its connection as services.checkins sends them; no token
lookup, no alert rules, no audit row, no problem documents. Between the floor app and the app,
it shows what the frameworks cost before any of the app's own work.

    STACK_DATABASE_URL=sqlite:////tmp/x.db gunicorn -c gunicorn.conf.py bench.stack_app:app
"""

from __future__ import annotations

import os

from flask import Flask, request
from flask_restx import Api, Resource

from api.schemas.checkins import CheckInCreateSchema
from config import normalize_database_url
from models import begin_write, configure_engine, db, utcnow
from services.checkins import FIELDS, statements


def make_app(url: str) -> Flask:
    app = Flask(__name__)
    app.config["SQLALCHEMY_DATABASE_URI"] = normalize_database_url(url)
    db.init_app(app)
    with app.app_context():
        configure_engine(db.engine, 30_000)
    api = Api(app, prefix="/api/v1", doc=False)
    schema = CheckInCreateSchema()

    @api.route("/patients/<int:pid>/checkins")
    class CheckIns(Resource):
        def post(self, pid: int):
            data = schema.load(request.get_json())
            begin_write()
            connection = db.session.connection()  # as services.checkins sends them
            insert_revision, upsert_checkin = statements(connection.dialect.name)
            values = {name: data.get(name) for name in FIELDS}
            values["side_effects"] = values["side_effects"] or []
            now = utcnow()
            revision_id = connection.scalar(
                insert_revision,
                {
                    **values,
                    "patient_id": pid,
                    "submit_id": str(data["submit_id"]),
                    "submitted_at": now,
                    "late_entry": False,
                    "client_tz_offset_min": data.get("tz_offset_minutes"),
                    "revision": 0,
                },
            )
            if revision_id is None:  # a replay
                db.session.rollback()
                return {"replay": True}, 200
            checkin_id, number = connection.execute(
                upsert_checkin,
                {
                    **values,
                    "patient_id": pid,
                    "submitted_at": now,
                    "late_entry": False,
                    "revision": 1,
                    "current_revision_id": revision_id,
                },
            ).one()
            db.session.commit()
            return {"id": checkin_id, "revision": number}, 201

    return app


def __getattr__(name: str):
    """`app` for gunicorn (`bench.stack_app:app`), on STACK_DATABASE_URL."""
    if name == "app":
        return make_app(os.environ["STACK_DATABASE_URL"])
    raise AttributeError(name)

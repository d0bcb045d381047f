"""The application factory: it only wires; each subsystem has its own init_app."""

import logging

from flask import Flask

from config import Config, config_from_env


def create_app(config_class: type[Config] | None = None) -> Flask:
    config_class = config_class or config_from_env()
    config_class.check()
    app = Flask(__name__, instance_path=config_class.INSTANCE_PATH, static_folder=None)
    app.config.from_object(config_class)
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    logging.getLogger("alembic").setLevel(logging.WARNING)

    from api import cli, database, errors, headers, limits, namespaces, pwa, stateless

    database.init_app(app)
    stateless.init_app(app)
    errors.init_app(app)
    limits.init_app(app)
    headers.init_app(app)
    namespaces.init_app(app)
    cli.init_app(app)
    pwa.init_app(app)
    return app

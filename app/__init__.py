"""Yima (一码听民意): the application factory."""
from flask import Flask

from app.core.serving import Yima


def create_app(test_config: dict | None = None) -> Flask:
    """Create and configure an app; `test_config` overrides the environment."""
    app = Yima(__name__, instance_relative_config=True)
    from app.core.bounds import IdConverter

    app.url_map.converters["int"] = IdConverter  # before any route: an id the database cannot hold is a 404

    from app.config import clocks, load_config

    app.config.from_mapping(load_config(app.instance_path))
    if test_config:
        app.config.update(test_config)
    clocks(app.config)  # a clock set to nonsense stops the start, not a citizen's request

    from app import citizen, cli, open311, staff
    from app.citizen import pages, scans
    from app.core import db as database
    from app.core import display, errors, faults, guards, i18n, labels, logs, ratelimits, security, serving, statics
    from app.core import uploads
    from app.core.extensions import csrf, db, migrate
    from app.notify import watch
    from app.notify.settings import check_settings
    from app.staff import auth

    serving.init_app(app, test_config)  # refuses to start an unsafe production setup
    check_settings(app.config)  # refuses SMTP, SMS or robot hosts pointing inside the network
    logs.init_app(app)  # first: every later hook logs with the request id
    database.init_app(app)  # engine options; SQLite: read-only views begin DEFERRED
    db.init_app(app)
    watch.init_app(app)  # each step's messages go into the outbox in the step's transaction
    migrate.init_app(app, db, directory=str(app.root_path + "/../migrations"))
    csrf.init_app(app)
    ratelimits.init_app(app)
    scans.init_app(app)
    i18n.init_app(app)
    display.init_app(app)
    labels.init_app(app)
    security.init_app(app)
    cli.init_app(app)
    errors.init_app(app)
    faults.init_app(app)
    guards.init_app(app)
    uploads.init_app(app)  # the upload forms' request limit; the store of attached files
    auth.init_app(app)
    pages.init_app(app)
    statics.init_app(app)  # static URLs carry their content hash: cached for a year by the front
    app.register_blueprint(citizen.bp)
    app.register_blueprint(staff.blueprint())
    open311.init_app(app)
    return app

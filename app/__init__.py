"""Verbatim: the canonical quote store and verification API.

``create_app()`` builds the Flask application (tutorial-style factory);
``wsgi.py`` exposes one for gunicorn and the ``flask`` command.
"""
from __future__ import annotations

import logging
import os
from typing import Any, Mapping, Optional

from flask import Flask

from .config import load_config, normalize_database_url


def create_app(test_config: Optional[Mapping[str, Any]] = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_mapping(load_config(app.instance_path))
    if test_config:
        app.config.update(test_config)
    app.config["DATABASE_URL"] = normalize_database_url(app.config["DATABASE_URL"])
    os.makedirs(app.instance_path, exist_ok=True)

    logging.basicConfig(level=app.config["LOG_LEVEL"],
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    app.json.sort_keys = False  # answers keep the order the schemas declare

    from . import cli, db, errors, http_policy, limits, read_position
    from .blueprints import register_blueprints

    db.init_app(app)
    api = errors.VerbatimApi(app, spec_kwargs={
        "info": {"description": (
            "Verbatim keeps canonical quotes (who said what, when, where, with sources) and "
            "verifies quotes against them: verified, mismatch (misattributed, altered wording, "
            "wrong date, wrong location) or unverified. Writes need `Authorization: Bearer KEY` "
            "with the write scope; reads are open unless REQUIRE_API_KEY_FOR_READ is set. "
            "With read replicas, the answer to a write carries `Verbatim-Position`; sent back as "
            "`Verbatim-Min-Position` on any later request, it makes that request read data that "
            "includes the write (a malformed position is a 400)."
        )},
    })
    api.spec.components.security_scheme("bearerAuth", {"type": "http", "scheme": "bearer"})
    app.extensions["verbatim_api"] = api
    errors.init_app(app)
    http_policy.init_app(app)
    read_position.init_app(app)
    if app.config["PROXY_FIX_X_FOR"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=app.config["PROXY_FIX_X_FOR"])  # type: ignore[method-assign]
    limits.init_app(app)
    register_blueprints(app, api)
    cli.init_app(app)
    from . import job_runners

    job_runners.init_app(app)  # on the embedded default, each web process runs and sweeps jobs
    return app

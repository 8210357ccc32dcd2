"""The one place blueprints are registered.

API blueprints (``app/api``) go through flask-smorest so they appear in the
OpenAPI document at ``/openapi.json`` and ``/docs``. Server-rendered pages
are another engineer's area (``app/pages`` with ``app/templates`` and
``app/static``): when a module ``app.pages`` exists it is registered here,
through its ``init_app(app)`` if it has one, else its ``bp`` blueprint.
"""
from __future__ import annotations

import importlib

from flask import Flask
from flask_smorest import Api
from werkzeug.routing import BaseConverter, IntegerConverter


# Ids are PostgreSQL ``integer`` (and SQLite's 64-bit) values: an id
# outside 1..2**31-1 cannot exist, so its URL simply does not match (404)
# rather than overflowing in the database driver.
MAX_ID = 2**31 - 1


class IdConverter(IntegerConverter):
    def __init__(self, map, *args, **kwargs):  # noqa: A002 - werkzeug's signature
        kwargs.setdefault("min", 1)
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


# Job ids are uuid4 hex (app/jobs.py): anything else cannot be a job, and
# the OpenAPI document says so (a path like /jobs/verify is not one).
JOB_ID_PATTERN = "^[0-9a-f]{32}$"


class JobIdConverter(BaseConverter):
    regex = "[0-9a-f]{32}"


def register_blueprints(app: Flask, api: Api) -> None:
    from .api import register
    from . import docs_assets

    app.url_map.converters["id"] = IdConverter
    api.register_converter(IdConverter, lambda _c: {"type": "integer", "minimum": 1, "maximum": MAX_ID})
    app.url_map.converters["job_id"] = JobIdConverter
    api.register_converter(JobIdConverter, lambda _c: {"type": "string", "pattern": JOB_ID_PATTERN})
    register(api)
    from .schemas import CROSS_FIELD_RULES

    for name, rule in CROSS_FIELD_RULES.items():
        api.spec.components.schemas[name].update(rule)
    docs_assets.init_app(app)

    try:
        pages = importlib.import_module("app.pages")
    except ModuleNotFoundError as exc:
        if exc.name not in ("app.pages",):
            raise
        return
    if hasattr(pages, "init_app"):
        pages.init_app(app)
    elif hasattr(pages, "bp"):
        app.register_blueprint(pages.bp)

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


def register_blueprints(app: Flask, api: Api) -> None:
    from .api import register

    register(api)

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

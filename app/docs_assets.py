"""Swagger UI's files, served from the installed swagger-ui-bundle package.

flask-smorest's /docs page loads ``swagger-ui-bundle.js`` and
``swagger-ui.css`` from ``OPENAPI_SWAGGER_UI_URL``; pointing that at this
route instead of a CDN keeps the interactive docs working offline and inside
newsroom networks that block third-party scripts.
"""
from __future__ import annotations

from flask import Blueprint, Flask, abort, send_from_directory

bp = Blueprint("docs_assets", __name__)

_ALLOWED = {"swagger-ui-bundle.js", "swagger-ui.css", "swagger-ui-standalone-preset.js",
            "favicon-32x32.png", "favicon-16x16.png"}


@bp.get("/docs/assets/<path:filename>")
def asset(filename: str):
    if filename not in _ALLOWED:
        abort(404)
    from swagger_ui_bundle import swagger_ui_path

    return send_from_directory(swagger_ui_path, filename, max_age=86400)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)

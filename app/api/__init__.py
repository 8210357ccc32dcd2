"""API v1: one flask-smorest blueprint per resource, all under ``/api/v1``."""
from __future__ import annotations

from flask_smorest import Api


def register(api: Api) -> None:
    from . import articles, health, imports, jobs, keys, quotes, sources, speakers, verify

    for module in (health, quotes, imports, speakers, verify, articles, sources, jobs, keys):
        api.register_blueprint(module.blp, url_prefix=f"/api/v1{module.PREFIX}")

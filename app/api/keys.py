"""API keys, managed over HTTP with an admin key (or with `flask keys`)."""
from __future__ import annotations

from types import SimpleNamespace

from flask.views import MethodView
from flask_smorest import abort
from sqlalchemy import select

from .. import auth, repository
from ..auth import requires
from ..db import get_session
from ..errors import ApiBlueprint
from ..models import ApiKey
from ..schemas import ApiKeyCreatedSchema, ApiKeyCreateSchema, ApiKeySchema

PREFIX = "/keys"
blp = ApiBlueprint("keys", __name__, description="API keys (admin scope). Keys are stored hashed and shown once.")


@blp.route("")
class Keys(MethodView):
    @requires("admin")
    @blp.response(200, ApiKeySchema(many=True))
    def get(self):
        """List API keys (never the keys themselves)"""
        return repository.list_api_keys(get_session())

    @requires("admin")
    @blp.arguments(ApiKeyCreateSchema)
    @blp.response(201, ApiKeyCreatedSchema)
    def post(self, data):
        """Create an API key

        The answer's `key` is the only time the key is shown; so is its
        `webhook_secret` (with `"webhook_secret": true`), which signs the
        webhooks of the jobs the key submits with a `callback_url`.
        """
        session = get_session()
        row, secret = auth.create_key(session, data["name"], data["scopes"],
                                      webhook_secret=data["webhook_secret"])
        session.commit()
        return SimpleNamespace(id=row.id, name=row.name, prefix=row.prefix, scope_list=row.scope_list,
                               created_at=row.created_at, revoked_at=row.revoked_at, key=secret,
                               webhook_secret=row.webhook_secret)


@blp.route("/<id:key_id>")
class KeyById(MethodView):
    @requires("admin")
    @blp.response(200, ApiKeySchema)
    def delete(self, key_id):
        """Revoke an API key (kept, marked revoked)"""
        session = get_session()
        row = session.scalars(select(ApiKey).where(ApiKey.id == key_id)).first()
        if row is None:
            abort(404, message=f"API key {key_id} not found.")
        auth.revoke_key(session, row)
        session.commit()
        return row

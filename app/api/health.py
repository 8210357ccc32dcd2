"""Liveness and a count of stored quotes."""
from __future__ import annotations

from flask.views import MethodView

from .. import repository
from ..db import dialect_name, get_session
from ..errors import ApiBlueprint
from ..schemas import HealthSchema

PREFIX = "/health"
blp = ApiBlueprint("health", __name__, description="Is the service up, and on which database.")


@blp.route("")
class Health(MethodView):
    @blp.response(200, HealthSchema)
    def get(self):
        """Service status, database backend and number of stored quotes

        Open to everyone (no key, even with REQUIRE_API_KEY_FOR_READ), so load
        balancers can probe it. Counts quotes that are not retracted.
        """
        return {"status": "ok", "database": dialect_name(), "quotes": repository.count_quotes(get_session())}

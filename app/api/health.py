"""Liveness, a count of stored quotes, and the read replicas' state."""
from __future__ import annotations

from flask.views import MethodView
from sqlalchemy import text
from sqlalchemy.exc import InterfaceError, OperationalError

from .. import repository
from ..db import dialect_name, get_session, read, replica_set
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
        balancers can probe it. Counts quotes that are not retracted. With
        read replicas, also `primary` (ok or down) and each replica's
        `state` and `lag_seconds`; while the primary is away and a replica
        answers, `status` is `degraded` (reads work, writes do not) and the
        answer is still a 200, so that a load balancer keeps the service.
        """
        body = {"status": "ok", "database": dialect_name(), "quotes": read(repository.count_quotes)}
        replicas = replica_set()
        if replicas is not None:
            try:
                get_session().execute(text("SELECT 1"))
                body["primary"] = "ok"
            except (OperationalError, InterfaceError):
                body["primary"] = "down"
                body["status"] = "degraded"
            body["replicas"] = replicas.report()
        return body

"""Schemathesis against the service's own OpenAPI document, bounded.

Every operation gets EXAMPLES generated requests (valid ones, and invalid
ones for the negative checks) with a fixed seed (Hypothesis derandomised),
sent in-process to an SQLite-backed app holding the demo data, with an admin
key. Checked on every answer: no 5xx, the answer valid against its schema
and status, and the document truthful about what is accepted (data valid by
the schema is not refused as invalid, invalid data is refused).
"""
from __future__ import annotations

import atexit
import os
import shutil
import tempfile

import uuid

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, assume, settings
from schemathesis import checks

EXAMPLES = 20

# Revoking a key could revoke the run's own (ids are small): tested in test_auth.py.
SKIP = {("DELETE", "/api/v1/keys/{key_id}")}
# Checks an operation is exempt from, and why (everything else is checked):
EXCLUDED = {
    # The retraction's reason goes in the body or in the query string: the
    # document cannot say "one of the two", so it marks neither required.
    ("DELETE", "/api/v1/quotes/{quote_id}"): ("positive_data_acceptance",),
    # Bulk bodies are read line by line: a line that is not a quote (a
    # claim) is reported in the answer, not refused with the body, and a
    # CSV's header is checked as it is read; the document types the body as
    # text. No 5xx and answers valid against their schemas are checked.
    ("POST", "/api/v1/quotes/import"): ("positive_data_acceptance", "negative_data_rejection"),
    ("POST", "/api/v1/jobs/verify"): ("positive_data_acceptance", "negative_data_rejection"),
    # A url alone is fetched, which this run never does (no traffic leaves
    # the machine): such a request gets the 422 of a page that cannot be
    # fetched, as the document says.
    ("POST", "/api/v1/sources/ingest"): ("positive_data_acceptance",),
    ("POST", "/api/v1/sources"): ("positive_data_acceptance",),  # a transcript by url: the same
}


class _NoFetching:
    def fetch(self, url):
        from app.fetch import FetchError

        raise FetchError("Fetching is off in the contract tests.", 422)


def _make_app():
    """The app under test: built at import, since the operations to test are
    read from its document when pytest collects them."""
    from app import create_app
    from app.db import make_engine
    from app.migrate import upgrade

    workdir = tempfile.mkdtemp(prefix="verbatim-contract-")
    atexit.register(shutil.rmtree, workdir, True)
    url = f"sqlite:///{os.path.join(workdir, 'verbatim.db')}"
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    return create_app({"DATABASE_URL": url, "LOG_LEVEL": "WARNING", "RATE_LIMIT_ENABLED": False,
                       "IMPORT_WORKERS": 0})


APP = _make_app()
schema = schemathesis.openapi.from_wsgi("/openapi.json", APP)
# A body over the size limit is refused with 413, as the document says: a
# right answer to invalid data too.
schema.config.checks.negative_data_rejection.expected_statuses.append("413")


@pytest.fixture(autouse=True)
def _no_fetching(monkeypatch):
    from app.api import sources

    monkeypatch.setattr(sources, "fetcher_from_config", lambda config: _NoFetching())


@pytest.fixture(scope="module")
def admin_headers():
    from tests.conftest import _create_key

    assert APP.test_cli_runner().invoke(args=["demo", "load", "--if-empty"]).exit_code == 0
    return {"Authorization": f"Bearer {_create_key(APP, ('admin',), name='contract')}"}


@schema.parametrize()
@settings(max_examples=EXAMPLES, derandomize=True, deadline=None, phases=[Phase.explicit, Phase.generate],
          suppress_health_check=list(HealthCheck))
def test_every_operation_keeps_its_contract(case, admin_headers):
    if (case.method.upper(), case.path) in SKIP:
        pytest.skip("revoking keys could revoke this run's own key")
    if "Idempotency-Key" in (case.headers or {}):
        # Generated examples reuse one key for different bodies, which is a
        # 422 by design (test_idempotency.py): one key per example here.
        case.headers["Idempotency-Key"] = uuid.uuid4().hex
    # A rule JSON Schema cannot state (one field compared with another):
    # a generated "valid" body that breaks it is not valid, so not tried.
    assume(not _role_ends_before_it_starts(case))
    excluded = [getattr(checks, name) for name in EXCLUDED.get((case.method.upper(), case.path), ())]
    case.call_and_validate(headers=admin_headers, excluded_checks=excluded)


def _role_ends_before_it_starts(case) -> bool:
    """A speaker's role whose end date is before its start date (a 422 the
    document describes in words: dates cannot be compared in JSON Schema)."""
    body = case.body if isinstance(case.body, dict) else {}
    roles = body.get("roles") if isinstance(body.get("roles"), list) else []
    return any(isinstance(r, dict) and isinstance(r.get("start"), str) and isinstance(r.get("end"), str)
               and r["end"] < r["start"] for r in roles)


def test_the_document_states_what_is_accepted():
    spec = APP.test_client().get("/openapi.json").get_json()
    components = spec["components"]["schemas"]
    text = components["QuoteCreate"]["properties"]["text"]
    assert text["minLength"] == 1 and text["maxLength"] == 10_000 and text["pattern"]
    assert components["QuoteCreate"]["properties"]["spoken_at"]["pattern"]
    assert components["Source"]["properties"]["published_at"]["pattern"] and components["Source"]["anyOf"]
    assert components["BatchVerify"]["properties"]["claims"]["minItems"] == 1
    assert components["ApiKeyCreate"]["properties"]["scopes"]["minItems"] == 1
    assert components["Verify"]["properties"]["reference_date"]["pattern"]
    # /jobs/verify is a POST only; job ids are 32 hex digits, so no GET or DELETE is advertised on it.
    assert set(spec["paths"]["/api/v1/jobs/verify"]) == {"post"}
    job_id = spec["paths"]["/api/v1/jobs/{job_id}"]["parameters"][0]["schema"]
    assert job_id["pattern"] == "^[0-9a-f]{32}$"
    r = APP.test_client().get("/api/v1/jobs/verify")
    assert r.status_code == 405 and set(r.headers["Allow"].replace(" ", "").split(",")) == {"POST", "OPTIONS"}

"""Property-based API tests: schemathesis drives /api/openapi.json against a real server.

Every described operation gets generated requests (a bounded number); each answer must not be
a server error and must match the response schema the description promises. The operations
are listed from the description itself, the schema is loaded from the live server.
(schemathesis' lazy pytest loader needs a pytest internal that pytest 9 removed, so the
Hypothesis test is built here from each operation's strategy.)
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, seed, settings
from schemathesis.checks import not_a_server_error, response_schema_conformance

from web.api.openapi import document

MAX_EXAMPLES = 50
SEED = 20260101  # the same requests on every run: a failure can be replayed
OPERATIONS = [(path, method.upper()) for path, item in document()["paths"].items()
              for method in item]


@pytest.fixture(scope="module")
def api_schema(live_server: str):
    """The API description as the live server publishes it (requests go to that server)."""
    return schemathesis.openapi.from_url(live_server + "/api/openapi.json")


@pytest.mark.parametrize(("path", "method"), OPERATIONS, ids=[f"{m} {p}" for p, m in OPERATIONS])
def test_operation_answers_as_described(api_schema, path: str, method: str) -> None:
    """No 5xx for any generated request, and every documented answer matches its schema."""
    operation = api_schema[path][method]
    calls = []

    @given(case=operation.as_strategy())
    @seed(SEED)
    @settings(max_examples=MAX_EXAMPLES, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
    def check(case) -> None:
        """One generated request."""
        response = case.call_and_validate(
            checks=[not_a_server_error, response_schema_conformance], timeout=60)
        calls.append(response.status_code)

    check()
    assert calls, "schemathesis generated no request"

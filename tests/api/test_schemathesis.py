"""schemathesis against /api/openapi.json through the WSGI app, with a valid admin token:
no server errors, and every response conforms to the documented schema. Bounded: a few
examples per operation, no deadline (the database is real)."""

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    response_schema_conformance,
    status_code_conformance,
)

from tests.api.helpers import bearer, seed, token_for  # noqa: E402

EXAMPLES = 20


def test_no_server_errors_and_no_schema_violations(app, world):
    seed(world)
    headers = bearer(token_for(world.admin))
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app)
    checks = [not_a_server_error, response_schema_conformance, status_code_conformance]
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 6

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def check(case):
            case.call_and_validate(headers=headers, checks=checks)

        check()

"""A deeply nested JSON body to the API answers 422 with a JSON message, never 500 or a
RecursionError (the decoder and every walk over the body are recursive)."""

import pytest

from tests.api.helpers import bearer, token_for


def _nested(depth, open_="[", close="]"):
    return open_ * depth + close * depth


@pytest.mark.parametrize(
    "body",
    [
        _nested(10_000),
        '{"a":' * 10_000 + "1" + "}" * 10_000,
        '{"title": "x", "sessions": ' + _nested(5_000) + "}",
        '{"title": ' + '{"a":' * 3_000 + "1" + "}" * 3_000 + "}",
        '{"title": "x", "sessions": [' + '{"a":' * 900 + "1" + "}" * 900 + "]}",
    ],
)
def test_deep_json_is_refused(client, world, body):
    raw = token_for(world.admin, ["curricula:write"])
    response = client.post(
        "/api/curricula/import",
        data=body,
        headers={**bearer(raw), "Content-Type": "application/json"},
    )
    assert response.status_code in (400, 422), response.status_code
    assert response.is_json and response.get_json()["error"]

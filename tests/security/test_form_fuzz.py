"""Hypothesis over every HTML form's endpoint (issue 7): no answer is a server error, and
every rejection is a clear 4xx message.

Each endpoint that takes a POST (and each form of a route that serves several) is posted
as a persona the access matrix lets through, starting from the form its page draws (every
input, select, textarea and named button, as a browser would send it, with what a user
would type into an empty form) plus the matrix rule's data. Hypothesis then makes one to
three fields hostile, or all of them, or none: any text (controls, NUL, combining marks,
10,000 characters, whitespace only), numbers out of range, negative, float and non-ASCII
digits, dates and times in the wrong format or at the ends of the calendar, ids of the
other school, the other agency and of nothing, empty values, missing fields, a field sent
twice, unknown fields, and files of any bytes under any name (a good upload's next step,
the preview or commit, is posted too). Half of the posts are htmx requests
(HX-Request: true). Explicit examples put each field alone at the worst values of its kind.

Every answer: below 500. A 4xx other than access (403/404), method (405), conflict (409) and
size (413) shows its reason in Chinese in a role=alert/.error element (JSON: a Chinese
message); a 400 (the generic "invalid request" page) is not a form's answer; marshmallow's
English messages never show. A rejected post leaves every table as it was (the audit log
aside). Runs are derandomized (the same examples every time) and store no example database.
"""

import pytest

from tests.security import fuzz_helpers as fh
from tests.security import helpers as h
from tests.security.fuzz_run import FORM_ENDPOINTS, OTHER_CASES, fuzz_endpoint

# sessions of the 2026 autumn term are still to come (tests/conftest.py)
pytestmark = pytest.mark.usefixtures("before_term")


def test_every_post_route_is_fuzzed(app):
    """A new route that takes a POST fails here until it is fuzzed (or skipped, with why)."""
    posting = {r.endpoint for r in app.url_map.iter_rules() if "POST" in r.methods}
    assert sorted(posting - set(FORM_ENDPOINTS) - set(fh.SKIPPED)) == []
    assert sorted(set(FORM_ENDPOINTS) - posting) == []


def test_every_form_on_the_pages_is_fuzzed(app, world):
    """Every POST form on every page posts to a fuzzed endpoint, and every fuzzed endpoint
    has its form on some page (or after the step before it)."""
    found = fh.crawl(app, h.build_matrix_world(world))
    assert None not in found, [f.action for *_, f in found.get(None, [])]
    assert sorted(set(found) - set(FORM_ENDPOINTS)) == []
    assert sorted(e for e in FORM_ENDPOINTS if e not in found and e not in fh.PRELUDES) == []


@pytest.mark.parametrize("case", OTHER_CASES)
def test_form_endpoint_survives_fuzzing(app, world, case, tmp_path, monkeypatch):
    """Every endpoint but the records about children (test_form_fuzz_records.py)."""
    problems = fuzz_endpoint(app, world, case, tmp_path, monkeypatch)
    assert problems == [], "\n".join(problems)

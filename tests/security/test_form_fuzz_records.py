"""The form fuzz of test_form_fuzz.py (its docstring says what and why) over the forms of the
records about children and their cases: students, consent, screening, cases and their
sessions, evaluation, the service records and privacy requests. In a file of its own so
that it runs beside the other half (`--dist loadfile` keeps a file on one process)."""

import pytest

from tests.security.fuzz_run import RECORD_CASES, fuzz_endpoint

# sessions of the 2026 autumn term are still to come (tests/conftest.py)
pytestmark = pytest.mark.usefixtures("before_term")


@pytest.mark.parametrize("case", RECORD_CASES)
def test_form_endpoint_survives_fuzzing(app, world, case, tmp_path, monkeypatch):
    problems = fuzz_endpoint(app, world, case, tmp_path, monkeypatch)
    assert problems == [], "\n".join(problems)

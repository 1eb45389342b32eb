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

import os

import pytest
from hypothesis import HealthCheck, example, given, settings

from planner.exports import jobs
from tests.security import fuzz_checks as fc
from tests.security import fuzz_helpers as fh
from tests.security import fuzz_values as fv
from tests.security import helpers as h

FORM_ENDPOINTS = [
    "accounts.login",
    "accounts.logout",
    "accounts.set_locale",
    "accounts.user_edit",
    "accounts.user_new",
    "api.token_create",
    "api.token_revoke",
    "calendars.bells",
    "calendars.day_delete",
    "calendars.day_edit",
    "calendars.day_new",
    "calendars.ics_commit",
    "calendars.ics_upload",
    "calendars.national_delete",
    "calendars.national_edit",
    "calendars.national_new",
    "calendars.notice_paste",
    "case_appointments.edit",
    "case_appointments.new",
    "cases.acknowledge",
    "cases.from_consultation",
    "cases.from_follow_up",
    "cases.from_letter",
    "cases.from_screening",
    "cases.intervention_done",
    "cases.new",
    "cases.note_edit",
    "cases.note_new",
    "cases.referral_new",
    "cases.referral_outcome",
    "cases.review",
    "cases.step",
    "cases.update",
    "curricula.edit",
    "curricula.fork",
    "curricula.invite",
    "curricula.new_version",
    "curricula.publish",
    "curricula.session_add",
    "curricula.session_delete",
    "curricula.session_edit",
    "curricula.session_move",
    "curricula.uninvite",
    "evaluation.gas",
    "evaluation.instruments",
    "evaluation.judge",
    "evaluation.other_new",
    "evaluation.score",
    "evaluation.score_grid",
    "exports.program_zip",
    "exports.template_delete",
    "exports.template_upload",
    "feeds.create",
    "feeds.revoke",
    "feeds.rotate",
    "manage.delete",
    "manage.edit",
    "manage.end",
    "privacy.decide",
    "privacy.request_new",
    "privacy.retention_page",
    "programs.bump",
    "programs.cancel",
    "programs.move",
    "programs.new",
    "programs.notified",
    "programs.replan_page",
    "programs.undo",
    "reflections.acknowledge",
    "reflections.edit",
    "reflections.review",
    "reports.term_zip",
    "runs.record",
    "runs.tap",
    "schools.agency",
    "schools.archive",
    "schools.edit",
    "schools.new",
    "schools.school_years",
    "screening.import_cancel",
    "screening.import_commit",
    "screening.import_preview",
    "screening.import_upload",
    "screening.instruments_page",
    "screening.new",
    "screening.result",
    "screening.tier",
    "second_factor.disable",
    "service.consultation_new",
    "service.feedback_respond",
    "service.feedback_send",
    "service.letter_acknowledge",
    "service.letter_new",
    "service.letter_reply",
    "service.supervision_new",
    "service.training_new",
    "second_factor.enrol",
    "second_factor.regenerate",
    "second_factor.reset",
    "students.archive",
    "students.archive_setting",
    "students.consent_add",
    "students.consent_withdraw",
    "students.edit",
    "students.import_cancel",
    "students.import_commit",
    "students.import_preview",
    "students.import_upload",
    "students.member_add",
    "students.member_recruit",
    "students.member_remove",
    "students.new",
    "students.roster_bulk_page",
    "students.roster_save",
]
EXAMPLES = 25  # at most; a form of few fields has fewer ways to go wrong (8 + 6 a field)
# argon2 on every password (login, user forms) and a zip built per accepted post are slow
FEWER = {
    "accounts.login": 15,
    "accounts.user_new": 15,
    "accounts.user_edit": 15,
    "exports.program_zip": 10,
    "reports.term_zip": 10,
}

# sessions of the 2026 autumn term are still to come (tests/conftest.py)
pytestmark = pytest.mark.usefixtures("before_term")


def examples_for(target):
    return min(FEWER.get(target.endpoint, EXAMPLES), 8 + 6 * len(target.fields))


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


@pytest.mark.parametrize("case", FORM_ENDPOINTS + sorted(fh.VARIANTS))
def test_form_endpoint_survives_fuzzing(app, world, case, tmp_path, monkeypatch):
    app.config["STUDENT_IMPORT_DIR"] = str(tmp_path / "imports")
    # a zip's documents are the export tests' and the XSS sweep's; here only the form counts
    monkeypatch.setattr(jobs, "write_zip", lambda out, items, *a, **k: len(items))
    w = h.build_matrix_world(world)
    target = fh.Target(app, w, case)
    assert target.form_found, f"{case}: the page shows no form for it"
    poster = fc.Poster(target)

    @settings(
        max_examples=examples_for(target),
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[
            HealthCheck.function_scoped_fixture,
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.large_base_example,
        ],
    )
    @given(fv.requests(target, fv.foreign_ids(w)))
    def fuzz(request):
        poster.send(request)

    for request in fv.worst_requests(target):
        fuzz = example(request)(fuzz)
    fuzz()
    if os.environ.get("FUZZ_STATS"):  # what the examples got, to see how deep they reach
        with open(os.environ["FUZZ_STATS"], "a") as out:
            out.write(
                f"{case} {target.persona} {target.url} {dict(poster.statuses)} "
                f"{dict(poster.next_steps)}\n"
            )
    assert not poster.problems, "\n".join(poster.problems.values())
    reached = set(poster.statuses) - {403, 404, 405}
    assert reached, f"{case}: no post got past access ({dict(poster.statuses)})"

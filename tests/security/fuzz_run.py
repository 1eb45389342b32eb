"""The form fuzz of test_form_fuzz.py (its docstring says what and why): the endpoints, how
many examples each gets, and the run for one endpoint. The endpoints are fuzzed in two
files, the records about children (test_form_fuzz_records.py) and the rest, so that the
two halves run side by side on the suite's processes (`--dist loadfile`)."""

import os

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

# The blueprints of the records about children and their cases (test_form_fuzz_records.py).
RECORDS = {
    "cases",
    "case_appointments",
    "evaluation",
    "privacy",
    "screening",
    "service",
    "students",
}
CASES = FORM_ENDPOINTS + sorted(fh.VARIANTS)
RECORD_CASES = [c for c in CASES if c.split(".")[0] in RECORDS]
OTHER_CASES = [c for c in CASES if c.split(".")[0] not in RECORDS]


def examples_for(target):
    return min(FEWER.get(target.endpoint, EXAMPLES), 8 + 6 * len(target.fields))


def fuzz_endpoint(app, world, case, tmp_path, monkeypatch) -> list:
    """Post the hostile requests of test_form_fuzz.py's docstring to one form endpoint;
    returns what was wrong (a 500, an unclear rejection, a half-saved post, or no post
    that got past access), empty when nothing was."""
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
    problems = list(poster.problems.values())
    if not set(poster.statuses) - {403, 404, 405}:
        problems.append(f"{case}: no post got past access ({dict(poster.statuses)})")
    return problems

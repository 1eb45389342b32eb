"""Screening routes: the round program's workers enter results, override tiers and import;
the supervisor of those workers reads; admins and teachers never see screening results
(403); another school's worker gets 404; a supervisor of other workers 403."""

from tests.access import ADMIN, only
from tests.screening import factories as sf


def setup(world):
    """A round of the world's worker with one result and one consenting student to enter."""
    world.screen_round = sf.screening_round(world)
    world.screen_student = sf.student(world, name="筛查学生")
    world.screen_done = sf.student(world, name="已筛学生")
    world.screen_result = sf.result(world.screen_round, world.screen_done, 1)


READ = only({"worker", "supervisor"}, worker_other=404, supervisor_other=403)
WRITE = only({"worker"}, worker_other=404)
WRITE_POST = only({"worker"}, ok=303, worker_other=404)

RULES = {
    "screening.instruments_page": ("GET", lambda w: "/admin/screening-instruments", None, ADMIN),
    "screening.index": (
        "GET",
        lambda w: f"/schools/{w.school.id}/screening",
        None,
        only({"worker", "supervisor"}, worker_other=404),
    ),
    "screening.new": (
        "POST",
        lambda w: f"/schools/{w.school.id}/screening",
        {"title": "", "program_id": "", "instrument_id": ""},
        only({"worker"}, ok=422, worker_other=404),
    ),
    "screening.round_page": (
        "GET",
        lambda w: f"/screening/{w.screen_round.id}",
        None,
        READ,
    ),
    "screening.result": (
        "POST",
        lambda w: f"/screening/{w.screen_round.id}/results",
        lambda w: sf.form(w.screen_round.instrument, w.screen_student.id),
        WRITE_POST,
    ),
    "screening.tier": (
        "POST",
        lambda w: f"/screening/{w.screen_round.id}/results/{w.screen_result.id}/tier",
        {"tier": "", "reason": "", "version": "1"},
        WRITE_POST,
    ),
    "screening.import_upload": (
        "GET",
        lambda w: f"/screening/{w.screen_round.id}/import",
        None,
        WRITE,
    ),
    "screening.import_preview": (
        "POST",
        lambda w: f"/screening/{w.screen_round.id}/import/preview",
        {"upload": "x" * 22},
        only({"worker"}, ok=422, worker_other=404),
    ),
    "screening.import_commit": (
        "POST",
        lambda w: f"/screening/{w.screen_round.id}/import/commit",
        {"upload": "x" * 22},
        only({"worker"}, ok=422, worker_other=404),
    ),
    "screening.import_cancel": (
        "POST",
        lambda w: f"/screening/{w.screen_round.id}/import/cancel",
        {"upload": "x" * 22},
        WRITE_POST,
    ),
}

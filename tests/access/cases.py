"""Casework routes: the case worker and co-worker write; the supervisor of either reads,
signs case notes off and acknowledges concerns; admins and teachers never reach a case
(403); another school's worker gets 404; a supervisor of other workers 403 on the case
and 404 on its notes."""

from tests.access import only
from tests.cases import factories as cf
from tests.reflections import factories as rf
from tests.screening import factories as sf
from tests.service import factories as vf


def setup(world):
    """A case of the world's worker in 介入 with a submitted note flagged for safeguarding
    and a referral; a 高危 screening result and a follow-up flag to open cases from."""
    world.case = cf.case(world, step="intervention", risk="high")
    cf.records(world.case, "intake", "assessment", "plan")
    world.case_note = cf.note(world.case, status="submitted", safeguarding=True)
    world.case_referral = cf.referral(world.case)
    world.case_round = sf.screening_round(world, title="开案筛查")
    world.case_result = sf.result(world.case_round, sf.student(world, name="高危学生"), 3)
    program = rf.program(world, title="开案小组")
    member = rf.student(world, name="跟进学生")
    rf.members(program, member)
    refl = rf.reflection(rf.sessions_of(program)[0], world.worker, status="submitted")
    world.case_follow_up = rf.follow_up(refl, member)
    world.case_letter = vf.letter(world, student=vf.student(world, name="来信开案学生"))
    world.case_consultation = vf.consultation(
        world, kind="student", student=vf.student(world, name="咨询开案学生")
    )


# the case page and lists: the team reads
READ = only({"worker", "supervisor"}, worker_other=404, supervisor_other=403)
# a form posted empty: the worker gets its 422, nobody else reaches it
WRITE_EMPTY = only({"worker"}, ok=422, worker_other=404)
SCHOOL = only({"worker", "supervisor"}, worker_other=404)


def case_url(tail=""):
    return lambda w: f"/cases/{w.case.id}{tail}"


RULES = {
    "cases.index": ("GET", lambda w: f"/schools/{w.school.id}/cases", None, SCHOOL),
    "cases.new": (
        "POST",
        lambda w: f"/schools/{w.school.id}/cases",
        {"student_id": "", "source": "", "risk": ""},
        WRITE_EMPTY,
    ),
    "cases.from_screening": (
        "POST",
        lambda w: f"/screening/results/{w.case_result.id}/case",
        {},
        only({"worker"}, ok=303, worker_other=404),
    ),
    "cases.from_follow_up": (
        "POST",
        lambda w: f"/follow-ups/{w.case_follow_up.id}/case",
        {},
        only({"worker"}, ok=303, worker_other=404),
    ),
    "cases.from_letter": (
        "POST",
        lambda w: f"/letters/{w.case_letter.id}/case",
        {},
        only({"worker"}, ok=303, worker_other=404),
    ),
    "cases.from_consultation": (
        "POST",
        lambda w: f"/consultations/{w.case_consultation.id}/case",
        {},
        only({"worker"}, ok=303, worker_other=404),
    ),
    "cases.show": ("GET", case_url(), None, READ),
    "cases.update": ("POST", case_url(), {"risk": ""}, WRITE_EMPTY),
    "cases.step": ("POST", case_url("/steps/plan"), {}, WRITE_EMPTY),
    "cases.intervention_done": ("POST", case_url("/intervention"), {}, WRITE_EMPTY),
    "cases.note_new": ("POST", case_url("/notes"), {}, WRITE_EMPTY),
    "cases.note_edit": (
        "POST",
        lambda w: f"/cases/{w.case.id}/notes/{w.case_note.id}",
        {},
        WRITE_EMPTY,
    ),
    "cases.referral_new": ("POST", case_url("/referrals"), {}, WRITE_EMPTY),
    "cases.referral_outcome": (
        "POST",
        lambda w: f"/cases/{w.case.id}/referrals/{w.case_referral.id}",
        {},
        WRITE_EMPTY,
    ),
    "cases.crisis": ("GET", lambda w: "/cases/crisis", None, only({"worker", "supervisor"})),
    "cases.queue": ("GET", lambda w: "/supervision/cases", None, only({"supervisor"})),
    "cases.review": (
        "POST",
        lambda w: f"/supervision/case-notes/{w.case_note.id}/review",
        {},
        only({"supervisor"}, ok=422, supervisor_other=404),
    ),
    # the note's worker has a supervisor and it is not escalated: not the admin's (standing
    # in for the lead) to acknowledge
    "cases.acknowledge": (
        "POST",
        lambda w: f"/supervision/case-notes/{w.case_note.id}/acknowledge",
        {},
        only({"supervisor", "admin"}, ok=303, admin=404, supervisor_other=404),
    ),
}

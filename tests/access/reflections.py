"""Reflection and supervision routes. The program's workers write; the supervisor of those
workers reads, comments and signs off; admins and teachers never read reflection content
(PRIVACY_SECURITY.md §2); another school's worker gets 404."""

from tests.access import only
from tests.reflections import factories as rf

# filled in by setup(): the reflection's version is only known once it exists
REVIEW_FORM = {}


def setup(world):
    """A group of the world's worker whose first meeting has a submitted reflection with a
    safeguarding follow-up about a member with observation consent."""
    world.refl_program = rf.program(world)
    world.refl_session = rf.sessions_of(world.refl_program)[0]
    member = rf.student(world)
    rf.members(world.refl_program, member)
    world.refl = rf.reflection(world.refl_session, world.worker, status="submitted")
    world.refl_follow_up = rf.follow_up(world.refl, member, safeguarding=True)
    REVIEW_FORM.clear()
    REVIEW_FORM.update(action="sign_off", comment="记录清楚。", version=str(world.refl.version))


WRITER = only({"worker"}, worker_other=404)
# A supervisor of another worker of the same school reads none of this group's records.
READERS = only({"worker", "supervisor"}, worker_other=404, supervisor_other=403)
SUPERVISOR_POST = only({"supervisor"}, ok=303, supervisor_other=404)

RULES = {
    "reflections.edit": (
        "GET",
        lambda w: f"/sessions/{w.refl_session.id}/reflection",
        None,
        READERS,
    ),
    "reflections.prompts": (
        "GET",
        lambda w: f"/sessions/{w.refl_session.id}/reflection/prompts?observed_stage=转折期",
        None,
        WRITER,
    ),
    "reflections.mine": ("GET", lambda w: "/reflections", None, only({"worker"})),
    "reflections.stages": ("GET", lambda w: f"/programs/{w.refl_program.id}/stages", None, READERS),
    # the world's agency has no safeguarding lead: its admin stands in (standard 4.1)
    "reflections.supervision": (
        "GET",
        lambda w: "/supervision",
        None,
        only({"supervisor", "admin"}),
    ),
    # the flag is of a supervised worker and not escalated: not the admin's to acknowledge
    "reflections.acknowledge": (
        "POST",
        lambda w: f"/supervision/follow-ups/{w.refl_follow_up.id}/acknowledge",
        {},
        only({"supervisor"}, ok=303, admin=404, supervisor_other=404),
    ),
    "reflections.review": (
        "POST",
        lambda w: f"/supervision/reflections/{w.refl.id}/review",
        REVIEW_FORM,
        SUPERVISOR_POST,
    ),
    "reflections.missing": (
        "GET",
        lambda w: "/records/missing",
        None,
        only({"worker", "supervisor"}),
    ),
}

"""Service-record routes: letters and consultations are the school's workers' (write) and
their supervisors' (read), never an admin's or a teacher's (403); another school's worker
gets 404. Supervision sessions: supervisors record, workers read those they attended.
Training: every staff role reads, workers and admins record. Feedback: the school's
workers and the admins; the public form needs no login."""

from tests.access import only
from tests.service import factories as vf

READ = only({"worker", "supervisor"}, worker_other=404)
WRITE_422 = only({"worker"}, ok=422, worker_other=404)
FEEDBACK = only({"worker", "admin"}, worker_other=404)


def setup(world):
    """An urgent letter and a consultation of the world's worker, a supervision session,
    a training record, a complaint and the school's public feedback link."""
    world.letter = vf.letter(world, urgent=True, student=vf.student(world))
    world.consultation = vf.consultation(world, kind="student", student=world.letter.student)
    world.supervision = vf.supervision(world.supervisor, [world.worker], mode="individual")
    world.training = vf.training(world.worker)
    world.feedback = vf.feedback(world)
    world.feedback_token = vf.token(world.school)


RULES = {
    "service.index": ("GET", lambda w: "/service", None, only({"admin", "supervisor", "worker"})),
    "service.letters": ("GET", lambda w: f"/schools/{w.school.id}/letters", None, READ),
    "service.letter_new": (
        "POST",
        lambda w: f"/schools/{w.school.id}/letters",
        {"received_on": ""},
        WRITE_422,
    ),
    "service.letter": ("GET", lambda w: f"/letters/{w.letter.id}", None, READ),
    "service.letter_reply": (
        "POST",
        lambda w: f"/letters/{w.letter.id}",
        {"reply_due": "", "version": "1"},
        WRITE_422,
    ),
    # the world's worker has a supervisor: the supervisor acknowledges, the admin (no
    # lead chosen, so standing in for one) only escalated or unsupervised letters
    "service.letter_acknowledge": (
        "POST",
        lambda w: f"/letters/{w.letter.id}/acknowledge",
        None,
        only({"supervisor", "admin"}, ok=303, admin=404, supervisor_other=404),
    ),
    "service.consultations": (
        "GET",
        lambda w: f"/schools/{w.school.id}/consultations",
        None,
        READ,
    ),
    "service.consultation_new": (
        "POST",
        lambda w: f"/schools/{w.school.id}/consultations",
        {"held_on": ""},
        WRITE_422,
    ),
    "service.supervision": (
        "GET",
        lambda w: "/supervision-sessions",
        None,
        only({"worker", "supervisor"}),
    ),
    "service.supervision_new": (
        "POST",
        lambda w: "/supervision-sessions",
        {"held_on": ""},
        only({"supervisor"}, ok=422),
    ),
    "service.training": (
        "GET",
        lambda w: "/training",
        None,
        only({"admin", "supervisor", "worker"}),
    ),
    "service.training_new": (
        "POST",
        lambda w: "/training",
        {"course": ""},
        only({"admin", "worker"}, ok=422),
    ),
    "service.feedback": ("GET", lambda w: f"/schools/{w.school.id}/feedback", None, FEEDBACK),
    "service.feedback_respond": (
        "POST",
        lambda w: f"/feedback/{w.feedback.id}/response",
        {"response": "", "version": "1"},
        only({"worker", "admin"}, ok=422, worker_other=404),
    ),
    "service.feedback_form": (
        "GET",
        lambda w: f"/f/{w.feedback_token}",
        None,
        only({"admin", "supervisor", "worker", "teacher"}, anonymous=200),
    ),
    "service.feedback_send": (
        "POST",
        lambda w: f"/f/{w.feedback_token}",
        {"kind": ""},
        only({"admin", "supervisor", "worker", "teacher"}, ok=422, anonymous=422),
    ),
}

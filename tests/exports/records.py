"""Programs with records to export (used by the download, zip and CLI tests), and reading
what a download answered: its file name and its .docx."""

import io
import types
import urllib.parse
import zipfile

from docx import Document

from planner.curricula.models import Activity
from planner.db import now
from planner.sessions.models import Session
from tests.evaluation import factories as ef
from tests.reflections import factories as rf

CANARY = "金丝雀同学"  # a name that must never leave the worker's own documents
MARKER_ACTIVITY = "彩虹桥接力"
COMMENT = "督导意见：对冲突的处理很及时"


def download_name(response) -> str:
    """The file name of an attachment (the UTF-8 filename* form when there is one)."""
    header = response.headers["Content-Disposition"]
    for part in header.split(";"):
        key, _, value = part.strip().partition("=")
        if key == "filename*":
            return urllib.parse.unquote(value.split("''", 1)[1])
    return header.split("filename=", 1)[1].strip('"')


def opens(data: bytes) -> Document:
    """python-docx opens it, or the test fails here."""
    return Document(io.BytesIO(data))


def zip_names(data: bytes) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.namelist()


def zip_entry(data: bytes, name: str) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read(name)


def recorded_group(world, **kw):
    """A six-meeting group of the world's worker: the canary (a student of the teacher's
    class) and a second member; meeting 1 has attendance and a signed-off reflection with a
    follow-up on the canary; meeting 2 a reflection only; meeting 3 attendance only; meeting 6
    is cancelled. Scores of the goal self-rating, pre 2 and post 4 for both members."""
    prog = rf.program(world, **kw)
    canary = rf.student(world, name=CANARY)
    other = rf.student(world, name="第二组员")
    rf.members(prog, canary, other)
    s = rf.sessions_of(prog)
    first = (
        Activity.select()
        .where(Activity.session == s[0].template_id)
        .order_by(Activity.order)
        .first()
    )
    Activity.update(title=MARKER_ACTIVITY).where(Activity.id == first.id).execute()
    rf.attendance(s[0], canary, "present")
    rf.attendance(s[0], other, "absent")
    refl = rf.reflection(
        s[0],
        world.worker,
        status="signed_off",
        supervisor_comment=COMMENT,
        signed_off_by=world.supervisor,
        signed_off_at=now(),
    )
    rf.follow_up(refl, canary, note="课后单独谈一次")
    rf.reflection(s[1], world.worker)
    rf.attendance(s[2], canary, "late")
    Session.update(status="cancelled").where(Session.id == s[5].id).execute()
    inst = ef.instruments()["group-goal-self-rating"]
    for member in (canary, other):
        ef.score(prog, member, inst, "pre", 2)
        ef.score(prog, member, inst, "post", 4)
    return types.SimpleNamespace(
        program=prog, sessions=s, canary=canary, other=other, reflection=refl, instrument=inst
    )

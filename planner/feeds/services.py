"""Feed tokens (who may subscribe to what; the lifecycle is planner.tokens) and feed
content. No request here."""

import datetime as dt
import hashlib

from planner import tokens
from planner.access import classes_query, in_schools, schools_query, workers_query
from planner.accounts.models import TeacherClass, User, WorkerSchool
from planner.calendars.models import NO_TEACHING, CalendarDay
from planner.calendars.services import dates
from planner.cases.appointments import feed_rows
from planner.curricula.models import SessionTemplate
from planner.db import write_tx
from planner.errors import PlannerError
from planner.feeds.ical import build_calendar, calendar_uid
from planner.feeds.models import AUDIENCES, FeedToken
from planner.i18n import lazy_gettext as _l
from planner.roles import ADMIN, EDITORS, STAFF, TEACHER, WORKER
from planner.runs.held import mark_held
from planner.schools.models import Room, School, SchoolClass
from planner.sessions.models import Program, ProgramClass, ProgramWorker, Session

PAST_DAYS = 366  # a feed carries the last year and everything ahead
DAYS_AHEAD = 366  # holidays shown this far ahead
DAY_KINDS = ("holiday", "makeup")
# Who may subscribe to which audience (and to which targets: see targets()).
ROLES_FOR = {
    "worker": STAFF,
    "class": (ADMIN, WORKER, TEACHER),
    "school": EDITORS,
}


def feed_url(base_url: str, raw: str, with_days: bool = False) -> str:
    return f"{base_url.rstrip('/')}/feeds/{raw}.ics" + ("?days=1" if with_days else "")


def webcal_url(url: str) -> str:
    """webcal:// makes iOS and macOS offer a subscription instead of a one-off import."""
    return "webcal://" + url.split("://", 1)[1]


def _target_query(user, audience):
    """The targets of one audience this user may subscribe to (archived ones included)."""
    if user.role not in ROLES_FOR[audience]:
        return None
    if audience == "worker":
        return workers_query(user).where(User.active == True)  # noqa: E712
    if audience == "class":
        return classes_query(user)
    return schools_query(user)


def targets(user) -> dict:
    """{audience: {target id: name}} that this user may create a feed for (not archived)."""
    out = {}
    for audience in AUDIENCES:
        query = _target_query(user, audience)
        if query is None:
            out[audience] = {}
        elif audience == "worker":
            out[audience] = {u.id: u.display_name for u in query.order_by(User.display_name)}
        elif audience == "class":
            rows = query.where(~SchoolClass.archived).order_by(
                School.name, SchoolClass.grade, SchoolClass.name
            )
            out[audience] = {c.id: f"{c.school.name} {c.name}" for c in rows}
        else:
            out[audience] = {
                s.id: s.name for s in query.where(~School.archived).order_by(School.name)
            }
    return out


def can_subscribe(user, audience, target_id) -> bool:
    """Is this user still allowed this feed? Checked on every fetch, so a worker moved to
    another school, or a deactivated user, stops getting the old feed at once."""
    if not user.active or audience not in AUDIENCES:
        return False
    query = _target_query(user, audience)
    return query is not None and query.where(query.model.id == target_id).exists()


def create_token(user, audience, target_id, label="") -> tuple:
    """(FeedToken, raw token) for a calendar the user may subscribe to."""
    options = targets(user).get(audience, {})
    if target_id not in options:
        raise PlannerError(_l("请从列表中选择可以订阅的日历。"))
    return tokens.create(
        FeedToken, user, audience=audience, target_id=target_id, label=label or options[target_id]
    )


def rotate_token(user, token_id) -> tuple:
    """A new link for the same calendar, the old one stopped: (FeedToken, raw)."""

    def still_allowed(old):
        if not can_subscribe(user, old.audience, old.target_id):
            raise PlannerError(_l("你已不能订阅这个日历，请直接停用该链接。"))

    return tokens.rotate(FeedToken, user, token_id, check=still_allowed)


def revoke_token(user, token_id) -> bool:
    return tokens.revoke(FeedToken, user, token_id)


def active_tokens(user) -> list:
    return tokens.active(FeedToken, user)


def target_names(tokens) -> dict:
    """{(audience, id): name} for a list of tokens, three queries at most."""
    wanted = {}
    for token in tokens:
        wanted.setdefault(token.audience, set()).add(token.target_id)
    names = {}
    if wanted.get("worker"):
        for u in User.select().where(User.id.in_(list(wanted["worker"]))):
            names[("worker", u.id)] = u.display_name
    if wanted.get("class"):
        for c in (
            SchoolClass.select(SchoolClass, School)
            .join(School)
            .where(SchoolClass.id.in_(list(wanted["class"])))
        ):
            names[("class", c.id)] = f"{c.school.name} {c.name}"
    if wanted.get("school"):
        for s in School.select().where(School.id.in_(list(wanted["school"]))):
            names[("school", s.id)] = s.name
    return names


def resolve(raw: str):
    """The active token for a raw token whose owner may still see its calendar, or None."""
    token = tokens.find(FeedToken, raw)
    if token is None or not can_subscribe(token.user, token.audience, token.target_id):
        return None
    return token


def _sessions(where):
    """Sessions with what the feed shows (program, lesson, room) in one query."""
    return list(
        Session.select(Session, Program, SessionTemplate, Room)
        .join(Program)
        .switch(Session)
        .join(SessionTemplate)
        .switch(Session)
        .join(Room, on=(Session.room == Room.id))
        .where(where)
        .order_by(Session.date, Session.start, Session.id)
    )


def feed_sessions(audience, target_id, since: dt.date) -> list:
    if audience == "worker":
        programs = ProgramWorker.select(ProgramWorker.program).where(
            ProgramWorker.worker == target_id
        )
        where = Session.program.in_(programs)
    elif audience == "class":
        programs = ProgramClass.select(ProgramClass.program).where(
            ProgramClass.school_class == target_id
        )
        where = Session.program.in_(programs)
    else:
        where = Program.school == target_id
    return _sessions(where & (Session.date >= since))


def feed_school_ids(audience, target_id) -> list:
    if audience == "worker":
        return [
            link.school_id for link in WorkerSchool.select().where(WorkerSchool.worker == target_id)
        ]
    if audience == "class":
        return [c.school_id for c in SchoolClass.select().where(SchoolClass.id == target_id)]
    return [target_id]


def feed_days(school_ids, start: dt.date, end: dt.date) -> list:
    """Holidays and 调休 make-up days for these schools. As in the school calendar, a
    school's own entry for a date outranks the national one (for every school here)."""
    rows = list(
        CalendarDay.select()
        .where(
            (CalendarDay.school.is_null() | CalendarDay.school.in_(school_ids or [0]))
            & CalendarDay.overlapping(start, end)
        )
        .order_by(CalendarDay.date, CalendarDay.school.desc(nulls="LAST"), CalendarDay.id)
    )
    overriding = {}
    for row in rows:
        if row.school_id is not None and (row.kind in NO_TEACHING or row.kind == "makeup"):
            for day in dates(max(row.date, start), min(row.end_date, end)):
                overriding.setdefault(day, set()).add(row.school_id)
    out, seen = [], set()
    for row in rows:
        if row.kind not in DAY_KINDS:
            continue
        if (
            row.school_id is None
            and school_ids
            and overriding.get(row.date, set()) >= set(school_ids)
        ):
            continue
        key = (row.date, row.kind, row.name)
        if key not in seen:
            seen.add(key)
            out.append(row)
    return out


def feed_name(audience, target_id) -> str:
    """The calendar's name on the phone: the worker, class or school (never a student)."""
    name = target_names([FeedToken(audience=audience, target_id=target_id)]).get(
        (audience, target_id), ""
    )
    suffix = {"worker": "社工日程", "class": "社工课", "school": "社工日程"}[audience]
    return f"{name} {suffix}".strip()


def feed_body(token, base_url: str, with_days: bool, today: dt.date) -> bytes:
    since = today - dt.timedelta(days=PAST_DAYS)
    sessions = mark_held(feed_sessions(token.audience, token.target_id, since), today)
    days = []
    if with_days:
        days = feed_days(
            feed_school_ids(token.audience, token.target_id),
            since,
            today + dt.timedelta(days=DAYS_AHEAD),
        )
    # a worker's own calendar carries her case sessions as 个案会谈 (time and room only);
    # a class's or a school's never does
    appointments = feed_rows(token.target_id, since) if token.audience == "worker" else []
    return build_calendar(
        sessions,
        days,
        base_url,
        calendar_uid(f"{token.audience}-{token.target_id}"),
        feed_name(token.audience, token.target_id),
        appointments,
    )


def record_fetch(token, body: bytes, at: dt.datetime) -> tuple:
    """(etag, last_modified) for this body; remembers the body's hash and the use."""
    digest = hashlib.sha256(body).hexdigest()
    updates = {}
    changed_at = token.content_changed_at
    if token.content_hash != digest or changed_at is None:
        # HTTP dates have whole seconds: a change in the same second as the last one must
        # still move Last-Modified forward, or If-Modified-Since would answer 304.
        changed_at = at.replace(microsecond=0)
        if token.content_changed_at is not None and changed_at <= token.content_changed_at:
            changed_at = token.content_changed_at + dt.timedelta(seconds=1)
        updates.update(content_hash=digest, content_changed_at=changed_at)
    if tokens.use_is_stale(token, at):
        updates["last_used_at"] = at
    if updates:
        with write_tx():
            FeedToken.update(**updates).where(FeedToken.id == token.id).execute()
    return digest[:32], changed_at


def visible_program(user, program_id):
    """A program the user may download: staff of its school, or a teacher of one of its classes."""
    if user.is_teacher:
        mine = TeacherClass.select(TeacherClass.school_class).where(TeacherClass.teacher == user.id)
        linked = ProgramClass.select(ProgramClass.program).where(
            ProgramClass.school_class.in_(mine)
        )
        return Program.get_or_none((Program.id == program_id) & Program.id.in_(linked))
    return in_schools(Program, user).where(Program.id == program_id).first()


def program_body(program, base_url: str) -> bytes:
    sessions = mark_held(_sessions(Session.program == program.id))
    return build_calendar(
        sessions, [], base_url, calendar_uid(f"program-{program.id}"), program.full_title
    )

"""Editing curricula: fork, new version, save plan, save/add/move/delete sessions, publish.

A published curriculum is never changed: editing it makes a new draft version, so
programs already scheduled keep the version they were planned with.
"""

import secrets

from marshmallow import ValidationError
from peewee import IntegrityError, fn

from planner.accounts.models import User
from planner.curricula import rules
from planner.curricula.models import Activity, Curriculum, DraftEditor, SessionTemplate, grade_tags
from planner.curricula.schemas import CurriculumSchema, flatten
from planner.curricula.services import create_from_data, to_data, with_sessions
from planner.db import ConflictError, now, write_tx
from planner.errors import CONFLICT, FORBIDDEN, INVALID, NOT_FOUND, PlannerError
from planner.i18n import lazy_gettext as _l
from planner.students.names import check_no_names


def can_edit(user, curriculum) -> bool:
    """Drafts of the user's agency; the shared library (every agency reads it) only a
    maintainer (User.maintainer), so one agency's admin can't change another's. A draft is
    its author's until published: a colleague edits it only when invited (DraftEditor)."""
    if curriculum.agency_id is None:
        allowed = user.is_maintainer
    else:
        allowed = curriculum.agency_id == user.agency_id and user.is_editor
    if not allowed or curriculum.status != "draft":
        return allowed
    return is_draft_editor(user, curriculum)


def is_draft_editor(user, curriculum) -> bool:
    """The draft's author or a colleague invited to it; a draft without an author is the
    agency's (services._own_drafts)."""
    if curriculum.created_by_id in (None, user.id):
        return True
    return (
        DraftEditor.select()
        .where((DraftEditor.curriculum == curriculum.id) & (DraftEditor.user == user.id))
        .exists()
    )


def full(curriculum_id):
    """The curriculum with sessions and activities loaded."""
    return with_sessions(Curriculum.select().where(Curriculum.id == curriculum_id))[0]


def fork(curriculum, user, school_code=None):
    """Copy a curriculum into the user's agency as a new draft to adapt (version 1)."""
    data = to_data(full(curriculum.id))
    suffix = (school_code or secrets.token_hex(2)).lower()
    base = f"{data['slug']}-{suffix}"[:70]
    slug, n = base, 1
    while Curriculum.select().where(Curriculum.slug == slug).exists():
        n += 1
        slug = f"{base}-{n}"
    data.update(slug=slug, version=1, status="draft", title=f"{data['title']}（改编）"[:60])
    with write_tx():
        return create_from_data(
            data, agency_id=user.agency_id, user_id=user.id, forked_from=curriculum.id
        )


def new_version(curriculum, user):
    """A draft copy of a published curriculum with the next version number."""
    if not can_edit(user, curriculum):
        raise PlannerError(_l("这份课程方案已发布或不属于本机构，不能修改。"), kind=FORBIDDEN)
    draft = Curriculum.get_or_none(
        (Curriculum.slug == curriculum.slug) & (Curriculum.status == "draft")
    )
    if draft:  # one open draft per slug
        if not can_edit(user, draft):
            author = draft.created_by.display_name if draft.created_by_id else ""
            raise PlannerError(
                _l(
                    "同事%(name)s正在编辑这份课程的新版本（草稿）。请对方邀请您共同编辑，或等对方发布。"
                )
                % {"name": author},
                kind=CONFLICT,
            )
        return draft
    data = to_data(full(curriculum.id))
    top = (
        Curriculum.select(fn.MAX(Curriculum.version))
        .where(Curriculum.slug == curriculum.slug)
        .scalar()
    )
    data.update(version=top + 1, status="draft")
    with write_tx():
        return create_from_data(
            data,
            agency_id=curriculum.agency_id,
            user_id=user.id,
            forked_from=curriculum.forked_from_id,
        )


def _editable(curriculum, user):
    if curriculum.status != "draft" or not can_edit(user, curriculum):
        raise PlannerError(_l("这份课程方案已发布或不属于本机构，不能修改。"), kind=FORBIDDEN)


# plan fields written in content/ files and kept through the editor's plan form (issue 15)
CONTENT_ONLY_PLAN = ("local_facts", "grade_notes")


def save_plan(curriculum, user, values: dict):
    """Save the plan and the curriculum's own fields; ConflictError on a stale version."""
    _editable(curriculum, user)
    expected = values.pop("edit_version")
    if "plan" in values:  # fields the form does not show are kept as they are
        kept = {k: curriculum.plan[k] for k in CONTENT_ONLY_PLAN if k in (curriculum.plan or {})}
        values["plan"] = {**kept, **values["plan"]}
    with write_tx():
        updated = (
            Curriculum.update(
                **values,
                grade_tags=grade_tags(values["grades"]),
                updated_at=now(),
                edit_version=Curriculum.edit_version + 1,
            )
            .where((Curriculum.id == curriculum.id) & (Curriculum.edit_version == expected))
            .execute()
        )
        if updated != 1:
            raise ConflictError("curriculum")


def save_session(session, curriculum, user, values: dict, activities: list[dict]):
    """Replace a session's fields and activities atomically; ConflictError on a stale edit."""
    _editable(curriculum, user)
    if curriculum.agency_id is not None:  # the titles reach teachers' feeds and exports
        check_no_names(
            {"title": values.get("title")},
            {"title": _l("本节标题")},
            agency_id=curriculum.agency_id,
        )
    expected = values.pop("edit_version")
    with write_tx():
        updated = (
            SessionTemplate.update(**values, edit_version=SessionTemplate.edit_version + 1)
            .where((SessionTemplate.id == session.id) & (SessionTemplate.edit_version == expected))
            .execute()
        )
        if updated != 1:
            raise ConflictError("session")
        Activity.delete().where(Activity.session == session.id).execute()
        if activities:
            Activity.insert_many(
                [dict(a, session=session.id, order=i + 1) for i, a in enumerate(activities)]
            ).execute()
        _touch(curriculum)


def _touch(curriculum):
    Curriculum.update(updated_at=now()).where(Curriculum.id == curriculum.id).execute()


def add_session(curriculum, user):
    """Append a new lesson/meeting with a starter 导入 and 总结 activity."""
    _editable(curriculum, user)
    with write_tx():
        last = (
            SessionTemplate.select(fn.MAX(SessionTemplate.seq))
            .where(SessionTemplate.curriculum == curriculum.id)
            .scalar()
            or 0
        )
        stage = None
        if curriculum.kind == "group":
            stage = (
                SessionTemplate.select(SessionTemplate.stage)
                .where(
                    (SessionTemplate.curriculum == curriculum.id) & (SessionTemplate.seq == last)
                )
                .scalar()
                or rules.meeting_stages()[0]
            )
        session = SessionTemplate.create(
            curriculum=curriculum.id,
            seq=last + 1,
            title=str(_l("新的一节")),
            stage=stage,
            objectives={"knowledge": "", "skill": "", "attitude": ""},
            key_messages=[],
            materials=[],
            sensitivity=[],
        )
        for order, phase in ((1, "导入"), (2, "总结")):
            Activity.create(
                session=session,
                order=order,
                phase=phase,
                title=phase,
                minutes=5,
                steps=[],
                materials=[],
                debrief=[],
            )
        _touch(curriculum)
    return session


def _renumber(curriculum_id, ordered_ids):
    # two passes so the unique (curriculum, seq) index never sees a duplicate
    for i, sid in enumerate(ordered_ids):
        SessionTemplate.update(seq=-(i + 1)).where(SessionTemplate.id == sid).execute()
    for i, sid in enumerate(ordered_ids):
        SessionTemplate.update(seq=i + 1).where(SessionTemplate.id == sid).execute()


def move_session(session, curriculum, user, direction: int):
    """Swap a session with its neighbour (direction −1 up, +1 down)."""
    _editable(curriculum, user)
    with write_tx():
        ids = [
            s.id
            for s in SessionTemplate.select(SessionTemplate.id)
            .where(SessionTemplate.curriculum == curriculum.id)
            .order_by(SessionTemplate.seq)
        ]
        i = ids.index(session.id)
        j = i + direction
        if 0 <= j < len(ids):
            ids[i], ids[j] = ids[j], ids[i]
            _renumber(curriculum.id, ids)
            _touch(curriculum)


def delete_session(session, curriculum, user):
    """Remove a session and close the gap in the numbering."""
    _editable(curriculum, user)
    with write_tx():
        session.delete_instance(recursive=True)
        ids = [
            s.id
            for s in SessionTemplate.select(SessionTemplate.id)
            .where(SessionTemplate.curriculum == curriculum.id)
            .order_by(SessionTemplate.seq)
        ]
        _renumber(curriculum.id, ids)
        _touch(curriculum)


def problems(curriculum) -> list[tuple[tuple, str]]:
    """Everything that stops publishing: the same schema and rules as content check."""
    try:
        CurriculumSchema().load(dict(to_data(curriculum), status="published"))
    except ValidationError as err:
        return flatten(err.messages)
    return []


def publish(curriculum, user):
    """Publish a complete draft; returns the list of problems (empty when published)."""
    _editable(curriculum, user)
    found = problems(full(curriculum.id))
    if found:
        return found
    Curriculum.update(
        status="published", updated_at=now(), edit_version=Curriculum.edit_version + 1
    ).where(Curriculum.id == curriculum.id).execute()
    return []


EMPTY_SESSION = _l("每节至少需要一个活动环节。")
BAD_STAGE = _l("请选择小组阶段。")


def overrun_message(total, period):
    return _l(
        "活动合计 %(total)s 分钟，超过单节时长 %(period)s 分钟，请缩短。",
        total=total,
        period=period,
    )


def session_values(values: dict, curriculum) -> dict:
    """Form values → SessionTemplate columns."""
    objectives = {k: values.pop(k) for k in ("knowledge", "skill", "attitude")}
    if curriculum.kind != "group":
        values["stage"] = None
    return dict(values, objectives=objectives)


# ---- colleagues invited to a draft ---------------------------------------------------------


def draft_editors(curriculum) -> list:
    """The colleagues invited to this draft, by name."""
    return list(
        User.select()
        .join(DraftEditor, on=(DraftEditor.user == User.id))
        .where(DraftEditor.curriculum == curriculum.id)
        .order_by(User.display_name, User.id)
    )


def colleagues(user, curriculum) -> list:
    """Who the author may invite: the agency's other active editors not invited yet."""
    invited = DraftEditor.select(DraftEditor.user).where(DraftEditor.curriculum == curriculum.id)
    return [
        u
        for u in User.select()
        .where(
            (User.agency == user.agency_id)
            & User.active
            & (User.id != user.id)
            & User.id.not_in(invited)
        )
        .order_by(User.display_name, User.id)
        if u.is_editor
    ]


def _author_only(curriculum, user):
    if curriculum.status != "draft" or not can_edit(user, curriculum):
        raise PlannerError(_l("这份课程方案已发布或不属于本机构，不能修改。"), kind=FORBIDDEN)
    if curriculum.created_by_id not in (None, user.id):
        raise PlannerError(_l("只有草稿的作者可以邀请或移除共同编辑的同事。"), kind=FORBIDDEN)


def invite(curriculum, user, colleague_id: int):
    """Let one colleague of the same agency read and edit this draft."""
    _author_only(curriculum, user)
    colleague = User.get_or_none(
        (User.id == colleague_id) & (User.agency == user.agency_id) & User.active
    )
    if colleague is None or not colleague.is_editor:
        raise PlannerError(_l("请选择本机构可以编辑课程的同事。"), "colleague")
    if colleague.id == (curriculum.created_by_id or user.id):
        raise PlannerError(_l("作者本人不需要邀请。"), "colleague")
    try:
        with write_tx():
            DraftEditor.create(curriculum=curriculum.id, user=colleague.id, invited_by=user.id)
    except IntegrityError:  # the unique (curriculum, user) index: invited already
        raise PlannerError(_l("已经邀请过这位同事。"), "colleague", kind=INVALID) from None
    return colleague


def uninvite(curriculum, user, colleague_id: int) -> None:
    """Take a colleague's invitation back; they no longer see the draft."""
    _author_only(curriculum, user)
    with write_tx():
        gone = (
            DraftEditor.delete()
            .where((DraftEditor.curriculum == curriculum.id) & (DraftEditor.user == colleague_id))
            .execute()
        )
    if not gone:
        raise PlannerError(_l("这位同事没有被邀请。"), kind=NOT_FOUND)

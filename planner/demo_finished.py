"""The demo's finished group: a 人际交往 group of last term, every meeting held and recorded,
with pre/post self-ratings, satisfaction, GAS goals and the worker's judgement, so its
小组总结评估报告 is complete. Also headcounts for the demo lessons already held, so the
term statistics have something to count. Invented names only."""

import datetime as dt

from planner.accounts.models import User
from planner.db import write_tx
from planner.demo import current_term_dates
from planner.i18n import local_today
from planner.schools import years
from planner.schools.models import Room, School, SchoolClass, Term

TITLE = "人际交往小组（上学期）"
STUDENTS = [
    ("20250801", "高雨萱", "女", "8(1)班"),
    ("20250802", "罗子轩", "男", "8(1)班"),
    ("20250803", "梁欣怡", "女", "8(2)班"),
    ("20250804", "宋宇航", "男", "8(2)班"),
    ("20250805", "韩梓涵", "女", "8(3)班"),
    ("20250806", "邓俊杰", "男", "8(3)班"),
    ("20250807", "曹诗琪", "女", "8(4)班"),
    ("20250808", "彭博文", "男", "8(4)班"),
]
# self-ratings (1–5) before and after; satisfaction at the end; GAS levels reached
PRE = [2, 3, 2, 3, 2, 3, 3, 2]
POST = [4, 4, 3, 4, 3, 4, 4, 3]
GAS_POST = [(1, 0), (1, 1), (0, -1), (1, 0), (0, 0), (2, 1), (1, 1), (-1, 0)]


def previous_term_dates(today: dt.date) -> tuple[str, dt.date, dt.date]:
    """The term before the one that contains today."""
    name, start, _end = current_term_dates(today)
    return current_term_dates(start - dt.timedelta(days=40))


def _program(school, worker):
    from planner.curricula.editor import full
    from planner.curricula.models import Curriculum
    from planner.sessions.placement import Rule, Spec
    from planner.sessions.services import create_program

    name, start, end = previous_term_dates(local_today())
    term = Term.get_or_none((Term.school == school) & (Term.name == name)) or Term.create(
        school=school,
        school_year=years.year_for(school.id, start),
        name=name,
        start=start,
        end=end,
    )
    curriculum = (
        Curriculum.select()
        .where((Curriculum.slug == "group-peer-relationships") & (Curriculum.status == "published"))
        .order_by(Curriculum.version.desc())
        .first()
    )
    curriculum = full(curriculum.id)
    room = Room.get((Room.school == school) & (Room.name == "小组工作室"))
    spec = Spec(
        school.id,
        term,
        room.id,
        [worker.id],
        [],
        [Rule(3, dt.time(16, 10), dt.time(17, 10))],
        len(curriculum.sessions),
        3,
        1,
    )
    return create_program(
        spec,
        {"curriculum": curriculum.id, "title": TITLE, "group_name": "“友”你同行小组"},
        list(curriculum.sessions),
        worker,
    )


def load_finished_group() -> int:
    """Create the finished group once; returns its number of meetings (0 when it exists)."""
    from planner.curricula.models import Curriculum
    from planner.evaluation.models import GasGoal, Instrument, ProgramEvaluation, Score
    from planner.i18n import from_local
    from planner.reflections.models import Reflection
    from planner.runs.models import Attendance
    from planner.sessions.models import Program, Session
    from planner.students.codes import issue_codes
    from planner.students.consent import required_givers
    from planner.students.models import Consent, GroupMember, Student

    needs = (
        Curriculum.select().where(Curriculum.slug == "group-peer-relationships").exists()
        and Instrument.select()
        .where(Instrument.slug.in_(["group-goal-self-rating", "satisfaction"]))
        .count()
        == 2
    )
    if not needs or Program.select().where(Program.title == TITLE).exists():
        return 0  # the library and the instruments come first (make run loads them)
    school = School.get(School.code == "CDZX")
    worker, supervisor = (
        User.get(User.username == "worker"),
        User.get(User.username == "supervisor"),
    )
    program = _program(school, worker)
    classes = {  # the students' current classes: a name repeats in every school year
        c.name: c
        for c in SchoolClass.select().where((SchoolClass.school == school) & ~SchoolClass.archived)
    }
    sessions = list(Session.select().where(Session.program == program).order_by(Session.seq))
    rating = Instrument.get(Instrument.slug == "group-goal-self-rating")
    satisfaction = Instrument.get(Instrument.slug == "satisfaction")
    with write_tx():
        codes = issue_codes(school, len(STUDENTS), year=program.term.start.year)
        members = [
            Student.create(
                school=school,
                archive_code=code,
                student_no=no,
                name=name,
                gender=g,
                birth_date=dt.date(2012, 2 + i, 8),
                school_class=classes[c],
                guardian_name=f"{name[0]}家长",
                guardian_phone="13900000000",
            )
            for i, (code, (no, name, g, c)) in enumerate(zip(codes, STUDENTS))
        ]
        Consent.insert_many(
            [
                dict(
                    student=s.id,
                    purpose=p,
                    given_by=giver,
                    giver_name=s.guardian_name if giver == "guardian" else s.name,
                    notice_version="2026-02",
                    given_on=program.term.start,
                    method="paper",
                    recorded_by=worker.id,
                )
                for s in members
                for p in ("participation", "attendance", "observation")
                # standard 4.2: the guardian's, and from 14 the student's own as well; those
                # who turned 14 since are on the school's turning-14 list
                for giver in required_givers(s.birth_date, program.term.start)
            ]
        ).execute()
        GroupMember.insert_many(
            [
                dict(program=program.id, student=s.id, screening_note="班主任推荐，面谈后自愿参加")
                for s in members
            ]
        ).execute()
        for n, session in enumerate(sessions):
            Attendance.insert_many(
                [
                    dict(
                        session=session.id,
                        student=s.id,
                        recorded_by=worker.id,
                        status="absent"
                        if (i + n) % 9 == 4
                        else ("late" if (i + 2 * n) % 11 == 3 else "present"),
                        tapped_at=from_local(dt.datetime.combine(session.date, session.start)),
                    )
                    for i, s in enumerate(members)
                ]
            ).execute()
            ended = from_local(dt.datetime.combine(session.date, session.end))
            Reflection.create(
                session=session,
                author=worker,
                observed_stage=session.template.stage,
                answers={},
                status="signed_off",
                submitted_at=ended,
                signed_off_at=ended,
                signed_off_by=supervisor,
                details={
                    "planned_vs_actual": "按计划完成，热身游戏延长了 5 分钟。",
                    "dynamics": "组员之间开始互相回应，安静的组员也愿意分享。",
                    "skills": ["沟通互动", "鼓励支持"] + (["冲突处理"] if n == 3 else []),
                    "incident": "两名组员在角色扮演中发生争执，经引导后互相道歉。"
                    if n == 3
                    else "",
                },
                supervisor_comment="过程记录完整，注意给安静的组员更多表达机会。",
            )
        keys = [item["key"] for item in rating.items]
        for i, s in enumerate(members):
            for tp, value in (("pre", PRE[i]), ("post", POST[i])):
                answers = {k: max(1, min(5, value + (j % 3) - 1)) for j, k in enumerate(keys)}
                Score.create(
                    program=program,
                    student=s,
                    instrument=rating,
                    timepoint=tp,
                    answers=answers,
                    score=sum(answers.values()) / len(answers),
                    recorded_by=worker,
                )
            sat = {
                item["key"]: 5 if (i + j) % 3 else 4 for j, item in enumerate(satisfaction.items)
            }
            Score.create(
                program=program,
                student=s,
                instrument=satisfaction,
                timepoint="post",
                answers=sat,
                score=sum(sat.values()) / len(sat),
                recorded_by=worker,
                open_answers={"o1": "学会了怎样倾听别人。"} if i % 3 == 0 else {},
            )
            for order, (goal, level) in enumerate(
                (
                    ("主动和同学打招呼、聊天", GAS_POST[i][0]),
                    ("与同学意见不同时先听完再表达", GAS_POST[i][1]),
                ),
                1,
            ):
                GasGoal.create(
                    program=program,
                    student=s,
                    order=order,
                    text=goal,
                    weight=1,
                    levels=[
                        "完全做不到",
                        "偶尔做到",
                        "一周 2–3 次",
                        "几乎每天",
                        "每天并能带动别人",
                    ],
                    post=level,
                )
        goals = (program.curriculum.plan or {}).get("specific_goals") or []
        ProgramEvaluation.create(
            program=program,
            recommendations="建议下学期开展一次追踪聚会；对仍较被动的两名组员"
            "安排个别跟进，并与班主任沟通在班级中继续练习倾听与表达。",
            goals=[
                {
                    "goal": g,
                    "status": "met" if k % 2 == 0 else "partly",
                    "evidence": "前后测平均分提高，观察到组员主动回应同伴。",
                }
                for k, g in enumerate(goals)
            ],
        )
    return len(sessions)


def load_demo_headcounts(today: dt.date | None = None) -> int:
    """A headcount for each demo lesson already held (about 40 a class)."""
    from planner.curricula.models import Curriculum
    from planner.runs.models import SessionRecord
    from planner.sessions.models import Program, ProgramClass, Session

    today = today or local_today()
    lessons = list(
        Session.select(Session.id, Session.program)
        .join(Program)
        .join(Curriculum)
        .where(
            (Curriculum.kind == "classroom")
            & (Session.date < today)
            & (Session.status != "cancelled")
            & Session.id.not_in(SessionRecord.select(SessionRecord.session))
        )
    )
    sizes = {}
    for link in ProgramClass.select(ProgramClass.program):
        sizes[link.program_id] = sizes.get(link.program_id, 0) + 40
    if lessons:
        SessionRecord.insert_many(
            [
                dict(session=s.id, headcount=sizes.get(s.program_id, 40) - 1, notes="")
                for s in lessons
            ]
        ).execute()
    return len(lessons)

"""The demo agency: two schools, a current term, classes, rooms and one user per role."""

import datetime as dt

from planner.accounts.models import User
from planner.accounts.services import create_user, set_maintainer
from planner.calendars.models import BellPeriod
from planner.db import write_tx
from planner.i18n import local_today
from planner.roles import ADMIN, SUPERVISOR, TEACHER, WORKER
from planner.schools import years
from planner.schools.models import Agency, Room, School, SchoolClass, Term

DEMO_PASSWORD = "shegong-demo-2026"
AGENCY = "示范区阳光社会工作服务中心"


def current_term_dates(today: dt.date) -> tuple[str, dt.date, dt.date]:
    """The term that contains today: autumn (Sep–Jan) or spring (Feb–Jul)."""
    if today.month >= 8 or today.month == 1:
        year = today.year if today.month >= 8 else today.year - 1
        return f"{year}—{year + 1}学年第一学期", dt.date(year, 9, 1), dt.date(year + 1, 1, 23)
    year = today.year
    return f"{year - 1}—{year}学年第二学期", dt.date(year, 2, 23), dt.date(year, 7, 3)


def bell_schedule(school_id: int, minutes: int) -> list[dict]:
    """Eight periods: four in the morning from 08:00, four in the afternoon from 13:30,
    with 10-minute breaks (a 30-minute break after the second period)."""
    rows, clock = [], dt.datetime(2000, 1, 1, 8, 0)
    for number in range(1, 9):
        if number == 5:
            clock = dt.datetime(2000, 1, 1, 13, 30)
        end = clock + dt.timedelta(minutes=minutes)
        rows.append(
            {
                "school": school_id,
                "section": "all",
                "number": number,
                "start": clock.time(),
                "end": end.time(),
            }
        )
        clock = end + dt.timedelta(minutes=30 if number == 2 else 10)
    return rows


def load_demo(today: dt.date | None = None) -> list[tuple[str, str, str]]:
    """Create the demo agency once. Returns (username, role, name) of each demo login."""
    today = today or local_today()
    if Agency.select().where(Agency.name == AGENCY).exists():
        return [
            (u.username, u.role, u.display_name)
            for u in User.select().join(Agency).where(Agency.name == AGENCY).order_by(User.id)
        ]
    name, start, end = current_term_dates(today)
    with write_tx():
        agency = Agency.create(name=AGENCY, code="YG")
        primary = School.create(
            agency=agency,
            name="城东实验小学",
            code="CDXX",
            stage="primary",
            address="示范区城东路 12 号",
        )
        junior = School.create(
            agency=agency,
            name="城东第一初级中学",
            code="CDZX",
            stage="junior",
            address="示范区城东路 88 号",
        )
        classes = {}
        for school in (primary, junior):
            Term.create(
                school=school,
                school_year=years.year_for(school.id, start),
                name=name,
                start=start,
                end=end,
            )
            for room, kind, cap in (
                ("小组工作室", "group_room", 14),
                ("个案工作室", "case_room", 4),
                ("多功能室", "multi_room", 60),
            ):
                Room.create(school=school, name=room, kind=kind, capacity=cap)
        for school, minutes in ((primary, 40), (junior, 45)):
            BellPeriod.insert_many(bell_schedule(school.id, minutes)).execute()
        for grade in (1, 3, 5, 6):
            for n in (1, 2):
                classes[(primary.id, grade, n)] = SchoolClass.create(
                    school=primary,
                    grade=grade,
                    name=f"{grade}({n})班",
                    headteacher="",
                    **years.class_defaults(primary, grade),
                )
        for grade, count in ((7, 8), (8, 4), (9, 2)):
            for n in range(1, count + 1):
                classes[(junior.id, grade, n)] = SchoolClass.create(
                    school=junior,
                    grade=grade,
                    name=f"{grade}({n})班",
                    headteacher="",
                    **years.class_defaults(junior, grade),
                )
        people = [
            ("admin", ADMIN, "周管理", {}),
            ("worker", WORKER, "李社工", {"school_ids": [junior.id]}),
            ("worker2", WORKER, "陈社工", {"school_ids": [primary.id, junior.id]}),
            ("supervisor", SUPERVISOR, "王督导", {}),
            ("teacher", TEACHER, "赵老师", {"class_ids": [classes[(junior.id, 7, 1)].id]}),
            ("teacher2", TEACHER, "孙老师", {"class_ids": [classes[(primary.id, 5, 1)].id]}),
        ]
        made = {}
        for username, role, display, links in people:
            if role == SUPERVISOR:
                links = {"worker_ids": [made["worker"].id, made["worker2"].id]}
            made[username] = create_user(
                agency.id,
                dict(
                    username=username,
                    display_name=display,
                    role=role,
                    password=DEMO_PASSWORD,
                    **links,
                ),
            )
        classes[(junior.id, 7, 1)].headteacher = "赵老师"
        classes[(junior.id, 7, 1)].save()
        classes[(primary.id, 5, 1)].headteacher = "孙老师"
        classes[(primary.id, 5, 1)].save()
        # A demo is one agency on its own server: its admin also keeps the shared library
        # and the national calendar, so those screens can be shown.
        set_maintainer("admin")
    return [(u.username, u.role, u.display_name) for u in made.values()]


DEMO_PROGRAMS = [
    # (school code, curriculum slug, title, classes, weekday, period or (start, end), start week,
    #  room, worker, group name)
    # 陈社工 also serves the junior school for career lessons: the 多功能室 on Tuesday
    # period 7 is taken from week 3, which a new plan there has to work around
    (
        "CDZX",
        "career-junior-grade8",
        "学业与生涯规划（八年级）",
        ["8(1)班"],
        2,
        7,
        3,
        "多功能室",
        "worker2",
        "",
    ),
    (
        "CDZX",
        "puberty-junior",
        "青春期教育（初一）7(1)7(2)班",
        ["7(1)班", "7(2)班"],
        2,
        7,
        10,  # a new seven-lesson plan from week 3, Tuesday period 7, runs to week 9
        "多功能室",
        "worker",
        "",
    ),
    (
        "CDZX",
        "group-new-student-adaptation",
        "新生适应小组",
        [],
        4,
        ("16:10", "17:10"),
        8,
        "小组工作室",
        "worker",
        "“你好，初中”新生适应小组",
    ),
    (
        "CDXX",
        "life-primary-upper",
        "生命教育（五年级）",
        ["5(1)班"],
        1,
        6,
        10,
        "多功能室",
        "worker2",
        "",
    ),
]


def plan_demo_programs(entries=None) -> int:
    """Place the demo programs on the current term (needs the library and the calendar)."""
    return sum(plan_demo_program(*entry) for entry in entries or DEMO_PROGRAMS)


def plan_demo_program(
    code, slug, title, class_names, weekday, slot, week, room_name, username, group
) -> int:
    """Place one demo program, unless its curriculum is missing or it exists (1 if placed)."""
    from planner.curricula.editor import full
    from planner.curricula.models import Curriculum
    from planner.sessions.models import Program
    from planner.sessions.placement import Rule, Spec
    from planner.sessions.services import create_program

    school = School.get(School.code == code)
    curriculum = (
        Curriculum.select()
        .where((Curriculum.slug == slug) & (Curriculum.status == "published"))
        .order_by(Curriculum.version.desc())
        .first()
    )
    if (
        curriculum is None
        or Program.select().where((Program.school == school) & (Program.title == title)).exists()
    ):
        return 0
    if isinstance(slot, int):
        period = BellPeriod.get((BellPeriod.school == school) & (BellPeriod.number == slot))
        rule = Rule(weekday, period.start, period.end, period.id)
    else:
        rule = Rule(weekday, *(dt.time.fromisoformat(t) for t in slot))
    curriculum = full(curriculum.id)
    worker = User.get(User.username == username)
    term = Term.get(Term.school == school)
    spec = Spec(
        school.id,
        term,
        Room.get((Room.school == school) & (Room.name == room_name)).id,
        [worker.id],
        [
            c.id
            for c in SchoolClass.select().where(
                (SchoolClass.school == school)
                & SchoolClass.name.in_(class_names)
                & ~SchoolClass.archived
            )
        ],
        [rule],
        len(curriculum.sessions),
        week,
        1,
    )
    create_program(
        spec,
        {"curriculum": curriculum.id, "title": title, "group_name": group},
        list(curriculum.sessions),
        worker,
    )
    return 1


# Invented names: the demo must never look like real children's records.
DEMO_STUDENTS = [
    ("20260701", "林小雨", "女", "7(1)班"),
    ("20260702", "周子航", "男", "7(1)班"),
    ("20260703", "吴若溪", "女", "7(2)班"),
    ("20260704", "郑一鸣", "男", "7(2)班"),
    ("20260705", "何思彤", "女", "7(3)班"),
    ("20260706", "冯家乐", "男", "7(3)班"),
    ("20260707", "谢雨桐", "女", "7(4)班"),
    ("20260708", "唐浩然", "男", "7(4)班"),
    ("20260709", "许诺", "女", "7(5)班"),  # no consent yet: can't join the group
]


def load_demo_group(today: dt.date | None = None) -> int:
    """The 新生适应 group running: members with guardian consent, attendance and
    reflections for its past meetings, and the latest reflection waiting for the supervisor."""
    from planner.i18n import from_local
    from planner.reflections.models import Reflection
    from planner.runs.models import Attendance
    from planner.sessions.models import Program, Session
    from planner.students.codes import issue_codes
    from planner.students.models import Consent, GroupMember, Student

    today = today or local_today()
    program = Program.get_or_none(Program.title == "新生适应小组")
    if program is None or GroupMember.select().where(GroupMember.program == program).exists():
        return 0
    school = program.school
    worker = User.get(User.username == "worker")
    classes = {
        c.name: c
        for c in SchoolClass.select().where((SchoolClass.school == school) & ~SchoolClass.archived)
    }
    with write_tx():
        codes = issue_codes(school, len(DEMO_STUDENTS), year=today.year)
        students = [
            Student.create(
                school=school,
                archive_code=code,
                student_no=no,
                name=name,
                gender=gender,
                birth_date=dt.date(2013, 3 + i, 10),
                school_class=classes[cls],
                guardian_name=f"{name[0]}家长",
                guardian_phone="13800000000",
            )
            for i, (code, (no, name, gender, cls)) in enumerate(zip(codes, DEMO_STUDENTS))
        ]
        members = students[:-1]
        consent_day = program.term.start + dt.timedelta(days=20)
        Consent.insert_many(
            [
                dict(
                    student=s.id,
                    purpose=p,
                    given_by="guardian",
                    giver_name=s.guardian_name,
                    notice_version="2026-09",
                    given_on=consent_day,
                    method="paper",
                    recorded_by=worker.id,
                )
                for s in members
                for p in ("participation", "attendance", "observation")
            ]
        ).execute()
        GroupMember.insert_many(
            [
                dict(program=program.id, student=s.id, screening_note="面谈后自愿参加")
                for s in members
            ]
        ).execute()
        past = list(
            Session.select()
            .where((Session.program == program) & (Session.date < today))
            .order_by(Session.seq)
        )
        for n, session in enumerate(past):
            Attendance.insert_many(
                [
                    dict(
                        session=session.id,
                        student=s.id,
                        recorded_by=worker.id,
                        status="absent"
                        if (i + n) % 7 == 3
                        else ("late" if (i + n) % 5 == 4 else "present"),
                        tapped_at=from_local(dt.datetime.combine(session.date, session.start)),
                    )
                    for i, s in enumerate(members)
                ]
            ).execute()
            planned = session.template.stage
            observed = "形成期" if planned == "转折期" and session.seq == 3 else planned
            last = n == len(past) - 1
            ended = from_local(dt.datetime.combine(session.date, session.end))
            Reflection.create(
                session=session,
                author=worker,
                observed_stage=observed,
                answers={},
                details={
                    "planned_vs_actual": "按计划完成主要环节。",
                    "dynamics": "成员逐渐熟悉，发言更主动。",
                    "skills": ["鼓励支持", "沟通互动"],
                },
                status="submitted" if last else "signed_off",
                submitted_at=ended,
                supervisor_comment="" if last else "记录清楚，下次留意安静成员的参与。",
                signed_off_by=None if last else User.get(User.username == "supervisor"),
                signed_off_at=None if last else ended,
            )
    return len(members)

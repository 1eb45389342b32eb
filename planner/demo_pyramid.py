"""The demo's pyramid (issue 17): a screening round of two junior classes held early in the
term, with results for the students who consented; three 关注 candidates, one of them
recruited into the 新生适应 group; and one 高危 student whose case is open, with her next two
case sessions booked at lunchtime."""

import datetime as dt

from planner.accounts.models import User
from planner.db import write_tx
from planner.demo import DEMO_STUDENTS, plan_demo_program
from planner.errors import PlannerError
from planner.i18n import local_today
from planner.schools.models import School, SchoolClass

SCREENING = (
    "CDZX",
    "screening-lesson",
    "心理筛查（七年级）",
    ["7(1)班", "7(2)班"],
    3,
    5,
    2,
    "多功能室",
    "worker",
    "",
)
ROUND_TITLE = "2026秋季七年级心理健康筛查"
# Invented students of 7(1)/7(2) screened besides the group's: (number, name, gender, class,
# the answers' level, answers to set apart) – three are 关注, one 高危
SCREENED = [
    ("20260711", "江晓峰", "男", "7(1)班", 0, {}),
    ("20260712", "孟书瑶", "女", "7(1)班", 1, {"q6": 3, "q7": 2}),  # 关注: lonely, teased
    ("20260713", "秦天宇", "男", "7(2)班", 1, {"q1": 2, "q3": 3}),  # 关注: low, irritable
    ("20260714", "顾小满", "女", "7(2)班", 2, {"q12": 1}),  # 高危 (the safety item)
    ("20260715", "蒋一帆", "男", "7(1)班", 1, {"q10": 3, "q6": 2}),  # 关注: no help, lonely
    ("20260716", "沈可欣", "女", "7(2)班", 0, {"q8": 1}),
]


def load_demo_screening(today: dt.date | None = None) -> int:
    """Place the round's lesson, and once it has been held, enter its results and recruit
    one 关注 student into the 新生适应 group. Returns the number of results (0 if done)."""
    from planner.evaluation.models import Instrument
    from planner.screening.models import Recruitment, ScreeningResult, ScreeningRound
    from planner.screening.recruit import citation
    from planner.screening.scoring import score
    from planner.sessions.models import Program, Session
    from planner.students.codes import issue_codes
    from planner.students.models import Consent, GroupMember, GroupRoster, Student

    today = today or local_today()
    plan_demo_program(*SCREENING)
    program = Program.get_or_none(Program.title == SCREENING[2])
    group = Program.get_or_none(Program.title == "新生适应小组")
    if program is None or ScreeningRound.select().where(ScreeningRound.program == program).exists():
        return 0
    instrument = Instrument.get_or_none(Instrument.slug == "screening-wellbeing")
    held = Session.select(Session.date).where(Session.program == program).scalar()
    if instrument is None:
        return 0
    school = School.get(School.code == SCREENING[0])
    worker = User.get(User.username == SCREENING[8])
    classes = {
        c.name: c
        for c in SchoolClass.select().where((SchoolClass.school == school) & ~SchoolClass.archived)
    }
    with write_tx():
        rnd = ScreeningRound.create(
            program=program, instrument=instrument, title=ROUND_TITLE, created_by=worker
        )
        if held is None or held >= today:
            return 0
        codes = issue_codes(school, len(SCREENED), year=today.year)
        made = []
        for i, (code, (no, name, gender, cls, level, apart)) in enumerate(zip(codes, SCREENED)):
            made.append(
                (
                    Student.create(
                        school=school,
                        archive_code=code,
                        student_no=no,
                        name=name,
                        gender=gender,
                        birth_date=dt.date(2013, 4 + i, 12),
                        school_class=classes[cls],
                        guardian_name=f"{name[0]}家长",
                        guardian_phone="13800000000",
                    ),
                    level,
                    apart,
                )
            )
        # the group's members of these classes answered too, all 一般
        group_students = Student.select().where(
            Student.student_no.in_([no for no, _n, _g, cls in DEMO_STUDENTS if cls in SCREENING[3]])
        )
        made += [(s, 0, {}) for s in group_students]
        consent_day = held - dt.timedelta(days=7)
        Consent.insert_many(
            [
                dict(
                    student=s.id,
                    purpose=purpose,
                    given_by="guardian",
                    giver_name=s.guardian_name or "家长",
                    notice_version="2026-09",
                    given_on=consent_day,
                    method="paper",
                    recorded_by=worker.id,
                )
                for s, _level, _apart in made
                for purpose in ("screening",)
            ]
        ).execute()
        results = {}
        for s, level, apart in made:
            answers = {item["key"]: level for item in instrument.items}
            answers["q12"] = 0
            answers.update(apart)
            outcome = score(instrument, answers)
            results[s.student_no] = ScreeningResult.create(
                round=rnd,
                student=s,
                answers=answers,
                total=outcome.total,
                critical=outcome.critical,
                tier=outcome.tier,
                recorded_by=worker,
            )
        if group is not None:
            # 孟书瑶 (lonely, teased) joins the 新生适应 group from the screening
            recruit = Student.get(Student.student_no == "20260712")
            Consent.insert_many(
                [
                    dict(
                        student=recruit.id,
                        purpose=purpose,
                        given_by="guardian",
                        giver_name=recruit.guardian_name,
                        notice_version="2026-09",
                        given_on=held + dt.timedelta(days=3),
                        method="paper",
                        recorded_by=worker.id,
                    )
                    for purpose in ("participation", "attendance", "observation")
                ]
            ).execute()
            member = GroupMember.create(
                program=group, student=recruit, screening_note="筛查后面谈，本人愿意参加"
            )
            Recruitment.create(member=member, result=results["20260712"], recruited_by=worker)
            GroupRoster.insert(
                program=group.id, recruitment_notes=citation(rnd, held), version=1
            ).on_conflict_ignore().execute()
    load_demo_case(worker, results["20260714"], held, today)
    return len(results)


INTAKE = {
    "introduction": "在社工室与学生单独面谈。社工介绍自己是驻校社工，说明面谈的目的和保密原则及其例外"
    "（涉及生命安全、受到伤害时须告知监护人和学校），学生表示理解并愿意继续谈。",
    "first_information": "学生近一个月入睡困难、情绪低落，筛查第12题选择“偶尔”，表示有过“不想活了”的念头，"
    "但否认有具体计划和行为。与父母沟通少，同桌是主要支持者。",
    "emergency": "当天按机构危机处理流程评估风险：无计划、无准备、无既往自伤。当天联系监护人面谈，告知"
    "情况并建议就医评估；与班主任、心理老师商定在校关注安排，给学生留下12356和社工室开放时间。",
    "decision": "take",
    "decision_reason": "风险评估为中低、学生及监护人同意接受个案服务；建议同时到医院心理门诊评估。",
}
ASSESSMENT = {
    "problem": "情绪低落与消极念头，与学业压力、入学适应困难和亲子沟通不畅有关；睡眠不足加重了情绪问题。",
    "environment": "父母务工时间长，与奶奶同住；班主任关心学生；同桌关系好；学校有心理老师，社区有未成年人保护工作站。",
    "priorities": "与学生共同商定：一、确保安全，建立求助渠道；二、改善睡眠和情绪调节；三、改善与父母的沟通。",
}
PLAN = {
    "background": "学生在七年级秋季筛查中为高危（安全题），接案面谈确认有消极念头，无具体计划。",
    "theory": "以危机干预模式稳定情绪、确保安全，再以优势视角和生态系统理论调动家庭与学校的支持。",
    "overall_goal": "学生安全度过危机期，情绪与睡眠改善，与家人、老师和同伴的支持联系更紧密。",
    "specific_goals": "一、签订安全计划，知道至少三个求助渠道；二、每周至少五天在23点前入睡；"
    "三、每周与父母通话或谈心至少两次。",
    "content": "安全计划、情绪与睡眠自我照顾、亲子沟通、在校支持网络。",
    "methods": "个案面谈（每周一次）、家庭会谈、与班主任和心理老师的协作、转介医院心理门诊评估。",
    "action_steps": "第1周签订安全计划并联系监护人；第2—3周情绪与睡眠练习；第4周家庭会谈；"
    "第5—7周巩固与在校支持；第8周评估。",
    "schedule": "每周一次个案会谈，每次40分钟，共8周；高危期间每周复核一次风险。",
    "evaluators": "学生本人、监护人、班主任、驻校社工及督导。",
    "evaluation_methods": "每周风险复核、睡眠记录、GAS目标达成评定、结案时学生和监护人的反馈。",
}


def load_demo_case(worker, result, held, today) -> None:
    """顾小满's case, opened from her 高危 result with the guardian's casework consent, at
    intervention: intake, assessment and plan done."""
    from planner.cases import services as cases
    from planner.cases.models import Case
    from planner.students.models import Consent

    if Case.select().where(Case.student == result.student_id).exists():
        return
    Consent.create(
        student=result.student_id,
        purpose="casework",
        given_by="guardian",
        giver_name="顾家长",
        notice_version="2026-09",
        given_on=held + dt.timedelta(days=1),
        method="paper",
        recorded_by=worker.id,
    )
    case = cases.open_from_screening(worker, result.id)
    for step, fields in (("intake", INTAKE), ("assessment", ASSESSMENT), ("plan", PLAN)):
        case = Case.get_by_id(case.id)
        cases.save_step(worker, case, step, dict(fields, version=0), advance=True)
    book_demo_appointments(worker, Case.get_by_id(case.id), today)


def book_demo_appointments(worker, case, today, wanted=2) -> int:
    """The case's next weekly 个案会谈 at lunchtime in the school's 个案工作室, booked as the
    worker would (a day that is no school day or clashes is skipped). The number booked."""
    from planner.cases.appointments import book
    from planner.schools.models import Room

    room = Room.get_or_none((Room.school == case.school_id) & (Room.kind == "case_room"))
    if room is None:
        return 0
    booked, day = 0, today + dt.timedelta(days=1)
    while booked < wanted and day <= today + dt.timedelta(days=28):
        values = {
            "date": day,
            "start": dt.time(12, 10),
            "end": dt.time(12, 50),
            "room_id": room.id,
            "worker_id": worker.id,
        }
        try:
            book(worker, case, values)
        except PlannerError:
            day += dt.timedelta(days=1)
            continue
        booked += 1
        day += dt.timedelta(days=7)
    return booked

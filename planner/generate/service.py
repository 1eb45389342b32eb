"""The generated agency's other service records (issues 17 and 18), so that the pages and
statistics that count them meet city-sized tables: each term, every school's 社工信箱
letters (some urgent, flagged and acknowledged) and consultations with students, teachers
and parents; every supervisor's individual and group supervision with their workers;
every worker's training hours; and each case's notes and case sessions (个案会谈) on the
calendar, weekly from its opening. The texts are short, invented and name nobody. One
transaction a term."""

import datetime as dt

from planner.cases.models import Case as CaseFile
from planner.cases.models import CaseAppointment, CaseNote
from planner.db import write_tx
from planner.generate.org import insert_chunks
from planner.i18n import from_local
from planner.service.models import (
    CATEGORIES,
    CHANNELS,
    REPLY_DAYS,
    Consultation,
    Letter,
    SupervisionAttendee,
    SupervisionSession,
    Training,
)

LETTERS = 6  # a school's letters in a term
URGENT = 0.08  # share of letters that are urgent (a safeguarding flag)
NAMED = 0.4  # share of letters signed with the student's name
CONSULTATIONS = 10  # a school's consultations in a term
TRAININGS = 3  # a worker's training records in a term
NOTES_MAX = 8  # a case's notes: weekly from its opening, at most this many
LETTER_TEXTS = {
    "study": "最近作业太多，晚上总写到很晚，上课老是犯困，想知道怎么安排时间。",
    "peers": "和同桌闹了别扭，两个人都不说话了，不知道该怎么开口和好。",
    "family": "爸爸妈妈最近经常吵架，我在家里很紧张，不知道能跟谁说。",
    "emotion": "这段时间心情一直不太好，做什么都提不起劲，想找人聊聊。",
    "safety": "放学路上有高年级的同学拦着要东西，我不敢告诉老师。",
    "other": "想问问社工老师，学校的兴趣小组什么时候开始报名。",
}
PURPOSES = {
    "student": ("情绪困扰", "同伴关系", "学习压力", "适应新环境"),
    "teacher": ("班级同伴冲突", "学生情绪关注", "转介咨询"),
    "parent": ("亲子沟通", "孩子情绪变化", "学习习惯"),
}
NOTES = {
    "direct": "会谈中学生谈到近况，情绪较上次平稳，约定下周继续练习放松方法。",
    "family": "与监护人电话沟通孩子在家的情况，商定每天固定时间聊天。",
    "school": "与班主任沟通学生在校表现，请其留意课间同伴互动。",
    "resource": "联系心理老师，了解校内心理辅导安排。",
}
COURSES = ("学校社会工作实务", "儿童保护与强制报告", "危机干预基础", "小组工作技巧", "督导与反思")
LUNCH = (dt.time(12, 10), dt.time(12, 50))  # case sessions at lunchtime, in the 个案工作室


def _weekdays(start: dt.date, end: dt.date) -> list:
    return [
        start + dt.timedelta(days=n)
        for n in range((end - start).days + 1)
        if (start + dt.timedelta(days=n)).weekday() < 5
    ]


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return from_local(dt.datetime.combine(day, dt.time(hour, minute)))


def service_term(world, index: int, rng, as_of: dt.date) -> dict:
    """The service records of one term, up to as_of."""
    term = world.schools[0].terms[index]
    days = _weekdays(term.start, min(term.end, as_of))
    if not days:
        return {}
    letters, consultations, trainings = [], [], []
    for info in world.schools:
        pupils = [sid for grade in sorted(info.students) for sid, *_ in info.students[grade]]
        for _ in range(LETTERS):
            received = rng.choice(days)
            category = rng.choice(sorted(CATEGORIES))
            urgent = category in ("safety", "emotion") and rng.random() < URGENT * 3
            due = received + dt.timedelta(days=REPLY_DAYS)
            replied = received + dt.timedelta(days=rng.randint(0, REPLY_DAYS))
            flagged = _at(received, 9) if urgent else None
            seen = urgent and received < as_of - dt.timedelta(days=2)
            letters.append(
                dict(
                    school=info.school.id,
                    worker=info.worker_id,
                    received_on=received,
                    channel=rng.choice(sorted(CHANNELS)),
                    student=rng.choice(pupils) if pupils and rng.random() < NAMED else None,
                    category=category,
                    urgent=urgent,
                    text=LETTER_TEXTS[category],
                    reply_due=due,
                    replied_on=replied if replied < as_of else None,
                    flagged_at=flagged,
                    acknowledged_by=info.supervisor_id if seen else None,
                    acknowledged_at=_at(received, 15) if seen else None,
                    version=1,
                    updated_at=_at(received, 9),
                    created_at=_at(received, 9),
                )
            )
        for _ in range(CONSULTATIONS):
            kind = rng.choices(("student", "teacher", "parent"), (6, 2.5, 1.5))[0]
            held = rng.choice(days)
            consultations.append(
                dict(
                    school=info.school.id,
                    worker=info.worker_id,
                    held_on=held,
                    kind=kind,
                    student=rng.choice(pupils) if kind == "student" and pupils else None,
                    people=1 if kind == "student" else rng.randint(1, 3),
                    purpose=rng.choice(PURPOSES[kind]),
                    minutes=rng.choice((20, 30, 40, 60)),
                    created_at=_at(held, 13),
                )
            )
    workers = sorted({info.worker_id for info in world.schools})
    for worker in workers:
        for _ in range(TRAININGS):
            held = rng.choice(days)
            trainings.append(
                dict(
                    worker=worker,
                    kind="continuing",
                    course=rng.choice(COURSES),
                    held_on=held,
                    tenths=rng.choice((15, 20, 30, 60)),
                    recorded_by=world.admin.id,
                    created_at=_at(held, 17),
                )
            )
    with write_tx():
        insert_chunks(Letter, letters)
        insert_chunks(Consultation, consultations)
        insert_chunks(Training, trainings)
        supervised = _supervision(world, days, rng)
        notes, appointments = _casework(world, term, rng, as_of)
    return {
        "letters": len(letters),
        "consultations": len(consultations),
        "supervision sessions": supervised,
        "training records": len(trainings),
        "case notes": notes,
        "case sessions": appointments,
    }


def _supervision(world, days, rng) -> int:
    """Each supervisor, every month of the term: an individual session with one of their
    workers and a group session with all of them."""
    team = {}
    for info in world.schools:
        team.setdefault(info.supervisor_id, set()).add(info.worker_id)
    months = sorted({(d.year, d.month) for d in days})
    made = 0
    for supervisor, workers in sorted(team.items()):
        workers = sorted(workers)
        for year, month in months:
            in_month = [d for d in days if (d.year, d.month) == (year, month)]
            for mode, attending in (
                ("individual", [rng.choice(workers)]),
                ("group", workers),
            ):
                held = rng.choice(in_month)
                row = SupervisionSession.create(
                    supervisor=supervisor,
                    held_on=held,
                    mode=mode,
                    kind=rng.choice(("educational", "supportive", "administrative")),
                    minutes=60 if mode == "individual" else 90,
                    topics="小组带领中的困难与应对" if mode == "group" else "个案进展与风险评估",
                    created_at=_at(held, 16),
                )
                insert_chunks(
                    SupervisionAttendee, [dict(session=row.id, worker=w) for w in attending]
                )
                made += 1
    return made


def _free(busy: set, worker: int, room: int, day: dt.date) -> bool:
    """True, and booked, when neither the worker nor the room has a lunchtime session that
    day (every generated case session is at lunchtime)."""
    if ("worker", worker, day) in busy or ("room", room, day) in busy:
        return False
    busy.update({("worker", worker, day), ("room", room, day)})
    return True


def _casework(world, term, rng, as_of) -> tuple[int, int]:
    """The cases opened this term: a note a week from the opening (signed off once a week
    old), each with its held case session, and the next two sessions of an open case."""
    room_of = {info.school.id: info.rooms["case_room"] for info in world.schools}
    cases = list(
        CaseFile.select(
            CaseFile.id, CaseFile.school, CaseFile.worker, CaseFile.opened_on, CaseFile.closed_on
        )
        .where(CaseFile.opened_on.between(term.start, term.end))
        .order_by(CaseFile.id)
        .tuples()
    )
    supervisor_of = {info.worker_id: info.supervisor_id for info in world.schools}
    notes, held, planned, busy = [], [], [], set()
    for case_id, school_id, worker, opened, closed in cases:
        last = min(closed or as_of, as_of)
        day = opened
        for _ in range(NOTES_MAX):
            while day.weekday() >= 5:
                day += dt.timedelta(days=1)
            if day >= last:
                break
            kind = rng.choices(sorted(NOTES), (1, 1, 6, 1))[0]  # mostly 个案会谈
            signed = day < as_of - dt.timedelta(days=7)
            notes.append(
                dict(
                    case=case_id,
                    author=worker,
                    kind=kind,
                    held_on=day,
                    minutes=40,
                    note=NOTES[kind],
                    status="signed_off" if signed else "submitted",
                    submitted_at=_at(day, 17),
                    signed_off_by=supervisor_of.get(worker) if signed else None,
                    signed_off_at=_at(day + dt.timedelta(days=3), 10) if signed else None,
                    version=1,
                    updated_at=_at(day, 17),
                    created_at=_at(day, 17),
                )
            )
            if kind == "direct" and _free(busy, worker, room_of[school_id], day):
                held.append((case_id, worker, room_of[school_id], day))
            day += dt.timedelta(days=7)
        if closed is None:
            ahead = as_of + dt.timedelta(days=1)
            for _ in range(2):
                while ahead.weekday() >= 5 or not _free(busy, worker, room_of[school_id], ahead):
                    ahead += dt.timedelta(days=1)
                planned.append((case_id, worker, room_of[school_id], ahead))
                ahead += dt.timedelta(days=7)
    insert_chunks(CaseNote, notes)
    note_ids = dict(
        ((case, day), nid)
        for nid, case, day in CaseNote.select(CaseNote.id, CaseNote.case, CaseNote.held_on)
        .where(CaseNote.case.in_([c[0] for c in cases]) & (CaseNote.kind == "direct"))
        .tuples()
    )
    rows = [
        dict(
            case=case,
            worker=worker,
            room=room,
            date=day,
            start=LUNCH[0],
            end=LUNCH[1],
            status=status,
            case_note=note_ids.get((case, day)) if status == "held" else None,
            version=1,
            updated_at=_at(day, 8),
            created_by=worker,
            created_at=_at(day, 8),
        )
        for status, items in (("held", held), ("planned", planned))
        for case, worker, room, day in items
    ]
    insert_chunks(CaseAppointment, rows)
    return len(notes), len(rows)

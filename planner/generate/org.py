"""The generated organisation: agency, schools, terms, rooms, bell periods, classes,
synthetic holidays, users and students, in bulk (insert_many in chunks)."""

import datetime as dt
from dataclasses import dataclass, field

from planner.accounts.models import Supervision, TeacherClass, User, WorkerSchool
from planner.accounts.services import hash_password
from planner.calendars.models import BellPeriod, CalendarDay
from planner.db import write_tx
from planner.demo import bell_schedule
from planner.generate import holidays, names
from planner.generate.scales import AGENCY_CODE, AGENCY_NAME, PASSWORD, GenerateError
from planner.roles import ADMIN, SUPERVISOR, TEACHER, WORKER
from planner.schools import years as school_years
from planner.schools.models import Agency, Room, School, SchoolClass, SchoolYear, Term
from planner.students.codes import issue_codes, save_pattern
from planner.students.models import Student

CHUNK = 1000
PATTERN = "{agency}-{school}-{type}-{year}-{seq:05d}"
GRADES = {"primary": range(1, 7), "junior": range(7, 10), "senior": range(10, 13)}
CLASSES_PER_GRADE = {"primary": 2, "junior": 4, "senior": 4}  # 12 classes in every school
ROOMS = (
    ("小组工作室", "group_room", 14),
    ("个案工作室", "case_room", 4),
    ("多功能室", "multi_room", 60),
)


@dataclass
class SchoolInfo:
    """What placement and records need about one school, loaded once."""

    school: School
    stage: str
    worker_id: int
    supervisor_id: int
    rooms: dict  # kind → id
    periods: dict  # number → BellPeriod
    terms: list  # Term rows, oldest first
    classes: list = field(default_factory=list)  # SchoolClass rows
    students: dict = field(default_factory=dict)  # grade → [(id, name, birth, guardian)]
    class_sizes: dict = field(default_factory=dict)  # class id → students


@dataclass
class World:
    agency: Agency
    admin: User
    schools: list


def insert_chunks(model, rows: list) -> None:
    """insert_many in chunks: one statement per CHUNK rows keeps under SQLite's limit on
    bound variables and keeps each statement's memory small."""
    for start in range(0, len(rows), CHUNK):
        model.insert_many(rows[start : start + CHUNK]).execute()


def build(scale, rng, terms: list, progress) -> World:
    """Everything but programs and records; returns the World the later steps use."""
    years = {y for _, start, end in terms for y in range(start.year, end.year + 1)}
    try:
        synthetic = holidays.synthetic_days(years)
    except ValueError as err:
        raise GenerateError(str(err)) from err
    with write_tx():
        agency = Agency.create(name=AGENCY_NAME, code=AGENCY_CODE)
        save_pattern(agency, PATTERN)
        School.insert_many(
            [
                dict(
                    agency=agency.id,
                    name=names.school_name(n, stage),
                    code=f"G{n + 1:03d}",
                    stage=stage,
                    address=names.address(n),
                )
                for n, stage in enumerate(scale.stages)
            ]
        ).execute()
        schools = list(School.select().where(School.agency == agency.id).order_by(School.code))
        ids = [s.id for s in schools]
        starts = sorted({school_years.start_year_of(start) for _, start, _ in terms})
        insert_chunks(
            SchoolYear,
            [
                dict(school=s, start_year=y, start=bounds[0], end=bounds[1])
                for s in ids
                for y in starts
                for bounds in [school_years.default_bounds(y)]
            ],
        )
        year_ids = {
            (y.school_id, y.start_year): y.id
            for y in SchoolYear.select().where(SchoolYear.school.in_(ids))
        }
        insert_chunks(
            Term,
            [
                dict(
                    school=s,
                    school_year=year_ids[(s, school_years.start_year_of(start))],
                    name=name,
                    start=start,
                    end=end,
                )
                for s in ids
                for name, start, end in terms
            ],
        )
        insert_chunks(
            Room, [dict(school=s, name=n, kind=k, capacity=c) for s in ids for n, k, c in ROOMS]
        )
        insert_chunks(
            BellPeriod,
            [
                row
                for s in schools
                for row in bell_schedule(s.id, 40 if s.stage == "primary" else 45)
            ],
        )
        insert_chunks(CalendarDay, holidays.school_rows(synthetic, ids))
        staff = _users(agency, schools, scale, rng)
        insert_chunks(
            SchoolClass,
            [
                dict(
                    school=s.id,
                    school_year=year_ids[(s.id, starts[-1])],
                    entry_year=school_years.entry_year_of(s.stage, g, starts[-1]),
                    grade=g,
                    name=f"{g}({n})班",
                    headteacher=staff["teacher_names"][i]
                    if (g, n) == _teacher_class(s.stage)
                    else names.adult_name(rng),
                )
                for i, s in enumerate(schools)
                for g in GRADES[s.stage]
                for n in range(1, CLASSES_PER_GRADE[s.stage] + 1)
            ],
        )
        world = _world(agency, schools, staff)
        TeacherClass.insert_many(
            [
                dict(
                    teacher=staff["teachers"][i],
                    school_class=next(
                        c.id for c in info.classes if (c.grade, c.name) == _teacher_key(info.stage)
                    ),
                )
                for i, info in enumerate(world.schools)
            ]
        ).execute()
    users = User.select().where(User.agency == agency.id).count()
    progress(
        f"{len(schools)} schools, {len(terms)} terms each, {users} users; "
        f"{sum(len(r) for r in synthetic.values())} synthetic holiday rows a school "
        f"for {sorted(synthetic) or 'no'} years"
    )
    _students(world, scale, rng, terms[0][1].year)
    students = sum(sum(i.class_sizes.values()) for i in world.schools)
    progress(f"{students} students with archive codes")
    return world


def _teacher_class(stage):
    return GRADES[stage][len(GRADES[stage]) // 2], 1


def _teacher_key(stage):
    grade, n = _teacher_class(stage)
    return grade, f"{grade}({n})班"


def _users(agency, schools, scale, rng) -> dict:
    """Admin, supervisors, one worker and one teacher a school, and their links.

    argon2 is deliberately slow (~50 ms a hash): hashing once and giving every generated
    login the same hash saves minutes at city scale; they share one password anyway."""
    password_hash = hash_password(PASSWORD)
    rows = [("gen_admin", ADMIN, names.adult_name(rng))]
    rows += [
        (f"gen_sup{n + 1:02d}", SUPERVISOR, names.adult_name(rng)) for n in range(scale.supervisors)
    ]
    rows += [(f"gen_w{n + 1:03d}", WORKER, names.adult_name(rng)) for n in range(len(schools))]
    rows += [(f"gen_t{n + 1:03d}", TEACHER, names.adult_name(rng)) for n in range(len(schools))]
    insert_chunks(
        User,
        [
            dict(agency=agency.id, username=u, display_name=d, role=r, password_hash=password_hash)
            for u, r, d in rows
        ],
    )
    ids = {
        u: i
        for u, i in User.select(User.username, User.id).where(User.agency == agency.id).tuples()
    }
    workers = [ids[f"gen_w{n + 1:03d}"] for n in range(len(schools))]
    supervisors = [ids[f"gen_sup{n + 1:02d}"] for n in range(scale.supervisors)]
    WorkerSchool.insert_many(
        [dict(worker=w, school=s.id) for w, s in zip(workers, schools)]
    ).execute()
    chief = {w: supervisors[i * len(supervisors) // len(workers)] for i, w in enumerate(workers)}
    Supervision.insert_many([dict(supervisor=s, worker=w) for w, s in chief.items()]).execute()
    return {
        "admin": ids["gen_admin"],
        "workers": workers,
        "chief": chief,
        "teachers": [ids[f"gen_t{n + 1:03d}"] for n in range(len(schools))],
        "teacher_names": [d for u, r, d in rows if r == TEACHER],
    }


def _world(agency, schools, staff) -> World:
    ids = [s.id for s in schools]
    rooms, periods, terms, classes = {}, {}, {}, {}
    for room in Room.select().where(Room.school.in_(ids)):
        rooms.setdefault(room.school_id, {})[room.kind] = room.id
    for period in BellPeriod.select().where(BellPeriod.school.in_(ids)):
        periods.setdefault(period.school_id, {})[period.number] = period
    for term in Term.select().where(Term.school.in_(ids)).order_by(Term.start):
        terms.setdefault(term.school_id, []).append(term)
    for cls in (
        SchoolClass.select()
        .where(SchoolClass.school.in_(ids))
        .order_by(SchoolClass.grade, SchoolClass.name)
    ):
        classes.setdefault(cls.school_id, []).append(cls)
    infos = [
        SchoolInfo(
            s, s.stage, w, staff["chief"][w], rooms[s.id], periods[s.id], terms[s.id], classes[s.id]
        )
        for s, w in zip(schools, staff["workers"])
    ]
    return World(agency, User.get_by_id(staff["admin"]), infos)


def _students(world: World, scale, rng, year: int) -> None:
    """per_class students in every class; one issue_codes call a school reserves the whole
    range of archive codes, so no counter round trip per student."""
    school_year = world.schools[0].terms[-1].start.year
    with write_tx():
        for info in world.schools:
            codes = iter(issue_codes(info.school, len(info.classes) * scale.per_class, year=year))
            rows = []
            for number, cls in enumerate(info.classes, 1):
                for k in range(1, scale.per_class + 1):
                    name, gender = names.person_name(rng)
                    # grade g in the school year starting in September of `school_year`
                    born = dt.date(school_year - 6 - cls.grade, 9, 1) + dt.timedelta(
                        days=rng.randrange(365)
                    )
                    rows.append(
                        dict(
                            school=info.school.id,
                            archive_code=next(codes),
                            student_no=f"{cls.grade:02d}{number:02d}{k:03d}",
                            name=name,
                            gender=gender,
                            birth_date=born,
                            school_class=cls.id,
                            guardian_name=names.adult_name(rng, name[0]),
                            guardian_phone="13800000000",
                        )
                    )  # never a real number
            insert_chunks(Student, rows)
    by_school = {info.school.id: info for info in world.schools}
    grades = {c.id: c.grade for info in world.schools for c in info.classes}
    query = (
        Student.select(
            Student.id,
            Student.school,
            Student.school_class,
            Student.name,
            Student.birth_date,
            Student.guardian_name,
        )
        .where(Student.school.in_(list(by_school)))
        .order_by(Student.id)
        .tuples()
    )
    for sid, school_id, class_id, name, born, guardian in query:
        info = by_school[school_id]
        info.students.setdefault(grades[class_id], []).append((sid, name, born, guardian))
        info.class_sizes[class_id] = info.class_sizes.get(class_id, 0) + 1

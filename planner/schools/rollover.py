"""The rollover each September: one school year ends, the next begins (issue 16).

`preview` reads and returns pure data (nothing is saved); `commit` does it all or nothing in
one write transaction and only once: the ending year's `rolled_over_at` is set by a
conditional update, so a second run (or a concurrent one) changes nothing and says so.

What the commit does, for one school:
- every class of the ending year gets its next-year class one grade up, with its students
  (the new class links back through `previous` and keeps the cohort's entry year);
- the graduating grade's students are archived (standard 9.4: the records are kept, and the
  students' retention period counts from the archiving, planner.privacy.retention);
- each student's class of the ending year is written to class_member, so past rosters keep
  the class as it was; the ending year's classes are archived (kept for old records, hidden
  from new work);
- new entry classes are created empty, as many per entry grade as the admin says;
- the headteacher and the teachers' class links carry over where the admin keeps them;
- the new year's two terms are created with their dates (unless the year has terms already).
Bell schedules (BellPeriod) and rooms belong to the school, not to a year: nothing to copy.
"""

import datetime as dt
from dataclasses import dataclass, field

from peewee import JOIN, IntegrityError, Value, fn

from planner.accounts.models import TeacherClass, User
from planner.audit.models import record
from planner.db import now, write_tx
from planner.errors import CONFLICT, FORBIDDEN, PlannerError
from planner.i18n import format_day, local_today
from planner.i18n import lazy_gettext as _l
from planner.schools import years
from planner.schools.models import Agency, School, SchoolClass, SchoolYear, Term
from planner.schools.services import check_term_overlap
from planner.students.models import ClassMember, Student

MAX_ENTRY_CLASSES = 30


def no_ending_year(y):
    return _l("没有可结束的学年：请先建立%(y)s学年的学期或班级。", y=_label(y))


def already_done(y):
    return _l("%(y)s学年已完成升级，不会重复执行。", y=_label(y))


def new_year_has_classes(y):
    return _l("%(y)s学年已有班级，不能再次升级。", y=_label(y))


BAD_TERM_ORDER = _l("学期日期须依次排列：第一学期开始 < 结束 < 第二学期开始 < 结束。")
NOT_YOURS = _l("只能为本机构的学校升级学年。")
SHARED_NOTE = _l("作息时间和功能室属于学校，不随学年变化，无需复制。")


@dataclass
class Move:
    """One class of the ending year and what becomes of it."""

    source: SchoolClass
    students: int
    teachers: list  # display names of linked teachers
    new_grade: int | None = None  # None: the class graduates
    new_name: str = ""


@dataclass
class Preview:
    school: School
    ending: SchoolYear
    start_year: int
    moves: list = field(default_factory=list)
    entry_counts: dict = field(default_factory=dict)  # grade -> classes proposed
    terms: list = field(default_factory=list)  # [(name, start, end)], empty: year has terms
    existing_terms: list = field(default_factory=list)
    done: bool = False
    message: str = ""
    note: str = ""

    @property
    def label(self):
        return _l("%(a)s—%(b)s学年", a=self.start_year, b=self.start_year + 1)

    @property
    def graduating(self):
        return [m for m in self.moves if m.new_grade is None]

    @property
    def moving(self):
        return [m for m in self.moves if m.new_grade is not None]

    def entry_names(self, grade: int, count: int | None = None) -> list[str]:
        count = self.entry_counts.get(grade, 0) if count is None else count
        return [f"{grade}({n})班" for n in range(1, count + 1)]


def default_start_year(today: dt.date | None = None) -> int:
    """The coming school year: the one starting this autumn until September, then next
    year's (a rollover done in September and opened again in October proposes nothing
    new for this year)."""
    today = today or local_today()
    return today.year if today.month <= 9 else today.year + 1


def proposed_terms(start_year: int) -> list:
    """1 Sep–mid January and mid February–early July, named as the demo names terms."""
    y = start_year
    return [
        (f"{y}—{y + 1}学年第一学期", dt.date(y, 9, 1), dt.date(y + 1, 1, 15)),
        (f"{y}—{y + 1}学年第二学期", dt.date(y + 1, 2, 15), dt.date(y + 1, 7, 5)),
    ]


def _check_agency(user, school: School) -> None:
    if user is not None and user.agency_id != school.agency_id:
        raise PlannerError(NOT_YOURS, kind=FORBIDDEN)


def _label(start_year: int):
    return _l("%(a)s—%(b)s", a=start_year, b=start_year + 1)


def preview(user, school: School, start_year: int | None = None) -> Preview:
    """What the rollover into `start_year` (default: the coming year) would do. Reads only.
    Raises when there is no ending year; returns done=True when it was already done."""
    _check_agency(user, school)
    start_year = start_year or default_start_year()
    ending = SchoolYear.get_or_none(
        (SchoolYear.school == school.id) & (SchoolYear.start_year == start_year - 1)
    )
    if ending is None:
        raise PlannerError(no_ending_year(start_year - 1), "year")
    result = Preview(school=school, ending=ending, start_year=start_year, note=SHARED_NOTE)
    if ending.rolled_over_at is not None:
        result.done = True
        result.message = already_done(start_year - 1)
        return result
    upcoming = SchoolYear.get_or_none(
        (SchoolYear.school == school.id) & (SchoolYear.start_year == start_year)
    )
    if upcoming is not None:
        if SchoolClass.select().where(SchoolClass.school_year == upcoming.id).exists():
            raise PlannerError(new_year_has_classes(start_year), "year")
        result.existing_terms = list(
            Term.select().where(Term.school_year == upcoming.id).order_by(Term.start)
        )
    if not result.existing_terms:
        result.terms = proposed_terms(start_year)
    classes = list(
        SchoolClass.select()
        .where((SchoolClass.school_year == ending.id) & ~SchoolClass.archived)
        .order_by(SchoolClass.grade, SchoolClass.name)
    )
    ids = [c.id for c in classes] or [0]
    counts = dict(
        Student.select(Student.school_class, fn.COUNT(Student.id))
        .where(Student.school_class.in_(ids) & ~Student.archived)
        .group_by(Student.school_class)
        .tuples()
    )
    teachers = {}
    for link in (
        TeacherClass.select(TeacherClass, User)
        .join(User, JOIN.INNER)
        .where(TeacherClass.school_class.in_(ids))
        .order_by(User.display_name)
    ):
        teachers.setdefault(link.school_class_id, []).append(link.teacher.display_name)
    graduating = years.graduating_grades(school.stage)
    for cls in classes:
        move = Move(source=cls, students=counts.get(cls.id, 0), teachers=teachers.get(cls.id, []))
        if cls.grade not in graduating:
            move.new_grade = cls.grade + 1
            move.new_name = years.next_class_name(cls.name, cls.grade, cls.grade + 1)
        result.moves.append(move)
    for grade in years.entry_grades(school.stage):
        result.entry_counts[grade] = sum(1 for c in classes if c.grade == grade)
    return result


def _check_options(plan: Preview, entry_counts: dict, terms: list) -> None:
    if set(entry_counts) - set(plan.entry_counts):
        raise PlannerError(_l("只能为起始年级新建班级。"), "entry")
    if any(not 0 <= n <= MAX_ENTRY_CLASSES for n in entry_counts.values()):
        raise PlannerError(_l("每个起始年级最多新建 %(n)s 个班。", n=MAX_ENTRY_CLASSES), "entry")
    if not terms:
        return
    (_, s1, e1), (_, s2, e2) = terms
    if not s1 < e1 < s2 < e2:
        raise PlannerError(BAD_TERM_ORDER, "term1_start")
    low, high = years.default_bounds(plan.start_year)
    if s1 < low or e2 > high:
        raise PlannerError(
            _l(
                "学期日期须在%(y)s学年之内（%(a)s 至 %(b)s）。",
                y=_label(plan.start_year),
                a=format_day(low, with_weekday=False),
                b=format_day(high, with_weekday=False),
            ),
            "term1_start",
        )


def commit(
    user,
    school: School,
    start_year: int | None = None,
    *,
    keep: set | None = None,
    entry_counts: dict | None = None,
    term_dates: list | None = None,
) -> dict:
    """Do the rollover, all or nothing, once. `keep`: ids of ending-year classes whose
    headteacher and teachers carry over (None: all); `entry_counts`: grade -> new empty
    classes (default: as many as last year); `term_dates`: [(start, end), (start, end)]
    (default: the proposed dates). Returns counts of what was done."""
    with write_tx():
        plan = preview(user, school, start_year)
        if plan.done:
            raise PlannerError(plan.message, "year", kind=CONFLICT)
        entry = {**plan.entry_counts, **(entry_counts or {})}
        terms = plan.terms
        if terms and term_dates:
            terms = [(name, *dates) for (name, _, _), dates in zip(terms, term_dates, strict=True)]
        _check_options(plan, entry, terms)
        claimed = (
            SchoolYear.update(rolled_over_at=now(), version=SchoolYear.version + 1)
            .where((SchoolYear.id == plan.ending.id) & SchoolYear.rolled_over_at.is_null())
            .execute()
        )
        if claimed != 1:  # a concurrent rollover got there first
            raise PlannerError(already_done(plan.start_year - 1), "year", kind=CONFLICT)
        try:
            return _apply(user, plan, keep, entry, terms)
        except IntegrityError as exc:
            raise PlannerError(
                new_year_has_classes(plan.start_year), "year", kind=CONFLICT
            ) from exc


def _new_year(plan: Preview, terms: list) -> SchoolYear:
    start, end = years.default_bounds(plan.start_year)
    year = SchoolYear.get_or_none(
        (SchoolYear.school == plan.school.id) & (SchoolYear.start_year == plan.start_year)
    ) or SchoolYear.create(school=plan.school.id, start_year=plan.start_year, start=start, end=end)
    for name, t_start, t_end in terms:
        check_term_overlap(plan.school.id, t_start, t_end)
        Term.create(school=plan.school.id, school_year=year.id, name=name, start=t_start, end=t_end)
    return year


def _apply(user, plan: Preview, keep, entry: dict, terms: list) -> dict:
    school, ending = plan.school, plan.ending
    year = _new_year(plan, terms)
    source_ids = [m.source.id for m in plan.moves] or [0]
    ClassMember.insert_from(
        Student.select(Student.id, Value(ending.id), Student.school_class).where(
            Student.school_class.in_(source_ids) & ~Student.archived
        ),
        [ClassMember.student, ClassMember.school_year, ClassMember.school_class],
    ).execute()
    links = {}
    for link in TeacherClass.select().where(TeacherClass.school_class.in_(source_ids)):
        links.setdefault(link.school_class_id, []).append(link.teacher_id)
    moved = kept = 0
    for move in plan.moving:
        old = move.source
        keeps = keep is None or old.id in keep
        new = SchoolClass.create(
            school=school.id,
            school_year=year.id,
            grade=move.new_grade,
            name=move.new_name,
            headteacher=old.headteacher if keeps else "",
            entry_year=old.entry_year
            or years.entry_year_of(school.stage, old.grade, ending.start_year),
            previous=old.id,
        )
        if keeps:
            kept += 1
            teachers = [dict(teacher=t, school_class=new.id) for t in links.get(old.id, [])]
            if teachers:
                TeacherClass.insert_many(teachers).execute()
        moved += (
            Student.update(school_class=new.id, version=Student.version + 1)
            .where((Student.school_class == old.id) & ~Student.archived)
            .execute()
        )
    graduates = _archive_graduates(user, plan)
    created = 0
    for grade, count in sorted(entry.items()):
        for name in plan.entry_names(grade, count):
            SchoolClass.create(
                school=school.id,
                school_year=year.id,
                grade=grade,
                name=name,
                entry_year=plan.start_year,
            )
            created += 1
    SchoolClass.update(archived=True, version=SchoolClass.version + 1).where(
        SchoolClass.school_year == ending.id
    ).execute()
    result = dict(
        year=year.id,
        classes=len(plan.moving),
        students=moved,
        graduates=graduates,
        entry_classes=created,
        kept=kept,
        terms=len(terms),
    )
    detail = f"from={ending.start_year} to={plan.start_year} " + " ".join(
        f"{k}={v}" for k, v in result.items() if k != "year"
    )
    record(user, "school_year_rollover", "school", school.id, detail)
    return result


def _archive_graduates(user, plan: Preview) -> int:
    """Archive the graduating classes' students; one audit row each, as set_archived does."""
    ids = [m.source.id for m in plan.graduating]
    if not ids:
        return 0
    students = [
        s.id
        for s in Student.select(Student.id).where(Student.school_class.in_(ids) & ~Student.archived)
    ]
    if not students:
        return 0
    Student.update(archived=True, archived_at=now(), version=Student.version + 1).where(
        Student.id.in_(students)
    ).execute()
    for student_id in students:
        record(user, "student_archive", "student", student_id, "graduated")
    return len(students)


def schools_of_agency(agency_code: str) -> list:
    """The agency's schools in use, for `new-school-year --agency`."""
    return list(
        School.select()
        .join(Agency)
        .where((Agency.code == agency_code) & ~School.archived)
        .order_by(School.code)
    )

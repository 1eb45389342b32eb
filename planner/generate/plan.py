"""Each term's programs for every school, placed by the app's create_programs(): one
transaction a term, every clash checked, each session on a teaching day.

The plan is clash-free by construction (one worker a school, every program of a term on
its own weekly slot), so create_programs() never refuses it; if it ever did, the whole
term would roll back and the command stop with the reason."""

import datetime as dt
from dataclasses import dataclass

from planner.curricula.editor import full
from planner.curricula.models import Curriculum
from planner.demo import current_term_dates
from planner.errors import PlannerError
from planner.generate import names
from planner.generate.org import GRADES
from planner.generate.scales import GenerateError
from planner.sessions.models import Program
from planner.sessions.placement import Rule, Spec
from planner.sessions.services import create_programs

CLASSROOM_TARGET = 60  # lessons a school a term: a few series, each for several classes
GROUPS = (3, 4)  # groups a school a term
LESSON_PERIODS = range(1, 8)  # period 8 would overlap the after-school group slot
GROUP_SLOT = (dt.time(16, 10), dt.time(17, 10))
# first teaching week: spread over the term, so the current term still has sessions ahead,
# yet early enough that 5–8 weekly sessions (and a holiday or two) fit a 19-week term
LESSON_START = (2, 11)
GROUP_START = (3, 8)


@dataclass
class Planned:
    """A saved program and what its records need."""

    program: Program
    info: object  # org.SchoolInfo
    term: object
    kind: str
    class_ids: list
    grades: list


def term_dates(as_of: dt.date, count: int) -> list:
    """(name, start, end) of the `count` terms ending with the one containing as_of,
    oldest first (the demo's term dates: autumn 1 Sep–23 Jan, spring 23 Feb–3 Jul)."""
    terms = [current_term_dates(as_of)]
    while len(terms) < count:
        terms.append(current_term_dates(terms[-1][1] - dt.timedelta(days=40)))
    return terms[::-1]


def load_library() -> dict:
    """{stage: {"classroom": [(curriculum, templates)], "group": [...]}}: the newest
    published version of each slug whose grades fit the stage, in slug order."""
    newest = {}
    for cur in (
        Curriculum.select()
        .where((Curriculum.status == "published") & Curriculum.agency.is_null())
        .order_by(Curriculum.slug, Curriculum.version)
    ):
        newest[cur.slug] = cur
    library = {stage: {"classroom": [], "group": []} for stage in GRADES}
    for slug in sorted(newest):
        if newest[slug].audience != "students":  # parents' and teachers' series: no classes
            continue
        cur = full(newest[slug].id)
        for stage, grades in GRADES.items():
            if set(cur.grades) <= set(grades):
                library[stage][cur.kind].append((cur, list(cur.sessions)))
    missing = [s for s, kinds in library.items() if not kinds["classroom"] or not kinds["group"]]
    if missing:
        raise GenerateError(
            "the curriculum library is not loaded (or lacks curricula for "
            f"{', '.join(missing)}): run `flask planner content import` first"
        )
    return library


def _school_items(info, index: int, library: dict, rng):
    """(spec, fields, templates) and Planned stubs for one school's term."""
    term, stage = info.terms[index], library[info.stage]
    slots = [(weekday, number) for weekday in range(1, 6) for number in LESSON_PERIODS]
    rng.shuffle(slots)
    pairs = [
        (cur, templates, cls)
        for cur, templates in stage["classroom"]
        for cls in info.classes
        if cls.grade in cur.grades
    ]
    rng.shuffle(pairs)
    out, lessons = [], 0
    for cur, templates, cls in pairs:
        if lessons >= CLASSROOM_TARGET or not slots:
            break
        weekday, number = slots.pop()
        period = info.periods[number]
        spec = Spec(
            info.school.id,
            term,
            info.rooms["multi_room"],
            [info.worker_id],
            [cls.id],
            [Rule(weekday, period.start, period.end, period.id)],
            len(templates),
            rng.randint(*LESSON_START),
            1,
        )
        out.append(
            (
                (spec, {"curriculum": cur.id, "title": f"{cur.title}（{cls.name}）"}, templates),
                Planned(None, info, term, "classroom", [cls.id], cur.grades),
            )
        )
        lessons += len(templates)
    for k, weekday in enumerate(sorted(rng.sample(range(1, 6), rng.randint(*GROUPS))), 1):
        cur, templates = rng.choice(stage["group"])
        spec = Spec(
            info.school.id,
            term,
            info.rooms["group_room"],
            [info.worker_id],
            [],
            [Rule(weekday, *GROUP_SLOT)],
            len(templates),
            rng.randint(*GROUP_START),
            1,
        )
        fields = {
            "curriculum": cur.id,
            "title": f"{cur.title}（第{k}组）",
            "group_name": names.group_name(rng, cur.theme),
        }
        out.append(((spec, fields, templates), Planned(None, info, term, "group", [], cur.grades)))
    return out


def place_term(world, index: int, library: dict, rng) -> list:
    """Plan and save every school's programs of the index-th term; [Planned]."""
    pairs = [pair for info in world.schools for pair in _school_items(info, index, library, rng)]
    try:
        programs = create_programs([item for item, _ in pairs], world.admin)
    except PlannerError as err:
        raise GenerateError(f"placement refused term {index + 1}: {err.message}") from err
    planned = []
    for program, (_, stub) in zip(programs, pairs):
        stub.program = program
        planned.append(stub)
    # the school's worker planned them (create_programs takes one user for the batch)
    by_worker = {}
    for item in planned:
        by_worker.setdefault(item.info.worker_id, []).append(item.program.id)
    for worker_id, ids in by_worker.items():
        Program.update(created_by=worker_id).where(Program.id.in_(ids)).execute()
    return planned

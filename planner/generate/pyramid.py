"""The generated agency's pyramid (100/15/5): each autumn term of the current and the last
school year screens every class that has a classroom series held that term (a round rides
on the class's first such series), with the shipped instrument and answers drawn so that
about 15% of students are 关注 and 5% 高危, as in Taicang's model; each student's guardian
(and the student from 14) consented to screening first. A third of the 高危 students get a
case (some closed, some referred out). One transaction a term."""

import datetime as dt

from peewee import fn

from planner.cases.models import Case as CaseFile
from planner.cases.models import CaseReferral
from planner.db import write_tx
from planner.evaluation.models import Instrument
from planner.generate.org import insert_chunks
from planner.i18n import from_local
from planner.screening.models import ScreeningResult, ScreeningRound
from planner.screening.scoring import score
from planner.sessions.models import Session
from planner.students.codes import issue_codes
from planner.students.consent import required_givers
from planner.students.models import Consent, Student

SLUG = "screening-wellbeing"
SHARES = (("high", 0.05), ("concern", 0.15))  # the rest 一般
SCREENED_TERMS = 4  # the autumn terms among the last four are screened
CASED = 1 / 3  # share of 高危 students whose case is opened
REFERRED = 0.2  # share of cases referred to a clinic


def _answers(rng, instrument, tier: str) -> dict:
    """Answers whose scored tier is `tier` (drawn until the rule agrees)."""
    keys = [item["key"] for item in instrument.items]
    rule = instrument.extra["scoring"]
    critical = set((rule.get("critical") or {}).get("items", ()))
    ordinary = [k for k in keys if k not in critical]
    low, high = rule["tiers"]["concern"], rule["tiers"]["high"]
    targets = {
        "normal": (0, low - 1),
        "concern": (low, high - 1),
        "high": (high, 3 * len(ordinary)),
    }
    while True:
        total = rng.randint(*targets[tier])
        answers = dict.fromkeys(keys, 0)
        for _ in range(total):
            key = rng.choice(ordinary)
            if answers[key] < instrument.scale_max:
                answers[key] += 1
        if tier == "high" and critical and rng.random() < 0.3:
            answers[rng.choice(sorted(critical))] = 1
        if score(instrument, answers).tier == tier:
            return answers


def _tier(rng) -> str:
    draw = rng.random()
    for tier, share in SHARES:
        if draw < share:
            return tier
        draw -= share
    return "normal"


def screen_term(world, index: int, planned: list, rng, state, as_of: dt.date) -> dict:
    """Rounds and results of one term (nothing outside the autumn terms screened)."""
    terms = world.schools[0].terms
    term = terms[index]
    if index < len(terms) - SCREENED_TERMS or term.start.month < 8:
        return {}
    instrument = Instrument.get_or_none(Instrument.slug == SLUG)
    if instrument is None:
        return {}
    first_day = {
        program: day
        for program, day in Session.select(Session.program, fn.MIN(Session.date))
        .where(Session.program.in_([i.program.id for i in planned if i.kind == "classroom"]))
        .group_by(Session.program)
        .tuples()
        if day < as_of
    }
    rounds, seen = [], set()
    for item in planned:
        cls = item.class_ids[0] if item.class_ids else None
        if item.program.id in first_day and (item.info.school.id, cls) not in seen:
            seen.add((item.info.school.id, cls))
            rounds.append((item, cls))
    consents, results = [], []
    with write_tx():
        made = {}
        for item, _cls in rounds:
            made[item.program.id] = ScreeningRound.create(
                program=item.program.id,
                instrument=instrument.id,
                title=f"{term.start.year}年秋季心理健康筛查",
                created_by=item.info.worker_id,
            ).id
        students = {}
        class_ids = [cls for _, cls in rounds]
        for sid, class_id, name, born, guardian in (
            Student.select(
                Student.id,
                Student.school_class,
                Student.name,
                Student.birth_date,
                Student.guardian_name,
            )
            .where(Student.school_class.in_(class_ids) & ~Student.archived)
            .order_by(Student.id)
            .tuples()
        ):
            students.setdefault(class_id, []).append((sid, name, born, guardian))
        for item, cls in rounds:
            day = first_day[item.program.id]
            given = day - dt.timedelta(days=10)
            for sid, name, born, guardian in students.get(cls, []):
                if sid not in state.screening_consented:
                    state.screening_consented.add(sid)
                    consents += [
                        dict(
                            student=sid,
                            purpose="screening",
                            given_by=giver,
                            giver_name=guardian if giver == "guardian" else name,
                            notice_version=f"{given.year}-{given.month:02d}",
                            given_on=given,
                            method=rng.choice(("paper", "online")),
                            recorded_by=item.info.worker_id,
                        )
                        for giver in required_givers(born, given)
                    ]
                answers = _answers(rng, instrument, _tier(rng))
                outcome = score(instrument, answers)
                results.append(
                    dict(
                        round=made[item.program.id],
                        student=sid,
                        answers=answers,
                        total=outcome.total,
                        critical=outcome.critical,
                        tier=outcome.tier,
                        recorded_by=item.info.worker_id,
                    )
                )
        insert_chunks(Consent, consents)
        insert_chunks(ScreeningResult, results)
        cases, referrals = _cases(world, list(made.values()), first_day, rng, state, as_of)
    return {
        "screening rounds": len(rounds),
        "screening results": len(results),
        "cases": cases,
        "referrals": referrals,
    }


def _cases(world, round_ids, first_day, rng, state, as_of) -> tuple[int, int]:
    """A case for about a third of the 高危 students of these rounds (Taicang's 5% is the
    tier; casework takes those the worker's follow-up confirms), opened a few days after
    the screening with the casework consent; some closed, some referred to a clinic."""
    info_of = {info.school.id: info for info in world.schools}
    rows = list(
        ScreeningResult.select(
            ScreeningResult.id,
            ScreeningResult.student,
            Student.school,
            Student.birth_date,
            Student.name,
            Student.guardian_name,
            ScreeningRound.program,
        )
        .join(Student)
        .switch(ScreeningResult)
        .join(ScreeningRound)
        .where(ScreeningResult.round.in_(round_ids) & (ScreeningResult.tier == "high"))
        .order_by(ScreeningResult.id)
        .tuples()
    )
    chosen = [r for r in rows if r[1] not in state.cased and rng.random() < CASED]
    by_school = {}
    for row in chosen:
        by_school.setdefault(row[2], []).append(row)
    consents, made = [], []
    for school_id, items in by_school.items():
        info = info_of[school_id]
        codes = issue_codes(info.school, len(items), "GA", year=as_of.year)
        for code, (result_id, sid, _school, born, name, guardian, program) in zip(codes, items):
            state.cased.add(sid)
            opened = min(first_day[program] + dt.timedelta(days=rng.randint(1, 6)), as_of)
            closed = opened + dt.timedelta(days=rng.randint(40, 90))
            done = closed < as_of and rng.random() < 0.5
            consents += [
                dict(
                    student=sid,
                    purpose="casework",
                    given_by=giver,
                    giver_name=guardian if giver == "guardian" else name,
                    notice_version=f"{opened.year}-{opened.month:02d}",
                    given_on=opened,
                    method="paper",
                    recorded_by=info.worker_id,
                )
                for giver in required_givers(born, opened)
            ]
            made.append(
                dict(
                    school=school_id,
                    student=sid,
                    worker=info.worker_id,
                    source="screening",
                    screening_result=result_id,
                    step="closed" if done else rng.choice(("intervention", "evaluation", "plan")),
                    risk="high",
                    # an open case's review is due within two weeks, one in six overdue
                    next_review=None
                    if done
                    else as_of
                    + dt.timedelta(
                        days=rng.randint(-5, -1) if rng.random() < 1 / 6 else rng.randint(1, 14)
                    ),
                    archive_code=code,
                    opened_on=opened,
                    closed_on=closed if done else None,
                    follow_up_on=closed + dt.timedelta(days=30) if done else None,
                    created_by=info.worker_id,
                    version=1,
                    updated_at=from_local(dt.datetime.combine(opened, dt.time(12))),
                    created_at=from_local(dt.datetime.combine(opened, dt.time(12))),
                )
            )
    insert_chunks(Consent, consents)
    insert_chunks(CaseFile, made)
    referred = [
        c
        for c in CaseFile.select(CaseFile.id, CaseFile.opened_on, CaseFile.worker)
        .where(CaseFile.archive_code.in_([m["archive_code"] for m in made]))
        .order_by(CaseFile.id)
        if rng.random() < REFERRED
    ]
    insert_chunks(
        CaseReferral,
        [
            dict(
                case=c.id,
                target="clinic",
                organisation="市精神卫生中心心理门诊",
                reason="需要专业评估与治疗",
                consent_by="guardian",
                consent_on=c.opened_on + dt.timedelta(days=2),
                referred_on=c.opened_on + dt.timedelta(days=3),
                created_by=c.worker_id,
                version=1,
                updated_at=from_local(dt.datetime.combine(c.opened_on, dt.time(12))),
            )
            for c in referred
            if c.opened_on + dt.timedelta(days=3) <= as_of
        ],
    )
    return len(made), len(referred)

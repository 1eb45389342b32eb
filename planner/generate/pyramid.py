"""The generated agency's pyramid (100/15/5): each autumn term of the current and the last
school year screens every class that has a classroom series held that term (a round rides
on the class's first such series), with the shipped instrument and answers drawn so that
about 15% of students are 关注 and 5% 高危, as in Taicang's model; each student's guardian
(and the student from 14) consented to screening first. One transaction a term."""

import datetime as dt

from peewee import fn

from planner.db import write_tx
from planner.evaluation.models import Instrument
from planner.generate.org import insert_chunks
from planner.screening.models import ScreeningResult, ScreeningRound
from planner.screening.scoring import score
from planner.sessions.models import Session
from planner.students.consent import required_givers
from planner.students.models import Consent, Student

SLUG = "screening-wellbeing"
SHARES = (("high", 0.05), ("concern", 0.15))  # the rest 一般
SCREENED_TERMS = 4  # the autumn terms among the last four are screened


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
    return {"screening rounds": len(rounds), "screening results": len(results)}

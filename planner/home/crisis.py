"""The overdue crisis reviews on the worker's and the supervisor's home page: every open
高危 case of theirs whose review date has passed or was never set (危机预警名单,
planner/cases). One query; archive code, school and date only, never a name."""

import datetime as dt

from planner.access import schools_query
from planner.cases.models import CRISIS, OPEN_STEPS, Case
from planner.cases.services import team_filter
from planner.schools.models import School


def overdue(user, today: dt.date) -> list:
    """The user's open 高危 cases whose review is overdue, the oldest first (one query)."""
    return list(
        Case.select(Case.id, Case.archive_code, Case.next_review, School.id, School.name)
        .join(School)
        .where(
            Case.school.in_(schools_query(user).select(School.id))
            & team_filter(user)
            & Case.step.in_(OPEN_STEPS)
            & (Case.risk == CRISIS)
            & (Case.next_review.is_null() | (Case.next_review < today))
        )
        .order_by(Case.next_review.is_null(False), Case.next_review, Case.id)
    )

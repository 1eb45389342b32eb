"""The turning-14 list of a school (standard 4.2; PIPL Art. 31): students of 14 or older
with a purpose where a required consent is missing, mostly their own after the guardian's.

Who: like the school's student list, the school's workers and admins, and supervisors of the
school's workers, read it; teachers get 403, another school's worker 404.
"""

from flask_login import current_user

from planner.access import allow, can_plan, school_or_404
from planner.roles import STAFF
from planner.students import consent_review as review
from planner.students.blueprint import bp
from planner.students.models import MISSING, PURPOSES
from planner.web import render


@bp.get("/schools/<int:school_id>/students/consent-review")
@allow(*STAFF)
def consent_review(school_id):
    """Students who turned 14 (or are older) and have purposes to confirm with them."""
    school = school_or_404(current_user, school_id)
    rows = review.to_confirm(current_user, school.id)
    return render(
        "students/consent_review.html",
        "students/_consent_review.html",
        school=school,
        rows=rows,
        purposes=PURPOSES,
        missing=MISSING,
        can_change=can_plan(current_user, school.id),
    )

"""Second-factor routes: enrolment and its management for staff, the login's second step
for anybody (without a pending login it goes back to the login page), an admin's reset."""

import pyotp

from tests import factories
from tests.access import PERSONAS, only


def setup(world):
    """A worker of the agency who has enrolled, for the admin's reset."""
    world.enrolled = factories.user(
        "worker",
        agency=world.agency,
        username="enrolled_worker",
        schools=[world.school],
        totp_secret=pyotp.random_base32(),
    )


STAFF_FORM = only({"admin", "supervisor", "worker"}, ok=422)

# endpoint -> (method, url builder, form data, expected per persona)
RULES = {
    "second_factor.setup": (
        "GET",
        lambda w: "/account/second-factor",
        None,
        only({"admin", "supervisor", "worker"}),
    ),
    "second_factor.enrol": ("POST", lambda w: "/account/second-factor/enrol", {}, STAFF_FORM),
    "second_factor.disable": ("POST", lambda w: "/account/second-factor/disable", {}, STAFF_FORM),
    "second_factor.regenerate": (
        "POST",
        lambda w: "/account/second-factor/recovery-codes",
        {},
        STAFF_FORM,
    ),
    "second_factor.verify": (
        "GET",
        lambda w: "/login/second-factor",
        None,
        {p: 303 for p in PERSONAS},
    ),
    "second_factor.reset": (
        "POST",
        lambda w: f"/admin/users/{w.enrolled.id}/second-factor/reset",
        {},
        only({"admin"}, ok=303),
    ),
}

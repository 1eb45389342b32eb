"""Route-access rules, one module per domain; test_access_matrix merges them all.

Each module defines RULES = {endpoint: (method, url builder, form data, expected)} (the form
data may be a function of the world, for a form that names one of its records), where
expected maps every persona to a status code or LOGIN (a redirect to the login page), and
optionally setup(world), which adds the records its URLs need to the shared world.
"""

import importlib
import pkgutil

PERSONAS = (
    "anonymous",
    "admin",
    "supervisor",
    "supervisor_other",
    "worker",
    "worker_other",
    "teacher",
)
# The role each persona has; supervisor_other supervises another worker of the same school
# (not the world's worker), so by default they get what the supervisor gets, except where
# student-level data is concerned (least privilege: only their workers' groups).
ROLE_OF = {"worker_other": "worker", "supervisor_other": "supervisor"}
LOGIN = "login"  # a redirect to the login page


def only(roles, ok=200, denied=403, anonymous=LOGIN, **special):
    """Expected results: `ok` for these roles, `denied` for the others."""
    out = {"anonymous": anonymous}
    for persona in PERSONAS[1:]:
        role = ROLE_OF.get(persona, persona)
        out[persona] = ok if role in roles else denied
    out.update(special)
    if "supervisor" in special and "supervisor_other" not in special:
        out["supervisor_other"] = special["supervisor"]
    return out


STAFF_SCHOOL = only({"admin", "supervisor", "worker"}, worker_other=404)
ADMIN = only({"admin"})
READERS = only({"admin", "supervisor", "worker"})
# Editing a draft of the agency's own library: admins and workers of the agency.
EDITORS = only({"admin", "worker"})
EDITORS_POST = only({"admin", "worker"}, ok=303)
EVERYONE = only({"admin", "supervisor", "worker", "teacher"})


def all_setups() -> list:
    """Each domain module may define setup(world) to add the records its URLs need."""
    out = []
    for module in pkgutil.iter_modules(__path__):
        setup = getattr(importlib.import_module(f"{__name__}.{module.name}"), "setup", None)
        if setup:
            out.append(setup)
    return out


def all_rules() -> dict:
    """Every domain module's RULES, merged; an endpoint may be claimed only once."""
    merged = {}
    for module in pkgutil.iter_modules(__path__):
        rules = importlib.import_module(f"{__name__}.{module.name}").RULES
        clash = set(rules) & set(merged)
        assert not clash, f"rules defined twice: {clash}"
        merged.update(rules)
    return merged

"""The four roles, and the groups of them that the rules use, named once.

The bottom layer: access rules, models, services and views all import from here, so it
imports nothing from planner but the translations. The values are what `user.role`
stores; historic migrations and the data in content/ keep the literals.
"""

from planner.i18n import lazy_gettext as _l

ADMIN = "admin"
SUPERVISOR = "supervisor"
WORKER = "worker"
TEACHER = "teacher"

# The vocabulary: what `allow` accepts, what the user form offers, in this order.
ALL_ROLES = (ADMIN, SUPERVISOR, WORKER, TEACHER)

# Groups for @allow(...) and the checks. EVERYONE is every logged-in role.
EVERYONE = ALL_ROLES
# The agency's own people; teachers belong to a school, not to the agency.
STAFF = (ADMIN, SUPERVISOR, WORKER)
# Those who change curricula and schedules; supervisors and teachers only read.
EDITORS = (ADMIN, WORKER)

LABELS = {
    ADMIN: _l("机构管理员"),
    SUPERVISOR: _l("督导"),
    WORKER: _l("驻校社工"),
    TEACHER: _l("教师"),
}

"""The periodic jobs the queue runs (issue 19): `flask planner enqueue purge|escalate|
sweep-exports` puts one on the queue (from cron, README), and a worker runs it; with no
queue configured the command runs it at once. Each is safe to run as often as you like."""

from planner.exports import storage
from planner.i18n import local_today
from planner.privacy.retention import purge as retention_purge
from planner.reflections.escalation import escalate as escalate_flags

# name on the command line -> the job function (planner/queue.py runs it by its path)
TASKS = {
    "purge": "planner.tasks.purge",
    "escalate": "planner.tasks.escalate",
    "sweep-exports": "planner.tasks.sweep_exports",
}
RETRIES = 2


def purge() -> dict:
    """The retention purge as of today in Beijing (standard 9.4 e), and the zips of the
    export jobs it removes."""
    return retention_purge(local_today(), drop_export=storage.delete)


def escalate() -> int:
    """Escalate the safeguarding flags left unacknowledged too long (standard 4.1)."""
    return sum(len(ids) for ids in escalate_flags().values())


def sweep_exports() -> int:
    """Delete the finished zips older than a day (they hold children's records)."""
    return storage.sweep()

"""Removing a test's RQ queue from the shared Redis: its jobs, their results and
executions, its registries and the workers that listened to it."""

import redis
from rq import Queue, Worker


def drop_queue(url: str, name: str) -> None:
    store = redis.Redis.from_url(url)
    q = Queue(name, connection=store)
    ids = set(q.job_ids)
    for registry in (
        q.started_job_registry,
        q.finished_job_registry,
        q.failed_job_registry,
        q.deferred_job_registry,
        q.scheduled_job_registry,
        q.canceled_job_registry,
    ):
        ids |= set(registry.get_job_ids())
    for job_id in ids:
        for key in store.scan_iter(f"rq:*{job_id}*"):
            store.delete(key)
    for worker in Worker.all(queue=q):
        store.srem("rq:workers", worker.key)
        store.delete(worker.key)
    q.delete(delete_jobs=True)
    for key in store.scan_iter(f"rq:*{name}*"):
        store.delete(key)

"""`flask planner feed-url USERNAME`."""

import hashlib

from planner.feeds.models import FeedToken
from tests.feeds.factories import world_program


def run(app, *args):
    """Click ≥ 8.2 keeps stdout (the URL, for scripts) apart from stderr (notes, errors)."""
    return app.test_cli_runner().invoke(args=["planner", "feed-url", *args])


def test_prints_a_new_worker_feed_url_that_works(app, client, world):
    world_program(world)
    result = run(app, world.worker.username, "--base-url", "https://planner.example.cn/")
    assert result.exit_code == 0, result.output
    url = result.stdout.strip()
    assert url.startswith("https://planner.example.cn/feeds/") and url.endswith(".ics")
    raw = url.rsplit("/", 1)[1].removesuffix(".ics")
    stored = FeedToken.get()
    assert (stored.user_id, stored.audience, stored.target_id) == (
        world.worker.id,
        "worker",
        world.worker.id,
    )
    assert stored.token_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert client.get(f"/feeds/{raw}.ics").status_code == 200


def test_an_active_token_is_not_shown_again_but_can_be_rotated(app, client, world):
    first = run(app, world.worker.username, "--base-url", "https://p.example.cn")
    old_raw = first.stdout.strip().rsplit("/", 1)[1].removesuffix(".ics")
    again = run(app, world.worker.username, "--base-url", "https://p.example.cn")
    assert again.exit_code == 1
    assert "--rotate" in again.output and old_raw not in again.output
    rotated = run(
        app, world.worker.username, "--rotate", "--days", "--base-url", "https://p.example.cn"
    )
    assert rotated.exit_code == 0, rotated.output
    new_url = rotated.stdout.strip()
    assert new_url.endswith(".ics?days=1")
    assert client.get(f"/feeds/{old_raw}.ics").status_code == 404
    assert client.get(new_url.removeprefix("https://p.example.cn")).status_code == 200


def test_non_workers_are_told_what_to_do(app, world):
    for user, hint in (
        (world.teacher, "class"),
        (world.supervisor, "workers"),
        (world.admin, "school"),
    ):
        result = run(app, user.username)
        assert result.exit_code == 1
        assert "/calendar/subscriptions" in result.output and hint in result.output
    assert FeedToken.select().count() == 0
    unknown = run(app, "nobody")
    assert unknown.exit_code == 1 and "no user nobody" in unknown.output


def test_without_a_base_url_stdout_is_still_only_the_url(app, world, monkeypatch):
    monkeypatch.delenv("PLANNER_BASE_URL", raising=False)
    result = run(app, world.worker.username)
    assert result.exit_code == 0, result.output
    assert result.stdout.strip().startswith("http://127.0.0.1:5000/feeds/")
    assert len(result.stdout.strip().splitlines()) == 1
    assert "PLANNER_BASE_URL" in result.stderr

"""The token lifecycle (planner.tokens), the same for calendar-feed links and API tokens:
only the hash is stored, a rotated token carries its fields over and stops the old one,
and nobody else's token can be seen, rotated or revoked."""

import hashlib

import pytest

from planner import tokens
from planner.api.models import ApiToken
from planner.errors import NOT_FOUND, PlannerError
from planner.feeds.models import FeedToken

KINDS = {
    "feed": (
        FeedToken,
        lambda w: {"audience": "worker", "target_id": w.worker.id, "label": "我的"},
    ),
    "api": (ApiToken, lambda w: {"label": "同步", "scopes": ["programs:read"]}),
}


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_one_lifecycle_for_every_token_model(world, kind):
    model, fields = KINDS[kind]
    made, raw = tokens.create(model, world.worker, **fields(world))
    assert made.token_hash == hashlib.sha256(raw.encode()).hexdigest() != raw
    assert len(raw) >= 43 and tokens.find(model, raw).id == made.id
    assert tokens.find(model, raw).user.id == world.worker.id
    assert [t.id for t in tokens.active(model, world.worker)] == [made.id]
    assert tokens.active(model, world.supervisor) == []

    new, new_raw = tokens.rotate(model, world.worker, made.id)
    assert new_raw != raw and tokens.find(model, raw) is None
    assert {f: getattr(new, f) for f in model.KEPT_ON_ROTATE} == fields(world)
    assert [t.id for t in tokens.active(model, world.worker)] == [new.id]
    with pytest.raises(PlannerError) as stale:
        tokens.rotate(model, world.worker, made.id)  # already rotated
    assert stale.value.kind == NOT_FOUND

    # another user's token: not found, whatever they try
    with pytest.raises(PlannerError):
        tokens.rotate(model, world.supervisor, new.id)
    assert tokens.revoke(model, world.supervisor, new.id) is False
    assert tokens.owned(model, world.supervisor, new.id) is None
    assert tokens.find(model, new_raw) is not None

    assert tokens.revoke(model, world.worker, new.id) is True
    assert tokens.revoke(model, world.worker, new.id) is False
    assert tokens.find(model, new_raw) is None and tokens.active(model, world.worker) == []


def test_a_refused_rotation_changes_nothing(world):
    made, raw = tokens.create(FeedToken, world.worker, audience="worker", target_id=1)

    def refuse(old):
        raise PlannerError("不行")

    with pytest.raises(PlannerError, match="不行"):
        tokens.rotate(FeedToken, world.worker, made.id, check=refuse)
    assert tokens.find(FeedToken, raw).id == made.id
    assert FeedToken.select().count() == 1


@pytest.mark.parametrize("raw", ["", None, 7, "x", "a" * 500, "' OR 1=1 --"])
def test_garbage_finds_nothing(world, raw):
    tokens.create(ApiToken, world.worker, label="", scopes=[])
    assert tokens.find(ApiToken, raw) is None

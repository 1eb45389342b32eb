"""Feed tokens: who may create which, random and hashed, rotation and revocation."""

import base64
import hashlib

import pytest

from planner import tokens
from planner.accounts.models import User, WorkerSchool
from planner.errors import NOT_FOUND, PlannerError
from planner.feeds import services
from planner.feeds.models import FeedToken
from planner.models import MODELS
from tests import factories
from tests.feeds.factories import token


def test_token_has_at_least_128_random_bits_and_is_unique():
    raws = {tokens.new_raw_token() for _ in range(200)}
    assert len(raws) == 200
    for raw in raws:
        assert len(base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4))) * 8 >= 128
        assert raw.replace("-", "").replace("_", "").isalnum()  # URL-safe, no padding


def _all_stored_text():
    """Every value of every row of every table, as text."""
    out = []
    for model in MODELS:
        for values in model.select().tuples():
            out.extend(str(v) for v in values)
    return out


def test_only_the_sha256_of_the_token_is_stored(world):
    created, raw = token(world.worker)
    stored = FeedToken.get_by_id(created.id)
    assert stored.token_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert not any(raw in text for text in _all_stored_text())
    assert not any(raw[:16] in text for text in _all_stored_text())
    assert services.resolve(raw).id == created.id


def test_worker_may_subscribe_to_self_and_to_classes_and_schools_they_serve(world):
    options = services.targets(world.worker)
    assert options["worker"] == {world.worker.id: world.worker.display_name}
    assert set(options["class"]) == {world.cls.id}
    assert set(options["school"]) == {world.school.id}
    for audience, target in (
        ("class", world.other_cls.id),
        ("school", world.other_school.id),
        ("worker", world.worker_other.id),
    ):
        with pytest.raises(PlannerError):
            services.create_token(world.worker, audience, target)
    created, _ = services.create_token(world.worker, "class", world.cls.id)
    assert created.label == "甲校 7(1)班"


def test_teacher_may_subscribe_only_to_their_own_classes(world):
    same_school_class = factories.school_class(school=world.school, name="7(9)班")
    options = services.targets(world.teacher)
    assert options == {"worker": {}, "class": {world.cls.id: "甲校 7(1)班"}, "school": {}}
    for audience, target in (
        ("class", same_school_class.id),
        ("school", world.school.id),
        ("worker", world.worker.id),
    ):
        with pytest.raises(PlannerError):
            services.create_token(world.teacher, audience, target)
    assert services.create_token(world.teacher, "class", world.cls.id)[0].audience == "class"


def test_admin_may_subscribe_to_anything_in_the_agency_only(world):
    foreign_class = factories.school_class(school=world.foreign_school)
    options = services.targets(world.admin)
    assert set(options["worker"]) == {world.worker.id, world.worker_other.id}
    assert set(options["class"]) == {world.cls.id, world.other_cls.id}
    assert set(options["school"]) == {world.school.id, world.other_school.id}
    with pytest.raises(PlannerError):
        services.create_token(world.admin, "class", foreign_class.id)
    with pytest.raises(PlannerError):
        services.create_token(world.admin, "school", world.foreign_school.id)


def test_supervisor_may_subscribe_only_to_their_workers(world):
    options = services.targets(world.supervisor)
    assert options == {
        "worker": {world.worker.id: world.worker.display_name},
        "class": {},
        "school": {},
    }
    with pytest.raises(PlannerError):
        services.create_token(world.supervisor, "worker", world.worker_other.id)
    with pytest.raises(PlannerError):
        services.create_token(world.supervisor, "class", world.cls.id)


def test_archived_targets_are_not_offered(world):
    world.cls.archived = True
    world.cls.save()
    assert world.cls.id not in services.targets(world.worker)["class"]


def test_rotate_revokes_the_old_token_and_keeps_the_calendar(world):
    old, old_raw = token(world.worker)
    new, new_raw = services.rotate_token(world.worker, old.id)
    assert new_raw != old_raw
    assert (new.audience, new.target_id, new.label) == (old.audience, old.target_id, old.label)
    assert FeedToken.get_by_id(old.id).revoked_at is not None
    assert services.resolve(old_raw) is None
    assert services.resolve(new_raw).id == new.id
    with pytest.raises(PlannerError) as gone:
        services.rotate_token(world.worker, old.id)  # already rotated
    assert gone.value.kind == NOT_FOUND


def test_only_the_owner_may_rotate_or_revoke(world):
    mine, raw = token(world.worker)
    with pytest.raises(PlannerError, match="找不到"):
        services.rotate_token(world.admin, mine.id)
    assert services.revoke_token(world.supervisor, mine.id) is False
    assert services.resolve(raw) is not None
    assert services.revoke_token(world.worker, mine.id) is True
    assert services.revoke_token(world.worker, mine.id) is False
    assert services.resolve(raw) is None
    assert services.active_tokens(world.worker) == []


def test_a_feed_stops_when_its_owner_loses_the_right_to_it(world):
    class_token, class_raw = services.create_token(world.worker, "class", world.cls.id)
    own_token, own_raw = token(world.worker)
    WorkerSchool.delete().where(WorkerSchool.worker == world.worker.id).execute()
    assert services.resolve(class_raw) is None  # no longer serves that school
    assert services.resolve(own_raw) is not None  # still their own calendar
    with pytest.raises(PlannerError):
        services.rotate_token(world.worker, class_token.id)
    User.update(active=False).where(User.id == world.worker.id).execute()
    assert services.resolve(own_raw) is None  # deactivated


def test_garbage_tokens_resolve_to_nothing(world):
    token(world.worker)
    for raw in ("", "x", "a" * 43, "a" * 500, "../../etc/passwd", "' OR 1=1 --"):
        assert services.resolve(raw) is None

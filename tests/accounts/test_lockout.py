"""The login lock is not a weapon: the owner's own browser still gets in, an admin can
unlock, a new password clears the lock, and parallel wrong guesses are all counted."""

import threading

from planner.accounts import services
from planner.accounts.models import User
from planner.audit.models import AuditEntry
from planner.db import database
from tests import factories
from tests.accounts.test_users_admin import edit_data
from tests.conftest import login_as

WRONG = "wrong-password-123"


def post_login(client, username, password=factories.PASSWORD):
    return client.post("/login", data={"username": username, "password": password})


def lock(app, username):
    """Someone who only knows the username locks the account from their own browser."""
    attacker = app.test_client()
    for _ in range(app.config["LOGIN_LOCK_AFTER"]):
        assert post_login(attacker, username, WRONG).status_code == 401
    assert User.get(User.username == username).is_locked
    return attacker


def test_the_owners_browser_gets_in_while_the_account_is_locked(app, world):
    owner = app.test_client()
    assert post_login(owner, world.worker.username).status_code == 303
    owner.post("/logout")
    attacker = lock(app, world.worker.username)
    # the attacker's right guess is held back; the owner's browser is not
    assert post_login(attacker, world.worker.username).status_code == 401
    assert post_login(owner, world.worker.username).status_code == 303
    assert owner.get("/dashboard").status_code == 200
    stored = User.get_by_id(world.worker.id)
    assert (stored.failed_logins, stored.locked_until) == (0, None)


def test_the_owners_browser_still_needs_the_password(app, world):
    owner = app.test_client()
    assert post_login(owner, world.worker.username).status_code == 303
    owner.post("/logout")
    lock(app, world.worker.username)
    assert post_login(owner, world.worker.username, WRONG).status_code == 401
    assert User.get_by_id(world.worker.id).failed_logins == 1  # its wrong guesses count too


def test_a_device_cookie_of_another_account_or_an_old_password_does_not_bypass(app, world):
    browser = app.test_client()
    assert post_login(browser, world.teacher.username).status_code == 303
    browser.post("/logout")
    lock(app, world.worker.username)
    assert post_login(browser, world.worker.username).status_code == 401  # not its account

    owner = app.test_client()
    assert post_login(owner, world.teacher.username).status_code == 303
    owner.post("/logout")
    User.update(password_hash=services.hash_password("another-long-passphrase")).where(
        User.id == world.teacher.id
    ).execute()
    lock(app, world.teacher.username)
    # the browser signed in with the old password: it is a stranger to the new one
    assert post_login(owner, world.teacher.username, "another-long-passphrase").status_code == 401


def test_a_forged_device_cookie_does_not_bypass(app, world):
    lock(app, world.worker.username)
    forger = app.test_client()
    mark = services.device_mark(User.get_by_id(world.worker.id))
    forger.set_cookie("planner_device", mark, path="/login")  # unsigned
    assert post_login(forger, world.worker.username).status_code == 401


def test_an_admin_unlocks_the_account(app, world):
    lock(app, world.worker.username)
    admin = login_as(app.test_client(), world.admin)
    listing = admin.get("/admin/users").get_data(as_text=True)
    assert "登录已锁定" in listing
    assert f"/admin/users/{world.worker.id}/unlock" in listing
    assert admin.post(f"/admin/users/{world.worker.id}/unlock").status_code == 303
    assert "登录已锁定" not in admin.get("/admin/users").get_data(as_text=True)
    assert post_login(app.test_client(), world.worker.username).status_code == 303
    row = AuditEntry.get(AuditEntry.action == "user_unlock")
    assert (row.user_id, row.object_id) == (world.admin.id, world.worker.id)


def test_an_admin_cannot_unlock_another_agencys_user(app, world):
    stranger = factories.user("worker", agency=factories.agency(name="别的机构", code="OA"))
    lock(app, stranger.username)
    admin = login_as(app.test_client(), world.admin)
    assert admin.post(f"/admin/users/{stranger.id}/unlock").status_code == 404
    assert User.get_by_id(stranger.id).is_locked


def test_a_new_password_clears_the_lock(app, world):
    lock(app, world.worker.username)
    admin = login_as(app.test_client(), world.admin)
    new = "a-brand-new-passphrase"
    response = admin.post(
        f"/admin/users/{world.worker.id}/edit", data=edit_data(world.worker, password=new)
    )
    assert response.status_code == 303
    stored = User.get_by_id(world.worker.id)
    assert (stored.failed_logins, stored.locked_until) == (0, None)
    assert post_login(app.test_client(), world.worker.username, new).status_code == 303


def test_parallel_wrong_guesses_are_all_counted(app, world):
    threads, per_thread = 6, 3
    barrier = threading.Barrier(threads)
    errors = []

    def guess():
        try:
            barrier.wait()
            with database.connection_context():
                for _ in range(per_thread):
                    services.authenticate(world.worker.username, WRONG, 1000, 60)
        except Exception as exc:  # shown by the assertion below
            errors.append(exc)

    workers = [threading.Thread(target=guess) for _ in range(threads)]
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join()
    assert errors == []
    assert User.get_by_id(world.worker.id).failed_logins == threads * per_thread


def test_the_user_list_costs_the_same_with_locked_users(app, world):
    from playhouse.test_utils import count_queries

    admin = login_as(app.test_client(), world.admin)

    def cost():
        with count_queries() as counter:
            assert admin.get("/admin/users").status_code == 200
        return counter.count

    before = cost()
    for user in (world.worker, world.teacher, world.supervisor):
        lock(app, user.username)
    assert cost() == before == 2  # the signed-in admin, the list

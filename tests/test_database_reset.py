"""The reset after every test (tests/conftest.py reset_database) empties the tables even when
the test's own connection still holds a read begun before another thread's last write, as
a browser test's does after the server thread wrote (the journey's teardown once failed
with "database is locked")."""

import threading

from planner.accounts.models import Agency
from planner.db import database
from tests import factories
from tests.conftest import reset_database


def test_an_unfinished_read_and_another_threads_write_do_not_stop_the_reset(app):
    with app.app_context():
        for _ in range(3):
            factories.agency()
        rows = database.execute_sql('SELECT "id" FROM "agency"')
        rows.fetchone()  # read, not to its end: the read stays open on this connection

        def elsewhere():  # another thread's connection writes meanwhile
            with database.connection_context():
                factories.agency()

        writer = threading.Thread(target=elsewhere)
        writer.start()
        writer.join()
        reset_database()
        assert Agency.select().count() == 0
        database.close()

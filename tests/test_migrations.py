"""Migrating an empty database gives exactly the models' schema, on SQLite and PostgreSQL."""

from collections import Counter

import pytest

from planner import migrations
from planner.db import database, make_database
from planner.models import MODELS
from tests.conftest import drop_database, fresh_database_url


@pytest.fixture
def empty_db(tmp_path):
    """use(url) points the shared proxy at a new empty database; all are dropped after."""
    previous = database.obj
    made = []

    def use():
        url = fresh_database_url(tmp_path)
        made.append(url)
        _close()
        database.initialize(make_database(url))
        database.connect()
        return url

    yield use
    _close()
    if previous is not None:
        database.initialize(previous)
    for url in made:
        drop_database(url)


def _close():
    if database.obj is not None and not database.is_closed():
        database.close()


def schema_of(db):
    """Per model table: columns, indexes and foreign keys, as comparable values."""
    out = {}
    for model in MODELS:
        table = model._meta.table_name
        columns = {
            (c.name, c.data_type.lower(), (c.full_type or "").lower(), c.null, c.primary_key)
            for c in db.get_columns(table)
        }
        indexes = Counter((tuple(i.columns), i.unique) for i in db.get_indexes(table))
        foreign_keys = {
            (fk.column, fk.dest_table, fk.dest_column, (fk.on_delete or "").upper())
            for fk in db.get_foreign_keys(table)
        }
        out[table] = {"columns": columns, "indexes": indexes, "foreign_keys": foreign_keys}
    return out


def test_migrating_an_empty_database_gives_the_models_schema(empty_db):
    empty_db()
    applied = migrations.migrate()
    assert applied == migrations.available()
    migrated = schema_of(database.obj)
    migrated_tables = set(database.get_tables())

    empty_db()
    database.create_tables(MODELS)  # the only use of create_tables: the reference schema
    reference = schema_of(database.obj)
    reference_tables = set(database.get_tables())

    assert migrated_tables == reference_tables | {"schema_migration"}
    for table in reference:
        assert migrated[table]["columns"] == reference[table]["columns"], table
        assert migrated[table]["indexes"] == reference[table]["indexes"], table
        assert migrated[table]["foreign_keys"] == reference[table]["foreign_keys"], table
    # The comparison is not vacuous: every table has columns, and the links are there.
    assert all(reference[t]["columns"] for t in reference)
    assert ("school_id", "school", "id", "RESTRICT") in reference["school_class"]["foreign_keys"]
    assert (("school_id", "school_year_id", "name"), True) in reference["school_class"]["indexes"]


def test_every_model_field_is_a_migrated_column(empty_db):
    empty_db()
    migrations.migrate()
    for model in MODELS:
        columns = {c.name: c for c in database.get_columns(model._meta.table_name)}
        for field in model._meta.sorted_fields:
            assert field.column_name in columns, (model.__name__, field.name)
            assert columns[field.column_name].null == field.null, (model.__name__, field.name)


def test_migrating_twice_is_a_no_op(empty_db):
    empty_db()
    first = migrations.migrate()
    before = schema_of(database.obj)
    assert first
    assert migrations.migrate() == []
    assert migrations.pending() == []
    assert schema_of(database.obj) == before


def test_schema_migration_lists_every_module(empty_db):
    empty_db()
    migrations.migrate()
    names = [
        row.name
        for row in migrations.SchemaMigration.select().order_by(migrations.SchemaMigration.name)
    ]
    assert names == migrations.available()
    assert "m0001_initial" in names
    assert all(row.applied_at is not None for row in migrations.SchemaMigration.select())


def test_available_migrations_are_numbered_in_order():
    names = migrations.available()
    assert names == sorted(names)
    assert [int(name[1:5]) for name in names] == list(range(1, len(names) + 1))


def test_a_failed_migration_leaves_nothing_behind(empty_db, monkeypatch):
    """Each migration runs in one transaction: a failure records nothing and creates nothing."""
    empty_db()
    from planner.migrations import m0001_initial

    def broken():
        database.execute_sql('CREATE TABLE "half_done" ("id" INTEGER NOT NULL PRIMARY KEY)')
        raise RuntimeError("migration failed")

    monkeypatch.setattr(m0001_initial, "up", broken)
    with pytest.raises(RuntimeError):
        migrations.migrate()
    assert "half_done" not in database.get_tables()
    assert migrations.pending() == migrations.available()

"""Versioned migrations: numbered modules m####_name.py, each with up(db).

The applied ones are recorded in `schema_migration`. New migrations that only add
tables are written by `flask planner makemigration NAME`, which renders the models'
DDL for SQLite and PostgreSQL into the new module; column changes are written by hand
with playhouse.migrations.
"""

import importlib
import pkgutil

from peewee import CharField, Model, PostgresqlDatabase

from planner.db import DateTimeField, database, now


class SchemaMigration(Model):
    name = CharField(max_length=100, primary_key=True)
    applied_at = DateTimeField(default=now)

    class Meta:
        database = database
        table_name = "schema_migration"


def available() -> list[str]:
    """Migration module names in order."""
    return sorted(m.name for m in pkgutil.iter_modules(__path__) if m.name.startswith("m"))


def dialect() -> str:
    return "postgres" if isinstance(database.obj, PostgresqlDatabase) else "sqlite"


def run_sql(statements: dict) -> None:
    """Execute the statements written for this database's dialect."""
    for sql in statements[dialect()]:
        database.execute_sql(sql)


def pending() -> list[str]:
    SchemaMigration.create_table(safe=True)
    done = {row.name for row in SchemaMigration.select()}
    return [name for name in available() if name not in done]


def migrate() -> list[str]:
    """Apply every pending migration, each in its own transaction. Returns their names."""
    applied = []
    for name in pending():
        module = importlib.import_module(f"{__name__}.{name}")
        with database.atomic():
            module.up()
            SchemaMigration.create(name=name)
        applied.append(name)
    return applied

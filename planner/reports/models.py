"""The write stamps of the tables the term statistics count (planner.reports.stamp)."""

from peewee import BigIntegerField, CharField

from planner.db import BaseModel


class StatsStamp(BaseModel):
    """One row per table the statistics read whose rows carry no stamp of their own: the
    stamp of the last write to it, raised by a trigger on that table (migration m0028,
    `planner.migrations.stamping`): a count of the writes, never lowered. Never written
    by the app."""

    name = CharField(max_length=63, primary_key=True)
    stamp = BigIntegerField(default=0)

    class Meta:
        table_name = "stats_stamp"

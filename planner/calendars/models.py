"""Bell periods (课节) and calendar days (校历). A CalendarDay with no school is a
statutory national day (holiday or 调休 make-up workday) that applies to every school."""

from peewee import CharField, ForeignKeyField, IntegerField, TextField

from planner.db import BaseModel, DateField, TimeField, VersionedModel
from planner.i18n import lazy_gettext as _l
from planner.schools.models import School

SECTIONS = {"all": _l("全校"), "primary": _l("小学部"), "secondary": _l("中学部")}
DAY_KINDS = {
    "holiday": _l("节假日"),
    "makeup": _l("调休上课日"),
    "exam": _l("考试日"),
    "closure": _l("停课"),
    "event": _l("学校活动"),
}
NO_TEACHING = ("holiday", "exam", "closure")


class BellPeriod(BaseModel):
    """第3节 09:50–10:35. A 九年一贯制 school keeps separate primary/secondary schedules."""

    school = ForeignKeyField(School, backref="periods", on_delete="CASCADE")
    section = CharField(max_length=10, default="all")
    number = IntegerField()
    start = TimeField()
    end = TimeField()

    class Meta:
        table_name = "bell_period"
        indexes = ((("school", "section", "number"), True),)

    @property
    def label(self):
        return _l("第%(n)s节", n=self.number)


MAX_ENTRY_DAYS = 62  # a school's entry spans at most this many days (a whole summer is not one)


class CalendarDay(VersionedModel):
    """One entry of a calendar that is not ordinary teaching (or a school event): a date,
    or a school's range of dates from `date` to `end_date` (a three-day exam is one entry).
    Statutory rows are one a date (end_date = date)."""

    school = ForeignKeyField(School, null=True, backref="calendar_days", on_delete="CASCADE")
    date = DateField()
    end_date = DateField()  # the last day of the entry; = date for a single day
    kind = CharField(max_length=10)
    name = CharField(max_length=60)
    follows_weekday = IntegerField(null=True)  # 调休: the ISO weekday whose timetable runs
    source = TextField(default="")

    class Meta:
        table_name = "calendar_day"
        indexes = ((("school", "date", "kind"), True), (("date",), False), (("end_date",), False))

    def save(self, *args, **kwargs):
        if self.end_date is None:  # a single day unless told otherwise
            self.end_date = self.date
        return super().save(*args, **kwargs)

    @classmethod
    def overlapping(cls, start, end):
        """The entries with at least one day in [start, end]."""
        return (cls.date <= end) & (cls.end_date >= start)

    @property
    def days(self) -> int:
        return (self.end_date - self.date).days + 1

    @property
    def kind_label(self):
        return DAY_KINDS.get(self.kind, self.kind)

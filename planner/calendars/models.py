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


class CalendarDay(VersionedModel):
    """One day that is not an ordinary teaching day (or a school event on one)."""

    school = ForeignKeyField(School, null=True, backref="calendar_days", on_delete="CASCADE")
    date = DateField()
    kind = CharField(max_length=10)
    name = CharField(max_length=60)
    follows_weekday = IntegerField(null=True)  # 调休: the ISO weekday whose timetable runs
    source = TextField(default="")

    class Meta:
        table_name = "calendar_day"
        indexes = ((("school", "date", "kind"), True), (("date",), False))

    @property
    def kind_label(self):
        return DAY_KINDS.get(self.kind, self.kind)

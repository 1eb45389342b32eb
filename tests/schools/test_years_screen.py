"""/admin/schools/<id>/years: the years, the rollover preview form and its commit."""

from playhouse.test_utils import count_queries

from planner.schools.models import SchoolClass, SchoolYear
from planner.students.models import Student
from tests import factories
from tests.conftest import login_as
from tests.students import factories as sf


def url(world, year=None):
    base = f"/admin/schools/{world.school.id}/years"
    return f"{base}?year={year}" if year else base


def _years(world):
    return SchoolYear.select().where(SchoolYear.school == world.school.id).count()


def form(**kw):
    data = {
        "year": "2027",
        "entry_7": "1",
        "term1_start": "2027-09-01",
        "term1_end": "2028-01-14",
        "term2_start": "2028-02-16",
        "term2_end": "2028-07-03",
    }
    data.update(kw)
    return data


def test_the_preview_shows_what_would_happen(client, world):
    s = sf.student(world.school, world.cls)
    login_as(client, world.admin)
    html = client.get(url(world, 2027)).get_data(as_text=True)
    assert "2026—2027学年" in html and "8(1)班" in html
    assert "2027—2028学年第一学期" in html and 'value="2027-09-01"' in html
    assert f'name="keep" value="{world.cls.id}" checked' in html
    assert s.name not in html  # counts, never names
    assert _years(world) == 1


def test_commit_from_the_form_and_again(client, world):
    s = sf.student(world.school, world.cls)
    login_as(client, world.admin)
    response = client.post(url(world), data=form(keep=[]))
    assert response.status_code == 303, response.get_data(as_text=True)
    new = Student.get_by_id(s.id).school_class
    assert (new.name, new.grade, new.headteacher) == ("8(1)班", 8, "")
    y2027 = SchoolYear.get((SchoolYear.start_year == 2027) & (SchoolYear.school == world.school.id))
    assert [t.start.isoformat() for t in y2027.terms.order_by("start")] == [
        "2027-09-01",
        "2028-02-16",
    ]
    assert SchoolClass.select().where(SchoolClass.school_year == y2027.id).count() == 2
    html = client.get(url(world, 2027)).get_data(as_text=True)
    assert "已完成升级" in html and "rollover-form" not in html
    again = client.post(url(world), data=form())
    assert again.status_code == 422
    assert "不会重复执行" in again.get_data(as_text=True)
    assert _years(world) == 2


def test_bad_input_is_refused_with_a_message_and_nothing_saved(client, world):
    login_as(client, world.admin)
    cases = [
        (form(term1_end=""), "请填写两个学期"),
        (form(term1_end="2028-03-01"), "依次排列"),
        (form(entry_7="99"), "应在 0 到 30 之间"),
        (form(year="2031"), "没有可结束的学年"),
        (form(year="x"), "整数"),
        (form(keep="abc"), ""),
    ]
    for data, words in cases:
        response = client.post(url(world), data=data)
        assert response.status_code == 422, data
        assert words in response.get_data(as_text=True), data
    assert _years(world) == 1


def test_other_agency_gets_404_and_other_roles_403(client, world):
    stranger = factories.user("admin", username="other_admin")
    login_as(client, stranger)
    assert client.get(url(world, 2027)).status_code == 404
    assert client.post(url(world), data=form()).status_code == 404
    login_as(client, world.worker)
    assert client.get(url(world, 2027)).status_code == 403
    assert client.post(url(world), data=form()).status_code == 403
    assert _years(world) == 1


def test_query_count_is_pinned(client, world):
    for grade, name in ((8, "8(1)班"), (9, "9(1)班")):
        c = factories.school_class(school=world.school, grade=grade, name=name)
        sf.student(world.school, c)
    login_as(client, world.admin)
    client.get(url(world, 2027))
    with count_queries() as small:
        assert client.get(url(world, 2027)).status_code == 200
    for n in range(2, 6):
        c = factories.school_class(school=world.school, grade=7, name=f"7({n})班")
        sf.student(world.school, c)
    with count_queries() as large:
        assert client.get(url(world, 2027)).status_code == 200
    assert small.count == large.count
    assert small.count == 10  # pinned: a new per-row query would change it

"""学期工作统计 (planner.reports.stats): every number of a small hand-built term worked out in
the comments, the scoping of each role, the page (constant query count) and the document."""

import datetime as dt
import re
import types

import pytest
from playhouse.test_utils import count_queries

from planner.accounts.models import WorkerSchool
from planner.audit.models import AuditEntry
from planner.i18n import local_today
from planner.reports.stats import KEYS, term_statistics
from planner.runs.models import SessionRecord
from planner.schools.models import Term
from planner.sessions.models import ProgramClass, Session
from tests import factories
from tests.conftest import login_as
from tests.exports import records
from tests.exports.helpers import tables
from tests.reflections import factories as rf
from tests.reports import unsigned

T = "2026—2027学年第一学期"


def today():
    """The day the page and the document count up to; asked each time, so a run that
    crosses midnight doesn't compare with yesterday."""
    return local_today()


WEEK = dt.timedelta(weeks=1)


def _cancel(session):
    Session.update(status="cancelled").where(Session.id == session.id).execute()


def _marks(session, students, statuses):
    for student, status in zip(students, statuses):
        rf.attendance(session, student, status)


@pytest.fixture
def term(world):
    """Schools 甲校, 乙校 (with terms named T) and 丙校 (no programs) of the world's agency;
    worker W1 (the world's, 甲校) and W2 (甲校 and 乙校); programs P1–P4 described below,
    a program of another term and a program of another agency, neither counted."""
    Term.update(name=T).where(Term.id.in_([world.term.id, world.other_term.id])).execute()
    jia, yi = world.school, world.other_school
    c3 = factories.school_class(school=jia, name="7(3)班")
    factories.school_class(school=jia, name="7(4)班")
    factories.school_class(school=jia, name="7(5)班", archived=True)  # not counted
    factories.school_class(school=yi, name="8(1)班")
    bing = factories.school(agency=world.agency, name="丙校", code="BX")
    for name in ("1(1)班", "1(2)班"):
        factories.school_class(school=bing, name=name)
    # classes not archived: 甲校 3 (7(1) 7(3) 7(4)), 乙校 2 (7(2) 8(1)), 丙校 2 → 7
    w1 = world.worker
    w2 = factories.user("worker", agency=world.agency, display_name="王社工", schools=[jia, yi])
    yi_world = types.SimpleNamespace(
        school=yi, term=world.other_term, room=world.other_room, cls=world.other_cls, worker=w2
    )

    # P1, 甲校, W1, classes 7(1) and 7(3): lessons 3 weeks ago (40) and 2 weeks ago (38)
    # delivered; last week's cancelled (its 35 doesn't count); today's has no record; next
    # week's 30 is in the future → 2 lessons, 78 participants, classes 7(1) 7(3) covered
    p1 = rf.program(world, kind="classroom", sessions=5, first=today() - 3 * WEEK)
    ProgramClass.create(program=p1, school_class=c3)
    s = rf.sessions_of(p1)
    for session, n in zip(s[:3], (40, 38, 35)):
        rf.headcount(session, n)
    _cancel(s[2])
    rf.headcount(s[4], 30)
    # P2, 乙校, W2, class 7(2): 45 two weeks ago; last week's record has notes, no headcount
    # → 1 lesson, 45 participants, 7(2) covered
    p2 = rf.program(yi_world, kind="classroom", sessions=2, workers=[w2], first=today() - 2 * WEEK)
    s = rf.sessions_of(p2)
    rf.headcount(s[0], 45)
    SessionRecord.create(session=s[1], notes="只有备注")
    # P3, 甲校, W1, five members: meeting 1 has one mark of each status (3 of 5 attended),
    # meeting 2 four present and one absent (4 of 5); meeting 3 is cancelled (its marks don't
    # count); meeting 4 (today) has a reflection and no attendance → 2 meetings, 7 of 10
    kids = [rf.student(world) for _ in range(5)]
    p3 = rf.program(world, sessions=4, first=today() - 3 * WEEK)
    rf.members(p3, *kids)
    s = rf.sessions_of(p3)
    _marks(s[0], kids, ["present", "late", "left_early", "excused", "absent"])
    _marks(s[1], kids, ["present"] * 4 + ["absent"])
    _marks(s[2], kids, ["present", "present"])
    _cancel(s[2])
    rf.reflection(s[3], w1)
    # P4, 甲校, shared by W1 and W2: one meeting with 2 of 3 attended, one without marks
    p4 = rf.program(world, sessions=2, workers=[w1, w2], first=today() - 2 * WEEK)
    _marks(rf.sessions_of(p4)[0], kids, ["present", "present", "absent"])

    # not counted: 甲校's previous term, and another agency's school with a term named T
    old = factories.term(
        school=jia,
        name="2025—2026学年第二学期",
        start=dt.date(2026, 2, 20),
        end=dt.date(2026, 7, 10),
    )
    rf.headcount(
        rf.sessions_of(
            rf.program(
                types.SimpleNamespace(
                    school=jia, term=old, room=world.room, cls=world.cls, worker=w1
                ),
                kind="classroom",
                sessions=1,
                first=today() - 30 * WEEK,
            )
        )[0],
        50,
    )
    foreign = world.foreign_school
    fworker = factories.user("worker", agency=foreign.agency, schools=[foreign])
    far = types.SimpleNamespace(
        school=foreign,
        term=factories.term(school=foreign, name=T),
        room=factories.room(school=foreign),
        cls=factories.school_class(school=foreign),
        worker=fworker,
    )
    rf.headcount(
        rf.sessions_of(rf.program(far, kind="classroom", sessions=1, first=today() - WEEK))[0], 99
    )
    return types.SimpleNamespace(
        w1=w1,
        w2=w2,
        jia=jia,
        yi=yi,
        bing=bing,
        foreign_admin=factories.user("admin", agency=foreign.agency),
    )


def row(
    lessons,
    lesson_participants,
    groups,
    meetings,
    meeting_participants,
    participants,
    attendance_rate,
    classes_covered,
    classes_total,
    coverage,
):
    values = dict(
        zip(
            KEYS,
            (
                lessons,
                lesson_participants,
                groups,
                meetings,
                meeting_participants,
                participants,
                attendance_rate,
                classes_covered,
                classes_total,
                coverage,
            ),
        )
    )
    return {k: pytest.approx(v) if isinstance(v, float) else v for k, v in values.items()}


def _numbers(r):
    return {k: r[k] for k in KEYS}


# 甲校: P1's 2 lessons (78) and P3 + P4's 3 meetings (7 + 2 = 9 of 10 + 3 marks)
JIA = row(2, 78, 2, 3, 9, 87, 9 / 13, 2, 3, 2 / 3)
YI = row(1, 45, 0, 0, 0, 45, None, 1, 2, 1 / 2)  # P2 only; no meeting: no rate
BING = row(0, 0, 0, 0, 0, 0, None, 0, 2, 0.0)  # no programs, but its 2 classes count
# W2: P2, and P4's meeting (which W1 counts too); classes of 甲校 and 乙校: 3 + 2
W2 = row(1, 45, 1, 1, 2, 47, 2 / 3, 1, 5, 1 / 5)


def test_the_admin_sees_every_school_of_the_agency(world, term):
    stats = term_statistics(world.admin, T, today())
    # P1 + P2: 3 lessons, 123; P3 + P4: 2 groups, 3 meetings, 9 of 13 marks; 132 in all;
    # classes 7(1) 7(3) 7(2) covered of 7 — P4's shared meeting counted once
    assert _numbers(stats.totals) == row(3, 123, 2, 3, 9, 132, 9 / 13, 3, 7, 3 / 7)
    assert {r["name"]: _numbers(r) for r in stats.schools} == {
        "甲校": JIA,
        "乙校": YI,
        "丙校": BING,
    }
    assert [r["name"] for r in stats.schools] == sorted(["甲校", "乙校", "丙校"])
    # per worker, the shared meeting counts for each of them
    assert {r["id"]: _numbers(r) for r in stats.workers} == {term.w1.id: JIA, term.w2.id: W2}


def test_an_archived_school_leaves_the_rows_but_not_the_totals(world, term):
    """Its sessions still happened (the totals keep them); it gets no row of its own."""
    from planner.schools.models import School

    School.update(archived=True).where(School.id == world.school.id).execute()
    stats = term_statistics(world.admin, T, today())
    assert "甲校" not in [r["name"] for r in stats.schools]
    assert stats.totals["lessons"] == 3


def test_a_worker_sees_only_their_programs(world, term):
    mine = term_statistics(term.w1, T, today())
    assert _numbers(mine.totals) == JIA  # P1, P3, P4: all in 甲校
    assert [r["name"] for r in mine.schools] == ["甲校"]
    assert _numbers({r["id"]: r for r in mine.workers}[term.w1.id]) == JIA
    theirs = term_statistics(term.w2, T, today())
    assert _numbers(theirs.totals) == W2
    # W2 in 甲校: P4's meeting only, no lesson (0 of 3 classes); in 乙校: P2
    assert {r["name"]: _numbers(r) for r in theirs.schools} == {
        "甲校": row(0, 0, 1, 1, 2, 2, 2 / 3, 0, 3, 0.0),
        "乙校": YI,
    }


def test_a_supervisor_sees_only_their_workers_programs(world, term):
    stats = term_statistics(world.supervisor, T, today())  # supervises W1 only
    assert _numbers(stats.totals) == JIA
    assert [r["name"] for r in stats.schools] == ["甲校"]
    assert term.w1.id in {r["id"] for r in stats.workers}


def test_another_agency_never_counts(world, term):
    ours = term_statistics(world.admin, T, today())
    assert ours.totals["lesson_participants"] == 123  # not the other agency's 99
    theirs = term_statistics(term.foreign_admin, T, today())
    assert _numbers(theirs.totals) == row(1, 99, 0, 0, 0, 99, None, 1, 1, 1.0)
    assert [r["name"] for r in theirs.schools] == [world.foreign_school.name]


def test_the_counting_date_leaves_later_sessions_out(world, term):
    # three weeks ago: P1's first lesson and P3's first meeting only
    early = term_statistics(world.admin, T, today() - 3 * WEEK)
    assert _numbers(early.totals) == row(1, 40, 1, 1, 3, 43, 3 / 5, 2, 7, 2 / 7)


def _cells(html, table_id, row_marker):
    """data-key → cell text of one row of the page's tables."""
    table = html.split(f'id="{table_id}"', 1)[1].split("</table>", 1)[0]
    line = table.split(row_marker, 1)[1].split("</tr>", 1)[0]
    return dict(re.findall(r'<td data-key="(\w+)">([^<]*)</td>', line))


def test_the_page_shows_the_numbers(client, world, term):
    login_as(client, world.admin)
    html = client.get("/stats").get_data(as_text=True)  # the newest term is the default
    assert f'<option value="{T}" selected' in html
    assert _cells(html, "stats-totals", 'class="total"') == {
        "lessons": "3",
        "lesson_participants": "123",
        "groups": "2",
        "meetings": "3",
        "meeting_participants": "9",
        "participants": "132",
        "attendance_rate": "69.2%",
        "classes_covered": "3 / 7",
        "coverage": "42.9%",
    }
    assert _cells(html, "stats-totals", f'id="school-{term.bing.id}"')["coverage"] == "0.0%"
    assert _cells(html, "stats-workers", f'id="worker-{term.w2.id}"')["participants"] == "47"
    old = client.get("/stats?term=2025—2026学年第二学期").get_data(as_text=True)
    assert _cells(old, "stats-totals", 'class="total"')["lesson_participants"] == "50"
    assert client.get("/stats?term=unknown").status_code == 404
    login_as(client, term.foreign_admin)  # a term name of ours they don't have
    assert client.get("/stats?term=2025—2026学年第二学期").status_code == 404


def _stats_world(world, programs, schools):
    """`programs` classroom series of 3 lessons with headcounts, and as many groups of 3
    meetings with attendance, spread over the first `schools` of 甲校 and 乙校 (whose terms
    are named T)."""
    places = [
        world,
        types.SimpleNamespace(
            school=world.other_school,
            term=world.other_term,
            room=world.other_room,
            cls=world.other_cls,
            worker=world.worker,
        ),
    ][:schools]
    Term.update(name=T).where(Term.id.in_([p.term.id for p in places])).execute()
    kid = rf.student(world)
    for n in range(programs):
        place = places[n % schools]
        for session in rf.sessions_of(
            rf.program(place, kind="classroom", sessions=3, first=today() - 4 * WEEK)
        ):
            rf.headcount(session, 30)
        for session in rf.sessions_of(rf.program(place, sessions=3, first=today() - 4 * WEEK)):
            rf.attendance(session, kid)


def test_the_page_query_count_does_not_grow_with_the_data(client, world):
    """Computed: the user, the stamps, term names, 5 of the statistics, terms; kept (no
    write since): the user and the stamps (reports/cache.py)."""
    WorkerSchool.create(worker=world.worker, school=world.other_school)
    login_as(client, world.admin)
    _stats_world(world, 1, schools=1)  # 3 lessons and 3 meetings in 甲校
    with count_queries() as small:
        html = client.get(f"/stats?term={T}").get_data(as_text=True)
    with count_queries() as small_kept:
        assert unsigned(client.get(f"/stats?term={T}").get_data(as_text=True)) == unsigned(html)
    assert '<td data-key="lessons">3</td>' in html and html.count("全部文档（.zip）") == 1
    _stats_world(world, 9, schools=2)  # 30 lessons and 30 meetings, 甲校 and 乙校
    with count_queries() as large:
        html = client.get(f"/stats?term={T}").get_data(as_text=True)
    with count_queries() as large_kept:
        assert unsigned(client.get(f"/stats?term={T}").get_data(as_text=True)) == unsigned(html)
    assert '<td data-key="lessons">30</td>' in html and html.count("全部文档（.zip）") == 2
    # the user, term names, the stamps, 5 of the statistics, 6 of the pyramid, terms, 5 of
    # the service counts; kept: the user and the stamps
    assert small.count == large.count == 20
    assert small_kept.count == large_kept.count == 2


def _stats_table(data) -> list:
    """The document's table of figures by school or worker (the pyramid's follow it)."""
    return next(t for t in tables(data) if t[0][1:3] == ["课堂节数", "课堂人次"])


def test_the_document_holds_the_same_numbers(client, world, term):
    login_as(client, world.admin)
    agency = client.get(f"/stats/document.docx?term={T}&scope=agency")
    assert agency.status_code == 200 and agency.headers["Cache-Control"] == "no-store"
    assert records.download_name(agency) == f"TA-TJ-2026_学期工作统计_测试机构_{T}.docx"
    rows = _stats_table(agency.data)
    assert rows[0][:2] == ["学校", "课堂节数"]
    assert rows[-1] == ["合计", "3", "123", "2", "3", "9", "132", "69.2%", "3/7", "42.9%"]
    assert {r[0]: r[1:] for r in rows[1:-1]}["丙校"] == ["0"] * 6 + ["—", "0/2", "0.0%"]
    assert AuditEntry.get().detail == f"agency {T}"
    school = _stats_table(
        client.get(f"/stats/document.docx?term={T}&scope=school&id={term.jia.id}").data
    )
    # 甲校 with a row per worker: W2 has P4's meeting there
    assert school[0][0] == "社工" and school[-1][1:] == [
        "2",
        "78",
        "2",
        "3",
        "9",
        "87",
        "69.2%",
        "2/3",
        "66.7%",
    ]
    assert {r[0]: r[1:] for r in school[1:-1]}["王社工"] == [
        "0",
        "0",
        "1",
        "1",
        "2",
        "2",
        "66.7%",
        "0/3",
        "0.0%",
    ]
    worker = _stats_table(
        client.get(f"/stats/document.docx?term={T}&scope=worker&id={term.w2.id}").data
    )
    assert worker[-1][1:] == ["1", "45", "1", "1", "2", "47", "66.7%", "1/5", "20.0%"]


def test_the_document_of_someone_outside_the_users_view_is_not_found(client, world, term):
    login_as(client, term.w1)
    assert (
        client.get(f"/stats/document.docx?term={T}&scope=worker&id={term.w1.id}").status_code == 200
    )
    for query in (
        f"scope=worker&id={term.w2.id}",
        f"scope=school&id={term.yi.id}",
        "scope=worker",
        "scope=everyone",
    ):
        assert client.get(f"/stats/document.docx?term={T}&{query}").status_code == 404, query
    login_as(client, world.supervisor)
    assert (
        client.get(f"/stats/document.docx?term={T}&scope=worker&id={term.w2.id}").status_code == 404
    )
    assert AuditEntry.select().count() == 1  # the one document that was given


def test_the_zip_buttons_name_each_school_escaped(client, world, term):
    """The zip forms' label and address are made once and filled in per term."""
    from planner.schools.models import School

    School.update(name="<b>甲&校</b>").where(School.id == term.jia.id).execute()
    login_as(client, world.admin)
    html = client.get(f"/stats?term={T}").get_data(as_text=True)
    assert "&lt;b&gt;甲&amp;校&lt;/b&gt;：全部文档（.zip）" in html and "<b>甲" not in html
    assert f'action="/terms/{world.term.id}/documents/zip"' in html
    assert f'action="/terms/{world.other_term.id}/documents/zip"' in html

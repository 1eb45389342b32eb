"""Bulk work at tablet size (issue 14): the worker enters a whole group's pre-test on one
grid (one bad cell shows its message in the cell and nothing is saved; fixed, the whole
grid saves at once), and the admin enters a three-day exam as one calendar entry."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from planner.calendars.models import CalendarDay
from planner.demo import DEMO_PASSWORD
from planner.evaluation.models import Instrument, Score
from planner.i18n import local_today
from planner.students.consent import consenting_ids, required_givers
from planner.students.models import Consent, GroupMember, Student
from tests.browser.conftest import log_in, touch_box

RATING = "group-goal-self-rating"


def test_a_grid_with_one_bad_cell_saves_nothing_until_fixed(live_server, demo_all, tablet):
    program = demo_all
    rating = Instrument.get(Instrument.slug == RATING)
    members = list(
        Student.select()
        .join(GroupMember)
        .where((GroupMember.program == program.id) & GroupMember.active & ~Student.archived)
        .order_by(Student.archive_code)
    )
    first, second = members[:2]
    # the demo's members turned 14 since the group; their own consent is recorded now
    for student in (first, second):
        for giver in required_givers(student.birth_date, local_today()):
            Consent.get_or_create(
                student=student.id,
                purpose="observation",
                given_by=giver,
                defaults=dict(
                    giver_name=student.name,
                    notice_version="2026-09",
                    given_on=local_today(),
                    method="paper",
                ),
            )
    assert consenting_ids([first.id, second.id], "observation") == {first.id, second.id}
    # two members not yet measured at pre: their rows start empty
    Score.delete().where(
        (Score.program == program.id)
        & (Score.instrument == rating.id)
        & (Score.timepoint == "pre")
        & Score.student.in_([first.id, second.id])
    ).execute()
    page = tablet
    log_in(page, live_server, "worker", DEMO_PASSWORD)
    page.goto(f"{live_server}/programs/{program.id}/evaluation#scores")
    page.locator("#scores a", has_text="整组录入").first.click()
    expect(page.locator("#score-grid h1")).to_contain_text("前测")

    cell = page.locator(f"#m{first.id}_a_g1")
    box = touch_box(cell)
    assert box["height"] >= 44 and box["width"] >= 44
    assert cell.get_attribute("inputmode") == "numeric"
    assert box["x"] + box["width"] <= 820  # the first cell is on screen without scrolling

    for student in (first, second):
        for item in rating.items:
            page.fill(f"#m{student.id}_a_{item['key']}", "3")
    page.fill(f"#m{second.id}_a_g4", "7")  # out of the 1–5 range
    page.click("#score-grid button[type=submit]")

    bad = page.locator(f"#e-m{second.id}_a_g4")
    expect(bad).to_have_text("应在 1 到 5 之间。")
    expect(page.locator("#score-grid .error-summary")).to_contain_text("本次未保存任何分数")
    # what was typed is still there, and nothing was saved
    expect(page.locator(f"#m{first.id}_a_g1")).to_have_value("3")
    expect(page.locator(f"#m{second.id}_a_g4")).to_have_value("7")
    pre = Score.select().where(
        (Score.program == program.id) & (Score.instrument == rating.id) & (Score.timepoint == "pre")
    )
    assert not pre.where(Score.student.in_([first.id, second.id])).exists()

    page.fill(f"#m{second.id}_a_g4", "5")
    page.click("#score-grid button[type=submit]")
    page.wait_for_url(f"**/programs/{program.id}/evaluation#scores")
    saved = {s.student_id: s for s in pre.where(Score.student.in_([first.id, second.id]))}
    assert saved[first.id].score == 3.0
    assert saved[second.id].answers["g4"] == 5 and saved[second.id].score == pytest.approx(29 / 9)


def test_a_three_day_exam_is_one_entry_on_every_day(live_server, demo_all, tablet):
    """The admin enters a range once; the week grid marks its three days, the list shows it
    once with its range, and a last day before the first is refused in Chinese."""
    program = demo_all
    school, term = program.school, program.term
    start = term.start + dt.timedelta(days=(7 - term.start.weekday()) % 7 + 21)  # a Monday
    end = start + dt.timedelta(days=2)
    page = tablet
    log_in(page, live_server, "admin", DEMO_PASSWORD)
    page.goto(f"{live_server}/admin/schools/{school.id}/calendar/days/new?term={term.id}")
    page.select_option("#f-kind", "exam")
    page.fill("#f-name", "期中考试（三天）")
    page.fill("#f-start", start.isoformat())
    page.fill("#f-end", (start - dt.timedelta(days=1)).isoformat())
    page.click("#day-form button[type=submit]")
    expect(page.locator("#e-end")).to_have_text("结束日期不能早于开始日期。")
    assert not CalendarDay.select().where(CalendarDay.name == "期中考试（三天）").exists()

    page.fill("#f-end", end.isoformat())
    page.click("#day-form button[type=submit]")
    page.wait_for_url(f"**/schools/{school.id}/calendar?term={term.id}")
    for n in range(3):
        day = (start + dt.timedelta(days=n)).isoformat()
        expect(page.locator(f'[data-date="{day}"]')).to_contain_text("期中考试（三天）")
    after = (end + dt.timedelta(days=1)).isoformat()
    expect(page.locator(f'[data-date="{after}"]')).not_to_contain_text("期中考试（三天）")
    listed = page.locator("#school-days li", has_text="期中考试（三天）")
    expect(listed).to_have_count(1)
    expect(listed).to_contain_text("共 3 天")
    entry = CalendarDay.get(CalendarDay.name == "期中考试（三天）")
    assert (entry.date, entry.end_date) == (start, end)

"""Admin screens for schools, terms, classes and rooms: create, validate, scope."""

import pytest

from planner.schools.models import Agency, Room, School, SchoolClass, Term
from tests import factories
from tests.conftest import login_as
from tests.schools.forms import (
    DUPLICATE,
    GOOD,
    HTMX,
    MODEL,
    REQUIRED,
    counts,
    hx_location,
    inline_error,
    new_url,
)

# ---- creating ------------------------------------------------------------------------


@pytest.mark.parametrize("kind", sorted(GOOD))
def test_create_with_a_full_page_post(admin, world, kind):
    before = counts()
    assert admin.get(new_url(kind, world)).status_code == 200
    response = admin.post(new_url(kind, world), data=GOOD[kind])
    assert response.status_code == 303
    created = MODEL[kind].get(MODEL[kind].name == GOOD[kind]["name"])
    school = created if kind == "schools" else created.school
    assert response.location == f"/schools/{school.id}"
    assert counts()[kind] == before[kind] + 1
    if kind == "schools":
        assert (created.agency_id, created.code, created.stage) == (
            world.agency.id,
            "CXZX",
            "junior",
        )
    else:
        assert created.school_id == world.school.id
    page = admin.get(response.location).get_data(as_text=True)
    assert GOOD[kind]["name"] in page


@pytest.mark.parametrize("kind", sorted(GOOD))
def test_create_with_htmx(admin, world, kind):
    response = admin.post(new_url(kind, world), data=GOOD[kind], headers=HTMX)
    assert response.status_code == 204
    created = MODEL[kind].get(MODEL[kind].name == GOOD[kind]["name"])
    school = created if kind == "schools" else created.school
    path, headers = hx_location(response)
    assert path == f"/schools/{school.id}"
    # htmx then fetches that page with these headers and swaps it in.
    page = admin.get(path, headers={**HTMX, **headers})
    assert page.status_code == 200
    assert GOOD[kind]["name"] in page.get_data(as_text=True)
    if headers.get("HX-Boosted") == "true":  # swapped into <body>: the whole page
        assert "<html" in page.get_data(as_text=True)


def test_created_values_are_stored_typed(admin, world):
    admin.post(new_url("terms", world), data=GOOD["terms"])
    admin.post(new_url("classes", world), data=GOOD["classes"])
    admin.post(new_url("rooms", world), data=GOOD["rooms"])
    term = Term.get(Term.name == GOOD["terms"]["name"])
    assert (term.start.isoformat(), term.end.isoformat()) == ("2027-02-22", "2027-07-02")
    assert SchoolClass.get(SchoolClass.name == "8(3)班").grade == 8
    assert Room.get(Room.name == "沙盘室").capacity == 6


def test_surrounding_whitespace_is_trimmed(admin, world):
    admin.post(new_url("rooms", world), data={"name": "  活动室  ", "kind": "multi_room"})
    assert Room.select().where(Room.name == "活动室").count() == 1


# ---- bad input: an inline Chinese message and nothing saved ---------------------------

BAD = [
    ("schools", {"name": ""}, "name", REQUIRED),
    ("schools", {"name": "   "}, "name", REQUIRED),
    ("schools", {"code": ""}, "code", REQUIRED),
    ("schools", {"stage": ""}, "stage", REQUIRED),
    ("schools", {"name": "校" * 101}, "name", "最多 100 个字。"),
    ("schools", {"address": "路" * 201}, "address", "最多 200 个字。"),
    ("schools", {"code": "城西 01"}, "code", "只能使用字母、数字和连字符。"),
    ("schools", {"stage": "university"}, "stage", "请选择有效的选项。"),
    ("terms", {"name": ""}, "name", REQUIRED),
    ("terms", {"start": ""}, "start", REQUIRED),
    ("terms", {"start": "2026-13-01"}, "start", "请输入有效日期（年-月-日）。"),
    ("terms", {"end": "next friday"}, "end", "请输入有效日期（年-月-日）。"),
    ("terms", {"start": "2026-09-01", "end": "2026-08-31"}, "end", "结束日期必须晚于开始日期。"),
    ("terms", {"start": "2026-09-01", "end": "2026-09-01"}, "end", "结束日期必须晚于开始日期。"),
    ("terms", {"start": "2026-09-01", "end": "2027-09-01"}, "end", "一个学期不应超过 200 天。"),
    ("classes", {"grade": ""}, "grade", REQUIRED),
    ("classes", {"grade": "abc"}, "grade", "请输入整数。"),
    ("classes", {"grade": "7.5"}, "grade", "请输入整数。"),
    ("classes", {"grade": "13"}, "grade", "应在 1 到 12 之间。"),
    ("classes", {"grade": "0"}, "grade", "应在 1 到 12 之间。"),
    ("classes", {"grade": "3"}, "grade", "该年级不属于本校学段。"),  # 甲校 is a junior school
    ("classes", {"name": "班" * 41}, "name", "最多 40 个字。"),
    ("rooms", {"capacity": "0"}, "capacity", "应在 1 到 500 之间。"),
    ("rooms", {"capacity": "many"}, "capacity", "请输入整数。"),
    ("rooms", {"kind": "garage"}, "kind", "请选择有效的选项。"),
    ("rooms", {"name": ""}, "name", REQUIRED),
]


@pytest.mark.parametrize("kind,change,field,message", BAD)
@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
def test_bad_input_is_shown_inline_and_nothing_is_saved(
    admin, world, kind, change, field, message, htmx
):
    before = counts()
    data = dict(GOOD[kind], **change)
    response = admin.post(new_url(kind, world), data=data, headers=HTMX if htmx else {})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert inline_error(html, field) == message
    assert ("<html" in html) is not htmx  # htmx gets only the form fragment
    assert 'id="record-form"' in html
    assert counts() == before


def test_the_form_keeps_what_the_user_typed(admin, world):
    data = dict(GOOD["classes"], grade="abc", headteacher="<b>钱</b>")
    html = admin.post(new_url("classes", world), data=data).get_data(as_text=True)
    assert 'value="abc"' in html
    assert 'value="&lt;b&gt;钱&lt;/b&gt;"' in html  # escaped, never raw


def test_duplicate_class_name_in_one_school(admin, world):
    before = counts()
    data = dict(GOOD["classes"], name=world.cls.name, grade="7")
    response = admin.post(new_url("classes", world), data=data)
    assert response.status_code == 422
    assert inline_error(response.get_data(as_text=True), "name") == DUPLICATE
    assert counts() == before


def test_same_class_name_in_another_school_is_fine(admin, world):
    data = dict(GOOD["classes"], name=world.cls.name, grade="7")
    response = admin.post(new_url("classes", world, school=world.other_school), data=data)
    assert response.status_code == 303
    assert SchoolClass.select().where(SchoolClass.name == world.cls.name).count() == 2


@pytest.mark.parametrize("field", ["code", "name"])
def test_duplicate_school_code_or_name(admin, world, field):
    before = counts()
    data = dict(GOOD["schools"], **{field: getattr(world.school, field)})
    response = admin.post(new_url("schools", world), data=data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert DUPLICATE in html
    assert counts() == before


def test_a_school_code_may_repeat_in_another_agency(admin, world):
    data = dict(GOOD["schools"], code=world.foreign_school.code)
    assert admin.post(new_url("schools", world), data=data).status_code == 303


def test_duplicate_term_and_room_names(admin, world):
    before = counts()
    term = admin.post(new_url("terms", world), data=dict(GOOD["terms"], name=world.term.name))
    room = admin.post(new_url("rooms", world), data=dict(GOOD["rooms"], name=world.room.name))
    assert inline_error(term.get_data(as_text=True), "name") == DUPLICATE
    assert inline_error(room.get_data(as_text=True), "name") == DUPLICATE
    assert counts() == before


def test_grades_follow_the_stage(admin, world):
    primary = factories.school(agency=world.agency, stage="primary", code="PX", name="小学")
    ok = admin.post(
        new_url("classes", world, school=primary), data=dict(GOOD["classes"], grade="3")
    )
    assert ok.status_code == 303
    bad = admin.post(
        new_url("classes", world, school=primary),
        data=dict(GOOD["classes"], grade="7", name="7(9)班"),
    )
    assert inline_error(bad.get_data(as_text=True), "grade") == "该年级不属于本校学段。"


def test_new_record_needs_a_school(admin, world):
    assert admin.get("/admin/rooms/new").status_code == 404
    assert admin.post("/admin/rooms/new", data=GOOD["rooms"]).status_code == 404
    assert admin.post("/admin/rooms/new?school=abc", data=GOOD["rooms"]).status_code == 404


# ---- scope: another agency's records answer 404; other roles 403 -----------------------


def test_another_agencys_school_is_not_found(admin, world):
    foreign = world.foreign_school
    foreign_class = factories.school_class(school=foreign)
    before = counts()
    assert admin.get(f"/admin/schools/{foreign.id}/edit").status_code == 404
    assert (
        admin.post(
            f"/admin/schools/{foreign.id}/edit", data=dict(GOOD["schools"], version="1")
        ).status_code
        == 404
    )
    assert admin.post(f"/admin/schools/{foreign.id}/archive").status_code == 404
    assert admin.get(f"/admin/classes/{foreign_class.id}/edit").status_code == 404
    assert admin.post(f"/admin/classes/{foreign_class.id}/archive").status_code == 404
    for kind in ("terms", "classes", "rooms"):
        assert admin.get(new_url(kind, world, school=foreign)).status_code == 404
        assert admin.post(new_url(kind, world, school=foreign), data=GOOD[kind]).status_code == 404
    assert admin.get(f"/schools/{foreign.id}").status_code == 404
    assert counts() == before
    stored = School.get_by_id(foreign.id)
    assert (stored.name, stored.archived) == (foreign.name, False)
    assert not SchoolClass.get_by_id(foreign_class.id).archived


def test_unknown_ids_are_not_found(admin, world):
    assert admin.get("/admin/rooms/999999/edit").status_code == 404
    assert admin.post("/admin/rooms/999999/archive").status_code == 404


@pytest.mark.parametrize("persona", ["worker", "teacher", "supervisor"])
def test_only_admins_may_use_the_admin_screens(client, world, persona):
    login_as(client, getattr(world, persona))
    before = counts()
    assert client.get("/admin/").status_code == 403
    assert client.get(new_url("rooms", world)).status_code == 403
    assert client.post(new_url("rooms", world), data=GOOD["rooms"]).status_code == 403
    assert client.post(new_url("schools", world), data=GOOD["schools"]).status_code == 403
    assert (
        client.post(
            f"/admin/schools/{world.school.id}/edit", data=dict(GOOD["schools"], version="1")
        ).status_code
        == 403
    )
    assert client.post(f"/admin/rooms/{world.room.id}/archive").status_code == 403
    assert (
        client.post("/admin/agency", data={"name": "x", "code": "X", "version": "1"}).status_code
        == 403
    )
    assert counts() == before
    assert not Room.get_by_id(world.room.id).archived
    assert Agency.get_by_id(world.agency.id).name == world.agency.name


def test_terms_of_one_school_may_not_overlap(admin, world):
    """An overlapping term used to be accepted and become the planning form's default."""
    overlapping = {"name": "重叠的学期", "start": "2027-01-10", "end": "2027-03-01"}
    response = admin.post(new_url("terms", world), data=overlapping)
    assert response.status_code == 422
    assert "日期重叠" in inline_error(response.get_data(as_text=True), "start")
    assert not Term.select().where(Term.name == "重叠的学期").exists()
    # the next term, and an overlapping one at another school, are fine
    assert admin.post(new_url("terms", world), data=GOOD["terms"]).status_code == 303
    other = dict(overlapping, name="乙校学期", start="2027-01-25")
    assert admin.post(new_url("terms", world, world.other_school), data=other).status_code == 303


def test_an_edit_may_not_make_terms_overlap(admin, world):
    admin.post(new_url("terms", world), data=GOOD["terms"])
    spring = Term.get(Term.name == GOOD["terms"]["name"])
    data = dict(GOOD["terms"], start="2027-01-15", version=str(spring.version))
    response = admin.post(f"/admin/terms/{spring.id}/edit", data=data)
    assert response.status_code == 422 and "日期重叠" in response.get_data(as_text=True)
    assert Term.get_by_id(spring.id).start.isoformat() == "2027-02-22"
    # editing a term within its own dates is not a clash with itself
    data = dict(GOOD["terms"], end="2027-07-09", version=str(spring.version))
    assert admin.post(f"/admin/terms/{spring.id}/edit", data=data).status_code == 303

"""The JSON endpoints: role scoping through the token's user, no student data anywhere,
pagination bounds, a fixed number of queries, and the curriculum import."""

import copy

import pytest
from playhouse.test_utils import count_queries

from planner.curricula.models import Curriculum, SessionTemplate
from tests.api.helpers import bearer, seed, text_of, token_for
from tests.curricula.factories import curriculum, curriculum_data
from tests.students.factories import CANARY


@pytest.fixture
def seeded(world):
    seed(world)
    world.shared = curriculum(agency=None, slug="shared-one")
    world.own = curriculum(agency=world.agency, slug="own-one")
    world.foreign = curriculum(agency=world.foreign_school.agency, slug="foreign-one")
    world.own_draft = curriculum(agency=world.agency, slug="own-draft", status="draft")
    return world


def get(client, url, raw):
    return client.get(url, headers=bearer(raw))


def test_curricula_list_is_the_published_library_of_shared_and_own(client, seeded):
    body = get(client, "/api/curricula", token_for(seeded.worker)).get_json()
    slugs = {c["slug"] for c in body["items"]}
    assert {"shared-one", "own-one"} <= slugs
    assert "foreign-one" not in slugs and "own-draft" not in slugs
    assert body["total"] == len(body["items"]) and body["page"] == 1
    shared = next(c for c in body["items"] if c["slug"] == "shared-one")
    assert shared["shared"] is True


def test_curriculum_detail_is_curriculum_schema_data(client, seeded):
    raw = token_for(seeded.supervisor)
    body = get(client, f"/api/curricula/{seeded.shared.id}", raw).get_json()
    assert body["id"] == seeded.shared.id and body["shared"] is True
    assert body["content"]["slug"] == "shared-one"
    assert len(body["content"]["sessions"]) == 4
    assert body["content"]["sessions"][0]["activities"][0]["minutes"] == 5
    assert get(client, f"/api/curricula/{seeded.foreign.id}", raw).status_code == 404
    missing = get(client, "/api/curricula/999999999999", raw)
    assert missing.status_code == 404 and missing.get_json()["error_en"]


def test_programs_are_scoped_by_the_token_user(client, seeded):
    mine = get(client, "/api/programs", token_for(seeded.worker)).get_json()
    ids = {p["id"] for p in mine["items"]}
    assert {seeded.group.id, seeded.series.id} <= ids
    assert seeded.other_program.id not in ids
    assert mine["items"][0]["school"]["name"] == "甲校"
    theirs = get(client, "/api/programs", token_for(seeded.worker_other)).get_json()
    assert {p["id"] for p in theirs["items"]} == {seeded.other_program.id}
    admin = get(client, "/api/programs", token_for(seeded.admin)).get_json()
    assert seeded.other_program.id in {p["id"] for p in admin["items"]}


def test_sessions_of_a_program_outside_scope_are_404(client, seeded):
    raw = token_for(seeded.worker)
    response = get(client, f"/api/programs/{seeded.other_program.id}/sessions", raw)
    assert response.status_code == 404 and response.get_json()["error"]
    body = get(client, f"/api/programs/{seeded.group.id}/sessions", raw).get_json()
    assert [s["seq"] for s in body["items"]] == [1, 2, 3]
    first = body["items"][0]
    assert set(first) == {"id", "seq", "date", "start", "end", "status", "room"}
    assert first["room"] == "小组工作室" and first["start"] == "16:10:00"


def test_stats(client, seeded):
    raw = token_for(seeded.admin)
    body = get(client, f"/api/stats?term={seeded.term.name}", raw).get_json()
    assert body["term"] == seeded.term.name
    assert body["totals"]["lessons"] == 1 and body["totals"]["lesson_participants"] == 35
    assert "甲校" in {s["name"] for s in body["schools"]}
    pyramid = body["pyramid"]
    assert pyramid["totals"]["screened"] == 0 and pyramid["totals"]["cases_open"] == 0
    assert {s["name"] for s in pyramid["schools"]} == {s["name"] for s in body["schools"]}
    assert get(client, "/api/stats?term=没有这个学期", raw).status_code == 404
    missing = get(client, "/api/stats", raw)
    assert missing.status_code == 422 and "term" in missing.get_json()["errors"]


def test_no_student_name_in_any_response(client, seeded):
    raw = token_for(seeded.admin)
    urls = [
        "/api/curricula",
        f"/api/curricula/{seeded.group.curriculum_id}",
        "/api/programs",
        f"/api/programs/{seeded.group.id}/sessions",
        f"/api/stats?term={seeded.term.name}",
        "/api/openapi.json",
    ]
    for url in urls:
        response = get(client, url, raw)
        assert response.status_code == 200, url
        text = text_of(response)
        assert CANARY not in text, url
        assert seeded.kid.archive_code not in text and seeded.kid.student_no not in text, url


@pytest.mark.parametrize(
    "query",
    ["per_page=0", "per_page=1000", "per_page=abc", "page=0", "page=abc", "page=-1", "page=100001"],
)
def test_bad_pagination_is_422_json(client, seeded, query):
    response = get(client, f"/api/programs?{query}", token_for(seeded.worker))
    assert response.status_code == 422
    body = response.get_json()
    assert body["error"] and body["error_en"] and body["errors"] and body["errors_en"]


def test_pagination_pages_through(client, seeded):
    raw = token_for(seeded.admin)
    first = get(client, "/api/programs?per_page=2", raw).get_json()
    second = get(client, "/api/programs?per_page=2&page=2", raw).get_json()
    assert first["total"] == 3 and len(first["items"]) == 2 and len(second["items"]) == 1
    assert {p["id"] for p in first["items"]}.isdisjoint({p["id"] for p in second["items"]})
    assert get(client, "/api/programs?per_page=200", raw).status_code == 200
    assert get(client, "/api/programs?page=9", raw).get_json()["items"] == []


def _queries(client, url, raw):
    get(client, url, raw)  # the first request also records last_used_at
    with count_queries() as counter:
        assert get(client, url, raw).status_code == 200
    return counter.count


def test_query_counts_do_not_grow_with_rows(client, seeded):
    raw = token_for(seeded.admin)
    urls = ["/api/curricula", "/api/programs", f"/api/programs/{seeded.group.id}/sessions"]
    before = {url: _queries(client, url, raw) for url in urls}
    for n in range(4):
        curriculum(agency=None, slug=f"more-{n}")
        seed(seeded)
    after = {url: _queries(client, url, raw) for url in urls}
    assert before == after
    assert before["/api/programs"] <= 4


# ---- import ---------------------------------------------------------------------------


def post(client, raw, body):
    return client.post("/api/curricula/import", json=body, headers=bearer(raw))


def test_import_makes_a_draft_of_the_agency(client, seeded):
    raw = token_for(seeded.worker, ["curricula:write", "curricula:read"])
    data = curriculum_data(slug="shared-one", status="published", version=3)
    response = post(client, raw, data)
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    made = Curriculum.get_by_id(body["id"])
    assert (made.agency_id, made.status, made.version) == (seeded.agency.id, "draft", 1)
    assert made.slug == body["slug"] == "shared-one-2"
    assert made.created_by_id == seeded.worker.id
    assert response.headers["Location"].endswith(f"/api/curricula/{made.id}")
    # what the API gives out can be imported back
    content = get(client, f"/api/curricula/{made.id}", raw).get_json()["content"]
    again = post(client, raw, content)
    assert again.status_code == 201 and again.get_json()["slug"] == "shared-one-2-2"


def test_bad_import_is_422_with_field_messages_and_saves_nothing(client, seeded):
    raw = token_for(seeded.admin)
    before = (Curriculum.select().count(), SessionTemplate.select().count())
    data = copy.deepcopy(curriculum_data(slug="Bad Slug"))
    data["sessions"][0]["activities"][0]["minutes"] = 500
    del data["title"]
    data["surprise"] = 1
    response = post(client, raw, data)
    assert response.status_code == 422
    body = response.get_json()
    assert body["errors"]["title"] == ["此项为必填项。"]
    assert body["errors_en"]["title"] == ["This field is required."]
    assert "slug" in body["errors"] and "surprise" in body["errors"]
    assert "minutes" in body["errors"]["sessions"]["0"]["activities"]["0"]
    for bad in (None, [], "text"):
        assert post(client, raw, bad).status_code == 422
    not_json = client.post(
        "/api/curricula/import",
        data="{",
        headers=dict(bearer(raw), **{"Content-Type": "application/json"}),
    )
    assert not_json.status_code == 422
    assert (Curriculum.select().count(), SessionTemplate.select().count()) == before


def test_import_needs_the_write_scope_and_an_editing_role(client, seeded):
    data = curriculum_data(slug="new-one")
    assert post(client, token_for(seeded.worker, ["curricula:read"]), data).status_code == 403
    # a supervisor can't be given the scope; a token whose user became a supervisor loses it
    raw = token_for(seeded.worker, ["curricula:write"])
    seeded.worker.role = "supervisor"
    seeded.worker.save()
    assert post(client, raw, data).status_code == 403
    assert not Curriculum.select().where(Curriculum.slug == "new-one").exists()

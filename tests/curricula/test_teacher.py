"""A teacher follows the curriculum link on her class's program page (issue 14): she reads
the plan (no student data in it), and nothing else of the library."""

from tests.conftest import login_as
from tests.curricula.factories import curriculum
from tests.feeds.factories import world_program


def test_the_curriculum_link_on_a_teachers_program_page_opens_the_plan(client, world):
    program = world_program(world)
    login_as(client, world.teacher)
    page = client.get(f"/programs/{program.id}").get_data(as_text=True)
    link = f"/curricula/{program.curriculum_id}"
    assert f'href="{link}"' in page
    response = client.get(link)
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and program.curriculum.title in body
    assert "复制并改编" not in body  # no editing for a teacher


def test_a_teacher_reads_no_other_plan_and_not_the_library(client, world):
    world_program(world)
    other = curriculum(agency=world.agency, status="published", slug="not-hers")
    login_as(client, world.teacher)
    assert client.get(f"/curricula/{other.id}").status_code == 404
    assert client.get("/curricula/").status_code == 403


def test_the_teachers_plan_offers_no_materials_download(client, world, app):
    """打印本节材料 is a staff download: the plan a teacher reads does not offer it (her
    browser used to follow it into a 403), while the worker's does."""
    from planner.curricula.models import SessionTemplate

    program = world_program(world)
    SessionTemplate.update(materials=[{"ref": "some-worksheet"}]).where(
        SessionTemplate.curriculum == program.curriculum_id
    ).execute()
    link = f"/curricula/{program.curriculum_id}"
    login_as(client, world.teacher)
    assert "print-materials" not in client.get(link).get_data(as_text=True)
    worker = login_as(app.test_client(), world.worker)
    assert "print-materials" in worker.get(link).get_data(as_text=True)

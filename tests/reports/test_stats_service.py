"""The service counts of the term statistics (planner.reports.stats.service_counts): each
figure of a hand-built term worked out against its rows, the scoping of each role, a
school filter, and the statistics page (the same number of queries on more rows)."""

import datetime as dt
import types

import pytest
from playhouse.test_utils import count_queries

from planner.accounts.models import Supervision
from planner.reports.stats import SERVICE_KEYS, service_counts
from planner.schools.models import Term
from tests import factories
from tests.conftest import login_as
from tests.service import factories as vf

T = "2026—2027学年第一学期"
IN = dt.date(2026, 10, 9)
BEFORE = dt.date(2026, 8, 1)  # before the term: never counted


@pytest.fixture
def term(world):
    """The world's two schools' terms named T (1 Sep 2026 – 23 Jan 2027); W1 (the world's
    worker, 甲校) and W2 (乙校, also supervised by the world's supervisor) with letters,
    consultations, supervision and training in and out of the term."""
    Term.update(name=T).where(Term.id.in_([world.term.id, world.other_term.id])).execute()
    w1, w2 = world.worker, world.worker_other
    Supervision.create(supervisor=world.supervisor, worker=w2)
    other = types_world(world, w2)
    # letters: W1 3 in the term (1 urgent) + 1 before; W2 1 in the term
    for urgent in (True, False, False):
        vf.letter(world, urgent=urgent, received_on=IN)
    vf.letter(world, received_on=BEFORE, reply_due=BEFORE)
    vf.letter(other, worker=w2, received_on=IN)
    # consultations: W1 student 2 + parent 3 (one talk with 3 parents) + teacher 1 + a
    # student before the term; W2 parent 2
    for _ in range(2):
        vf.consultation(world, kind="student", student=vf.student(world), held_on=IN)
    vf.consultation(world, kind="parent", people=3, held_on=IN)
    vf.consultation(world, kind="teacher", held_on=IN)
    vf.consultation(world, kind="student", student=vf.student(world), held_on=BEFORE)
    vf.consultation(other, kind="parent", people=2, worker=w2, held_on=IN)
    # supervision by the world's supervisor: individual W1, individual W2, group W1+W2,
    # a group before the term; another supervisor's individual session with W2
    vf.supervision(world.supervisor, [w1], mode="individual", held_on=IN)
    vf.supervision(world.supervisor, [w2], mode="individual", held_on=IN)
    vf.supervision(world.supervisor, [w1, w2], mode="group", held_on=IN)
    vf.supervision(world.supervisor, [w1, w2], mode="group", held_on=BEFORE)
    boss = factories.user("supervisor", agency=world.agency)
    vf.supervision(boss, [w2], mode="individual", held_on=IN)
    # training: W1 6 + 1.5 continuing in the term, 10 before, 20 pre-service; W2 4
    vf.training(w1, hours=6, held_on=IN)
    vf.training(w1, hours=1.5, held_on=IN)
    vf.training(w1, hours=10, held_on=BEFORE)
    vf.training(w1, hours=20, kind="pre_service", held_on=IN)
    vf.training(w2, hours=4, held_on=IN)
    # another agency's letter on the same term name: never counted
    foreign = factories.school(name="外校", code="FX")
    factories.term(school=foreign, name=T)
    vf.letter(types_world(world, None, foreign), worker=factories.user("worker"), received_on=IN)
    return world


def types_world(world, worker, school=None):
    """A namespace the factories read: the school (乙校 by default) and its worker."""
    return types.SimpleNamespace(
        school=school or world.other_school, worker=worker, cls=world.other_cls
    )


def test_the_admin_counts_the_agency(term):
    got = service_counts(term.admin, T)
    assert got == {
        "letters": 4,  # W1 3 + W2 1 (not W1's before the term, not the other agency's)
        "urgent_letters": 1,
        "consult_student": 2,
        "consult_teacher": 1,
        "consult_parent": 5,  # 3 + 2 people
        "consultations": 8,
        "supervision_individual": 3,  # W1's, W2's and the other supervisor's with W2
        "supervision_group": 1,  # once, though two workers attended
        "training_hours": 11.5,  # 6 + 1.5 + 4: no pre-service, nothing before the term
    }
    assert set(got) == set(SERVICE_KEYS)


def test_a_worker_counts_her_own(term):
    assert service_counts(term.worker, T) == {
        "letters": 3,
        "urgent_letters": 1,
        "consult_student": 2,
        "consult_teacher": 1,
        "consult_parent": 3,
        "consultations": 6,
        "supervision_individual": 1,
        "supervision_group": 1,
        "training_hours": 7.5,
    }


def test_a_supervisor_counts_the_sessions_she_led_and_her_workers_records(term):
    got = service_counts(term.supervisor, T)
    assert (got["letters"], got["consultations"]) == (4, 8)
    assert (got["supervision_individual"], got["supervision_group"]) == (2, 1)
    assert got["training_hours"] == 11.5
    one = service_counts(term.supervisor, T, worker_id=term.worker_other.id)
    assert (one["letters"], one["consult_parent"], one["training_hours"]) == (1, 2, 4)
    assert (one["supervision_individual"], one["supervision_group"]) == (2, 1)


def test_a_school_filter_leaves_out_what_belongs_to_no_school(term):
    got = service_counts(term.admin, T, school_id=term.other_school.id)
    assert (got["letters"], got["consultations"]) == (1, 2)
    assert got["supervision_group"] is None and got["training_hours"] is None


def test_an_unknown_term_counts_nothing(term):
    assert set(service_counts(term.admin, "没有这个学期").values()) == {0}


def test_the_page_shows_the_counts_at_a_fixed_query_count(app, term):
    client = login_as(app.test_client(), term.admin)
    with count_queries() as small:
        html = client.get(f"/stats?term={T}").get_data(as_text=True)
    assert '<dd data-key="letters">4</dd>' in html
    assert '<dd data-key="training_hours">11.5</dd>' in html
    for _ in range(5):
        vf.letter(term, received_on=IN)
        vf.consultation(term, kind="teacher", held_on=IN)
        vf.supervision(term.supervisor, [term.worker], mode="individual", held_on=IN)
    with count_queries() as large:
        html = client.get(f"/stats?term={T}").get_data(as_text=True)
    assert '<dd data-key="letters">9</dd>' in html
    assert '<dd data-key="consult_teacher">6</dd>' in html
    assert small.count == large.count
    assert login_as(app.test_client(), term.teacher).get(f"/stats?term={T}").status_code == 403

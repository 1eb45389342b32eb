"""Hostile input on the evaluation forms (found by tests/security/test_form_fuzz.py)."""

from planner.evaluation.models import GasGoal
from tests.conftest import login_as
from tests.evaluation.test_gas import stamp, url


def test_control_characters_leave_gas_goals(client, world, egroup):
    """The GAS form is read field by field, past FormSchema: a NUL was a 500 on
    PostgreSQL, and a vertical tab can't go into the Word evaluation report."""
    login_as(client, world.worker)
    response = client.post(
        url(egroup, egroup.ok),
        data={
            "stamp": stamp(client, egroup, egroup.ok),
            "goal_1_text": "主动\x00发言",
            "goal_1_weight": "1",
            "goal_1_post": "1",
            "goal_1_level_0": "一周\x0b两次",
        },
    )
    assert response.status_code == 303
    goal = GasGoal.get()
    assert (goal.text, goal.levels[2]) == ("主动发言", "一周两次")

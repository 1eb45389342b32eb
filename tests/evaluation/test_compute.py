"""Evaluation arithmetic, each case worked by hand in the comments."""

import pytest

from planner.evaluation.compute import (
    MINUS,
    attendance,
    fmt_change,
    fmt_num,
    fmt_pct,
    gas_t,
    prepost,
    process,
    response_score,
    satisfaction,
)

# --- attendance ---------------------------------------------------------------------------

MEMBERS = ["A", "B", "C"]
SESSIONS = [1, 2, 3, 4]
# Session 3 has no marks (not held). B is excused in 2, late in 1; C has no mark in 2.
MARKS = {
    (1, "A"): "present",
    (1, "B"): "late",
    (1, "C"): "absent",
    (2, "A"): "present",
    (2, "B"): "excused",
    (4, "A"): "left_early",
    (4, "B"): "present",
    (4, "C"): "present",
}


def test_attendance_members():
    # Held sessions: 1, 2, 4 → 3.
    # A: present, present, left_early → 3/3 = 1.0
    # B: late (counts), excused (does not), present → 2/3
    # C: absent, unmarked in a held session (does not count), present → 1/3
    members = attendance(MEMBERS, SESSIONS, MARKS)["members"]
    assert members["A"] == {"attended": 3, "held": 3, "rate": pytest.approx(1.0)}
    assert members["B"] == {"attended": 2, "held": 3, "rate": pytest.approx(2 / 3)}
    assert members["C"] == {"attended": 1, "held": 3, "rate": pytest.approx(1 / 3)}


def test_attendance_sessions():
    # 1: A, B attended → 2/3; 2: only A → 1/3; 3: not held → None; 4: all three → 3/3.
    sessions = attendance(MEMBERS, SESSIONS, MARKS)["sessions"]
    assert sessions[1] == {"attended": 2, "members": 3, "held": True, "rate": pytest.approx(2 / 3)}
    assert sessions[2] == {"attended": 1, "members": 3, "held": True, "rate": pytest.approx(1 / 3)}
    assert sessions[3] == {"attended": 0, "members": 3, "held": False, "rate": None}
    assert sessions[4] == {"attended": 3, "members": 3, "held": True, "rate": pytest.approx(1.0)}


def test_attendance_overall():
    # attended 2 + 1 + 3 = 6; possible = 3 held sessions × 3 members = 9; rate 6/9 = 2/3.
    overall = attendance(MEMBERS, SESSIONS, MARKS)["overall"]
    assert overall == {"attended": 6, "possible": 9, "rate": pytest.approx(2 / 3)}


def test_attendance_nothing_held():
    result = attendance(["A", "B"], [1, 2], {})
    assert result["members"]["A"] == {"attended": 0, "held": 0, "rate": None}
    assert result["sessions"][1]["rate"] is None
    assert result["overall"] == {"attended": 0, "possible": 0, "rate": None}


def test_attendance_no_members():
    # A mark from a student who has since left still makes the session held.
    result = attendance([], [1], {(1, "gone"): "present"})
    assert result["sessions"][1] == {"attended": 0, "members": 0, "held": True, "rate": None}
    assert result["overall"] == {"attended": 0, "possible": 0, "rate": None}


def test_attendance_none_status_is_unmarked_and_unknown_status_raises():
    result = attendance(["A"], [1, 2], {(1, "A"): None, (2, "A"): "present"})
    assert result["sessions"][1]["held"] is False
    assert result["members"]["A"] == {"attended": 1, "held": 1, "rate": pytest.approx(1.0)}
    with pytest.raises(ValueError):
        attendance(["A"], [1], {(1, "A"): "here"})


# --- response_score -----------------------------------------------------------------------

ITEMS = [
    {"key": "a", "required": True},
    {"key": "b", "required": True},
    {"key": "c", "required": False},
]


def test_response_score():
    # (4 + 2) / 2 = 3.0 with the optional item skipped; (4 + 2 + 5) / 3 = 11/3 with it.
    assert response_score({"a": 4, "b": 2}, ITEMS) == pytest.approx(3.0)
    assert response_score({"a": 4, "b": 2, "c": 5}, ITEMS) == pytest.approx(11 / 3)
    # Keys that are not items (a comment, a stray field) do not enter the mean: (1 + 1) / 2.
    assert response_score({"a": 1, "b": 1, "note": 100}, ITEMS) == pytest.approx(1.0)


def test_response_score_missing():
    assert response_score({"a": 4}, ITEMS) is None  # required b unanswered
    assert response_score({"a": 4, "b": None, "c": 5}, ITEMS) is None  # None is unanswered
    assert response_score({}, [{"key": "x", "required": False}]) is None  # nothing answered


# --- prepost ------------------------------------------------------------------------------


def test_prepost_incomplete_pairs():
    # Complete pairs: (2,3), (3,3), (4,2). pre mean = 9/3 = 3; post mean = 8/3 ≈ 2.667;
    # change = 8/3 − 3 = −1/3. One up, one down, one the same.
    result = prepost([(2, 3), (3, 3), (4, 2), (None, 5), (3, None), (None, None)])
    assert result == {
        "n": 3,
        "pre": pytest.approx(3.0),
        "post": pytest.approx(8 / 3),
        "change": pytest.approx(-1 / 3),
        "improved": 1,
        "worse": 1,
        "same": 1,
    }


def test_prepost_improvement():
    # pre (2.5 + 3) / 2 = 2.75; post (3.5 + 4) / 2 = 3.75; change +1.0.
    result = prepost([(2.5, 3.5), (3, 4)])
    assert result["change"] == pytest.approx(1.0)
    assert (result["improved"], result["worse"], result["same"]) == (2, 0, 0)


def test_prepost_empty():
    assert prepost([(None, 4)]) == {
        "n": 0,
        "pre": None,
        "post": None,
        "change": None,
        "improved": 0,
        "worse": 0,
        "same": 0,
    }


# --- goal attainment scaling --------------------------------------------------------------


def test_gas_equal_weights():
    # Σwx = 1 + 1 + 0 = 2; Σw² = 3; (Σw)² = 9; √(0.7×3 + 0.3×9) = √4.8 ≈ 2.1909;
    # T = 50 + 10×2/2.1909 ≈ 59.13.
    assert gas_t([(1, 1), (1, 1), (1, 0)]) == pytest.approx(59.1287, abs=1e-4)


def test_gas_unequal_weights():
    # Σwx = 3×2 + 1×(−1) + 2×0 = 5; Σw² = 9 + 1 + 4 = 14; (Σw)² = 6² = 36;
    # √(0.7×14 + 0.3×36) = √(9.8 + 10.8) = √20.6 ≈ 4.5387; T = 50 + 50/4.5387 ≈ 61.02.
    assert gas_t([(3, 2), (1, -1), (2, 0)]) == pytest.approx(61.0163, abs=1e-4)


def test_gas_all_much_worse():
    # Σwx = −6; denominator √4.8 ≈ 2.1909; T = 50 − 60/2.1909 ≈ 22.61.
    assert gas_t([(1, -2), (1, -2), (1, -2)]) == pytest.approx(22.6139, abs=1e-4)


def test_gas_rho_zero():
    # ρ = 0: denominator √Σw² = √3 ≈ 1.7321; T = 50 + 20/1.7321 ≈ 61.55.
    assert gas_t([(1, 1), (1, 1), (1, 0)], rho=0) == pytest.approx(61.5470, abs=1e-4)


@pytest.mark.parametrize("x", [-2, -1, 0, 1, 2])
def test_gas_single_goal(x):
    # One goal of weight 2: √(0.7×4 + 0.3×4) = √4 = 2 = w, so T = 50 + 10·2x/2 = 50 + 10x.
    assert gas_t([(2, x)]) == pytest.approx(50 + 10 * x)


def test_gas_missing():
    assert gas_t([]) is None
    assert gas_t([(1, 1), (1, None)]) is None


@pytest.mark.parametrize(
    "goals",
    [
        [(1, 3)],
        [(1, -3)],
        [(1, 1.5)],
        [(0, 1)],
        [(-1, 1)],
        [(None, 1)],
        [(0, None)],
        [(1, 1), (1, 5)],
    ],
)
def test_gas_invalid(goals):
    # A bad weight is reported even when the score is still missing.
    with pytest.raises(ValueError):
        gas_t(goals)


def test_gas_invalid_rho():
    with pytest.raises(ValueError):
        gas_t([(1, 1)], rho=1.5)


# --- satisfaction -------------------------------------------------------------------------

SAT_ITEMS = [
    {"key": "q1", "required": True},
    {"key": "q2", "required": True},
    {"key": "q3", "required": False},
]


def test_satisfaction_five_point():
    responses = [
        {"q1": 5, "q2": 4, "q3": 3},
        {"q1": 4, "q2": 2},  # partial: q3 left blank
        {"q1": 5, "q2": 5, "q3": 5},
        {},  # nothing answered: not a respondent
        {"q3": None},  # blank only: not a respondent either
    ]
    result = satisfaction(responses, SAT_ITEMS, scale_max=5)
    # Answered values: 5,4,3 | 4,2 | 5,5,5 → 8 values, sum 33, mean 33/8 = 4.125.
    # Top two boxes on a 5-point scale are 4 and 5: 5,4,4,5,5,5 → 6/8 = 0.75.
    assert result["n"] == 3
    assert result["mean"] == pytest.approx(4.125)
    assert result["agree"] == pytest.approx(0.75)
    # q1: 5,4,5 → mean 14/3, all ≥ 4 → 1.0
    # q2: 4,2,5 → mean 11/3, two of three ≥ 4 → 2/3
    # q3: 3,5 → mean 4.0, one of two ≥ 4 → 0.5
    assert result["items"] == [
        {"key": "q1", "n": 3, "mean": pytest.approx(14 / 3), "agree": pytest.approx(1.0)},
        {"key": "q2", "n": 3, "mean": pytest.approx(11 / 3), "agree": pytest.approx(2 / 3)},
        {"key": "q3", "n": 2, "mean": pytest.approx(4.0), "agree": pytest.approx(0.5)},
    ]


def test_satisfaction_other_scale_and_empty():
    # 3-point scale: top two boxes are 2 and 3; values 1, 2, 3 → 2/3 agree, mean 2.
    three = satisfaction([{"q": 1}, {"q": 2}, {"q": 3}], [{"key": "q", "required": True}], 3)
    assert (three["mean"], three["agree"]) == (pytest.approx(2.0), pytest.approx(2 / 3))
    empty = satisfaction([], SAT_ITEMS, 5)
    assert (empty["n"], empty["mean"], empty["agree"]) == (0, None, None)
    assert empty["items"][0] == {"key": "q1", "n": 0, "mean": None, "agree": None}


# --- process ------------------------------------------------------------------------------


def _row(**kw):
    base = {
        "planned": None,
        "observed": None,
        "status": None,
        "skills": [],
        "incident": "",
        "follow_ups": 0,
        "safeguarding": 0,
    }
    return {**base, **kw}


def test_process_mixed_rows():
    rows = [
        _row(
            planned="形成期",
            observed="形成期",
            status="signed_off",
            skills=["同理", "澄清"],
            follow_ups=1,
        ),
        _row(
            planned="形成期",
            observed="转折期",
            status="submitted",
            skills=["澄清", "倾听"],
            incident="组员冲突",
            safeguarding=1,
        ),
        _row(planned="转折期", status="draft", incident="   "),
        _row(planned="转折期"),  # no reflection yet
        _row(
            observed="成熟期",
            status="submitted",
            skills=["同理", "澄清", "赋能"],
            incident="分享家庭变故",
            follow_ups=2,
        ),
    ]
    result = process(rows)
    # Reflections: rows 1, 2, 3, 5 → 4; submitted or signed off: 1, 2, 5 → 3.
    # Observed stage set in 1, 2, 5 → 3; observed == planned only in row 1 (row 5 has no plan).
    # Skills: 澄清 3, 同理 2, then the tie 倾听 1 / 赋能 1 by name (倾 U+503E < 赋 U+8D4B).
    # The whitespace-only incident is dropped; follow-ups 1 + 2 = 3; safeguarding 1.
    assert result == {
        "sessions": 5,
        "reflections": 4,
        "submitted": 3,
        "signed_off": 1,
        "stage_recorded": 3,
        "stage_matches": 1,
        "skills": [("澄清", 3), ("同理", 2), ("倾听", 1), ("赋能", 1)],
        "incidents": ["组员冲突", "分享家庭变故"],
        "follow_ups": 3,
        "safeguarding": 1,
    }


def test_process_empty():
    assert process([]) == {
        "sessions": 0,
        "reflections": 0,
        "submitted": 0,
        "signed_off": 0,
        "stage_recorded": 0,
        "stage_matches": 0,
        "skills": [],
        "incidents": [],
        "follow_ups": 0,
        "safeguarding": 0,
    }


# --- formats ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rate", "text"), [(0.875, "87.5%"), (2 / 3, "66.7%"), (0, "0.0%"), (1, "100.0%"), (None, "—")]
)
def test_fmt_pct(rate, text):
    assert fmt_pct(rate) == text


def test_fmt_num():
    assert fmt_num(3.714) == "3.71"
    assert fmt_num(3.7, 1) == "3.7"
    assert fmt_num(2, 0) == "2"
    assert fmt_num(-0.2) == "-0.20"
    assert fmt_num(None) == "—"


@pytest.mark.parametrize(
    ("x", "text"),
    [(0.85, "+0.85"), (-0.2, "\u22120.20"), (0, "0.00"), (-0.001, "0.00"), (None, "—")],
)
def test_fmt_change(x, text):
    assert fmt_change(x) == text


def test_fmt_change_uses_real_minus():
    assert fmt_change(-1) == MINUS + "1.00" and MINUS != "-"

"""The sample contexts follow the contract in spec/docx_contexts.md exactly."""

import pytest

from planner.exports.kinds import KINDS as DOCS

COMMON = {
    "kind",
    "doc_title",
    "title",
    "school",
    "agency",
    "archive_code",
    "term",
    "workers",
    "generated_on",
}
KEYS = {
    "group_plan": {
        "group_name",
        "curriculum_title",
        "theme",
        "grade_band",
        "period_minutes",
        "room",
        "summary",
        "plan",
        "sessions",
    },
    "session_plan": {"session", "group_name", "program_kind"},
    "lesson_plan": {
        "curriculum_title",
        "theme",
        "grade_band",
        "classes",
        "overall_goal",
        "lessons",
    },
    "meeting_record": {
        "group_name",
        "session",
        "attendance",
        "attendance_summary",
        "process",
        "planned_stage",
        "observed_stage",
        "observation",
        "reflection",
        "skills",
        "incident",
        "adjustments",
        "follow_ups",
        "supervision",
    },
    "evaluation_report": {
        "group_name",
        "period",
        "meetings",
        "members",
        "background",
        "overall_goal",
        "goals",
        "attendance",
        "stages",
        "outcomes",
        "gas",
        "gas_summary",
        "satisfaction",
        "process",
        "recommendations",
    },
    "term_stats": {"scope", "scope_name", "as_of", "totals", "rows_label", "rows", "pyramid"},
    "session_materials": {"curriculum_title", "session_title", "materials"},
    "case_intake": {"case", "intake", "referrals"},
    "case_plan": {"case", "assessment", "plan"},
    "case_record": {"case", "totals", "notes", "referrals"},
    "case_closure": {
        "case",
        "services",
        "evaluation",
        "gas",
        "gas_t",
        "gas_followup",
        "closure",
        "referrals",
    },
    "work_report": {
        "scope",
        "scope_name",
        "as_of",
        "totals",
        "pyramid",
        "service",
        "highlights",
        "safeguarding",
    },
}
CASE = {
    "student_code",
    "class_name",
    "source",
    "source_note",
    "opened_on",
    "closed_on",
    "step",
    "risk",
    "next_review",
    "follow_up_on",
    "worker",
    "co_worker",
    "consent",
}
NOTE = {
    "date",
    "kind",
    "minutes",
    "author",
    "note",
    "safeguarding",
    "status",
    "comment",
    "by",
    "on",
}
REFERRAL = {"date", "target", "organisation", "reason", "consent", "outcome", "outcome_on"}
SESSION = {
    "seq",
    "title",
    "date",
    "weekday",
    "time",
    "venue",
    "stage",
    "objectives",
    "key_messages",
    "materials",
    "preparation",
    "home_link",
    "staffing",
    "period_minutes",
    "total_minutes",
    "activities",
}
ACTIVITY = {"phase", "title", "minutes", "purpose", "steps", "materials", "debrief"}
TOTALS = {
    "lessons",
    "lesson_participants",
    "groups",
    "meetings",
    "meeting_participants",
    "participants",
    "attendance_rate",
    "classes_covered",
    "classes_total",
    "coverage",
    "parent_sessions",
    "parent_participants",
    "teacher_sessions",
    "teacher_participants",
}


@pytest.mark.parametrize("kind", sorted(KEYS))
def test_top_level_keys(kind):
    assert set(DOCS[kind].sample) == COMMON | KEYS[kind]
    assert DOCS[kind].sample["kind"] == kind
    assert isinstance(DOCS[kind].sample["workers"], list)


def test_session_dicts():
    sessions = [
        DOCS["session_plan"].sample["session"],
        DOCS["meeting_record"].sample["session"],
        *DOCS["lesson_plan"].sample["lessons"],
    ]
    for session in sessions:
        assert set(session) == SESSION
        assert all(set(a) == ACTIVITY for a in session["activities"])
        assert all(set(o) == {"label", "text"} for o in session["objectives"])


def test_nested_shapes_of_the_reports():
    report = DOCS["evaluation_report"].sample
    assert set(report["attendance"]) == {"columns", "rows", "session_rates", "overall", "legend"}
    for row in report["attendance"]["rows"]:
        assert len(row["cells"]) == len(report["attendance"]["columns"])
    assert set(report["satisfaction"]) == {"n", "mean", "agree", "items", "comments"}
    assert set(report["process"]) == {"summary", "rows", "incidents"}
    stats = DOCS["term_stats"].sample
    assert set(stats["totals"]) == TOTALS
    assert all(set(row) == TOTALS | {"name"} for row in stats["rows"])
    record = DOCS["meeting_record"].sample
    assert set(record["supervision"]) == {"status", "comment", "by", "on"}
    assert all(set(f) == {"who", "note", "safeguarding"} for f in record["follow_ups"])


def test_nested_shapes_of_the_case_documents():
    keys = [k for k in DOCS if k.startswith("case_")]
    assert keys == ["case_intake", "case_plan", "case_record", "case_closure"]
    assert set(KEYS) >= set(keys)
    for key in keys:
        sample = DOCS[key].sample
        assert set(sample["case"]) == CASE
        assert all(set(r) == REFERRAL for r in sample.get("referrals", []))
        for name in ("intake", "assessment", "plan", "evaluation", "closure"):
            assert all(set(item) == {"label", "value"} for item in sample.get(name, []))
    assert all(set(n) == NOTE for n in DOCS["case_record"].sample["notes"])
    for goal in DOCS["case_closure"].sample["gas"]:
        assert set(goal) == {"text", "weight", "levels", "post", "followup"}
        assert [level["value"] for level in goal["levels"]] == ["-2", "-1", "0", "+1", "+2"]

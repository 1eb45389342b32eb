"""Library rules beyond types: minutes fit the period, 8.3.3 fields, group stages.

check(data) returns [(path, message)]; the schema raises them, `content check` prints them
with the file and line, and the editor's compliance panel lists them.
"""

import difflib
import json

from planner.curricula.models import GRADE_BANDS
from planner.curricula.plan_fields import PLAN_833, PLAN_DESIGN, PLAN_GROUP
from planner.curricula.stages import meeting_stages
from planner.i18n import lazy_gettext as _l

PRIMARY_BANDS = ("小学低段", "小学中段", "小学高段")


def _empty(value) -> bool:
    return value is None or (isinstance(value, (str, list)) and not value)


def check_plan(data) -> list:
    """Missing plan fields: 8.3.3 and design fields, plus the group fields for groups."""
    plan = data.get("plan") or {}
    required = {**PLAN_DESIGN, **PLAN_833}
    if data.get("kind") == "group":
        required.update(PLAN_GROUP)
    return [
        (("plan", key), _l("缺少必填的计划内容：%(field)s", field=label))
        for key, label in required.items()
        if _empty(plan.get(key))
    ]


def check_period(data) -> list:
    """A lesson is one period: 40 minutes in primary school; 45 in secondary school, where
    some schools (九年一贯制 among them) keep 40, so 40 is allowed there too."""
    band, minutes = data.get("grade_band"), data.get("period_minutes")
    if data.get("kind") != "classroom" or band not in GRADE_BANDS or minutes is None:
        return []
    if band in PRIMARY_BANDS and minutes != 40:
        return [(("period_minutes",), _l("%(band)s的课时为 40 分钟。", band=band))]
    if band not in PRIMARY_BANDS and minutes not in (40, 45):
        return [
            (("period_minutes",), _l("%(band)s的课时为 45 分钟（部分学校为 40 分钟）。", band=band))
        ]
    return []


def check_audience(data) -> list:
    """家长课堂 and 教师工作坊: recorded like a lesson (kind classroom), no grade band or
    grades, a session of 40–120 minutes. A students' curriculum needs its grade band."""
    if data.get("audience", "students") == "students":
        if not data.get("grade_band"):
            return [(("grade_band",), _l("学生课程须填写学段。"))]
        return []
    problems = []
    if data.get("kind") != "classroom":
        problems.append((("kind",), _l("家长课堂和教师工作坊的类型为 classroom。")))
    for key in ("grade_band", "grades"):
        if data.get(key):
            problems.append(((key,), _l("家长课堂和教师工作坊不设学段和年级。")))
    minutes = data.get("period_minutes")
    if minutes is not None and not 40 <= minutes <= 120:
        problems.append((("period_minutes",), _l("家长课堂和教师工作坊每次 40 到 120 分钟。")))
    return problems


def check_grades(data) -> list:
    if data.get("audience", "students") != "students":
        return []
    low, high = GRADE_BANDS.get(data.get("grade_band"), (1, 12))
    grades = data.get("grades") or []
    if not grades:
        return [(("grades",), _l("请至少选择一个年级。"))]
    if any(g < low or g > high for g in grades) or len(set(grades)) != len(grades):
        return [(("grades",), _l("年级须在学段范围 %(a)s–%(b)s 之内且不重复。", a=low, b=high))]
    return []


def check_sessions(data) -> list:
    """Sessions numbered 1..N, each with activities that fit the period."""
    sessions = data.get("sessions") or []
    period = data.get("period_minutes") or 0
    if not sessions:
        return [(("sessions",), _l("至少需要一节。"))]
    problems = []
    for i, session in enumerate(sessions):
        if session.get("seq") != i + 1:
            problems.append((("sessions", i, "seq"), _l("节次应依次为 1、2、3……")))
        activities = session.get("activities") or []
        if not activities:
            problems.append((("sessions", i, "activities"), _l("每节至少需要一个活动环节。")))
        total = sum(a.get("minutes") or 0 for a in activities)
        if total > period:
            problems.append(
                (
                    ("sessions", i, "activities"),
                    _l(
                        "第 %(seq)s 节活动合计 %(total)s 分钟，超过单节时长 %(period)s 分钟。",
                        seq=i + 1,
                        total=total,
                        period=period,
                    ),
                )
            )
    return problems


def check_stages(data) -> list:
    """Groups: planned stages from the stage model, never backwards, 形成期 … 结束期."""
    sessions = data.get("sessions") or []
    if data.get("kind") != "group":
        return [
            (("sessions", i, "stage"), _l("社工课堂不设小组阶段。"))
            for i, s in enumerate(sessions)
            if s.get("stage")
        ]
    order = meeting_stages()
    problems, last = [], -1
    for i, session in enumerate(sessions):
        stage = session.get("stage")
        if stage not in order:
            problems.append(
                (("sessions", i, "stage"), _l("小组阶段须为：%(names)s", names="、".join(order)))
            )
            continue
        if order.index(stage) < last:
            problems.append((("sessions", i, "stage"), _l("小组阶段不能倒退。")))
        last = max(last, order.index(stage))
    stages = [s.get("stage") for s in sessions]
    if sessions and not problems and (stages[0] != order[0] or stages[-1] != order[-1]):
        problems.append(
            (
                ("sessions",),
                _l("小组活动应从%(first)s开始、以%(last)s结束。", first=order[0], last=order[-1]),
            )
        )
    return problems


def check(data) -> list:
    """All rules a curriculum must pass to be saved or published (the editor's panel)."""
    return (
        check_audience(data)
        + check_grades(data)
        + check_period(data)
        + check_plan(data)
        + check_sessions(data)
        + check_stages(data)
    )


# ---- quality rules (issue 15): `flask planner content check` -----------------------------
# They judge the library's writing, so they run on content/ files (check and import), not
# on an agency's drafts in the editor.

COLLECT_WORDS = ("后测", "问卷", "满意度", "测评")
USE_WORDS = (
    "生活中",
    "以后",
    "今后",
    "下次",
    "运用",
    "用到",
    "用上",
    "打算",
    "怎样做",
    "怎么做",
    "会怎么",
    "将来",
    "回家",
    "遇到",
)
REPORT_AT_ONCE = ("强制报告", "立即")
WRONG_REPORTING = "需要时向公安机关报告"


def _activities(data):
    for i, session in enumerate(data.get("sessions") or []):
        for j, activity in enumerate(session.get("activities") or []):
            yield i, j, session, activity


def rule_slack(data) -> list:
    """Rule 1: a classroom lesson leaves ≥ 3 minutes of its period free (≥ 5 when the class
    changes rooms, session field changes_room)."""
    if data.get("kind") != "classroom":
        return []
    period = data.get("period_minutes") or 0
    problems = []
    for i, session in enumerate(data.get("sessions") or []):
        need = 5 if session.get("changes_room") else 3
        total = sum(a.get("minutes") or 0 for a in session.get("activities") or [])
        if period - total < need:
            problems.append(
                (
                    ("sessions", i, "activities"),
                    _l(
                        "规则1 留白：第 %(seq)s 节活动合计 %(total)s 分钟，应至少留出 %(need)s 分钟（单节 %(period)s 分钟）。",
                        seq=i + 1,
                        total=total,
                        need=need,
                        period=period,
                    ),
                )
            )
    return problems


def _says_collect(activity) -> bool:
    text = "".join(activity.get("steps") or []) + (activity.get("title") or "")
    return any(word in text for word in COLLECT_WORDS)


def rule_evaluation_time(data) -> list:
    """Rule 2: an activity collecting a post-test, questionnaire or satisfaction form is
    marked `collects`, has ≥ 8 minutes (≥ 10 in 小学) and does nothing else: no debrief
    questions and no other content in its steps."""
    need = 10 if data.get("grade_band") in PRIMARY_BANDS else 8
    problems = []
    for i, j, _, activity in _activities(data):
        path = ("sessions", i, "activities", j)
        steps = "".join(activity.get("steps") or [])
        if not activity.get("collects"):
            if any(word in steps for word in COLLECT_WORDS):
                problems.append(
                    (
                        path + ("collects",),
                        _l(
                            "规则2 评估时间：步骤提到后测、问卷、满意度或测评，请单列一个活动并标注 collects。"
                        ),
                    )
                )
            continue
        if (activity.get("minutes") or 0) < need:
            problems.append(
                (
                    path + ("minutes",),
                    _l("规则2 评估时间：收集评估的活动至少 %(need)s 分钟。", need=need),
                )
            )
        if activity.get("debrief") or not _says_collect(activity):
            problems.append(
                (
                    path + ("steps",),
                    _l(
                        "规则2 评估时间：收集评估的活动只做收集（写明填写什么），不安排讨论或其他内容。"
                    ),
                )
            )
    return problems


def rule_debriefs(data) -> list:
    """Rule 3: every 主体 or 练习 activity of ≥ 10 minutes has ≥ 2 debrief questions, one
    about using what was learnt (生活中, 以后, 下次, 运用, 打算, 怎样做 …)."""
    problems = []
    for i, j, _, activity in _activities(data):
        if activity.get("phase") not in ("主体", "练习") or (activity.get("minutes") or 0) < 10:
            continue
        if activity.get("collects"):
            continue
        debrief = activity.get("debrief") or []
        if len(debrief) < 2 or not any(w in q for q in debrief for w in USE_WORDS):
            problems.append(
                (
                    ("sessions", i, "activities", j, "debrief"),
                    _l(
                        "规则3 分享讨论：10 分钟以上的主体或练习活动至少 2 个讨论问题，其中一个问怎样把所学用到生活中。"
                    ),
                )
            )
    return problems


def rule_disclosure(data) -> list:
    """Rule 6: a session flagged `disclosure` says suspected abuse is reported at once
    (强制报告 and 立即), and never "需要时向公安机关报告"."""
    problems = []
    for i, session in enumerate(data.get("sessions") or []):
        text = json.dumps(session, ensure_ascii=False)
        if WRONG_REPORTING in text:
            problems.append(
                (
                    ("sessions", i),
                    _l("规则6 披露：疑似侵害须立即强制报告，不能写“需要时向公安机关报告”。"),
                )
            )
        elif "disclosure" in (session.get("sensitivity") or []) and not all(
            word in text for word in REPORT_AT_ONCE
        ):
            problems.append(
                (
                    ("sessions", i, "sensitivity"),
                    _l("规则6 披露：可能出现披露的一节须写明发现疑似侵害立即按强制报告制度报告。"),
                )
            )
    return problems


def rule_plan_fields(data) -> list:
    """The issue 15 content fields: a classroom series spanning three grades has one
    grade note per grade; a series (more than one session) links its instruments."""
    problems = []
    grades = data.get("grades") or []
    notes = (data.get("plan") or {}).get("grade_notes") or {}
    series = len(data.get("sessions") or []) > 1
    if data.get("kind") == "classroom" and series and len(grades) >= 3:
        if sorted(int(g) for g in notes) != sorted(grades):
            problems.append(
                (("plan", "grade_notes"), _l("跨三个年级的课程须为每个年级写一条调整说明。"))
            )
    elif notes and any(int(g) not in grades for g in notes):
        problems.append((("plan", "grade_notes"), _l("年级说明只能写本课程适用的年级。")))
    if series and not data.get("instruments"):
        problems.append((("instruments",), _l("系列课程须链接测量其目标的评估工具。")))
    return problems


def check_quality(data) -> list:
    """Quality rules 1, 2, 3 and 6 and the content fields, for one curriculum."""
    return (
        rule_plan_fields(data)
        + rule_slack(data)
        + rule_evaluation_time(data)
        + rule_debriefs(data)
        + rule_disclosure(data)
    )


def _refs(data):
    for i, session in enumerate(data.get("sessions") or []):
        for k, item in enumerate(session.get("materials") or []):
            if isinstance(item, dict):
                yield ("sessions", i, "materials", k), item.get("ref")
        for j, activity in enumerate(session.get("activities") or []):
            for k, item in enumerate(activity.get("materials") or []):
                if isinstance(item, dict):
                    yield ("sessions", i, "activities", j, "materials", k), item.get("ref")


def rule_links(data, materials: set, instruments: set) -> list:
    """Rule 4: every `ref:` names a file in content/materials and every instrument slug a
    file in content/instruments."""
    problems = [
        (path, _l("规则4 链接：找不到材料 %(slug)s（content/materials/%(slug)s.yaml）。", slug=ref))
        for path, ref in _refs(data)
        if ref not in materials
    ]
    problems += [
        (
            ("instruments", k),
            _l("规则4 链接：找不到评估工具 %(slug)s（content/instruments）。", slug=slug),
        )
        for k, slug in enumerate(data.get("instruments") or [])
        if slug not in instruments
    ]
    return problems


def _alike(a: str, b: str) -> bool:
    """ratio() ≥ 0.75, after its two cheap upper bounds (lengths, then characters) have
    not already ruled it out: the same answer, most pairs decided without the full match."""
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    return (
        matcher.real_quick_ratio() >= 0.75
        and matcher.quick_ratio() >= 0.75
        and matcher.ratio() >= 0.75
    )


def steps_alike(a: list, b: list) -> bool:
    """More than half of the shorter list's steps have a near-identical step in the other
    (it stops as soon as the answer is known)."""
    if not a or not b:
        return False
    short, long = (a, b) if len(a) <= len(b) else (b, a)
    need = len(short) // 2 + 1
    same = 0
    for done, step in enumerate(short):
        if any(_alike(step, other) for other in long):
            same += 1
            if same >= need:
                return True
        if same + len(short) - done - 1 < need:
            return False
    return False


REPEAT_PHASES = ("主体", "练习")


def rule_repeats(items: list) -> list:
    """Rule 5: the same 主体 or 练习 activity in two students' curricula whose grades
    overlap (same title, or steps more than half alike): a student would meet it twice.
    Returns [(curriculum, path, message)] for the later curriculum of each pair."""
    students = [c for c in items if c.get("audience", "students") == "students"]
    newest = {}
    for c in students:
        if c["slug"] not in newest or c["version"] > newest[c["slug"]]["version"]:
            newest[c["slug"]] = c
    ordered = sorted(newest.values(), key=lambda c: c["slug"])
    problems = []
    for x, first in enumerate(ordered):
        for second in ordered[x + 1 :]:
            if not set(first.get("grades") or []) & set(second.get("grades") or []):
                continue
            seen = [
                (a.get("title", "").strip(), a.get("steps") or [], i)
                for i, _, _, a in _activities(first)
                if a.get("phase") in REPEAT_PHASES and not a.get("collects")
            ]
            for i, j, _, activity in _activities(second):
                if activity.get("phase") not in REPEAT_PHASES or activity.get("collects"):
                    continue
                title, steps = activity.get("title", "").strip(), activity.get("steps") or []
                for other_title, other_steps, other_i in seen:
                    if title == other_title or steps_alike(steps, other_steps):
                        problems.append(
                            (
                                second,
                                ("sessions", i, "activities", j, "title"),
                                _l(
                                    "规则5 重复：“%(title)s”与 %(slug)s 第 %(seq)s 节的“%(other)s”相同或相近，年级重叠的学生会遇到两次。",
                                    title=title,
                                    slug=first["slug"],
                                    seq=other_i + 1,
                                    other=other_title,
                                ),
                            )
                        )
                        break
    return problems


def check_library(items: list, materials: set, instruments: set, quality=True) -> list:
    """The library-wide rules: links always; with quality, every quality rule too.
    [(curriculum, path, message)]."""
    out = []
    for data in items:
        found = rule_links(data, materials, instruments)
        if quality:
            found = check_quality(data) + found
        out += [(data, p, m) for p, m in found]
    return out + (rule_repeats(items) if quality else [])

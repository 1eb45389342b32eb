"""One complete, invented context per document kind (template preview and tests)."""

import copy

PROBE = "A&B <测试>"  # user text that must survive XML escaping
CODES = [f"SF-ST-2026-{n:04d}" for n in range(1, 9)]

COMMON = {
    "school": "示范学校",
    "agency": "示范区阳光社会工作服务中心",
    "archive_code": "SF-XZ-2026-0001",
    "term": "2026—2027学年第一学期",
    "workers": ["李社工", "张社工"],
    "generated_on": "2026年12月1日",
}


def _activity(phase, title, minutes, purpose, steps, materials, debrief):
    return {
        "phase": phase,
        "title": title,
        "minutes": minutes,
        "purpose": purpose,
        "steps": steps,
        "materials": materials,
        "debrief": debrief,
    }


SESSION = {
    "seq": "3",
    "title": "我的情绪温度计",
    "date": "2026年10月29日",
    "weekday": "周四",
    "time": "16:10–17:10",
    "venue": "小组工作室",
    "stage": "工作期",
    "objectives": [
        {"label": "知识目标", "text": "认识六种常见情绪及其身体信号"},
        {"label": "技能目标", "text": "学会用“情绪温度计”描述自己的情绪强度"},
        {"label": "态度目标", "text": "愿意在小组中分享自己的感受"},
    ],
    "key_messages": [
        "情绪没有好坏之分，每一种情绪都在提醒我们一些事情",
        "说出情绪，是管理情绪的第一步",
    ],
    "materials": ["情绪卡片 2 套", "A4 纸、彩笔", "情绪温度计工作纸 10 份"],
    "preparation": "提前布置圆形座位；打印工作纸；准备轻音乐。",
    "home_link": "请组员回家后与家长分享一次“情绪温度计”，记录在成长手册上。",
    "staffing": ["李社工（带领）", "张社工（协助、记录）"],
    "period_minutes": "60",
    "total_minutes": "60",
    "activities": [
        _activity(
            "导入",
            "情绪猜猜猜",
            "10",
            "热身，引出本节主题",
            ["社工展示情绪卡片，组员猜情绪名称", "邀请自愿者模仿表情"],
            ["情绪卡片"],
            ["你今天来的时候是什么心情？"],
        ),
        _activity(
            "展开",
            "情绪温度计",
            "25",
            "学习用 0–10 分描述情绪强度",
            [
                "社工示范填写温度计",
                "组员两人一组，分享最近一次生气的经历并打分",
                "大组分享：什么会让温度升高或降低",
            ],
            ["工作纸", "彩笔"],
            ["同一件事，为什么每个人的温度不一样？"],
        ),
        _activity(
            "深化",
            f"情绪小剧场（{PROBE}）",
            "15",
            "练习在情境中识别并表达情绪",
            ["分组抽取情境卡", "排演并表演 1 分钟短剧"],
            ["情境卡"],
            ["表演中的角色可以怎样说出自己的感受？"],
        ),
        _activity(
            "总结",
            "一句话收获",
            "10",
            "回顾本节内容，布置家庭任务",
            ["每人用一句话说出今天的收获", "说明家庭任务"],
            [],
            [],
        ),
    ],
}


def _lesson(seq, title, date, klass, goal, messages, flow):
    lesson = copy.deepcopy(SESSION)
    lesson.update(
        {
            "seq": seq,
            "title": title,
            "date": date,
            "weekday": "周二",
            "time": "14:30–15:15",
            "venue": f"{klass}教室",
            "stage": "",
            "staffing": ["李社工"],
            "period_minutes": "45",
            "total_minutes": str(sum(int(a["minutes"]) for a in flow)),
            "objectives": [
                {"label": "知识目标", "text": goal},
                {"label": "技能目标", "text": "能在课堂练习中运用所学方法"},
            ],
            "activities": flow,
            "key_messages": messages,
            "materials": sorted({m for a in flow for m in a["materials"]}),
            "preparation": "课前与班主任确认课室多媒体可用；按小组摆放桌椅。",
            "home_link": "请学生把课堂工作纸带回家，与家长一起完成“我的一周”记录。",
        }
    )
    return lesson


LESSONS = [
    _lesson(
        "1",
        "认识新环境",
        "2026年9月15日",
        "7(1)班",
        "了解初中学习生活的变化",
        ["变化是成长的一部分", "遇到困难可以向老师、同学和社工求助"],
        [
            _activity(
                "导入",
                "校园寻宝",
                "10",
                "引起兴趣",
                ["出示校园照片，请学生说出地点"],
                ["校园照片"],
                [],
            ),
            _activity(
                "展开",
                "变化大不同",
                "25",
                "对比小学与初中的变化",
                ["小组讨论变化", "各组汇报"],
                ["白板纸", "马克笔"],
                ["哪一个变化最让你担心？"],
            ),
            _activity("总结", "我的小目标", "10", "订立本月小目标", ["填写目标卡"], ["目标卡"], []),
        ],
    ),
    _lesson(
        "2",
        "时间管理小能手",
        "2026年9月22日",
        "7(2)班",
        "认识时间管理的四象限方法",
        ["先做重要且紧急的事", "计划要写下来，才容易做到"],
        [
            _activity("导入", "一分钟有多长", "5", "感受时间", ["闭眼估计一分钟"], [], []),
            _activity(
                "展开",
                "四象限排排队",
                "30",
                "学习区分轻重缓急",
                ["讲解四象限", "学生为自己的任务分类"],
                ["四象限工作纸"],
                [f"分享：{PROBE} 两件事都急时怎么办？"],
            ),
            _activity("总结", "本周计划", "10", "把方法用到生活中", ["写下本周三件要事"], [], []),
        ],
    ),
]

MARKS = [  # members × meetings, as the evaluation report's attendance table shows them
    ["✓"] * 8,
    ["✓", "✓", "迟", "✓", "✓", "✓", "✓", "✓"],
    ["✓", "✓", "✓", "✓", "假", "✓", "✓", "✓"],
    ["✓", "迟", "迟", "✓", "✓", "退", "✓", "✓"],
    ["✓", "✗", "✗", "✓", "✓", "✓", "✓", ""],
    ["✓"] * 8,
    ["✓", "✓", "✓", "✗", "✓", "✓", "✓", "✓"],
    ["✓"] * 8,
]
RATES = ["100.0%", "100.0%", "87.5%", "100.0%", "71.4%", "100.0%", "87.5%", "100.0%"]

GROUP_PLAN = {
    "kind": "group_plan",
    "doc_title": "小组计划书",
    "title": "新生适应成长小组",
    **COMMON,
    "group_name": "新生适应成长小组（第一期）",
    "curriculum_title": "初一新生适应课程",
    "theme": "适应新环境、建立新关系",
    "grade_band": "初一（7 年级）",
    "period_minutes": "60",
    "room": "小组工作室",
    "summary": (
        "初一新生在学习方式、人际关系和作息上面临较大变化。本小组通过 8 节活动，"
        f"帮助组员认识变化、管理情绪、建立支持网络。（{PROBE}）"
    ),
    "plan": [
        {
            "label": "理念与理论基础",
            "value": "以优势视角和社会学习理论为基础，重视组员之间的互助与示范。",
        },
        {
            "label": "小组目标",
            "value": [
                "认识初中生活的变化，降低适应焦虑",
                "学习至少两种情绪调节方法",
                "在组内建立至少一段同伴支持关系",
            ],
        },
        {
            "label": "招募方式",
            "value": "班主任推荐与学生自愿报名相结合，经社工面谈后确定组员。",
        },
        {"label": "组员人数", "value": "8 人"},
        {
            "label": "评估方法",
            "value": [
                "前后测量表（情绪管理量表、学校适应量表）",
                "目标达成量表（GAS）",
                "满意度问卷与社工观察记录",
            ],
        },
        {
            "label": "风险及应对",
            "value": [
                "组员出现强烈情绪：由协助社工陪同到安静区并个别跟进",
                "发现安全风险：按机构保护流程当日上报督导",
            ],
        },
        {"label": "经费预算", "value": "物资费 300 元，由项目经费支出。"},
    ],
    "sessions": [
        {
            "seq": str(n),
            "date": date,
            "time": "16:10–17:10",
            "title": title,
            "stage": stage,
            "objectives": objectives,
        }
        for n, (date, title, stage, objectives) in enumerate(
            [
                ("2026年10月15日", "你好，新朋友", "形成期", ["相互认识，订立小组契约"]),
                ("2026年10月22日", "初中大不同", "形成期", ["说出初中生活的三个变化"]),
                ("2026年10月29日", "我的情绪温度计", "工作期", ["识别情绪及其强度"]),
                ("2026年11月5日", "压力气球", "工作期", ["学习两种放松方法"]),
                ("2026年11月12日", "沟通小达人", "工作期", ["练习“我信息”表达"]),
                ("2026年11月19日", "同伴支持网", "工作期", ["画出自己的支持网络"]),
                ("2026年11月26日", "我的成长册", "结束期", ["回顾收获"]),
                ("2026年12月3日", "说再见", "结束期", ["处理离别情绪", "完成后测"]),
            ],
            start=1,
        )
    ],
}

SESSION_PLAN = {
    "kind": "session_plan",
    "doc_title": "单节活动计划",
    "title": "新生适应成长小组",
    **COMMON,
    "program_kind": "group",  # a classroom lesson's plan has no group name or stage rows
    "group_name": "新生适应成长小组（第一期）",
    "session": copy.deepcopy(SESSION),
}

LESSON_PLAN = {
    "kind": "lesson_plan",
    "doc_title": "社工课堂教案",
    "title": "初一新生适应课堂",
    **COMMON,
    "archive_code": "SF-KT-2026-0003",
    "workers": ["李社工"],
    "curriculum_title": "初一新生适应课程",
    "theme": "适应新环境",
    "grade_band": "初一（7 年级）",
    "classes": ["7(1)班", "7(2)班"],
    "overall_goal": "帮助初一学生了解初中学习生活的变化，掌握时间管理和情绪调节的基本方法。",
    "lessons": copy.deepcopy(LESSONS),
}

MEETING_RECORD = {
    "kind": "meeting_record",
    "doc_title": "小组活动记录表",
    "title": "新生适应成长小组",
    **COMMON,
    "group_name": "新生适应成长小组（第一期）",
    "session": copy.deepcopy(SESSION),
    "attendance": [
        {"code": code, "status": status}
        for code, status in zip(
            CODES, ["出席", "出席", "出席", "迟到", "缺席", "出席", "出席", "出席"]
        )
    ],
    "attendance_summary": "出席 6 人，迟到 1 人，缺席 1 人（共 8 人）",
    "process": (
        "按计划完成四个环节。“情绪温度计”环节讨论热烈，延长 5 分钟；"
        f"“情绪小剧场”相应缩短为 10 分钟。（{PROBE}）\n总结环节按时完成。"
    ),
    "planned_stage": "工作期",
    "observed_stage": "形成期向工作期过渡",
    "observation": "组员之间开始主动回应彼此的分享；两名组员仍较少发言，需要社工邀请。",
    "reflection": [
        {"prompt": "本节目标达成情况如何？", "answer": "大部分组员能用温度计描述情绪强度。"},
        {"prompt": "下次可以改进什么？", "answer": "情境卡数量不足，下次多准备一套。"},
    ],
    "skills": ["同理回应", "聚焦", "连结"],
    "incident": "无。",
    "adjustments": "“情绪小剧场”缩短 5 分钟。",
    "follow_ups": [
        {"who": CODES[4], "note": "连续两次缺席，联系班主任了解情况。", "safeguarding": False},
        {
            "who": CODES[2],
            "note": "分享中提到近期常失眠，安排个别面谈评估。",
            "safeguarding": True,
        },
        {"who": "全体", "note": "下节前发放成长手册。", "safeguarding": False},
    ],
    "supervision": {
        "status": "已签阅",
        "comment": "记录清楚；失眠个案请本周内完成面谈并记录。",
        "by": "王督导",
        "on": "2026年11月2日",
    },
}

EVALUATION_REPORT = {
    "kind": "evaluation_report",
    "doc_title": "小组总结评估报告",
    "title": "新生适应成长小组",
    **COMMON,
    "group_name": "新生适应成长小组（第一期）",
    "period": "2026年10月15日 至 2026年12月3日",
    "meetings": "8",
    "members": "8",
    "background": "初一新生普遍反映学习压力大、结交朋友难。社工在开学初的需求调查中发现，"
    "约三成学生存在不同程度的适应困难。",
    "overall_goal": "提升组员的学校适应能力和情绪管理能力，建立同伴支持。",
    "goals": [
        {
            "goal": "认识初中生活的变化，降低适应焦虑",
            "status": "已达成",
            "evidence": "学校适应量表后测均分提高 0.85。",
        },
        {
            "goal": "学习至少两种情绪调节方法",
            "status": "部分达成",
            "evidence": "6 名组员能说出两种方法，2 名组员只能说出一种。",
        },
        {"goal": "在组内建立同伴支持关系", "status": "未评估", "evidence": ""},
    ],
    "attendance": {
        "columns": [str(n) for n in range(1, 9)],
        "rows": [
            {"code": code, "cells": cells, "rate": rate}
            for code, cells, rate in zip(CODES, MARKS, RATES)
        ],
        "session_rates": [
            "100.0%",
            "87.5%",
            "87.5%",
            "87.5%",
            "87.5%",
            "100.0%",
            "100.0%",
            "100.0%",
        ],
        "overall": "93.7%",
        "legend": "✓ 出席  迟 迟到  退 早退  假 请假  ✗ 缺席",
    },
    "stages": [
        {"seq": "1", "planned": "形成期", "observed": "形成期"},
        {"seq": "3", "planned": "工作期", "observed": "形成期向工作期过渡"},
        {"seq": "8", "planned": "结束期", "observed": "结束期"},
    ],
    "outcomes": [
        {
            "instrument": "学校适应量表",
            "n": "7",
            "pre": "2.86",
            "post": "3.71",
            "change": "+0.85",
            "items": [
                {
                    "text": "我能适应初中的学习节奏",
                    "pre": "2.57",
                    "post": "3.57",
                    "change": "+1.00",
                },
                {
                    "text": "我在班里有可以倾诉的朋友",
                    "pre": "3.14",
                    "post": "3.86",
                    "change": "+0.72",
                },
            ],
        },
        {
            "instrument": "情绪管理量表（简版）",
            "n": "7",
            "pre": "3.10",
            "post": "3.45",
            "change": "+0.35",
            "items": [],
        },
    ],
    "gas": [
        {"code": code, "goals": "3", "post": post, "followup": "—"}
        for code, post in zip(CODES[:7], ["59.1", "55.0", "50.0", "61.2", "47.3", "59.1", "61.2"])
    ],
    "gas_summary": "7 名组员平均 T 分数 56.2（50 = 达到预期）",
    "satisfaction": {
        "n": "7",
        "mean": "4.43",
        "agree": "92.1%",
        "items": [
            {"text": "我喜欢小组的活动", "mean": "4.57", "agree": "100.0%"},
            {"text": "社工能理解我的感受", "mean": "4.29", "agree": "85.7%"},
        ],
        "comments": ["希望活动可以多一点游戏。", f"最喜欢情绪小剧场（{PROBE}）。"],
    },
    "process": {
        "summary": "小组按计划完成 8 节活动，组员参与度较高，小组发展基本符合预期。",
        "rows": [
            {"label": "计划节数", "value": "8"},
            {"label": "实际完成", "value": "8"},
            {"label": "平均每节出席", "value": "7.5 人"},
        ],
        "incidents": ["第 4 节一名组员情绪激动，经协助社工陪同后平复，已个别跟进。"],
    },
    "recommendations": (
        "一、下一期增加家长参与环节。\n二、情绪调节方法需要更多练习时间。"
        f"\n三、与班主任保持联系，巩固成效。（{PROBE}）"
    ),
}

TERM_STATS = {
    "kind": "term_stats",
    "doc_title": "学期工作统计",
    "title": "示范区阳光社会工作服务中心 2026—2027学年第一学期",
    **COMMON,
    "school": "示范区阳光社会工作服务中心",
    "scope": "机构",
    "scope_name": "示范区阳光社会工作服务中心",
    "as_of": "2026年12月1日",
    "totals": {
        "lessons": "12",
        "lesson_participants": "480",
        "groups": "1",
        "meetings": "8",
        "meeting_participants": "56",
        "participants": "536",
        "attendance_rate": "87.5%",
        "classes_covered": "9",
        "classes_total": "22",
        "coverage": "40.9%",
        "parent_sessions": "2",
        "parent_participants": "64",
        "teacher_sessions": "1",
        "teacher_participants": "18",
    },
    "rows_label": "学校",
    "rows": [
        {
            "name": "示范学校",
            "lessons": "8",
            "lesson_participants": "320",
            "groups": "1",
            "meetings": "8",
            "meeting_participants": "56",
            "participants": "376",
            "attendance_rate": "87.5%",
            "classes_covered": "6",
            "classes_total": "12",
            "coverage": "50.0%",
            "parent_sessions": "2",
            "parent_participants": "64",
            "teacher_sessions": "1",
            "teacher_participants": "18",
        },
        {
            "name": f"示范第二小学（{PROBE}）",
            "lessons": "4",
            "lesson_participants": "160",
            "groups": "0",
            "meetings": "0",
            "meeting_participants": "0",
            "participants": "160",
            "attendance_rate": "—",
            "classes_covered": "3",
            "classes_total": "10",
            "coverage": "30.0%",
            "parent_sessions": "0",
            "parent_participants": "0",
            "teacher_sessions": "0",
            "teacher_participants": "0",
        },
    ],
    "pyramid": {
        "totals": {
            "screened": "520",
            "share_screened": "86.7%",
            "classes_screened": "12",
            "normal": "416",
            "concern": "78",
            "high": "26",
            "recruited": "9",
            "cases_opened": "6",
            "cases_open": "5",
            "cases_closed": "1",
            "referrals": "1",
            "crisis": "3",
            "overdue": "0",
        },
        "rows": [],
    },
}


SESSION_MATERIALS = {
    **COMMON,
    "kind": "session_materials",
    "doc_title": "本节材料",
    "title": "生命教育（初中）　第 2 节　生命的价值",
    "workers": [],
    "curriculum_title": "生命教育（初中）",
    "session_title": "生命的价值",
    "materials": [
        {
            "slug": "life-junior-value-auction",
            "title": "生命价值拍卖清单",
            "kind_label": "练习单",
            "audience_label": "学生用",
            "blocks": [
                {"heading": "一、拍卖规则"},
                {"text": "每人有 1000 元虚拟币，每次加价至少 50 元。" + PROBE},
                {"items": ["一次出价至少 50 元", "成交后不能反悔"]},
                {"numbered": ["读清单", "圈出最想要的三项"]},
                {"table": {"columns": ["价值", "我的出价", "成交价"], "rows": 3}},
                {"checklist": ["健康", "友谊", "自由"]},
                {"lines": 3},
            ],
        },
        {
            "slug": "life-junior-feeling-cards",
            "title": "情绪词卡",
            "kind_label": "卡片",
            "audience_label": "学生用",
            "blocks": [
                {"cards": ["开心", "难过", "生气", "害怕"]},
                {"table": {"columns": ["情境", "做法"], "data": [["被嘲笑", "告诉老师"]]}},
            ],
        },
    ],
}


# The casework documents (standard 8.3.1–8.3.6): one invented case, by archive code only.
CASE_COMMON = dict(
    COMMON,
    title="",
    archive_code="SF-GA-2026-0001",
    workers=["李社工", "张社工"],
    case={
        "student_code": "SF-ST-2026-0007",
        "class_name": "7(2)班",
        "source": "高危筛查结果",
        "source_note": PROBE,
        "opened_on": "2026年10月12日",
        "closed_on": "2026年12月1日",
        "step": "已结案",
        "risk": "高危",
        "next_review": "",
        "follow_up_on": "2027年1月5日",
        "worker": "李社工",
        "co_worker": "张社工",
        "consent": "已取得“个案服务”同意",
    },
)
CASE_REFERRALS = [
    {
        "date": "2026年10月20日",
        "target": "心理门诊",
        "organisation": "示范区精神卫生中心",
        "reason": "睡眠问题持续两周以上，需要专业评估",
        "consent": "监护人和学生本人（2026年10月19日）",
        "outcome": "已完成评估，无需药物治疗",
        "outcome_on": "2026年11月3日",
    }
]
CASE_INTAKE = dict(
    CASE_COMMON,
    kind="case_intake",
    doc_title="个案接案登记表",
    intake=[
        {"label": "自我介绍与服务说明", "value": "介绍了学校社工的身份、保密原则及其例外。"},
        {"label": "初步收集的信息", "value": f"近两周情绪低落，入睡困难。{PROBE}"},
        {"label": "紧急情况及处理", "value": "无自伤计划；已告知危机求助渠道。"},
        {"label": "接案决定", "value": "接案"},
        {"label": "决定理由", "value": "符合学校社工服务范围，学生本人愿意接受服务。"},
    ],
    referrals=CASE_REFERRALS,
)
CASE_PLAN = dict(
    CASE_COMMON,
    kind="case_plan",
    doc_title="个案服务计划书",
    assessment=[
        {"label": "问题及成因", "value": f"升学压力与同伴冲突叠加。{PROBE}"},
        {"label": "环境与资源", "value": "母亲支持度高；班主任愿意配合。"},
        {"label": "共同商定的优先事项", "value": "先改善睡眠，再处理同伴关系。"},
    ],
    plan=[
        {"label": "背景与需求分析", "value": "筛查结果为高危，自述压力大。"},
        {"label": "理论框架", "value": "认知行为理论；优势视角。"},
        {"label": "服务目标（总目标）", "value": "恢复日常学习与生活节律。"},
        {"label": "服务目标（具体目标）", "value": "每周至少五晚在23点前入睡。"},
        {"label": "服务内容", "value": "个别会谈六次；家校沟通两次。"},
        {"label": "服务方法", "value": "个案会谈、放松训练、家校合作。"},
        {"label": "行动步骤", "value": "建立关系；认识压力；练习放松；巩固。"},
        {"label": "进度安排", "value": "每周一次，共六周。"},
        {"label": "评估参与者", "value": "学生本人、社工、督导。"},
        {"label": "评估方式方法", "value": "目标达成量表（GAS）与会谈记录。"},
    ],
)
CASE_RECORD = dict(
    CASE_COMMON,
    kind="case_record",
    doc_title="个案服务记录",
    totals="个案会谈 2 次，共 80 分钟；联系家庭 1 次，共 20 分钟",
    notes=[
        {
            "date": "2026年10月14日",
            "kind": "个案会谈",
            "minutes": "40",
            "author": "李社工",
            "note": f"建立关系，了解压力来源。{PROBE}",
            "safeguarding": False,
            "status": "已签阅",
            "comment": "关系建立顺利，注意评估自伤风险。",
            "by": "王督导",
            "on": "2026年10月15日",
        },
        {
            "date": "2026年10月16日",
            "kind": "联系家庭",
            "minutes": "20",
            "author": "李社工",
            "note": "电话联系母亲，说明转介心理门诊的建议。",
            "safeguarding": True,
            "status": "待督导",
            "comment": "",
            "by": "",
            "on": "",
        },
        {
            "date": "2026年10月21日",
            "kind": "个案会谈",
            "minutes": "40",
            "author": "张社工",
            "note": "练习腹式呼吸放松。",
            "safeguarding": False,
            "status": "已签阅",
            "comment": "",
            "by": "王督导",
            "on": "2026年10月22日",
        },
    ],
    referrals=CASE_REFERRALS,
)
CASE_CLOSURE = dict(
    CASE_COMMON,
    kind="case_closure",
    doc_title="结案报告",
    services="个案会谈 6 次，共 240 分钟；联系家庭 2 次，共 40 分钟",
    evaluation=[
        {"label": "过程评估", "value": f"六次会谈按计划完成。{PROBE}"},
        {"label": "结果评估", "value": "睡眠明显改善，与同伴的冲突已化解。"},
    ],
    gas=[
        {
            "text": "每周在23点前入睡的晚数",
            "weight": "2",
            "levels": [
                {"value": "-2", "text": "0–1 晚"},
                {"value": "-1", "text": "2–3 晚"},
                {"value": "0", "text": "4–5 晚"},
                {"value": "+1", "text": "6 晚"},
                {"value": "+2", "text": "7 晚"},
            ],
            "post": "+1",
            "followup": "0",
        },
        {
            "text": "主动与同伴交流",
            "weight": "1",
            "levels": [
                {"value": "-2", "text": "回避所有交流"},
                {"value": "-1", "text": "被动回应"},
                {"value": "0", "text": "每周主动一次"},
                {"value": "+1", "text": "每周主动两三次"},
                {"value": "+2", "text": "每天主动交流"},
            ],
            "post": "0",
            "followup": "未评",
        },
    ],
    gas_t="56.9",
    gas_followup="",
    closure=[
        {"label": "服务回顾", "value": "与学生一起回顾了六周的变化。"},
        {"label": "结案处理（情绪与关系）", "value": "提前两次会谈预告结案，学生能接受。"},
        {"label": "结案原因", "value": "服务目标基本达成。"},
    ],
    referrals=CASE_REFERRALS,
)


WORK_REPORT = {
    "kind": "work_report",
    "doc_title": "学期工作总结",
    "title": "2026—2027学年第一学期",
    **COMMON,
    "workers": ["李社工"],
    "scope": "社工",
    "scope_name": "李社工",
    "as_of": "2026年12月1日",
    "totals": {
        "lessons": "12",
        "lesson_participants": "480",
        "groups": "1",
        "meetings": "8",
        "meeting_participants": "56",
        "participants": "536",
        "attendance_rate": "87.5%",
        "classes_covered": "9",
        "classes_total": "22",
        "coverage": "40.9%",
        "parent_sessions": "2",
        "parent_participants": "64",
        "teacher_sessions": "1",
        "teacher_participants": "18",
    },
    "pyramid": {
        "students_total": "640",
        "screened": "598",
        "classes_screened": "16",
        "share_screened": "93.4%",
        "normal": "520",
        "concern": "62",
        "high": "16",
        "recruited": "8",
        "cases_opened": "3",
        "cases_open": "2",
        "cases_closed": "1",
        "referrals": "1",
        "crisis": "1",
        "overdue": "0",
    },
    "service": {
        "letters": "14",
        "urgent_letters": "2",
        "consult_student": "9",
        "consult_teacher": "5",
        "consult_parent": "4",
        "consultations": "18",
        "supervision_individual": "4",
        "supervision_group": "2",
        "training_hours": "12.5",
    },
    "highlights": [
        {
            "group": f"阳光成长小组（{PROBE}）",
            "judged": "3",
            "met": "2",
            "goals": ["组员能说出三种调节情绪的方法", "组员在小组中主动表达自己的感受"],
        }
    ],
    "safeguarding": "1",
}

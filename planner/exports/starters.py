"""The starting points admins download for their own Word templates, one per document kind
(planner.exports.kinds says which is whose). Each is a list of (h)eading, (p)aragraph,
(b)ullet, or a (t)able whose middle row repeats; docxtpl's {%p …%} / {%tr …%} tags drop
their own paragraph or row."""

GROUP_PLAN = [
    ("p", "小组名称：{{ group_name }}　课程：{{ curriculum_title }}"),
    (
        "p",
        "主题：{{ theme }}　年级：{{ grade_band }}　每节 {{ period_minutes }} 分钟　地点：{{ room }}",
    ),
    ("h", "一、小组概述"),
    ("p", "{{ summary }}"),
    ("h", "二、小组计划"),
    ("p", "{%p for item in plan %}"),
    (
        "p",
        "{{ item.label }}：{% if item.value is string %}{{ item.value }}"
        "{% else %}{{ item.value|join('；') }}{% endif %}",
    ),
    ("p", "{%p endfor %}"),
    ("h", "三、活动安排"),
    (
        "t",
        ["节次", "日期", "时间", "主题", "阶段"],
        "s in sessions",
        ["{{ s.seq }}", "{{ s.date }}", "{{ s.time }}", "{{ s.title }}", "{{ s.stage }}"],
    ),
]

SESSION_PLAN = [
    ("p", "小组名称：{{ group_name }}"),
    (
        "p",
        "第 {{ session.seq }} 节：{{ session.title }}　{{ session.date }} {{ session.weekday }}"
        " {{ session.time }}　{{ session.venue }}",
    ),
    ("h", "一、本节目标"),
    ("p", "{%p for o in session.objectives %}"),
    ("b", "{{ o.label }}：{{ o.text }}"),
    ("p", "{%p endfor %}"),
    ("h", "二、活动流程"),
    (
        "t",
        ["环节", "活动名称", "时长（分钟）", "目的", "物资"],
        "a in session.activities",
        [
            "{{ a.phase }}",
            "{{ a.title }}",
            "{{ a.minutes }}",
            "{{ a.purpose }}",
            "{{ a.materials|join('、') }}",
        ],
    ),
    ("p", "合计：{{ session.total_minutes }} 分钟"),
    ("h", "三、重点信息"),
    ("p", "{%p for m in session.key_messages %}"),
    ("b", "{{ m }}"),
    ("p", "{%p endfor %}"),
    ("h", "四、物资及准备"),
    ("p", "{{ session.materials|join('、') }}"),
    ("p", "{{ session.preparation }}"),
]

LESSON_PLAN = [
    ("p", "课程：{{ curriculum_title }}　主题：{{ theme }}　年级：{{ grade_band }}"),
    ("p", "授课班级：{{ classes|join('、') }}"),
    ("h", "一、课程总目标"),
    ("p", "{{ overall_goal }}"),
    ("h", "二、分课教案"),
    ("p", "{%p for lesson in lessons %}"),
    ("h2", "第 {{ lesson.seq }} 课　{{ lesson.title }}"),
    ("p", "{{ lesson.date }} {{ lesson.time }}　{{ lesson.venue }}"),
    ("p", "{%p for o in lesson.objectives %}"),
    ("b", "{{ o.label }}：{{ o.text }}"),
    ("p", "{%p endfor %}"),
    ("p", "{%p for a in lesson.activities %}"),
    ("p", "{{ a.phase }}　{{ a.title }}（{{ a.minutes }} 分钟）：{{ a.purpose }}"),
    ("p", "{%p endfor %}"),
    ("p", "核心信息：{{ lesson.key_messages|join('；') }}"),
    ("p", "{%p endfor %}"),
]

MEETING_RECORD = [
    (
        "p",
        "小组名称：{{ group_name }}　第 {{ session.seq }} 节：{{ session.title }}"
        "　{{ session.date }}",
    ),
    ("h", "一、出勤情况"),
    ("t", ["档案编号", "出勤"], "a in attendance", ["{{ a.code }}", "{{ a.status }}"]),
    ("p", "{{ attendance_summary }}"),
    ("h", "二、活动过程"),
    ("p", "{{ process }}"),
    ("p", "计划阶段：{{ planned_stage }}　观察到的阶段：{{ observed_stage }}"),
    ("p", "突发事件：{{ incident }}　调整：{{ adjustments }}"),
    ("h", "三、观察"),
    ("p", "{{ observation }}"),
    ("p", "运用技巧：{{ skills|join('、') }}"),
    ("h", "四、反思"),
    ("p", "{%p for r in reflection %}"),
    ("p", "{{ r.prompt }} {{ r.answer }}"),
    ("p", "{%p endfor %}"),
    ("h", "五、跟进"),
    ("p", "{%p for f in follow_ups %}"),
    ("b", "{{ f.who }}：{{ f.note }}{% if f.safeguarding %}（保护关注）{% endif %}"),
    ("p", "{%p endfor %}"),
    ("h", "六、督导意见"),
    ("p", "{{ supervision.status }}　{{ supervision.by }}　{{ supervision.on }}"),
    ("p", "{{ supervision.comment }}"),
]

EVALUATION_REPORT = [
    (
        "p",
        "小组名称：{{ group_name }}　服务期间：{{ period }}　{{ meetings }} 节　{{ members }} 人",
    ),
    ("h", "一、背景"),
    ("p", "{{ background }}"),
    ("p", "总目标：{{ overall_goal }}"),
    ("h", "二、目标及达成情况"),
    (
        "t",
        ["目标", "达成情况", "依据"],
        "g in goals",
        ["{{ g.goal }}", "{{ g.status }}", "{{ g.evidence }}"],
    ),
    ("h", "三、出勤情况"),
    (
        "t",
        ["档案编号", "各节出勤", "出勤率"],
        "r in attendance.rows",
        ["{{ r.code }}", "{{ r.cells|join(' ') }}", "{{ r.rate }}"],
    ),
    ("p", "整体出勤率：{{ attendance.overall }}　{{ attendance.legend }}"),
    ("h", "四、成效评估"),
    ("p", "{%p for o in outcomes %}"),
    (
        "p",
        "{{ o.instrument }}（n = {{ o.n }}）：前测 {{ o.pre }}，后测 {{ o.post }}，"
        "变化 {{ o.change }}",
    ),
    ("p", "{%p for i in o.items %}"),
    ("b", "{{ i.text }}：{{ i.pre }} → {{ i.post }}"),
    ("p", "{%p endfor %}"),
    ("p", "{%p endfor %}"),
    ("p", "{{ gas_summary }}"),
    ("h", "五、满意度"),
    (
        "p",
        "共 {{ satisfaction.n }} 份，平均分 {{ satisfaction.mean }}，认同率 {{ satisfaction.agree }}",
    ),
    ("h", "六、过程评估"),
    ("p", "{{ process.summary }}"),
    ("h", "七、建议"),
    ("p", "{{ recommendations }}"),
]

TERM_STATS = [
    ("p", "统计范围：{{ scope }} {{ scope_name }}　截至 {{ as_of }}"),
    ("h", "一、总体情况"),
    (
        "p",
        "课堂 {{ totals.lessons }} 节、{{ totals.lesson_participants }} 人次；小组 "
        "{{ totals.groups }} 个、{{ totals.meetings }} 节、{{ totals.meeting_participants }} "
        "人次；服务总人次 {{ totals.participants }}；班级覆盖率 {{ totals.coverage }}",
    ),
    ("h", "二、分项统计"),
    (
        "t",
        ["{{ rows_label }}", "课堂节数", "课堂人次", "小组节数", "总人次", "覆盖率"],
        "r in rows",
        [
            "{{ r.name }}",
            "{{ r.lessons }}",
            "{{ r.lesson_participants }}",
            "{{ r.meetings }}",
            "{{ r.participants }}",
            "{{ r.coverage }}",
        ],
    ),
]


SESSION_MATERIALS = [
    ("p", "课程：{{ curriculum_title }}　本节：{{ session_title }}"),
    ("p", "{%p for m in materials %}"),
    ("h", "{{ m.title }}"),
    ("p", "{{ m.kind_label }}　{{ m.audience_label }}"),
    ("p", "{%p for b in m.blocks %}"),
    (
        "p",
        "{% if 'heading' in b %}{{ b['heading'] }}{% elif 'text' in b %}{{ b['text'] }}"
        "{% elif 'items' in b %}{{ b['items']|join('；') }}"
        "{% elif 'numbered' in b %}{{ b['numbered']|join('；') }}"
        "{% elif 'cards' in b %}{{ b['cards']|join('　｜　') }}"
        "{% elif 'checklist' in b %}□ {{ b['checklist']|join('　□ ') }}"
        "{% elif 'table' in b %}{{ b['table']['columns']|join('　｜　') }}{% endif %}",
    ),
    ("p", "{%p endfor %}"),
    ("p", "{%p endfor %}"),
]

CASE_HEAD = [
    (
        "p",
        "个案编号：{{ archive_code }}　学生档案编号：{{ case.student_code }}　{{ case.class_name }}",
    ),
    (
        "p",
        "个案社工：{{ case.worker }}　协同社工：{{ case.co_worker }}　开案：{{ case.opened_on }}"
        "　风险等级：{{ case.risk }}　来源：{{ case.source }}",
    ),
]
CASE_REFERRALS = (
    "t",
    ["转介日期", "接收机构", "转介原因", "同意", "结果"],
    "r in referrals",
    [
        "{{ r.date }}",
        "{{ r.target }} {{ r.organisation }}",
        "{{ r.reason }}",
        "{{ r.consent }}",
        "{{ r.outcome }} {{ r.outcome_on }}",
    ],
)


def _fields(name: str) -> list:
    return [
        ("p", f"{{%p for item in {name} %}}"),
        ("p", "{{ item.label }}：{{ item.value }}"),
        ("p", "{%p endfor %}"),
    ]


CASE_INTAKE = [
    *CASE_HEAD,
    ("p", "同意情况：{{ case.consent }}"),
    ("h", "一、接案记录"),
    *_fields("intake"),
    ("h", "二、转介"),
    CASE_REFERRALS,
]

CASE_PLAN = [
    *CASE_HEAD,
    ("h", "一、预估"),
    *_fields("assessment"),
    ("h", "二、服务计划"),
    *_fields("plan"),
]

CASE_RECORD = [
    *CASE_HEAD,
    ("p", "服务小结：{{ totals }}"),
    ("h", "一、服务记录"),
    (
        "t",
        ["日期", "服务方式", "时长（分钟）", "记录", "督导"],
        "n in notes",
        [
            "{{ n.date }}",
            "{{ n.kind }}",
            "{{ n.minutes }}",
            "{{ n.note }}",
            "{{ n.status }} {{ n.by }} {{ n.comment }}",
        ],
    ),
    ("h", "二、转介"),
    CASE_REFERRALS,
]

CASE_CLOSURE = [
    *CASE_HEAD,
    ("p", "结案日期：{{ case.closed_on }}　跟进回访：{{ case.follow_up_on }}"),
    ("h", "一、评估"),
    *_fields("evaluation"),
    (
        "t",
        ["GAS 目标", "权重", "评估时", "回访时"],
        "g in gas",
        ["{{ g.text }}", "{{ g.weight }}", "{{ g.post }}", "{{ g.followup }}"],
    ),
    ("p", "综合 T 分数：评估时 {{ gas_t }}，回访时 {{ gas_followup }}"),
    ("h", "二、结案"),
    *_fields("closure"),
    ("h", "三、转介"),
    CASE_REFERRALS,
]

WORK_REPORT = [
    ("p", "总结范围：{{ scope }} {{ scope_name }}　截至 {{ as_of }}"),
    ("h", "一、课堂与小组服务"),
    (
        "p",
        "课堂 {{ totals.lessons }} 节、{{ totals.lesson_participants }} 人次；小组 "
        "{{ totals.groups }} 个、{{ totals.meetings }} 节、{{ totals.meeting_participants }} "
        "人次；服务总人次 {{ totals.participants }}",
    ),
    ("h", "二、三级服务金字塔"),
    (
        "p",
        "筛查 {{ pyramid.screened }} 人（覆盖率 {{ pyramid.share_screened }}）；关注 "
        "{{ pyramid.concern }} 人、高危 {{ pyramid.high }} 人；招募入组 {{ pyramid.recruited }} "
        "人；新开个案 {{ pyramid.cases_opened }} 个、结案 {{ pyramid.cases_closed }} 个",
    ),
    ("h", "三、社工信箱、咨询与专业支持"),
    (
        "p",
        "来信 {{ service.letters }} 封（紧急 {{ service.urgent_letters }} 封）；咨询 "
        "{{ service.consultations }} 人次；个别督导 {{ service.supervision_individual }} 次、"
        "团体督导 {{ service.supervision_group }} 次；培训 {{ service.training_hours }} 学时",
    ),
    ("h", "四、小组成效亮点"),
    (
        "t",
        ["小组", "评估目标", "已达成"],
        "h in highlights",
        ["{{ h.group }}", "{{ h.judged }}", "{{ h.met }}"],
    ),
    ("h", "五、安全保护"),
    ("p", "本学期提出安全保护关注 {{ safeguarding }} 项"),
]

"""Where the form fuzz (test_form_fuzz.py) posts: the POST forms (fuzz_forms.py reads
them) on every page a persona may open, and the target of each form endpoint (who posts, where, which fields, what a
browser would send; the step before a form that only appears after one). What is sent is
fuzz_values.py; what each answer must be is fuzz_checks.py."""

import datetime as dt
import io

from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import HTTPException

from planner.exports import jobs
from planner.i18n import local_now
from tests.access import LOGIN
from tests.conftest import login_as
from tests.security import helpers as h
from tests.security.fuzz_forms import Field, forms_of

RULES = h.RULES

# Every route that takes a POST is an HTML form endpoint fuzzed here, except these.
SKIPPED = {
    "api.curriculum_import": "JSON API (Bearer token): schemathesis fuzzes it from the OpenAPI",
    "accounts.user_unlock": "a button with no fields, shown only for a locked account: "
    "tests/accounts/test_lockout.py posts it for every case",
    "exports.job_retry": "a button with no fields, shown only for a failed zip: "
    "tests/exports/test_job_queue.py posts it for every case",
    # The pending login lives in the one client's session, which the fuzz's fresh logged-in
    # clients don't carry (every post would answer 303): its bad input is tested in
    # tests/accounts/test_second_factor_login.py.
    "second_factor.verify": "the second step needs the session of a half-done login",
    "copy.term_copy_save": "a button with no fields, shown only once the next school year has "
    "the term: tests/sessions/test_copy_plan.py posts it in every case",
}
# Whom to post as when several personas may: the widest forms first.
ORDER = ("worker", "admin", "supervisor", "teacher", "worker_other")
# Fields the page's form lacks but the handler reads (runmode.js adds them to a tap).
EXTRA_FIELDS = {
    "runs.tap": {"tapped_at": "datetime", "tap_id": "text", "if_unset": "text"},
    "runs.record": {"save_id": "text", "unanswered": "text"},
}


REAL = "\x00REAL"  # in TYPED: the select's first real option (not 请选择)


def _login(w):
    from tests.factories import PASSWORD

    return {"username": w.worker.username, "password": PASSWORD}


def _files(kind):
    """A good file for each upload form, so that the other fields are fuzzed past it."""

    def typed(w):
        if kind == "ics":
            from tests.calendars.test_ics_import import SCHOOL_YEAR

            return {"file": (SCHOOL_YEAR, "school.ics")}
        if kind == "csv":
            return {"file": (CLASS_LIST, "名单.csv")}
        from tests.exports.test_template_upload import GOOD

        if kind == "screening":
            return {"file": (screening_sheet(w), "筛查结果.csv")}
        return {"file": (GOOD, "机构模板.docx")}

    return typed


# What a user types into an empty form so that it gets through: the examples then fuzz
# one field of a form that is otherwise right. (The others start from their record, the
# first real option of each select, and the rule's data.)
TYPED = {
    "accounts.login": _login,
    "accounts.user_new": lambda w: {
        "username": "fuzz.user",
        "display_name": "模糊测试",
        "role": "worker",
        "password": "a-long-password-1",
        "school_ids": str(w.school.id),
    },
    "students.new": lambda w: {"name": "新同学", "student_no": "F0001", "birth_date": "2013-05-01"},
    "schools.new": lambda w: {"name": "新活动室", "capacity": "30"},
    "schools.new:terms": lambda w: {"name": "测试学期", "start": "2027-02-20", "end": "2027-07-01"},
    "schools.new:schools": lambda w: {"name": "测试学校", "code": "FZ-1"},
    "schools.new:classes": lambda w: {"name": "8(3)班", "grade": "8"},
    "calendars.national_new:makeup": lambda w: {
        "name": "测试调休",
        "date": "2031-05-10",
        "source": "测试",
    },
    "calendars.day_new": lambda w: {"name": "测试活动", "start": "2026-11-12", "end": "2026-11-12"},
    "calendars.national_new": lambda w: {
        "name": "测试节",
        "start": "2031-05-01",
        "end": "2031-05-02",
        "source": "测试",
    },
    "evaluation.instruments": lambda w: {
        "name": "测试量表",
        "slug": "fuzz-scale",
        "points": "5",
        "labels": "1\n2\n3\n4\n5",
        "items": "我很好\n我不好",
        "applies_at": "pre",
    },
    "programs.new": lambda w: {
        "title": "测试课堂",
        "group_name": "测试组",
        "action": "save",
        "curriculum_id": REAL,
        "class_ids": str(w.cls.id),
        "r_weekday": ["2", "", ""],
        "r_period": [REAL, "", ""],
    },
    "students.consent_add": lambda w: {
        "purpose": "observation",
        "giver_name": "测试家长",
        "notice_version": "v1",
        "given_on": "2026-09-01",
    },
    "students.member_add": lambda w: {"student": str(_joiner(w).id)},
    "feeds.create": lambda w: {"label": "测试订阅"},
    "api.token_create": lambda w: {"label": "测试令牌"},
    "runs.tap": lambda w: {
        "tapped_at": local_now().isoformat(timespec="seconds"),
        "tap_id": "fuzz-tap-1",
    },  # what runmode.js adds
    "calendars.ics_upload": _files("ics"),
    "students.import_upload": _files("csv"),
    "screening.import_upload": _files("screening"),
    "screening.instruments_page": lambda w: {"text": own_screening_yaml()},
    "screening.new": lambda w: {
        "title": "测试筛查",
        "program_id": REAL,
        "instrument_id": REAL,
    },
    "exports.template_upload": _files("docx"),
}


def endpoint_of(app, action):
    """The endpoint a form action posts to, or None (another site, no such route)."""
    path = action.split("?", 1)[0].split("#", 1)[0]
    try:
        return app.url_map.bind("localhost").match(path, method="POST")[0]
    except HTTPException:
        return None


# --- who posts each form, from where ---------------------------------------------------

_CRAWL = {}


def crawl(app, world):
    """{endpoint: [(persona, page endpoint, page url, form)]} for every POST form on every
    page each persona may open; done once per run (the pages, not their records, matter)."""
    if not _CRAWL:
        found = {}
        for persona in ORDER:
            client = h.client_for(app, world, persona)
            for page, url in h.get_routes(persona, world):
                fetched = h.fetch(client, url)
                if fetched.content_type != "text/html":
                    continue
                for form in forms_of(fetched.text):
                    endpoint = endpoint_of(app, form.action)
                    found.setdefault(endpoint, []).append((persona, page, url, form))
        _CRAWL.update(found)
    return _CRAWL


def allowed(endpoint, persona):
    """True if the access matrix lets the persona through to the form handling."""
    method, _build, _data, expected = RULES[endpoint]
    want = expected[persona]
    if method == "GET":
        return want == 200
    return want not in (LOGIN, 401, 403, 404)


def persona_for(endpoint, seen):
    """The persona whose post reaches the handler, one with a success answer first."""
    rule = RULES[endpoint]
    shown = {persona for persona, *_ in seen}

    def rank(persona):
        ok = rule[0] == "GET" or isinstance(rule[3][persona], int) and rule[3][persona] < 400
        return (persona not in shown, not ok, ORDER.index(persona))

    candidates = [p for p in ORDER if allowed(endpoint, p)]
    assert candidates, f"{endpoint}: no persona may post it"
    return min(candidates, key=rank)


# --- preludes: forms that only appear after an earlier step -------------------------------

# a class list every row of which imports
CLASS_LIST = (
    "学号,姓名,性别,出生日期,班级,监护人,监护人电话\r\n"
    "20240101,张三,男,2013-03-05,7(1)班,张建国,13800001111\r\n"
    "20240102,李四,女,2013-04-06,7(1)班,李娜,13900002222\r\n"
).encode()


def _csv_upload(client, w):
    return client.post(
        f"/schools/{w.school.id}/students/import",
        data={"file": (io.BytesIO(CLASS_LIST), "名单.csv")},
    )


def _mapping(client, w):
    return _csv_upload(client, w).get_data(as_text=True)


def _preview(client, w):
    """The mapping form as guessed, posted: the preview with its commit form."""
    form = next(f for f in forms_of(_mapping(client, w)) if f.action.endswith("/preview"))
    data = MultiDict(
        [(n, v) for n, f in form.fields.items() for v in f.values if f.kind != "button"]
    )
    return client.post(form.action, data=data).get_data(as_text=True)


def own_screening_yaml() -> str:
    """The shipped screening instrument as an agency's own (another slug)."""
    import os

    from planner import ROOT

    path = os.path.join(ROOT, "content", "instruments", "screening-wellbeing.yaml")
    with open(path, encoding="utf-8") as fh:
        return fh.read().replace("slug: screening-wellbeing", "slug: fuzz-screening")


def screening_sheet(w) -> bytes:
    """A platform's results sheet every row of which imports into the matrix's round."""
    keys = [f"第{n}题" for n in range(1, len(w.screen_round.instrument.items) + 1)]
    scores = ",".join("1" for _ in keys)
    return f"学号,{','.join(keys)}\r\n{w.screen_student.student_no},{scores}\r\n".encode()


def _screen_mapping(client, w):
    return client.post(
        f"/screening/{w.screen_round.id}/import",
        data={"file": (io.BytesIO(screening_sheet(w)), "筛查结果.csv")},
    ).get_data(as_text=True)


def _screen_preview(client, w):
    form = next(f for f in forms_of(_screen_mapping(client, w)) if f.action.endswith("/preview"))
    data = MultiDict(
        [(n, v) for n, f in form.fields.items() for v in f.values if f.kind != "button"]
    )
    return client.post(form.action, data=data).get_data(as_text=True)


def _ics_preview(client, w):
    from tests.calendars.test_ics_import import SCHOOL_YEAR

    return client.post(
        f"/admin/schools/{w.school.id}/calendar/import?term={w.term.id}",
        data={"file": (io.BytesIO(SCHOOL_YEAR), "school.ics")},
    ).get_data(as_text=True)


def _after_bump(client, w):
    client.post(f"/programs/{w.program.id}/sessions/{w.psessions[4].id}/bump")
    return client.get(f"/programs/{w.program.id}").get_data(as_text=True)


def _changed_after_export(client, w):
    """The 标记为已通知 button shows once a session is marked changed after export."""
    from planner.sessions.models import Session

    Session.update(changed_after_export=True).where(Session.program == w.program.id).execute()
    return client.get(f"/programs/{w.program.id}").get_data(as_text=True)


def _displaced(client, w):
    """The re-plan form shows once a session still to come falls on a closed day: the
    series' last session is put on the first Tuesday a week from today (if the term still
    has one) and that day is closed."""
    import datetime as dt

    from planner.calendars.models import CalendarDay
    from planner.i18n import local_today
    from planner.sessions.models import Session

    day = local_today() + dt.timedelta(days=7)
    day += dt.timedelta(days=(1 - day.weekday()) % 7)
    if day <= w.term.end:
        Session.update(date=day).where(Session.id == w.psessions[5].id).execute()
        CalendarDay.get_or_create(school=w.school.id, date=day, kind="closure", name="停课")
    return client.get(f"/programs/{w.program.id}/replan").get_data(as_text=True)


def _withdrawn(client, w):
    """Every purpose of the matrix student has consent: withdraw one to give it again."""
    client.post(f"/students/{w.student.id}/consents/{w.withdrawable.id}/withdraw")
    return client.get(f"/students/{w.student.id}").get_data(as_text=True)


def _joiner(w):
    """A student of the school with consent to take part, not yet in the group."""
    from planner.students.models import Consent, Student

    student = Student.get_or_none(Student.student_no == "F-JOIN")
    if student is None:
        student = Student.create(
            school=w.school,
            archive_code="JX-ST-2026-9101",
            student_no="F-JOIN",
            name="入组学生",
            gender="男",
            birth_date=dt.date(2013, 6, 1),
            school_class=w.cls,
        )
        Consent.create(
            student=student,
            purpose="participation",
            given_by="guardian",
            giver_name="入组家长",
            notice_version="v1",
            given_on=dt.date(2026, 9, 1),
            method="paper",
        )
    return student


def _roster(client, w):
    _joiner(w)
    return client.get(f"/programs/{w.group.id}/roster").get_data(as_text=True)


def _candidate(client, w):
    """The joiner answered the matrix's screening round in the 关注 tier: a candidate."""
    from planner.students.models import Consent
    from tests.screening import factories as sf

    student = _joiner(w)
    if not student.screening_results.exists():
        Consent.create(
            student=student,
            purpose="screening",
            given_by="guardian",
            giver_name="家长",
            notice_version="v1",
            given_on=dt.date(2026, 9, 1),
            method="paper",
        )
        sf.result(w.screen_round, student, 1, q1=3, q12=0)  # 13: 关注
    return client.get(f"/programs/{w.group.id}/roster").get_data(as_text=True)


def _draft_reflection(client, w):
    """The matrix's reflection is submitted (read-only): the group's next meeting has none."""
    from tests.reflections import factories as rf

    session = rf.sessions_of(w.refl_program)[1]
    return client.get(f"/sessions/{session.id}/reflection").get_data(as_text=True)


def _enrolled(user_id):
    """Give the user a second factor (again, after a post that turned it off)."""
    import pyotp

    from planner.accounts.models import User

    User.update(totp_secret=pyotp.random_base32()).where(
        (User.id == user_id) & User.totp_secret.is_null()
    ).execute()


def _own_second_factor(client, w):
    """Turning off and new recovery codes are offered once the worker has enrolled."""
    _enrolled(w.worker.id)
    return client.get("/account/second-factor").get_data(as_text=True)


def _reset_button(client, w):
    _enrolled(w.enrolled.id)
    return client.get(f"/admin/users/{w.enrolled.id}/edit").get_data(as_text=True)


def _case_round(client, w):
    """The 高危 result the matrix opens a case from is in a round of its own."""
    return client.get(f"/screening/{w.case_round.id}").get_data(as_text=True)


def _case_draft_note(client, w):
    """The matrix's case note is submitted: a draft of the worker's has the edit form."""
    from tests.cases import factories as cf

    cf.note(w.case, w.worker, note="草稿")
    return client.get(f"/cases/{w.case.id}").get_data(as_text=True)


def _case_follow_up(client, w):
    refl = w.case_follow_up.reflection
    return client.get(f"/sessions/{refl.session_id}/reflection").get_data(as_text=True)


PRELUDES = {
    "cases.from_screening": _case_round,
    "cases.note_edit": _case_draft_note,
    "cases.from_follow_up": _case_follow_up,
    "second_factor.disable": _own_second_factor,
    "second_factor.regenerate": _own_second_factor,
    "second_factor.reset": _reset_button,
    "students.consent_add": _withdrawn,
    "students.member_add": _roster,
    "students.member_recruit": _candidate,
    "reflections.edit": _draft_reflection,
    "students.import_preview": _mapping,
    "students.import_cancel": _mapping,
    "students.import_commit": _preview,
    "calendars.ics_commit": _ics_preview,
    "screening.import_preview": _screen_mapping,
    "screening.import_cancel": _screen_mapping,
    "screening.import_commit": _screen_preview,
    "programs.undo": _after_bump,
    "programs.replan_page": _displaced,
    "programs.notified": _changed_after_export,
}


# --- the target of one endpoint ----------------------------------------------------------

# One resource route serves several forms: each of the others is fuzzed too (case
# "endpoint:variant", from the page that draws it).
VARIANTS = {
    "schools.new:schools": lambda w: "/admin/schools/new",
    "schools.new:terms": lambda w: f"/admin/terms/new?school={w.school.id}",
    "schools.new:classes": lambda w: f"/admin/classes/new?school={w.school.id}",
    "schools.edit:schools": lambda w: f"/admin/schools/{w.school.id}/edit",
    "schools.edit:terms": lambda w: f"/admin/terms/{w.term.id}/edit",
    "schools.edit:rooms": lambda w: f"/admin/rooms/{w.room.id}/edit",
    "calendars.national_new:makeup": lambda w: "/admin/calendar/national/makeup/new",
    "calendars.national_edit:holiday": lambda w: (
        f"/admin/calendar/national/holiday/{w.nat_holiday.id}/edit"
    ),
}


class Target:
    """Where one endpoint's form is posted, as whom, with which fields; refreshed from the
    page after each success so that versions and one-time ids stay current."""

    def __init__(self, app, world, case):
        endpoint = case.split(":")[0]
        self.app, self.world, self.case, self.endpoint = app, world, case, endpoint
        seen = crawl(app, world).get(endpoint, [])
        self.persona = persona_for(endpoint, seen)
        self.user = getattr(world, self.persona)
        self.page = next((page for persona, page, *_ in seen if persona == self.persona), None)
        if RULES[endpoint][0] == "GET":
            self.page = endpoint  # the form posts back to its own page
        self.rule_url = RULES[endpoint][1](world) if RULES[endpoint][0] == "POST" else None
        data = RULES[endpoint][2]
        self.rule_data = (data(world) if callable(data) else data) or {}
        self.fields, self.url, self.multipart, self.base = {}, None, False, MultiDict()
        self.form_found = self.frozen = False
        self.refresh()
        assert self.url, f"{endpoint}: no form found and no POST rule"

    def client(self):
        return login_as(self.app.test_client(), self.user)

    def refresh(self):
        """Read the form afresh from its page (or from the step before it)."""
        client = self.client()
        if self.endpoint in PRELUDES:
            html = PRELUDES[self.endpoint](client, self.world)
        elif self.case in VARIANTS:
            html = client.get(VARIANTS[self.case](self.world)).get_data(as_text=True)
        elif self.page:
            html = client.get(RULES[self.page][1](self.world)).get_data(as_text=True)
        else:
            html = ""
        jobs.wait_all()
        forms = [f for f in forms_of(html) if endpoint_of(self.app, f.action) == self.endpoint]
        # the form of the rule's own record, else the first of its kind on the page
        form = next(
            (f for f in forms if f.action.split("?")[0] == (self.rule_url or "").split("?")[0]),
            forms[0] if forms else None,
        )
        if form is not None:
            self.form_found = True
            self.url = form.action
            self.multipart = form.multipart
            fields = {n: f for n, f in form.fields.items() if n != "csrf_token"}
        else:
            self.url = self.url or self.rule_url
            fields = dict(self.fields)
        for name, value in self.rule_data.items():
            fields.setdefault(name, Field(name, "text", values=[value]))
        for name, kind in EXTRA_FIELDS.get(self.endpoint, {}).items():
            fields.setdefault(name, Field(name, kind))
        if not self.frozen:  # the examples are drawn from the first form's fields
            self.fields, self.frozen = fields, True
        base = MultiDict()
        for name, f in fields.items():
            values = [self.rule_data[name]] if name in self.rule_data and not f.values else f.values
            if f.kind == "button":
                values = values or f.options[:1]
            for value in values:
                base.add(name, value)
        typing = TYPED.get(self.case) or TYPED.get(self.endpoint) or (lambda w: {})
        for name, typed in typing(self.world).items():
            real = [o for o in fields[name].options if o] if name in fields else []
            values = [
                real[0] if v == REAL and real else v
                for v in (typed if isinstance(typed, list) else [typed])
            ]
            base.setlist(name, values)
            self.fields[name].options += [
                v for v in values if isinstance(v, str) and v and v not in self.fields[name].options
            ]
        self.base = base

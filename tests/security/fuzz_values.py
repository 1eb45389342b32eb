"""What the form fuzz (test_form_fuzz.py) sends: Hypothesis strategies for hostile field
values and files, the plan of one post (which fields to keep, replace, drop, empty or send
twice, which unknown fields to add), and the explicit worst-value examples."""

import io
import re
from dataclasses import dataclass, field

from docx import Document
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict

# Besides plain and htmx posts: runmode.js asks for JSON answers.
ACCEPT_JSON = {"runs.tap"}

# --- values ----------------------------------------------------------------------------

NASTY = [
    "",
    " ",
    "\x00",
    "\x00abc",
    "a\x00b",
    "null",
    "None",
    "undefined",
    "true",
    "false",
    "[]",
    "{}",
    "0",
    "-1",
    "<script>alert(1)</script>",
    "%s%n%x",
    "'; DROP TABLE user;--",
    "\u202e",
    "😀",
    "𠮷野家",
    "a\r\nb",
    "\r\n",
    "../../etc/passwd",
    "{{7*7}}",
    "{% raw %}",
    "١٢٣",
    "１２",
    "Ⅻ",
    "\ufeff",
    "\u200b",
    "\x7f",
    "\x1b[31m",
    "ǅ",
    "ß" * 3,
    "İ",
    "\u0301",
    "\U0010ffff",
    "\ufffd",
]
WHITESPACE = " \t\r\n\x0b\x0c\u3000\u00a0\u2028\u200b\ufeff"
NUMBERS = [
    "²",
    "①",
    "߃",
    "2147483648",
    "-2147483649",
    "9223372036854775808",
    "-9223372036854775809",
    "1" + "0" * 40,
    "1e309",
    "1e5",
    "1.5",
    "-0",
    "0.0",
    "NaN",
    "nan",
    "Infinity",
    "-inf",
    "0x1F",
    "1_000",
    "+3",
    " 4 ",
    "٣",
    "１０",
    "3.0",
    "0b11",
    "-",
    "--1",
    "1e-5",
]
DATES = [
    "2026-02-30",
    "2026-13-01",
    "2026-00-10",
    "2026-09-00",
    "2026/09/01",
    "01/09/2026",
    "2026-9-1",
    "20260901",
    "2026-09-01T08:00:00",
    "2026-09-01 08:00",
    "0000-00-00",
    "9999-12-31",
    "0001-01-01",
    "2026-W36",
    "昨天",
    "2026年9月1日",
    "２０２６-０９-０１",
    "-2026-01-01",
    "+2026-01-01",
    "2026-09-01Z",
    "99999-01-01",
    "1900-01-01",
]
TIMES = [
    "24:00",
    "25:00",
    "12:60",
    "7:5",
    "08:00:00",
    "8:00 AM",
    "-1:00",
    "99:99",
    "08：00",
    "0800",
    "23:59:60",
    "00:00",
    "23:59",
    "08:00+08:00",
    "T08:00",
]
MISSING_IDS = ["0", "-1", "999999", "2147483648", "9223372036854775808", "1.0", "1e3", "0x1"]


def _long(piece, n):
    return ((piece or "长") * n)[:n]


TEXT = st.one_of(
    st.text(max_size=30),  # every code point but surrogates: controls, NUL, combining marks
    st.sampled_from(NASTY),
    st.text(alphabet=WHITESPACE, min_size=1, max_size=6),
    st.builds(_long, st.text(min_size=1, max_size=3), st.integers(200, 10_500)),
)
NUMBER = st.one_of(
    st.integers(-(2**70), 2**70).map(str), st.sampled_from(NUMBERS), st.floats().map(str)
)
DATE = st.one_of(
    st.sampled_from(DATES), st.dates().map(str), st.dates().map(lambda d: d.strftime("%d/%m/%Y"))
)
TIME = st.one_of(st.sampled_from(TIMES), st.times().map(lambda t: t.isoformat()))
DATETIME = st.one_of(st.datetimes().map(lambda d: d.isoformat()), DATE, TIME, NUMBER)


def foreign_ids(w):
    """Ids of records of the other school and the other agency, and ids that do not exist."""
    from planner.schools.models import Room, School, SchoolClass, Term
    from planner.students.models import Student

    ids = {
        w.other_school.id,
        w.foreign_school.id,
        w.other_cls.id,
        w.other_room.id,
        w.other_term.id,
        w.worker_other.id,
    }
    for model in (SchoolClass, Room, Term):
        ids.update(r.id for r in model.select(model.id).where(model.school != w.school.id))
    ids.update(s.id for s in Student.select(Student.id).where(Student.school != w.school.id))
    ids.update(s.id for s in School.select(School.id).where(School.agency != w.agency.id))
    return [str(i) for i in sorted(ids)] + MISSING_IDS


def looks_numeric(f):
    return (
        f.kind == "number"
        or f.name.endswith(("_id", "_ids", "version", "id"))
        or (bool(f.options) and all(re.fullmatch(r"-?\d+", o or "0") for o in f.options))
    )


def value_for(f, ids):
    """Hostile values for one field, shaped by its kind (and always some of every kind)."""
    parts = [st.sampled_from(f.options)] if f.options else []
    name = f.name.lower()
    if looks_numeric(f):
        parts += [st.sampled_from(ids), NUMBER]
    if f.kind == "date" or name.endswith(("_on", "date")) or name in ("start", "end"):
        parts.append(DATE)
    if f.kind == "time" or name.endswith(("start", "end")):
        parts.append(TIME)
    if f.kind == "datetime":
        parts.append(DATETIME)
    parts += [TEXT, st.one_of(NUMBER, DATE, TIME, st.sampled_from(ids))]
    return st.one_of(parts)


# --- uploaded files ------------------------------------------------------------------------


def _docx(paragraphs):
    document = Document()
    for text in paragraphs:
        document.add_paragraph(_xml_safe(text))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _xml_safe(text):
    return "".join(c for c in text if c in "\t\n\r" or ord(c) >= 0x20 and c not in "\ufffe\uffff")


def _ics(summary, start, end):
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:fuzz",
        "BEGIN:VEVENT",
        "UID:f@x",
        f"SUMMARY:{summary}",
        f"DTSTART;VALUE=DATE:{start}",
        f"DTEND;VALUE=DATE:{end}",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return "\r\n".join(lines).encode("utf-8", "surrogatepass")


def _class_list(rows):
    """A class list whose every row could import but for its hostile cells."""
    head = "学号,姓名,性别,出生日期,班级,监护人,监护人电话"
    lines = [
        ",".join([f"{no}{i}", name, "男", "2013-03-05", "7(1)班", guardian, "13800001111"])
        for i, (no, name, guardian) in enumerate(rows)
    ]
    return "\r\n".join([head, *lines]).encode("utf-8", "surrogatepass")


def _csv(cells, encoding):
    head = "学号,姓名,性别,出生日期,班级,监护人,监护人电话"
    rows = [",".join(cells[i : i + 7]) for i in range(0, len(cells), 7)]
    try:
        return "\r\n".join([head, *rows]).encode(encoding)
    except UnicodeEncodeError:
        return "\r\n".join([head, *rows]).encode("utf-8")


SHORT = st.one_of(st.text(max_size=12), st.sampled_from(NASTY), st.sampled_from(DATES))
JINJA = st.sampled_from(
    [
        "{{ title }}",
        "{{ x.y.z }}",
        "{% for s in sessions %}{{ s }}",
        "{% endfor %}",
        "{{ 1/0 }}",
        "{{ ''.__class__ }}",
        "{%",
        "}}",
        "{{ title|safe }}",
        "{% include 'x' %}",
        "{{ range(10**9)|list }}",
    ]
)
CELL = st.one_of(st.sampled_from(NASTY), st.text(max_size=12)).map(
    lambda t: t.replace(",", "，").replace("\n", " ").replace("\r", " ")
)
TERM_DAY = st.sampled_from(["20261112", "20261201", "20261215", "20270105"])
FILE_BODY = st.one_of(
    st.builds(_class_list, st.lists(st.tuples(CELL, CELL, CELL), min_size=1, max_size=3)),
    st.builds(_ics, CELL, TERM_DAY, TERM_DAY),
    st.binary(max_size=300),
    st.just(b""),
    st.builds(_csv, st.lists(SHORT, max_size=21), st.sampled_from(["utf-8", "gb18030", "utf-16"])),
    st.builds(
        _ics,
        SHORT,
        st.one_of(
            st.sampled_from(["20261110", "20261301", "x"]),
            st.dates().map(lambda d: d.strftime("%Y%m%d")),
        ),
        st.one_of(
            st.sampled_from(["20261111", "20260101", ""]),
            st.dates().map(lambda d: d.strftime("%Y%m%d")),
        ),
    ),
    st.builds(_docx, st.lists(st.one_of(JINJA, SHORT), max_size=4)),
)
FILE_NAME = st.one_of(
    st.sampled_from(
        [
            "名单.xlsx",
            "名单.csv",
            "school.ics",
            "模板.docx",
            "x",
            ".csv",
            "../../etc/passwd.csv",
            "a.CSV",
            "b.XLSX",
            "c.ICS",
            "d.DOCX",
            "e.docx.exe",
            "名单.xls",
            "",
            " .csv",
            "名单\x00.csv",
            "school\x0b.ics",
            "模板\x00.docx",
        ]
    ),
    st.builds(
        lambda s, ext: s + ext,
        st.text(max_size=20),
        st.sampled_from([".csv", ".xlsx", ".ics", ".docx", ""]),
    ),
)
FILE = st.tuples(FILE_BODY, FILE_NAME)


# --- one fuzzed request --------------------------------------------------------------------

KEEP = "\x00KEEP"  # in a plan: the value the page's form holds when the post is sent


@dataclass
class Request:
    """A plan for one post: per field the values to send (None: the form's own values),
    then unknown fields; resolved against the form as it is when it is sent, so the
    examples never depend on what earlier posts changed."""

    plan: list
    htmx: bool
    json: bool = False
    pairs: list = field(default_factory=list)

    def data(self, base):
        self.pairs = []
        for name, values in self.plan:
            kept = base.getlist(name)
            if values is None:
                self.pairs += [(name, v) for v in kept]
                continue
            self.pairs += [(name, (kept or [""])[0] if v == KEEP else v) for v in values]
        out = MultiDict()
        for name, value in self.pairs:
            if isinstance(value, tuple):
                body, filename = value
                value = (io.BytesIO(body), filename)
            out.add(name, value)
        return out

    def describe(self, limit=700):
        def short(v):
            if isinstance(v, tuple):
                return f"<file {v[1]!r} {len(v[0])} bytes>"
            return repr(v) if len(v) <= 40 else f"{v[:30]!r}…({len(v)} chars)"

        text = ", ".join(f"{n}={short(v)}" for n, v in self.pairs)
        flags = (" [htmx]" if self.htmx else "") + (" [json]" if self.json else "")
        return (text[:limit] + "…" if len(text) > limit else text) + flags


EXTRA_NAMES = [
    "id",
    "agency",
    "agency_id",
    "school_id",
    "user_id",
    "role",
    "active",
    "archived",
    "version",
    "status",
    "created_by",
    "password_hash",
    "session_version",
    "is_admin",
    "owner",
    "__proto__",
    "a" * 300,
    "",
    "名称",
]


@st.composite
def requests(draw, target, ids):
    """Mostly the browser's own form with one to three fields made hostile (so the handler
    gets past the first check), sometimes every field hostile, sometimes none: each chosen
    field is replaced, dropped, emptied or sent twice; unknown fields are added."""
    names = sorted(target.fields)
    mode = draw(st.sampled_from(["few", "all", "none"]))
    if mode == "few" and names:
        chosen = set(draw(st.lists(st.sampled_from(names), min_size=1, max_size=3)))
    else:
        chosen = set(names) if mode == "all" else set()
    plan = []
    for name in names:
        f = target.fields[name]
        if name not in chosen:
            plan.append((name, None))
            continue
        value = FILE if f.kind == "file" else value_for(f, ids)
        op = draw(st.sampled_from(["set", "drop", "dup", "empty"]))
        if op == "set":
            plan.append((name, [draw(value)]))
        elif op == "dup":
            plan.append((name, [draw(st.one_of(value, st.just(KEEP))), draw(value)]))
        elif op == "empty":
            plan.append((name, [(b"", "") if f.kind == "file" else ""]))
    for _ in range(draw(st.integers(0, 2))):
        name = draw(st.one_of(st.sampled_from(EXTRA_NAMES), st.text(max_size=8)))
        plan.append((name, [draw(TEXT)]))
    is_json = target.endpoint in ACCEPT_JSON and draw(st.booleans())
    return Request(plan, draw(st.booleans()), is_json)


# Explicit examples: each field alone at the worst values of its kind, the others as the
# page has them (random draws find these combinations too seldom to rely on).
WORST = {
    "number": ["9223372036854775808", "-9223372036854775809", "²"],
    "date": ["9999-12-31", "0001-01-01", "2026-02-30"],
    "time": ["24:00", "²:00"],
    "text": ["x\x00y", "長" * 10_000],
}


def kind_of(f):
    name = f.name.lower()
    if looks_numeric(f):
        return "number"
    if f.kind == "date" or name.endswith(("_on", "date")) or name in ("start", "end"):
        return "date"
    if f.kind == "time" or name.endswith(("start", "end")):
        return "time"
    return "text"


def worst_requests(target):
    names = sorted(target.fields)
    out = []
    for name in names:
        f = target.fields[name]
        if f.kind == "file":
            continue
        for value in WORST[kind_of(f)]:
            plan = [(n, [value] if n == name else None) for n in names]
            out.append(Request(plan, htmx=len(out) % 2 == 1))
    return out

"""What the form fuzz (test_form_fuzz.py) asks of every answer: no server error; a
rejection says why, in Chinese, where the user sees it; and it leaves every table as it
was. Poster sends one target's posts (and a good upload's next step) and collects what
is wrong."""

import collections
import hashlib
import json
import re
import traceback
from html.parser import HTMLParser

from peewee import PostgresqlDatabase
from werkzeug.datastructures import MultiDict

from planner.db import database
from planner.exports import jobs
from planner.models import MODELS
from tests.security.fuzz_forms import forms_of
from tests.security.fuzz_helpers import endpoint_of

# Answers that need no message of their own: access (403/404), method (405), a stale edit
# (409: the conflict screen), a body too large (413).
BARE = {403, 404, 405, 409, 413}
# Tables a rejection may write: a failed login counts toward the account's lock.
WRITES_ON_REJECT = {"accounts.login": {"user"}}
CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
# marshmallow's own (English) messages: a form must never show them in the Chinese UI
ENGLISH = re.compile(
    r"Not a valid|Missing data for required|Field may not be|Unknown field|"
    r"Length must be|Must be one of|Must be greater|Must be less|"
    r"Shorter than|Longer than|Invalid input|Invalid value|must be one of"
)


class AlertText(HTMLParser):
    """The visible text of every role=alert or class=error element (not hidden ones), and
    the heading of the generic error page."""

    VOID = frozenset({"br", "img", "input", "meta", "link", "hr", "source", "col", "wbr"})

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.messages, self.heading, self._h1 = [], [], [], False

    def handle_starttag(self, tag, attrs):
        if tag in self.VOID:
            return
        a = dict(attrs)
        hidden = "hidden" in a or any(hid for _t, _m, hid, _x in self.stack)
        marked = a.get("role") == "alert" or "error" in (a.get("class") or "").split()
        self.stack.append((tag, marked and not hidden, hidden, []))
        self._h1 = tag == "h1" or self._h1

    def handle_data(self, data):
        for _tag, marked, _hidden, texts in self.stack:
            if marked:
                texts.append(data)
        if self._h1:
            self.heading.append(data)

    def handle_endtag(self, tag):
        while self.stack:
            name, marked, _hidden, texts = self.stack.pop()
            if marked and "".join(texts).strip():
                self.messages.append(" ".join("".join(texts).split()))
            if name == tag:
                break
        if tag == "h1":
            self._h1 = False


def messages_of(html):
    parser = AlertText()
    parser.feed(html)
    parser.close()
    return parser.messages, " ".join("".join(parser.heading).split())


def json_messages(body):
    try:
        data = json.loads(body)
    except ValueError:
        return []
    out = []

    def walk(v):
        if isinstance(v, str):
            out.append(v)
        elif isinstance(v, dict):
            for x in v.values():
                walk(x)
        elif isinstance(v, list):
            for x in v:
                walk(x)

    walk(data)
    return [m for m in out if CJK.search(m)]


def where(exc):
    """An exception as "Type: message (the app's innermost line)"."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if "/planner/" in f.filename]
    at = f" at {frames[-1].filename.split('/planner/')[-1]}:{frames[-1].lineno}" if frames else ""
    return f"server error: {type(exc).__name__}: {str(exc)[:120]}{at}"


def answer_problems(status, mimetype, text):
    """What is wrong with one answer: a server error, or a rejection without a clear message
    in Chinese (every error shown must be Chinese; marshmallow's English never shows)."""
    if status >= 500:
        return [f"server error {status}"]
    out = []
    if mimetype == "text/html" and ENGLISH.search(text):
        out.append(f"English validation message: {ENGLISH.search(text).group(0)!r}")
    if 400 <= status < 500 and status not in BARE:
        if mimetype == "application/json":
            if not json_messages(text):
                out.append(f"{status} JSON without a Chinese message")
            return out
        messages, heading = messages_of(text)
        if status == 400:
            out.append(f"400 (the generic page {heading!r}) for a form: say what is wrong (422)")
        elif not messages:
            out.append(f"{status} without a visible message (no role=alert / .error text)")
        out += [f"{status} message not in Chinese: {m!r}" for m in messages if not CJK.search(m)]
    return out


# tables a rejected request may still write: the audit log records refusals and views
UNWATCHED = {"audit_entry"}


def fingerprint(skip=()):
    """One hash per table of every row (in a stable order); on PostgreSQL in one query,
    since a round trip per table is most of a post's time there."""
    tables = [
        m._meta.table_name
        for m in MODELS
        if m._meta.table_name not in UNWATCHED and m._meta.table_name not in skip
    ]
    if isinstance(database.obj, PostgresqlDatabase):
        sql = " UNION ALL ".join(
            f"SELECT '{t}', md5(coalesce(string_agg(r::text, '|' ORDER BY r::text), '')) "
            f'FROM "{t}" r'
            for t in tables
        )
        return dict(database.execute_sql(sql).fetchall())
    out = {}
    for table in tables:
        rows = database.execute_sql(f'SELECT * FROM "{table}"').fetchall()
        out[table] = hashlib.sha256(repr(sorted(map(repr, rows))).encode()).hexdigest()
    return out


def changed(before, after):
    return sorted(t for t in before if before[t] != after.get(t))


# The step a page offers after a good upload, posted as the page has it: a fuzzed file
# must get through the whole import, not only its first step.
NEXT_STEP = {
    "calendars.ics_upload": "calendars.ics_commit",
    "students.import_upload": "students.import_preview",
    "students.import_preview": "students.import_commit",
}


class Poster:
    """Posts one target's examples and checks every answer: the status, the message of a
    rejection, and the tables after it."""

    def __init__(self, target):
        self.target = target
        self.skip = WRITES_ON_REJECT.get(target.endpoint, set())
        self.before = fingerprint(self.skip)
        self.problems, self.statuses = {}, collections.Counter()
        self.next_steps = collections.Counter()  # (endpoint, status) of the steps after

    def send(self, request):
        headers = {"HX-Request": "true"} if request.htmx else {}
        if request.json:
            headers["Accept"] = "application/json"
        client = self.target.client()
        status, text, location = self.post(
            client, self.target.url, request.data(self.target.base), headers, request.describe()
        )
        self.statuses[status] += 1
        endpoint = self.target.endpoint
        while status == 200 and endpoint in NEXT_STEP:
            endpoint = NEXT_STEP[endpoint]
            form = next(
                (f for f in forms_of(text) if endpoint_of(self.target.app, f.action) == endpoint),
                None,
            )
            if form is None:
                break
            data = MultiDict(
                [(n, v) for n, f in form.fields.items() if f.kind != "button" for v in f.values]
            )
            status, text, location = self.post(
                client, form.action, data, headers, f"(the next step, after {request.describe()})"
            )
            self.next_steps[endpoint, status] += 1
        if status < 400 and "/login" not in location:
            self.target.refresh()  # a new version, a consumed upload, a record gone
            self.before = fingerprint(self.skip)

    def post(self, client, url, data, headers, label):
        try:
            response = client.post(url, data=data, headers=headers)
        except Exception as exc:  # noqa: BLE001 (the test app re-raises a view's 500)
            status, text, location, found = 500, "", "", [where(exc)]
        else:
            status = response.status_code
            # a form may answer with a download (a data request's zip): not a page to read
            binary = status < 400 and not response.mimetype.startswith(
                ("text/", "application/json")
            )
            text = "" if binary else response.get_data(as_text=True)
            location = response.location or ""
            found = answer_problems(status, response.mimetype, text)
            response.close()
        jobs.wait_all()
        after = fingerprint(self.skip)
        if 400 <= status < 500 and changed(self.before, after):
            found.append(f"rejected, yet changed {changed(self.before, after)}")
        self.before = after
        for problem in found:
            self.problems.setdefault(
                problem[:90], f"{status}: {problem}\n    ← {self.target.persona} POST {url} {label}"
            )
        return status, text, location

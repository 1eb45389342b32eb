"""Shared machinery of the security sweeps: the matrix world, every GET route a persona may
open (page and htmx fragment), every feed, every Word document and zip a persona may export,
and readers for the bodies (HTML, iCalendar, .docx, .zip)."""

import io
import re
import zipfile
from html.parser import HTMLParser

from docx import Document
from lxml import etree

from planner.access import programs_query, schools_query
from planner.errors import PlannerError
from planner.exports import jobs
from planner.feeds import services as feeds
from planner.schools.models import School, Term
from planner.sessions.models import Program
from tests.access import all_rules, all_setups
from tests.conftest import login_as

RULES = all_rules()
HTMX = {"HX-Request": "true"}
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def build_matrix_world(world):
    """The world plus every domain's setup(world), as test_access_matrix builds it."""
    for setup in all_setups():
        setup(world)
    return world


def get_routes(persona, world, worlds=()):
    """[(endpoint, url)] of every GET rule whose expected answer for the persona is 200;
    URLs are also built against each namespace in `worlds` (other records, same routes)."""
    out = []
    for endpoint, (method, build, _data, expected) in sorted(RULES.items()):
        if method != "GET" or expected[persona] != 200:
            continue
        for w in (world, *worlds):
            url = build(w)
            if (endpoint, url) not in out:
                out.append((endpoint, url))
    return out


def client_for(app, world, persona):
    client = app.test_client()
    if persona != "anonymous":
        login_as(client, getattr(world, persona))
    return client


class Fetched:
    """A response read whole and closed: status, headers, body bytes."""

    def __init__(self, response, label):
        self.label = label
        self.status = response.status_code
        self.headers = dict(response.headers)
        self.location = response.location
        self.content_type = response.mimetype or ""
        self.body = response.get_data()
        response.close()

    @property
    def text(self):
        return self.body.decode("utf-8", "replace")


def fetch(client, url, headers=None, method="GET", data=None, label=None):
    response = client.open(url, method=method, headers=headers or {}, data=data)
    return Fetched(response, label or url)


def page_and_fragment(client, url):
    """The full page and, for an HTML page, the htmx fragment of one URL."""
    page = fetch(client, url, label=url)
    if page.content_type != "text/html":
        return [page]
    return [page, fetch(client, url, HTMX, label=f"{url} [htmx]")]


def documents_for(user):
    """[url] of each Word document kind the user may download of each program in scope, one
    by one (for a session kind: its first session); the zips (zips_for) hold every one."""
    out = []
    for program in programs_query(user).order_by(Program.id):
        try:
            docs = jobs.plan(user, program)
        except PlannerError:
            continue  # no sessions: nothing to export
        seen = set()
        for doc in docs:
            if doc.kind in seen:
                continue
            seen.add(doc.kind)
            if doc.session is None:
                out.append(f"/programs/{program.id}/documents/{doc.kind}.docx")
            else:
                out.append(f"/sessions/{doc.session.id}/documents/{doc.kind}.docx")
    return out


def stats_documents_for(user):
    """The statistics documents: the agency, each school and each worker in scope."""
    from planner.access import workers_query

    urls = ["/stats/document.docx?scope=agency"]
    urls += [
        f"/stats/document.docx?scope=school&id={s.id}"
        for s in schools_query(user).order_by(School.id)
    ]
    urls += [f"/stats/document.docx?scope=worker&id={u.id}" for u in workers_query(user)]
    # 学期工作总结: each school and each worker in scope
    urls += [
        f"/stats/work-report.docx?scope=school&id={s.id}"
        for s in schools_query(user).order_by(School.id)
    ]
    urls += [f"/stats/work-report.docx?scope=worker&id={u.id}" for u in workers_query(user)]
    return urls


def program_calendars_for(user):
    return [f"/programs/{p.id}/calendar.ics" for p in programs_query(user).order_by(Program.id)]


def make_feeds(users):
    """One feed token for every audience and target each user may subscribe to; returns the
    feed URLs (with and without the school days)."""
    urls = []
    for user in users:
        for audience, targets in feeds.targets(user).items():
            for target_id in targets:
                _token, raw = feeds.create_token(user, audience, target_id, "sweep")
                urls += [f"/feeds/{raw}.ics", f"/feeds/{raw}.ics?days=1"]
    return urls


def zips_for(client, user):
    """Start the zip exports that together hold every document the user may export (each
    term in scope for staff, each program for teachers), one after another, and download each:
    (the start answers, the downloads)."""
    if user.role == "teacher":
        starts = [
            f"/programs/{p.id}/documents/zip" for p in programs_query(user).order_by(Program.id)
        ]
    else:
        starts = [
            f"/terms/{t.id}/documents/zip"
            for t in Term.select()
            .where(Term.school.in_(schools_query(user).select(School.id)))
            .order_by(Term.id)
        ]
    tokens, answers = [], []
    for url in starts:
        answer = fetch(client, url, method="POST", data={}, label=f"POST {url}")
        answers.append(answer)
        if answer.status == 303 and "/exports/" in (answer.location or ""):
            tokens.append(answer.location.rstrip("/").rsplit("/", 1)[1])
        jobs.wait_all()  # one at a time: a user may have only a few zips being built
    downloads = [fetch(client, f"/exports/{t}/download", label=f"zip {t}") for t in tokens]
    return answers, downloads


# --- reading bodies ---------------------------------------------------------------------

W_T = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}t"


def docx_texts(data: bytes) -> list[str]:
    """Open the package with python-docx (it must open), parse every XML part strictly, and
    return the text of every w:t element of every part (body, headers, footers, notes)."""
    Document(io.BytesIO(data))
    out = []
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            if name.endswith(".xml"):
                root = etree.fromstring(archive.read(name))  # raises on broken XML
                out += [t.text or "" for t in root.iter(W_T)]
    return out


def zip_members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def unfold_ics(text: str) -> list[str]:
    """RFC 5545 content lines with folding undone."""
    return re.sub(r"\r?\n[ \t]", "", text).splitlines()


class HtmlScan(HTMLParser):
    """Collects what a payload could have introduced into a page: script elements without
    the app's own /static/ source, style and other active elements, on*/hx-on* attributes,
    script URLs, and hx-* attributes pointing at /logout."""

    ACTIVE = {
        "iframe",
        "object",
        "embed",
        "base",
        "frame",
        "frameset",
        "applet",
        "style",
        "marquee",
        "xss",
    }
    URL_ATTRS = {
        "href",
        "src",
        "action",
        "formaction",
        "data",
        "xlink:href",
        "poster",
        "background",
        "srcdoc",
        "hx-get",
        "hx-post",
        "hx-put",
        "hx-delete",
        "hx-patch",
    }

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems = []

    def handle_starttag(self, tag, attrs):
        self._check(tag, attrs)

    def handle_startendtag(self, tag, attrs):
        self._check(tag, attrs)

    def _check(self, tag, attrs):
        attrs = [(name.lower(), value or "") for name, value in attrs]
        src = dict(attrs).get("src", "")
        if tag == "script" and not src.startswith("/static/"):
            self.problems.append(f"<script> without /static/ src: {attrs}")
        if tag in self.ACTIVE:
            self.problems.append(f"<{tag}> element: {attrs}")
        if tag == "meta" and dict(attrs).get("http-equiv", "").lower() == "refresh":
            self.problems.append(f"<meta refresh>: {attrs}")
        for name, value in attrs:
            if name.startswith("on") or name.startswith("hx-on") or name.startswith("data-hx-on"):
                self.problems.append(f"<{tag} {name}={value!r}>")
            if (
                name in ("style", "srcdoc", "hx-vals")
                or (name == "autofocus" and dict(attrs).get("id") != "username")
                or (name == "hx-headers" and tag != "body")
            ):
                self.problems.append(f"<{tag} {name}={value!r}>")
            if name in self.URL_ATTRS:
                squashed = re.sub(r"[\s\x00-\x1f]+", "", value).lower()
                if squashed.startswith(("javascript:", "vbscript:", "data:text/html")):
                    self.problems.append(f"<{tag} {name}={value!r}> script URL")
                if name.startswith("hx-") and "logout" in squashed:
                    self.problems.append(f"<{tag} {name}={value!r}> htmx to /logout")


def html_problems(html: str) -> list[str]:
    scan = HtmlScan()
    scan.feed(html)
    scan.close()
    return scan.problems

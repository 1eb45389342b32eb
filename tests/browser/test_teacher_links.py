"""Issue 14's "done when", step 5, at 820×1180: the teacher follows every link on her pages,
as a new user would, and none answers 403 (or any error). What she reaches never names a
student: the demo's names appear on no page she can open."""

from urllib.parse import urlsplit

from planner.demo import DEMO_PASSWORD
from planner.students.models import Student
from tests.browser.conftest import log_in

# links that end the visit or leave the page's kind behind: they are followed elsewhere
LEAVE = ("/logout", "/static/", "/sw.js")
LINKS = """() => Array.from(document.querySelectorAll('a[href]'))
  .map((a) => a.href).filter((h) => h.startsWith(location.origin))"""


def test_teacher_follows_every_link_without_a_403(live_server, live_app, demo_all, tablet):
    page, base = tablet, live_server
    with live_app.app_context():
        names = [s.name for s in Student.select()]
    assert names  # the demo has students, so the name check below can fail

    log_in(page, base, "teacher", DEMO_PASSWORD)
    seen, queue, visited = set(), ["/dashboard"], []  # each path once, whatever its query
    while queue and len(visited) < 60:
        target = queue.pop(0)
        path = urlsplit(target).path
        if path in seen:
            continue
        seen.add(path)
        answer = page.request.get(base + target)  # a download too: the teacher's cookies
        assert answer.status < 400, (target, answer.status)
        visited.append(path)
        if not answer.headers.get("content-type", "").startswith("text/html"):
            continue  # a document she may download; its contents are tested in tests/exports
        page.goto(base + target)
        body = page.locator("body").inner_text()
        assert not [n for n in names if n in body], path
        for href in page.evaluate(LINKS):
            parts = urlsplit(href)
            if not parts.path.startswith(LEAVE) and parts.path not in seen:
                queue.append(parts.path + (f"?{parts.query}" if parts.query else ""))

    # she reached her class page, the school calendar and the plan of a lesson in her class
    assert any(p.startswith("/classes/") for p in visited), visited
    assert any(p.startswith("/curricula/") for p in visited), visited
    assert not queue or len(visited) == 60

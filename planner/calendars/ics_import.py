"""Import a school's published calendar (.ics): parse → preview → commit, all or nothing.

Parsing is a pure function (bytes in, events out). Between preview and commit the parsed
events travel in a signed hidden field rather than being re-uploaded or stored:
- the preview must write nothing, so there is no server-side draft table or temp file to
  clean up, and a preview the admin abandons leaves no trace;
- the admin needn't pick the file a second time on a tablet (re-upload is easy to get wrong:
  a different file between preview and commit would commit events nobody previewed);
- the signature (the app's SECRET_KEY, a salt of its own, the school and term inside, a
  one-hour limit) means the dates and names cannot be edited on the way; only the per-event
  kind comes from the form, and the schema checks it.
Only the importable events are signed (≤ MAX_EVENTS short records), so the field stays small;
itsdangerous compresses it as well.
"""

import datetime as dt

from icalendar import Calendar
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from planner.calendars import operations
from planner.calendars.services import dates
from planner.errors import PlannerError
from planner.forms import clean_text
from planner.i18n import lazy_gettext as _l

MAX_BYTES = 2 * 1024 * 1024
MAX_EVENTS = 500
MAX_EVENT_DAYS = 62  # a "term" long all-day event is a banner, not a calendar day
PREVIEW_SECONDS = 3600
SALT = "planner.calendars.ics-import"

# Keyword defaults for the kind of each event; the admin can change every one.
KEYWORDS = (
    ("exam", ("考试", "期中", "期末", "测验", "统考", "会考", "中考", "高考")),
    ("holiday", ("放假", "假期", "休假")),
    ("closure", ("停课",)),
)


def default_kind(summary: str) -> str:
    for kind, words in KEYWORDS:
        if any(word in summary for word in words):
            return kind
    return "event"


def read_limited(stream, limit: int = MAX_BYTES) -> bytes:
    """Read an upload, refusing more than `limit` bytes without reading all of it. The
    stream is closed here: werkzeug spools big uploads to a temporary file."""
    try:
        data = stream.read(limit + 1)
    finally:
        stream.close()
    if len(data) > limit:
        raise PlannerError(_l("文件超过 2 MB，无法导入。请只导出本学期的校历后再试。"))
    return data


def _text(data: bytes) -> str:
    """RFC 5545 says UTF-8; files saved by Chinese desktop tools are sometimes GB18030."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise PlannerError(_l("文件编码无法识别，请另存为 UTF-8 后再试。"))


def parse(data: bytes) -> list:
    """Every VEVENT as {n, name, start, end (inclusive), skip}; skip says why an event
    can't become calendar days (timed, recurring, too long). A broken file raises."""
    if not data.strip():
        raise PlannerError(_l("文件是空的。"))
    try:
        calendar = Calendar.from_ical(_text(data))
    except ValueError as exc:
        raise PlannerError(_l("这不是有效的 .ics 日历文件，无法读取。")) from exc
    if calendar.name != "VCALENDAR":
        raise PlannerError(_l("这不是有效的 .ics 日历文件，无法读取。"))
    events = []
    for n, event in enumerate(calendar.walk("VEVENT"), 1):
        # control characters (NUL: PostgreSQL; the rest: Word exports) as a form drops them
        name = clean_text(str(event.get("summary", "")))[:60] or str(_l("（无标题）"))
        try:
            start, end = event.start, event.end
        except ValueError as exc:  # no DTSTART, or a date that doesn't parse
            raise PlannerError(
                _l("第 %(n)s 个事件（%(name)s）的日期无法识别，文件未导入。", n=n, name=name)
            ) from exc
        item = {"n": n, "name": name, "start": start, "end": start, "skip": None}
        if isinstance(start, dt.datetime):
            item["start"] = item["end"] = start.date()  # listed by its date, not imported
            item["skip"] = _l("非全天事件，不导入")
        elif event.get("rrule") is not None:
            item["skip"] = _l("重复事件，不导入（请在校历中展开后再导出）")
        else:
            # DTEND of an all-day event is exclusive; a missing or odd one means one day
            odd = end is None or isinstance(end, dt.datetime)
            item["end"] = start if odd else max(start, end - dt.timedelta(days=1))
            if (item["end"] - start).days >= MAX_EVENT_DAYS:
                item["skip"] = _l("跨度超过 %(n)s 天，不导入", n=MAX_EVENT_DAYS)
        events.append(item)
    if not events:
        raise PlannerError(_l("文件中没有日历事件。"))
    if sum(1 for e in events if not e["skip"]) > MAX_EVENTS:
        raise PlannerError(
            _l("文件中的全天事件超过 %(n)s 个，请只导出本学期的校历。", n=MAX_EVENTS)
        )
    return sorted(events, key=lambda e: (e["start"], e["n"]))


def preview(school_id: int, term, events: list) -> list:
    """Events with their default kind and what would happen; reads only."""
    rows = []
    for event in events:
        row = dict(event, kind=default_kind(event["name"]), problem=None)
        if not row["skip"] and (row["start"] < term.start or row["end"] > term.end):
            row["skip"] = _l("不在本学期内，不导入")
        rows.append(row)
    wanted = [r for r in rows if not r["skip"]]
    for i, problem in _clashes(school_id, wanted, [r["kind"] for r in wanted]).items():
        wanted[i]["problem"] = problem
    return rows


def _clashes(school_id: int, events: list, kinds: list) -> dict:
    """{event index: message} for events whose days clash with stored or earlier ones."""
    items = [
        (i, e["start"], e["end"], kind, e["name"])
        for i, (e, kind) in enumerate(zip(events, kinds))
        if kind != "skip"
    ]
    return operations.school_clashes(school_id, items) if items else {}


def sign(key: str, school_id: int, term_id: int, filename: str, rows: list) -> str:
    events = [
        [r["name"], r["start"].isoformat(), r["end"].isoformat()] for r in rows if not r["skip"]
    ]
    payload = {
        "school": school_id,
        "term": term_id,
        "file": clean_text(filename)[:100],
        "events": events,
    }
    return URLSafeTimedSerializer(key, salt=SALT).dumps(payload)


def unsign(key: str, token: str, school_id: int, term_id: int) -> dict:
    """The signed preview, or IcsError if it is forged, expired or for another term."""
    try:
        payload = URLSafeTimedSerializer(key, salt=SALT).loads(token, max_age=PREVIEW_SECONDS)
    except SignatureExpired as exc:
        raise PlannerError(_l("预览已超过一小时，请重新上传文件。")) from exc
    except BadSignature as exc:
        raise PlannerError(_l("预览数据无效，请重新上传文件。")) from exc
    if (payload.get("school"), payload.get("term")) != (school_id, term_id):
        raise PlannerError(_l("预览数据无效，请重新上传文件。"))
    payload["events"] = [
        {
            "name": name,
            "start": dt.date.fromisoformat(start),
            "end": dt.date.fromisoformat(end),
            "skip": None,
        }
        for name, start, end in payload["events"]
    ]
    return payload


def commit(school_id: int, payload: dict, kinds: list) -> int:
    """Create every chosen event as one entry (its range of days), or nothing. Returns
    the number of days."""
    events = payload["events"]
    if len(kinds) != len(events):
        raise PlannerError(_l("预览数据无效，请重新上传文件。"))
    source = f"ics:{payload['file']}"
    rows, owners = [], []
    for i, (event, kind) in enumerate(zip(events, kinds)):
        if kind == "skip":
            continue
        rows.append(
            {
                "school": school_id,
                "date": event["start"],
                "end_date": event["end"],
                "kind": kind,
                "name": event["name"],
                "follows_weekday": None,
                "source": source,
            }
        )
        owners.append(i)
    if not rows:
        raise PlannerError(_l("没有选择要导入的事件。"))
    operations.insert_school_days(school_id, rows, lambda j, row: owners[j])
    return sum(len(dates(r["date"], r["end_date"])) for r in rows)

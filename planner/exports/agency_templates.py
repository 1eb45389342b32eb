"""User-editable Word templates (docxtpl): check an upload, render it sandboxed, fall back."""

import io
import logging
import os
import re
import zipfile

from docx import Document
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn
from docxtpl import DocxTemplate
from jinja2 import TemplateSyntaxError, nodes
from jinja2.sandbox import SandboxedEnvironment

from planner.db import now, write_tx
from planner.exports.docx_base import (
    BLANK,
    grid_table,
    heading,
    new_document,
    set_core_properties,
    title,
    to_bytes,
)
from planner.exports.kinds import KINDS
from planner.exports.models import DocTemplate
from planner.exports.render_limits import (
    TIMEOUT,
    TOO_BIG,
    limits,
    render_limited,
)
from planner.forms import CONTROL
from planner.i18n import lazy_gettext as _l

log = logging.getLogger(__name__)

MAX_BYTES = 5 * 1024 * 1024
MAX_UNPACKED = 50 * 1024 * 1024  # a small zip can inflate to gigabytes
CLOSERS = {"{{": "}}", "{%": "%}", "{#": "#}"}
OPENER = re.compile(r"\{[{%#]")
PROPERTIES = ("author", "comments", "identifier", "language", "subject", "title")
VARIABLES = {key: sorted(kind.sample) for key, kind in KINDS.items()}


class _Environment(SandboxedEnvironment):
    """The sandbox, except that `o.items` means the key "items" of a dict, not its method
    (the contexts have "items" keys and admins write the dotted form)."""

    def getattr(self, obj, attribute):
        if isinstance(obj, dict) and attribute in obj:
            return obj[attribute]
        return super().getattr(obj, attribute)


def environment() -> SandboxedEnvironment:
    """Sandboxed, and autoescaped so & and < in user text stay text instead of breaking the XML."""
    return _Environment(autoescape=True)


def _parts(document):
    """The XML elements of the body, headers and footers (where placeholders can be)."""
    yield document.element.body
    for rel in document.part.rels.values():
        if rel.reltype in (RT.HEADER, RT.FOOTER) and not rel.is_external:
            yield rel.target_part.element


def _paragraph_text(p) -> str:
    # only this paragraph's own runs: a text box inside it is a paragraph of its own
    return "".join(
        t.text or "" for t in p.iter(qn("w:t")) if next(t.iterancestors(qn("w:p")), None) is p
    )


def _unclosed(text: str) -> bool:
    pos = 0
    while (match := OPENER.search(text, pos)) is not None:
        end = text.find(CLOSERS[match.group(0)], match.end())
        if end == -1:
            return True
        pos = end + 2
    return False


def _split_placeholders(document) -> list[str]:
    """Paragraphs with a {{ or {% left open: docxtpl mends runs, not paragraphs."""
    return [
        text
        for part in _parts(document)
        for p in part.iter(qn("w:p"))
        if _unclosed(text := _paragraph_text(p))
    ]


def _sources(tpl):
    """The Jinja source of each part as docxtpl renders it, one paragraph to a line."""
    for part in _parts(tpl.docx):
        xml = tpl.patch_xml(tpl.xml_to_string(part))
        yield re.sub(r"<w:p([ >])", r"\n<w:p\1", xml)
    props = tpl.docx.core_properties
    for name in PROPERTIES:  # docxtpl renders these too, and a bad one stops the whole render
        yield getattr(props, name) or ""


def _near(source: str, lineno: int | None) -> str:
    lines = source.splitlines()
    if not lineno or lineno > len(lines):
        return ""
    return re.sub(r"<[^>]+>", "", lines[lineno - 1]).strip()[:60]


def _private_names(parsed) -> set[str]:
    names = {n.attr for n in parsed.find_all(nodes.Getattr) if n.attr.startswith("_")}
    names |= {
        n.arg.value
        for n in parsed.find_all(nodes.Getitem)
        if isinstance(n.arg, nodes.Const) and str(n.arg.value).startswith("_")
    }
    names |= {
        n.args[0].value
        for n in parsed.find_all(nodes.Filter)
        if n.name == "attr"
        and n.args
        and isinstance(n.args[0], nodes.Const)
        and str(n.args[0].value).startswith("_")
    }
    return names


def _open(data: bytes):
    """A DocxTemplate for the bytes, or the problem that stops it from opening."""
    if len(data) > MAX_BYTES:
        return None, _l("文件超过 %(mb)s MB，请压缩图片后再上传。", mb=MAX_BYTES // 2**20)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, ValueError):
        infos = None
    if not infos or "word/document.xml" not in {info.filename for info in infos}:
        return None, _l("这不是 Word 文档（.docx）。请在 Word 中“另存为”.docx 格式后再上传。")
    if sum(info.file_size for info in infos) > MAX_UNPACKED:
        return None, _l("文件解压后过大，无法作为模板使用。")
    try:
        tpl = DocxTemplate(io.BytesIO(data))
        tpl.init_docx()
    except Exception:  # python-docx raises many kinds on a damaged package
        return None, _l("无法打开这个 Word 文档，它可能已损坏，或不是 .docx 格式。")
    return tpl, None


def check_template(data: bytes, kind: str) -> list:
    """What is wrong with an uploaded template for `kind`; empty when it can be used."""
    tpl, problem = _open(data)
    if problem:
        return [problem]
    problems = [
        _l("占位符没有在同一段落内写完：“%(text)s”。请把整个占位符写在同一段落里。", text=text[:60])
        for text in _split_placeholders(tpl.docx)
    ]
    env = environment()
    private, parsed = set(), True
    for source in _sources(tpl):
        try:
            parsed_source = env.parse(source)
            env.compile(parsed_source)  # finds unknown filters and tests too
        except TemplateSyntaxError as exc:  # TemplateAssertionError is one as well
            parsed = False
            problems.append(
                _l(
                    "模板语法错误：%(error)s（在“%(text)s”附近）。",
                    error=exc.message,
                    text=_near(source, exc.lineno),
                )
            )
        else:
            private |= _private_names(parsed_source)
    if not parsed:
        return problems  # the names can't be listed until it parses
    unknown = tpl.get_undeclared_template_variables(jinja_env=env, context=KINDS[kind].sample)
    unknown -= set(env.globals)  # range, dict, cycler… belong to the environment
    if unknown:
        problems.append(
            _l(
                "未知的占位符：%(names)s。可用的占位符见模板说明。",
                names="、".join(sorted(unknown)),
            )
        )
    if private:
        problems.append(
            _l("模板不能使用以下划线开头的名称：%(names)s。", names="、".join(sorted(private)))
        )
    return problems or _sample_render(data, kind)


def _sample_render(data: bytes, kind: str) -> list:
    """The problem of rendering the kind's sample with the limits every export has (a
    template that loops for ever would fall back at every export)."""
    seconds, max_bytes = limits()
    rendered = render_limited(
        render_checked, data, xml_safe(KINDS[kind].sample), seconds, max_bytes
    )
    if rendered.data is not None:
        return []
    if rendered.reason == TIMEOUT:
        message = _l(
            "模板渲染超时（超过 %(s)s 秒），将使用内置版式。请减少模板中的循环后再上传。",
            s=f"{seconds:g}",
        )
    elif rendered.reason == TOO_BIG:
        message = _l(
            "模板生成的文档过大（解压后超过 %(mb)s MB），将使用内置版式。"
            "请减少模板中的循环后再上传。",
            mb=f"{max_bytes / 2**20:g}",
        )
    else:
        message = _l(
            "模板无法用示例数据生成文档（%(error)s），将使用内置版式。请检查模板后再上传。",
            error=rendered.error,
        )
    return [message]


def render_template(data: bytes, ctx: dict) -> bytes:
    """Fill a template with the context in the sandbox; the file properties are ours."""
    tpl = DocxTemplate(io.BytesIO(data))
    tpl.render(ctx, jinja_env=environment(), autoescape=True)
    set_core_properties(tpl.docx, ctx)  # never the template author's name, nor rendered text
    buffer = io.BytesIO()
    tpl.save(buffer)
    return buffer.getvalue()


def render_checked(data: bytes, ctx: dict) -> bytes:
    """render_template, and the result must open again, or the user gets a broken file
    (run in the render's child process)."""
    out = render_template(data, ctx)
    Document(io.BytesIO(out))
    return out


def xml_safe(value):
    """The context without characters no XML document can hold. The forms drop them
    (planner.forms.CONTROL), but rows saved before they did, or by an import, may
    still hold one, and python-docx refuses the whole document for it."""
    if isinstance(value, str):
        return CONTROL.sub("", value)
    if isinstance(value, dict):
        return {key: xml_safe(item) for key, item in value.items()}
    if type(value) in (list, tuple):
        return type(value)(xml_safe(item) for item in value)
    return value


def build(kind: str, ctx: dict, template_bytes: bytes | None = None) -> tuple[bytes, bool]:
    """The document from the agency's template when it renders within the limits
    (render_limits.py: time, memory, size), else the built-in one; the flag says whether
    the template was used."""
    ctx = xml_safe(ctx)
    if template_bytes:
        rendered = render_limited(render_checked, template_bytes, ctx)
        if rendered.data is not None:
            return rendered.data, True
        # any failure of a user's template means the built-in document; the kind and the
        # error class only are logged: messages can quote context values (names)
        log.warning(
            "Word template for %s failed (%s %s); using the built-in document",
            kind,
            rendered.reason,
            rendered.error,
        )
    return KINDS[kind].build(ctx), False


def example_template(kind: str) -> bytes:
    """A small valid template for `kind` with our fonts, A4, header and footer."""
    ctx = {key: "{{ %s }}" % key for key in ("doc_title", "title", "school", "archive_code")}
    document = new_document(ctx)
    title(document, ctx)
    document.add_paragraph("{{ school }}　{{ term }}　社工：{{ workers|join('、') }}")
    for item in KINDS[kind].starter:
        if item[0] in ("h", "h2"):
            heading(document, item[1], 2 if item[0] == "h2" else 1)
        elif item[0] == "t":
            _, header, loop, cells = item
            pad = [BLANK] * (len(header) - 1)
            grid_table(
                document,
                header,
                [["{%tr for " + loop + " %}", *pad], cells, ["{%tr endfor %}", *pad]],
            )
        else:
            document.add_paragraph(item[1], style="List Bullet" if item[0] == "b" else None)
    document.add_paragraph("生成日期：{{ generated_on }}")
    return to_bytes(document)


def save_template(user, kind: str, filename: str, data: bytes) -> None:
    """The agency's template for a kind (checked already), replacing the one before."""
    # the name is the admin's; keep it plain for the list and never use it as a path
    name = re.sub(r"[^\w.\-]+", "_", os.path.basename(filename))[:120]
    with write_tx():
        delete_template(user.agency_id, kind)
        DocTemplate.create(
            agency=user.agency_id,
            kind=kind,
            filename=name,
            data=data,
            size=len(data),
            uploaded_by=user.id,
            uploaded_at=now(),
        )


def delete_template(agency_id, kind: str) -> None:
    """Back to the built-in layout for this kind."""
    DocTemplate.delete().where(
        (DocTemplate.agency == agency_id) & (DocTemplate.kind == kind)
    ).execute()

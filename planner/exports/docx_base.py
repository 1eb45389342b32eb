"""Shared Word set-up: A4, Chinese fonts, header and footer, and the building blocks."""

import copy
import datetime as dt
import io

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor, Twips
from docx.text.paragraph import Paragraph

DASH = "—"
BLANK = object()  # a table cell left empty on purpose (padding), unlike a missing value (—)
TEXT_WIDTH = 14.66  # cm: A4 width 21.0 less two 3.17 cm margins
BODY_FONTS = ("Times New Roman", "宋体")
HEADING_FONTS = ("Arial", "黑体")
THEME_ATTRS = ("w:asciiTheme", "w:eastAsiaTheme", "w:hAnsiTheme", "w:cstheme")
TIGHT_MARGIN = 57  # twips (0.1 cm) each side, for tables with many narrow columns
SHORT_VALUE = 11  # a value up to this many CJK characters fits a half-row cell of an info table
HEADER_FILL = "D9D9D9"
LABEL_FILL = "F2F2F2"
TABLE_STYLE = "Table Text"
CN_DIGITS = "零一二三四五六七八九"
PPR_AFTER_BORDER = tuple(
    f"w:{tag}"
    for tag in (
        "shd",
        "tabs",
        "suppressAutoHyphens",
        "kinsoku",
        "wordWrap",
        "overflowPunct",
        "topLinePunct",
        "autoSpaceDE",
        "autoSpaceDN",
        "bidi",
        "adjustRightInd",
        "snapToGrid",
        "spacing",
        "ind",
        "contextualSpacing",
        "mirrorIndents",
        "suppressOverlap",
        "jc",
        "textDirection",
        "textAlignment",
        "textboxTightWrap",
        "outlineLvl",
        "divId",
        "cnfStyle",
        "rPr",
        "sectPr",
        "pPrChange",
    )
)
# style name: (size in pt, centred); 小二 for the title, 四号 and 小四 for the headings
HEADINGS = {
    "Title": (18, True),
    "Heading 1": (14, False),
    "Heading 2": (12, False),
    "Heading 3": (12, False),
}


def dash(value) -> str:
    """Display text for a value: lists joined with 、, empty as —."""
    if isinstance(value, (list, tuple)):
        value = "、".join(str(v) for v in value if v not in (None, ""))
    value = "" if value is None else str(value).strip()
    return value or DASH


def display_width(value: str) -> float:
    """Roughly how many CJK characters wide a string prints (Latin letters are about half)."""
    return sum(1 if ord(char) >= 0x2E80 else 0.55 for char in value)


def cn_number(n: int) -> str:
    """1 → 一, 12 → 十二, 23 → 二十三 (section numbers up to 99)."""
    tens, ones = divmod(n, 10)
    if n < 10:
        return CN_DIGITS[n]
    return (CN_DIGITS[tens] if tens > 1 else "") + "十" + (CN_DIGITS[ones] if ones else "")


def _set_fonts(rPr, latin: str, east_asia: str) -> None:
    rFonts = rPr.get_or_add_rFonts()
    for attr in THEME_ATTRS:
        rFonts.attrib.pop(qn(attr), None)
    for attr in ("w:ascii", "w:hAnsi", "w:cs"):
        rFonts.set(qn(attr), latin)
    rFonts.set(qn("w:eastAsia"), east_asia)


def _set_lang(rPr) -> None:
    # Without eastAsia=zh-CN, LibreOffice picks the Japanese glyphs of shared Han characters.
    lang = rPr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rPr.insert_element_before(lang, "w:eastAsianLayout", "w:specVanish", "w:oMath")
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")


def _set_up_styles(document, body_size: float = 12) -> None:
    styles = document.styles
    # Theme fonts win over named fonts and this template has no theme part: drop them all.
    for rFonts in styles.element.iter(qn("w:rFonts")):
        for attr in THEME_ATTRS:
            rFonts.attrib.pop(qn(attr), None)
    defaults = styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _set_fonts(defaults, *BODY_FONTS)
    _set_lang(defaults)

    normal = styles["Normal"]
    _set_fonts(normal.element.get_or_add_rPr(), *BODY_FONTS)
    _set_lang(normal.element.get_or_add_rPr())
    normal.font.size = Pt(body_size)  # 小四, or 五号 for the compact plans
    normal.paragraph_format.space_before = Pt(0)
    normal.paragraph_format.space_after = Pt(3 if body_size >= 12 else 2)
    # Compact plans set exact line heights: "single" follows the font's own line gap, and the
    # CJK fonts LibreOffice falls back on space their lines half again as tall as the text.
    normal.paragraph_format.line_spacing = 1.15 if body_size >= 12 else Pt(15)

    compact = body_size < 12
    for name, (size, centred) in HEADINGS.items():
        if compact and name != "Title":
            size = min(size, 12)  # 小四 headings over a 五号 body
        for style_name in (name, f"{name} Char"):
            style = styles[style_name]
            _set_fonts(style.element.get_or_add_rPr(), *HEADING_FONTS)
            style.font.size = Pt(size)
            style.font.bold = True
            style.font.color.rgb = RGBColor(0, 0, 0)  # the built-in headings are blue
        fmt = styles[name].paragraph_format
        before = 6 if compact or name == "Heading 3" else 9
        fmt.space_before, fmt.space_after = Pt(before), Pt(3 if compact else 4)
        if centred:
            fmt.alignment = WD_ALIGN_PARAGRAPH.CENTER
    pPr = styles["Title"].element.get_or_add_pPr()
    border = pPr.find(qn("w:pBdr"))
    if border is not None:  # the built-in title is underlined in blue
        pPr.remove(border)

    table_text = styles.add_style(TABLE_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    table_text.base_style = normal
    table_text.font.size = Pt(10.5)  # 五号
    table_text.paragraph_format.space_after = Pt(0)
    table_text.paragraph_format.line_spacing = 1.0 if body_size >= 12 else Pt(13)

    lang = document.settings.element.find(qn("w:themeFontLang"))
    if lang is not None:
        lang.set(qn("w:eastAsia"), "zh-CN")


def _field(paragraph, instruction: str) -> None:
    """A real Word field (PAGE, NUMPAGES) so the number is computed when the page is laid out."""

    def fld_char(kind):
        element = OxmlElement("w:fldChar")
        element.set(qn("w:fldCharType"), kind)
        paragraph.add_run()._r.append(element)

    fld_char("begin")
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    paragraph.add_run()._r.append(instr)
    fld_char("separate")
    paragraph.add_run("1")  # shown until the field is updated
    fld_char("end")


def _bottom_border(paragraph) -> None:
    pPr = paragraph._p.get_or_add_pPr()
    border = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("val", "single"), ("sz", "6"), ("space", "1"), ("color", "000000")):
        bottom.set(qn(f"w:{key}"), value)
    border.append(bottom)
    pPr.insert_element_before(border, *PPR_AFTER_BORDER)  # Word insists on the schema order


def _header_footer(document, ctx) -> None:
    section = document.sections[0]
    header = section.header.paragraphs[0]
    school, code = ctx.get("school") or "", ctx.get("archive_code") or ""
    header.text = f"{school}　档案编号：{code}" if code else school
    header.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _bottom_border(header)
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.add_run("第 ")
    _field(footer, "PAGE")
    footer.add_run(" 页 / 共 ")
    _field(footer, "NUMPAGES")
    footer.add_run(" 页")
    for paragraph in (header, footer):
        for run in paragraph.runs:
            run.font.size = Pt(9)  # 小五


def set_core_properties(document, ctx) -> None:
    """Title and agency only: no person's name goes into the file's properties."""
    props = document.core_properties
    props.title = "：".join(v for v in (ctx.get("doc_title"), ctx.get("title")) if v)
    props.author = props.last_modified_by = ctx.get("agency") or ""
    props.subject = props.keywords = props.comments = props.category = ""
    props.revision = 1
    try:  # 2026年3月11日 as the documents print it; 2026-03-11 from an older template context
        stamp = dt.datetime.strptime(
            str(ctx.get("generated_on")),
            "%Y年%m月%d日" if "年" in str(ctx.get("generated_on")) else "%Y-%m-%d",
        )
    except ValueError:
        stamp = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None, microsecond=0)
    props.created = props.modified = stamp


def new_document(ctx, compact: bool = False) -> Document:
    """An empty A4 document with Chinese fonts, the school/archive header and page numbers;
    `compact` sets the body in 五号 (10.5 pt) rather than 小四, for the plans a worker prints
    for every lesson."""
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Twips(11906), Twips(16838)
    section.top_margin = section.bottom_margin = Cm(2.54)
    section.left_margin = section.right_margin = Cm(3.17)
    section.header_distance, section.footer_distance = Cm(1.5), Cm(1.75)
    _set_up_styles(document, 10.5 if compact else 12)
    _header_footer(document, ctx)
    set_core_properties(document, ctx)
    return document


def to_bytes(document) -> bytes:
    """The document as .docx bytes."""
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def title(document, ctx, subtitle: str | None = None) -> None:
    """The centred document title, then the program title under it."""
    document.add_paragraph(dash(ctx.get("doc_title")), style="Title")
    line = ctx.get("title") if subtitle is None else subtitle
    if line:
        paragraph = document.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = paragraph.add_run(line)
        run.bold, run.font.size = True, Pt(14)


def heading(document, text: str, level: int = 1):
    """A heading in the black Chinese heading styles."""
    return document.add_paragraph(text, style=f"Heading {level}")


class Sections:
    """Numbers sections in the order they are added: 一、二、… or, one level down, （一）（二）…"""

    def __init__(self, document, level: int = 1):
        self.document, self.level, self.count = document, level, 0

    def __call__(self, text: str):
        self.count += 1
        number = cn_number(self.count)
        label = f"{number}、{text}" if self.level == 1 else f"（{number}）{text}"
        return heading(self.document, label, self.level)


def text(document, value, label: str | None = None) -> None:
    """A block of text, one paragraph per line; — when empty; an optional bold label first."""
    lines = [line for line in str(value or "").splitlines() if line.strip()] or [DASH]
    for index, line in enumerate(lines):
        paragraph = document.add_paragraph()
        if label and index == 0:
            colon = "" if label[-1] in "？?：:" else "："
            paragraph.add_run(f"{label}{colon}").bold = True
        paragraph.add_run(line)


def bullets(document, items) -> None:
    """A bullet list; — when there is nothing to list."""
    items = [item for item in (items or []) if str(item).strip()]
    if not items:
        document.add_paragraph(DASH)
    for item in items:
        document.add_paragraph(str(item), style="List Bullet")


def _shade(cell, fill: str) -> None:
    tcPr = cell._tc.get_or_add_tcPr()
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    tcPr.append(shd)


def _cell_formats(cell, bold: bool, centred: bool, size: float | None):
    """The pPr and rPr of a table paragraph and its run, made once per document and format by
    python-docx's own setters, then copied: looking TABLE_STYLE up by name scans every style,
    and the setters cost more than the text (the XML is the same either way)."""
    cache = vars(cell.part).setdefault("_planner_cell_formats", {})
    key = (bold, centred, size)
    if key not in cache:
        paragraph = Paragraph(OxmlElement("w:p"), None)
        paragraph._p.style = cell.part.get_style_id(TABLE_STYLE, WD_STYLE_TYPE.PARAGRAPH)
        if centred:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = paragraph.add_run()
        run.bold = bold or None
        if size:
            run.font.size = Pt(size)
        cache[key] = paragraph._p.pPr, run._r.rPr
    return cache[key]


def fill_cell(cell, value, bold: bool = False, centred: bool = False, size: float | None = None):
    """Text of an empty cell: a list gives one paragraph per item, a string one per line, empty
    gives —."""
    if value is BLANK:
        cell.paragraphs[0]._p.insert(0, copy.deepcopy(_cell_formats(cell, False, False, None)[0]))
        return cell
    if isinstance(value, (list, tuple)):
        lines = [str(v) for v in value if str(v).strip()]
    else:
        lines = [line for line in str(value if value is not None else "").splitlines() if line]
    lines = lines or [DASH]
    first = cell.paragraphs[0]
    pPr, rPr = _cell_formats(cell, bold, centred, size)
    for index, line in enumerate(lines):
        paragraph = first if index == 0 else cell.add_paragraph()
        paragraph._p.insert(0, copy.deepcopy(pPr))
        paragraph.add_run(line)._r.insert(0, copy.deepcopy(rPr))
    return cell


def _widths(table, widths) -> None:
    table.autofit = False
    for column, width in zip(table.columns, widths):
        column.width = Cm(width)  # LibreOffice reads the grid
    for row in table.rows:
        start = 0
        for tc in row._tr.tc_lst:  # Word reads the cells; a merged cell spans several columns
            tc.width = Cm(sum(widths[start : start + tc.grid_span]))
            start += tc.grid_span


def _tight(table) -> None:
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        margin = OxmlElement(f"w:{side}")
        margin.set(qn("w:w"), str(TIGHT_MARGIN))
        margin.set(qn("w:type"), "dxa")
        margins.append(margin)
    table._tbl.tblPr.insert_element_before(
        margins, "w:tblLook", "w:tblCaption", "w:tblDescription", "w:tblPrChange"
    )


def no_wrap(cell) -> None:
    """Keep a cell's text on one line (archive codes, minutes): Word and LibreOffice widen the
    column rather than break it."""
    tcPr = cell._tc.get_or_add_tcPr()
    if tcPr.find(qn("w:noWrap")) is None:
        element = OxmlElement("w:noWrap")
        tcPr.insert_element_before(
            element, "w:tcMar", "w:textDirection", "w:tcFitText", "w:vAlign", "w:hideMark"
        )


def grid_table(
    document,
    header,
    rows,
    widths=None,
    size: float | None = None,
    centre=(),
    tight: bool = False,
    nowrap=(),
):
    """A bordered table with a shaded, repeating header row; `centre` lists centred columns,
    `tight` narrows the cell margins so short numbers fit narrow columns, `nowrap` lists the
    columns whose text never wraps (archive codes)."""
    table = document.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    if tight:
        _tight(table)
    trPr = table.rows[0]._tr.get_or_add_trPr()
    trPr.append(OxmlElement("w:tblHeader"))  # repeat the header row on every page
    for cell, label in zip(table.rows[0].cells, header):
        fill_cell(cell, label, bold=True, centred=True, size=size)
        _shade(cell, HEADER_FILL)
    for values in rows:
        cells = table.add_row().cells
        for index, (cell, value) in enumerate(zip(cells, values)):
            fill_cell(cell, value, centred=index in centre, size=size)
            if index in nowrap:
                no_wrap(cell)
    _widths(table, widths or [TEXT_WIDTH / len(header)] * len(header))
    return table


def bold_row(row) -> None:
    """Make a summary row (合计, rates) bold and shaded."""
    for cell in row.cells:
        _shade(cell, LABEL_FILL)
        for paragraph in cell.paragraphs:
            for run in paragraph.runs:
                run.bold = True


def info_table(document, pairs) -> None:
    """Label–value form: two short pairs to a row; a long or list value takes the whole row."""
    table = document.add_table(rows=0, cols=4)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    pending = []

    def flush(items):
        cells = table.add_row().cells
        if len(items) == 1:
            cells = [cells[0], cells[1].merge(cells[3])]
        for index, (label, value) in enumerate(items):
            fill_cell(cells[2 * index], label, bold=True)
            _shade(cells[2 * index], LABEL_FILL)
            fill_cell(cells[2 * index + 1], value if isinstance(value, list) else dash(value))

    for label, value in pairs:
        many = isinstance(value, list) and len(value) > 1
        wide = many or display_width(dash(value)) > SHORT_VALUE
        if wide:
            if pending:
                flush(pending)
                pending = []
            flush([(label, value)])
            continue
        pending.append((label, value))
        if len(pending) == 2:
            flush(pending)
            pending = []
    if pending:
        flush(pending)
    _widths(table, [2.6, 4.73, 2.6, 4.73])
    spacer = document.add_paragraph().paragraph_format  # half a line between table and text
    spacer.line_spacing, spacer.space_after = Pt(6), Pt(0)


def signature_line(document, labels=("社工签名", "督导签名", "日期")) -> None:
    """Blank lines to sign on paper."""
    paragraph = document.add_paragraph()
    paragraph.paragraph_format.space_before = Pt(12)
    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    paragraph.add_run("　　".join(f"{label}：＿＿＿＿＿" for label in labels))

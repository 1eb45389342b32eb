"""Reading .docx bytes back: XML parts, paragraphs and tables."""

import io
import subprocess
import uuid
import zipfile

from docx import Document
from docx.oxml.ns import qn
from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W}


def parts(data: bytes) -> dict[str, str]:
    """Every XML part of the package by name, as text."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {
            name: archive.read(name).decode("utf-8")
            for name in archive.namelist()
            if name.endswith((".xml", ".rels"))
        }


def xml(data: bytes, name: str):
    """One part parsed, e.g. word/styles.xml."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return etree.fromstring(archive.read(name))


def texts(element) -> list[str]:
    """The text of every paragraph under an element (tables included)."""
    return ["".join(t.text or "" for t in p.iter(qn("w:t"))) for p in element.iter(qn("w:p"))]


def body_text(data: bytes) -> str:
    return "\n".join(texts(Document(io.BytesIO(data)).element.body))


def headings(data: bytes, style: str = "Heading 1") -> list[str]:
    return [p.text for p in Document(io.BytesIO(data)).paragraphs if p.style.name == style]


def tables(data: bytes) -> list[list[list[str]]]:
    """Every top-level table as rows of cell texts."""
    return [
        [[cell.text for cell in row.cells] for row in table.rows]
        for table in Document(io.BytesIO(data)).tables
    ]


def part_text(data: bytes, prefix: str) -> str:
    """The text of the parts whose name starts with prefix (word/header, word/footer)."""
    return "\n".join(
        "\n".join(texts(xml(data, name))) for name in parts(data) if name.startswith(prefix)
    )


def pdf_texts(docs: dict[str, bytes], out) -> dict[str, str]:
    """Each document converted to PDF by LibreOffice (one soffice run, with a profile of its
    own: two conversions sharing a profile silently drop one) and read back by pdftotext."""
    files = []
    for name, data in docs.items():
        path = out / f"{name}.docx"
        path.write_bytes(data)
        files.append(str(path))
    profile = out / f"lo_{uuid.uuid4().hex}"
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out),
            *files,
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    texts = {}
    for name in docs:
        pdf = out / f"{name}.pdf"
        assert pdf.exists(), f"LibreOffice did not convert {name}"
        result = subprocess.run(
            ["pdftotext", "-layout", "-enc", "UTF-8", str(pdf), "-"],
            check=True,
            capture_output=True,
            timeout=60,
        )
        texts[name] = result.stdout.decode("utf-8")
    return texts

"""The English catalogue must keep up with the code.

The UI strings are written in Chinese and used as gettext msgids (zh_CN needs no
catalogue). Every string the extractor finds must have a finished English
translation in translations/en/LC_MESSAGES/messages.po, so a newly added
untranslated string fails the suite. Fix a failure with:

    make extract-messages   # pybabel extract + update
    # …translate the new entries, then
    .venv/bin/pybabel compile -d translations
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
EN_PO = ROOT / "translations" / "en" / "LC_MESSAGES" / "messages.po"

# Same keywords as `make extract-messages`.
KEYWORDS = ("_l", "lazy_gettext")

PERCENT_NAMED = re.compile(r"%\((\w+)\)[#0 +-]*\d*(?:\.\d+)?[sdirfxXeEgGc]")
BRACE_NAMED = re.compile(r"(?<!\{)\{(\w+)(?:![rsa])?(?::[^{}]*)?\}(?!\})")


def _pybabel_command():
    """pybabel from the running interpreter's environment (the project venv)."""
    script = Path(sys.executable).parent / ("pybabel.exe" if os.name == "nt" else "pybabel")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-m", "babel.messages.frontend"]


def _forms(message):
    """The msgid (and plural msgid) as a tuple."""
    return tuple(message.id) if isinstance(message.id, (tuple, list)) else (message.id,)


def _strings(message):
    """The msgstr (or every plural msgstr) as a tuple."""
    if isinstance(message.string, (tuple, list)):
        return tuple(message.string)
    return (message.string,)


def _label(message):
    where = ", ".join(f"{path}:{line}" for path, line in message.locations[:3])
    return f"{_forms(message)[0]!r} ({where or 'no location'})"


@pytest.fixture(scope="module")
def extracted(tmp_path_factory):
    """Messages extracted from the source right now, exactly as `make extract-messages` does."""
    pot = tmp_path_factory.mktemp("i18n") / "messages.pot"
    args = [*_pybabel_command(), "-q", "extract", "-F", "babel.cfg"]
    for keyword in KEYWORDS:
        args += ["-k", keyword]
    args += ["-o", str(pot), "."]
    result = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, f"pybabel extract failed:\n{result.stdout}\n{result.stderr}"
    with open(pot, "rb") as fh:
        catalog = read_po(fh)
    messages = [m for m in catalog if m.id]
    assert messages, "extraction found no messages: check babel.cfg"
    return messages


@pytest.fixture(scope="module")
def english():
    with open(EN_PO, "rb") as fh:
        return read_po(fh, locale="en")


def test_every_extracted_message_has_an_english_translation(extracted, english):
    problems = []
    for message in extracted:
        entry = english.get(message.id, message.context)
        if entry is None:
            problems.append(f"not in messages.po (run make extract-messages): {_label(message)}")
        elif entry.fuzzy:
            problems.append(f"fuzzy: {_label(message)}")
        elif not all(s and s.strip() for s in _strings(entry)):
            problems.append(f"untranslated: {_label(message)}")
    assert not problems, (
        f"{len(problems)} of {len(extracted)} messages lack a finished "
        "English translation:\n" + "\n".join(problems)
    )


def test_translations_keep_every_placeholder(extracted, english):
    problems = []
    for message in extracted:
        entry = english.get(message.id, message.context)
        if entry is None:
            continue  # reported by the test above
        ids = " ".join(_forms(message))
        for pattern, kind in ((PERCENT_NAMED, "%(name)s"), (BRACE_NAMED, "{name}")):
            if (
                kind == "{name}"
                and "python-brace-format" not in entry.flags
                and "python-brace-format" not in message.flags
            ):
                continue  # braces are only placeholders in str.format messages
            wanted = set(pattern.findall(ids))
            for text in _strings(entry):
                if not text:
                    continue
                found = set(pattern.findall(text))
                if wanted - found:
                    problems.append(f"{_label(message)} → {text!r} drops {sorted(wanted - found)}")
                if found - wanted:
                    problems.append(
                        f"{_label(message)} → {text!r} adds unknown {sorted(found - wanted)}"
                    )
    assert not problems, "placeholders differ between msgid and msgstr:\n" + "\n".join(problems)

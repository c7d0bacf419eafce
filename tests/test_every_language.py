"""Everything a person reads in their language (docs/spec.md section 11), tried as a user would:
the README's sample command, a failing run and `--help`, run as real processes with the
system's locale set to Spanish or Brazilian Portuguese; none of the catalog's English is left
in what they print or in the report they write."""

from __future__ import annotations

import functools
import re
import shutil
import string
from importlib import resources
from pathlib import Path

import openpyxl
import pytest
from babel.messages.pofile import read_po

from bulk_sender.language import translations

from .conftest import ROOT, run_cli

LOCALES = {"es": "es_PE.UTF-8", "pt_BR": "pt_BR.UTF-8"}


def english_left(text: str, language: str) -> list[str]:
    """The catalog's English phrases in `text` that its `language` words differently.

    A message's fixed parts (around its `{placeholders}`) of two words or more count; a part
    the translation keeps as it is (`--wa-template NAME`, a command) does not.
    """
    found = []
    for msgid, translated in _messages(language):
        for part in _fixed_parts(msgid):
            if part in text and not any(part in t for t in translated):
                found.append(part)
    return sorted(set(found))


@functools.cache
def _messages(language: str) -> list[tuple[str, list[str]]]:
    """Each English message of the catalog (singular and plural) with its translations."""
    po = resources.files("bulk_sender").joinpath("locale", language, "LC_MESSAGES", "messages.po")
    with po.open("rb") as f:
        catalog = read_po(f, locale=language)
    pairs = []
    for message in catalog:
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        forms = message.string if isinstance(message.string, tuple) else (message.string,)
        pairs += [(msgid, list(forms)) for msgid in ids if msgid]
    return pairs


def _fixed_parts(msgid: str) -> list[str]:
    parts = [literal for literal, *_ in string.Formatter().parse(msgid)]
    words = (re.sub(r"\s+", " ", p).strip(" .:;,()") for p in parts)
    return [p for p in words if len(p.split()) >= 2]


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "sample_data", tmp_path / "sample_data")
    shutil.copytree(ROOT / "templates", tmp_path / "templates")
    return tmp_path


def _in(language: str, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """The system's locale, and nothing of the tests' English."""
    monkeypatch.delenv("BULK_SENDER_LANG")
    return {"LANG": LOCALES[language], "LC_ALL": "", "LC_MESSAGES": ""}


def _report_text(path: Path, language: str) -> str:
    """Every cell a person reads: all but the summary's column of stable keys for scripts."""
    book = openpyxl.load_workbook(path, read_only=True)
    key = translations(language).gettext("Key")
    cells = []
    for sheet in book.worksheets:
        rows = list(sheet.iter_rows(values_only=True))
        keys = rows[0].index(key) if rows and key in rows[0] else None
        cells += [str(v) for row in rows for i, v in enumerate(row) if v is not None and i != keys]
    return "\n".join([*book.sheetnames, *cells])


@pytest.mark.parametrize("language", LOCALES)
def test_the_sample_campaign_reads_in_the_system_s_language(folder, monkeypatch, language):
    env = _in(language, monkeypatch)
    done = run_cli("send", "sample_data/clientes.xlsx", "-t", "pedido_enviado", "--country",
                   "PE", "--sandbox", cwd=folder, env=env)  # fmt: skip

    assert done.returncode == 0, done.stderr
    assert english_left(done.stdout + done.stderr, language) == []
    reports = list((folder / "reports").glob("*.xlsx"))
    assert len(reports) == 1
    assert english_left(_report_text(reports[0], language), language) == []


@pytest.mark.parametrize("language", LOCALES)
@pytest.mark.parametrize(
    ("contacts", "message", "named"),
    [("", "Hola", "vacio.csv"), ("nombre;telefono\nAna;987654321\n", "Hola {{ nombre ", "-m")],
    ids=["empty file", "broken template"],
)
def test_a_failing_run_says_why_in_the_system_s_language(
    folder, monkeypatch, language, contacts, message, named
):
    (folder / "vacio.csv").write_text(contacts, encoding="utf-8")
    env = _in(language, monkeypatch)
    done = run_cli("send", "vacio.csv", "-m", message, "--country", "PE", cwd=folder, env=env)

    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert named in done.stderr
    assert english_left(done.stderr, language) == []


@pytest.mark.parametrize("language", LOCALES)
@pytest.mark.parametrize("command", [[], ["send"], ["settle"], ["budget"]])
def test_help_reads_in_the_system_s_language(folder, monkeypatch, language, command):
    done = run_cli(*command, "--help", cwd=folder, env=_in(language, monkeypatch))

    assert done.returncode == 0, done.stderr
    assert english_left(done.stdout, language) == []
    usage = translations(language).gettext("usage: ")
    assert done.stdout.startswith(usage)

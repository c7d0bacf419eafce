"""The one catalog (docs/spec.md section 11): every message the code marks has its Spanish and
Brazilian Portuguese translation, and the translations keep what the code fills in."""

from __future__ import annotations

import importlib.util
import re
import string
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _tool():
    spec = importlib.util.spec_from_file_location("catalog_tool", ROOT / "tools" / "catalog.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["catalog_tool"] = module
    spec.loader.exec_module(module)
    return module


catalog_tool = _tool()


def test_every_message_the_code_marks_is_translated(capsys):
    problems = catalog_tool.check()

    assert problems == 0, capsys.readouterr().out


@pytest.mark.parametrize("language", catalog_tool.LANGUAGES)
def test_translations_keep_the_placeholders_and_carry_no_markup(language):
    catalog = catalog_tool.read(catalog_tool.po_path(language), language)
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        forms = message.string if isinstance(message.string, tuple) else (message.string,)
        for form in filter(None, forms):  # a missing one is the test above's
            # The page puts translations in unescaped (Jinja marks them safe): no markup.
            assert not set(form) & set("<>&"), (language, form)
            assert _fields(form) == _fields(ids[-1]), (language, ids[0], form)


def _fields(text: str) -> set[str]:
    """`{name}` fields, and argparse's `%(name)s` and `%s` (a translation that drops one
    would crash argparse)."""
    percent = re.findall(r"%\(\w+\)[sdr]|%[sdr]", text)
    braces = {name for _, name, _, _ in string.Formatter().parse(text) if name}
    return braces | {f"{p}#{percent[:i].count(p)}" for i, p in enumerate(percent)}


def test_a_merge_keeps_both_branches_messages_and_each_side_s_new_translations(tmp_path):
    from babel.messages.catalog import Catalog

    def po(name, entries):
        catalog = Catalog(locale="es")
        for msgid, msgstr in entries.items():
            catalog.add(msgid, msgstr)
        catalog_tool.write(catalog, tmp_path / name)
        return tmp_path / name

    base = po("base.po", {"sent": "enviado", "page": ""})
    ours = po("ours.po", {"sent": "enviado", "page": "", "cli": "línea"})
    theirs = po("theirs.po", {"sent": "enviado", "page": "página", "report": "informe"})

    catalog_tool.merge(base, ours, theirs)

    merged = {m.id: m.string for m in catalog_tool.read(ours, "es") if m.id}
    assert merged == {"sent": "enviado", "page": "página", "cli": "línea", "report": "informe"}

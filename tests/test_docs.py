"""The documentation keeps up with the code: every error message the tool can print is on the
troubleshooting pages, and the architecture page names every module.

The pages' generated parts are rewritten by `cog -r -I tools @docs/cog-files.txt` and checked
by `cog --check` in .ci/run; this test reads the pages as committed.
"""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
sys.path.insert(0, str(ROOT / "tools"))

import docs_gen  # noqa: E402

PASSED_ON = {"bulk_sender/report/process.py"}
"""Files whose raise passes on a message made elsewhere (the report process's own error, raised
again in the run): no literal to list, and the message is listed where it is made."""


@pytest.fixture(scope="module")
def found() -> tuple[list[docs_gen.Raised], list[str]]:
    return docs_gen.raised()


@pytest.mark.parametrize("lang", ["en", "es", "pt"])
def test_troubleshooting_lists_every_error_message(
    lang: str, found: tuple[list[docs_gen.Raised], list[str]]
) -> None:
    page = (DOCS / f"troubleshooting.{lang}.md").read_text(encoding="utf-8")
    missing = [
        f"{item.module}:{item.line}: {item.shown(lang)}"
        for item in found[0]
        if item.shown(lang) not in page
    ]
    assert not missing, (
        f"docs/troubleshooting.{lang}.md lacks these messages; run "
        "`cog -r -I tools @docs/cog-files.txt`:\n" + "\n".join(missing)
    )


def test_every_error_is_found(found: tuple[list[docs_gen.Raised], list[str]]) -> None:
    messages, unread = found
    assert len(messages) > 50
    assert {"InputError", "ConfigError", "TemplateError", "JournalError", "ReportError"} <= {
        item.error for item in messages
    }
    unknown = [site for site in unread if site.rsplit(":", 1)[0] not in PASSED_ON]
    assert not unknown, f"raises whose message is no literal the docs can list: {unknown}"


def test_every_group_has_advice(found: tuple[list[docs_gen.Raised], list[str]]) -> None:
    for item in found[0]:
        for lang in ("en", "es", "pt"):
            assert docs_gen.advice(item.error, item.stage, lang)


def test_the_docs_own_words_are_in_every_language() -> None:
    """Each hand-written text of the generated parts (a group's advice, a stage's name, a
    benchmark's title) is there in English, Spanish and Portuguese, none left in English."""
    titles = [texts[1:] for texts in docs_gen.BENCHMARKS.values()]
    for texts in [*docs_gen.ADVICE.values(), *docs_gen.STAGE_NAMES.values(), *titles]:
        assert len(texts) == 3 and len(set(texts)) == 3, texts


def test_the_collector_reads_every_shape(tmp_path: Path) -> None:
    """Plain strings, f-strings (their values by a short name), `_("...").format(...)` (the
    catalog's shape), a hint, a message assigned first, and a run's stop."""
    package = tmp_path / "bulk_sender"
    (package / "contacts").mkdir(parents=True)
    (package / "contacts" / "load.py").write_text(
        textwrap.dedent(
            """
            def read(path, row):
                if row:
                    raise InputError(_("{file}: row {row}: no phone").format(file=path, row=row))
                if path:
                    raise InputError(f"{path}: no such file", hint="check the name")
                if not row:
                    raise InputError(f"{t.path}: columns: {', '.join(cols)} ({e.strerror or e})")
                usage = "--sheet: write a name or a number"
                raise ConfigError(usage)

            def stop(guard):
                guard.stop(StopReason.QUALITY, f"{n} of the last 50 refused")
                raise ValueError("not ours")
            """
        ),
        encoding="utf-8",
    )
    messages, unread = docs_gen.raised(package)
    got = {(m.error, m.text, m.catalog, m.hint) for m in messages}
    assert got == {
        ("InputError", "{file}: row {row}: no phone", True, None),
        ("InputError", "{path}: no such file", False, "check the name"),
        ("InputError", "{path}: columns: {cols} ({strerror})", False, None),
        ("ConfigError", "--sheet: write a name or a number", False, None),
        ("StopReason.QUALITY", "{n} of the last 50 refused", False, None),
    }
    assert not unread
    assert all(m.module == "contacts.load" and m.stage == "contacts" for m in messages)


def test_architecture_names_every_module() -> None:
    """docs/architecture.md's module lists name every module of the package."""
    text = (DOCS / "architecture.md").read_text(encoding="utf-8")
    lines = text.splitlines()
    missing = []
    for path in sorted((ROOT / "bulk_sender").rglob("*.py")):
        rel = path.relative_to(ROOT / "bulk_sender")
        if len(rel.parts) == 1:
            named = f"`{rel.name}`" in text
        elif rel.name == "__init__.py":
            named = "package's own `__init__.py`" in text
        else:
            package, name = rel.parts[0], rel.name
            named = f"{package}/{name}" in text or any(
                f"`{package}/`" in line and f"`{name}`" in line for line in lines
            )
        if not named:
            missing.append(str(rel))
    assert not missing, f"docs/architecture.md does not name these modules: {missing}"


def test_the_cli_reference_covers_every_command() -> None:
    for lang in ("en", "es", "pt"):
        page = (DOCS / f"cli.{lang}.md").read_text(encoding="utf-8")
        for words in docs_gen.commands():
            assert f"## `{' '.join(['bulk-sender', *words])}`" in page


def test_the_status_table_names_every_status() -> None:
    from bulk_sender.lifecycle import REASONS, REPORTED

    for lang in ("en", "es", "pt"):
        page = (DOCS / f"resume.{lang}.md").read_text(encoding="utf-8")
        # Each status by its machine name, after its word in the page's language but English's.
        assert all(f"`{status}`) |" in page or f"| `{status}` |" in page for status in REPORTED)
        assert all(f"| `{code}` |" in page for code in REASONS)


def test_the_readme_is_short_and_keeps_its_two_commands() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert len(readme.encode("utf-8")) <= 8 * 1024
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert 'pip install ".[test]" && pytest' in readme and 'pip install ".[test]" && pytest' in ci
    assert (
        "pip install . && bulk-sender send sample_data/clientes.xlsx -t pedido_enviado "
        "--country PE --sandbox" in readme
    )

"""The one catalog of everything a person reads (docs/spec.md section 11), kept with Babel.

    python tools/catalog.py update   # extract the messages from the code, update es and pt_BR
    python tools/catalog.py check    # CI: fails when a message lacks its translation
    python tools/catalog.py merge BASE OURS THEIRS   # git's merge driver for the .po files

Messages are found in `bulk_sender/**.py` (`_`, `ngettext`, `N_`) and the page's template
(`ui/templates/**.html`). Words the code builds from a table rather than a literal (a status's
name, a reason code's words) are listed by `extra_messages()` from that table, so they are
extracted too. The catalogs are written sorted by message and without source locations, so two
branches that add messages seldom touch the same lines.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "bulk_sender"
sys.path.insert(0, str(ROOT))
from bulk_sender.language import DEFAULT as SOURCE  # noqa: E402  (the checkout's)
from bulk_sender.language import LANGUAGES as ALL  # noqa: E402

LANGUAGES = tuple(lang for lang in ALL if lang != SOURCE)
"""The catalogs kept: every language but the source one, English."""
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}
METHODS = [("**/ui/templates/**.html", "jinja2"), ("**.py", "python")]
OPTIONS = {"**/ui/templates/**.html": {"extensions": "jinja2.ext.i18n"}}


def po_path(language: str) -> Path:
    return PACKAGE / "locale" / language / "LC_MESSAGES" / "messages.po"


def extract() -> Catalog:
    """Every message the code marks, plus those its tables name."""
    template = Catalog(project="bulk-sender", fuzzy=False)
    found = extract_from_dir(PACKAGE, METHODS, OPTIONS, KEYWORDS, strip_comment_tags=True)
    for _filename, _lineno, message, _comments, _context in found:
        template.add(message, flags=_flags(message))
    for message in extra_messages():
        template.add(message, flags=_flags(message))
    return template


def extra_messages() -> list[str | tuple[str, str]]:
    """Words the code makes from a table, not a literal: each status's name and its count
    (`{n} sent`)."""
    from bulk_sender import lifecycle

    found: list[str | tuple[str, str]] = []
    for status in lifecycle.REPORTED:
        found += [status.value, lifecycle.COUNT_IDS[status]]
    return found


def _flags(message: str | tuple[str, ...]) -> tuple[str, ...]:
    text = message if isinstance(message, str) else message[0]
    return ("python-brace-format",) if "{" in text else ()


def read(path: Path, language: str) -> Catalog:
    with path.open("rb") as f:
        return read_po(f, locale=language)


def write(catalog: Catalog, path: Path) -> None:
    with path.open("wb") as f:
        write_po(f, catalog, width=100, no_location=True, sort_output=True, omit_header=False)


def update() -> None:
    template = extract()
    for language in LANGUAGES:
        catalog = read(po_path(language), language)
        catalog.update(template, no_fuzzy_matching=True)
        catalog.obsolete.clear()
        write(catalog, po_path(language))
        print(f"{po_path(language).relative_to(ROOT)}: {len(catalog)} messages, "
              f"{len(missing(catalog))} without a translation")  # fmt: skip


def missing(catalog: Catalog) -> list[str]:
    """The message ids of `catalog` with no translation, or a fuzzy one, in any plural form."""
    lacking = []
    for message in catalog:
        if not message.id:
            continue
        forms = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(forms):
            lacking.append(message.id if isinstance(message.id, str) else message.id[0])
    return lacking


def check() -> int:
    """Non-zero when the code and the catalogs differ or a translation is missing."""
    template = extract()
    wanted = {m.id for m in template if m.id}
    problems = []
    for language in LANGUAGES:
        catalog = read(po_path(language), language)
        have = {m.id for m in catalog if m.id}
        name = po_path(language).relative_to(ROOT)
        problems += [f"{name}: not in the catalog: {_first(i)!r}" for i in wanted - have]
        problems += [f"{name}: no longer in the code: {_first(i)!r}" for i in have - wanted]
        problems += [f"{name}: no translation: {i!r}" for i in missing(catalog)]
    for line in sorted(problems):
        print(line)
    if problems:
        print(f"{len(problems)} catalog problems; run `python tools/catalog.py update` and "
              "translate what it lists")  # fmt: skip
    return 1 if problems else 0


def _first(message_id: str | tuple[str, ...]) -> str:
    return message_id if isinstance(message_id, str) else message_id[0]


def merge(base: Path, ours: Path, theirs: Path) -> None:
    """Both branches' messages into `ours`, three-way: a translation changed on one side only
    is taken from that side; changed on both, ours. Git runs it as a merge driver:
    `git config merge.po.driver "python tools/catalog.py merge %O %A %B"` and
    `*.po merge=po` in `.git/info/attributes`. `update` then drops what the code no longer has.
    """
    language = _language_of(ours)
    old, mine, other = read(base, language), read(ours, language), read(theirs, language)
    for message in other:
        if not message.id:
            continue
        current, before = mine.get(message.id), old.get(message.id)
        if current is None or (before is not None and current.string == before.string):
            mine.delete(message.id)
            mine[message.id] = message
    write(mine, ours)


def _language_of(path: Path) -> str:
    with path.open("rb") as f:
        return str(read_po(f).locale or "es")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("command", choices=("update", "check", "merge"))
    parser.add_argument("paths", nargs="*", type=Path)
    args = parser.parse_args()
    if args.command == "update":
        update()
    elif args.command == "merge":
        merge(*args.paths)
    else:
        return check()
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""argparse's own words ("usage: ", "options", its error messages) in the user's language.

argparse words them with the module globals `argparse._` and `argparse.ngettext` (gettext's,
domain "messages"), looked up each time it words something. `speak_our_language()` puts ours
in their place, so those words come from our catalog in the active language
(`bulk_sender/language.py`); English stays argparse's own, since our English is the message
id itself. It is called once, by `main()`, before the parser is built: some of the words
(the help option's, the group titles) are worded when the parser is made.

`WORDS` lists argparse's message ids, exactly as Python 3.11's `argparse.py` writes them, so
`tools/catalog.py update` puts them in the catalog. Only those a user of `bulk-sender` can
meet are listed: help, usage and the errors of parsing what was typed; not those of a
program's mistakes in declaring its parser. Its `error()` is `parser.py`'s, one line.
"""

from __future__ import annotations

import argparse

from ..language import N_, _, ngettext

WORDS = (
    N_("usage: "),
    N_("positional arguments"),
    N_("options"),
    N_("show this help message and exit"),
    N_("argument %(argument_name)s: %(message)s"),
    N_("unknown parser %(parser_name)r (choices: %(choices)s)"),
    N_("unrecognized arguments: %s"),
    N_("not allowed with argument %s"),
    N_("ignored explicit argument %r"),
    N_("the following arguments are required: %s"),
    N_("one of the arguments %s is required"),
    N_("expected one argument"),
    N_("expected at most one argument"),
    N_("expected at least one argument"),
    N_("ambiguous option: %(option)s could match %(matches)s"),
    N_("unexpected option string: %s"),
    N_("invalid %(type)s value: %(value)r"),
    N_("invalid choice: %(value)r (choose from %(choices)s)"),
)
"""argparse's message ids a user of the command line can read (Python 3.11)."""


def _plural_words(n: int) -> str:
    """argparse's one plural message, listed for the catalog (never called)."""
    return ngettext("expected %s argument", "expected %s arguments", n)


def speak_our_language() -> None:
    """argparse words everything through our catalog, in the active language, from now on."""
    argparse._ = _  # type: ignore[attr-defined]
    argparse.ngettext = ngettext  # type: ignore[attr-defined]

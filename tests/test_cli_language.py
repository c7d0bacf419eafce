"""The command line in the user's language (docs/spec.md section 11): the README's sample, the
help, argparse's own words and a bad argument, in Spanish, Brazilian Portuguese and English,
as the system's locale or `--lang` chooses.

Translated words are compared with the catalog's own, never written here: a better translation
does not break these tests. An English message id is "left" in the output when a piece of it
(the words between its placeholders, two words or more) shows up where the catalog has other
words for it.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from bulk_sender.cli.console import YES, confirmed, question
from bulk_sender.cli.main import lang_flag, reason_count
from bulk_sender.engine.campaign import Settings
from bulk_sender.language import language_of, translations, use_language
from bulk_sender.protect.rules import Protection

from .conftest import ROOT, clean_env

README_SAMPLE = ["send", "sample_data/clientes.xlsx", "-t", "pedido_enviado", "--country", "PE",
                 "--sandbox"]  # fmt: skip
"""The README's first command (its quick start), as a new user types it."""

LOCALES = {"es": "es_PE.UTF-8", "pt_BR": "pt_BR.UTF-8", "en": "en_US.UTF-8"}


def run_in(locale: str, *args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    """`bulk-sender ARGS` on a system in `locale`, with no BULK_SENDER_LANG of its own."""
    env = {k: v for k, v in clean_env().items()
           if k not in ("BULK_SENDER_LANG", "LC_ALL", "LC_MESSAGES", "LANGUAGE")}  # fmt: skip
    env["LANG"] = locale
    return subprocess.run(
        [sys.executable, "-m", "bulk_sender", *args],
        cwd=cwd, env=env, capture_output=True, text=True, timeout=180,
    )  # fmt: skip


_PLACEHOLDER = re.compile(r"\{[^}]*\}|%\([^)]*\)[sdr]|%[sdr]")


def english_left(language: str, text: str) -> list[str]:
    """The pieces of English message ids found in `text` though the catalog of `language`
    words them otherwise (pieces of two words or more: one word may be a name or a code)."""
    flat = " ".join(text.split())
    found = []
    for singular, plural, forms in _messages(language):
        for english in {singular, plural} - {None} - set(forms):
            for piece in _PLACEHOLDER.split(english):  # type: ignore[arg-type]
                piece = " ".join(piece.split())
                if len(piece.split()) >= 2 and piece not in " ".join(forms) and piece in flat:
                    found.append(piece)
    return found


def other_language_left(language: str, other: str, text: str) -> list[str]:
    """The pieces of `other`'s translations found in `text`, which should be in `language`:
    what a part of the program that did not hear `--lang` worded in the system's language."""
    ours = {singular: forms for singular, _plural, forms in _messages(language)}
    found = []
    for singular, _plural, forms in _messages(other):
        if singular not in ours:
            continue
        for form in set(forms) - set(ours[singular]):
            for piece in _PLACEHOLDER.split(form):
                piece = " ".join(piece.split())
                if len(piece.split()) >= 2 and piece not in " ".join(ours[singular]):
                    found += [piece] if piece in " ".join(text.split()) else []
    return found


def _messages(language: str) -> Iterator[tuple[str, str | None, tuple[str, ...]]]:
    from babel.messages.pofile import read_po

    po = ROOT / "bulk_sender" / "locale" / language / "LC_MESSAGES" / "messages.po"
    with po.open("rb") as f:
        catalog = read_po(f, locale=language)
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id, None)
        forms = message.string if isinstance(message.string, tuple) else (message.string,)
        forms = tuple(f for f in forms if f)
        if forms:  # an untranslated message is the catalog test's
            yield ids[0], ids[1], forms


def flat(text: str) -> str:
    """Words as argparse wraps them or not: one space between any two."""
    return " ".join(text.split())


@pytest.mark.parametrize("language", ["es", "pt_BR", "en"])
def test_the_readme_sample_reads_in_the_system_language(tmp_path, language):
    done = run_in(LOCALES[language], *README_SAMPLE, "--report", str(tmp_path / "r.xlsx"))

    assert done.returncode == 0, done.stderr
    words = translations(language)
    assert words.gettext("Sending summary:") in done.stderr
    assert words.gettext("To resume: {command}").split("{")[0] in done.stdout
    if language == "en":
        assert "Rows: 50 (43 sent, 6 invalid, 1 duplicate)" in done.stdout
        assert "invalid_phone 2 (invalid phone)" in done.stdout
        return
    assert english_left(language, done.stdout + done.stderr) == []
    # Each reason: its code for scripts, its words for the person.
    invalid = words.gettext("invalid phone")
    assert f"invalid_phone 2 ({invalid})" in done.stdout


@pytest.mark.parametrize("language", ["es", "pt_BR"])
@pytest.mark.parametrize("command", [[], ["send"], ["budget", "set"], ["optout", "add"]])
def test_the_help_reads_in_the_system_language(language, command):
    done = run_in(LOCALES[language], *command, "--help")

    assert done.returncode == 0, done.stderr
    words = translations(language)
    shown = flat(done.stdout)
    for english in ("usage: ", "options", "show this help message and exit",
                    "the language bulk-sender speaks: es, pt or en (default BULK_SENDER_LANG, "
                    "else the system's)"):  # fmt: skip
        assert flat(words.gettext(english)) in shown, english
        assert english.strip() != words.gettext(english).strip()
    assert "usage:" not in shown
    assert english_left(language, done.stdout) == []


@pytest.mark.parametrize("language", ["es", "pt_BR"])
def test_each_command_s_help_texts_are_translated(language):
    words = translations(language)
    top = flat(run_in(LOCALES[language], "--help").stdout)
    send = flat(run_in(LOCALES[language], "send", "--help").stdout)

    for english in ("send (or preview) a campaign", "run the Plazbot-compatible server",
                    "COMMAND"):  # fmt: skip
        assert words.gettext(english) in top and english not in top
    for english in ("the customers' file: .csv .tsv .txt .xlsx .xlsm .xls .ods",
                    "do not ask for confirmation", "protecting your number", "CONTACTS",
                    "send only to rows whose cell says yes"):  # fmt: skip
        assert flat(words.gettext(english)) in send and english not in send


@pytest.mark.parametrize("language", ["es", "pt_BR", "en"])
def test_a_bad_argument_is_one_translated_line_and_exit_2(language):
    missing = run_in(LOCALES[language], "send")
    wrong = run_in(LOCALES[language], "sned")
    typed = run_in(LOCALES[language], "send", "clientes.csv", "--concurrency", "muchos")

    words = translations(language)
    line = words.gettext("{prog}: error: {problem} (see {prog} --help)")
    required = words.gettext("the following arguments are required: %s") % words.gettext("CONTACTS")
    assert missing.returncode == wrong.returncode == typed.returncode == 2
    assert missing.stderr.strip() == line.format(prog="bulk-sender send", problem=required)
    for done in (missing, wrong, typed):
        assert len(done.stderr.strip().splitlines()) == 1, done.stderr
        assert "Traceback" not in done.stderr and done.stdout == ""
    argument = words.gettext("argument %(argument_name)s: %(message)s")
    assert argument.split("%")[0] in wrong.stderr
    assert words.gettext("{text}: write a whole number, e.g. 3").format(text="muchos") in (
        typed.stderr
    )
    if language != "en":
        assert english_left(language, missing.stderr + wrong.stderr + typed.stderr) == []


def test_lang_beats_the_system_and_the_setting(tmp_path):
    pt, es = translations("pt_BR"), translations("es")

    chosen = run_in(LOCALES["es"], "--lang", "pt", "send", "--help")
    env = clean_env() | {"BULK_SENDER_LANG": "es", "LANG": "es_PE.UTF-8"}
    english = subprocess.run(
        [sys.executable, "-m", "bulk_sender", "send", "--help", "--lang", "en"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip

    assert chosen.stdout.startswith(pt.gettext("usage: "))
    assert es.gettext("do not ask for confirmation") not in flat(chosen.stdout)
    assert english.stdout.startswith("usage: ")
    assert "do not ask for confirmation" in flat(english.stdout)


@pytest.mark.parametrize(
    "where",
    [["--lang", "pt", "send", "SAMPLE"], ["send", "SAMPLE", "--lang", "pt"],
     ["send", "--lang=pt", "SAMPLE"]],
)  # fmt: skip
def test_lang_is_taken_on_the_top_level_and_on_the_command(tmp_path, where):
    args = [a if a != "SAMPLE" else "sample_data/clientes.xlsx" for a in where]
    done = run_in(LOCALES["es"], *args, "-t", "pedido_enviado", "--country", "PE",
                  "--report", str(tmp_path / "r.xlsx"))  # fmt: skip

    assert done.returncode == 0, done.stderr
    pt = translations("pt_BR")
    dry = pt.gettext("Dry run: nothing was sent. Add --sandbox to rehearse or --live to send.")
    assert dry in done.stdout
    assert english_left("pt_BR", done.stdout + done.stderr) == []
    assert other_language_left("pt_BR", "es", done.stdout + done.stderr) == []


def test_lang_is_taken_by_a_command_s_own_commands(tmp_path):
    done = run_in(LOCALES["en"], "budget", "show", "--sandbox", "--lang", "es")

    assert done.returncode == 0, done.stderr
    shown = translations("es").gettext("Daily budget of the sandbox: {state}")
    assert done.stdout.startswith(shown.split("{")[0])


@pytest.mark.parametrize(
    ("args", "expected"),
    [(["send", "x.csv"], None), (["--lang", "pt", "send"], "pt"), (["send", "--lang=es"], "es"),
     (["--lang", "es", "send", "--lang", "en"], "en"), (["--lang", "fr"], None),
     (["send", "--", "--lang", "es"], None), (["--lang"], None)],
)  # fmt: skip
def test_the_flag_is_read_before_argparse_reads_the_rest(args, expected):
    assert lang_flag(args) == expected


@pytest.mark.parametrize("answer", ["y", "Yes", "s", "S", "si", "sí", "Sí", "sim", " SIM "])
def test_yes_is_understood_in_any_of_the_three_languages(answer):
    assert confirmed(answer)


@pytest.mark.parametrize("answer", ["", "n", "no", "não", "nao", "yes please"])
def test_anything_else_is_no(answer):
    assert not confirmed(answer)
    assert answer.strip().lower() not in YES


@pytest.mark.parametrize("language", ["es", "pt_BR", "en"])
def test_the_question_counts_in_the_user_s_language(language):
    settings = Settings(contacts=Path("c.csv"), message="Hola", api_url="https://api.example")
    words = translations(language)

    with use_language(language):
        one = question(settings, 1, 1)
        many = question(settings, 43, 40)
        test = question(
            Settings(contacts=Path("c.csv"), message="Hola", api_url="https://api.example",
                     protection=Protection(test_to="51999888777")), 1, 1,
        )  # fmt: skip

    assert words.ngettext("{n} message", "{n} messages", 1).format(n=1) in one
    assert words.ngettext("{n} phone", "{n} phones", 40).format(n=40) in many
    assert "51999888777" in test and "https://api.example" in test
    assert one.endswith(words.gettext("Send {messages} to {phones} through {url}? [y/N] ")[-7:])


def test_a_reason_shows_its_code_then_its_words_in_the_user_s_language():
    with use_language("es"):
        shown = reason_count("invalid_phone", 2)
        unknown = reason_count("some_new_code", 1)

    words = translations("es").gettext("invalid phone")
    assert shown == f"invalid_phone 2 ({words})" and words != "invalid phone"
    assert unknown == "some_new_code 1"


def test_language_of_the_locales_used_here():
    assert {language_of(locale) for locale in LOCALES.values()} == set(LOCALES)
    assert os.environ.get("BULK_SENDER_LANG") == "en"  # conftest's; the processes drop it


def test_the_opt_out_commands_speak_the_user_s_language_with_plurals(tmp_path):
    words = translations("es")

    added = run_in(LOCALES["es"], "optout", "add", "987111002", "987111003", "--country", "PE",
                   cwd=tmp_path)  # fmt: skip
    listed = run_in(LOCALES["es"], "optout", "list", cwd=tmp_path)
    bad = run_in(LOCALES["es"], "optout", "add", cwd=tmp_path)

    assert added.returncode == 0, added.stderr
    assert (
        words.gettext("Added {phone} to {path}").format(phone="+51 987 111 002", path="optouts.csv")
        in added.stdout
    )
    assert (
        words.ngettext("{n} phone on {path}", "{n} phones on {path}", 2).format(
            n=2, path="optouts.csv"
        )
        in listed.stdout
    )
    assert bad.returncode == 2
    assert bad.stderr.strip() == words.gettext("{prog}: error: {problem}").format(
        prog="bulk-sender", problem=words.gettext("optout add: give phones, or --file FILE")
    )
    assert english_left("es", added.stdout + listed.stdout + bad.stderr) == []

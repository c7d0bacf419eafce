"""The run's account in the user's language: Spanish, Brazilian Portuguese or English."""

from __future__ import annotations

import pytest

from bulk_sender.language import choose_language, language_of, translations
from bulk_sender.lifecycle import COUNT_IDS, Status

from .conftest import ROOT, run_cli

SEND = ["send", "sample_data/clientes.xlsx", "-t", "pedido_enviado", "--country", "PE",
        "--report", "REPORT"]  # fmt: skip


@pytest.mark.parametrize(
    ("flag", "env", "language"),
    [
        (None, {}, "en"),
        (None, {"LANG": "es_PE.UTF-8"}, "es"),
        (None, {"LANG": "pt_BR.UTF-8"}, "pt_BR"),
        (None, {"LANG": "C"}, "en"),
        (None, {"LANG": "fr_FR.UTF-8"}, "en"),
        (None, {"LANG": "en_US.UTF-8", "LC_ALL": "es_MX.UTF-8"}, "es"),
        (None, {"LANG": "es_PE.UTF-8", "BULK_SENDER_LANG": "pt"}, "pt_BR"),
        ("en", {"BULK_SENDER_LANG": "es"}, "en"),
    ],
)
def test_the_language_follows_the_flag_then_the_setting_then_the_system(flag, env, language):
    assert choose_language(flag, env) == language


def test_every_status_count_is_in_each_catalog_with_its_plurals():
    for language in ("es", "pt_BR"):
        words = translations(language)
        for singular, plural in COUNT_IDS.values():
            one, many = words.ngettext(singular, plural, 1), words.ngettext(singular, plural, 6)
            assert one != singular and many != plural, (language, singular)
            assert one != many or language_of(language) == "pt_BR"  # "com falha" is both
    assert set(COUNT_IDS) == set(Status) - {Status.IN_FLIGHT}


@pytest.mark.parametrize("language", ["es", "pt", "en"])
def test_the_sample_s_account_reads_in_the_chosen_language(tmp_path, language):
    args = [a if a != "REPORT" else str(tmp_path / "r.xlsx") for a in SEND]
    done = run_cli(*args, "--lang", language, cwd=ROOT)

    assert done.returncode == 0, done.stderr
    words = translations(language_of(language) or "en")
    counts = ", ".join(
        words.ngettext(*COUNT_IDS[status], n).format(n=n)
        for status, n in ((Status.READY, 43), (Status.INVALID, 6), (Status.DUPLICATE, 1))
    )
    assert (
        words.gettext("Rows: {rows} ({statuses})").format(rows=50, statuses=counts) in done.stdout
    )
    dry = words.gettext("Dry run: nothing was sent. Add --sandbox to rehearse or --live to send.")
    assert dry in done.stdout
    if language != "en":
        assert "Rows:" not in done.stdout and "Report:" not in done.stdout


def test_the_sending_summary_reads_in_the_chosen_language(tmp_path):
    args = [a if a != "REPORT" else str(tmp_path / "r.xlsx") for a in SEND]
    done = run_cli(*args, "--sandbox", "--lang", "es", cwd=ROOT)

    assert done.returncode == 0, done.stderr
    words = translations("es")
    assert words.gettext("Sending summary:") in done.stderr
    for label in ("sent", "failed", "uncertain", "pending", "time"):
        assert f"  {words.gettext(label)}" in done.stderr
    assert "Sending summary:" not in done.stderr


def test_words_follow_the_language_in_use_and_nest():
    from bulk_sender.language import _, active, ngettext, use_language

    with use_language("es"):
        assert active() == "es"
        assert _("sent") == translations("es").gettext("sent")
        with use_language("pt_BR"):
            assert ngettext("{n} sent", "{n} sent", 2) == translations("pt_BR").ngettext(
                "{n} sent", "{n} sent", 2
            )
        assert active() == "es"
    assert active() == "en"  # the tests' environment (conftest)


@pytest.mark.parametrize(
    ("tag", "expected"),
    [("Spanish_Peru.1252", "es"), ("Portuguese_Brazil", "pt_BR"), ("es-PE", "es"), ("de_DE", None)],
)
def test_windows_and_bcp47_names_are_understood(tag, expected):
    assert language_of(tag) == expected

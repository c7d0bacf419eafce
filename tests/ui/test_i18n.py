"""The page's languages: the browser's choice, and catalogs that cover every message."""

from __future__ import annotations

import pytest
import requests

from bulk_sender import lifecycle
from bulk_sender.ui import i18n
from bulk_sender.ui.security import cookie_name
from bulk_sender.ui.strings import SCRIPT_STRINGS, page_statuses, page_strings


@pytest.mark.parametrize(
    ("header", "language"),
    [
        ("en-US,en;q=0.9", "en"),
        ("es-PE,es;q=0.9,en;q=0.8", "es"),
        ("en;q=0.5, es-MX;q=0.9", "es"),
        ("fr-FR, en-GB;q=0.7, es;q=0.6", "en"),
        ("pt-BR, de", "es"),
        ("en;q=0, es", "es"),
        ("", "es"),
        (None, "es"),
        ("garbage;;q=x,,", "es"),
    ],
)
def test_spanish_unless_the_browser_prefers_english(header, language):
    assert i18n.choose_language(header) == language


def test_the_script_gets_its_messages_in_the_page_s_language():
    spanish = page_strings(i18n.translations("es"))
    english = page_strings(i18n.translations("en"))

    assert english == SCRIPT_STRINGS
    assert spanish["status_sent"] == "enviado"
    assert spanish.keys() == english.keys()
    # The placeholders the script fills in survive translation.
    for key, message in english.items():
        assert sorted(_placeholders(spanish[key])) == sorted(_placeholders(message)), key


def _placeholders(text: str) -> list[str]:
    return [part.split("}")[0] for part in text.split("{")[1:]]


def test_the_page_is_served_in_the_language_the_browser_asks_for(ui):
    page = ui()
    cookies = {cookie_name(page.port): page.token}

    def html(language: str) -> str:
        answer = requests.get(
            f"{page.base}/", cookies=cookies, headers={"Accept-Language": language}, timeout=10
        )
        return answer.text

    spanish, english = html("es-PE,es;q=0.9"), html("en-US,en;q=0.9")
    assert '<html lang="es">' in spanish
    assert i18n.translations("es").gettext("2. Write the message") in spanish
    assert '<html lang="en">' in english
    assert "2. Write the message" in english


def test_the_page_shows_the_lifecycle_s_statuses_each_with_a_word_and_a_meaning():
    reported = [status.value for status in lifecycle.REPORTED]

    assert page_statuses()["order"] == reported
    assert {k for k in SCRIPT_STRINGS if k.startswith("status_")} == {
        f"status_{status.value}" for status in lifecycle.REPORTED
    }
    for status in lifecycle.REPORTED:
        assert SCRIPT_STRINGS[f"meaning_{status.value}"] == lifecycle.MEANINGS[status]

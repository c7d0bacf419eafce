"""Replies that ask to stop: the bundled list in three languages, and the user's own."""

from __future__ import annotations

import pytest

from bulk_sender.errors import ConfigError
from bulk_sender.protect.stopwords import load_stop_words, parse_stop_words, words_of


@pytest.mark.parametrize(
    "reply",
    [
        "BAJA", "Baja por favor", "baja!!", "STOP", "stop please", "Por favor no me escriban más",
        "NO ME ESCRIBAN", "Cancelar", "SAIR", "Sair da lista", "Não quero receber mensagens",
        "unsubscribe", "Please remove me from this list", "Opt-out", "Quiero darme de baja ya",
    ],
)  # fmt: skip
def test_the_bundled_list_hears_a_request_to_stop_in_each_language(reply):
    assert load_stop_words().asks_to_stop(reply)


@pytest.mark.parametrize(
    "reply",
    [
        "Gracias!", "¿A qué hora llega?", "ok", "Obrigado", "Thanks",
        "la batería está muy baja hoy", "nonstop delivery, great", "Sairá mañana?", "",
    ],
)  # fmt: skip
def test_ordinary_replies_are_not_a_request_to_stop(reply):
    assert load_stop_words().asks_to_stop(reply) is None


def test_case_accents_and_punctuation_are_ignored():
    assert words_of("¡NO me ESCRIBAN más!") == ("no", "me", "escriban", "mas")


def test_the_working_folder_s_list_replaces_the_bundled_one(tmp_path, monkeypatch):
    (tmp_path / "stop-words.txt").write_text("# ours\nya no más\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)

    ours = load_stop_words()

    assert ours.source == "stop-words.txt"
    assert ours.asks_to_stop("Ya no MAS, gracias") == "ya no mas"
    assert ours.asks_to_stop("STOP") is None


def test_a_list_with_no_words_is_one_clear_error(tmp_path):
    empty = tmp_path / "words.txt"
    empty.write_text("# nothing\n\n", encoding="utf-8")

    with pytest.raises(ConfigError, match="no stop words"):
        load_stop_words(empty)


def test_repeated_phrases_are_kept_once():
    assert len(parse_stop_words(["Stop", "stop", "STOP!"], "x").phrases) == 1

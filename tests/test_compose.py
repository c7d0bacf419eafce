"""Compose: a contact row becomes a message with its identity, or an invalid outcome."""

from __future__ import annotations

from datetime import date

import pytest

from bulk_sender.compose import Composer, WaTemplateSpec, decode_request, encode_request, identity
from bulk_sender.errors import ConfigError, InputError
from bulk_sender.records import Contact, Message, Outcome, Status
from bulk_sender.render import MessageTemplate

COLUMNS = ("Nombre", "Celular", "Total", "Fecha", "Imagen")


def contact(*values: object, row: int = 2) -> Contact:
    return Contact(row=row, values=tuple(values))


def wa_composer(**spec: object) -> Composer:
    fields: dict[str, object] = {
        "name": "pedido_confirmado",
        "body": (("2", "Total: {{ total }}"), ("1", "Nombre")),
        "header": (("1", "{{ nombre|first_name }}"),),
        "media_url_column": "Imagen",
        "campaign_name": "Diciembre",
    } | spec
    return Composer(COLUMNS, "Celular", wa_template=WaTemplateSpec(**fields), country="PE",
                    locale="es_PE")  # fmt: skip


def test_text_message_has_digits_text_and_a_stable_identity():
    template = MessageTemplate("Hola {{ nombre|first_name }}", COLUMNS, locale="es_PE")
    composer = Composer(COLUMNS, "Celular", template=template, country="PE")

    message = composer.compose(contact("ANA PÉREZ", "987 654 321", 10, date(2026, 12, 1), ""))

    assert message == Message(2, "51987654321", "Hola Ana", identity("51987654321", "Hola Ana"))
    assert identity("51987654321", "Hola Ana") != identity("51987654322", "Hola Ana")
    assert identity("51987654321", "Hola Ana") != identity("51987654321", "Hola Ana!")


def test_bad_phone_or_missing_value_is_an_invalid_outcome():
    template = MessageTemplate("Hola {{ nombre }}", COLUMNS)
    composer = Composer(COLUMNS, "Celular", template=template, country="PE")

    bad_phone = composer.compose(contact("Ana", "12", 1, "", ""))
    no_name = composer.compose(contact("", "987654321", 1, "", ""))

    assert isinstance(bad_phone, Outcome) and bad_phone.status is Status.INVALID
    assert bad_phone.code == "invalid_phone"
    assert isinstance(no_name, Outcome) and no_name.code == "missing_value"


def test_approved_template_renders_variables_in_number_order():
    message = wa_composer().compose(
        contact("ana pérez", "987654321", 1234.5, "", "https://x.pe/p.jpg")
    )

    assert isinstance(message, Message) and message.wa_template is not None
    assert message.wa_template.body == ("ana pérez", "Total: 1234.5")
    assert message.wa_template.header == ("Ana",)
    assert message.wa_template.media_url == "https://x.pe/p.jpg"
    assert message.text.startswith("pedido_confirmado(")
    assert message.key == identity("51987654321", message.text)
    assert decode_request(2, message.phone, message.text, message.key,
                          encode_request(message)) == message  # fmt: skip


def test_approved_template_row_without_a_value_or_media_is_invalid():
    composer = wa_composer()

    no_total = composer.compose(contact("Ana", "987654321", "", "", "https://x.pe/p.jpg"))
    no_media = composer.compose(contact("Ana", "987654321", 5, "", ""))

    assert isinstance(no_total, Outcome) and no_total.code == "missing_value"
    assert "--var 2=" in no_total.detail
    assert isinstance(no_media, Outcome) and no_media.code == "missing_value"


@pytest.mark.parametrize(
    ("spec", "error", "words"),
    [
        ({"body": (("1", "Nombre"), ("3", "Total"))}, ConfigError, "number the variables"),
        ({"media_url_column": "Foto"}, InputError, "--media-url-column Foto: no such column"),
    ],
)
def test_approved_template_usage_errors(spec, error, words):
    with pytest.raises(error, match=words):
        wa_composer(**spec)

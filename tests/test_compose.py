"""Compose: a contact row becomes a message with its identity, or an invalid outcome."""

from __future__ import annotations

import json
from datetime import date

import pytest

from bulk_sender import ConfigError, InputError, Outcome, Status
from bulk_sender.messages.compose import (
    Composer,
    WaTemplateSpec,
    check_variables,
    decode_request,
    encode_request,
    identity,
)
from bulk_sender.messages.render import MessageTemplate
from bulk_sender.records import Contact, Message

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
        ({"body": (("1", "Nombre"), ("orderId", "Total"))}, ConfigError,
         r"--var: use numbers \(1, 2, 3...\) or names, not both \(1, orderId\)"),
        ({"header": (("name", "Nombre"), ("name", "Total"))}, ConfigError,
         "--header-var: the variable name is given twice"),
        ({"body": (("order id", "Total"),)}, ConfigError, "--var order id=...: a variable is"),
        ({"send_type": "bulk"}, ConfigError, "--send-type bulk: use one of campaign, individual"),
        ({"media_url_column": "Foto"}, InputError, "--media-url-column Foto: no such column"),
    ],
)  # fmt: skip
def test_approved_template_usage_errors(spec, error, words):
    with pytest.raises(error, match=words):
        wa_composer(**spec)


ROW = ("ana pérez", "987654321", 1234.5, "", "https://x.pe/p.jpg")


def test_a_numbered_call_keeps_the_text_and_identity_earlier_versions_journaled():
    spec = WaTemplateSpec("pedido_confirmado", (("2", "Total"), ("1", "Nombre")))

    message = wa_composer(send_type="campaign").compose(contact(*ROW))

    assert isinstance(message, Message) and message.wa_template is not None
    assert message.text == (
        "pedido_confirmado({{1}}=ana pérez, {{2}}=Total: 1234.5, header {{1}}=Ana, "
        "file=https://x.pe/p.jpg)"
    )
    assert message.key == identity("51987654321", message.text)
    assert message.wa_template.body_names == ()  # numbered: nothing new in the journal's request
    assert json.loads(spec.describe()) == {  # the journal's template hash is made of this text
        "name": "pedido_confirmado", "body": [["2", "Total"], ["1", "Nombre"]], "header": [],
        "media_url_column": None, "campaign_name": None,
    }  # fmt: skip


def test_named_variables_keep_the_order_given_and_their_names_are_part_of_the_identity():
    named = wa_composer(body=(("total", "Total: {{ total }}"), ("customerName", "Nombre")),
                        header=(("firstName", "{{ nombre|first_name }}"),))  # fmt: skip
    renamed = wa_composer(body=(("total", "Total: {{ total }}"), ("clientName", "Nombre")),
                          header=(("firstName", "{{ nombre|first_name }}"),))  # fmt: skip

    message, other = named.compose(contact(*ROW)), renamed.compose(contact(*ROW))

    assert isinstance(message, Message) and message.wa_template is not None
    assert message.wa_template.body_variables() == (
        ("total", "Total: 1234.5"), ("customerName", "ana pérez"),
    )  # fmt: skip
    assert message.wa_template.header_variables() == (("firstName", "Ana"),)
    assert message.text.startswith(
        "pedido_confirmado({{total}}=Total: 1234.5, {{customerName}}=ana pérez, "
        "header {{firstName}}=Ana"
    )
    assert isinstance(other, Message) and other.key != message.key
    assert decode_request(2, message.phone, message.text, message.key,
                          encode_request(message)) == message  # fmt: skip


def test_the_send_type_travels_with_the_call_and_binds_the_journal_only_when_given():
    message = wa_composer(send_type="individual").compose(contact(*ROW))
    plain = WaTemplateSpec("pedido")

    assert isinstance(message, Message) and message.wa_template is not None
    assert message.wa_template.send_type == "2"
    assert "send_type" not in json.loads(plain.describe())
    assert json.loads(WaTemplateSpec("pedido", send_type="api").describe())["send_type"] == "api"


def test_a_request_journaled_by_an_earlier_version_reads_as_numbered():
    old = json.dumps({"name": "p", "body": ["Ana"], "header": [], "media_url": None,
                      "campaign_name": None})  # fmt: skip

    message = decode_request(2, "51987654321", "p({{1}}=Ana)", "k", old)

    assert message.wa_template is not None
    assert message.wa_template.body_variables() == (("1", "Ana"),)
    assert message.wa_template.send_type is None


@pytest.mark.parametrize(
    ("pairs", "ordered"),
    [
        ((("2", "b"), ("1", "a")), (("1", "a"), ("2", "b"))),
        ((("orderId", "b"), ("customerName", "a")), (("orderId", "b"), ("customerName", "a"))),
        ((), ()),
    ],
)
def test_numbered_variables_are_sorted_and_named_ones_keep_their_order(pairs, ordered):
    assert check_variables(pairs, "--var") == ordered

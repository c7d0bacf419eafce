"""Compose: from one contact row to the `Message` it sends, or the reason it cannot.

This is where the phone and render stages meet: the phone cell is normalised, the template
rendered, and the message given its identity (phone plus message, docs/spec.md section 4).
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from ..contacts.countries import country_code
from ..contacts.phone_columns import ColumnsUsed, PhoneColumns, PhonePick, choose_phone_columns
from ..contacts.phones import Phone, country_flag
from ..errors import ConfigError, InputError
from ..language import _
from ..lifecycle import Move, first
from ..records import Contact, Message, Outcome, WaTemplate
from .render import MessageTemplate, Rendered, variable_template


def identity(phone: str, text: str) -> str:
    """The row's identity: a hash of the digits sent and the message (or template call)."""
    return hashlib.blake2b(f"{phone}\n{text}".encode(), digest_size=16).hexdigest()


REJECTED = first(Move.REJECTED)
"""A row that cannot be sent: no usable phone, a template that fails on it (`invalid`)."""

SEND_TYPES = {"campaign": "1", "individual": "2", "api": "3"}
"""`--send-type` words and the `sendType` values Plazbot's Conversation page documents."""


@dataclass(frozen=True, slots=True)
class WaTemplateSpec:
    """`--wa-template NAME --var 1=VALUE ...` before any row is rendered.

    Variables are (name, value) pairs: numbers `1`, `2`, `3`... or Plazbot's named variables.
    """

    name: str
    body: tuple[tuple[str, str], ...] = ()
    header: tuple[tuple[str, str], ...] = ()
    media_url_column: str | None = None
    campaign_name: str | None = None
    send_type: str | None = None
    """A key of `SEND_TYPES`, or None to leave `sendType` to Plazbot's default."""

    def describe(self) -> str:
        """A stable text of the template call, whose hash binds the journal to it."""
        fields = asdict(self)
        if self.send_type is None:  # journals from before --send-type keep their hash
            del fields["send_type"]
        return json.dumps(fields, ensure_ascii=False, sort_keys=True)


def check_variables(pairs: Sequence[tuple[str, str]], flag: str) -> tuple[tuple[str, str], ...]:
    """The variables in sending order: numbers 1, 2, 3... without gaps, or distinct names."""
    names = [name for name, _ in pairs]
    numbered = [name.isascii() and name.isdigit() for name in names]
    if all(numbered):
        numbers = [int(name) for name in names]
        if sorted(numbers) != list(range(1, len(pairs) + 1)):
            raise ConfigError(
                _("{flag}: number the variables 1, 2, 3... (given {names})").format(
                    flag=flag, names=", ".join(names)
                )
            )
        return tuple((str(n), value) for n, (_, value) in sorted(zip(numbers, pairs, strict=True)))
    if any(numbered):
        raise ConfigError(
            _("{flag}: use numbers (1, 2, 3...) or names, not both ({names})").format(
                flag=flag, names=", ".join(names)
            )
        )
    for name in names:
        if not name.isidentifier():
            raise ConfigError(
                _(
                    "{flag} {name}=...: a variable is a number or a name of letters, digits and _"
                ).format(flag=flag, name=name)
            )
        if names.count(name) > 1:
            raise ConfigError(
                _("{flag}: the variable {name} is given twice").format(flag=flag, name=name)
            )
    return tuple(pairs)


class Composer:
    """Turns contact rows into messages for one campaign's template and columns."""

    def __init__(
        self,
        columns: Sequence[str],
        phone_column: str | PhoneColumns,
        *,
        template: MessageTemplate | None = None,
        wa_template: WaTemplateSpec | None = None,
        country: str | None = None,
        locale: str = "es",
        allow_landlines: bool = False,
    ) -> None:
        if (template is None) == (wa_template is None):
            raise ConfigError(_("give one of a message template or an approved WhatsApp template"))
        self.columns = tuple(columns)
        self.locale = locale
        if isinstance(phone_column, str):  # `--phone-column A,B` without a file's sample
            phone_column = choose_phone_columns(self.columns, phone_column)
        self.phones = phone_column
        self.country = country_flag(country)
        self.phone_rows: Counter[str] = Counter()  # rows whose phone each column gave
        self.country_rows = 0
        self.rows = 0
        self.allow_landlines = allow_landlines
        self.template = template
        self.wa = wa_template
        self._body: list[MessageTemplate] = []
        self._header: list[MessageTemplate] = []
        self._body_names: tuple[str, ...] = ()
        self._header_names: tuple[str, ...] = ()
        self._media_index: int | None = None
        self._send_type: str | None = None
        if wa_template is not None:
            self._body_names, self._body = self._variables(wa_template.body, "--var", locale)
            self._header_names, self._header = self._variables(
                wa_template.header, "--header-var", locale
            )
            if wa_template.media_url_column:
                self._media_index = self._index(wa_template.media_url_column, "--media-url-column")
            self._send_type = _send_type(wa_template.send_type)

    def _index(self, column: str, flag: str) -> int:
        if column not in self.columns:
            raise InputError(
                _("{flag} {column}: no such column; columns: {columns}").format(
                    flag=flag, column=column, columns=", ".join(self.columns)
                )
            )
        return self.columns.index(column)

    def _variables(
        self, pairs: Sequence[tuple[str, str]], flag: str, locale: str
    ) -> tuple[tuple[str, ...], list[MessageTemplate]]:
        """The variables' names (none when numbered) and their templates, in sending order."""
        ordered = check_variables(pairs, flag)
        named = bool(ordered) and not ordered[0][0].isdigit()
        templates = [
            variable_template(expr, self.columns, name=f"{flag} {n}={expr}", locale=locale)
            for n, expr in ordered
        ]
        return (tuple(n for n, _ in ordered) if named else ()), templates

    def phone(self, contact: Contact) -> Phone:
        region = self._row_country(contact) or self.country
        return self.phones.pick(contact.values, region, self.allow_landlines).phone

    def _row_country(self, contact: Contact) -> str | None:
        index = self.phones.country_index
        return None if index is None else country_code(contact.values[index])

    def compose(self, contact: Contact) -> Message | Outcome:
        """The message for this row, or an `invalid` outcome saying why there is none."""
        # A `+` number's own country wins (phonenumbers), then the row's, then `--country`.
        row_country = self._row_country(contact)
        pick = self.phones.pick(contact.values, row_country or self.country, self.allow_landlines)
        self._count(pick, named_country=row_country is not None)
        phone = pick.phone
        if not phone.ok:
            return Outcome(REJECTED, phone.code, phone.detail)
        source = pick.column if pick.fallback else ""
        if self.template is not None:
            rendered = self.template.render(contact.values)
            if rendered.code:
                return Outcome(REJECTED, rendered.code, rendered.detail)
            key = identity(phone.digits, rendered.text)
            return Message(contact.row, phone.digits, rendered.text, key, source=source)
        return self._compose_wa(contact, phone, source)

    def _count(self, pick: PhonePick, *, named_country: bool) -> None:
        self.rows += 1
        if pick.phone.ok:
            self.phone_rows[pick.column] += 1
        self.country_rows += named_country

    def counts(self) -> tuple[Counter[str], int, int]:
        """What `columns_used` counts, for a child process's composer (`engine/composing.py`)."""
        return self.phone_rows, self.country_rows, self.rows

    def add_counts(self, counts: tuple[Counter[str], int, int]) -> None:
        """Count the rows another composer of the same list composed."""
        phone_rows, country_rows, rows = counts
        self.phone_rows.update(phone_rows)
        self.country_rows += country_rows
        self.rows += rows

    def columns_used(self) -> ColumnsUsed:
        """The phone and country columns this composer read, with the rows each gave."""
        phones = tuple((name, self.phone_rows[name]) for name in self.phones.names)
        return ColumnsUsed(
            phones, self.phones.country, self.country_rows, self.country, self.rows,
            self.phones.left_out,
        )  # fmt: skip

    def _compose_wa(self, contact: Contact, phone: Phone, source: str) -> Message | Outcome:
        assert self.wa is not None
        values: dict[str, list[str]] = {"body": [], "header": []}
        for part, templates in (("body", self._body), ("header", self._header)):
            for template in templates:
                rendered: Rendered = template.render(contact.values)
                if rendered.code:
                    return Outcome(REJECTED, rendered.code, f"{template.name}: {rendered.detail}")
                values[part].append(rendered.text)
        media = None
        if self._media_index is not None:
            media = str(contact.values[self._media_index] or "").strip() or None
            if media is None:
                return Outcome(REJECTED, "missing_value", _("no media URL in this row"))
        call = WaTemplate(
            self.wa.name, tuple(values["body"]), tuple(values["header"]), media,
            self.wa.campaign_name, self._body_names, self._header_names, self._send_type,
        )  # fmt: skip
        text = call.describe()
        return Message(
            contact.row, phone.digits, text, identity(phone.digits, text), call, source=source
        )


def _send_type(word: str | None) -> str | None:
    if word is None:
        return None
    if word not in SEND_TYPES:
        raise ConfigError(
            _("--send-type {word}: use one of {words}").format(
                word=word, words=", ".join(SEND_TYPES)
            )
        )
    return SEND_TYPES[word]


def encode_request(message: Message) -> str:
    """What the journal keeps to send the message again later: the template call, if any."""
    return (
        json.dumps(asdict(message.wa_template), ensure_ascii=False) if message.wa_template else ""
    )


def decode_request(row: int, phone: str, text: str, key: str, request: str) -> Message:
    wa = None
    if request:
        fields: dict[str, Any] = json.loads(request)
        wa = WaTemplate(  # journals of earlier versions lack the names and the send type
            fields["name"], tuple(fields["body"]), tuple(fields["header"]),
            fields["media_url"], fields["campaign_name"], tuple(fields.get("body_names", ())),
            tuple(fields.get("header_names", ())), fields.get("send_type"),
        )  # fmt: skip
    return Message(row, phone, text, key, wa)

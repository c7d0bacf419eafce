"""Consent: only a yes is sent; a consent-like column is pointed out when the flag is absent."""

from __future__ import annotations

import pytest

from bulk_sender import InputError, Status
from bulk_sender.protect.consent import (
    ConsentColumn,
    consent_hint,
    looks_like_consent,
    says_yes,
)

YES = ["sí", "Si", "SÍ", "s", "yes", "Y", "x", "X", "✓", "✔", "true", "TRUE", "Verdadero",
       "1", "acepta", "Aceptó", "opt-in", "Opt In", "OPT_IN", " sí ", True, 1, 1.0]  # fmt: skip
NO = ["no", "No", "n", "", "  ", None, "0", 0, 2, False, "false", "opt-out", "tal vez", "nó"]


@pytest.mark.parametrize("cell", YES)
def test_yes_in_any_case_accent_or_type_is_a_yes(cell):
    assert says_yes(cell)


@pytest.mark.parametrize("cell", NO)
def test_anything_else_is_a_no(cell):
    assert not says_yes(cell)


@pytest.mark.parametrize("name", ["Acepta WhatsApp", "Accepts SMS Marketing", "opt_in", "Opt-In",
                                  "Consentimiento", "autoriza_contacto"])  # fmt: skip
def test_consent_like_headers_are_recognised(name):
    assert looks_like_consent(name)


@pytest.mark.parametrize("name", ["WhatsApp", "Celular", "Nombre", "Optica", "Total"])
def test_other_headers_are_not(name):
    assert not looks_like_consent(name)


def test_the_column_excludes_rows_without_a_yes_saying_what_the_cell_held():
    consent = ConsentColumn(["Nombre", "Acepta WhatsApp"], "Acepta WhatsApp")

    assert consent.check(("Ana", "Sí")) is None
    no = consent.check(("Luis", "no"))
    empty = consent.check(("Rosa", ""))

    assert no is not None and empty is not None
    assert (no.status, no.code) == (Status.EXCLUDED, "no_consent")
    assert no.result_detail.startswith("no_consent: Acepta WhatsApp says 'no'")
    assert empty.result_detail.startswith("no_consent: Acepta WhatsApp is empty")


def test_an_unknown_column_is_a_usage_error_listing_the_columns():
    with pytest.raises(InputError, match="--consent-column Acepta: no such column; columns: A, B"):
        ConsentColumn(["A", "B"], "Acepta")


def test_the_hint_names_the_column_and_the_flag_in_one_line():
    hint = consent_hint(["Nombre", "Celular", "Acepta WhatsApp"])

    assert hint is not None and "\n" not in hint
    assert '--consent-column "Acepta WhatsApp"' in hint
    assert consent_hint(["Nombre", "Celular"]) is None

"""The row rules of sender protection: the opt-out list first, then consent."""

from __future__ import annotations

from pathlib import Path

import pytest

from bulk_sender import InputError, Protection
from bulk_sender.protect.rules import gate_for


def test_an_opted_out_phone_is_excluded_as_opted_out_even_with_consent(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("optouts.csv").write_text("phone\n+51987654321\n", encoding="utf-8")
    gate = gate_for(Protection(consent_column="Acepta"), ["Celular", "Acepta"], "PE")

    opted_out = gate.check(("987654321", "sí"), "51987654321")
    no_consent = gate.check(("987654322", "no"), "51987654322")

    assert opted_out is not None and opted_out.code == "opted_out"
    assert no_consent is not None and no_consent.code == "no_consent"
    assert gate.check(("987654323", "sí"), "51987654323") is None
    assert gate.notices == ("Opt-out list: optouts.csv, 1 phone",)


def test_without_a_list_or_flag_nothing_is_excluded_and_a_consent_column_is_pointed_out(
    tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    gate = gate_for(Protection(), ["Celular", "Acepta WhatsApp"], "PE")

    assert gate.check(("987654321", "no"), "51987654321") is None
    assert len(gate.notices) == 1 and "--consent-column" in gate.notices[0]


def test_a_named_list_that_does_not_exist_stops_the_run(tmp_path):
    with pytest.raises(InputError, match="no such opt-out list"):
        gate_for(Protection(optouts=tmp_path / "bajas.csv"), ["Celular"], "PE")

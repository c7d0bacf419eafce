"""The campaigns of a folder as the page lists them, from what the CLI wrote."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bulk_sender import InputError, Mode
from bulk_sender.engine.options import recorded_settings
from bulk_sender.ui import campaigns

from ..conftest import ROOT, report_rows, run_cli


@pytest.fixture
def stopped_campaign(tmp_path):
    """A sandbox campaign the CLI left half sent (`--limit 5`), in its own folder."""
    shutil.copytree(ROOT / "templates", tmp_path / "templates")
    shutil.copy(ROOT / "sample_data" / "clientes.csv", tmp_path)
    done = run_cli("send", "clientes.csv", "-t", "pedido_enviado", "--country", "PE",
                   "--sandbox", "--limit", "5", cwd=tmp_path)  # fmt: skip
    assert done.returncode == 1, done.stderr
    return tmp_path


def test_a_campaign_of_the_cli_is_listed_with_its_counts_and_resumable(stopped_campaign):
    reports = stopped_campaign / "reports"
    rows = report_rows(reports / "clientes-pedido_enviado-sandbox.xlsx")
    statuses = [str(r["result_status"]) for r in rows]

    [listed] = campaigns.list_campaigns(reports)

    assert listed["name"] == "clientes-pedido_enviado-sandbox"
    assert listed["counts"] == {s: statuses.count(s) for s in set(statuses)}
    assert listed["counts"]["sent"] == 5
    assert listed["row_count"] == len(rows)
    assert listed["mode"] == "sandbox"
    assert listed["report"] == "clientes-pedido_enviado-sandbox.xlsx"
    assert listed["last_run"][:2] == "20"
    assert listed["resumable"]


def test_rows_filter_by_status_with_their_reasons(stopped_campaign):
    report = stopped_campaign / "reports" / "clientes-pedido_enviado-sandbox.xlsx"
    expected = [r for r in report_rows(report) if r["result_status"] == "invalid"]

    found = campaigns.report_rows(report, ["invalid"])

    assert found["matched"] == found["shown"] == len(expected) > 0
    assert [r["row"] for r in found["rows"]] == [r["result_row"] for r in expected]
    assert [r["detail"] for r in found["rows"]] == [r["result_detail"] for r in expected]
    assert len(campaigns.report_rows(report)["rows"]) == len(report_rows(report))


def test_resume_runs_the_settings_the_journal_records(stopped_campaign, monkeypatch):
    monkeypatch.chdir(stopped_campaign)
    report = stopped_campaign / "reports" / "clientes-pedido_enviado-sandbox.xlsx"

    settings = recorded_settings(campaigns.journal_of(report), {})

    assert (settings.contacts, settings.template, settings.country) == (
        Path("clientes.csv"), "pedido_enviado", "PE",
    )  # fmt: skip
    assert (settings.mode, settings.limit) == (Mode.SANDBOX, 5)
    assert settings.command == (
        "bulk-sender send clientes.csv -t pedido_enviado --country PE --sandbox --limit 5"
    )


@pytest.mark.parametrize("name", ["", "../x", "a/b", ".hidden"])
def test_campaign_names_from_the_page_cannot_leave_the_reports_folder(tmp_path, name):
    with pytest.raises(InputError):
        campaigns.report_of(tmp_path, name)

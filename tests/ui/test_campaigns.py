"""The campaigns of a folder as the page lists them, from what the CLI wrote."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bulk_sender import InputError, Mode
from bulk_sender.engine.options import recorded_settings
from bulk_sender.ui import campaigns

from ..conftest import ROOT, report_rows, report_summary, run_cli


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
    summary = report_summary(reports / "clientes-pedido_enviado-sandbox.xlsx")
    assert (listed["input"], listed["template"]) == (summary["input"], summary["template"])
    assert listed["report"] == "clientes-pedido_enviado-sandbox.xlsx"
    assert listed["last_run"][:2] == "20"
    assert listed["resumable"] and not listed["running"]


def test_the_journal_alone_describes_a_campaign_whose_report_is_gone(stopped_campaign):
    reports = stopped_campaign / "reports"
    counts = campaigns.describe(reports, "clientes-pedido_enviado-sandbox")["counts"]
    (reports / "clientes-pedido_enviado-sandbox.xlsx").unlink()

    [listed] = campaigns.list_campaigns(reports)

    assert listed["counts"] == counts and listed["report"] == ""
    assert listed["resumable"]


def test_a_run_stopped_early_says_why(stopped_campaign):
    aborted = run_cli("send", "clientes.csv", "-t", "pedido_enviado", "--country", "PE",
                      "--live", "--yes", "--api-url", "http://127.0.0.1:9",
                      cwd=stopped_campaign, env={"PLAZBOT_WORKSPACE_ID": "w"})  # fmt: skip
    assert aborted.returncode == 1, aborted.stderr
    summary = report_summary(stopped_campaign / "reports" / "clientes-pedido_enviado.xlsx")

    listed = campaigns.describe(stopped_campaign / "reports", "clientes-pedido_enviado")

    assert listed["stopped"] == summary["stopped because"] != ""
    assert listed["mode"] == "live"


def test_rows_filter_by_status_with_their_reasons(stopped_campaign):
    reports = stopped_campaign / "reports"
    report = reports / "clientes-pedido_enviado-sandbox.xlsx"
    expected = [r for r in report_rows(report) if r["result_status"] == "invalid"]

    found = campaigns.rows_of(reports, "clientes-pedido_enviado-sandbox", ["invalid"])

    assert found["matched"] == found["shown"] == len(expected) > 0
    assert [r["row"] for r in found["rows"]] == [r["result_row"] for r in expected]
    assert [r["detail"] for r in found["rows"]] == [r["result_detail"] for r in expected]
    assert [r["phone"] for r in found["rows"]] == [r["result_phone"] or "" for r in expected]
    every = campaigns.rows_of(reports, "clientes-pedido_enviado-sandbox")["rows"]
    assert len(every) == len(report_rows(report))
    assert campaigns.preview_rows(report, ["invalid"]) == found


def test_resume_runs_the_settings_the_journal_records(stopped_campaign, monkeypatch):
    monkeypatch.chdir(stopped_campaign)
    reports = stopped_campaign / "reports"

    settings = recorded_settings(
        campaigns.journal_of(reports, "clientes-pedido_enviado-sandbox"), {}
    )

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

"""A dry run with no journal plans in memory, and reports exactly what the journal would."""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

from bulk_sender import Mode, Settings, run_campaign
from bulk_sender.journal.store import Journal

from .conftest import ROOT, report_rows

TEMPLATE = str(ROOT / "templates" / "pedido_enviado.txt")


def dry_run(contacts: Path, folder: Path, *, with_journal: bool) -> list[dict[str, object]]:
    settings = Settings(contacts=contacts, template=TEMPLATE, country="PE", reports_dir=folder,
                        quiet=True, campaign="preview")  # fmt: skip
    journal = folder / "preview.journal.sqlite3"
    if with_journal:  # an empty journal: the dry run plans into a throwaway copy of it
        Journal(journal).close()
    result = run_campaign(settings)
    assert result.exit_code == 0 and result.journal_path is None
    assert journal.exists() is with_journal  # the memory plan never creates one
    return report_rows(result.report_path)


def test_the_memory_plan_reports_what_the_journal_plan_reports(tmp_path):
    contacts = shutil.copy(ROOT / "sample_data" / "clientes.csv", tmp_path)

    in_memory = dry_run(Path(contacts), tmp_path / "a", with_journal=False)
    journaled = dry_run(Path(contacts), tmp_path / "b", with_journal=True)

    assert in_memory == journaled
    assert Counter(r["result_status"] for r in in_memory) == {
        "ready": 43, "invalid": 6, "duplicate": 1,
    }  # fmt: skip


def test_a_fed_back_report_keeps_its_sent_rows_in_both(tmp_path):
    contacts = shutil.copy(ROOT / "sample_data" / "clientes.csv", tmp_path)
    first = Settings(contacts=Path(contacts), template=TEMPLATE, country="PE", mode=Mode.SANDBOX,
                     reports_dir=tmp_path / "sent", quiet=True, limit=10)  # fmt: skip
    sandbox = run_campaign(first)

    in_memory = dry_run(sandbox.report_path, tmp_path / "a", with_journal=False)
    journaled = dry_run(sandbox.report_path, tmp_path / "b", with_journal=True)

    assert in_memory == journaled
    assert Counter(r["result_status"] for r in in_memory)["sent"] == 10

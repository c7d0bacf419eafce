"""The tally that counts rows as the report streams by."""

from __future__ import annotations

from bulk_sender import Outcome, RowResult, Status
from bulk_sender.report.summary import Tally


def result(row: int, status: Status, code: str = "", message: str = "") -> RowResult:
    return RowResult(row, (), Outcome(status, code), "51900000000", message)


def test_tally_counts_statuses_reasons_and_keeps_the_first_ready_messages():
    rows = [
        result(2, Status.READY, message="Hola Ana"),
        result(3, Status.INVALID, "invalid_phone"),
        result(4, Status.READY, message="Hola Luis"),
        result(5, Status.DUPLICATE, "duplicate", "Hola Ana"),
        result(6, Status.READY, message="Hola Ana"),
        result(7, Status.SENT, message="Hola Rosa"),
        result(8, Status.PENDING, message="Hola Eva"),
    ]
    tally = Tally()

    assert list(tally.watch(rows)) == rows

    assert tally.statuses == {"ready": 3, "invalid": 1, "duplicate": 1, "sent": 1, "pending": 1}
    assert tally.reasons == {"invalid_phone": 1, "duplicate": 1}
    assert [row for row, _, _ in tally.preview] == [2, 4, 6]
    assert tally.distinct_messages == 2  # Ana and Luis: only a dry run's `ready` rows count
    summary = dict(tally.rows([("mode", "dry-run")]))
    assert summary["status ready"] == 3 and summary["status failed"] == 0
    assert summary["reason invalid_phone"] == 1 and summary["rows"] == 7
    assert summary["mode"] == "dry-run"

"""The engine over real loopback HTTP: events, cancel, confirm, threads, two runs at once."""

from __future__ import annotations

import asyncio
import csv
import json
import threading
from collections import Counter
from pathlib import Path

from bulk_sender import (
    Mode,
    RunResult,
    SendSettings,
    Settings,
    iter_events,
    rebuild_report,
    run_engine,
)
from bulk_sender.engine.run import (
    AwaitingConfirmation,
    CancelToken,
    Event,
    Finished,
    Notice,
    Planned,
    PreviewReady,
    RowOutcome,
    Sending,
)
from bulk_sender.report.process import PROCESS_ROWS
from bulk_sender.sandbox.server import ServerSettings, running_server

from .conftest import report_rows

MESSAGE = "Hola {{ nombre }}, tu pedido {{ pedido }} está en camino."


def write_contacts(path: Path, count: int, *, first_phone: int = 912000000) -> Path:
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["Nombre", "Celular", "Pedido"])
        writer.writerows([f"Cliente {i}", str(first_phone + i), f"PED-{i}"] for i in range(count))
    return path


def settings(folder: Path, url: str, count: int, **changes: object) -> Settings:
    folder.mkdir(exist_ok=True)
    fields: dict[str, object] = {
        "contacts": write_contacts(folder / "contacts.csv", count),
        "message": MESSAGE, "country": "PE", "mode": Mode.LIVE, "api_url": url,
        "workspace_id": "sandbox", "reports_dir": folder / "reports", "quiet": True,
        "send": SendSettings(concurrency=4, rate=0),
    }  # fmt: skip
    return Settings(**(fields | changes))  # type: ignore[arg-type]


def deliveries(log: Path) -> list[dict[str, object]]:
    if not log.exists():
        return []
    return [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]


def test_a_run_inside_a_running_loop_reports_its_events_in_order(tmp_path):
    events: list[Event] = []

    async def main() -> RunResult:
        async with running_server(ServerSettings(port=0, log=tmp_path / "log")) as url:
            return await run_engine(settings(tmp_path, url, 12), on_event=events.append)

    result = asyncio.run(main())

    assert result.exit_code == 0 and result.statuses == {"sent": 12}
    kinds = [type(e).__name__ for e in events]
    assert kinds[-1] == "Finished" and kinds.count("Finished") == 1
    assert kinds[0] == "Sending" and events[0] == Sending(12)  # the file's row count
    outcomes = [e for e in events if isinstance(e, RowOutcome)]
    assert sorted(e.row for e in outcomes) == list(range(2, 14))
    assert {e.status for e in outcomes} == {"sent"}
    planned = [e for e in events if isinstance(e, Planned)]
    assert planned[-1] == Planned(12, 12, 12, True) and [p.done for p in planned].count(True) == 1
    assert isinstance(events[-1], Finished) and events[-1].result == result
    assert len(deliveries(tmp_path / "log")) == 12


def test_a_run_from_another_thread(tmp_path):
    results: list[RunResult] = []

    async def main() -> None:
        async with running_server(ServerSettings(port=0)) as url:
            chosen = settings(tmp_path, url, 5)
            thread = threading.Thread(
                target=lambda: results.append(asyncio.run(run_engine(chosen)))
            )
            thread.start()
            await asyncio.to_thread(thread.join)

    asyncio.run(main())

    assert results[0].statuses == {"sent": 5}


def test_cancel_stops_as_ctrl_c_does(tmp_path):
    token = CancelToken()
    seen: list[Event] = []

    def on_event(event: Event) -> None:
        seen.append(event)
        if sum(isinstance(e, RowOutcome) for e in seen) == 6:
            token.cancel()

    async def main() -> RunResult:
        server = ServerSettings(port=0, latency_ms=40, log=tmp_path / "log")
        async with running_server(server) as url:
            chosen = settings(tmp_path, url, 60)
            return await run_engine(chosen, on_event=on_event, cancel=token)

    result = asyncio.run(main())

    assert result.exit_code == 130
    rows = report_rows(result.report_path)
    statuses = Counter(r["result_status"] for r in rows)
    assert len(rows) == 60
    # Requests in flight when it stopped finished and were journaled; the rest wait.
    assert statuses["sent"] == len(deliveries(tmp_path / "log")) >= 6
    assert statuses["pending"] > 0 and statuses["uncertain"] == 0
    assert isinstance(seen[-1], Finished)


def test_a_cancel_from_another_thread(tmp_path):
    token = CancelToken()
    started = threading.Event()

    def on_event(event: Event) -> None:
        if isinstance(event, RowOutcome):
            started.set()

    async def main() -> RunResult:
        server = ServerSettings(port=0, latency_ms=40)
        async with running_server(server) as url:
            run = run_engine(settings(tmp_path, url, 80), on_event=on_event, cancel=token)
            canceller = threading.Thread(target=lambda: started.wait(30) and token.cancel())
            canceller.start()
            result = await run
            canceller.join()
            return result

    result = asyncio.run(main())

    assert result.exit_code == 130 and result.statuses["pending"] > 0


def test_confirm_sees_the_preview_and_a_no_sends_nothing(tmp_path):
    events: list[Event] = []
    asked: list[tuple[int, int, str]] = []

    async def refuse(messages: int, phones: int, target: str) -> bool:
        asked.append((messages, phones, target))
        return False

    async def main() -> RunResult:
        async with running_server(ServerSettings(port=0, log=tmp_path / "log")) as url:
            chosen = settings(tmp_path, url, 7)
            return await run_engine(chosen, on_event=events.append, confirm=refuse)

    result = asyncio.run(main())

    assert asked == [(7, 7, asked[0][2])] and "(live)" in asked[0][2]
    assert "sandbox" not in asked[0][2]  # the workspace id is a secret
    kinds = [type(e) for e in events]
    assert kinds.index(PreviewReady) < kinds.index(AwaitingConfirmation)
    preview = next(e for e in events if isinstance(e, PreviewReady))
    assert preview.preview[0] == (
        2,
        "51912000000",
        "Hola Cliente 0, tu pedido PED-0 está en camino.",
    )
    assert preview.distinct_messages == 7
    assert Sending not in kinds and not deliveries(tmp_path / "log")
    assert result.stop_detail.startswith("not confirmed") and result.statuses == {"pending": 7}


def test_iter_events_ends_with_finished(tmp_path):
    async def main() -> list[Event]:
        async with running_server(ServerSettings(port=0)) as url:
            return [event async for event in iter_events(settings(tmp_path, url, 3))]

    events = asyncio.run(main())

    assert isinstance(events[-1], Finished)
    assert events[-1].result.statuses == {"sent": 3}


def test_two_campaigns_run_at_once_in_one_loop(tmp_path):
    order: list[str] = []

    def watch(name: str):  # type: ignore[no-untyped-def]
        def on_event(event: Event) -> None:
            if isinstance(event, RowOutcome | Finished):
                order.append(name if isinstance(event, RowOutcome) else f"{name} done")

        return on_event

    async def main() -> tuple[RunResult, RunResult]:
        server = ServerSettings(port=0, latency_ms=20, log=tmp_path / "log")
        async with running_server(server) as url:
            first = settings(tmp_path / "a", url, 40)
            second = settings(tmp_path / "b", url, 40, message="Buenas {{ nombre }}")
            return await asyncio.gather(
                run_engine(first, on_event=watch("a")), run_engine(second, on_event=watch("b"))
            )

    first, second = asyncio.run(main())

    assert first.statuses == second.statuses == {"sent": 40}
    assert first.journal_path != second.journal_path
    assert len(deliveries(tmp_path / "log")) == 80
    # Both sent at the same time: each had outcomes before the other finished.
    assert order.index("b") < order.index("a done") and order.index("a") < order.index("b done")


def test_a_dry_run_reports_its_preview_and_plans_without_sending(tmp_path):
    events: list[Event] = []
    chosen = settings(tmp_path, "http://127.0.0.1:9", 4, mode=Mode.DRY_RUN)

    result = asyncio.run(run_engine(chosen, on_event=events.append))

    assert result.statuses == {"ready": 4} and result.exit_code == 0
    kinds = [type(e) for e in events]
    assert Sending not in kinds and kinds[-2:] == [PreviewReady, Finished]


def test_sending_starts_while_the_list_is_still_being_planned(tmp_path):
    events: list[Event] = []

    async def main() -> RunResult:
        async with running_server(ServerSettings(port=0)) as url:
            chosen = settings(tmp_path, url, 3000, send=SendSettings(concurrency=8, rate=0))
            return await run_engine(chosen, on_event=events.append)

    result = asyncio.run(main())

    assert result.statuses == {"sent": 3000}
    finished_planning = next(i for i, e in enumerate(events) if isinstance(e, Planned) and e.done)
    first_outcome = next(i for i, e in enumerate(events) if isinstance(e, RowOutcome))
    assert first_outcome < finished_planning
    totals = [e.total for e in events if isinstance(e, Sending)]
    assert totals[0] == 3000 and totals[-1] == 3000


def test_streaming_keeps_the_first_of_repeated_rows_and_refines_the_total(tmp_path):
    events: list[Event] = []
    contacts = tmp_path / "contacts.csv"

    async def main() -> RunResult:
        async with running_server(ServerSettings(port=0, log=tmp_path / "log")) as url:
            chosen = settings(tmp_path, url, 0)
            rows = [["Ana", "912000001", "P1"], ["Bea", "12", "P2"]] * 400  # repeats, invalid
            with contacts.open("a", encoding="utf-8", newline="") as f:
                csv.writer(f).writerows(rows)
            return await run_engine(chosen, on_event=events.append)

    result = asyncio.run(main())

    assert result.statuses == {"sent": 1, "duplicate": 399, "invalid": 400}
    report = report_rows(result.report_path)
    assert report[0]["result_status"] == "sent" and report[0]["result_row"] == 2
    assert [e.total for e in events if isinstance(e, Sending)][-1] == 1
    assert len(deliveries(tmp_path / "log")) == 1


def test_a_long_lists_report_written_while_sending_matches_the_journal(tmp_path):
    contacts = tmp_path / "long.csv"
    with contacts.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["Nombre", "Celular", "Pedido"])
        for i in range(PROCESS_ROWS):  # long enough for a report process of its own
            n = i - 1 if i % 70 == 9 else i  # the row before, again
            writer.writerow([f"Cliente {n}", "12" if n % 50 == 7 else str(912000000 + n), "P"])
    faults = ServerSettings(port=0, error_rate=0.02, closed_window_rate=0.02, seed=3)

    async def main() -> RunResult:
        async with running_server(faults) as url:
            sending = SendSettings(concurrency=16, rate=0)
            chosen = settings(tmp_path, url, 0, contacts=contacts, send=sending)
            return await run_engine(chosen, on_event=events.append)

    events: list[Event] = []
    result = asyncio.run(main())
    assert result.journal_path is not None
    rebuilt = rebuild_report(result.journal_path, tmp_path / "rebuilt.xlsx")

    assert {"sent", "failed", "uncertain", "invalid", "duplicate"} <= set(result.statuses)
    written = report_rows(result.report_path)
    assert len(written) == PROCESS_ROWS and written == report_rows(rebuilt)
    assert not [e for e in events if isinstance(e, Notice)]  # its own process wrote it

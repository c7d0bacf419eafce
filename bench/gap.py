"""Where the sending phase's gap to a bare aiohttp loop goes, measured in one run.

The sending phase of `bench/send.py` (20,000 messages, 64 connections, 50 ms latency,
`--rate 0`), beside the bare loop, in three forms taken in turn, `--repeat` times:

1. as a `--yes` run sends: planning streams into sending, on the journal's thread;
2. planned first (as an interactive run, once confirmed): planning no longer overlaps;
3. planned first, and each in-flight mark queued but not awaited: the request leaves
   before its mark is committed. UNSAFE, for this measurement only: a run killed then
   could send a message twice. It shows what the guarantee of docs/spec.md section 4 costs.

Each figure is messages/s over the bare loop's, the median of the repeats (lowest-highest).

Usage: python bench/gap.py [--messages 20000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import tempfile
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

from common import compile_package, record, server_process, table, write_csv
from send import CONCURRENCY, LATENCY, MESSAGE, WORKSPACE, bare_aiohttp_cpu

from bulk_sender import Mode, SendSettings, Settings, run_campaign
from bulk_sender.journal import writer

FORMS = {
    "streamed (--yes)": (False, False),
    "planned first": (True, False),
    "planned first, marks not awaited (unsafe)": (True, True),
}


@contextlib.contextmanager
def marks_not_awaited() -> Iterator[None]:
    """The journal's writer answers every mark at once, before committing it."""
    original = writer.JournalWriter.mark_in_flight

    def mark_in_flight(self: writer.JournalWriter, key: str, attempts: int) -> bool:
        original(self, key, attempts)
        return True

    writer.JournalWriter.mark_in_flight = mark_in_flight  # type: ignore[method-assign,assignment]
    try:
        yield
    finally:
        writer.JournalWriter.mark_in_flight = original  # type: ignore[method-assign]


def phase(url: str, contacts: Path, *, plan_first: bool, unsafe: bool) -> float:
    """The sending phase's messages/s, with a journal of its own."""
    reports = contacts.parent / f"run-{time.time_ns()}"
    settings = Settings(
        contacts=contacts, message=MESSAGE, mode=Mode.LIVE, country="PE", api_url=url,
        workspace_id=WORKSPACE, reports_dir=reports,
        send=SendSettings(concurrency=CONCURRENCY, rate=0), quiet=True,
    )  # fmt: skip
    confirm = (lambda messages, phones: True) if plan_first else None
    with marks_not_awaited() if unsafe else contextlib.nullcontext():
        result = run_campaign(settings, confirm=confirm)
    assert set(result.statuses) == {"sent"}, result.statuses
    return result.sent_per_second


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    started = datetime.now()
    compile_package()
    ratios: dict[str, list[float]] = {name: [] for name in FORMS}
    bare: list[float] = []
    with tempfile.TemporaryDirectory() as folder:
        contacts = write_csv(Path(folder) / "contacts.csv", args.messages)
        with server_process("--latency-ms", str(LATENCY * 1000)) as url:
            for _ in range(args.repeat):
                bare.append(bare_aiohttp_cpu(url, args.messages)[0])
                for name, (plan_first, unsafe) in FORMS.items():
                    rate = phase(url, contacts, plan_first=plan_first, unsafe=unsafe)
                    ratios[name].append(rate / bare[-1])
    medians = {name: statistics.median(found) for name, found in ratios.items()}
    rows: list[tuple[str, ...]] = [("sending phase", "of bare aiohttp")]
    for name, found in ratios.items():
        rows.append((name, f"{medians[name]:.2f} ({min(found):.2f}-{max(found):.2f})"))
    heading = (f"{args.messages:,} messages, concurrency {CONCURRENCY}, latency "
               f"{LATENCY * 1000:.0f} ms; one run, started {started:%Y-%m-%d %H:%M}, "
               f"{args.repeat} repeats, median (lowest-highest); bare aiohttp "
               f"{statistics.median(bare):,.0f} msg/s")  # fmt: skip
    print(heading)
    print(table(rows))
    streamed, first, not_awaited = medians.values()
    said = (
        f"the gap to bare aiohttp ({1 - streamed:.2f}): planning alongside sending "
        f"{first - streamed:.2f}, waiting for each in-flight mark's commit "
        f"{not_awaited - first:.2f}, "
        f"the rest (the sender's own CPU per message) {1 - not_awaited:.2f}"
    )
    print(said)
    record("gap", rows, notes=[heading, said], started=started)


if __name__ == "__main__":
    main()

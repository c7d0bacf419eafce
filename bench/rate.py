"""Does the tool hold its rate, and settle under an API's rate limit?

1. `--rate 200` against a server with no limit: the most requests the server received in
   any one-second window (target at most 200 + concurrency) and the mean rate (target at
   least 0.95 x 200).
2. `--rate 200` against a server limiting to 100/s: total time against the ideal rows / 100
   (target within 15%) and the share of requests answered 429.
Usage: python bench/rate.py [--messages 3000]
"""

from __future__ import annotations

import argparse
import json
import tempfile
from datetime import datetime
from pathlib import Path

from common import record, server_process, table, write_csv

from bulk_sender import Mode, RunResult, SendSettings, Settings, run_campaign

RATE = 200
SERVER_LIMIT = 100
CONCURRENCY = 16


def send(url: str, contacts: Path, folder: Path) -> RunResult:
    settings = Settings(
        contacts=contacts, message="Hola {{ nombre }}, pedido {{ pedido }}", mode=Mode.LIVE,
        country="PE", api_url=url, workspace_id="sandbox", reports_dir=folder, quiet=True,
        send=SendSettings(concurrency=CONCURRENCY, rate=RATE),
    )  # fmt: skip
    return run_campaign(settings)


def requests_seen(access_log: Path) -> list[tuple[float, int]]:
    """(arrival time in seconds, HTTP status) of every request the server answered."""
    lines = [json.loads(line) for line in access_log.read_text().splitlines()]
    return [(datetime.fromisoformat(x["time"]).timestamp(), x["status"]) for x in lines]


def busiest_second(times: list[float]) -> int:
    """The most requests in any one-second window (sliding, not aligned to the clock)."""
    times, most, start = sorted(times), 0, 0
    for end, now in enumerate(times):
        while times[start] <= now - 1.0:
            start += 1
        most = max(most, end - start + 1)
    return most


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=3000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        contacts = write_csv(folder / "contacts.csv", args.messages)
        free_log, limited_log = folder / "free.jsonl", folder / "limited.jsonl"
        with server_process("--latency-ms", "50", "--access-log", str(free_log)) as url:
            free = send(url, contacts, folder / "free")
        limited_flags = ("--latency-ms", "50", "--rate-limit", str(SERVER_LIMIT))
        with server_process(*limited_flags, "--access-log", str(limited_log)) as url:
            limited = send(url, contacts, folder / "limited")
        free_seen, limited_seen = requests_seen(free_log), requests_seen(limited_log)
    assert free.statuses == {"sent": args.messages} == limited.statuses
    busiest = busiest_second([t for t, _ in free_seen])
    ideal = args.messages / SERVER_LIMIT
    limited_seconds = args.messages / limited.sent_per_second
    share_429 = sum(1 for _, status in limited_seen if status == 429) / len(limited_seen)
    heading = (
        f"{args.messages:,} messages, --rate {RATE}, --concurrency {CONCURRENCY}, 50 ms latency"
    )
    shown = [
        ("measure", "figure", "target"),
        ("no server limit: busiest 1 s window", f"{busiest}", f"<= {RATE + CONCURRENCY}"),
        ("no server limit: mean rate", f"{free.sent_per_second:.1f}/s", f">= {0.95 * RATE:.0f}/s"),
        (f"server limit {SERVER_LIMIT}/s: time", f"{limited_seconds:.1f} s",
         f"<= {1.15 * ideal:.1f} s (ideal {ideal:.0f} s)"),
        (f"server limit {SERVER_LIMIT}/s: rate", f"{limited.sent_per_second:.1f}/s", ""),
        (f"server limit {SERVER_LIMIT}/s: answered 429", f"{share_429:.2%}", ""),
    ]  # fmt: skip
    print(heading)
    print(table(shown))
    record("rate", shown, notes=[heading])


if __name__ == "__main__":
    main()

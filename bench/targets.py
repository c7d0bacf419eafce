"""The engine's four targets, measured in one run on this machine.

Runs the measures of `bench/send.py` (the whole `bulk-sender send` command and its sending
phase beside a bare aiohttp loop, 20,000 messages, 64 connections, 50 ms latency) and of
`bench/pipeline.py` (a 100,000-row CSV dry run beside the sum of its bare blocks, and the
time until the first message of that list leaves with `--yes`), one after the other, and
prints the four targets together. Each figure is a ratio within this run.

Usage: python bench/targets.py [--messages 20000] [--rows 100000]
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
from datetime import datetime
from pathlib import Path

from common import server_process, table, write_csv
from pipeline import bare_blocks, dry_run, first_message
from send import LATENCY, bare_aiohttp, sending_phase, whole_command


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=20_000)
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    started = datetime.now()
    with tempfile.TemporaryDirectory() as name:
        log = Path(name) / "deliveries.jsonl"
        with server_process("--latency-ms", str(LATENCY * 1000), "--log", str(log)) as url:
            bare = asyncio.run(bare_aiohttp(url, args.messages))
            whole, _ = whole_command(url, args.messages, log)
            phase = sending_phase(url, args.messages)
        folder = Path(name) / "pipeline"  # a delivery log of its own, for the first message
        folder.mkdir()
        contacts = write_csv(folder / "contacts.csv", args.rows)
        dry = dry_run(contacts, folder)["seconds"]
        first = first_message(contacts, folder)
        blocks = sum(bare_blocks(contacts, folder).values())
    rows = [
        (f"whole send command / bare aiohttp ({args.messages:,} messages)",
         f"{whole / bare:.2f} ({whole:,.0f} vs {bare:,.0f} msg/s)", ">= 0.85",
         whole / bare >= 0.85),
        ("sending phase / bare aiohttp", f"{phase / bare:.2f} ({phase:,.0f} msg/s)", ">= 0.9",
         phase / bare >= 0.9),
        (f"dry run / sum of bare blocks ({args.rows:,} CSV rows)",
         f"{dry / blocks:.2f} ({dry:.1f} s vs {blocks:.1f} s)", "<= 1.3", dry / blocks <= 1.3),
        (f"first message, {args.rows:,} rows, --yes", f"{first:.2f} s", "<= 2 s", first <= 2),
    ]  # fmt: skip
    print(f"one run, started {started:%Y-%m-%d %H:%M}")
    shown = [(name, figure, target, "yes" if met else "NO") for name, figure, target, met in rows]
    print(table([("measure", "figure", "target", "met"), *shown]))


if __name__ == "__main__":
    main()

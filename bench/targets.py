"""The engine's four targets, measured in one run on this machine.

Runs the measures of `bench/send.py` (the whole `bulk-sender send` command and its sending
phase beside a bare aiohttp loop, 20,000 messages, 64 connections, 50 ms latency) and of
`bench/pipeline.py` (a 100,000-row CSV dry run beside the sum of its bare blocks, and the
time until the first message of that list leaves with `--yes`), one after the other, and
prints the four targets together. Each figure is a ratio within this run.

The sending measures are taken `--repeat` times, bare loop, whole command and sending phase
in turn, so that a slow spell of the machine falls on all three: each ratio is the median
of the repeats, with the lowest and highest beside it: five by default, as one repeat of
the whole command in three or four falls some 0.05 below the others on this 2-core machine.
The CPU time per message is printed too: unlike messages per second, it hardly moves when
the machine slows down.

Usage: python bench/targets.py [--messages 20000] [--rows 100000] [--repeat 5]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
from datetime import datetime
from pathlib import Path

from common import compile_package, record, server_process, table, write_csv
from pipeline import bare_blocks, dry_run, first_message
from send import LATENCY, bare_aiohttp_cpu, sending_phase_cpu, whole_command


def sending(messages: int, repeat: int) -> dict[str, list[float]]:
    """Each sending measure, `repeat` times in turn."""
    found: dict[str, list[float]] = {"bare": [], "whole": [], "phase": [], "cpu": []}
    with tempfile.TemporaryDirectory() as name:
        log = Path(name) / "deliveries.jsonl"
        with server_process("--latency-ms", str(LATENCY * 1000), "--log", str(log)) as url:
            for _ in range(repeat):
                bare, bare_cpu = bare_aiohttp_cpu(url, messages)
                whole, _ = whole_command(url, messages, log)
                phase, loop_cpu, journal_cpu = sending_phase_cpu(url, messages)
                found["bare"].append(bare)
                found["whole"].append(whole / bare)
                found["phase"].append(phase / bare)
                found["cpu"].append((loop_cpu + journal_cpu) / bare_cpu)
    return found


def spread(figures: list[float], form: str = ".2f") -> str:
    """The median, and the lowest and highest in brackets."""
    low, high = min(figures), max(figures)
    return f"{statistics.median(figures):{form}} ({low:{form}}-{high:{form}})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=20_000)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    started = datetime.now()
    compile_package()
    sent = sending(args.messages, args.repeat)
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        contacts = write_csv(folder / "contacts.csv", args.rows)
        dry = dry_run(contacts, folder)["seconds"]
        first = first_message(contacts, folder)
        blocks = sum(bare_blocks(contacts, folder).values())
    whole, phase = statistics.median(sent["whole"]), statistics.median(sent["phase"])
    rows = [
        (f"whole send command / bare aiohttp ({args.messages:,} messages)",
         spread(sent["whole"]), ">= 0.85", whole >= 0.85),
        ("sending phase / bare aiohttp", spread(sent["phase"]), ">= 0.9", phase >= 0.9),
        (f"dry run / sum of bare blocks ({args.rows:,} CSV rows)",
         f"{dry / blocks:.2f} ({dry:.1f} s vs {blocks:.1f} s)", "<= 1.3", dry / blocks <= 1.3),
        (f"first message, {args.rows:,} rows, --yes", f"{first:.2f} s", "<= 2 s", first <= 2),
    ]  # fmt: skip
    print(f"one run, started {started:%Y-%m-%d %H:%M}; sending measures {args.repeat} times, "
          f"median (lowest-highest)")  # fmt: skip
    shown = [(name, figure, target, "yes" if met else "NO") for name, figure, target, met in rows]
    print(table([("measure", "figure", "target", "met"), *shown]))
    said = (
        f"bare aiohttp: {spread(sent['bare'], ',.0f')} msg/s; CPU per message of the sending phase "
        f"(event loop + journal's thread) / bare aiohttp: {spread(sent['cpu'])}"
    )
    print(said)
    record(
        "targets",
        [("measure", "figure", "target"),
         *[(n, f, t + (" ✓" if m else " ✗")) for n, f, t, m in rows]],
        notes=[f"sending measures {args.repeat} times, median (lowest-highest)", said],
        figures={"whole": rows[0][1], "phase": rows[1][1], "dry_run": rows[2][1],
                 "first_message": rows[3][1]},
        started=started,
    )  # fmt: skip


if __name__ == "__main__":
    main()

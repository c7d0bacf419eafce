"""Shared fixtures: the project's own Plazbot-compatible server on a free loopback port."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from bulk_sender.result_columns import machine_statuses

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class ServerProcess:
    """`bulk-sender serve` running in its own process, with its delivery log."""

    url: str
    log: Path
    process: subprocess.Popen[str]

    def deliveries(self) -> list[dict[str, object]]:
        if not self.log.exists():
            return []
        # The server may be writing a line as we read: what follows the last newline is not
        # there yet (cut as bytes, so a half-written "á" is not decoded either).
        data = self.log.read_bytes()
        complete = data[: data.rfind(b"\n") + 1].decode("utf-8")
        return [json.loads(line) for line in complete.splitlines()]


def start_server(tmp_path: Path, *flags: str) -> ServerProcess:
    log = tmp_path / f"server-{len(list(tmp_path.glob('server-*.log')))}.log"
    url, process = start_printing_url(
        ["serve", "--port", "0", "--log", str(log), *flags], "the server", cwd=ROOT
    )
    return ServerProcess(url, log, process)


def start_printing_url(
    args: list[str], what: str, **popen: Any
) -> tuple[str, subprocess.Popen[str]]:
    """Start `bulk-sender ARGS` and read the address its first line ends with."""
    process = subprocess.Popen(
        [sys.executable, "-m", "bulk_sender", *args], stdout=subprocess.PIPE, text=True, **popen
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    if "http://" not in line:
        process.kill()
        raise RuntimeError(f"{what} did not start: {line!r}")
    return line.split()[-1], process


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[object]:
    """A factory: `serve("--latency-ms", "20")` starts a server; all are stopped after the test."""
    started: list[ServerProcess] = []

    def factory(*flags: str) -> ServerProcess:
        server = start_server(tmp_path, *flags)
        started.append(server)
        return server

    yield factory
    for server in started:
        server.process.terminate()
        try:
            server.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.process.kill()
        if server.process.stdout:
            server.process.stdout.close()


_STARTED: list[subprocess.Popen[str]] = []


def track(process: subprocess.Popen[str]) -> subprocess.Popen[str]:
    """A `bulk-sender` process a test started and drives itself (kills, signals)."""
    _STARTED.append(process)
    return process


@pytest.fixture(autouse=True)
def _no_process_left_running() -> Iterator[None]:
    """A test that failed halfway leaves no run going on: it would fail the next test."""
    yield
    while _STARTED:
        process = _STARTED.pop()
        if process.poll() is None:
            process.kill()
            process.wait()
        for pipe in (process.stdin, process.stdout, process.stderr):
            if pipe is not None:
                pipe.close()


def clean_env() -> dict[str, str]:
    """This process's environment without the user's own Plazbot or bulk-sender settings
    (the data folder stays the test's own, `_own_data_folder`)."""
    return {
        k: v for k, v in os.environ.items()
        if not k.startswith(("PLAZBOT_", "BULK_")) or k in ("BULK_SENDER_DATA", "BULK_SENDER_LANG")
    }  # fmt: skip


@pytest.fixture(autouse=True)
def _own_data_folder(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch):
    """Daily budgets and their ledger in a folder of the test session's, never the user's;
    English, whatever the machine's locale."""
    monkeypatch.setenv("BULK_SENDER_DATA", str(tmp_path_factory.mktemp("data")))
    monkeypatch.setenv("BULK_SENDER_LANG", "en")  # the tests read English unless they say


def run_cli(
    *args: str, cwd: Path, env: dict[str, str] | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """Run `bulk-sender` as a user would, in `cwd`, and capture what it prints."""
    full_env = clean_env() | (env or {})
    return subprocess.run(
        [sys.executable, "-m", "bulk_sender", *args],
        cwd=cwd,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def report_rows(path: Path, *, as_written: bool = False) -> list[dict[str, object]]:
    """The results sheet of a report, as openpyxl (Excel's view of the file) reads it, its
    result columns by their machine names (the workbook's defined names) and its statuses by
    theirs (`sent`), whatever its language; `as_written`, the statuses in its words."""
    book = openpyxl.load_workbook(path, read_only=True)
    try:
        names = machine_names(book)
        rows = book.worksheets[0].iter_rows(values_only=True)
        header = [names.get(i, title) for i, title in enumerate(next(rows))]
        found = [dict(zip(header, row, strict=True)) for row in rows]
        return found if as_written else [machine_statuses(row) for row in found]
    finally:
        book.close()


def machine_names(book: Any) -> dict[int, str]:
    """Column index -> machine name, from the workbook's defined names (`result_status`)."""
    found = {}
    for name, defined in book.defined_names.items():
        for __, cells in defined.destinations:
            column = cells.split(":")[0].replace("$", "").rstrip("0123456789")
            found[openpyxl.utils.column_index_from_string(column) - 1] = name
    return found


def report_summary(path: Path) -> dict[object, object]:
    """The summary sheet of a report as key -> value (its third column holds the stable
    keys: `status sent`, `started`), as openpyxl reads it, whatever its language."""
    book = openpyxl.load_workbook(path, read_only=True)
    try:
        rows = book.worksheets[-1].iter_rows(values_only=True)
        next(rows)  # the titles
        return {row[2]: row[1] for row in rows if row and row[2] is not None}
    finally:
        book.close()


class FakeTimer:
    """A wall clock whose sleeps only move its hands: hours of waiting take no time."""

    step = 60.0  # a wait reports once a minute, as the console does in a log

    def __init__(self, now: datetime) -> None:
        self.moment = now
        self.slept: list[float] = []

    def now(self) -> datetime:
        return self.moment

    async def sleep(self, seconds: float, stop: asyncio.Event) -> None:
        self.slept.append(seconds)
        self.moment += timedelta(seconds=seconds)
        await asyncio.sleep(0)  # let a stop that came meanwhile be seen

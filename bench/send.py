"""How fast the tool sends, side by side with what else one could write, in one run.

Starts `bulk-sender serve` (50 ms latency, no rate limit) in its own process and sends N
messages at concurrency 64:

1. the whole command: a real `bulk-sender send --live --yes --rate 0` process, from its start
   to its exit (imports, planning, journal, sending and the report all included), with the
   time until its first message reached the server;
2. the sending phase alone: the library in this process (`RunResult.sent_per_second`), with
   the CPU time it spends per message on the event loop's thread and on the journal's
   thread (planning, then in-flight marks and outcomes), beside the bare loop's;
3. a bare aiohttp loop (the target), a plain httpx.AsyncClient loop on its default transport
   and a sequential `requests` loop (what a quick script does), on fewer messages.

Usage: python bench/send.py [--messages 20000] [--httpx 2000] [--sequential 500]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

import aiohttp
import httpx
import requests
from common import compile_package, record, server_process, table, write_csv

from bulk_sender import Mode, SendSettings, Settings, run_campaign

CONCURRENCY = 64
LATENCY = 0.05
WORKSPACE = "sandbox"
MESSAGE = "Hola {{ nombre }}, pedido {{ pedido }}"


def body(i: int) -> dict[str, str]:
    return {"content": f"Hola {i}", "recipientPhone": f"519{i:08d}", "workspaceId": WORKSPACE}


def whole_command(url: str, count: int, log: Path) -> tuple[float, float]:
    """A real `bulk-sender send` process: messages/s over its whole life, first message (s)."""
    with tempfile.TemporaryDirectory() as folder:
        contacts = write_csv(Path(folder) / "contacts.csv", count)
        env = {**os.environ, "PLAZBOT_WORKSPACE_ID": WORKSPACE}
        before = log.stat().st_size if log.exists() else 0
        started_at, started = time.time(), time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "bulk_sender", "send", str(contacts), "-m", MESSAGE,
             "--country", "PE", "--live", "--yes", "--api-url", url, "--rate", "0",
             "--concurrency", str(CONCURRENCY), "--quiet", "--report", f"{folder}/r.xlsx"],
            check=True, env=env, cwd=folder, stdout=subprocess.DEVNULL,
        )  # fmt: skip
        seconds = time.perf_counter() - started
    with log.open(encoding="utf-8") as f:
        f.seek(before)
        first = json.loads(f.readline())["time"]
    return count / seconds, datetime.fromisoformat(first).timestamp() - started_at


def sending_phase(url: str, count: int) -> float:
    return sending_phase_cpu(url, count)[0]


def sending_phase_cpu(url: str, count: int) -> tuple[float, float, float]:
    """Messages/s, and CPU microseconds per message on the event loop's thread and others.

    The others are the journal's thread (planning, marks, outcomes) in practice; the report
    of a long list is written by a process of its own, not counted.
    """
    with tempfile.TemporaryDirectory() as folder:
        contacts = write_csv(Path(folder) / "contacts.csv", count)
        settings = Settings(
            contacts=contacts, message=MESSAGE, mode=Mode.LIVE,
            country="PE", api_url=url, workspace_id=WORKSPACE, reports_dir=Path(folder),
            send=SendSettings(concurrency=CONCURRENCY, rate=0), quiet=True,
        )  # fmt: skip
        process, loop = cpu_seconds(), time.thread_time()
        result = run_campaign(settings)
        loop = time.thread_time() - loop
        others = cpu_seconds() - process - loop
        assert result.statuses.get("sent") == count, result.statuses
        return result.sent_per_second, loop / count * 1e6, others / count * 1e6


def cpu_seconds() -> float:
    """CPU time of this process, all threads."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def workers(count: int, post) -> float:  # type: ignore[no-untyped-def]
    queue: asyncio.Queue[int] = asyncio.Queue()
    for i in range(count):
        queue.put_nowait(i)

    async def work() -> None:
        while not queue.empty():
            await post(queue.get_nowait())

    started = time.perf_counter()
    await asyncio.gather(*(work() for _ in range(CONCURRENCY)))
    return count / (time.perf_counter() - started)


def bare_aiohttp_cpu(url: str, count: int) -> tuple[float, float]:
    """The bare loop's messages/s and CPU microseconds per message."""
    before = cpu_seconds()
    rate = asyncio.run(bare_aiohttp(url, count))
    return rate, (cpu_seconds() - before) / count * 1e6


async def bare_aiohttp(url: str, count: int) -> float:
    connector = aiohttp.TCPConnector(limit=CONCURRENCY)
    headers = {"x-workspace-id": WORKSPACE}
    async with aiohttp.ClientSession(url, connector=connector, headers=headers) as session:

        async def post(i: int) -> None:
            async with session.post("/api/message", json=body(i)) as response:
                assert response.status == 200
                await response.read()

        return await workers(count, post)


async def plain_httpx(url: str, count: int) -> float:
    limits = httpx.Limits(max_connections=CONCURRENCY)
    headers = {"x-workspace-id": WORKSPACE}
    async with httpx.AsyncClient(base_url=url, limits=limits, headers=headers) as client:

        async def post(i: int) -> None:
            response = await client.post("/api/message", json=body(i))
            assert response.status_code == 200

        return await workers(count, post)


def sequential_requests(url: str, count: int) -> float:
    started = time.perf_counter()
    with requests.Session() as session:
        for i in range(count):
            response = session.post(
                f"{url}/api/message", json=body(i), headers={"x-workspace-id": WORKSPACE}
            )
            assert response.status_code == 200
    return count / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=20_000)
    parser.add_argument("--httpx", type=int, default=2_000)
    parser.add_argument("--sequential", type=int, default=500)
    args = parser.parse_args()
    ideal = CONCURRENCY / LATENCY
    compile_package()
    with tempfile.TemporaryDirectory() as folder:
        log = Path(folder) / "deliveries.jsonl"
        with server_process("--latency-ms", str(LATENCY * 1000), "--log", str(log)) as url:
            aiohttp_rate, bare_cpu = bare_aiohttp_cpu(url, args.messages)
            command_rate, first = whole_command(url, args.messages, log)
            phase_rate, loop_cpu, journal_cpu = sending_phase_cpu(url, args.messages)
            rates = {
                "bulk-sender send (whole command)": command_rate,
                "bulk-sender sending phase (library)": phase_rate,
                "bare aiohttp loop": aiohttp_rate,
                f"plain httpx.AsyncClient loop ({args.httpx:,})": asyncio.run(
                    plain_httpx(url, args.httpx)
                ),
                f"sequential requests ({args.sequential})": sequential_requests(
                    url, args.sequential
                ),
            }
    rows = [("way", "messages/s", "of ideal", "of bare aiohttp")]
    for name, rate in rates.items():
        rows.append((name, f"{rate:,.0f}", f"{rate / ideal:.2f}", f"{rate / aiohttp_rate:.2f}"))
    heading = (
        f"{args.messages:,} messages, concurrency {CONCURRENCY}, latency "
        f"{LATENCY * 1000:.0f} ms, ideal {ideal:,.0f}/s, {datetime.now():%Y-%m-%d %H:%M}"
    )
    print(heading)
    print(table(rows))
    phase = rates["bulk-sender sending phase (library)"]
    targets = (
        f"targets: whole command >= 0.85 x aiohttp ({command_rate / aiohttp_rate:.2f}), "
        f"sending phase >= 0.9 x aiohttp ({phase / aiohttp_rate:.2f}); "
        f"first message after {first:.2f} s"
    )
    cpu = (
        f"CPU per message: bare aiohttp {bare_cpu:.0f} us; sending phase {loop_cpu:.0f} us on "
        f"the event loop + {journal_cpu:.0f} us on the journal's thread (planning, marks, "
        f"outcomes) = {(loop_cpu + journal_cpu) / bare_cpu:.1f} x bare"
    )
    print(targets)
    print(cpu)
    record("send", rows, notes=[heading, targets, cpu],
           figures={name: f"{rate:,.0f}" for name, rate in rates.items()})  # fmt: skip


if __name__ == "__main__":
    main()

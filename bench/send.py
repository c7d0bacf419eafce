"""How fast the tool sends, side by side with what else one could write, in one run.

Starts `bulk-sender serve` (50 ms latency, no rate limit) in its own process and sends N
messages at concurrency 64 four ways: the tool (library, journal and all), a bare aiohttp
loop, a plain httpx.AsyncClient loop on its default transport, and a sequential `requests`
loop (what a quick script does). Usage: python bench/send.py [--messages 20000]
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from pathlib import Path

import aiohttp
import httpx
import requests
from common import server_process, table, write_csv

from bulk_sender.campaign import Mode, Settings, run_campaign
from bulk_sender.send import SendSettings

CONCURRENCY = 64
LATENCY = 0.05
WORKSPACE = "sandbox"


def body(i: int) -> dict[str, str]:
    return {"content": f"Hola {i}", "recipientPhone": f"519{i:08d}", "workspaceId": WORKSPACE}


def tool(url: str, count: int) -> float:
    with tempfile.TemporaryDirectory() as folder:
        contacts = write_csv(Path(folder) / "contacts.csv", count)
        settings = Settings(
            contacts=contacts, message="Hola {{ nombre }}, pedido {{ pedido }}", mode=Mode.LIVE,
            country="PE", api_url=url, workspace_id=WORKSPACE, reports_dir=Path(folder),
            send=SendSettings(concurrency=CONCURRENCY, rate=0), quiet=True,
        )  # fmt: skip
        result = run_campaign(settings)
        assert result.statuses.get("sent") == count, result.statuses
        return result.sent_per_second


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
    parser.add_argument("--sequential", type=int, default=500)
    args = parser.parse_args()
    ideal = CONCURRENCY / LATENCY
    with server_process("--latency-ms", str(LATENCY * 1000)) as url:
        rates = {
            "bulk-sender (library, journal and all)": tool(url, args.messages),
            "bare aiohttp loop": asyncio.run(bare_aiohttp(url, args.messages)),
            "plain httpx.AsyncClient loop": asyncio.run(plain_httpx(url, args.messages)),
            f"sequential requests ({args.sequential})": sequential_requests(url, args.sequential),
        }
    aiohttp_rate = rates["bare aiohttp loop"]
    rows = [("way", "messages/s", "of ideal", "tool / this")]
    tool_rate = next(iter(rates.values()))
    for name, rate in rates.items():
        rows.append((name, f"{rate:,.0f}", f"{rate / ideal:.2f}", f"{tool_rate / rate:.2f}"))
    print(f"{args.messages:,} messages, concurrency {CONCURRENCY}, latency {LATENCY * 1000:.0f} ms,"
          f" ideal {ideal:,.0f}/s")  # fmt: skip
    print(table(rows))
    httpx_rate = rates["plain httpx.AsyncClient loop"]
    sequential_rate = rates[f"sequential requests ({args.sequential})"]
    print(
        f"targets: tool >= 0.8 x aiohttp ({tool_rate / aiohttp_rate:.2f}), "
        f">= 5 x httpx ({tool_rate / httpx_rate:.1f}), "
        f">= 40 x sequential ({tool_rate / sequential_rate:.0f})"
    )


if __name__ == "__main__":
    main()

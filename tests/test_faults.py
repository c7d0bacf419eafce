"""End to end under faults: the CLI sends over loopback to `bulk-sender serve` injecting them."""

from __future__ import annotations

import collections
import csv
import json
from datetime import datetime
from pathlib import Path

import pytest

from .conftest import report_rows, run_cli

ENV = {"PLAZBOT_WORKSPACE_ID": "sandbox"}


def contacts(folder: Path, count: int) -> Path:
    """`count` customers with distinct valid Peruvian mobiles."""
    path = folder / "clientes.csv"
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["nombre", "telefono"])
        for n in range(count):
            writer.writerow([f"Cliente {n}", f"519{10_000_000 + 7919 * n:08d}"])
    return path


def send(folder: Path, server, *flags: str, env=ENV, count: int = 200):
    contacts(folder, count)
    args = ["send", "clientes.csv", "-m", "Hola {{ nombre }}", "--country", "PE", "--live",
            "--yes", "--api-url", server.url, "--report", "out.xlsx", *flags]  # fmt: skip
    return run_cli(*args, cwd=folder, env=env)


def report(folder: Path) -> list[dict[str, object]]:
    return report_rows(folder / "out.xlsx")


def requests_seen(folder: Path) -> list[dict[str, object]]:
    """The server's `--access-log`: one line per request, whatever the answer."""
    text = (folder / "access.jsonl").read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines()]


def most_in_one_second(lines: list[dict[str, object]]) -> int:
    times = sorted(datetime.fromisoformat(str(line["time"])).timestamp() for line in lines)
    most, start = 0, 0
    for end, t in enumerate(times):
        while times[start] <= t - 1.0:
            start += 1
        most = max(most, end - start + 1)
    return most


def test_at_the_servers_own_limit_it_stays_under_it(tmp_path, serve):
    server = serve("--rate-limit", "50", "--access-log", str(tmp_path / "access.jsonl"))

    result = send(tmp_path, server, "--rate", "50", count=200)

    assert result.returncode == 0, result.stderr
    assert most_in_one_second(server.deliveries()) <= 52
    seen = requests_seen(tmp_path)
    assert sum(1 for line in seen if line["status"] == 429) < 0.01 * len(seen)


def test_twice_the_servers_limit_and_503s_still_send_every_row_once(tmp_path, serve):
    server = serve(
        "--rate-limit", "50", "--unavailable-rate", "0.05", "--seed", "5",
        "--access-log", str(tmp_path / "access.jsonl"),
    )  # fmt: skip

    result = send(tmp_path, server, "--rate", "100", "--concurrency", "16", count=150)

    assert result.returncode == 0, result.stderr
    assert {row["result_status"] for row in report(tmp_path)} == {"sent"}
    delivered = collections.Counter(d["reference"] for d in server.deliveries())
    assert len(delivered) == 150 and set(delivered.values()) == {1}
    seen = requests_seen(tmp_path)
    assert any(line["status"] == 503 for line in seen)  # the faults did happen
    too_many = collections.Counter(line["reference"] for line in seen if line["status"] == 429)
    assert max(too_many.values(), default=0) <= 1


def test_drops_and_500s_leave_those_rows_uncertain_and_nothing_goes_twice(tmp_path, serve):
    server = serve(
        "--drop-rate", "0.02", "--error-rate", "0.02", "--seed", "11",
        "--access-log", str(tmp_path / "access.jsonl"),
    )  # fmt: skip

    result = send(tmp_path, server, "--rate", "0", count=300)

    assert result.returncode == 1, result.stderr
    seen = requests_seen(tmp_path)
    requested = collections.Counter(line["reference"] for line in seen)
    assert set(requested.values()) == {1}  # none requested twice
    delivered = collections.Counter(d["reference"] for d in server.deliveries())
    assert set(delivered.values()) == {1}  # none delivered twice
    lost = {line["phone"] for line in seen if line["dropped"] or line["status"] == 500}
    rows = report(tmp_path)
    uncertain = {row["result_phone"] for row in rows if row["result_status"] == "uncertain"}
    assert lost and uncertain == lost
    assert {row["result_status"] for row in rows} == {"sent", "uncertain"}
    codes = {str(row["result_detail"]).split(":")[0] for row in rows if row["result_phone"] in lost}
    assert codes == {"connection_lost", "api_500"}


@pytest.mark.parametrize(
    ("server_flags", "env", "code"),
    [
        ((), {"PLAZBOT_WORKSPACE_ID": "ws-wrong-secret"}, "api_404"),
        (("--api-key", "right-key"), {**ENV, "PLAZBOT_API_KEY": "key-wrong-secret"}, "api_401"),
    ],
)
def test_a_wrong_workspace_or_key_stops_the_run_with_exit_3(
    tmp_path, serve, server_flags, env, code
):
    server = serve(*server_flags, "--access-log", str(tmp_path / "access.jsonl"))

    result = send(tmp_path, server, "--concurrency", "4", "--rate", "0", env=env, count=100)

    assert result.returncode == 3, result.stdout + result.stderr
    assert code in result.stdout
    assert len(requests_seen(tmp_path)) <= 4
    assert server.deliveries() == []
    assert {row["result_status"] for row in report(tmp_path)} == {"pending"}
    journal = (tmp_path / "out.journal.sqlite3").read_bytes()
    for place in (result.stdout, result.stderr, journal.decode("latin-1")):
        assert "wrong-secret" not in place  # secrets are never printed or journaled


def test_the_bearer_key_is_sent_when_set(tmp_path, serve):
    server = serve("--api-key", "right-key")

    result = send(tmp_path, server, "--rate", "0", env={**ENV, "PLAZBOT_API_KEY": "right-key"})

    assert result.returncode == 0, result.stderr
    assert len(server.deliveries()) == 200
    assert "right-key" not in result.stdout + result.stderr

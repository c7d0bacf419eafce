"""`bulk-sender ui` as a process: Ctrl-C stops a run as it stops a `send`."""

from __future__ import annotations

import collections
import signal
import sys
import time
from collections.abc import Callable
from typing import Any

import pytest
import requests

from ..conftest import ROOT, report_rows, run_cli

SAMPLE = ROOT / "sample_data" / "clientes.csv"


def wait_until(check: Callable[[], Any], what: str, timeout: float = 90) -> Any:
    """Poll until `check()` is truthy; the timeout is a ceiling, never a measure of speed."""
    deadline = time.monotonic() + timeout
    while not (found := check()):
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what}")
        time.sleep(0.1)
    return found


@pytest.mark.skipif(sys.platform == "win32", reason="sends SIGINT, as Ctrl-C does on POSIX")
def test_ctrl_c_lets_messages_on_their_way_finish_and_writes_the_report(ui, serve):
    plazbot = serve("--latency-ms", "300")
    page = ui(env={"PLAZBOT_API_URL": plazbot.url, "PLAZBOT_WORKSPACE_ID": "sandbox"})
    session = requests.Session()
    session.get(page.url, timeout=10)
    with SAMPLE.open("rb") as f:
        upload = session.post(f"{page.base}/api/upload?country=PE", files={"file": f}, timeout=30)
    form = {
        "file": upload.json()["file"], "country": "PE", "phone_column": "Teléfono",
        "kind": "template", "template": "pedido_enviado", "mode": "live", "rate": "4",
    }  # fmt: skip

    def run() -> dict[str, Any]:
        return dict(session.get(f"{page.base}/api/state", timeout=10).json()["run"])

    assert session.post(f"{page.base}/api/run", json=form, timeout=30).status_code == 200
    wait_until(lambda: run()["state"] == "confirm", "the confirmation")
    assert session.post(f"{page.base}/api/confirm", json={"yes": True}, timeout=10).ok
    wait_until(lambda: run()["counts"]["sent"] >= 2, "some messages sent")
    page.process.send_signal(signal.SIGINT)

    assert page.process.wait(timeout=120) == 130
    assert page.process.stderr is not None
    assert "messages on their way finish first" in page.process.stderr.read()
    rows = report_rows(page.folder / "reports" / "clientes-pedido_enviado.xlsx")
    statuses = collections.Counter(str(r["result_status"]) for r in rows)
    assert statuses["pending"] > 0
    assert statuses["uncertain"] == 0
    assert statuses["sent"] == len(plazbot.deliveries())


def test_a_port_in_use_is_one_line_and_exit_2(ui, tmp_path):
    page = ui()

    done = run_cli("ui", "--no-browser", "--port", str(page.port), cwd=tmp_path, timeout=30)

    assert done.returncode == 2
    assert done.stderr.startswith(f"bulk-sender: error: port {page.port}: cannot serve the page")
    assert len(done.stderr.strip().splitlines()) == 1

"""`bulk-sender ui` as a process: Ctrl-C stops a run as it stops a `send`."""

from __future__ import annotations

import collections
import signal
import sys

import pytest

from ..conftest import ROOT, report_rows, run_cli
from .conftest import Client, wait_until

SAMPLE = ROOT / "sample_data" / "clientes.csv"


@pytest.mark.skipif(sys.platform == "win32", reason="sends SIGINT, as Ctrl-C does on POSIX")
def test_ctrl_c_lets_messages_on_their_way_finish_and_writes_the_report(ui, serve):
    plazbot = serve("--latency-ms", "300")
    page = ui(env={"PLAZBOT_API_URL": plazbot.url, "PLAZBOT_WORKSPACE_ID": "sandbox"})
    client = Client(page)
    form = {
        "file": client.upload(SAMPLE)["file"], "country": "PE", "phone_column": "Teléfono",
        "kind": "template", "template": "pedido_enviado", "mode": "live", "rate": "4",
    }  # fmt: skip

    assert client.post("/api/run", form).status_code == 200
    wait_until(lambda: client.run()["state"] == "confirm", "the confirmation")
    assert client.post("/api/confirm", {"yes": True}).ok
    wait_until(lambda: client.run()["counts"]["sent"] >= 2, "some messages sent")
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

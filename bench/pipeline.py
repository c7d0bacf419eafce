"""Where a dry run's time goes, beside the bare building blocks on the same data.

Generates N rows (15 columns) as CSV and as XLSX, times each stage of the tool on its own
(load, phones, render, report) and a whole dry run in a child process (with its peak RSS),
then the bare blocks: pandas read, phonenumbers parse+format, Jinja2+Babel render, the
report writer alone. Then the time until the first message of the same list reaches a
server, for `bulk-sender send --live --yes` (sending starts while the list is planned).
Usage: python bench/pipeline.py [--rows 100000] [--formats csv,xlsx]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from common import (
    HEADER,
    TEMPLATE,
    compile_package,
    record,
    server_process,
    table,
    write_csv,
    write_xlsx,
)

CHILD = """
import json, resource, sys, time
from pathlib import Path
from bulk_sender import run_campaign
from bulk_sender import Settings
started = time.perf_counter()
result = run_campaign(Settings(contacts=Path(sys.argv[1]), message=sys.argv[2], country="PE",
                               reports_dir=Path(sys.argv[3]), quiet=True))
print(json.dumps({"seconds": time.perf_counter() - started,
                  "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "rows": sum(result.statuses.values()), "ready": result.statuses.get("ready")}))
"""


def timed(action: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    value = action()
    return time.perf_counter() - started, value


def dry_run(path: Path, folder: Path) -> dict[str, float]:
    """The whole tool, in a child process so its peak RSS is its own."""
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(path), TEMPLATE, str(folder)],
        check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    return dict(json.loads(out))


def first_message(path: Path, folder: Path) -> float:
    """Seconds from starting `bulk-sender send --live --yes` until the server got a message."""
    log = folder / "deliveries.jsonl"
    with server_process("--log", str(log)) as url:
        env = {**os.environ, "PLAZBOT_WORKSPACE_ID": "sandbox"}
        started = time.perf_counter()
        process = subprocess.Popen(
            [sys.executable, "-m", "bulk_sender", "send", str(path), "-m", TEMPLATE,
             "--country", "PE", "--live", "--yes", "--api-url", url, "--rate", "0", "--quiet",
             "--report", str(folder / "first.xlsx")],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        while not (log.exists() and log.stat().st_size) and process.poll() is None:
            time.sleep(0.01)
        seconds = time.perf_counter() - started
        process.kill()
        process.wait()
    return seconds


def tool_stages(path: Path, folder: Path) -> dict[str, float]:
    """Each stage of the tool alone, over the same rows."""
    from bulk_sender import Outcome, RowResult, Status
    from bulk_sender.contacts.load import open_contacts
    from bulk_sender.contacts.phones import _normalise_cell
    from bulk_sender.messages.compose import Composer
    from bulk_sender.messages.render import MessageTemplate
    from bulk_sender.report.workbook import write_report

    seconds, (table_, contacts) = timed(lambda: _load(open_contacts, path))
    _normalise_cell.cache_clear()  # an earlier format's run must not warm the phone cache
    template = MessageTemplate(TEMPLATE, table_.columns, locale="es_PE")
    composer = Composer(table_.columns, "Celular", template=template, country="PE")
    phones_s, _ = timed(lambda: [composer.phone(c) for c in contacts])
    render_s, texts = timed(lambda: [template.render(c.values).text for c in contacts])
    results = [
        RowResult(c.row, c.values, Outcome(Status.READY), "51900000000", t)
        for c, t in zip(contacts, texts, strict=True)
    ]
    report_s, _ = timed(lambda: write_report(folder / "stage.xlsx", table_.columns, results, list))
    return {"load": seconds, "phones": phones_s, "render": render_s, "report": report_s}


def _load(open_contacts: Any, path: Path) -> tuple[Any, list[Any]]:
    table_ = open_contacts(path)
    return table_, list(table_.contacts())


def bare_blocks(path: Path, folder: Path) -> dict[str, float]:
    """The libraries alone, doing the same work with no tool around them."""
    import jinja2
    import pandas as pd
    import phonenumbers
    import xlsxwriter
    from babel.dates import format_date
    from babel.numbers import format_currency

    if path.suffix == ".csv":
        load_s, frame = timed(lambda: pd.read_csv(path, dtype=str, keep_default_na=False))
    else:
        load_s, frame = timed(lambda: pd.read_excel(path, engine="calamine", dtype=str).fillna(""))
    rows = frame.to_dict("records")
    phones_s, _ = timed(lambda: [
        phonenumbers.format_number(phonenumbers.parse(r["Celular"], "PE"),
                                   phonenumbers.PhoneNumberFormat.E164)
        for r in rows
    ])  # fmt: skip
    env = jinja2.Environment()
    env.filters["first_name"] = lambda v: str(v).split()[0].title()
    env.filters["money"] = lambda v, c: format_currency(float(v), c, locale="es_PE")
    env.filters["date"] = lambda v, p: format_date(
        datetime.strptime(str(v)[:10], "%Y-%m-%d"), p, locale="es_PE"
    )
    template = env.from_string(TEMPLATE)
    keys = [h.lower().replace(" ", "_") for h in HEADER]
    render_s, _ = timed(lambda: [
        template.render(dict(zip(keys, r.values(), strict=True))) for r in rows
    ])  # fmt: skip

    def write() -> None:
        with xlsxwriter.Workbook(str(folder / "bare.xlsx"), {"constant_memory": True}) as book:
            sheet = book.add_worksheet("results")
            for i, r in enumerate(rows):
                sheet.write_row(i, 0, [*r.values(), i, "ready", "", "51900000000", "Hola", 0,
                                       None, None, None, None])  # fmt: skip

    report_s, _ = timed(write)
    return {"load": load_s, "phones": phones_s, "render": render_s, "report": report_s}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--formats", default="csv,xlsx")
    args = parser.parse_args()
    compile_package()
    for kind in args.formats.split(","):
        with tempfile.TemporaryDirectory() as name:
            folder = Path(name)
            writer = write_csv if kind == "csv" else write_xlsx
            path = writer(folder / f"contacts.{kind}", args.rows)
            whole = dry_run(path, folder)
            first = first_message(path, folder)
            stages = tool_stages(path, folder)
            bare = bare_blocks(path, folder)
        rows = [("stage", "tool (s)", "bare (s)", "tool / bare")]
        for stage in ("load", "phones", "render", "report"):
            rows.append((stage, f"{stages[stage]:.2f}", f"{bare[stage]:.2f}",
                         f"{stages[stage] / bare[stage]:.2f}"))  # fmt: skip
        bare_sum = sum(bare.values())
        rows.append(("sum of bare blocks", "", f"{bare_sum:.2f}", ""))
        rows.append(("whole dry run", f"{whole['seconds']:.2f}", "",
                     f"{whole['seconds'] / bare_sum:.2f}"))  # fmt: skip
        heading = (
            f"{args.rows:,} rows x {len(HEADER)} columns, {kind.upper()}, "
            f"{datetime.now():%Y-%m-%d %H:%M}; "
            f"dry run peak RSS {whole['rss_mb']:.0f} MB, {whole['ready']:,} ready"
        )
        said = (
            f"targets: whole dry run <= 1.3 x sum of bare blocks "
            f"({whole['seconds'] / bare_sum:.2f}); first message of the list with --yes "
            f"<= 2 s ({first:.2f} s)"
        )
        print("\n" + heading)
        print(table(rows))
        print(said)
        record(f"pipeline-{kind}", rows, notes=[heading, said],
               figures={"dry_run": f"{whole['seconds'] / bare_sum:.2f}",
                        "first_message": f"{first:.2f} s"})  # fmt: skip


if __name__ == "__main__":
    main()

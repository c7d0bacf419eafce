"""Shared pieces of the benchmarks: generated contact lists and a server in its own process."""

from __future__ import annotations

import csv
import json
import os
import platform
import random
import subprocess
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(os.environ.get("BULK_SENDER_BENCH_RESULTS", ROOT / "docs" / "bench"))
"""Where each benchmark keeps its runs, one JSON file each; the docs' benchmark page renders
them (`tools/docs_gen/`, run by `cog`). Set BULK_SENDER_BENCH_RESULTS to keep a trial run
out of the docs."""

FIRST_NAMES = ["María", "José", "Ana", "Luis", "Rosa", "Jorge", "Lucía", "Miguel", "Sofía", "Ñaupa"]
LAST_NAMES = ["Quispe", "Mamani", "Fernández", "Huamán", "Chávez", "Pérez", "Rojas", "Núñez"]
CITIES = ["Lima", "Arequipa", "Trujillo", "Cusco", "Piura", "Chiclayo"]
HEADER = [
    "Nombre", "Celular", "Ciudad", "Pedido", "Total", "Fecha Entrega", "Email", "Direccion",
    "Distrito", "Vendedor", "Canal", "Segmento", "Notas", "Codigo", "Estado",
]  # fmt: skip
TEMPLATE = (
    "Hola {{ nombre|first_name }}, tu pedido *{{ pedido }}* por {{ total|money('PEN') }} "
    "llegará el {{ fecha_entrega|date(\"d 'de' MMMM\") }} a {{ ciudad }}."
)


def contact_rows(count: int, *, seed: int = 1) -> Iterator[list[str]]:
    """`count` realistic rows of 15 columns with distinct Peruvian mobiles."""
    rng = random.Random(seed)
    phones = rng.sample(range(900_000_000, 999_999_999), count)
    for i, phone in enumerate(phones):
        name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        yield [
            name, f"{phone // 1000000} {phone // 1000 % 1000:03d} {phone % 1000:03d}",
            rng.choice(CITIES), f"PED-{i:07d}", f"{rng.uniform(10, 3000):.2f}",
            f"2026-12-{1 + i % 28:02d}", f"cliente{i}@correo.pe", f"Av. Principal {i % 900}",
            "Miraflores", "Carla", "web", "B", "", f"C{i:07d}", "activo",
        ]  # fmt: skip


def write_csv(path: Path, count: int) -> Path:
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(HEADER)
        writer.writerows(contact_rows(count))
    return path


def write_xlsx(path: Path, count: int) -> Path:
    import xlsxwriter

    with xlsxwriter.Workbook(str(path), {"constant_memory": True}) as book:
        sheet = book.add_worksheet("Clientes")
        sheet.write_row(0, 0, HEADER)
        for r, row in enumerate(contact_rows(count), start=1):
            sheet.write_row(r, 0, row)
    return path


def compile_package() -> None:
    """Compile the package's bytecode, as `pip install` does for a user.

    Where PYTHONDONTWRITEBYTECODE is set (this machine sets it), an editable install would
    otherwise compile its 8,000 lines anew in every `bulk-sender` process it starts.
    """
    import compileall

    import bulk_sender

    compileall.compile_dir(Path(bulk_sender.__file__).parent, quiet=1)


@contextmanager
def server_process(*flags: str) -> Iterator[str]:
    """`bulk-sender serve` in its own process (its own core); yields its URL."""
    process = subprocess.Popen(
        [sys.executable, "-m", "bulk_sender", "serve", "--port", "0", *flags],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert process.stdout is not None
    line = process.stdout.readline()
    try:
        yield line.split()[-1]
    finally:
        process.terminate()
        process.wait(timeout=10)
        process.stdout.close()


def table(rows: list[tuple[str, ...]]) -> str:
    """A plain text table, columns padded to their widest cell."""
    widths = [max(len(str(r[i])) for r in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(str(c).ljust(w) for c, w in zip(r, widths, strict=True)) for r in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def machine() -> str:
    """This machine in a few words: cores, processor, memory, system, Python."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        pages = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
        memory = f", {pages / 2**30:.0f} GB"
    except (OSError, ValueError, AttributeError):
        memory = ""
    return (f"{os.cpu_count()} cores, {cpu}{memory}, {platform.system()}, "
            f"Python {platform.python_version()}")  # fmt: skip


def code_version() -> str:
    """The commit measured, `+changes` when the work tree differs from it."""
    try:
        commit = _git("rev-parse", "--short", "HEAD").strip()
        dirty = _git("status", "--porcelain", "--untracked-files=no")
    except (OSError, subprocess.CalledProcessError):
        return ""
    return commit + ("+changes" if dirty.strip() else "")


def _git(*args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout


def record(
    name: str,
    rows: Sequence[Sequence[object]],
    *,
    notes: Sequence[str] = (),
    figures: dict[str, str] | None = None,
    started: datetime | None = None,
) -> Path:
    """Add this run (its table: a header row, then rows; lines said beside it) to the
    benchmark's results file, `docs/bench/<name>.json`, with its date, machine and commit.
    Earlier runs are kept: the docs show the latest and the history of `figures`."""
    path = RESULTS / f"{name}.json"
    data = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {"runs": []}
    run: dict[str, object] = {
        "date": f"{started or datetime.now():%Y-%m-%d %H:%M}",
        "machine": machine(),
        "code": code_version(),
        "columns": [str(c) for c in rows[0]],
        "rows": [[str(c) for c in row] for row in rows[1:]],
        "notes": list(notes),
    }
    if figures:
        run["figures"] = figures
    data["runs"].append(run)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"recorded in {path}")
    return path

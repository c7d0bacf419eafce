"""Shared pieces of the benchmarks: generated contact lists and a server in its own process."""

from __future__ import annotations

import csv
import random
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

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

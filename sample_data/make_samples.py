"""Rebuild the sample customer exports (clientes.csv and clientes.xlsx) deterministically.

Run from the repository root: `python sample_data/make_samples.py`. The CSV is what a
Peruvian shop's CRM exports (`;`-separated, phones typed by hand); the XLSX holds the same
rows with real dates and numbers, and some phones stored as numbers.
"""

from __future__ import annotations

import csv
import random
from datetime import date, datetime, time, timedelta
from pathlib import Path

import xlsxwriter

HERE = Path(__file__).parent
HEADER = ["Nombre", "Teléfono", "Ciudad", "Pedido", "Total", "Fecha Entrega", "Fecha Cita",
          "Hora Cita", "Fecha Vencimiento"]  # fmt: skip
NAMES = [
    "María José Quispe", "JOSÉ LUIS MAMANI", "Ana Lucía Fernández", "Carlos Ñahui Torres",
    "Rosa Elena Huamán", "Jorge Chávez Ríos", "Lucía Pérez Gómez", "Miguel Ángel Salazar",
    "Sofía Castañeda", "Luis Alberto Rojas", "Carmen Rosa Vílchez", "Pedro Pablo Cárdenas",
    "Valeria Ñique", "Andrés Gutiérrez", "Daniela Solís Paredes", "Fernando Núñez",
    "Gabriela Ríos", "Ricardo Álvarez", "Patricia León", "Héctor Ramírez", "Mónica Espinoza",
    "Raúl Mendoza", "Verónica Ccori", "Julio César Ayala", "Elena Zúñiga", "Óscar Villanueva",
    "Teresa Ticona", "Martín Ugarte", "Pilar Benavides", "Iván Condori", "Lorena Arévalo",
    "Diego Huertas", "Natalia Chumpitaz", "Renato Sáenz", "Silvia Ortiz", "Tomás Llanos",
    "Claudia Bermúdez", "Álvaro Medina", "Inés Cabrera", "Gustavo Príncipe", "Noemí Yupanqui",
    "Sebastián Olivares", "Úrsula Montes", "César Apaza", "Ximena Robles", "Hugo Cornejo",
    "Paola Rivas", "Emilio Saavedra", "Karina Loayza",
]  # fmt: skip
CITIES = ["Lima", "Arequipa", "Trujillo", "Cusco", "Piura", "Chiclayo", "Huancayo", "Iquitos"]


def phone_formats(n: int, rng: random.Random) -> str | int:
    """A valid Peruvian mobile typed the many ways people type them."""
    number = f"9{rng.randrange(10_000_000, 99_999_999)}"
    style = n % 6
    if style == 0:
        return f"{number[:3]} {number[3:6]} {number[6:]}"
    if style == 1:
        return f"+51 {number}"
    if style == 2:
        return f"0051{number}"
    if style == 3:
        return int(f"51{number}")  # stored as a number by the CRM
    if style == 4:
        return f"(+51) {number[:3]}-{number[3:6]}-{number[6:]}"
    return number


def rows() -> list[list[object]]:
    rng = random.Random(2026)
    data: list[list[object]] = []
    for n, name in enumerate(NAMES):
        delivery = date(2026, 12, 1) + timedelta(days=rng.randrange(0, 20))
        data.append([
            name, phone_formats(n, rng), rng.choice(CITIES), f"PED-{10450 + n}",
            round(rng.uniform(35, 2500), 2), delivery, delivery + timedelta(days=3),
            time(rng.choice([9, 10, 11, 15, 16, 17]), rng.choice([0, 30])),
            delivery + timedelta(days=15),
        ])  # fmt: skip
    # Rows people really have: bad phones, a landline, Excel's scientific notation, a gap,
    # another country written internationally, and one customer exported twice.
    data[5][1] = "98765"  # too short
    data[11][1] = ""  # no phone
    data[17][1] = "(01) 4123456"  # a Lima landline
    data[23][1] = "5.19877E+10"  # Excel turned it into scientific notation
    data[29][1] = "no tiene"
    data[33][5] = None  # no delivery date for the order template
    data[40][1] = "+52 1 55 1234 5678"  # a Mexican mobile with the old "1"
    data[44][1] = "+57 300 123 4567"  # a Colombian mobile
    data.append(list(data[7]))  # exported twice: a duplicate
    return data


def write_csv(path: Path, data: list[list[object]]) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f, delimiter=";")
        writer.writerow(HEADER)
        for row in data:
            writer.writerow(["" if v is None else _csv_text(v) for v in row])


def _csv_text(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.2f}"
    if isinstance(value, time):
        return value.strftime("%H:%M")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def write_xlsx(path: Path, data: list[list[object]]) -> None:
    with xlsxwriter.Workbook(str(path), {"strings_to_numbers": False}) as book:
        sheet = book.add_worksheet("Clientes")
        bold = book.add_format({"bold": True})
        dates = book.add_format({"num_format": "dd/mm/yyyy"})
        hours = book.add_format({"num_format": "hh:mm"})
        sheet.write(0, 0, "Clientes - campaña diciembre 2026", bold)  # a title row above the header
        sheet.write_row(2, 0, HEADER, bold)
        for r, row in enumerate(data, start=3):
            for c, value in enumerate(row):
                if value is None:
                    continue
                if isinstance(value, time):
                    sheet.write_datetime(r, c, datetime.combine(date(1899, 12, 31), value), hours)
                elif isinstance(value, date):
                    sheet.write_datetime(r, c, datetime.combine(value, time()), dates)
                elif isinstance(value, str):
                    sheet.write_string(r, c, value)
                else:
                    sheet.write_number(r, c, value)


if __name__ == "__main__":
    data = rows()
    write_csv(HERE / "clientes.csv", data)
    write_xlsx(HERE / "clientes.xlsx", data)
    print(f"wrote {len(data)} rows to {HERE / 'clientes.csv'} and {HERE / 'clientes.xlsx'}")

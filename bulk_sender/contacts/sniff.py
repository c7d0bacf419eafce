"""Sniff a text export: which encoding and which delimiter it was saved with."""

from __future__ import annotations

import codecs
import csv
import io
from collections import Counter
from pathlib import Path

DELIMITERS = (",", ";", "\t", "|")
SAMPLE_BYTES = 64 * 1024
_CHUNK = 1 << 20


def detect_encoding(path: Path) -> str:
    """UTF-8 (with or without BOM), UTF-16 (Excel's "Unicode text"), else Windows-1252."""
    with path.open("rb") as f:
        head = f.read(4096)
        if head.startswith(codecs.BOM_UTF8):
            return "utf-8-sig"
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return "utf-16"
        if head and head.count(b"\x00") * 3 >= len(head):
            # UTF-16 without a BOM: every ASCII character comes with a zero byte.
            return (
                "utf-16-le" if head[1::2].count(b"\x00") > head[::2].count(b"\x00") else "utf-16-be"
            )
        f.seek(0)
        if _decodes(f, "utf-8"):
            return "utf-8"
        f.seek(0)
        # Excel on Windows saves "CSV" in the ANSI code page: Windows-1252 in Latin America.
        # Latin-1 takes any byte, for the few files with bytes Windows-1252 leaves undefined.
        return "cp1252" if _decodes(f, "cp1252") else "latin-1"


def _decodes(f: io.BufferedReader, encoding: str) -> bool:
    """Whether the whole file decodes, read in chunks so memory stays flat."""
    decoder = codecs.getincrementaldecoder(encoding)()
    try:
        while chunk := f.read(_CHUNK):
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def detect_delimiter(path: Path, encoding: str, *, default: str = ",") -> str:
    """The one of `,` `;` tab `|` that splits the first rows into the widest steady table."""
    with path.open(encoding=encoding, errors="replace", newline="") as f:
        sample = f.read(SAMPLE_BYTES)
        complete = len(sample) < SAMPLE_BYTES
    if not complete:
        sample = sample[: sample.rfind("\n") + 1] or sample  # drop the cut-off last line
    # csv.Sniffer prefers "," on a tie, but Spanish-locale Excel writes ";" precisely because
    # "," is the decimal mark there ("2214,36"), so score each delimiter by the table it gives.
    scores = {d: _table_score(sample, d) for d in DELIMITERS}
    best = max(scores.values())
    if best == 0:
        return default
    ordered = [default, *DELIMITERS]
    return next(d for d in ordered if scores[d] == best)


def _table_score(sample: str, delimiter: str) -> int:
    """Cells in the rows that have the most common width of more than one cell."""
    try:
        rows = [r for r in csv.reader(io.StringIO(sample), delimiter=delimiter) if any(r)]
    except csv.Error:
        return 0
    widths = Counter(len(r) for r in rows if len(r) > 1)
    if not widths:
        return 0
    width, count = max(widths.items(), key=lambda pair: pair[0] * pair[1])
    return width * count

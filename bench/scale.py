"""Does a dry run scale? 100,000 and 1,000,000 CSV rows: time ratio and peak RSS.

Usage: python bench/scale.py [--small 100000] [--large 1000000]
Targets: peak RSS under 500 MB at the large size; time at most 11 x the small size's
(10 x the rows, with a little room for the journal's indexes growing).
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from common import record, table, write_csv
from pipeline import dry_run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--small", type=int, default=100_000)
    parser.add_argument("--large", type=int, default=1_000_000)
    args = parser.parse_args()
    figures = {}
    for rows in (args.small, args.large):
        with tempfile.TemporaryDirectory() as name:
            folder = Path(name)
            figures[rows] = dry_run(write_csv(folder / "contacts.csv", rows), folder)
    small, large = figures[args.small], figures[args.large]
    shown = [
        ("rows", "seconds", "rows/s", "peak RSS"),
        *[(f"{n:,}", f"{f['seconds']:.1f}", f"{n / f['seconds']:,.0f}", f"{f['rss_mb']:.0f} MB")
          for n, f in figures.items()],
    ]  # fmt: skip
    print(table(shown))
    ratio = large["seconds"] / small["seconds"]
    said = (
        f"targets: large peak RSS < 500 MB ({large['rss_mb']:.0f}); "
        f"time ratio <= 11 ({ratio:.1f} for {args.large / args.small:.0f}x the rows)"
    )
    print(said)
    record("scale", shown, notes=[said])


if __name__ == "__main__":
    main()

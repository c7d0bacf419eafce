"""How much memory does a dry run of a long list take, across all its processes?

Usage: python bench/memory.py [--rows 1000000]
Runs `bulk-sender send LIST.csv -m TEXT --country PE` (a dry run, as a user's first look at
a list) as a process of its own and prints the peak resident memory of that process and of
its largest child (the report's process), and their sum: what the laptop must have free.
Target: the sum under 250 MB at 1,000,000 rows.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

from common import TEMPLATE, record, table, write_csv

# The run as the CLI makes it, then the two peaks the kernel kept: this process's, and the
# largest of its children's that were waited for (the report's process is the only one).
CHILD = """
import json, resource, sys
from bulk_sender.cli.main import main
code = main(["send", sys.argv[1], "-m", sys.argv[2], "--country", "PE", "--quiet",
             "--report", sys.argv[3]])
print(json.dumps({
    "code": code,
    "run_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    "child_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
}))
"""


def measure(rows: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        contacts = write_csv(folder / "contacts.csv", rows)
        out = subprocess.run(
            [sys.executable, "-c", CHILD, str(contacts), TEMPLATE, str(folder / "r.xlsx")],
            check=True, capture_output=True, text=True,
        ).stdout  # fmt: skip
    # The CLI prints its summary first; the figures are the last line.
    return dict(json.loads(out.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()
    found = measure(args.rows)
    total = found["run_mb"] + found["child_mb"]
    shown = [
        ("rows", "run's process", "report's process", "sum"),
        (f"{args.rows:,}", f"{found['run_mb']:.0f} MB", f"{found['child_mb']:.0f} MB",
         f"{total:.0f} MB"),
    ]  # fmt: skip
    print(table(shown))
    said = f"target: sum < 250 MB at 1,000,000 rows ({total:.0f} MB at {args.rows:,})"
    print(said)
    record("memory", shown, notes=[said], figures={"sum": f"{total:.0f} MB"})


if __name__ == "__main__":
    main()

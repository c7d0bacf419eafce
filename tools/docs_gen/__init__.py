"""The documentation's generated parts, from the code itself: one source for each fact.

Used by the `cog` blocks of the pages under docs/ (`cog -r @docs/cog-files.txt` writes them,
`cog --check @docs/cog-files.txt` fails when a page has drifted from the code) and by
tests/test_docs.py:

- `cli_reference(lang)`: every command's `--help`, walked from `bulk_sender.cli.parser`;
- `status_table`, `reason_table`, `error_rule_table`: from `bulk_sender.lifecycle`;
- `raised()` and `troubleshooting(lang)`: every one-line error the code can raise, found with
  `ast` in bulk_sender/**.py, grouped by error class and stage, with what to do;
- `bench_section(name, lang)` and `bench_chart(lang)`: the benchmarks' latest figures, from the
  files bench/*.py write (docs/bench/<name>.json).

Words for Spanish and Portuguese pages go through the package's own catalog
(`bulk_sender.language`): whatever it has not translated yet shows in English until it has.
"""

from .advice import ADVICE, STAGE_NAMES, STAGES
from .bench import BENCHMARKS, bench_chart, bench_runs, bench_section
from .cli import cli_help, cli_reference, commands
from .common import PLURALS, ROOT
from .errors import STOPS, Raised, error_classes, literal, raised
from .tables import error_rule_table, reason_table, status_table
from .troubleshooting import advice, troubleshooting

__all__ = [
    "ADVICE",
    "BENCHMARKS",
    "PLURALS",
    "ROOT",
    "STAGES",
    "STAGE_NAMES",
    "STOPS",
    "Raised",
    "advice",
    "bench_chart",
    "bench_runs",
    "bench_section",
    "cli_help",
    "cli_reference",
    "commands",
    "error_classes",
    "error_rule_table",
    "literal",
    "raised",
    "reason_table",
    "status_table",
    "troubleshooting",
]

"""Child: a Python process of this package's own, fed pickles through its stdin.

The report's process (`reporter.py`) and the composing one (`composing.py`) are started
alike: `python -m bulk_sender.<module>`, not multiprocessing, which would import the caller's
own script again in the child (a script without a `__main__` guard would run twice). Alike
on Windows, macOS and Linux, and never a fork of a process that has threads.
"""

from __future__ import annotations

import contextlib
import pickle
import subprocess
import sys
from typing import IO, Any


class Child:
    """The process, and its pipes: pickles go in through `send`, come out of `stdout`."""

    def __init__(self, module: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", module], stdin=subprocess.PIPE, stdout=subprocess.PIPE
        )

    @property
    def stdin(self) -> IO[bytes]:
        assert self.process.stdin is not None
        return self.process.stdin

    @property
    def stdout(self) -> IO[bytes]:
        assert self.process.stdout is not None
        return self.process.stdout

    def send(self, value: Any) -> None:
        pickle.dump(value, self.stdin, protocol=pickle.HIGHEST_PROTOCOL)
        self.stdin.flush()

    def stop(self) -> None:
        """Kill the process if it still runs, and close its pipes."""
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        for pipe in (self.process.stdin, self.process.stdout):
            if pipe is not None:
                with contextlib.suppress(OSError):
                    pipe.close()

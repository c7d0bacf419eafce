"""Child: a Python process of this package's own, fed pickles through its stdin.

The report's process (`report/process.py`) and the composing one (`engine/composing.py`) are started
alike: `python -m bulk_sender.<module>`, not multiprocessing, which would import the caller's
own script again in the child (a script without a `__main__` guard would run twice). Alike
on Windows, macOS and Linux, and never a fork of a process that has threads.

A child runs in a process group of its own, so a terminal's Ctrl-C reaches only the run: the
run stops, then asks its children for what they owe it. Were the child in the terminal's
group, a Ctrl-C in the half second it takes to start (before it could ignore the signal)
would end it with a `KeyboardInterrupt` traceback on the user's screen. Were the run to die,
the end of its pipe ends the child.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import subprocess
import sys
from typing import IO, Any

from . import language


def _own_process_group() -> dict[str, Any]:
    """Popen's arguments that keep a terminal's Ctrl-C from the child."""
    if sys.platform == "win32":
        return {"creationflags": subprocess.CREATE_NEW_PROCESS_GROUP}
    return {"process_group": 0}


def ignore_stop_signals() -> None:
    """In a child: a service manager's SIGTERM goes to every process; the run handles it.
    Its words are the run's language from then on (`BULK_SENDER_LANG`, set by `Child`)."""
    language.set_language(language.active())
    for name in ("SIGINT", "SIGTERM"):
        signal.signal(getattr(signal, name), signal.SIG_IGN)


class Child:
    """The process, and its pipes: pickles go in through `send`, come out of `stdout`."""

    def __init__(self, module: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", module],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            # The child words what it writes (a report's titles) in the run's language.
            env={**os.environ, language.ENV_VAR: language.active()},
            **_own_process_group(),
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

    def kill(self) -> None:
        """Kill the process if it still runs; its pipes stay open, to be read to their end."""
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()

    def stop(self) -> None:
        """Kill the process if it still runs, and close its pipes."""
        self.kill()
        for pipe in (self.process.stdin, self.process.stdout):
            if pipe is not None:
                with contextlib.suppress(OSError):
                    pipe.close()

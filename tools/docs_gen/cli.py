"""The command reference: every command's `--help`, walked from `bulk_sender.cli.parser`."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

from .common import COLUMNS, ROOT


def commands(parser: argparse.ArgumentParser | None = None) -> list[list[str]]:
    """Every command's words after `bulk-sender`, the top level (`[]`) first, in the order
    the parser declares them, subcommands after their command (`budget set`)."""
    if parser is None:
        from bulk_sender.cli.parser import build_parser

        parser = build_parser()
    found: list[list[str]] = [[]]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                found.extend([name, *rest] for rest in commands(sub))
    return found


def cli_help(words: list[str], lang: str) -> str:
    """`bulk-sender WORDS --help` as a user's terminal prints it, in `lang`."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("BULK_SENDER_", "PLAZBOT_")) and key not in ("LANG", "LANGUAGE")
    }
    pythonpath = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH", "")]))
    env.update(
        COLUMNS=COLUMNS, LINES="50", BULK_SENDER_LANG=lang, LC_ALL="C.UTF-8",
        PYTHONPATH=pythonpath, PYTHONIOENCODING="utf-8", NO_COLOR="1",
    )  # fmt: skip
    done = subprocess.run(
        [sys.executable, "-m", "bulk_sender", *words, "--help"],
        cwd=ROOT, env=env, capture_output=True, text=True, encoding="utf-8", check=False,
    )  # fmt: skip
    if done.returncode != 0:
        raise RuntimeError(f"bulk-sender {' '.join(words)} --help failed: {done.stderr}")
    return done.stdout.rstrip() + "\n"


def cli_reference(lang: str) -> str:
    """Markdown: one section per command, its help in a text block."""
    every = commands()
    with ThreadPoolExecutor(max_workers=2) as pool:
        helps = list(pool.map(lambda words: cli_help(words, lang), every))
    out = []
    for words, text in zip(every, helps, strict=True):
        name = " ".join(["bulk-sender", *words])
        anchor = "-".join(["bulk-sender", *words])
        out.append(f"## `{name}` {{#{anchor}}}\n\n```text\n{text}```\n")
    return "\n".join(out)

"""The page as a user runs it: `bulk-sender ui --no-browser` in its own process and folder."""

from __future__ import annotations

import shutil
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from ..conftest import ROOT, clean_env, start_printing_url


@dataclass
class UiProcess:
    """A running page: its address with the token, and the folder it works in."""

    url: str
    folder: Path
    process: subprocess.Popen[str]
    printed: tuple[str, str] | None = None

    @property
    def base(self) -> str:
        parts = urlsplit(self.url)
        return f"{parts.scheme}://{parts.netloc}"

    @property
    def port(self) -> int:
        return int(urlsplit(self.url).port or 0)

    @property
    def token(self) -> str:
        return parse_qs(urlsplit(self.url).query)["token"][0]

    def stop(self) -> tuple[str, str]:
        """Stop the page as a service manager would (SIGTERM); what it printed after its address."""
        if self.printed is None:
            self.process.terminate()
            try:
                out, err = self.process.communicate(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                out, err = self.process.communicate()
            self.printed = (out or "", err or "")
        return self.printed


def wait_until(check: Callable[[], object], what: str, timeout: float = 90) -> object:
    """Poll until `check()` is truthy; the timeout is a ceiling, never a measure of speed."""
    deadline = time.monotonic() + timeout
    while not (found := check()):
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what}")
        time.sleep(0.1)
    return found


class Client:
    """The page's JSON API through a session that carries the page's cookie, as the page does."""

    def __init__(self, page: UiProcess) -> None:
        self.page, self.session = page, requests.Session()
        self.session.get(page.url, timeout=10)

    def get(self, path: str) -> requests.Response:
        return self.session.get(f"{self.page.base}{path}", timeout=30)

    def post(self, path: str, body: object = None, files: object = None) -> requests.Response:
        return self.session.post(f"{self.page.base}{path}", json=body, files=files, timeout=60)

    def upload(self, path: Path, country: str = "PE") -> dict[str, object]:
        with path.open("rb") as f:
            answer = self.post(f"/api/upload?country={country}", files={"file": (path.name, f)})
        assert answer.status_code == 200, answer.text
        return dict(answer.json())

    def run(self) -> dict[str, Any]:
        return dict(self.get("/api/state").json()["run"])

    def finished(self) -> dict[str, Any]:
        """Wait for the run's end; its snapshot."""
        wait_until(lambda: self.run()["state"] in ("finished", "failed"), "the end of the run")
        return self.run()


def start_ui(folder: Path, env: dict[str, str] | None = None) -> UiProcess:
    """Start the page in `folder` (with the project's templates) and read the address it prints."""
    folder.mkdir(parents=True, exist_ok=True)
    if not (folder / "templates").exists():
        shutil.copytree(ROOT / "templates", folder / "templates")
    url, process = start_printing_url(
        ["ui", "--no-browser"], "the page", cwd=folder, stderr=subprocess.PIPE,
        env=clean_env() | {"PYTHONPATH": str(ROOT)} | (env or {}),
    )  # fmt: skip
    return UiProcess(url, folder, process)


@pytest.fixture
def ui(tmp_path: Path) -> Iterator[Callable[..., UiProcess]]:
    """A factory: `ui()` or `ui(env={...})` starts a page; all are stopped after the test."""
    started: list[UiProcess] = []

    def factory(env: dict[str, str] | None = None, folder: Path | None = None) -> UiProcess:
        page = start_ui(folder or tmp_path / "work", env)
        started.append(page)
        return page

    yield factory
    for page in started:
        page.stop()

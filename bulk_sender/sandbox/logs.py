"""The server's two logs, JSON lines appended as things happen (docs/spec.md section 6).

`--log`: one line per delivered message, every 200 and every drop, never a refusal.
`--access-log`: one line per request, whatever the answer (tests count 429s with it).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any


class Logs:
    """Both logs, opened when the server starts and closed when it stops."""

    def __init__(self, log: Path | None, access_log: Path | None) -> None:
        self._paths = log, access_log
        self._log: IO[str] | None = None
        self._access: IO[str] | None = None

    def open(self) -> None:
        self._log, self._access = (_open_append(path) for path in self._paths)

    def close(self) -> None:
        for log in (self._log, self._access):
            if log:
                log.close()

    def access(self, path: str, body: Any, status: int | None) -> None:
        """A request and its status (None: dropped after it was accepted)."""
        if self._access is None:
            return
        body = body if isinstance(body, dict) else {}
        line = {
            "time": datetime.now(UTC).isoformat(),
            "path": path,
            "status": status,
            "dropped": status is None,
            "phone": body.get("recipientPhone") or body.get("destination"),
            "reference": body.get("externalReferenceId") or body.get("reference1"),
        }
        _append(self._access, line)

    def delivery(
        self, path: str, body: dict[str, Any], answer: dict[str, Any], *, dropped: bool
    ) -> None:
        """A message accepted: what it held and the ids it got."""
        if self._log is None:
            return
        data = answer["data"]
        line = {
            "time": datetime.now(UTC).isoformat(),
            "path": path,
            "phone": body.get("recipientPhone") or body.get("destination"),
            "content": body.get("content"),
            "template": body.get("template"),
            "variablesBody": body.get("variablesBody"),
            "variablesHeader": body.get("variablesHeader"),
            "reference": body.get("externalReferenceId") or body.get("reference1"),
            "id": (data.get("message") or {}).get("id") or data.get("conversationId"),
            "contactId": data.get("contactId"),
            "dropped": dropped,
        }
        if "sendType" in body:  # as it came: tests tell "2" from 2 and from no field at all
            line["sendType"] = body["sendType"]
        _append(self._log, line)


def _open_append(path: Path | None) -> IO[str] | None:
    if path is None:
        return None
    path.parent.mkdir(parents=True, exist_ok=True)
    return path.open("a", encoding="utf-8")


def _append(log: IO[str], line: dict[str, Any]) -> None:
    log.write(json.dumps(line, ensure_ascii=False) + "\n")
    log.flush()

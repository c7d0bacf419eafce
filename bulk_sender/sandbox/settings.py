"""The bundled server's settings: one frozen value, built by `bulk-sender serve` and by tests."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True, slots=True)
class ServerSettings:
    """The flags of `bulk-sender serve`."""

    host: str = "127.0.0.1"
    port: int = 8080
    workspace: str = "sandbox"
    api_key: str | None = field(default=None, repr=False)
    """When set, requests need `Authorization: Bearer <api_key>` (401 otherwise)."""
    latency_ms: float = 0.0
    rate_limit: float = 0.0
    unavailable_rate: float = 0.0
    error_rate: float = 0.0
    drop_rate: float = 0.0
    closed_window_rate: float = 0.0
    """Share of phones outside WhatsApp's 24-hour window: free text to them gets 400 (131047)."""
    not_on_whatsapp_rate: float = 0.0
    """Share of phones without WhatsApp: anything to them gets 400 (131026)."""
    seed: int | None = None
    log: Path | None = None
    """Appends one JSON line per delivered message: every 200 and every drop."""
    access_log: Path | None = None
    """Appends one JSON line per request, whatever the answer (429s included)."""

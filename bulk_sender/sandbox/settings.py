"""The bundled server's settings: one frozen value, built by `bulk-sender serve` and by tests."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ConfigError
from ..language import _
from .whatsapp import REFUSALS, TRANSIENT


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
    whatsapp_errors: tuple[tuple[str, float], ...] = ()
    """Meta's error codes and the share answered with each, e.g. `(("131049", 0.02),)`.

    131026, 131050, 130472 and 131049 (both endpoints) and 131047 (free text only) refuse a
    share of phones, the same on every try, with 400. 130429 and 131056 refuse a share of
    requests with 429 and `Retry-After` 1 and 6, so a retry can get through. 131026 and 131047
    here add to `not_on_whatsapp_rate` and `closed_window_rate` (the larger share counts).
    """
    reply_rate: float = 0.0
    """Share of phones messaged whose customer replies, 5 s after the first message to them."""
    stop_rate: float = 0.0
    """Share of phones messaged whose reply asks to stop ("BAJA", "STOP", "Sair da lista"...);
    part of `reply_rate`, so never more than it."""
    blocked_rate: float = 0.0
    """Share of phones messaged whose contact shows `blocked: true` (sends still succeed)."""
    tier: int = 0
    """WhatsApp's daily limit of different customers in any 24 hours; past it, a message to a
    new customer is refused (131048). 0: no limit."""
    lookups: bool = True
    """Keep every accepted message in memory for the read endpoints; False answers those 404,
    as a Plazbot without them would, and keeps nothing (for very long rehearsals)."""
    seed: int | None = None
    log: Path | None = None
    """Appends one JSON line per delivered message: every 200 and every drop."""
    access_log: Path | None = None
    """Appends one JSON line per request, whatever the answer (429s included)."""

    def __post_init__(self) -> None:
        codes = [code for code, _ in self.whatsapp_errors]
        for code in codes:
            if code not in REFUSALS:
                known = ", ".join(sorted(REFUSALS))
                raise ConfigError(
                    _("whatsapp_errors: {code} is not a code it knows ({known})").format(
                        code=code, known=known
                    )
                )
        if len(set(codes)) < len(codes):
            raise ConfigError(_("whatsapp_errors: a code is given twice"))
        shares = [("reply_rate", self.reply_rate), ("stop_rate", self.stop_rate),
                  ("blocked_rate", self.blocked_rate), *self.whatsapp_errors]  # fmt: skip
        for name, share in shares:
            if not 0.0 <= share <= 1.0:
                raise ConfigError(
                    _("{name}: {share} is not a share between 0 and 1").format(
                        name=name, share=share
                    )
                )
        if self.stop_rate > self.reply_rate:
            raise ConfigError(_("stop_rate is part of reply_rate: it cannot be larger"))
        if sum(dict(self.whatsapp_errors).get(code, 0.0) for code in TRANSIENT) > 1.0:
            raise ConfigError(_("whatsapp_errors: 130429 and 131056 add up to more than 1"))

    def refusal_shares(self) -> dict[str, float]:
        """Each WhatsApp error code's share, the older two rates included."""
        shares = dict(self.whatsapp_errors)
        for code, rate in (("131026", self.not_on_whatsapp_rate),
                           ("131047", self.closed_window_rate)):  # fmt: skip
            shares[code] = max(shares.get(code, 0.0), rate)
        return shares

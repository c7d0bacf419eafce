"""The page's door: loopback only, a secret token, and Host and Origin checked.

As Jupyter does: the URL printed in the terminal carries a random token; the first request
with it gets a cookie, so the page's own requests carry it afterwards. The `Host` header
must name this loopback port (a DNS-rebinding site would send its own name) and a present
`Origin` must be this page (another site's script would send its own). Anything else: 403.
"""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable

from aiohttp import web

from ..language import LANGUAGES, N_, translations

TOKEN_PARAM = "token"
FORBIDDEN = N_("Open the address that `bulk-sender ui` printed in its terminal.")
LOOPBACK_NAMES = ("127.0.0.1", "localhost")
# A scripted page can only load what the package serves; nothing runs inline.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def new_token() -> str:
    return secrets.token_urlsafe(32)


def cookie_name(port: int) -> str:
    """Cookies ignore ports: two pages on one laptop must not overwrite each other's."""
    return f"bulk_sender_token_{port}"


class Door:
    """Decides whether a request may in; the port is known once the site has started."""

    def __init__(self, token: str) -> None:
        self.token = token
        self.port = 0

    def allowed_hosts(self) -> set[str]:
        return {f"{name}:{self.port}" for name in LOOPBACK_NAMES}

    def refusal(self, request: web.Request) -> str | None:
        """Why this request is refused, or None to let it in."""
        if (request.headers.get("Host") or "").lower() not in self.allowed_hosts():
            return "wrong Host header"
        origin = request.headers.get("Origin")
        if origin is not None and origin.lower() not in {
            f"http://{host}" for host in self.allowed_hosts()
        }:
            return "request from another web site"
        if not self._has_token(request):
            return "missing or wrong token"
        return None

    def _has_token(self, request: web.Request) -> bool:
        given = request.query.get(TOKEN_PARAM) or request.cookies.get(cookie_name(self.port), "")
        return secrets.compare_digest(given.encode(), self.token.encode())

    @web.middleware
    async def middleware(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        why = self.refusal(request)
        if why is not None:
            # Before the page's language is known, and to anyone: in all three.
            said = [translations(lang).gettext(FORBIDDEN) for lang in LANGUAGES]
            return web.Response(status=403, text=f"Forbidden: {why}. " + " / ".join(said))
        if TOKEN_PARAM in request.query:
            # The token leaves the address bar (and history, and screenshots) for a cookie.
            redirect = web.Response(status=302, headers={"Location": request.rel_url.path})
            self._set_cookie(redirect)
            return redirect
        response = await handler(request)
        response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers.setdefault("Cache-Control", "no-store")
        return response

    def _set_cookie(self, response: web.StreamResponse) -> None:
        response.set_cookie(
            cookie_name(self.port), self.token, httponly=True, samesite="Strict", path="/"
        )

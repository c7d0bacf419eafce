"""The page's door over real HTTP: token, cookie, Host and Origin (bulk_sender/ui/security.py)."""

from __future__ import annotations

import requests

from bulk_sender.ui.security import CONTENT_SECURITY_POLICY, cookie_name


def test_the_printed_address_sets_a_cookie_and_leaves_the_token_out_of_the_address_bar(ui):
    page = ui()

    first = requests.get(page.url, allow_redirects=False, timeout=10)

    assert page.url.startswith("http://127.0.0.1:")
    assert first.status_code == 302
    assert first.headers["Location"] == "/"
    assert first.cookies[cookie_name(page.port)] == page.token
    assert "samesite=strict" in first.headers["Set-Cookie"].lower()
    assert "httponly" in first.headers["Set-Cookie"].lower()
    session = requests.Session()
    home = session.get(page.url, timeout=10)
    assert home.status_code == 200
    assert home.url == f"{page.base}/"
    assert home.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert session.get(f"{page.base}/api/state", timeout=10).json()["run"]["state"] == "idle"


def test_requests_without_the_right_token_are_refused(ui):
    page = ui()

    for address in (f"{page.base}/", f"{page.base}/api/state", f"{page.base}/static/app.js"):
        assert requests.get(address, timeout=10).status_code == 403
    wrong = requests.get(f"{page.base}/?token=not-{page.token}", timeout=10)
    assert wrong.status_code == 403
    assert "bulk-sender ui" in wrong.text
    stolen_name = {cookie_name(page.port + 1): page.token}  # another page's cookie
    assert (
        requests.get(f"{page.base}/api/state", cookies=stolen_name, timeout=10).status_code == 403
    )


def test_another_site_cannot_drive_the_page_even_with_the_cookie(ui):
    page = ui()
    cookies = {cookie_name(page.port): page.token}

    def status(**headers: str) -> int:
        answer = requests.post(
            f"{page.base}/api/stop", json={}, cookies=cookies, headers=headers, timeout=10
        )
        return answer.status_code

    assert status() == 200
    assert status(Origin=page.base) == 200
    assert status(Origin=f"http://localhost:{page.port}", Host=f"localhost:{page.port}") == 200
    assert status(Origin="http://evil.example") == 403
    assert status(Origin=f"http://127.0.0.1:{page.port + 1}") == 403
    assert status(Origin="null") == 403
    # DNS rebinding: the attacker's name resolves to 127.0.0.1, the browser sends its Host.
    assert status(Host=f"evil.example:{page.port}") == 403
    assert status(Host="127.0.0.1") == 403


def test_the_page_says_whether_credentials_are_set_and_never_shows_them(ui, tmp_path):
    folder = tmp_path / "work"
    folder.mkdir()
    (folder / ".env").write_text("PLAZBOT_API_KEY=key-from-dotenv-77\n", encoding="utf-8")
    page = ui(env={"PLAZBOT_WORKSPACE_ID": "ws-secret-4242"}, folder=folder)
    session = requests.Session()
    session.get(page.url, timeout=10)

    state = session.get(f"{page.base}/api/state", timeout=10)
    everything = [state.text] + [
        session.get(f"{page.base}{path}", timeout=10).text
        for path in ("/", "/static/app.js", "/api/campaigns")
    ]

    assert state.json()["credentials"] == {
        "workspace": True, "api_key": True, "api_url": "https://api.plazbot.com"
    }  # fmt: skip
    assert not [text for text in everything if "ws-secret-4242" in text]
    assert not [text for text in everything if "key-from-dotenv-77" in text]

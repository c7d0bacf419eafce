"""The page driven in a real browser (headless Chromium through Selenium), as a user would.

Chromium and its driver come from Debian's packages (`.ci/run` installs them); Selenium is
pointed at them, so nothing is downloaded. Screenshots of the steps go to the folder named by
BULK_SENDER_SCREENSHOTS when set (the README's come from here: `docs/`).
"""

from __future__ import annotations

import collections
import os
import shutil
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support import expected_conditions as shown
from selenium.webdriver.support.ui import Select, WebDriverWait

from ..conftest import ROOT, report_rows, run_cli

# Every control a keyboard or a screen reader reaches has a name: a label, an aria-label or text.
UNLABELLED = """return [...document.querySelectorAll("input, select, textarea, button")]
    .filter((e) => !(e.labels && e.labels.length) && !e.getAttribute("aria-label")
                   && !e.textContent.trim())
    .map((e) => e.outerHTML);"""
CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
SAMPLE = ROOT / "sample_data" / "clientes.csv"
WAIT = 90  # seconds: a ceiling on a wait for the page, never a measure of speed
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage", "--window-size=1000,760", "--lang=es-PE")  # fmt: skip


class Page:
    """The browser on the page, with the waits the tests need."""

    def __init__(self, driver: WebDriver, downloads: Path) -> None:
        self.driver, self.downloads = driver, downloads
        self.shots = os.environ.get("BULK_SENDER_SCREENSHOTS")

    def wait(self, condition: Callable[[WebDriver], object], timeout: float = WAIT) -> object:
        # The page redraws its counts at every update: an element may go stale mid-read.
        waiting = WebDriverWait(self.driver, timeout, poll_frequency=0.2,
                                ignored_exceptions=(StaleElementReferenceException,))  # fmt: skip
        return waiting.until(condition)

    def find(self, css: str) -> object:
        return self.wait(shown.presence_of_element_located((By.CSS_SELECTOR, css)))

    def visible(self, css: str) -> object:
        return self.wait(shown.visibility_of_element_located((By.CSS_SELECTOR, css)))

    def text_in(self, css: str, text: str) -> None:
        self.wait(shown.text_to_be_present_in_element((By.CSS_SELECTOR, css), text))

    def click(self, css: str) -> None:
        self.wait(shown.element_to_be_clickable((By.CSS_SELECTOR, css))).click()

    def text(self, css: str) -> str:
        return str(self.driver.find_element(By.CSS_SELECTOR, css).text)

    def shot(self, name: str) -> None:
        if self.shots:
            Path(self.shots).mkdir(parents=True, exist_ok=True)
            self.driver.save_screenshot(str(Path(self.shots) / f"{name}.png"))

    def choose_contacts(self, path: Path, country: str = "PE") -> None:
        self.find("#country").send_keys(country)
        self.find("#file").send_keys(str(path))
        self.text_in("#contacts-summary", f"{path.name}: ")

    def choose_template(self, name: str) -> None:
        self.click("[data-goto=message]")
        Select(self.visible("#template")).select_by_value(name)
        self.visible("#preview .bubble")

    def scroll_to(self, css: str) -> None:
        """Bring an element to the top of the window (for a screenshot of what matters)."""
        self.driver.execute_script("arguments[0].scrollIntoView()", self.find(css))

    def count(self, key: str) -> int:
        text = self.text(f"#progress-counts dd[data-count={key}]")
        return int(text) if text.isdigit() else 0


@pytest.fixture
def browser(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Page]:
    if not (CHROMIUM.is_file() and CHROMEDRIVER.is_file()):
        pytest.skip("Chromium is not installed (Debian: apt-get install chromium chromium-driver)")
    monkeypatch.setenv("SE_OFFLINE", "true")  # Selenium Manager must never fetch a browser
    downloads = tmp_path / "downloads"
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in (*FLAGS, f"--user-data-dir={tmp_path / 'profile'}"):
        options.add_argument(flag)
    options.add_experimental_option("prefs", {
        "intl.accept_languages": "es-PE,es", "download.default_directory": str(downloads),
        "download.prompt_for_download": False,
    })  # fmt: skip
    driver = webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)), options=options)
    try:
        yield Page(driver, downloads)
    finally:
        driver.quit()


def test_a_sandbox_campaign_from_the_file_to_the_downloaded_report(ui, browser):
    page = ui()
    browser.driver.get(page.url)

    browser.choose_contacts(SAMPLE)
    browser.text_in("#contacts-summary", "50 filas")
    assert "Teléfono (detectada)" in browser.text("#phone-column")
    assert "+51952880483" in browser.text("#first-rows")
    browser.shot("ui-1-contacts")

    # A message of one's own: WhatsApp's marks become formatting, HTML stays text.
    browser.click("[data-goto=message]")
    browser.click("input[name=kind][value=message]")
    browser.find("#message").send_keys("*Hola* {{ nombre|first_name }} <b>x</b>")
    browser.text_in("#preview .bubble .text", "<b>x</b>")
    assert browser.text("#preview .bubble strong") == "Hola"
    assert not browser.driver.find_elements(By.CSS_SELECTOR, "#preview .bubble b")

    browser.click("input[name=kind][value=template]")
    Select(browser.visible("#template")).select_by_value("pedido_enviado")
    browser.text_in("#preview .bubble", "PED-10450")
    browser.text_in("#preview-status", "43 listo")
    browser.visible("#problem-rows tbody tr")
    browser.scroll_to("#kind-template")
    browser.shot("ui-2-message")
    assert browser.driver.execute_script(UNLABELLED) == []

    browser.click("[data-goto=send]")
    browser.click("#send-sandbox")
    browser.visible("#step-result")
    browser.text_in("#result-summary", "clientes-pedido_enviado-sandbox")
    report = page.folder / "reports" / "clientes-pedido_enviado-sandbox.xlsx"
    rows = report_rows(report)
    statuses = collections.Counter(str(r["result_status"]) for r in rows)
    assert statuses["sent"] == 43
    bars = browser.driver.find_elements(By.CSS_SELECTOR, "#chart svg rect")
    assert len(bars) == len(statuses)
    Select(browser.find("#status-filter")).select_by_value("invalid")
    browser.wait(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#result-rows tbody tr"))
                 == statuses["invalid"])  # fmt: skip
    reasons = [e.text for e in browser.driver.find_elements(
        By.CSS_SELECTOR, "#result-rows tbody td:nth-child(4)")]  # fmt: skip
    assert "sin teléfono: the phone cell is empty" in reasons  # the codes in the page's language
    assert any(reason.startswith("teléfono inválido: ") for reason in reasons), reasons
    browser.shot("ui-4-result")

    browser.click("#download")
    downloaded = browser.downloads / report.name
    browser.wait(
        lambda d: downloaded.is_file() and not list(browser.downloads.glob("*.crdownload"))
    )
    assert report_rows(downloaded) == rows

    browser.click("[data-step=campaigns]")
    browser.text_in("#campaign-rows", "clientes-pedido_enviado-sandbox")
    browser.text_in("#campaign-rows", "43 enviado")
    browser.shot("ui-5-campaigns")


def test_a_wrong_token_gets_no_page(ui, browser):
    page = ui()

    browser.driver.get(f"{page.base}/?token=guessed")

    browser.text_in("body", "Forbidden")
    assert not browser.driver.find_elements(By.ID, "file")


def test_stop_in_the_middle_then_resume_sends_each_message_once(ui, browser, serve, tmp_path):
    plazbot = serve("--latency-ms", "200")
    page = ui(env={"PLAZBOT_API_URL": plazbot.url, "PLAZBOT_WORKSPACE_ID": "sandbox"})
    browser.driver.get(page.url)
    browser.choose_contacts(SAMPLE)
    browser.choose_template("recordatorio_cita")
    browser.text_in("#preview-status", " listo")
    ready = int(browser.text("#preview-status").split(" listo")[0].split()[-1])

    browser.click("[data-goto=send]")
    rate = browser.visible("#rate")
    rate.clear()
    rate.send_keys("4")
    browser.click("#send-live")
    browser.visible("#confirm")
    assert browser.text("#confirm-text") == (
        f"¿Enviar {ready} mensajes a {ready} teléfonos por {plazbot.url} (live)?"
    )
    browser.click("#confirm-yes")
    browser.wait(lambda d: browser.count("sent") >= 2)
    # Closing the tab does not stop the run: the page opened again shows it going on.
    browser.driver.get(f"{page.base}/")
    browser.visible("#progress-box")
    browser.wait(lambda d: browser.count("sent") >= 3)
    browser.shot("ui-3-send")
    browser.click("#stop")

    browser.visible("#step-result")
    browser.visible("#resume")
    browser.text_in("#result-summary", "pendiente")
    browser.shot("ui-6-stopped")
    report = page.folder / "reports" / "clientes-recordatorio_cita.xlsx"
    first = collections.Counter(str(r["result_status"]) for r in report_rows(report))
    assert first["pending"] > 0
    assert first["sent"] == len(plazbot.deliveries())

    browser.click("#resume")
    browser.visible("#confirm")
    browser.text_in("#confirm-text", f"¿Enviar {first['pending']} mensajes")
    browser.click("#confirm-yes")
    for _ in range(3):  # reloads while it sends, each leaving a stream half-written
        browser.wait(lambda d: browser.count("sent") > 0)
        browser.driver.refresh()
    browser.text_in("#result-summary", f"{ready} enviado")

    final = collections.Counter(str(r["result_status"]) for r in report_rows(report))
    assert final["sent"] == ready
    assert final["pending"] == 0
    deliveries = plazbot.deliveries()
    references = collections.Counter(str(d["reference"]) for d in deliveries)
    assert len(deliveries) == ready
    assert references.most_common(1)[0][1] == 1
    # The reloads and the stop were ordinary use: the terminal shows the address, no traceback.
    out, err = page.stop()
    assert err == "" and "Traceback" not in out, (out, err)


def test_a_start_time_shows_the_wait_and_stop_leaves_every_row_pending(ui, browser):
    page = ui()
    browser.driver.get(page.url)
    browser.choose_contacts(SAMPLE)
    browser.choose_template("pedido_enviado")
    browser.click("#protection summary")  # "Protect your number" opens
    start = (datetime.now() + timedelta(days=1)).replace(hour=9, minute=0, second=0, microsecond=0)
    browser.driver.execute_script(  # a datetime-local field types differently in each locale
        "arguments[0].value = arguments[1]; arguments[0].dispatchEvent(new Event('input'));"
        "arguments[0].dispatchEvent(new Event('change'));",
        browser.visible("#not-before"), f"{start:%Y-%m-%dT%H:%M}",
    )  # fmt: skip

    browser.click("[data-goto=send]")
    browser.click("#send-sandbox")

    browser.text_in("#progress-label", f"Esperando hasta {start:%Y-%m-%d %H:%M} (faltan ")
    browser.shot("ui-7-waiting")
    browser.click("#stop")
    browser.visible("#step-result")
    browser.text_in("#result-summary", "pendiente")
    report = page.folder / "reports" / "clientes-pedido_enviado-sandbox.xlsx"
    statuses = collections.Counter(str(r["result_status"]) for r in report_rows(report))
    assert statuses["pending"] == 43 and statuses["sent"] == 0


def test_a_test_to_one_s_own_phone_touches_nothing_of_the_campaign(ui, browser):
    page = ui()
    browser.driver.get(page.url)
    browser.choose_contacts(SAMPLE)
    browser.choose_template("pedido_enviado")
    browser.click("[data-goto=send]")
    browser.visible("#test-to").send_keys("987 654 321")
    count = browser.visible("#test-count")
    count.clear()
    count.send_keys("2")

    browser.click("#test-sandbox")

    browser.wait(
        lambda d: len(d.find_elements(By.CSS_SELECTOR, "#test-results li.status-sent")) == 2
    )
    lines = [e.text for e in browser.driver.find_elements(By.CSS_SELECTOR, "#test-results li")]
    assert all(" a +51987654321: enviado" in line for line in lines), lines
    browser.shot("ui-8-test-send")
    campaign = [p.name for p in (page.folder / "reports").glob("clientes-pedido_enviado-sandbox*")]
    assert campaign == []  # neither the sandbox campaign's report nor its journal
    assert not browser.driver.find_element(By.ID, "send-form").get_attribute("hidden")


def test_a_campaign_left_uncertain_is_settled_and_its_replies_read_from_the_page(
    ui, browser, serve
):
    plazbot = serve("--drop-rate", "0.4", "--reply-rate", "0.5", "--stop-rate", "0.25",
                    "--seed", "6")  # fmt: skip
    env = {"PLAZBOT_WORKSPACE_ID": "sandbox"}
    page = ui(env=env)
    shutil.copy(SAMPLE, page.folder)
    sent = run_cli("send", "clientes.csv", "-t", "pedido_enviado", "--country", "PE", "--live",
                   "--yes", "--api-url", plazbot.url, "--read-timeout", "2", "--rate", "0",
                   cwd=page.folder, env=env)  # fmt: skip
    assert sent.returncode == 1, sent.stderr
    browser.driver.get(page.url)

    browser.click("[data-step=campaigns]")
    browser.click("#campaign-rows tbody button")
    browser.text_in("#result-summary", "incierto")
    browser.scroll_to("#settle")
    browser.shot("ui-7-uncertain")
    browser.click("#settle")
    browser.text_in("#follow-up", "encontrados en los registros de Plazbot")

    browser.wait(lambda d: "incierto" not in browser.text("#result-summary"))
    browser.click("#replies")
    browser.text_in("#follow-up", "pidieron no recibir más")
    browser.shot("ui-8-settled")
    report = page.folder / "reports" / "clientes-pedido_enviado.xlsx"
    statuses = collections.Counter(str(r["result_status"]) for r in report_rows(report))
    assert statuses["uncertain"] == 0 and statuses["sent"] == 43
    assert (page.folder / "optouts.csv").is_file()
    out, err = page.stop()
    assert err == "" and "Traceback" not in out, (out, err)


def test_the_send_step_asks_for_the_tier_and_shows_the_days_a_campaign_needs(ui, browser):
    page = ui()
    browser.driver.get(page.url)
    browser.choose_contacts(SAMPLE)
    browser.choose_template("pedido_enviado")

    browser.click("[data-goto=send]")
    browser.text_in("#budget-state", "Indique su nivel en WhatsApp")
    Select(browser.visible("#budget-tier")).select_by_value("250")
    browser.click("#budget-save")
    browser.text_in("#budget-state", "250 clientes en 24 horas: 0 usados, quedan 250.")
    browser.click("[data-step=message]")
    browser.text_in("#preview-status", " listo")
    Select(browser.visible("#template")).select_by_value("recordatorio_cita")  # a new preview
    browser.click("[data-goto=send]")
    browser.scroll_to("#budget-state")
    browser.shot("ui-9-budget")
    assert "quedan 250" in browser.text("#budget-state")

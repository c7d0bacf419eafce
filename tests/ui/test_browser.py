"""The page driven in a real browser (headless Chromium through Selenium), as a user would.

Chromium and its driver come from Debian's packages (`.ci/run` installs them); Selenium is
pointed at them, so nothing is downloaded. Screenshots of the steps go to the folder named by
BULK_SENDER_SCREENSHOTS when set (the README's come from here: `docs/`).
"""

from __future__ import annotations

import collections
import os
import re
import shutil
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support import expected_conditions as shown
from selenium.webdriver.support.ui import Select, WebDriverWait

from bulk_sender.language import shown_datetime, translations, use_language
from bulk_sender.ui.strings import SCRIPT_STRINGS, page_plurals, page_statuses

from ..conftest import ROOT, report_rows, run_cli
from .conftest import Client

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
ES = translations("es")


def count_text(language: str, status: str, n: int) -> str:
    """`43 enviadas`: a status's count as the catalog words it in `language`."""
    return translations(language).ngettext(f"{{n}} {status}", f"{{n}} {status}", n).format(n=n)


def plural_pattern(language: str, key: str) -> re.Pattern[str]:
    """Any form of one of the script's plural messages: `{n}` a number, other values text."""
    forms = sorted(set(page_plurals(language)["forms"][key]), key=len, reverse=True)
    return re.compile("|".join(_form_pattern(form) for form in forms))


def number_in(found: re.Match[str]) -> int:
    """The count a `plural_pattern` found (each form has its own group)."""
    return int(next(group for group in found.groups() if group is not None))


def _form_pattern(form: str) -> str:
    parts = re.split(r"(\{\w+\})", form)
    return "".join(
        r"(\d+)" if part == "{n}" else ".*?" if re.fullmatch(r"\{\w+\}", part)
        else re.escape(part) for part in parts
    )  # fmt: skip


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
def accept_languages() -> str:
    """The browser's languages; a test parametrizes it for another language."""
    return "es-PE,es"


@pytest.fixture
def browser(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, accept_languages: str
) -> Iterator[Page]:
    if not (CHROMIUM.is_file() and CHROMEDRIVER.is_file()):
        pytest.skip("Chromium is not installed (Debian: apt-get install chromium chromium-driver)")
    monkeypatch.setenv("SE_OFFLINE", "true")  # Selenium Manager must never fetch a browser
    downloads = tmp_path / "downloads"
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in (*FLAGS, f"--user-data-dir={tmp_path / 'profile'}"):
        options.add_argument(flag)
    options.add_experimental_option("prefs", {
        "intl.accept_languages": accept_languages, "download.default_directory": str(downloads),
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
    browser.text_in("#preview-status", count_text("es", "ready", 43))
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
    # The codes in the page's language, then the words the run wrote, in the page's language.
    no_phone = f"{ES.gettext('no phone')}: {ES.gettext('the phone cell is empty')}"
    assert no_phone in reasons, reasons
    assert any(reason.startswith(f"{ES.gettext('invalid phone')}: ") for reason in reasons)
    browser.shot("ui-4-result")

    browser.click("#download")
    downloaded = browser.downloads / report.name
    browser.wait(
        lambda d: downloaded.is_file() and not list(browser.downloads.glob("*.crdownload"))
    )
    assert report_rows(downloaded) == rows

    browser.click("[data-step=campaigns]")
    browser.text_in("#campaign-rows", "clientes-pedido_enviado-sandbox")
    browser.text_in("#campaign-rows", count_text("es", "sent", 43))
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
    ready_count = plural_pattern("es", "count_ready")
    browser.wait(lambda d: ready_count.search(browser.text("#preview-status")))
    ready = number_in(ready_count.search(browser.text("#preview-status")))

    browser.click("[data-goto=send]")
    rate = browser.visible("#rate")
    rate.clear()
    rate.send_keys("4")
    browser.click("#send-live")
    browser.visible("#confirm")
    phones = ES.ngettext("{n} phone", "{n} phones", ready).format(n=ready)
    assert browser.text("#confirm-text") == ES.ngettext(
        "Send {n} message to {phones} through {url} (live)?",
        "Send {n} messages to {phones} through {url} (live)?",
        ready,
    ).format(n=ready, phones=phones, url=plazbot.url)
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
    browser.wait(lambda d: plural_pattern("es", "count_pending").search(
        browser.text("#result-summary")))  # fmt: skip
    browser.shot("ui-6-stopped")
    report = page.folder / "reports" / "clientes-recordatorio_cita.xlsx"
    first = collections.Counter(str(r["result_status"]) for r in report_rows(report))
    assert first["pending"] > 0
    assert first["sent"] == len(plazbot.deliveries())

    browser.click("#resume")
    browser.visible("#confirm")
    pending = first["pending"]
    asked = ES.ngettext(
        "Send {n} message to {phones} through {url} (live)?",
        "Send {n} messages to {phones} through {url} (live)?", pending,
    )  # fmt: skip
    browser.text_in("#confirm-text", asked.split("{phones}")[0].format(n=pending))
    browser.click("#confirm-yes")
    for _ in range(3):  # reloads while it sends, each leaving a stream half-written
        browser.wait(lambda d: browser.count("sent") > 0)
        browser.driver.refresh()
    browser.text_in("#result-summary", count_text("es", "sent", ready))

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

    waiting = ES.gettext("Waiting until {until} ({left} left): {reason}")
    with use_language("es"):  # the time as the page's language writes it
        until = shown_datetime(start)
    browser.text_in("#progress-label", waiting.split("{left}")[0].format(until=until))
    browser.shot("ui-7-waiting")
    browser.click("#stop")
    browser.visible("#step-result")
    browser.text_in("#result-summary", count_text("es", "pending", 43))
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
    sent = ES.gettext("Row {row} to {phone}: {status}").split("{phone}")[1]
    assert all(f"+51987654321{sent.format(status=ES.gettext('sent'))}" in line
               for line in lines), lines  # fmt: skip
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
    uncertain = plural_pattern("es", "count_uncertain")
    browser.wait(lambda d: uncertain.search(browser.text("#result-summary")))
    browser.scroll_to("#settle")
    browser.shot("ui-7-uncertain")
    browser.click("#settle")
    found = plural_pattern("es", "settle_confirmed")
    browser.wait(lambda d: found.search(browser.text("#follow-up")))

    browser.wait(lambda d: not uncertain.search(browser.text("#result-summary")))
    browser.click("#replies")
    asked_to_stop = plural_pattern("es", "replies_asked_to_stop")
    browser.wait(lambda d: asked_to_stop.search(browser.text("#follow-up")))
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
    browser.text_in("#budget-state", ES.gettext(SCRIPT_STRINGS["budget_unknown"]))
    Select(browser.visible("#budget-tier")).select_by_value("250")
    browser.click("#budget-save")
    used, left = (ES.ngettext(f"{{n}} {word}", f"{{n}} {word}", n).format(n=n)
                  for word, n in (("used", 0), ("left", 250)))  # fmt: skip
    browser.text_in("#budget-state", ES.ngettext(
        "{n} customer in any 24 hours: {used}, {left}.",
        "{n} customers in any 24 hours: {used}, {left}.", 250,
    ).format(n=250, used=used, left=left))  # fmt: skip
    browser.click("[data-step=message]")
    ready = plural_pattern("es", "count_ready")
    browser.wait(lambda d: ready.search(browser.text("#preview-status")))
    Select(browser.visible("#template")).select_by_value("recordatorio_cita")  # a new preview
    browser.click("[data-goto=send]")
    browser.scroll_to("#budget-state")
    browser.shot("ui-9-budget")
    assert left in browser.text("#budget-state")


def english_left(language: str, text: str) -> list[str]:
    """The catalog's English words (two words or more between its placeholders) that `text`
    shows although `language` words that message differently."""
    path = ROOT / "bulk_sender" / "locale" / language / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as f:
        catalog = read_po(f, locale=language)
    left = set()
    for message in catalog:
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        forms = message.string if isinstance(message.string, tuple) else (message.string,)
        if not message.id or not all(forms):
            continue  # untranslated: another check's (tests/test_catalog.py)
        for english in ids:
            for words in re.split(r"\{\w+\}", english):
                words = words.strip(" :;,.()?¿")
                if (
                    len(words.split()) > 1
                    and words in text
                    and not any(words in form for form in forms)
                ):
                    left.add(words)
    return sorted(left)


def check_counts(language: str, text: str) -> int:
    """Every status count in `text` has the plural form the catalog gives its number."""
    checked = 0
    for status in page_statuses()["order"]:
        for found in plural_pattern(language, f"count_{status}").finditer(text):
            assert found.group(0) == count_text(language, status, number_in(found)), text
            checked += 1
    return checked


def read_all_in(language: str, browser: Page) -> str:
    text = str(browser.driver.execute_script("return document.body.innerText"))
    assert english_left(language, text) == [], text
    return text


@pytest.mark.parametrize(
    ("accept_languages", "language"), [("pt-BR,pt", "pt_BR"), ("es-PE,es", "es")]
)
def test_a_preview_and_a_sandbox_send_read_in_the_browser_s_language(
    ui, browser, accept_languages, language
):
    words = translations(language)
    page = ui()  # started in English: the browser's language wins
    browser.driver.get(page.url)
    html = browser.driver.find_element(By.TAG_NAME, "html")
    assert html.get_attribute("lang") == language.replace("_", "-")

    # The script's plural choice (the browser's CLDR rules) is the catalog's for every number.
    for n in (0, 1, 2, 5, 21, 100, 1_000_000, 2_000_000):
        shown = browser.driver.execute_script("return tn('count_sent', arguments[0])", n)
        assert shown == count_text(language, "sent", n), n
    browser.choose_contacts(SAMPLE)
    browser.text_in("#contacts-summary", words.ngettext(
        "{name}{sheet}: {n} row.", "{name}{sheet}: {n} rows.", 50
    ).format(name=SAMPLE.name, sheet="", n=50))  # fmt: skip
    read_all_in(language, browser)

    browser.choose_template("pedido_enviado")
    browser.text_in("#preview .bubble", "ya salió de nuestro almacén")  # not the first template
    distinct = plural_pattern(language, "distinct")
    browser.wait(lambda d: distinct.search(browser.text("#preview-status")))
    status = browser.text("#preview-status")
    assert check_counts(language, status) >= 3, status  # ready, invalid, duplicate
    assert count_text(language, "ready", 43) in status, browser.text("#problem-rows")
    assert count_text(language, "duplicate", 1) in status  # the singular
    n = number_in(distinct.search(status))
    assert words.ngettext("{n} different text", "{n} different texts", n).format(n=n) in status
    browser.visible("#problem-rows tbody tr")
    reasons = [e.text for e in browser.driver.find_elements(
        By.CSS_SELECTOR, "#problem-rows tbody td:nth-child(3)")]  # fmt: skip
    assert any(r.startswith(f"{words.gettext('invalid phone')}: ") for r in reasons), reasons
    read_all_in(language, browser)

    browser.click("[data-goto=send]")
    read_all_in(language, browser)
    browser.click("#send-sandbox")
    browser.visible("#step-result")
    campaign = "clientes-pedido_enviado-sandbox"
    browser.text_in("#result-summary", campaign)
    found = Client(page).get(f"/api/campaigns/{campaign}/rows").json()
    counts = ", ".join(
        count_text(language, s, found["counts"][s])
        for s in page_statuses()["order"]
        if found["counts"].get(s)
    )
    assert browser.text("#result-summary") == words.ngettext(
        "Campaign {name}: {n} row: {counts}.",
        "Campaign {name}: {n} rows: {counts}.",
        found["row_count"],
    ).format(name=campaign, n=found["row_count"], counts=counts)
    assert count_text(language, "sent", 43) in counts
    assert count_text(language, "duplicate", 1) in counts
    text = read_all_in(language, browser)
    assert check_counts(language, text) >= 3
    if language == "pt_BR":
        browser.shot("page-pt")

    browser.click("[data-step=campaigns]")
    browser.text_in("#campaign-rows", count_text(language, "sent", 43))
    read_all_in(language, browser)


def test_the_language_switch_reloads_the_page_in_that_language_keeping_the_work(ui, browser):
    page = ui()
    browser.driver.get(page.url)  # the browser asks for Spanish
    browser.choose_contacts(SAMPLE)
    browser.choose_template("recordatorio_cita")
    heading = translations("es").gettext("2. Write the message")
    assert browser.text("#h-message") == heading

    Select(browser.visible("#language")).select_by_value("pt_BR")

    html = (By.TAG_NAME, "html")
    browser.wait(lambda d: d.find_element(*html).get_attribute("lang") == "pt-BR")
    pt = translations("pt_BR")
    browser.text_in("#h-message", pt.gettext("2. Write the message"))
    # What the user chose stays: the file, the template, the step; the preview in Portuguese.
    assert Select(browser.find("#template")).first_selected_option.get_attribute("value") == (
        "recordatorio_cita"
    )
    browser.wait(lambda d: plural_pattern("pt_BR", "distinct").search(
        browser.text("#preview-status")))  # fmt: skip
    read_all_in("pt_BR", browser)
    # The choice is remembered: the page opened again is in Portuguese.
    browser.driver.get(f"{page.base}/")
    browser.text_in("#h-contacts", pt.gettext("1. Choose the customers' file"))

    Select(browser.visible("#language")).select_by_value("en")
    browser.wait(lambda d: d.find_element(*html).get_attribute("lang") == "en")
    browser.text_in("#h-contacts", "1. Choose the customers' file")

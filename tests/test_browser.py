"""End to end in a real headless Chromium: code an answer by keyboard, reload, find it kept; upload an export.

Uses Debian's ``chromium`` (``make test`` installs it where it runs as root) through Playwright with
``executable_path``: no browser is downloaded. Screenshots of every page go to test-output/screenshots/.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from conftest import DATA, ROOT

from textmine.store import Store

SHOTS = ROOT / "test-output" / "screenshots"
DEMO_CODED = ROOT / "data" / "demo" / "coded" / "coded.csv"
PAGES = ["laes", "kod", "enighed", "traen", "eksport", "data"]


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    return None


@pytest.fixture(scope="module")
def browser():
    executable = _chromium()
    if executable is None:
        pytest.skip("Chromium findes ikke på maskinen (Debian-pakken 'chromium'); 'make test' installerer den, "
                    "hvor den kører som root. Browsertesten springes over.")
    sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright er ikke installeret: kør 'make test'")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=executable, args=[
            "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run"])
        yield b
        b.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """``streamlit run app.py`` on a free loopback port, with its own workspace and stores."""
    if not DEMO_CODED.exists():
        pytest.skip(f"{DEMO_CODED} findes ikke: kør 'make test' (den koder demoen først)")
    space = tmp_path_factory.mktemp("arbejde")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if not k.startswith("TEXTMINE_")}
    env["TEXTMINE_WORKSPACE"] = str(space)
    log = open(space / "streamlit.log", "w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(f"{url}/_stcore/health", timeout=1)
                break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail(f"streamlit startede ikke: {(space / 'streamlit.log').read_text()}")
        yield url, space
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        log.close()


def _page(browser, url: str):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.set_default_timeout(60_000)
    page.goto(url)
    return page


def _wait_idle(page) -> None:
    # Streamlit shows a running indicator while the script runs and skeletons until elements arrive.
    page.wait_for_timeout(500)
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
                           " && !document.querySelector('[data-testid=\"stSkeleton\"]')", timeout=60_000)
    page.wait_for_timeout(1000)   # tables draw on a canvas after their data arrives


def test_code_an_answer_by_keyboard_and_find_it_after_a_reload(browser, server):
    url, space = server
    page = _page(browser, f"{url}/kod")
    name = page.get_by_role("textbox", name="Dit navn")
    name.fill("Mette Larsen")
    name.press("Enter")
    heading = page.locator("h3").filter(has_text=re.compile(r"^Respondent \d+$")).first
    heading.wait_for()
    _wait_idle(page)
    respondent = heading.inner_text().removeprefix("Respondent ").strip()
    key = f"demo-2024:{respondent}:q8_kommentar"
    with Store(space / "demo-2024" / "store.sqlite") as store:
        suggested = store.current(key).themes          # the model's suggestion fills the form
    progress = page.get_by_text("af 59 kodet").first.inner_text()
    assert progress.endswith("0 af 59 kodet")

    # Keyboard only: focus the themes, type to filter, Enter to pick, Ctrl+Enter to save.
    themes = page.locator("[data-testid='stForm'] [data-testid='stMultiSelect'] input").first
    themes.focus()
    page.keyboard.type("Kurser")
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")
    page.keyboard.press("Control+Enter")
    page.get_by_text("1 af 59 kodet").first.wait_for()
    _wait_idle(page)

    page.reload()
    page.get_by_text("1 af 59 kodet").first.wait_for()    # kept after a reload, with a new session
    _wait_idle(page)
    assert page.get_by_text(f"Respondent {respondent}", exact=True).count() == 0
    page.screenshot(path=str(_shot("kod")), full_page=True)
    page.close()

    with Store(space / "demo-2024" / "store.sqlite") as store:
        decision = store.current(key)
    expected = suggested if "kurser_oplaeg" in suggested else (*suggested, "kurser_oplaeg")
    assert (decision.themes, decision.coder, decision.source) == (expected, "Mette Larsen", "human")
    assert decision.version == 2     # the model's suggestion, then Mette's decision


def test_upload_an_export_and_read_it(browser, server):
    url, _ = server
    page = _page(browser, f"{url}/data")
    page.get_by_text("Ny undersøgelse").wait_for()
    page.get_by_role("textbox", name="Navn", exact=True).fill("Sikkerhedskonsulent 2025 pilot")
    page.locator("[data-testid='stFileUploaderDropzoneInput']").first.set_input_files(str(DATA / "eksport-lille.csv"))
    page.get_by_text("eksport-lille.csv").wait_for()
    page.locator("[data-testid='stSelectbox']").filter(has_text="Spørgeskemadefinition").click()
    page.get_by_role("option", name="sikkerhedskonsulent-2024").click()
    page.get_by_role("button", name="Indlæs og kod").click()
    page.get_by_text("Undersøgelsen er oprettet og kodet: 7 rækker læst").wait_for(timeout=120_000)
    _wait_idle(page)
    page.screenshot(path=str(_shot("data")), full_page=True)
    page.close()


def test_every_page_renders_and_is_photographed(browser, server):
    url, _ = server
    for name in PAGES:
        if name == "data":
            continue   # photographed after the upload
        page = _page(browser, f"{url}/{'' if name == 'laes' else name}")   # Læs is the start page
        page.locator("h1").first.wait_for()
        _wait_idle(page)
        assert page.locator("[data-testid='stException']").count() == 0
        assert page.get_by_text("uventet fejl").count() == 0
        assert page.get_by_text("Page not found").count() == 0
        page.screenshot(path=str(_shot(name)), full_page=True)
        page.close()
    assert {p.stem for p in SHOTS.glob("*.png")} >= set(PAGES) - {"data"}


def _shot(name: str) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    return SHOTS / f"{name}.png"

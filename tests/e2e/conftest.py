"""Browser tests: the reporter's page in a real Chromium, driven by Selenium.

* ``live_url`` (one per test module): the app on a fresh, migrated SQLite
  database (a copy of tests/conftest.py's ``sqlite_template``) with the demo
  data loaded, served by werkzeug's ``make_server`` in a thread.
* ``browser`` (one per session, per xdist worker): headless Debian Chromium
  through ``/usr/bin/chromedriver``. Selenium Manager is never asked for
  anything (the driver path is given and ``SE_OFFLINE=true``), so nothing is
  downloaded. Without chromium or chromedriver every browser test is
  skipped, saying what to install (test_page_served.py runs regardless).
* ``page``: the browser on a freshly loaded ``/`` (no state from the test
  before), with ``window.alert``/``confirm``/``prompt`` recorded rather than
  shown, so a script injected through data is caught.
* ``site``: the same helpers on a blank tab, for tests that open other
  pages (``site.go("/quotes")``). ``Page.axe()`` runs axe-core (vendored in
  tests/e2e/assets/) on the page and returns its serious and critical
  violations; ``Page.assert_accessible()`` fails on any. ``Page.screenshot``
  saves under tests/e2e/screenshots/ (git-ignored; VERBATIM_E2E_SCREENSHOTS
  to choose another folder).
"""
from __future__ import annotations

import contextlib
import json
import os
import shutil
import tempfile
import threading
import urllib.error
import urllib.request

import pytest

os.environ.setdefault("SE_OFFLINE", "true")

CHROMIUM = os.environ.get("VERBATIM_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("VERBATIM_CHROMEDRIVER", "/usr/bin/chromedriver")
WAIT = float(os.environ.get("VERBATIM_E2E_WAIT", "15"))
HERE = os.path.dirname(os.path.abspath(__file__))
SCREENSHOTS = os.environ.get("VERBATIM_E2E_SCREENSHOTS") or os.path.join(HERE, "screenshots")
AXE_JS = os.path.join(HERE, "assets", "axe.min.js")

CHROME_ARGS = (
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
    "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--window-size=1360,1000", "--lang=en-GB",
)


def _missing_browser() -> str | None:
    missing = [p for p in (CHROMIUM, CHROMEDRIVER) if not (os.path.isfile(p) and os.access(p, os.X_OK))]
    if missing:
        return (f"browser tests need Chromium and its driver; missing: {', '.join(missing)} "
                "(install with: apt-get install -y chromium chromium-driver)")
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "browser tests need selenium (pip install -r requirements-dev.txt)"
    return None


# --- the server ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def live_app_config():
    """Settings for this module's app (override in a module to change them)."""
    return {}


@pytest.fixture(scope="module")
def live_app(sqlite_template, tmp_path_factory, live_app_config):
    """The app on its own copy of the migrated database, demo data loaded."""
    from app import create_app
    from app.db import get_engine

    path = tmp_path_factory.mktemp("e2e-db") / "verbatim.db"
    shutil.copyfile(sqlite_template, path)
    app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{path}", "LOG_LEVEL": "WARNING",
                      **live_app_config})
    result = app.test_cli_runner().invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    yield app
    get_engine(app).dispose()


@pytest.fixture(scope="module")
def live_url(live_app):
    """Base URL of the app served over HTTP on a free port, for this module."""
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="e2e-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture(scope="module")
def write_key(live_app):
    """A key with the write scope on this module's app (the secret itself)."""
    from app import auth
    from app.db import get_session

    with live_app.app_context():
        session = get_session()
        _, secret = auth.create_key(session, "e2e desk", ["write"])
        session.commit()
    return secret


def post_json(url: str, payload: dict, headers: dict | None = None, method: str = "POST") -> tuple[int, dict | None]:
    """Send JSON with the standard library; (status, parsed body or None)."""
    req = urllib.request.Request(url, data=json.dumps(payload).encode("utf-8"), method=method,
                                 headers={"Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(req, timeout=WAIT) as resp:
            status, raw = resp.status, resp.read()
    except urllib.error.HTTPError as exc:
        status, raw = exc.code, exc.read()
    try:
        return status, json.loads(raw or b"null")
    except ValueError:
        return status, None


# --- the browser ------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser():
    reason = _missing_browser()
    if reason:
        pytest.skip(reason)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="verbatim-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in CHROME_ARGS:
        options.add_argument(arg)
    options.add_argument(f"--user-data-dir={profile}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    service = Service(executable_path=CHROMEDRIVER)
    try:
        driver = webdriver.Chrome(service=service, options=options)
    except Exception as exc:
        shutil.rmtree(profile, ignore_errors=True)
        pytest.fail(f"Chromium is installed but could not be started: {type(exc).__name__}: {exc}"
                    .splitlines()[0], pytrace=False)
    driver.set_page_load_timeout(WAIT)
    driver.set_script_timeout(WAIT)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


_RECORD_DIALOGS = """
window.__dialogs = [];
window.alert = function (m) { window.__dialogs.push(['alert', String(m)]); };
window.confirm = function (m) { window.__dialogs.push(['confirm', String(m)]); return false; };
window.prompt = function (m) { window.__dialogs.push(['prompt', String(m)]); return null; };
"""


class Page:
    """The browser on the reporter's page, with a few helpers for the tests."""

    def __init__(self, driver, base_url: str):
        self.driver = driver
        self.base_url = base_url

    def go(self, path: str) -> "Page":
        """Load any page of the app and wait for it (and its scripts) to be ready."""
        from selenium.webdriver.support.ui import WebDriverWait

        self.driver.get(self.base_url + path)
        WebDriverWait(self.driver, WAIT).until(
            lambda d: d.execute_script("return document.readyState") == "complete")
        self.driver.execute_script(_RECORD_DIALOGS)
        return self

    def axe(self) -> list[dict]:
        """axe-core's serious and critical violations on the page as it is now (WCAG 2.1 A and AA)."""
        with open(AXE_JS, encoding="utf-8") as f:
            source = f.read()
        self.driver.execute_script(source + "\n;window.__axeLoaded = true;")
        self.driver.set_script_timeout(WAIT * 4)  # a long page on a loaded machine
        try:
            result = self._run_axe()
        finally:
            self.driver.set_script_timeout(WAIT)
        return [v for v in result if v.get("impact") in ("serious", "critical")]

    def _run_axe(self) -> list[dict]:
        return self.driver.execute_async_script("""
            var done = arguments[arguments.length - 1];
            axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']},
                               resultTypes: ['violations']})
              .then(function (r) { done(r.violations.map(function (v) {
                  return {id: v.id, impact: v.impact, help: v.help,
                          nodes: v.nodes.slice(0, 5).map(function (n) { return n.target.join(' ') + ': ' + n.failureSummary; })};
                })); }, function (e) { done([{id: 'axe-error', impact: 'critical', help: String(e), nodes: []}]); });
        """)

    def assert_accessible(self) -> None:
        violations = self.axe()
        assert violations == [], "\n".join(f"{v['id']} ({v['impact']}): {v['help']}\n  " + "\n  ".join(v["nodes"])
                                            for v in violations)

    def open(self, fragment: str = "") -> "Page":
        from selenium.webdriver.support import expected_conditions as EC
        from selenium.webdriver.support.ui import WebDriverWait

        self.driver.get(self.base_url + "/" + fragment)
        WebDriverWait(self.driver, WAIT).until(
            lambda d: d.execute_script("return document.readyState") == "complete"
            and d.execute_script("return !!window.Verbatim"))
        WebDriverWait(self.driver, WAIT).until(EC.element_to_be_clickable(("id", "tab-verify")))
        self.driver.execute_script(_RECORD_DIALOGS)
        self.driver.get_log("browser")  # start each test with an empty console log
        return self

    def find(self, css: str):
        return self.driver.find_element("css selector", css)

    def find_all(self, css: str):
        return self.driver.find_elements("css selector", css)

    def wait_for(self, css: str, timeout: float = WAIT):
        from selenium.webdriver.support import expected_conditions as EC
        from selenium.webdriver.support.ui import WebDriverWait

        return WebDriverWait(self.driver, timeout).until(EC.visibility_of_element_located(("css selector", css)))

    def wait_until(self, predicate, timeout: float = WAIT, message: str = ""):
        from selenium.webdriver.support.ui import WebDriverWait

        return WebDriverWait(self.driver, timeout).until(lambda d: predicate(), message)

    def fill(self, field_id: str, text: str) -> None:
        box = self.find(f"#{field_id}")
        box.clear()
        box.send_keys(text)

    def use_key(self, key: str) -> None:
        """Type the write key into the page's key box (kept in sessionStorage by static/site.js)."""
        self.wait_for("#write-key")
        self.fill("write-key", key)
        self.find("#write-key-form button[type=submit]").click()
        self.wait_until(lambda: "is set" in self.find("#write-key-state").text)

    def dialogs(self) -> list:
        return self.driver.execute_script("return window.__dialogs || []")

    def console_errors(self) -> list[str]:
        return [e["message"] for e in self.driver.get_log("browser") if e.get("level") == "SEVERE"]

    def screenshot(self, name: str) -> None:
        """Saved under SCREENSHOTS (git-ignored), for looking at what the test saw."""
        os.makedirs(SCREENSHOTS, exist_ok=True)
        self.driver.save_screenshot(os.path.join(SCREENSHOTS, f"{name}.png"))


@pytest.fixture
def site(browser, live_url):
    """The browser, for tests that open pages other than ``/``; storage cleared after."""
    browser.delete_all_cookies()
    yield Page(browser, live_url)
    browser.execute_script("try { sessionStorage.clear(); } catch (e) {}")


def set_value_attribute(driver, css: str, value: str) -> None:
    """Set a field's value attribute through DevTools (works with scripts off; no locale's date format)."""
    root = driver.execute_cdp_cmd("DOM.getDocument", {})["root"]["nodeId"]
    node = driver.execute_cdp_cmd("DOM.querySelector", {"nodeId": root, "selector": css})["nodeId"]
    driver.execute_cdp_cmd("DOM.setAttributeValue", {"nodeId": node, "name": "value", "value": value})


@contextlib.contextmanager
def javascript_off(driver):
    """Pages loaded inside the block run no script (Chromium's own switch, through DevTools)."""
    driver.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": True})
    try:
        yield
    finally:
        driver.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": False})


@pytest.fixture
def page(browser, live_url):
    browser.delete_all_cookies()
    p = Page(browser, live_url).open()
    yield p
    # The API key box keeps its value in sessionStorage, which outlives a page load.
    browser.execute_script("try { sessionStorage.clear(); } catch (e) {}")

"""/docs renders in a real browser under its Content-Security-Policy."""
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from .conftest import WAIT


def test_swagger_ui_renders_under_its_policy(browser, live_url):
    browser.get_log("browser")  # drop what earlier tests left
    browser.get(f"{live_url}/docs")
    WebDriverWait(browser, WAIT).until(EC.visibility_of_element_located(("css selector", ".opblock-tag")))
    tags = [e.text for e in browser.find_elements("css selector", ".opblock-tag")]
    assert any("quotes" in t.lower() for t in tags), tags
    errors = [e["message"] for e in browser.get_log("browser") if e.get("level") == "SEVERE"]
    assert not [m for m in errors if "Content Security Policy" in m or "Refused" in m], errors

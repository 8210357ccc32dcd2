"""What every page shares, in a real browser: the navigation, the 404 page, the accessibility check."""
from __future__ import annotations


def test_a_missing_page_is_an_html_page_with_a_way_home(site):
    site.go("/no-such-page")
    assert site.find("h1").text == "Page not found"
    home = site.find("main a.btn")
    assert home.get_attribute("href") == site.base_url + "/"
    assert site.find(".site-nav a.site-nav__docs")
    site.screenshot("site-404")
    site.assert_accessible()
    home.click()
    site.wait_for("#verify-form")


def test_the_accessibility_check_can_fail(site):
    """axe-core finds low contrast when there is some (so a clean result means something)."""
    site.go("/")
    site.driver.execute_script(
        "var p = document.createElement('p'); p.textContent = 'faint words'; p.style.color = '#bbbbbb';"
        "p.style.background = '#ffffff'; document.querySelector('main').appendChild(p);")
    ids = {v["id"] for v in site.axe()}
    assert "color-contrast" in ids


def test_the_navigation_marks_the_current_section(site):
    site.go("/")
    current = site.find_all(".site-nav a[aria-current=page]")
    assert [a.text for a in current] == ["Check"]

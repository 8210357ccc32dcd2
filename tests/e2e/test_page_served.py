"""GET / and its assets, through the test client (no browser needed)."""
from __future__ import annotations

import os
import re

import pytest

STATIC = os.path.join(os.path.dirname(__file__), "..", "..", "app", "static")
TEMPLATES = os.path.join(os.path.dirname(__file__), "..", "..", "app", "templates")


@pytest.fixture
def sqlite_app(sqlite_template, tmp_path):
    import shutil

    from app import create_app
    from app.db import get_engine

    path = tmp_path / "verbatim.db"
    shutil.copyfile(sqlite_template, path)
    app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{path}", "LOG_LEVEL": "WARNING"})
    yield app
    get_engine(app).dispose()


def test_the_page_is_html_with_a_strict_csp(sqlite_app):
    r = sqlite_app.test_client().get("/")
    assert r.status_code == 200 and r.mimetype == "text/html"
    csp = r.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "style-src 'self'" in csp and "unsafe" not in csp
    assert "frame-ancestors 'none'" in csp
    html = r.get_data(as_text=True)
    assert 'href="/docs"' in html
    assert 'data-verify-url="/api/v1/verify"' in html and 'data-articles-url="/api/v1/articles/check"' in html
    assert '<html lang="en">' in html and 'name="viewport"' in html
    # Every form control has a label.
    for field_id in re.findall(r'<(?:input|textarea)[^>]*\bid="([^"]+)"', html):
        assert f'for="{field_id}"' in html, field_id


def test_assets_are_versioned_and_cached_for_a_year(sqlite_app):
    client = sqlite_app.test_client()
    html = client.get("/").get_data(as_text=True)
    urls = re.findall(r'(?:src|href)="(/assets/[^"]+)"', html)
    assert {u.split("?")[0] for u in urls} == {"/assets/verbatim.js", "/assets/site.js", "/assets/verbatim.css",
                                              "/assets/pages.css", "/assets/favicon.svg"}
    for url in urls:
        assert re.search(r"\?v=[0-9a-f]{12}$", url), url
        r = client.get(url)
        assert r.status_code == 200, url
        assert "max-age=31536000" in r.headers["Cache-Control"]
        r.close()
    r = client.get("/assets/verbatim.js")  # unversioned: revalidated as usual
    assert "max-age=31536000" not in (r.headers.get("Cache-Control") or "")
    r.close()


def _read(*parts):
    with open(os.path.join(*parts), encoding="utf-8") as f:
        return f.read()


def test_nothing_is_loaded_from_another_site():
    texts = {name: _read(STATIC, name) for name in os.listdir(STATIC) if name.endswith((".js", ".css"))}
    texts.update({name: _read(TEMPLATES, name) for name in os.listdir(TEMPLATES) if name.endswith(".html")})
    for name, text in texts.items():
        # Links to other sites (<a href>, a source's page) are fine; nothing is loaded from one.
        assert not re.search(r"""<(?!a\s)[a-z]+[^>]*\b(src|href)\s*=\s*["']?(https?:)?//""", text), name
        assert not re.search(r"""\.src\s*=|\bsrc:\s*["'](https?:)?//""", text), name
        assert not re.search(r"url\(\s*['\"]?(https?:)?//", text), name
        assert "@import" not in text, name


def test_the_script_never_writes_markup():
    """Data goes into the page as text only: no innerHTML, outerHTML, insertAdjacentHTML, document.write."""
    for name in os.listdir(STATIC):
        if not name.endswith(".js"):
            continue
        js = _read(STATIC, name)
        for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function"):
            assert sink not in js, (name, sink)


def test_templates_never_mark_data_safe():
    """Jinja escapes everything the pages show; no template switches that off."""
    for name in os.listdir(TEMPLATES):
        html = _read(TEMPLATES, name)
        assert "|safe" not in html.replace(" ", "") and "autoescape false" not in html, name

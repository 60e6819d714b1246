"""In Chromium: clicking a figure opens its 2x PNG, also after instant navigation.

mkdocs-material's instant navigation only intercepts links to pages of its
sitemap. Version 9.8.2 moves the sitemap's URLs to the current scheme and host
name but not to the current port, so a site served on 127.0.0.1:8000 reloads every
page. The browser therefore loads the site at ``site_url`` itself. Playwright fulfils every
request under ``site_url`` from the built site folder, aborts and records every
other one, and Chromium's resolver fails every host name, so no request leaves the
machine. The test drives Debian's Chromium (package ``chromium``, or the binary
named by ``CHROMIUM``) and is skipped when that binary is missing.
"""

from __future__ import annotations

import mimetypes
import os
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from built_site import ROOT, build_site

pytestmark = pytest.mark.slow

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
SITE_URL = re.search(
    r"^site_url:\s*(\S+)", (ROOT / "mkdocs.yml").read_text(encoding="utf-8"), flags=re.M
).group(1)
LIGHTBOX_IMAGE = ".glightbox-container .gslide.current .gslide-image img"


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    return build_site(tmp_path_factory)


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.is_file():
        pytest.skip(f"Chromium not found at {CHROMIUM}; install Debian's chromium "
                    "package or set CHROMIUM to a Chromium binary.")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-gpu", "--host-resolver-rules=MAP * ~NOTFOUND"],
        )
        yield browser
        browser.close()


def _site_file(site: Path, url: str) -> Path | None:
    """Return the file of the built site that a URL under ``SITE_URL`` names."""
    relative = unquote(urlsplit(url).path)[len(urlsplit(SITE_URL).path):]
    path = site / relative
    if path.is_dir():
        path = path / "index.html"
    return path if path.is_file() and site.resolve() in path.resolve().parents else None


@pytest.fixture
def page(browser, site):
    """Return a page that loads the site at ``SITE_URL`` and records stray requests."""
    context = browser.new_context()
    page = context.new_page()
    page.errors = []
    page.external_requests = []

    def fulfil(route) -> None:
        url = route.request.url
        path = _site_file(site, url) if url.startswith(SITE_URL) else None
        if not url.startswith(SITE_URL):
            page.external_requests.append(url)
            route.abort()
        elif path is None:
            route.fulfill(status=404, body="not found")
        else:
            content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            route.fulfill(status=200, body=path.read_bytes(), content_type=content_type)

    context.route("**/*", fulfil)
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    yield page
    context.close()


def _open_lightbox(page, selector: str) -> str:
    """Click the figure link at ``selector`` and return the image the lightbox shows."""
    link = page.locator(selector).first
    link.scroll_into_view_if_needed()
    link.click()
    page.wait_for_selector(LIGHTBOX_IMAGE, timeout=10_000)
    source = page.locator(LIGHTBOX_IMAGE).get_attribute("src")
    page.keyboard.press("Escape")
    page.wait_for_selector(".glightbox-container", state="detached", timeout=10_000)
    return source


def test_article_figure_opens_png(page):
    page.goto(SITE_URL)
    source = _open_lightbox(page, "#figure-decision-regions-linear a.glightbox")
    assert source == f"{SITE_URL}figures/decision-regions-linear.png"
    assert page.errors == []
    assert page.external_requests == []


def test_lightbox_after_instant_navigation(page):
    page.goto(SITE_URL)
    page.evaluate("window.loadedOnce = true")
    # navigation.instant rewrites link targets to absolute URLs.
    page.locator('article a[href$="/figure-index/"]').first.click()
    page.wait_for_url(f"{SITE_URL}figure-index/")
    page.wait_for_selector("#figure-decision-regions-relu")
    assert page.evaluate("window.loadedOnce === true"), "the page was reloaded"
    source = _open_lightbox(page, "#figure-decision-regions-relu + figure a.glightbox")
    assert source == f"{SITE_URL}figures/decision-regions-relu.png"

    page.go_back()
    page.wait_for_url(SITE_URL)
    page.wait_for_selector("#figure-moons-training-data")
    source = _open_lightbox(page, "#figure-moons-training-data a.glightbox")
    assert source == f"{SITE_URL}figures/moons-training-data.png"
    assert page.errors == []
    assert page.external_requests == []

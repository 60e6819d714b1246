"""In Chromium: clicking a figure opens its 2x PNG, also after instant navigation.

The site is served on 127.0.0.1, at the root and under the GitHub Pages sub-path,
by ``browser_support.serve``, which rewrites the sitemap to the server's address so
that mkdocs-material's instant navigation handles link clicks as on the deployed
site. Every request that leaves the local server is aborted and fails the test.
"""

from __future__ import annotations

import pytest
from browser_support import assert_clean, open_recorded_page

pytestmark = pytest.mark.slow

LIGHTBOX_IMAGE = ".glightbox-container .gslide.current .gslide-image img"


@pytest.fixture
def recorded(browser, base_url):
    """Return a page and the record of its requests and errors."""
    context, page, record = open_recorded_page(browser, base_url)
    with context:
        yield page, record


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


def test_article_figure_opens_png(recorded, base_url):
    page, record = recorded
    page.goto(base_url)
    source = _open_lightbox(page, "#figure-decision-regions-linear a.glightbox")
    assert source == f"{base_url}figures/decision-regions-linear.png"
    assert_clean(record)


def test_lightbox_after_instant_navigation(recorded, base_url):
    page, record = recorded
    page.goto(base_url)
    page.evaluate("window.loadedOnce = true")
    # navigation.instant rewrites link targets to absolute URLs.
    page.locator('article a[href$="/figure-index/"]').first.click()
    page.wait_for_url(f"{base_url}figure-index/")
    page.wait_for_selector("#figure-decision-regions-relu")
    assert page.evaluate("window.loadedOnce === true"), "the page was reloaded"
    source = _open_lightbox(page, "#figure-decision-regions-relu + figure a.glightbox")
    assert source == f"{base_url}figures/decision-regions-relu.png"

    page.go_back()
    page.wait_for_url(base_url)
    page.wait_for_selector("#figure-moons-training-data")
    source = _open_lightbox(page, "#figure-moons-training-data a.glightbox")
    assert source == f"{base_url}figures/moons-training-data.png"
    assert_clean(record)

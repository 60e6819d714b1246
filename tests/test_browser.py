"""Open every page of the built site in Debian's Chromium and check what a reader sees.

Most tests run twice: with the site served at the root of 127.0.0.1 and under the
sub-path that GitHub Pages uses. The phone-width test runs at the root only,
because the layout does not depend on the path. Every request that leaves the
local server is aborted and fails the test. Screenshots of the article go to
``test-results/screenshots/`` for review.
"""

from __future__ import annotations

import html
import json
import re

import pytest
from browser_support import (
    assert_clean,
    FIGURE_BACKDROP_JS,
    IMAGES_JS,
    LOAD_IMAGES_JS,
    MATH_JS,
    OVERFLOW_JS,
    SCREENSHOT_DIR,
    VISIBLE_TEXT_JS,
    docs_page_paths,
    find_raw_tex,
    open_recorded_page,
    page_id,
    page_paths,
    parse_rgba,
    relative_luminance,
)

pytestmark = pytest.mark.slow

PAGES = docs_page_paths()
MATH_DISPLAYS = {"math", "inline math", "block math"}
PHONE = {"width": 375, "height": 812}
# Each span that joins inline math to its punctuation, unless it is styled
# nowrap and sits on a single line.
MATH_NOWRAP_JS = """
() => Array.from(document.querySelectorAll(".math-nowrap"))
  .filter(span => span.checkVisibility())
  .filter(span => getComputedStyle(span).whiteSpace !== "nowrap"
    || span.getClientRects().length !== 1)
  .map(span => span.textContent.trim().slice(-40))
"""


def _static_html(site, path: str) -> str:
    return (site / path / "index.html").read_text(encoding="utf-8")


def _title(page_html: str) -> str:
    return html.unescape(re.search(r"<title>(.*?)</title>", page_html, re.S).group(1))


def _check_page(page, record, expected_math: int) -> None:
    """Assert that images loaded, math rendered and the page stayed on 127.0.0.1."""
    page.evaluate(LOAD_IMAGES_JS)
    images = page.evaluate(IMAGES_JS)
    broken = [image["src"] for image in images
              if image["rendered"] and image["naturalWidth"] == 0]
    assert not broken, f"images that did not load: {broken}"

    formulas = page.evaluate(MATH_JS)
    assert len(formulas) == expected_math, (
        f"expected {expected_math} <math> elements as in the built HTML, "
        f"found {len(formulas)}"
    )
    not_math = [f"{item['tex']!r}: {item['display']}" for item in formulas
                if item["display"] not in MATH_DISPLAYS]
    assert not not_math, f"<math> not laid out as MathML (computed display): {not_math}"
    empty = [item["tex"] for item in formulas
             if not item["hidden"] and (item["width"] == 0 or item["height"] == 0)]
    assert not empty, f"formulas rendered with zero size: {empty}"

    raw_tex = find_raw_tex(page.evaluate(VISIBLE_TEXT_JS))
    assert not raw_tex, f"raw TeX left in the visible text: {raw_tex}"

    assert_clean(record)


def test_every_built_page_is_tested(site):
    built = set(page_paths(site))
    assert not built - set(PAGES), f"pages built from no file under docs/: {built - set(PAGES)}"
    assert not set(PAGES) - built, f"pages missing from the build: {set(PAGES) - built}"


@pytest.mark.parametrize("path", PAGES, ids=page_id)
def test_page_on_full_load(browser, site, base_url, path):
    context, page, record = open_recorded_page(browser, base_url)
    with context:
        response = page.goto(base_url + path, wait_until="load")
        assert response.status == 200, f"{base_url + path}: HTTP {response.status}"
        _check_page(page, record, _static_html(site, path).count("<math"))


def _nav_link(page, url: str):
    """Return the primary navigation's link to ``url``, its sections expanded."""
    links = page.locator("nav.md-nav--primary a.md-nav__link")
    hrefs = links.evaluate_all("links => links.map(link => link.href)")
    assert url in hrefs, f"no link to {url} in the navigation: {hrefs}"
    link = links.nth(hrefs.index(url))
    if not link.is_visible():
        toggles = link.evaluate(
            """link => {
              const ids = [];
              for (let item = link.closest(".md-nav__item--nested"); item;
                   item = item.parentElement.closest(".md-nav__item--nested")) {
                ids.unshift(item.querySelector(":scope > input.md-nav__toggle").id);
              }
              return ids;
            }"""
        )
        for toggle in toggles:
            page.locator(f'label.md-nav__link[for="{toggle}"]').click()
    return link


@pytest.mark.parametrize("path", PAGES, ids=page_id)
def test_page_after_instant_navigation(browser, site, base_url, path):
    start = "examples/moons/" if path == "" else ""
    context, page, record = open_recorded_page(browser, base_url)
    with context:
        # Instant navigation starts handling clicks once it has fetched the sitemap.
        page.goto(base_url + start, wait_until="networkidle")
        page.evaluate("window.fullLoadMarker = true")
        _nav_link(page, base_url + path).click()
        page.wait_for_url(base_url + path)
        title = _title(_static_html(site, path))
        page.wait_for_function("title => document.title === title", arg=title)
        reloaded = not page.evaluate("window.fullLoadMarker === true")
        assert not reloaded, "the click reloaded the page instead of navigation.instant"
        _check_page(page, record, _static_html(site, path).count("<math"))


@pytest.mark.parametrize("path", PAGES, ids=page_id)
def test_page_fits_phone_width(browser, root_url, path):
    context, page, record = open_recorded_page(
        browser, root_url, viewport=PHONE, is_mobile=True, has_touch=True
    )
    with context:
        response = page.goto(root_url + path, wait_until="load")
        assert response.status == 200, f"{root_url + path}: HTTP {response.status}"
        page.evaluate(LOAD_IMAGES_JS)
        layout = page.evaluate(OVERFLOW_JS, PHONE["width"])
        # A mobile browser zooms out to fit content wider than the screen, so a
        # wider window means the text no longer fits.
        assert layout["innerWidth"] == PHONE["width"], (
            f"the page is {layout['innerWidth']} px wide on a {PHONE['width']} px "
            f"screen; elements sticking out: {layout['offenders']}"
        )
        assert layout["scrollWidth"] <= layout["innerWidth"], (
            f"the page scrolls sideways at {PHONE['width']} px; elements sticking "
            f"out: {layout['offenders']}"
        )
        # Inline math and the punctuation after it stay on one line.
        broken = page.evaluate(MATH_NOWRAP_JS)
        assert not broken, f"inline math split from its punctuation: {broken}"
        if path == "":
            SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=SCREENSHOT_DIR / "article-phone.png", animations="disabled")
        assert not record.blocked, f"requests to other hosts: {record.blocked}"


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_figures_visible_in_scheme(browser, site, base_url, mount, scheme):
    context, page, record = open_recorded_page(browser, base_url, color_scheme=scheme)
    with context:
        page.goto(base_url, wait_until="load")
        page.evaluate(LOAD_IMAGES_JS)
        applied = page.get_attribute("body", "data-md-color-scheme")
        assert applied == {"light": "default", "dark": "slate"}[scheme]
        page_background = page.evaluate("getComputedStyle(document.body).backgroundColor")
        luminance = relative_luminance(page_background)
        if scheme == "dark":
            assert luminance < 0.1, f"dark scheme background is {page_background}"
        else:
            assert luminance > 0.9, f"light scheme background is {page_background}"

        figures = page.evaluate(FIGURE_BACKDROP_JS)
        assert len(figures) == _static_html(site, "").count('class="article-figure"')
        for figure in figures:
            assert figure["width"] > 100, f"{figure['src']} is drawn too small"
            if not figure["transparent"]:
                continue
            # Figures are drawn with dark ink, so transparent parts need a light,
            # opaque backdrop of their own in either scheme.
            backdrop = figure["imageBackground"]
            assert parse_rgba(backdrop)[3] == 1, (
                f"{figure['src']} has transparent pixels and no opaque background"
            )
            assert relative_luminance(backdrop) > 0.7, (
                f"{figure['src']} has transparent pixels over the dark {backdrop}"
            )
        if mount == "root":
            SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
            page.screenshot(
                path=SCREENSHOT_DIR / f"article-{scheme}.png", full_page=True, animations="disabled"
            )
            page.goto(base_url + "examples/moons/", wait_until="load")
            page.screenshot(
                path=SCREENSHOT_DIR / f"notebook-{scheme}.png", full_page=True, animations="disabled"
            )
        assert not record.blocked, f"requests to other hosts: {record.blocked}"


LINKED_URLS_JS = """
() => Array.from(document.querySelectorAll(
  "a[href], link[href], img[src], script[src], source[src], iframe[src]"
)).filter(element => !["canonical", "alternate"].includes(element.rel))
  .map(element => element.href || element.src)
"""


def test_links_and_assets_resolve(browser, base_url):
    context, page, record = open_recorded_page(browser, base_url)
    with context:
        linked: dict[str, str] = {}
        for path in PAGES:
            page.goto(base_url + path, wait_until="load")
            for url in page.evaluate(LINKED_URLS_JS):
                linked.setdefault(url.split("#")[0], path or "article")
        local = {url: source for url, source in linked.items() if record.is_local(url)}
        outside = [f"{url} (on {source})" for url, source in local.items()
                   if not url.startswith(base_url)]
        assert not outside, f"links that leave the site's folder {base_url}: {outside}"
        broken = []
        for url, source in sorted(local.items()):
            response = context.request.head(url)
            if response.status != 200:
                broken.append(f"{url} (on {source}): HTTP {response.status}")
        assert not broken, f"links that do not resolve: {broken}"
        assert len(local) > 50, f"only {len(local)} local links found; the crawl failed"


def test_notebook_download_button(browser, base_url):
    context, page, record = open_recorded_page(browser, base_url)
    with context:
        page.goto(base_url + "examples/moons/", wait_until="load")
        button = page.locator('a[download][href$=".ipynb"]')
        assert button.count() == 1, "expected one .ipynb download button on the notebook page"
        with page.expect_download() as download_info:
            button.click()
        download = download_info.value
        assert download.failure() is None, f"{download.url}: {download.failure()}"
        assert download.suggested_filename == "moons.ipynb"
        notebook = json.loads(download.path().read_text(encoding="utf-8"))
        assert notebook["nbformat"] == 4
        code_cells = [cell for cell in notebook["cells"] if cell["cell_type"] == "code"]
        assert any(cell["outputs"] for cell in code_cells), "downloaded notebook has no outputs"
        assert not record.blocked, f"requests to other hosts: {record.blocked}"


# For each notebook copy button, the number of text fragments of its cell's code
# that lie under the button.
COPY_BUTTON_OVERLAP_JS = """
() => Array.from(document.querySelectorAll(".jp-InputArea-editor .zeroclipboard-container"))
  .map(button => {
    const box = button.getBoundingClientRect();
    const range = document.createRange();
    range.selectNodeContents(button.closest(".jp-InputArea-editor").querySelector("pre"));
    return Array.from(range.getClientRects()).filter(text => text.width > 0
      && text.right > box.left && text.left < box.right
      && text.bottom > box.top && text.top < box.bottom).length;
  })
"""


@pytest.mark.parametrize("viewport", [PHONE, {"width": 1280, "height": 900}],
                         ids=["phone", "desktop"])
def test_notebook_copy_buttons_cover_no_code(browser, root_url, viewport):
    context, page, record = open_recorded_page(browser, root_url, viewport=viewport)
    with context:
        page.goto(root_url + "examples/moons/", wait_until="load")
        overlaps = page.evaluate(COPY_BUTTON_OVERLAP_JS)
        assert overlaps, "no copy buttons found on the notebook page"
        covered = [index for index, count in enumerate(overlaps) if count]
        assert not covered, f"copy buttons of code cells {covered} cover code"
        assert_clean(record)


MAGIC_BYTES = {"PNG": b"\x89PNG", "PDF": b"%PDF", "SVG": b"<?xml"}
CONTENT_TYPES = {"PNG": "image/png", "PDF": "application/pdf", "SVG": "image/svg+xml"}


FIGURE_DOWNLOADS_JS = """
() => Array.from(document.querySelectorAll("figure.article-figure")).map(figure => ({
  id: figure.id,
  links: Array.from(figure.querySelectorAll("figcaption a"))
    .filter(link => ["PNG", "SVG", "PDF"].includes(link.textContent.trim()))
    .map(link => [link.textContent.trim(), link.href]),
}))
"""


def test_figure_downloads_resolve(browser, site, base_url):
    context, page, record = open_recorded_page(browser, base_url)
    with context:
        page.goto(base_url, wait_until="load")
        figures = page.evaluate(FIGURE_DOWNLOADS_JS)
        assert len(figures) == _static_html(site, "").count('class="article-figure"')
        for figure in figures:
            labels = sorted(label for label, url in figure["links"])
            assert labels == ["PDF", "PNG", "SVG"], f"{figure['id']} offers {labels}"
            for label, url in figure["links"]:
                assert url.startswith(base_url + "figures/"), url
                response = context.request.get(url)
                assert response.status == 200, f"{url}: HTTP {response.status}"
                content_type = response.headers["content-type"]
                assert content_type.startswith(CONTENT_TYPES[label]), f"{url}: {content_type}"
                assert response.body().startswith(MAGIC_BYTES[label]), url

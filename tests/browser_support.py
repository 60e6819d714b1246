"""Helpers for the browser tests and quality gates: build, serve, launch, inspect.

The tests drive Debian's Chromium (package ``chromium``) through Playwright, because
Playwright's own browser download cannot run without access to its CDN. They test
the site that ``built_site.build_site`` builds once per session, served on
127.0.0.1, either at the root or under the sub-path that GitHub Pages gives a
project site.
"""

from __future__ import annotations

import functools
import http.server
import os
import re
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

import built_site
import pytest

ROOT = built_site.ROOT
SCREENSHOT_DIR = ROOT / "test-results" / "screenshots"

CHROMIUM_PATH = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
# --no-sandbox because CI runs as root. The other flags stop Chromium's own
# background traffic (updates, sync, field trials), which this machine cannot reach.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
MISSING_CHROMIUM = (
    f"Chromium not found at {CHROMIUM_PATH}. Install Debian's package with "
    "`apt-get install chromium` (`make test` does this when run as root), or set "
    "CHROMIUM to the path of a Chromium binary."
)

SITE_URL = re.search(
    r"^site_url:\s*(\S+)", (ROOT / "mkdocs.yml").read_text(encoding="utf-8"), re.M
).group(1)
# GitHub Pages serves a project site under /<repository>/, the path of site_url.
SUBPATH = urlsplit(SITE_URL).path
MOUNTS = {"root": "/", "subpath": SUBPATH}


def docs_page_paths(docs: Path = ROOT / "docs") -> list[str]:
    """Return the URL path of the page that each Markdown or notebook source becomes.

    Known before the build, so tests can be parametrized by page; ``page_paths``
    lists what the build wrote, and a test compares the two.
    """
    paths = []
    for source in sorted([*docs.rglob("*.md"), *docs.rglob("*.ipynb")]):
        relative = source.relative_to(docs)
        if relative.parts[0] == "overrides" or ".ipynb_checkpoints" in relative.parts:
            continue
        stem = relative.with_suffix("").as_posix()
        if relative.stem == "index":
            stem = relative.parent.as_posix()
        paths.append("" if stem == "." else f"{stem}/")
    return sorted(paths)


def page_paths(site: Path) -> list[str]:
    """Return the URL path of every page relative to the site root, such as ``reference/``.

    ``404.html`` is left out: mkdocs writes its links relative to ``site_url``, and
    a host serves it only in place of a missing page.
    """
    paths = []
    for page in sorted(site.rglob("*.html")):
        relative = page.relative_to(site).as_posix()
        if relative == "404.html":
            continue
        paths.append(relative.removesuffix("index.html"))
    return sorted(paths)


def page_id(path: str) -> str:
    """Return a short test id for a page path: ``article`` for the home page."""
    return path.strip("/") or "article"


class _SiteRequestHandler(http.server.SimpleHTTPRequestHandler):
    """Serve a folder under a URL prefix and return 404 for every path outside it.

    ``sitemap.xml`` is served with ``SITE_URL`` replaced by this server's address.
    mkdocs-material 9.8's instant navigation handles a click only if the link's URL
    is in the sitemap after it swaps in the current protocol and host name, so port
    and path must match as they do on the deployed site.
    """

    prefix = "/"

    def do_GET(self) -> None:
        if self._outside_prefix():
            return
        if urlsplit(self.path).path == self.prefix + "sitemap.xml":
            self._send_sitemap()
            return
        super().do_GET()

    def _send_sitemap(self) -> None:
        port = self.server.server_address[1]
        sitemap = Path(self.translate_path(self.path)).read_text(encoding="utf-8")
        body = sitemap.replace(SITE_URL, f"http://127.0.0.1:{port}{self.prefix}").encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/xml")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_HEAD(self) -> None:
        if self._outside_prefix():
            return
        super().do_HEAD()

    def _outside_prefix(self) -> bool:
        path = urlsplit(self.path).path
        if path == self.prefix.rstrip("/") and path:
            # Like GitHub Pages: /project redirects to /project/.
            self.send_response(301)
            self.send_header("Location", self.prefix)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return True
        if not path.startswith(self.prefix):
            self.send_error(404, f"Not under {self.prefix}")
            return True
        return False

    def translate_path(self, path: str) -> str:
        # send_head() keeps the prefix in self.path, so its redirect of a folder
        # without a trailing slash still points under the prefix.
        path = urlsplit(path).path
        return super().translate_path("/" + unquote(path)[len(self.prefix) :])

    def log_message(self, format: str, *args) -> None:
        # The tests record every request in the browser; per-request lines on
        # stderr would only bury pytest's report.
        pass


class _SiteServer(http.server.ThreadingHTTPServer):
    """A threaded server that ignores connections the browser closes early."""

    daemon_threads = True

    def handle_error(self, request, client_address) -> None:
        # Chromium drops requests it no longer needs, such as an image of a page it
        # has left. The write then fails, and that is not a test failure.
        if isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            return
        super().handle_error(request, client_address)


@contextmanager
def serve(site: Path, prefix: str = "/") -> Iterator[str]:
    """Serve ``site`` on 127.0.0.1 at a free port under ``prefix``; yield the base URL."""
    if not (prefix.startswith("/") and prefix.endswith("/")):
        raise ValueError(f"prefix must start and end with '/', got {prefix!r} instead.")
    handler = type("SiteRequestHandler", (_SiteRequestHandler,), {"prefix": prefix})
    server = _SiteServer(("127.0.0.1", 0), functools.partial(handler, directory=str(site)))
    thread = threading.Thread(target=server.serve_forever, name="site-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}{prefix}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def launch_chromium(playwright, extra_args: tuple[str, ...] = ()):
    """Launch Debian's Chromium headless; fail with the package to install if missing."""
    if not CHROMIUM_PATH.is_file():
        pytest.fail(MISSING_CHROMIUM, pytrace=False)
    return playwright.chromium.launch(
        executable_path=str(CHROMIUM_PATH), args=[*CHROMIUM_ARGS, *extra_args]
    )


@dataclass
class PageRecord:
    """Everything a page did while a test drove it: requests, responses, messages."""

    origin: str
    requests: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)
    failed_responses: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)

    def is_local(self, url: str) -> bool:
        return url.startswith(self.origin + "/") or url.startswith(("data:", "blob:"))

    def external_requests(self) -> list[str]:
        return [url for url in self.requests if not self.is_local(url)]


def open_recorded_page(browser, base_url: str, **context_options):
    """Open a page in a new context that records its traffic and aborts other hosts.

    Returns ``(context, page, record)``. Every request to an origin other than the
    server's at ``base_url`` is aborted and listed in ``record.blocked``.
    """
    parts = urlsplit(base_url)
    record = PageRecord(origin=f"{parts.scheme}://{parts.netloc}")
    context = browser.new_context(**context_options)
    context.set_default_timeout(15_000)

    def route(route_request) -> None:
        record.blocked.append(route_request.request.url)
        route_request.abort("blockedbyclient")

    # A regular expression is matched inside the browser driver, so requests to the
    # local server are not intercepted at all.
    others = re.compile(rf"^(?!{re.escape(record.origin)}/|data:|blob:)")
    context.route(others, route)
    page = context.new_page()
    page.on("request", lambda request: record.requests.append(request.url))
    page.on("requestfailed", lambda request: _record_failed_request(record, request))
    page.on("response", lambda response: _record_response(record, response))
    page.on("console", lambda message: _record_console(record, message))
    page.on("pageerror", lambda error: record.page_errors.append(str(error)))
    return context, page, record


def assert_clean(record: PageRecord) -> None:
    """Fail if the page reached another host, got an error status, or logged an error."""
    assert not record.blocked, f"requests to other hosts: {record.blocked}"
    assert not record.external_requests(), record.external_requests()
    assert not record.failed_responses, f"failed responses: {record.failed_responses}"
    assert not record.failed_requests, f"failed requests: {record.failed_requests}"
    assert not record.console_errors, f"console errors: {record.console_errors}"
    assert not record.page_errors, f"uncaught exceptions: {record.page_errors}"


def _record_failed_request(record: PageRecord, request) -> None:
    record.failed_requests.append(f"{request.url}: {request.failure}")


def _record_response(record: PageRecord, response) -> None:
    if response.status >= 400:
        record.failed_responses.append(f"{response.status} {response.url}")


def _record_console(record: PageRecord, message) -> None:
    if message.type == "error":
        location = message.location or {}
        record.console_errors.append(f"{message.text} (at {location.get('url', '?')})")


# Scroll each rendered image into view and wait until it has loaded, so that lazy
# images load one after the other. Playwright's evaluate() has no timeout, so the
# waits stop after 15 s in all, plus at most 1 s of decoding per image.
LOAD_IMAGES_JS = """
async () => {
  const sleep = milliseconds => new Promise(resolve => setTimeout(resolve, milliseconds));
  const deadline = Date.now() + 15000;
  for (const image of Array.from(document.images)) {
    if (!image.checkVisibility()) continue;
    image.scrollIntoView({block: "center"});
    while (!image.complete && Date.now() < deadline) {
      await sleep(25);
    }
    await Promise.race([image.decode().catch(() => null), sleep(1000)]);
  }
  window.scrollTo(0, 0);
}
"""

# Images inside hidden elements are listed as not rendered: a lazy one loads only
# when shown.
IMAGES_JS = """
() => Array.from(document.images).map(image => ({
  src: image.currentSrc || image.src,
  rendered: image.checkVisibility(),
  complete: image.complete,
  naturalWidth: image.naturalWidth,
}))
"""

# Size and computed display of every <math>. Chromium lays out MathML Core with
# display "math" or "block math"; an unsupported element would be "inline".
MATH_JS = """
() => Array.from(document.querySelectorAll("math")).map(math => {
  const box = math.getBoundingClientRect();
  const closedDetails = math.closest("details:not([open])") !== null;
  return {
    tex: (math.querySelector("annotation") || {}).textContent || "",
    width: box.width,
    height: box.height,
    display: getComputedStyle(math).display,
    hidden: closedDetails,
  };
})
"""

# The text a reader can see, outside code and outside MathML annotations. Hidden
# text is left out, such as the copy of each notebook cell's source that
# mkdocs-jupyter keeps for its copy button.
VISIBLE_TEXT_JS = """
() => {
  const skipped = "pre, code, kbd, samp, script, style, textarea, annotation, noscript";
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const texts = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    if (!parent || parent.closest(skipped)) continue;
    if (!parent.checkVisibility({checkVisibilityCSS: true})) continue;
    if (node.textContent.trim()) texts.push(node.textContent);
  }
  return texts.join(" ");
}
"""

# Elements that stick out on the right of a screen ``width`` CSS pixels wide,
# unless an ancestor scrolls them inside its own box.
OVERFLOW_JS = """
width => {
  const scrollsOwnContent = element => {
    const style = getComputedStyle(element);
    return ["auto", "scroll", "hidden", "clip"].includes(style.overflowX);
  };
  const describe = element => {
    const classes = Array.from(element.classList).slice(0, 3).join(".");
    return element.tagName.toLowerCase() + (element.id ? "#" + element.id : "")
      + (classes ? "." + classes : "");
  };
  const offenders = [];
  for (const element of document.body.querySelectorAll("*")) {
    const box = element.getBoundingClientRect();
    if (box.width === 0 || box.right <= width + 1) continue;
    let ancestor = element.parentElement;
    let contained = false;
    while (ancestor && ancestor !== document.body) {
      if (scrollsOwnContent(ancestor)) { contained = true; break; }
      ancestor = ancestor.parentElement;
    }
    if (!contained) offenders.push(describe(element) + " right=" + Math.round(box.right));
  }
  return {
    scrollWidth: document.scrollingElement.scrollWidth,
    innerWidth: window.innerWidth,
    offenders: offenders.slice(0, 8),
  };
}
"""

# For each figure image: whether any pixel is transparent, and the computed
# background colour of the image and of the page.
FIGURE_BACKDROP_JS = """
() => Array.from(document.querySelectorAll("figure img")).map(image => {
  const canvas = document.createElement("canvas");
  canvas.width = image.naturalWidth;
  canvas.height = image.naturalHeight;
  const context = canvas.getContext("2d");
  context.drawImage(image, 0, 0);
  const pixels = context.getImageData(0, 0, canvas.width, canvas.height).data;
  let transparent = false;
  for (let index = 3; index < pixels.length; index += 4) {
    if (pixels[index] < 255) { transparent = true; break; }
  }
  return {
    src: image.getAttribute("src"),
    transparent: transparent,
    imageBackground: getComputedStyle(image).backgroundColor,
    pageBackground: getComputedStyle(document.body).backgroundColor,
    width: image.getBoundingClientRect().width,
  };
})
"""

_RAW_TEX = re.compile(
    r"\$\$"
    r"|\\[()\[\]]"
    r"|\\begin\{"
    r"|\\[A-Za-z]{2,}"
    r"|\$[^$\n]{0,80}?[\\^_{][^$\n]{0,80}?\$"
)


def find_raw_tex(text: str) -> list[str]:
    """Return each piece of TeX markup left in ``text``, with 30 characters around it."""
    return [
        text[max(match.start() - 30, 0) : match.end() + 30].replace("\n", " ")
        for match in _RAW_TEX.finditer(text)
    ]


def parse_rgba(colour: str) -> tuple[float, float, float, float]:
    """Parse a computed CSS colour such as ``rgb(0, 0, 0)`` or ``rgba(0, 0, 0, 0.5)``."""
    match = re.fullmatch(r"rgba?\(([\d.]+),\s*([\d.]+),\s*([\d.]+)(?:,\s*([\d.]+))?\)", colour)
    if match is None:
        raise ValueError(f"Expected a computed colour in rgb() or rgba() form, got {colour!r}.")
    red, green, blue, alpha = match.groups()
    return float(red), float(green), float(blue), float(alpha if alpha is not None else 1)


def relative_luminance(colour: str) -> float:
    """Return the WCAG 2 relative luminance of an opaque computed colour, 0 to 1."""
    channels = []
    for value in parse_rgba(colour)[:3]:
        value /= 255
        channels.append(value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4)
    red, green, blue = channels
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue

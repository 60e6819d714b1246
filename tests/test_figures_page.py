"""End-to-end: the figures page, citations, lightbox and downloads of the built site."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest
from built_site import ROOT, build_site

from nonlinear import citation, experiments, figure_index

pytestmark = pytest.mark.slow

SITE_URL = re.search(
    r"^site_url:\s*(\S+)", (ROOT / "mkdocs.yml").read_text(encoding="utf-8"), flags=re.M
).group(1)


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    return build_site(tmp_path_factory)


@pytest.fixture(scope="module")
def index(site) -> dict:
    return json.loads((site / "figures" / "index.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def figures_page(site) -> str:
    return (site / "figure-index" / "index.html").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def article(site) -> str:
    return (site / "index.html").read_text(encoding="utf-8")


def _entry(page: str, name: str) -> str:
    """Return the HTML of one figure's entry: from its heading to the next one."""
    start = page.index(f'<h2 id="figure-{name}"')
    end = page.find("<h2 ", start + 1)
    return page[start : end if end != -1 else len(page)]


def _text(fragment: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", fragment))


def test_figures_page_lists_figures_in_order(figures_page, index):
    headings = re.findall(r'<h2 id="figure-([\w.-]+)">Figure (\d+): ([\w.-]+)', figures_page)
    assert [(name, int(number)) for name, number, _ in headings] == [
        (figure["name"], figure["number"]) for figure in index["figures"]
    ]
    for name, _, title in headings:
        assert name == title


def test_figures_page_entry_contents(figures_page, index):
    for figure in index["figures"]:
        entry = _entry(figures_page, figure["name"])
        text = _text(entry)
        assert figure["caption"] in text, figure["name"]
        assert f"Alt text: {figure['alt']}" in text, figure["name"]
        assert f"the experiment {figure['experiment']}" in text, figure["name"]
        assert f"seed {figure['seed']}" in text, figure["name"]
        assert 'href="https://creativecommons.org/licenses/by/4.0/"' in entry


def test_figures_page_downloads(site, figures_page, index):
    for figure in index["figures"]:
        entry = _entry(figures_page, figure["name"])
        downloads = [ext for ext in ("png", "svg", "pdf", "gif") if ext in figure["formats"]]
        assert downloads, figure["name"]
        for extension in downloads:
            link = f'href="../figures/{figure["name"]}.{extension}">{extension.upper()}</a>'
            assert link in entry, (figure["name"], extension)
            assert (site / "figures" / f"{figure['name']}.{extension}").is_file()
        if "png" in figure["formats"]:
            png = figure["formats"]["png"]
            size = f"({png['width']} × {png['height']} pixels, {png['dpi']} dpi)"
        else:
            gif = figure["formats"]["gif"]
            size = f"({gif['width']} × {gif['height']} pixels)"
        assert size in _text(entry), figure["name"]


def test_figures_page_cites_each_figure(figures_page, index):
    article = citation.load_article(ROOT / "CITATION.cff", SITE_URL)
    for figure in index["figures"]:
        entry = _entry(figures_page, figure["name"])
        url = SITE_URL + figure["page"]
        expected = citation.cite_figure(article, figure["number"], figure["name"], url)
        text = _text(entry)
        assert "Cite this figure" in text
        assert expected.bibtex in text, figure["name"]
        assert expected.apa in text, figure["name"]
        assert expected.attribution in text, figure["name"]


def test_figure_citation_url_from_site_url(index):
    for figure in index["figures"]:
        assert figure["page"] == f"figure-index/#figure-{figure['name']}"
    assert SITE_URL.startswith("https://")


def test_article_figures_link_to_png_and_citation(article, index):
    numbers = {figure["name"]: figure["number"] for figure in index["figures"]}
    for name in figure_index.FIGURE_CALL.findall(
        (ROOT / "docs" / "index.md").read_text(encoding="utf-8")
    ):
        start = article.index(f'<figure class="article-figure" id="figure-{name}">')
        block = article[start : article.index("</figure>", start)]
        assert f'<a class="glightbox" href="figures/{name}.png" data-type="image"' in block
        assert f'<img src="figures/{name}.webp"' in block
        assert f'href="figure-index/#figure-{name}">Cite and reuse</a>' in block
        assert f"<strong>Figure {numbers[name]}.</strong>" in block


def test_article_cite_section(article):
    cited = citation.cite_article(citation.load_article(ROOT / "CITATION.cff", SITE_URL))
    start = article.index('<h2 id="cite-this-article">')
    section = _text(article[start : article.index("<h2 ", start + 1)])
    assert cited.bibtex in section
    assert cited.apa in section


def test_highwire_tags_on_article_only(site, article):
    tags = citation.highwire_tags(citation.load_article(ROOT / "CITATION.cff", SITE_URL))
    head = article[: article.index("</head>")]
    for name, content in tags:
        assert f'<meta name="{name}" content="{html.escape(content)}">' in head, name
    for page in ("figure-index", "licence", "examples/moons"):
        other = (site / page / "index.html").read_text(encoding="utf-8")
        assert 'name="citation_title"' not in other, page


def test_lightbox_served_locally(site, article, figures_page):
    assert (site / "assets" / "javascripts" / "glightbox.min.js").is_file()
    assert (site / "assets" / "stylesheets" / "glightbox.min.css").is_file()
    for page in (article, figures_page):
        assert 'src="assets/javascripts/glightbox.min.js"' in page or (
            'src="../assets/javascripts/glightbox.min.js"' in page
        )
        # Re-binds the lightbox after each page change of navigation.instant.
        assert "document$.subscribe(()=>{ lightbox.reload(); })" in page


def test_lightbox_opens_images_only(site):
    for page in site.rglob("*.html"):
        anchors = re.findall(r'<a class="glightbox"[^>]*>', page.read_text(encoding="utf-8"))
        for anchor in anchors:
            # GLightbox loads its video player from a CDN for other slide types.
            assert 'data-type="image"' in anchor, (page, anchor)


def test_notebook_downloads(site):
    page = (site / "examples" / "moons" / "index.html").read_text(encoding="utf-8")
    script = site / "examples" / "moons" / "moons.py"
    assert script.is_file()
    text = script.read_text(encoding="utf-8")
    assert text.startswith("# %% [markdown]\n")
    assert "\n# %%\n" in text
    assert 'href="moons.py" download' in page
    assert 'href="moons.ipynb" download' in page
    colab = (
        "https://colab.research.google.com/github/executable-articles/"
        "nonlinear-activations/blob/main/docs/examples/moons.ipynb"
    )
    assert f'href="{colab}"' in page
    assert "colab.research.google.com/" not in re.sub(r'href="[^"]*"', "", page)


def test_licence_page(site):
    page = (site / "licence" / "index.html").read_text(encoding="utf-8")
    assert 'href="https://creativecommons.org/licenses/by/4.0/legalcode"' in page
    cited = citation.cite_article(citation.load_article(ROOT / "CITATION.cff", SITE_URL))
    assert cited.attribution in _text(page)
    assert "/blob/main/LICENSE" in page
    assert "MIT" in page


def test_figures_page_in_navigation(article):
    assert 'href="figure-index/"' in article
    assert 'href="licence/"' in article


def test_every_registry_figure_on_figures_page(figures_page):
    for name in experiments.figure_specs():
        assert f'<h2 id="figure-{name}">' in figures_page, name

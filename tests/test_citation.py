"""Tests of CITATION.cff and of the citations rendered from it."""

from __future__ import annotations

import datetime
import json
import re
import textwrap
from pathlib import Path

import jsonschema
import pytest
import yaml

from nonlinear import citation

ROOT = Path(__file__).resolve().parents[1]
CFF = ROOT / "CITATION.cff"
# The Citation File Format 1.2.0 schema, copied from cffconvert 2.0.0
# (cffconvert/schemas/1.2.0/schema.json in its wheel on PyPI).
SCHEMA = Path(__file__).parent / "data" / "cff-schema-1.2.0.json"
SITE_URL = "https://example.org/article/"

MINIMAL_CFF = textwrap.dedent(
    """\
    cff-version: 1.2.0
    message: Cite this.
    title: Code
    authors:
      - name: A team
    repository-code: https://github.com/owner/some-repo
    preferred-citation:
      type: website
      title: An article about ReLU & more
      authors:
        - family-names: Lovelace
          given-names: Ada Augusta
        - name: The example team
      date-published: "2025-03-09"
      version: 2.1.0
      license: CC-BY-4.0
    """
)


def _cff_validator() -> jsonschema.Draft7Validator:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    return jsonschema.Draft7Validator(
        schema, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER
    )


def _mkdocs_site_url() -> str:
    text = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    return re.search(r"^site_url:\s*(\S+)", text, flags=re.M).group(1)


@pytest.fixture
def article(tmp_path) -> citation.Article:
    path = tmp_path / "CITATION.cff"
    path.write_text(MINIMAL_CFF, encoding="utf-8")
    return citation.load_article(path, SITE_URL)


def _write_cff(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "CITATION.cff"
    path.write_text(text, encoding="utf-8")
    return path


def test_citation_cff_is_valid_cff_1_2_0():
    document = yaml.safe_load(CFF.read_text(encoding="utf-8"))
    errors = [error.message for error in _cff_validator().iter_errors(document)]
    assert errors == []
    assert document["cff-version"] == "1.2.0"


def test_schema_check_rejects_invalid_cff():
    document = yaml.safe_load(CFF.read_text(encoding="utf-8"))
    del document["authors"]
    document["date-released"] = "4 December 2026"
    messages = [error.message for error in _cff_validator().iter_errors(document)]
    assert any("'authors' is a required property" in message for message in messages)
    assert any("4 December 2026" in message for message in messages)


def test_citation_cff_urls_match_mkdocs():
    document = yaml.safe_load(CFF.read_text(encoding="utf-8"))
    site_url = _mkdocs_site_url()
    assert document["url"] == site_url
    assert document["preferred-citation"]["url"] == site_url
    mkdocs_text = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    assert f"repository: {document['repository-code']}" in mkdocs_text


def test_citation_cff_version_matches_package():
    import nonlinear

    document = yaml.safe_load(CFF.read_text(encoding="utf-8"))
    assert document["version"] == nonlinear.__version__
    assert document["preferred-citation"]["version"] == nonlinear.__version__


def test_citation_cff_licences():
    document = yaml.safe_load(CFF.read_text(encoding="utf-8"))
    assert document["license"] == "MIT"
    assert document["preferred-citation"]["license"] == "CC-BY-4.0"


def test_licence_files_present():
    mit = (ROOT / "LICENSE").read_text(encoding="utf-8")
    cc_by = (ROOT / "LICENSE-CC-BY-4.0").read_text(encoding="utf-8")
    assert mit.startswith("MIT License")
    assert "The nonlinear-activations authors" in mit
    assert "https://creativecommons.org/licenses/by/4.0/legalcode" in cc_by
    assert "Attribution 4.0 International" in cc_by


def test_load_article_from_repository():
    article = citation.load_article(CFF, _mkdocs_site_url())
    assert article.title == "Why nonlinear activation functions improve ML performance"
    assert article.authors == (citation.Author(entity="The nonlinear-activations authors"),)
    assert article.licence == "CC-BY-4.0"
    assert article.url == _mkdocs_site_url()
    assert article.key == "nonlinear-activations"


def test_load_article_fields(article):
    assert article.title == "An article about ReLU & more"
    assert article.published == datetime.date(2025, 3, 9)
    assert article.version == "2.1.0"
    assert article.key == "some-repo"
    assert article.licence_name == "CC BY 4.0"


def test_load_article_adds_trailing_slash(tmp_path):
    path = _write_cff(tmp_path, MINIMAL_CFF)
    article = citation.load_article(path, "https://example.org/article")
    assert article.url == "https://example.org/article/"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("  title: An article about ReLU & more\n", ""),
         r"preferred-citation\.title is missing or empty; add it"),
        (("  license: CC-BY-4.0\n", "  license: GPL-3.0-only\n"),
         r"license must be one of CC-BY-4\.0, MIT, got 'GPL-3\.0-only'"),
        (('  date-published: "2025-03-09"\n', '  date-published: "March 2025"\n'),
         r"date-published must be a date like 2026-12-04, got 'March 2025'"),
        (("    - name: The example team\n", "    - email: team@example.org\n"),
         r"has neither name nor family-names"),
        (("      given-names: Ada Augusta\n", "      given-names: Ada Augusta\n"
          "    - just a string\n"),
         r"invalid author 'just a string'; give each author as a mapping"),
    ],
)
def test_load_article_rejects_invalid_fields(tmp_path, change, message):
    old, new = change
    assert old in MINIMAL_CFF
    path = _write_cff(tmp_path, MINIMAL_CFF.replace(old, new))
    with pytest.raises(citation.CitationError, match=message):
        citation.load_article(path, SITE_URL)


def test_load_article_without_preferred_citation(tmp_path):
    text = MINIMAL_CFF.split("preferred-citation:")[0]
    path = _write_cff(tmp_path, text)
    with pytest.raises(citation.CitationError, match=r"has no preferred-citation; add one"):
        citation.load_article(path, SITE_URL)


def test_load_article_without_authors(tmp_path):
    text = MINIMAL_CFF.replace(
        "  authors:\n    - family-names: Lovelace\n      given-names: Ada Augusta\n"
        "    - name: The example team\n",
        "  authors: []\n",
    )
    path = _write_cff(tmp_path, text)
    with pytest.raises(citation.CitationError, match=r"must list at least one author"):
        citation.load_article(path, SITE_URL)


def test_load_article_missing_file(tmp_path):
    with pytest.raises(citation.CitationError, match=r"Failed to read .*CITATION\.cff"):
        citation.load_article(tmp_path / "CITATION.cff", SITE_URL)


def test_load_article_invalid_yaml(tmp_path):
    path = _write_cff(tmp_path, "title: [unclosed\n")
    with pytest.raises(citation.CitationError, match=r"is not valid YAML"):
        citation.load_article(path, SITE_URL)


def test_load_article_empty_site_url(tmp_path):
    path = _write_cff(tmp_path, MINIMAL_CFF)
    with pytest.raises(citation.CitationError, match=r"site_url is empty; set site_url"):
        citation.load_article(path, "")


def test_article_bibtex(article):
    bibtex = citation.cite_article(article).bibtex
    assert bibtex.startswith("@misc{some-repo-2025,\n")
    assert "  author = {Lovelace, Ada Augusta and {The example team}},\n" in bibtex
    # Ampersand escaped, acronym-like words braced so BibTeX keeps their case.
    assert "  title = {An article about {ReLU} \\& more},\n" in bibtex
    assert "  year = {2025},\n" in bibtex
    assert "  month = mar,\n" in bibtex
    assert f"  url = {{{SITE_URL}}},\n" in bibtex
    assert "  note = {Version 2.1.0. CC BY 4.0},\n" in bibtex
    assert bibtex.endswith("\n}")
    assert bibtex.count("{") == bibtex.count("}")


def test_article_apa(article):
    cited = citation.cite_article(article)
    assert cited.apa == (
        "Lovelace, A. A., & The example team. (2025). An article about ReLU & more "
        f"(Version 2.1.0). {SITE_URL}"
    )
    assert "*An article about ReLU & more*" in cited.apa_markdown
    assert cited.apa_markdown.endswith(f"<{SITE_URL}>")


def test_article_attribution(article):
    attribution = citation.cite_article(article).attribution
    assert "by Ada Augusta Lovelace and The example team" in attribution
    assert "licensed under CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/)" in (
        attribution
    )


def test_figure_citation_adds_number_name_url(article):
    url = SITE_URL + "figure-index/#figure-decision-regions-relu"
    cited = citation.cite_figure(article, 7, "decision-regions-relu", url)
    assert cited.bibtex.startswith("@misc{some-repo-2025-decision-regions-relu,\n")
    assert "  title = {Figure 7: decision-regions-relu},\n" in cited.bibtex
    assert f"  url = {{{url}}},\n" in cited.bibtex
    assert "Figure in ``An article about {ReLU} \\& more''" in cited.bibtex
    assert cited.bibtex.count("{") == cited.bibtex.count("}")
    assert cited.apa == (
        "Lovelace, A. A., & The example team. (2025). Figure 7: decision-regions-relu "
        f"[Figure]. In An article about ReLU & more (Version 2.1.0). {url}"
    )
    assert "“Figure 7: decision-regions-relu”" in cited.attribution
    assert url in cited.attribution


def test_figure_name_escaped_in_bibtex(article):
    cited = citation.cite_figure(article, 1, "loss_curve", SITE_URL)
    assert "  title = {Figure 1: loss\\_curve},\n" in cited.bibtex


def test_citation_without_version(tmp_path):
    path = _write_cff(tmp_path, MINIMAL_CFF.replace("  version: 2.1.0\n", ""))
    cited = citation.cite_article(citation.load_article(path, SITE_URL))
    assert "Version" not in cited.apa
    assert "  note = {CC BY 4.0},\n" in cited.bibtex


def test_highwire_tags(article):
    assert citation.highwire_tags(article) == [
        ("citation_title", "An article about ReLU & more"),
        ("citation_author", "Lovelace, Ada Augusta"),
        ("citation_author", "The example team"),
        ("citation_publication_date", "2025/03/09"),
        ("citation_public_url", SITE_URL),
    ]

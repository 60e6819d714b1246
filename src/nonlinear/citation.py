"""Citations of the article and of its figures, rendered from ``CITATION.cff``.

``CITATION.cff`` at the repository root is the one source of the title, authors,
version, date and licence. Its ``preferred-citation`` describes the article. This
module renders it as BibTeX, as an APA-style reference, as a TASL attribution
(title, author, source, licence, the form that Creative Commons recommends) and as
Highwire Press ``citation_*`` meta tags. A figure's citation is the article's with
the figure's number, name and URL added. URLs come from ``site_url`` in
``mkdocs.yml``, so citations point at wherever the site is deployed.
"""

from __future__ import annotations

import dataclasses
import datetime
import re
from pathlib import Path

import yaml

#: Names and URLs of the licences that ``CITATION.cff`` may give, by SPDX id.
LICENCES = {
    "CC-BY-4.0": ("CC BY 4.0", "https://creativecommons.org/licenses/by/4.0/"),
    "MIT": ("MIT", "https://opensource.org/license/mit"),
}

_MONTHS = (
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"
)

# Characters that BibTeX or LaTeX treat specially in a field value.
_BIBTEX_ESCAPES = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}


class CitationError(ValueError):
    """``CITATION.cff`` is missing, is not valid YAML or lacks a required field."""


@dataclasses.dataclass(frozen=True)
class Author:
    """An author as ``CITATION.cff`` gives it: a person or an entity (a team)."""

    family_names: str = ""
    given_names: str = ""
    entity: str = ""

    def bibtex(self) -> str:
        """Return the name for BibTeX; braces keep a team name from being split."""
        if self.entity:
            return "{" + _bibtex_escape(self.entity) + "}"
        return _bibtex_escape(f"{self.family_names}, {self.given_names}".strip(", "))

    def apa(self) -> str:
        """Return the name as APA lists it: family name and initials."""
        if self.entity:
            return self.entity
        initials = " ".join(f"{part[0]}." for part in self.given_names.split())
        return f"{self.family_names}, {initials}".strip(", ")

    def plain(self) -> str:
        """Return the name in reading order."""
        return self.entity or f"{self.given_names} {self.family_names}".strip()


@dataclasses.dataclass(frozen=True)
class Article:
    """Bibliographic data of the article, from ``preferred-citation``."""

    title: str
    authors: tuple[Author, ...]
    published: datetime.date
    version: str
    licence: str
    url: str
    key: str

    @property
    def licence_name(self) -> str:
        """Short name of the licence, such as ``CC BY 4.0``."""
        return LICENCES[self.licence][0]

    @property
    def licence_url(self) -> str:
        """URL of the licence's deed."""
        return LICENCES[self.licence][1]


@dataclasses.dataclass(frozen=True)
class Citation:
    """One work cited in every supported style."""

    bibtex: str
    apa: str
    apa_markdown: str
    attribution: str


def load_article(cff_path: Path, site_url: str) -> Article:
    """Read the article's citation data from ``CITATION.cff``.

    Args:
        cff_path: Path of ``CITATION.cff``.
        site_url: ``site_url`` of ``mkdocs.yml``; the article's URL in citations.

    Raises:
        CitationError: If the file cannot be read, ``site_url`` is empty, or
            ``preferred-citation`` lacks a title, authors, a date or a licence.
    """
    if not site_url:
        raise CitationError(
            "site_url is empty; set site_url in mkdocs.yml so that citations can "
            "give the article's URL."
        )
    try:
        document = yaml.safe_load(Path(cff_path).read_text(encoding="utf-8"))
    except OSError as error:
        raise CitationError(
            f"Failed to read {cff_path}: {error.strerror}; add CITATION.cff at the "
            "repository root."
        ) from error
    except yaml.YAMLError as error:
        raise CitationError(f"{cff_path} is not valid YAML: {error}") from error
    if not isinstance(document, dict):
        raise CitationError(f"{cff_path} must be a YAML mapping, got {document!r}.")
    preferred = document.get("preferred-citation")
    if not isinstance(preferred, dict):
        raise CitationError(
            f"{cff_path} has no preferred-citation; add one that describes the article."
        )
    title = _required(preferred, "title", cff_path)
    licence = _required(preferred, "license", cff_path)
    if licence not in LICENCES:
        raise CitationError(
            f"{cff_path}: preferred-citation.license must be one of "
            f"{', '.join(LICENCES)}, got {licence!r}."
        )
    repository = document.get("repository-code", "")
    return Article(
        title=title,
        authors=_authors(preferred.get("authors"), cff_path),
        published=_published(preferred, cff_path),
        version=str(preferred.get("version") or document.get("version") or ""),
        licence=licence,
        url=site_url if site_url.endswith("/") else site_url + "/",
        key=repository.rstrip("/").rsplit("/", 1)[-1] or "article",
    )


def _required(mapping: dict, field: str, cff_path: Path) -> str:
    value = mapping.get(field)
    if not isinstance(value, str) or not value.strip():
        raise CitationError(
            f"{cff_path}: preferred-citation.{field} is missing or empty; add it."
        )
    return value.strip()


def _authors(entries, cff_path: Path) -> tuple[Author, ...]:
    if not isinstance(entries, list) or not entries:
        raise CitationError(
            f"{cff_path}: preferred-citation.authors must list at least one author."
        )
    authors = []
    for entry in entries:
        if not isinstance(entry, dict):
            raise CitationError(
                f"{cff_path}: invalid author {entry!r}; give each author as a mapping "
                "with name (a team) or family-names and given-names (a person)."
            )
        if entry.get("name"):
            authors.append(Author(entity=str(entry["name"])))
        elif entry.get("family-names"):
            authors.append(
                Author(
                    family_names=str(entry["family-names"]),
                    given_names=str(entry.get("given-names", "")),
                )
            )
        else:
            raise CitationError(
                f"{cff_path}: author {entry!r} has neither name nor family-names."
            )
    return tuple(authors)


def _published(preferred: dict, cff_path: Path) -> datetime.date:
    value = preferred.get("date-published")
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError as error:
        raise CitationError(
            f"{cff_path}: preferred-citation.date-published must be a date like "
            f"2026-12-04, got {value!r}."
        ) from error


def cite_article(article: Article) -> Citation:
    """Return the citations of the article."""
    fields = {
        "author": _bibtex_authors(article),
        "title": _bibtex_title(article.title),
        "year": str(article.published.year),
        "month": _MONTHS[article.published.month - 1],
        "url": article.url,
        "howpublished": rf"\url{{{article.url}}}",
        "note": _bibtex_escape(_version_sentence(article) + article.licence_name),
    }
    version = f" (Version {article.version})" if article.version else ""
    return Citation(
        bibtex=_bibtex_entry(article.key + f"-{article.published.year}", fields),
        apa=f"{_apa_authors(article)} ({article.published.year}). "
        f"{article.title}{version}. {article.url}",
        apa_markdown=f"{_apa_authors(article)} ({article.published.year}). "
        f"*{article.title}*{version}. <{article.url}>",
        attribution=f"“{article.title}” by {_plain_authors(article)}, {article.url}, "
        f"licensed under {article.licence_name} ({article.licence_url}).",
    )


def cite_figure(article: Article, number: int, name: str, url: str) -> Citation:
    """Return the citations of one figure of the article.

    Args:
        article: The article that contains the figure.
        number: The figure's number on the site.
        name: The figure's stable name, as in ``figures/<name>.png``.
        url: Absolute URL of the figure's entry on the figures page.
    """
    label = f"Figure {number}: {name}"
    version = f" (Version {article.version})" if article.version else ""
    fields = {
        "author": _bibtex_authors(article),
        "title": _bibtex_escape(label),
        "year": str(article.published.year),
        "month": _MONTHS[article.published.month - 1],
        "url": url,
        "howpublished": rf"\url{{{url}}}",
        "note": "Figure in ``" + _bibtex_title(article.title) + "''. "
        + _bibtex_escape(_version_sentence(article) + article.licence_name),
    }
    return Citation(
        bibtex=_bibtex_entry(f"{article.key}-{article.published.year}-{name}", fields),
        apa=f"{_apa_authors(article)} ({article.published.year}). {label} [Figure]. "
        f"In {article.title}{version}. {url}",
        apa_markdown=f"{_apa_authors(article)} ({article.published.year}). "
        f"{label} [Figure]. In *{article.title}*{version}. <{url}>",
        attribution=f"“{label}” from “{article.title}” by {_plain_authors(article)}, "
        f"{url}, licensed under {article.licence_name} ({article.licence_url}).",
    )


def highwire_tags(article: Article) -> list[tuple[str, str]]:
    """Return the Highwire Press ``citation_*`` meta tags as (name, content) pairs.

    Google Scholar reads these from the article's page; it expects one
    ``citation_author`` per author and dates as ``YYYY/MM/DD``.
    """
    tags = [("citation_title", article.title)]
    tags += [("citation_author", _highwire_author(author)) for author in article.authors]
    tags += [
        ("citation_publication_date", article.published.strftime("%Y/%m/%d")),
        ("citation_public_url", article.url),
    ]
    return tags


def _version_sentence(article: Article) -> str:
    return f"Version {article.version}. " if article.version else ""


def _highwire_author(author: Author) -> str:
    if author.entity:
        return author.entity
    return f"{author.family_names}, {author.given_names}".strip(", ")


def _bibtex_escape(text: str) -> str:
    return "".join(_BIBTEX_ESCAPES.get(character, character) for character in text)


def _bibtex_title(title: str) -> str:
    """Escape a title and brace words with capitals past the first letter (ML, ReLU).

    BibTeX styles lowercase titles; the braces keep acronyms as written.
    """
    words = _bibtex_escape(title).split(" ")
    return " ".join(
        "{" + word + "}" if re.search(r"[A-Z]", word[1:]) else word for word in words
    )


def _bibtex_authors(article: Article) -> str:
    return " and ".join(author.bibtex() for author in article.authors)


def _bibtex_entry(key: str, fields: dict[str, str]) -> str:
    lines = [f"@misc{{{key},"]
    for field, value in fields.items():
        # BibTeX month macros (jan ... dec) go unbraced.
        rendered = value if field == "month" else "{" + value + "}"
        lines.append(f"  {field} = {rendered},")
    lines.append("}")
    return "\n".join(lines)


def _apa_authors(article: Article) -> str:
    names = [author.apa() for author in article.authors]
    if len(names) == 1:
        listed = names[0]
    elif len(names) == 2:
        listed = f"{names[0]}, & {names[1]}"
    else:
        listed = ", ".join(names[:-1]) + f", & {names[-1]}"
    return listed if listed.endswith(".") else listed + "."


def _plain_authors(article: Article) -> str:
    names = [author.plain() for author in article.authors]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]

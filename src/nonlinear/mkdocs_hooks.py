"""MkDocs hooks: bring the outputs up to date, add them to the site, fill in numbers.

``mkdocs.yml`` lists this file under ``hooks:``. On every build, including each
rebuild of ``mkdocs serve``, the hooks

1. run the pipeline, which does nothing when every cache entry is current;
2. add the published release (figures, ``metrics.json``, executed notebooks and
   their ``# %%`` scripts) to the site's files, replacing each source notebook with
   its executed copy, and write ``figures/index.json`` and the copies of renamed
   figures under their old names;
3. render every Markdown page as a Jinja2 template with the metrics, so numbers in
   the text come from the build, and ``figure(name)`` inserts a numbered figure;
   the figures page loops over ``figures``, and ``citation`` contains the article's
   citations, rendered from ``CITATION.cff``;
4. give the article page its ``citation_*`` meta tags and notebook pages their
   download and Colab links;
5. convert LaTeX to MathML and drop scripts that would load from other hosts.

Set ``NONLINEAR_PIPELINE=off`` to build from the current release without checking
the cache (used to time a bare ``mkdocs build``).
"""

from __future__ import annotations

import html
import json
import logging
import os
import posixpath
import sys
import time
from pathlib import Path

import jinja2
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files
from mkdocs.utils import get_relative_url

from nonlinear import citation, experiments, figure_index, notebooks, pipeline
from nonlinear.cli import Progress, format_summary
from nonlinear.config import ConfigError
from nonlinear.mathml import remove_external_scripts, render_math

logger = logging.getLogger("mkdocs.hooks.nonlinear")

_state: dict = {}

#: Source path of the page that lists every figure.
FIGURES_PAGE_SOURCE = "figure-index.md"


def _root(config) -> Path:
    return Path(config.config_file_path).resolve().parent


def _paths(config) -> pipeline.Paths:
    root = _root(config)
    build = Path(os.environ.get("NONLINEAR_BUILD_DIR", root / "build"))
    return pipeline.Paths(docs=Path(config.docs_dir), build=build.resolve())


@event_priority(100)
def on_pre_build(config) -> None:
    """Run the pipeline, load the release's metrics, and describe every figure."""
    paths = _paths(config)
    if os.environ.get("NONLINEAR_PIPELINE", "on") != "off":
        started = time.perf_counter()
        try:
            result = pipeline.build(paths, on_event=Progress())
        except (ConfigError, pipeline.BuildError) as error:
            raise PluginError(f"The experiments failed to build: {error}") from error
        if any(task.status == "ran" for task in result.tasks):
            print(format_summary(result.tasks, time.perf_counter() - started), file=sys.stderr)
    release = paths.outputs.resolve()
    metrics_path = release / "metrics.json"
    if not metrics_path.is_file():
        raise PluginError(
            f"No published outputs at {paths.outputs}; run `python -m nonlinear build`."
        )
    metrics = json.loads(metrics_path.read_text(encoding="utf-8"))
    try:
        records = _figure_records(paths.docs, metrics, release)
        article = citation.load_article(_root(config) / "CITATION.cff", config.site_url)
    except (figure_index.FigureIndexError, citation.CitationError) as error:
        raise PluginError(str(error)) from error
    benchmark_path = Path(config.docs_dir) / "benchmark.json"
    benchmark = (
        json.loads(benchmark_path.read_text(encoding="utf-8"))
        if benchmark_path.is_file() else None
    )
    _state.update(release=release, metrics=metrics, records=records, article=article,
                  benchmark=benchmark)


def _figure_records(docs: Path, metrics: dict, release: Path) -> dict:
    """Number the figures by their order in the article and describe each one."""
    specs = experiments.figure_specs()
    article = docs / "index.md"
    article_text = article.read_text(encoding="utf-8") if article.is_file() else ""
    numbers = figure_index.figure_numbers(article_text, specs)
    records = figure_index.figure_records(specs, numbers, metrics, release / "figures")
    return {record.name: record for record in records}


@event_priority(100)
def on_files(files: Files, config) -> Files:
    """Add the release to the site; executed notebooks replace their sources."""
    release: Path = _state["release"]
    _state["notebooks"] = {}
    for path in sorted(release.rglob("*")):
        if not path.is_file() or path.name.startswith("."):
            continue
        uri = path.relative_to(release).as_posix()
        existing = files.get_file_from_path(uri)
        if existing is not None and uri.endswith(".ipynb"):
            # mkdocs-jupyter wraps the file later, so the swap happens in on_pre_page.
            _state["notebooks"][uri] = str(path)
            continue
        notebook = uri.removesuffix(".py") + ".ipynb"
        if uri.endswith(".py") and notebook in _state["notebooks"]:
            uri = _notebook_download(notebook, config).removesuffix(".ipynb") + ".py"
        _replace(files, File.generated(config, uri, abs_src_path=str(path)))
    records = _state["records"].values()
    for alias, target in figure_index.alias_files(records).items():
        _replace(files, File.generated(config, alias, abs_src_path=str(release / target)))
    index = figure_index.index_document(records)
    _replace(files, File.generated(config, "figures/index.json", content=index))
    return files


def _replace(files: Files, file: File) -> None:
    existing = files.get_file_from_path(file.src_uri)
    if existing is not None:
        files.remove(existing)
    files.append(file)


def _notebook_download(notebook: str, config) -> str:
    """Return where mkdocs-jupyter copies a notebook: into its page's folder."""
    if not config.use_directory_urls:
        return notebook
    return posixpath.join(notebook.removesuffix(".ipynb"), posixpath.basename(notebook))


@event_priority(100)
def on_pre_page(page, config, files):
    """Point a notebook page at its executed copy before mkdocs-jupyter reads it."""
    executed = _state["notebooks"].get(page.file.src_uri)
    if executed is not None:
        page.file.abs_src_path = executed
    return page


def _percent(value: float, digits: int = 1) -> str:
    return f"{value * 100:.{digits}f}%"


def _fixed(value: float, digits: int = 2) -> str:
    return f"{value:.{digits}f}"


def _scientific(value: float, digits: int = 2) -> str:
    mantissa, exponent = f"{value:.{digits}e}".split("e")
    return f"{mantissa} × 10<sup>{int(exponent)}</sup>"


def _record(name: str, page) -> figure_index.FigureRecord:
    records = _state["records"]
    if name not in records:
        raise PluginError(
            f"{page.file.src_uri}: unknown figure {name!r}; "
            f"choose from {', '.join(sorted(records))}."
        )
    return records[name]


def _source_link(target: str, page) -> str:
    """Return a Markdown link target to a site path, relative to the page's source."""
    return posixpath.relpath(target, posixpath.dirname(page.file.src_uri) or ".")


def _figure_image(name: str, page) -> str:
    """Return the figure's WebP image as raw HTML, linked to the 2x PNG for the lightbox.

    Raw HTML, because mkdocs-glightbox would otherwise link the image to itself, the
    WebP; it leaves images that already sit in a link alone.
    """
    record = _record(name, page)
    shown = _first_file(record, ("webp", "png", "gif", "svg"))
    enlarged = _first_file(record, ("png", "svg", "gif", "webp"))
    image = get_relative_url(shown.url, page.url)
    full_size = get_relative_url(enlarged.url, page.url)
    return (
        f'<a class="glightbox" href="{full_size}" data-type="image" '
        f'data-title="Figure {record.number}" '
        f'data-description="{html.escape(record.caption)}">'
        f'<img src="{image}" alt="{html.escape(record.alt)}" loading="lazy"></a>'
    )


def _first_file(record: figure_index.FigureRecord, extensions) -> figure_index.FigureFile:
    return next(record.files[extension] for extension in extensions if extension in record.files)


def _figure_markdown(name: str, page) -> str:
    record = _record(name, page)
    downloads = " · ".join(
        f"[{extension.upper()}]({_source_link(record.files[extension].url, page)})"
        for extension in figure_index.DOWNLOAD_FORMATS
        if extension in record.files
    )
    cite = _source_link(FIGURES_PAGE_SOURCE, page) + f"#{record.anchor}"
    return (
        f'<figure class="article-figure" id="{record.anchor}" markdown="span">\n'
        f"{_figure_image(name, page)}\n"
        f'<figcaption markdown="span">**Figure {record.number}.** {record.caption} '
        f"Download: {downloads} · [Cite and reuse]({cite})</figcaption>\n"
        "</figure>"
    )


def _figure_citation(name: str, page) -> citation.Citation:
    record = _record(name, page)
    article: citation.Article = _state["article"]
    return citation.cite_figure(article, record.number, name, article.url + record.page_url)


def on_page_markdown(markdown: str, page, config, files) -> str:
    """Render the page as a Jinja2 template with the build's metrics."""
    environment = jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=False)
    environment.filters.update(percent=_percent, fixed=_fixed, sci=_scientific)
    metrics = _state["metrics"]
    try:
        template = environment.from_string(markdown)
        return template.render(
            metrics=metrics,
            experiments=metrics["experiments"],
            provenance=metrics["provenance"],
            figure=lambda name: _figure_markdown(name, page),
            figures=list(_state["records"].values()),
            figure_image=lambda name: _figure_image(name, page),
            figure_citation=lambda name: _figure_citation(name, page),
            link=lambda target: _source_link(target, page),
            citation=citation.cite_article(_state["article"]),
            licence=figure_index.LICENCE,
            download_formats=figure_index.DOWNLOAD_FORMATS,
            repository=config.extra.get("repository", ""),
            benchmark=_state["benchmark"],
        )
    except jinja2.TemplateError as error:
        line = getattr(error, "lineno", None)
        where = f"{page.file.src_uri}" + (f", line {line}" if line else "")
        raise PluginError(f"{where}: {error}") from error


def on_page_context(context: dict, page, config, nav) -> dict:
    """Add the article's ``citation_*`` meta tags and a notebook's extra links."""
    if page.file.src_uri == "index.md":
        context["citation_meta"] = citation.highwire_tags(_state["article"])
    if page.file.src_uri in _state["notebooks"]:
        docs = Path(config.docs_dir).resolve().relative_to(_root(config)).as_posix()
        try:
            context["colab_url"] = notebooks.colab_url(
                config.extra.get("repository", ""), f"{docs}/{page.file.src_uri}"
            )
        except ValueError as error:
            raise PluginError(str(error)) from error
        script = _notebook_download(page.file.src_uri, config).removesuffix(".ipynb")
        context["script_url"] = get_relative_url(script + ".py", page.url)
    return context


_SEARCH_DIALOG = 'data-md-component="search" role="dialog"'
_NOTEBOOK_CODE = '<div class="highlight-ipynb hl-python">'


def on_post_page(output: str, page, config) -> str:
    """Convert LaTeX to MathML and strip notebook scripts that load from other hosts.

    Also gives the search dialog an accessible name and makes notebook code cells,
    which scroll sideways, focusable.
    """
    try:
        output = render_math(output)
    except ValueError as error:
        raise PluginError(f"{page.file.src_uri}: {error}") from error
    if page.file.src_uri.endswith(".ipynb"):
        output = remove_external_scripts(output)
        # Keyboard users can scroll a wide code cell only if it can take focus.
        output = output.replace(_NOTEBOOK_CODE, _NOTEBOOK_CODE[:-1] + ' tabindex="0">')
    # mkdocs-material 9.8 gives its search dialog no accessible name.
    return output.replace(_SEARCH_DIALOG, _SEARCH_DIALOG + ' aria-label="Search"', 1)

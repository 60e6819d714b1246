"""MkDocs hooks: bring the outputs up to date, add them to the site, fill in numbers.

``mkdocs.yml`` lists this file under ``hooks:``. On every build, including each
rebuild of ``mkdocs serve``, the hooks

1. run the pipeline, which does nothing when every cache entry is current;
2. add the published release (figures, ``metrics.json``, executed notebooks) to
   the site's files, replacing each source notebook with its executed copy;
3. render every Markdown page as a Jinja2 template with the metrics, so numbers in
   the text come from the build, and ``figure(name)`` inserts a numbered figure;
4. convert LaTeX to MathML and drop scripts that would load from other hosts.

Set ``NONLINEAR_PIPELINE=off`` to build from the current release without checking
the cache (used to time a bare ``mkdocs build``).
"""

from __future__ import annotations

import json
import logging
import os
import posixpath
import re
import sys
import time
from pathlib import Path

import jinja2
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files

from nonlinear import experiments, pipeline
from nonlinear.cli import Progress, format_summary
from nonlinear.config import ConfigError
from nonlinear.mathml import remove_external_scripts, render_math

logger = logging.getLogger("mkdocs.hooks.nonlinear")

_state: dict = {}

_FIGURE_CALL = re.compile(r"""figure\(\s*["']([\w.-]+)["']""")


def _paths(config) -> pipeline.Paths:
    root = Path(config.config_file_path).resolve().parent
    build = Path(os.environ.get("NONLINEAR_BUILD_DIR", root / "build"))
    return pipeline.Paths(docs=Path(config.docs_dir), build=build.resolve())


@event_priority(100)
def on_pre_build(config) -> None:
    """Run the pipeline and load the metrics of the published release."""
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
    _state.update(release=release, metrics=metrics, numbers=_figure_numbers(paths.docs))


def _figure_numbers(docs: Path) -> dict[str, int]:
    """Number figures in their order in the article, then the rest in registry order."""
    names = []
    article = docs / "index.md"
    if article.is_file():
        names = _FIGURE_CALL.findall(article.read_text(encoding="utf-8"))
    for name in experiments.figure_specs():
        if name not in names:
            names.append(name)
    return {name: number for number, name in enumerate(dict.fromkeys(names), start=1)}


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
        if existing is not None:
            files.remove(existing)
        files.append(File.generated(config, uri, abs_src_path=str(path)))
    return files


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


def _figure_markdown(name: str, page) -> str:
    specs = experiments.figure_specs()
    if name not in specs:
        raise PluginError(
            f"{page.file.src_uri}: unknown figure {name!r}; "
            f"choose from {', '.join(sorted(specs))}."
        )
    experiment, spec = specs[name]
    values = _state["metrics"]["experiments"].get(experiment.name, {})
    caption = spec.caption.format(**values)
    alt = spec.alt.format(**values).replace("[", "(").replace("]", ")")
    number = _state["numbers"][name]
    folder = posixpath.dirname(page.file.src_uri)
    image = posixpath.relpath(f"figures/{name}.webp", folder or ".")
    downloads = " · ".join(
        f"[{extension.upper()}]({posixpath.relpath(f'figures/{name}.{extension}', folder or '.')})"
        for extension in ("png", "svg", "pdf")
    )
    return (
        f'<figure class="article-figure" id="figure-{name}" markdown="span">\n'
        f"![{alt}]({image}){{ loading=lazy }}\n"
        f"<figcaption markdown=\"span\">**Figure {number}.** {caption} "
        f"Download: {downloads}</figcaption>\n"
        "</figure>"
    )


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
        )
    except jinja2.TemplateError as error:
        line = getattr(error, "lineno", None)
        where = f"{page.file.src_uri}" + (f", line {line}" if line else "")
        raise PluginError(f"{where}: {error}") from error


def on_post_page(output: str, page, config) -> str:
    """Convert LaTeX to MathML; strip notebook scripts that load from other hosts."""
    try:
        output = render_math(output)
    except ValueError as error:
        raise PluginError(f"{page.file.src_uri}: {error}") from error
    if page.file.src_uri.endswith(".ipynb"):
        output = remove_external_scripts(output)
    return output

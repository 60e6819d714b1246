"""The figure index: one numbering of every figure and ``figures/index.json``.

Figures are numbered in the order in which ``docs/index.md`` inserts them with
``figure("<name>")``, then the remaining figures of the registry in registry
order. The article, the figures page and ``figures/index.json`` all read the
numbers from :func:`figure_records`, so they always agree.
"""

from __future__ import annotations

import dataclasses
import json
import re
import struct
from collections.abc import Iterable, Mapping
from pathlib import Path

from nonlinear.cache import file_sha256
from nonlinear.specs import Experiment, FigureSpec

#: A ``figure("<name>")`` call in a Markdown page.
FIGURE_CALL = re.compile(r"""figure\(\s*["']([\w.-]+)["']""")

#: Licence of every figure: SPDX id, short name, deed and legal code.
LICENCE = {
    "id": "CC-BY-4.0",
    "name": "CC BY 4.0",
    "url": "https://creativecommons.org/licenses/by/4.0/",
    "legalcode": "https://creativecommons.org/licenses/by/4.0/legalcode",
}

#: Formats offered for download on the figures page, in the order shown.
DOWNLOAD_FORMATS = ("png", "svg", "pdf", "gif")

#: Path of the figures page on the site; figure citations link to its anchors.
FIGURES_PAGE = "figure-index/"

_MEDIA_TYPES = {
    "png": "image/png",
    "svg": "image/svg+xml",
    "pdf": "application/pdf",
    "webp": "image/webp",
    "gif": "image/gif",
}


class FigureIndexError(ValueError):
    """A figure or alias name clashes, or a figure has no published files."""


@dataclasses.dataclass(frozen=True)
class FigureFile:
    """One published file of a figure."""

    url: str
    sha256: str
    bytes: int
    media_type: str
    width: int | None = None
    height: int | None = None
    dpi: int | None = None


@dataclasses.dataclass(frozen=True)
class FigureRecord:
    """Everything the site publishes about one figure."""

    number: int
    name: str
    caption: str
    alt: str
    experiment: str
    description: str
    seed: int
    files: dict[str, FigureFile]
    aliases: tuple[str, ...] = ()

    @property
    def anchor(self) -> str:
        """Fragment id of the figure in the article and on the figures page."""
        return f"figure-{self.name}"

    @property
    def page_url(self) -> str:
        """URL of the figure's entry on the figures page, relative to the site root."""
        return f"{FIGURES_PAGE}#{self.anchor}"


def figure_numbers(article_markdown: str, registry: Iterable[str]) -> dict[str, int]:
    """Number figures in their order in the article, then the rest in registry order.

    Args:
        article_markdown: Source of the article page.
        registry: Names of every figure of the site, in registry order.

    Returns:
        Figure numbers from 1, by name; names that the article uses but the
        registry lacks are left out (rendering the page reports them).
    """
    registry = list(registry)
    known = set(registry)
    ordered = [name for name in FIGURE_CALL.findall(article_markdown) if name in known]
    ordered += registry
    return {name: number for number, name in enumerate(dict.fromkeys(ordered), start=1)}


def format_text(template: str, metrics: Mapping) -> str:
    """Fill a caption or alt text's ``str.format`` fields with an experiment's metrics.

    Raises:
        FigureIndexError: If the text names a metric that the experiment lacks.
    """
    try:
        return template.format(**metrics)
    except (KeyError, IndexError, ValueError) as error:
        raise FigureIndexError(
            f"Cannot fill {template!r} from the metrics ({error}); use only the "
            f"fields {', '.join(sorted(metrics)) or '(none)'}."
        ) from error


def figure_records(
    specs: Mapping[str, tuple[Experiment, FigureSpec]],
    numbers: Mapping[str, int],
    metrics: Mapping,
    figures_folder: Path,
) -> list[FigureRecord]:
    """Describe every figure: number, texts, provenance and published files.

    Args:
        specs: Every figure by name with the experiment that writes it, as
            :func:`nonlinear.experiments.figure_specs` returns.
        numbers: Figure numbers by name, from :func:`figure_numbers`.
        metrics: Contents of ``metrics.json``.
        figures_folder: The release's ``figures/`` folder.

    Returns:
        One record per figure, in number order.

    Raises:
        FigureIndexError: If an alias repeats a figure name or another alias, or
            a figure has no file in ``figures_folder``.
    """
    _check_aliases(specs)
    site_seed = metrics["provenance"]["seed"]
    records = []
    for name, (experiment, spec) in specs.items():
        values = metrics["experiments"].get(experiment.name, {})
        paths = [Path(figures_folder) / f"{name}.{extension}" for extension in _MEDIA_TYPES]
        files = {path.suffix[1:]: _describe_file(path) for path in paths if path.is_file()}
        if not files:
            raise FigureIndexError(
                f"Figure {name!r} of experiment {experiment.name!r} has no file in "
                f"{figures_folder}; rebuild with `python -m nonlinear build`."
            )
        records.append(
            FigureRecord(
                number=numbers[name],
                name=name,
                caption=format_text(spec.caption, values),
                alt=format_text(spec.alt, values),
                experiment=experiment.name,
                description=experiment.description,
                seed=int(values.get("seed", site_seed)),
                files=files,
                aliases=tuple(spec.aliases),
            )
        )
    return sorted(records, key=lambda record: record.number)


def _check_aliases(specs: Mapping[str, tuple[Experiment, FigureSpec]]) -> None:
    owners: dict[str, str] = {name: name for name in specs}
    for name, (_, spec) in specs.items():
        for alias in spec.aliases:
            if alias in owners:
                raise FigureIndexError(
                    f"Alias {alias!r} of figure {name!r} is already the name or an "
                    f"alias of figure {owners[alias]!r}; every published name must "
                    "belong to one figure."
                )
            owners[alias] = name


def _describe_file(path: Path) -> FigureFile:
    extension = path.suffix[1:]
    width = height = dpi = None
    if extension == "png":
        width, height, dpi = png_size(path)
    elif extension == "gif":
        width, height = gif_size(path)
    return FigureFile(
        url=f"figures/{path.name}",
        sha256=file_sha256(path),
        bytes=path.stat().st_size,
        media_type=_MEDIA_TYPES[extension],
        width=width,
        height=height,
        dpi=dpi,
    )


def png_size(path: Path) -> tuple[int, int, int | None]:
    """Return a PNG's width and height in pixels and its resolution in dpi.

    The resolution comes from the ``pHYs`` chunk and is ``None`` when the file
    has none or gives no unit.

    Raises:
        FigureIndexError: If the file is not a PNG.
    """
    data = Path(path).read_bytes()
    if data[:8] != b"\x89PNG\r\n\x1a\n" or data[12:16] != b"IHDR":
        raise FigureIndexError(f"{path} is not a PNG file.")
    width, height = struct.unpack(">II", data[16:24])
    offset = 8
    while offset + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[offset : offset + 8])
        if kind == b"pHYs":
            x_per_metre, _, unit = struct.unpack(">IIB", data[offset + 8 : offset + 17])
            # Unit 1 is the metre; 0.0254 m per inch.
            return width, height, round(x_per_metre * 0.0254) if unit == 1 else None
        if kind == b"IDAT":
            break
        offset += 12 + length
    return width, height, None


def gif_size(path: Path) -> tuple[int, int]:
    """Return a GIF's width and height in pixels, from its logical screen descriptor.

    Raises:
        FigureIndexError: If the file is not a GIF.
    """
    with open(path, "rb") as file:
        header = file.read(10)
    if header[:6] not in (b"GIF87a", b"GIF89a"):
        raise FigureIndexError(f"{path} is not a GIF file.")
    width, height = struct.unpack("<HH", header[6:10])
    return width, height


def alias_files(records: Iterable[FigureRecord]) -> dict[str, str]:
    """Map each alias path, such as ``figures/old.png``, to the file it copies."""
    aliases = {}
    for record in records:
        for alias in record.aliases:
            for extension, file in record.files.items():
                aliases[f"figures/{alias}.{extension}"] = file.url
    return dict(sorted(aliases.items()))


def index_document(records: Iterable[FigureRecord]) -> bytes:
    """Return ``figures/index.json``: every figure with its files, hashes and licence.

    The output depends only on the records: keys are sorted and it carries no
    date, so the same figures give the same bytes.
    """
    figures = []
    for record in records:
        formats = {}
        for extension, file in record.files.items():
            entry = {"url": file.url, "sha256": file.sha256, "bytes": file.bytes,
                     "media_type": file.media_type}
            if file.width is not None:
                entry.update(width=file.width, height=file.height)
            if file.dpi is not None:
                entry["dpi"] = file.dpi
            formats[extension] = entry
        figures.append(
            {
                "number": record.number,
                "name": record.name,
                "caption": record.caption,
                "alt": record.alt,
                "experiment": record.experiment,
                "experiment_description": record.description,
                "seed": record.seed,
                "licence": LICENCE,
                "page": record.page_url,
                "aliases": list(record.aliases),
                "formats": formats,
            }
        )
    document = {
        "licence": LICENCE,
        "figures_page": FIGURES_PAGE,
        "figures": figures,
    }
    text = json.dumps(document, sort_keys=True, indent=2, ensure_ascii=False)
    return (text + "\n").encode("utf-8")

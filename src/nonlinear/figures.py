"""Saving matplotlib figures as files that are identical from build to build.

Matplotlib writes a creation date into SVG and PDF files, a version tag into all
formats, and random ids into SVG clip paths unless ``svg.hashsalt`` is fixed.
:func:`save_figure` removes the first two and fixes the salt, so the same figure
drawn in two processes gives the same bytes.

Matplotlib also prefers a system copy of a font, such as Debian's DejaVu Sans, to
the copy it ships, and the two versions differ in glyphs and spacing. Importing
this module restricts matplotlib to the fonts it ships, so figures do not depend
on the fonts a machine has installed.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
from matplotlib import font_manager  # noqa: E402

#: File formats written for every figure. PNG is for slides and print, WebP is the
#: lighter copy that the site's pages show.
FORMATS = ("png", "svg", "pdf", "webp")

#: Resolution of PNG files: twice the 100 dpi of a screen figure, for slides.
PNG_DPI = 200

#: Resolution of each format. WebP at 1.5 times screen resolution is sharp on
#: most screens at a fraction of the PNG's bytes.
DPI = {"png": PNG_DPI, "webp": 150, "svg": 100, "pdf": 100}

#: Okabe-Ito colours, distinguishable with the common colour-vision deficiencies.
PALETTE = {
    "blue": "#0072B2",
    "orange": "#E69F00",
    "green": "#009E73",
    "vermillion": "#D55E00",
    "sky": "#56B4E9",
    "purple": "#CC79A7",
    "yellow": "#F0E442",
    "black": "#000000",
}

#: Colours of the negative and positive class in every figure.
CLASS_COLORS = (PALETTE["blue"], PALETTE["orange"])

_METADATA = {
    "png": {"Software": None},
    "svg": {"Date": None, "Creator": None},
    "pdf": {"CreationDate": None, "ModDate": None, "Creator": None, "Producer": None},
    "webp": None,
}

_PIL_OPTIONS = {"webp": {"quality": 85, "method": 6}}

_STYLE = {
    "svg.hashsalt": "nonlinear-activations",
    "svg.fonttype": "path",
    "pdf.fonttype": 42,
    "font.size": 12,
    "axes.titlesize": 13,
    "axes.labelsize": 12,
    "legend.fontsize": 11,
    "figure.facecolor": "white",
    "savefig.facecolor": "white",
    "axes.spines.top": False,
    "axes.spines.right": False,
}


def use_bundled_fonts() -> None:
    """Let matplotlib find only the fonts in its own package, never a system copy.

    The font list is rebuilt from matplotlib's folders, in sorted order, rather
    than filtered from its font cache, which all environments of a user share and
    which may lack the bundled fonts.
    """
    manager = font_manager.fontManager
    bundled = Path(matplotlib.get_data_path()) / "fonts"
    listed = [*manager.ttflist, *manager.afmlist]
    if listed and all(Path(font.fname).is_relative_to(bundled) for font in listed):
        return
    folders = [str(bundled / folder) for folder in ("ttf", "afm", "pdfcorefonts")]
    manager.ttflist = []
    manager.afmlist = []
    for extension in ("afm", "ttf"):
        for path in sorted(font_manager.findSystemFonts(folders, fontext=extension)):
            manager.addfont(path)
    # findfont() caches its results, including those found among the system fonts.
    font_manager.FontManager._findfont_cached.cache_clear()


def apply_style() -> None:
    """Set the matplotlib settings that every figure of the site shares."""
    use_bundled_fonts()
    plt.rcParams.update(_STYLE)


use_bundled_fonts()


def save_figure(
    figure: plt.Figure,
    directory: Path,
    name: str,
    formats: Iterable[str] = FORMATS,
) -> list[Path]:
    """Save a figure in several formats and close it.

    Args:
        figure: The figure to save.
        directory: Folder to write into; created if missing.
        name: File name without extension, for example ``"decision-regions-relu"``.
        formats: Extensions to write, a subset of :data:`FORMATS`.

    Returns:
        The written paths, in the order of ``formats``.

    Raises:
        ValueError: If a format is not one of :data:`FORMATS`.
    """
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    try:
        for extension in formats:
            if extension not in FORMATS:
                raise ValueError(
                    f"Unsupported figure format {extension!r}; "
                    f"choose from {', '.join(FORMATS)}."
                )
            path = directory / f"{name}.{extension}"
            # Only the Pillow-backed formats accept pil_kwargs; SVG and PDF raise on it.
            options = {}
            if extension in _PIL_OPTIONS:
                options["pil_kwargs"] = _PIL_OPTIONS[extension]
            with plt.rc_context(_STYLE):
                figure.savefig(
                    path,
                    format=extension,
                    dpi=DPI[extension],
                    metadata=_METADATA[extension],
                    bbox_inches="tight",
                    **options,
                )
            paths.append(path)
    finally:
        plt.close(figure)
    return paths


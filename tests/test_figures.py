"""Tests of save_figure: formats, metadata, and identical bytes across processes."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import matplotlib
import matplotlib.pyplot as plt
from matplotlib import font_manager
import pytest
from PIL import Image

from nonlinear.figures import FORMATS, PNG_DPI, apply_style, save_figure

# Draws the kinds of artist that the site's figures use (filled contours, scatter
# markers, a legend, mathtext and clip paths) with matplotlib alone, which starts
# faster than importing nonlinear.plotting and mlxtend, and saves the figure into
# the folder given as argv[1].
DRAW_SCRIPT = textwrap.dedent(
    """
    import sys
    from pathlib import Path

    import matplotlib.pyplot as plt
    import numpy as np

    from nonlinear.figures import apply_style, save_figure

    apply_style()
    xx, yy = np.meshgrid(np.linspace(-2, 2, 60), np.linspace(-2, 2, 40))
    X = np.random.default_rng(0).normal(size=(40, 2))
    figure, ax = plt.subplots(figsize=(6.4, 4.8))
    ax.contourf(xx, yy, (xx * yy > 0).astype(int), levels=[-0.5, 0.5, 1.5], alpha=0.35)
    ax.scatter(X[:, 0], X[:, 1], marker="s", edgecolors="black", label="class 0")
    ax.legend(loc="upper right")
    ax.set(title="XOR regions", xlabel="$x_1$", ylabel="$x_2$")
    save_figure(figure, Path(sys.argv[1]), "regions")
    """
)


def _line_figure():
    apply_style()
    figure, ax = plt.subplots(figsize=(3, 2))
    ax.plot([0, 1, 2], [1, 0, 1], label="line")
    ax.set_title("A title")
    ax.legend()
    return figure


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def test_save_figure_writes_every_format(tmp_path):
    paths = save_figure(_line_figure(), tmp_path / "new" / "folder", "line")
    expected = [f"line.{extension}" for extension in FORMATS]
    assert [path.name for path in paths] == expected
    for path in paths:
        assert path.stat().st_size > 0, path


def test_save_figure_subset_in_order(tmp_path):
    paths = save_figure(_line_figure(), tmp_path, "line", formats=("svg", "png"))
    assert [path.name for path in paths] == ["line.svg", "line.png"]
    assert sorted(path.name for path in tmp_path.iterdir()) == ["line.png", "line.svg"]


def test_save_figure_closes_figure(tmp_path):
    figure = _line_figure()
    save_figure(figure, tmp_path, "line", formats=("png",))
    assert not plt.fignum_exists(figure.number)


def test_save_figure_unknown_format(tmp_path):
    figure = _line_figure()
    message = r"Unsupported figure format 'jpg'; choose from png"
    with pytest.raises(ValueError, match=message):
        save_figure(figure, tmp_path, "line", formats=("jpg",))
    assert not plt.fignum_exists(figure.number)


def test_save_figure_png_dpi(tmp_path):
    (path,) = save_figure(_line_figure(), tmp_path, "line", formats=("png",))
    with Image.open(path) as image:
        dpi = image.info["dpi"]
    assert dpi == pytest.approx((PNG_DPI, PNG_DPI), abs=0.01)


def test_save_figure_png_no_software(tmp_path):
    (path,) = save_figure(_line_figure(), tmp_path, "line", formats=("png",))
    data = path.read_bytes()
    assert b"Software" not in data
    assert b"matplotlib" not in data.lower()


def test_save_figure_svg_no_date_or_version(tmp_path):
    (path,) = save_figure(_line_figure(), tmp_path, "line", formats=("svg",))
    text = path.read_text(encoding="utf-8")
    assert "<dc:date>" not in text
    assert "Matplotlib v" not in text
    assert matplotlib.__version__ not in text


def test_save_figure_pdf_no_date_or_version(tmp_path):
    (path,) = save_figure(_line_figure(), tmp_path, "line", formats=("pdf",))
    data = path.read_bytes()
    assert b"/CreationDate" not in data
    assert b"/ModDate" not in data
    assert b"Matplotlib" not in data
    assert matplotlib.__version__.encode() not in data


def test_save_figure_keeps_global_settings(tmp_path):
    with plt.rc_context({"svg.hashsalt": None}):
        figure, ax = plt.subplots()
        ax.plot([0, 1], [0, 1])
        save_figure(figure, tmp_path, "line", formats=("svg",))
        assert plt.rcParams["svg.hashsalt"] is None


def test_formats_include_print_and_vector():
    assert {"png", "svg", "pdf"} <= set(FORMATS)


@pytest.mark.slow
def test_save_figure_identical_across_processes(tmp_path):
    folders = [tmp_path / "first", tmp_path / "second"]
    processes = []
    for hash_seed, folder in zip(("1", "2"), folders, strict=True):
        # Different hash seeds, so that no id may depend on Python's string hashing.
        env = {**os.environ, "PYTHONHASHSEED": hash_seed, "MPLBACKEND": "Agg"}
        processes.append(
            subprocess.Popen(
                [sys.executable, "-c", DRAW_SCRIPT, str(folder)],
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
            )
        )
    for process in processes:
        _, stderr = process.communicate(timeout=120)
        assert process.returncode == 0, stderr.decode()

    for extension in FORMATS:
        first = (folders[0] / f"regions.{extension}").read_bytes()
        second = (folders[1] / f"regions.{extension}").read_bytes()
        assert first == second, f"{extension} files differ between processes"
    svg = (folders[0] / "regions.svg").read_text(encoding="utf-8")
    pdf = (folders[0] / "regions.pdf").read_bytes()
    assert "<dc:date>" not in svg
    assert matplotlib.__version__ not in svg
    assert b"/CreationDate" not in pdf
    assert matplotlib.__version__.encode() not in pdf


def test_fonts_come_from_matplotlib():
    data_path = matplotlib.get_data_path()
    for properties in ({}, {"style": "oblique"}, {"family": "monospace"}):
        path = font_manager.findfont(font_manager.FontProperties(**properties))
        assert path.startswith(data_path), (properties, path)


# Writes a font cache that lists only the system's fonts, such as a cache left
# by another environment, into the MPLCONFIGDIR given as argv[1].
SYSTEM_FONT_CACHE_SCRIPT = textwrap.dedent(
    """
    import sys
    from pathlib import Path

    import matplotlib
    from matplotlib import font_manager

    manager = font_manager.FontManager()
    bundled = Path(matplotlib.get_data_path())
    manager.ttflist = [font for font in manager.ttflist
                       if not Path(font.fname).is_relative_to(bundled)]
    manager.afmlist = [font for font in manager.afmlist
                       if not Path(font.fname).is_relative_to(bundled)]
    name = f"fontlist-v{font_manager.FontManager.__version__}.json"
    font_manager.json_dump(manager, Path(sys.argv[1]) / name)
    """
)


@pytest.mark.slow
def test_save_figure_independent_of_font_cache(tmp_path):
    # One process draws with an empty font cache. The other draws with a cache
    # that lists none of matplotlib's own fonts, and its files must be identical.
    configs = {"fresh": tmp_path / "fresh-config", "system": tmp_path / "system-config"}
    for config in configs.values():
        config.mkdir()
    subprocess.run([sys.executable, "-c", SYSTEM_FONT_CACHE_SCRIPT, str(configs["system"])],
                   check=True, timeout=120)
    for name, config in configs.items():
        env = {**os.environ, "MPLCONFIGDIR": str(config), "MPLBACKEND": "Agg"}
        result = subprocess.run([sys.executable, "-c", DRAW_SCRIPT, str(tmp_path / name)],
                                env=env, capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, result.stderr

    for extension in FORMATS:
        fresh = (tmp_path / "fresh" / f"regions.{extension}").read_bytes()
        system = (tmp_path / "system" / f"regions.{extension}").read_bytes()
        assert fresh == system, f"{extension} files depend on the font cache"

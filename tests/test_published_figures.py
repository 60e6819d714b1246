"""Published figure URLs stay published: a built site must still serve every one.

``tests/published_figures.txt`` lists every ``figures/<name>.<ext>`` that the site
has published. New figures may be added; a listed file that disappears fails the
test. Run this file as a script on a built site to print the files not yet listed:
``python tests/test_published_figures.py site``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

LIST_FILE = Path(__file__).with_name("published_figures.txt")


def read_published(path: Path = LIST_FILE) -> list[str]:
    """Return the listed site paths, without comments and blank lines."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def check_published(site: Path, published: list[str]) -> None:
    """Raise AssertionError naming every listed file that the built site lacks."""
    missing = [path for path in published if not (site / path).is_file()]
    if missing:
        raise AssertionError(
            f"{len(missing)} published figure file(s) missing from the built site: "
            f"{', '.join(missing)}. A published figure URL must keep working: if you "
            "renamed a figure, keep the old name working by adding it to the figure's "
            "FigureSpec.aliases instead of deleting it from tests/published_figures.txt."
        )


def unlisted_files(site: Path, published: list[str]) -> list[str]:
    """Return the site's figure files that the list does not contain yet."""
    listed = set(published)
    built = sorted(f"figures/{path.name}" for path in (site / "figures").iterdir())
    return [path for path in built if path not in listed]


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    from built_site import build_site

    return build_site(tmp_path_factory)


def test_list_entries_are_figure_files():
    published = read_published()
    assert published, f"{LIST_FILE} lists no file"
    assert len(published) == len(set(published)), "a file is listed twice"
    for path in published:
        assert path.startswith("figures/"), path
        assert path.count("/") == 1, path


def test_list_covers_every_format():
    published = set(read_published())
    names = {Path(path).stem for path in published if path.endswith(".png")}
    for name in names:
        for extension in ("png", "svg", "pdf", "webp"):
            assert f"figures/{name}.{extension}" in published, (name, extension)


def test_check_fails_on_missing_file(tmp_path):
    (tmp_path / "figures").mkdir()
    (tmp_path / "figures" / "kept.png").write_bytes(b"png")
    message = r"1 published figure file\(s\) missing .*figures/renamed\.svg\. .*keep the old name working"
    with pytest.raises(AssertionError, match=message):
        check_published(tmp_path, ["figures/kept.png", "figures/renamed.svg"])


def test_check_passes_with_new_files(tmp_path):
    (tmp_path / "figures").mkdir()
    for name in ("kept.png", "new.png"):
        (tmp_path / "figures" / name).write_bytes(b"png")
    check_published(tmp_path, ["figures/kept.png"])
    assert unlisted_files(tmp_path, ["figures/kept.png"]) == ["figures/new.png"]


@pytest.mark.slow
def test_site_serves_every_published_figure(site):
    check_published(site, read_published())


@pytest.mark.slow
def test_figures_page_keeps_anchors(site):
    page = (site / "figure-index" / "index.html").read_text(encoding="utf-8")
    names = {Path(path).stem for path in read_published() if path != "figures/index.json"}
    for name in sorted(names):
        assert f'id="figure-{name}"' in page, name


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python tests/test_published_figures.py SITE_DIR")
    for line in unlisted_files(Path(sys.argv[1]), read_published()):
        print(line)

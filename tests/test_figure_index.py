"""Tests of the figure numbering, the figure records and ``figures/index.json``.

The tests at the end build the site and check the published ``figures/index.json``
against the published files.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pytest
from built_site import build_site
from PIL import Image

from nonlinear import experiments, figure_index
from nonlinear.figure_index import FigureIndexError
from nonlinear.specs import Experiment, FigureSpec

METRICS = {
    "experiments": {
        "trained": {"test_accuracy": 0.875, "seed": 7},
        "drawn": {},
    },
    "provenance": {"seed": 42},
}


def _specs(**aliases) -> dict[str, tuple[Experiment, FigureSpec]]:
    """Return three figures of two experiments; keywords give a figure's aliases."""
    trained = Experiment(
        "trained", "A trained network", "module:run", {},
        figures=(
            FigureSpec("regions", "Accuracy {test_accuracy:.1%}.", "Regions, {test_accuracy:.0%}.",
                       aliases=tuple(aliases.get("regions", ()))),
            FigureSpec("curves", "Curves.", "Two line charts."),
        ),
    )
    drawn = Experiment(
        "drawn", "A diagram", "module:draw", {},
        figures=(FigureSpec("diagram", "A diagram.", "Boxes and arrows.",
                            aliases=tuple(aliases.get("diagram", ()))),),
    )
    return {
        spec.name: (experiment, spec)
        for experiment in (trained, drawn)
        for spec in experiment.figures
    }


@pytest.fixture
def release_figures(tmp_path) -> Path:
    """Write every format of the three figures; PNGs are real, 20 x 10 at 200 dpi."""
    folder = tmp_path / "figures"
    folder.mkdir()
    for name in ("regions", "curves", "diagram"):
        Image.new("RGB", (20, 10), "white").save(folder / f"{name}.png", dpi=(200, 200))
        for extension in ("svg", "pdf", "webp"):
            (folder / f"{name}.{extension}").write_bytes(f"{name}.{extension}".encode())
    return folder


def _records(release_figures, specs=None, article="") -> list[figure_index.FigureRecord]:
    specs = specs or _specs()
    numbers = figure_index.figure_numbers(article, specs)
    return figure_index.figure_records(specs, numbers, METRICS, release_figures)


def test_numbers_follow_article_then_registry():
    article = 'Text {{ figure("diagram") }} more {{ figure( "regions" ) }}'
    numbers = figure_index.figure_numbers(article, ["regions", "curves", "diagram"])
    assert numbers == {"diagram": 1, "regions": 2, "curves": 3}


def test_numbers_count_repeated_figure_once():
    article = "{{ figure('curves') }} {{ figure('curves') }}"
    numbers = figure_index.figure_numbers(article, ["regions", "curves"])
    assert numbers == {"curves": 1, "regions": 2}


def test_numbers_skip_unknown_figures():
    article = "{{ figure('missing') }} {{ figure('curves') }}"
    numbers = figure_index.figure_numbers(article, ["regions", "curves"])
    assert numbers == {"curves": 1, "regions": 2}


def test_numbers_without_article():
    assert figure_index.figure_numbers("", ["b", "a"]) == {"b": 1, "a": 2}


def test_numbers_of_site_follow_article():
    article = (Path(__file__).resolve().parents[1] / "docs" / "index.md").read_text(
        encoding="utf-8"
    )
    specs = experiments.figure_specs()
    numbers = figure_index.figure_numbers(article, specs)
    assert sorted(numbers.values()) == list(range(1, len(specs) + 1))
    assert numbers["diagram-network"] == 1
    in_article = figure_index.FIGURE_CALL.findall(article)
    assert [numbers[name] for name in in_article] == sorted(numbers[n] for n in in_article)


def test_records_in_number_order(release_figures):
    records = _records(release_figures, article="{{ figure('diagram') }}")
    assert [(record.number, record.name) for record in records] == [
        (1, "diagram"), (2, "regions"), (3, "curves"),
    ]


def test_records_fill_captions_from_metrics(release_figures):
    regions = _records(release_figures)[0]
    assert regions.caption == "Accuracy 87.5%."
    assert regions.alt == "Regions, 88%."


def test_records_provenance(release_figures):
    by_name = {record.name: record for record in _records(release_figures)}
    assert by_name["regions"].experiment == "trained"
    assert by_name["regions"].description == "A trained network"
    # An experiment that reports its seed gives it; the others use the site's seed.
    assert by_name["regions"].seed == 7
    assert by_name["diagram"].seed == 42


def test_records_files(release_figures):
    regions = _records(release_figures)[0]
    assert sorted(regions.files) == ["pdf", "png", "svg", "webp"]
    png = regions.files["png"]
    assert png.url == "figures/regions.png"
    assert (png.width, png.height, png.dpi) == (20, 10, 200)
    assert png.media_type == "image/png"
    svg = regions.files["svg"]
    assert svg.sha256 == hashlib.sha256(b"regions.svg").hexdigest()
    assert svg.bytes == len(b"regions.svg")
    assert svg.dpi is None


def test_records_anchor_and_page(release_figures):
    regions = _records(release_figures)[0]
    assert regions.anchor == "figure-regions"
    assert regions.page_url == "figure-index/#figure-regions"


def test_records_missing_files(release_figures):
    for path in release_figures.glob("curves.*"):
        path.unlink()
    with pytest.raises(FigureIndexError, match=r"Figure 'curves' of experiment 'trained' has no file"):
        _records(release_figures)


def test_records_unknown_caption_field(release_figures):
    specs = _specs()
    experiment, spec = specs["curves"]
    specs["curves"] = (experiment, FigureSpec("curves", "Over {epochs} epochs.", "Curves."))
    with pytest.raises(FigureIndexError, match=r"Cannot fill 'Over \{epochs\} epochs\.'.*use only"):
        _records(release_figures, specs)


@pytest.mark.parametrize(
    ("aliases", "message"),
    [
        ({"regions": ["curves"]}, r"Alias 'curves' of figure 'regions' is already the name"),
        ({"regions": ["old"], "diagram": ["old"]},
         r"Alias 'old' of figure 'diagram' is already the name or an alias of figure 'regions'"),
    ],
)
def test_records_alias_clash(release_figures, aliases, message):
    with pytest.raises(FigureIndexError, match=message):
        _records(release_figures, _specs(**aliases))


def test_alias_files(release_figures):
    records = _records(release_figures, _specs(regions=["old-regions"]))
    assert figure_index.alias_files(records) == {
        "figures/old-regions.pdf": "figures/regions.pdf",
        "figures/old-regions.png": "figures/regions.png",
        "figures/old-regions.svg": "figures/regions.svg",
        "figures/old-regions.webp": "figures/regions.webp",
    }


def test_registry_aliases_valid():
    figure_index._check_aliases(experiments.figure_specs())


def test_png_size_without_resolution(tmp_path):
    path = tmp_path / "plain.png"
    Image.new("RGB", (3, 4)).save(path)
    assert figure_index.png_size(path) == (3, 4, None)


def test_png_size_rejects_other_files(tmp_path):
    path = tmp_path / "fake.png"
    path.write_bytes(b"GIF89a not a png")
    with pytest.raises(FigureIndexError, match=r"fake\.png is not a PNG file"):
        figure_index.png_size(path)


def test_gif_size_of_animation(tmp_path):
    path = tmp_path / "frames.gif"
    frames = [Image.new("P", (7, 5), color) for color in (0, 1)]
    frames[0].save(path, save_all=True, append_images=frames[1:])
    assert figure_index.gif_size(path) == (7, 5)


def test_gif_size_rejects_other_files(tmp_path):
    path = tmp_path / "fake.gif"
    Image.new("RGB", (3, 4)).save(path, format="PNG")
    with pytest.raises(FigureIndexError, match=r"fake\.gif is not a GIF file"):
        figure_index.gif_size(path)


def test_index_document_contents(release_figures):
    records = _records(release_figures, _specs(regions=["old-regions"]))
    document = json.loads(figure_index.index_document(records))
    assert document["licence"]["id"] == "CC-BY-4.0"
    assert document["figures_page"] == "figure-index/"
    first = document["figures"][0]
    assert first["number"] == 1
    assert first["name"] == "regions"
    assert first["caption"] == "Accuracy 87.5%."
    assert first["alt"] == "Regions, 88%."
    assert first["experiment"] == "trained"
    assert first["seed"] == 7
    assert first["aliases"] == ["old-regions"]
    assert first["page"] == "figure-index/#figure-regions"
    assert first["licence"]["legalcode"] == "https://creativecommons.org/licenses/by/4.0/legalcode"
    assert first["formats"]["png"] == {
        "url": "figures/regions.png",
        "sha256": hashlib.sha256((release_figures / "regions.png").read_bytes()).hexdigest(),
        "bytes": (release_figures / "regions.png").stat().st_size,
        "media_type": "image/png",
        "width": 20,
        "height": 10,
        "dpi": 200,
    }
    assert "width" not in first["formats"]["svg"]


def test_index_document_reproducible(release_figures):
    first = figure_index.index_document(_records(release_figures))
    second = figure_index.index_document(_records(release_figures))
    assert first == second
    assert first.endswith(b"}\n")
    text = first.decode("utf-8")
    assert json.dumps(json.loads(text), sort_keys=True, indent=2, ensure_ascii=False) + "\n" == text


def test_index_document_changes_with_file(release_figures):
    before = figure_index.index_document(_records(release_figures))
    (release_figures / "curves.svg").write_bytes(b"changed")
    after = figure_index.index_document(_records(release_figures))
    assert before != after


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    return build_site(tmp_path_factory)


@pytest.fixture(scope="module")
def published_index(site) -> dict:
    return json.loads((site / "figures" / "index.json").read_text(encoding="utf-8"))


@pytest.mark.slow
def test_site_index_lists_every_figure(published_index):
    names = [figure["name"] for figure in published_index["figures"]]
    assert sorted(names) == sorted(experiments.figure_specs())
    numbers = [figure["number"] for figure in published_index["figures"]]
    assert numbers == list(range(1, len(names) + 1))


@pytest.mark.slow
def test_site_index_hashes_match_files(site, published_index):
    for figure in published_index["figures"]:
        formats = set(figure["formats"])
        # A still figure comes in every still format, an animation as a GIF only.
        assert formats in ({"png", "svg", "pdf", "webp"}, {"gif"}), figure["name"]
        for extension, entry in figure["formats"].items():
            path = site / entry["url"]
            assert entry["url"] == f"figures/{figure['name']}.{extension}"
            assert path.is_file(), path
            assert hashlib.sha256(path.read_bytes()).hexdigest() == entry["sha256"], path
            assert path.stat().st_size == entry["bytes"], path


@pytest.mark.slow
def test_site_index_provenance(published_index, site):
    metrics = json.loads((site / "metrics.json").read_text(encoding="utf-8"))
    specs = experiments.figure_specs()
    for figure in published_index["figures"]:
        experiment, spec = specs[figure["name"]]
        assert figure["experiment"] == experiment.name
        values = metrics["experiments"][experiment.name]
        assert figure["seed"] == values.get("seed", metrics["provenance"]["seed"])
        assert figure["caption"] == spec.caption.format(**values)
        assert figure["licence"]["id"] == "CC-BY-4.0"
        assert sorted(figure["formats"]) == sorted(spec.formats)
        if "png" in spec.formats:
            assert figure["formats"]["png"]["dpi"] == 200


@pytest.mark.slow
def test_site_index_matches_article_numbers(site, published_index):
    article = (site / "index.html").read_text(encoding="utf-8")
    shown = 0
    for figure in published_index["figures"]:
        match = re.search(
            rf'<figure class="article-figure" id="figure-{re.escape(figure["name"])}">'
            r".*?<strong>Figure (\d+)\.</strong>",
            article,
            flags=re.S,
        )
        if match is not None:
            shown += 1
            assert int(match.group(1)) == figure["number"], figure["name"]
    source = (Path(__file__).resolve().parents[1] / "docs" / "index.md").read_text(
        encoding="utf-8"
    )
    assert shown == len(set(figure_index.FIGURE_CALL.findall(source)))

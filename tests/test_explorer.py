"""Drive the explorer page in Debian's Chromium with the keyboard, links and reloads.

The page draws the atlas networks from the files under ``data/explorer/`` of the
built site. These tests read the same files from disk and check that the page shows
their values, on the site served at the root of 127.0.0.1 and under the sub-path of
``site_url``. Every request that leaves the local server is aborted and fails the
test. Screenshots of both colour schemes go to ``test-results/screenshots/``.
"""

from __future__ import annotations

import itertools
import json
import math
from decimal import Decimal
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from browser_support import (
    assert_clean,
    SCREENSHOT_DIR,
    open_recorded_page,
    parse_rgba,
    relative_luminance,
)
from matplotlib.colors import to_rgb
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from nonlinear.atlas import explorer
from nonlinear.atlas.plotting import REGION_COLORS
from nonlinear.figures import CLASS_COLORS

pytestmark = pytest.mark.slow

PAGE = "atlas/explorer/"
PARAMETERS = ("dataset", "activation", "depth", "seed", "epoch")
# Keys that change a control by one step: a closed <select> and a radio group.
STEP_KEYS = {"select": "ArrowDown", "input": "ArrowRight"}
# Tab presses allowed to reach the first control past the header and navigation.
MAX_TABS = 200
# Canvas pixels kept clear around each test sample when checking the shading,
# more than a marker with its ring covers.
SAMPLE_CLEARANCE = 30
# Maximum difference per colour channel, 0-255, for canvas colours.
COLOUR_TOLERANCE = 2


class ExplorerData:
    """The explorer's files in the built site, read as the page reads them."""

    def __init__(self, site: Path) -> None:
        self.folder = site / "data" / "explorer"
        self.index = self._read("index.json")
        self.choices = {
            "dataset": [item["name"] for item in self.index["datasets"]],
            "activation": [item["name"] for item in self.index["activations"]],
            "depth": [str(value) for value in self.index["depths"]],
            "seed": [str(value) for value in self.index["seeds"]],
            "epoch": [str(value) for value in self.index["epochs"]],
        }
        self.labels = {
            item["name"]: item["label"]
            for item in self.index["datasets"] + self.index["activations"]
        }

    def _read(self, relative: str) -> dict:
        return json.loads((self.folder / relative).read_text(encoding="utf-8"))

    def dataset(self, name: str) -> dict:
        return self._read(self.index["dataset_path"].format(dataset=name))

    def run(self, view: dict, seed: str | None = None) -> dict:
        values = {**view, "seed": seed or view["seed"]}
        return self._read(self.index["run_path"].format(**values))

    def default_view(self) -> dict:
        """Return the view the page shows without a query string."""
        activations = self.choices["activation"]
        return {
            "dataset": self.choices["dataset"][0],
            "activation": "relu" if "relu" in activations else activations[0],
            "depth": self.choices["depth"][-1],
            "seed": self.choices["seed"][0],
            "epoch": self.choices["epoch"][-1],
        }

    def other_view(self) -> dict:
        """Return a view that differs from the default in every parameter.

        Its test accuracy varies over the seeds, so that a wrong standard
        deviation shows.
        """
        default = self.default_view()
        others = {
            name: [value for value in reversed(values) if value != default[name]]
            for name, values in self.choices.items()
        }
        for values in itertools.product(*(others[name] for name in PARAMETERS)):
            view = dict(zip(PARAMETERS, values))
            if _seed_spread(self, view)[1] > 0:
                return view
        raise AssertionError("every view has the same test accuracy for all seeds")


@pytest.fixture(scope="module")
def data(site) -> ExplorerData:
    return ExplorerData(site)


def _query(view: dict) -> str:
    return "?" + urlencode([(name, view[name]) for name in PARAMETERS])


def _url_view(url: str) -> dict:
    return dict(parse_qsl(urlsplit(url).query, keep_blank_values=True))


def _percent(value: float) -> str:
    """Format a share as the build's own text does (the hook's ``percent`` filter)."""
    return f"{value * 100:.1f}%"


SHOWN_JS = """
() => ({
  view: document.getElementById("explorer")?.dataset.view ?? null,
  error: document.getElementById("explorer-error")?.textContent ?? null,
})
"""


def _wait_for_view(page, view: dict) -> None:
    """Wait until the page has drawn ``view``; the page names it in data-view."""
    query = _query(view)
    try:
        page.wait_for_function(
            "query => document.getElementById('explorer')?.dataset.view === query",
            arg=query,
        )
    except PlaywrightTimeoutError:
        shown = page.evaluate(SHOWN_JS)
        pytest.fail(
            f"the page did not show {query} at {page.url}; it shows {shown['view']!r}, "
            f"error message {shown['error']!r}"
        )


def _seed_spread(data: ExplorerData, view: dict) -> tuple[float, float]:
    """Return mean and population std of the test accuracy over the seeds.

    Summed in seed order, as the page sums, so the floats come out identical.
    """
    epoch = int(view["epoch"])
    values = []
    for seed in data.choices["seed"]:
        run = data.run(view, seed)
        values.append(run["test_accuracy"][run["epochs"].index(epoch)])
    mean = sum(values) / len(values)
    std = math.sqrt(sum((value - mean) ** 2 for value in values) / len(values))
    return mean, std


def _check_view(page, data: ExplorerData, view: dict) -> None:
    """Assert that the controls, the caption and the seed table show ``view``."""
    controls = page.evaluate(
        "names => names.map(name => document.getElementById('explorer-form')"
        ".elements[name].value)",
        list(PARAMETERS),
    )
    assert dict(zip(PARAMETERS, controls)) == view

    run = data.run(view)
    index = run["epochs"].index(int(view["epoch"]))
    n_test = len(data.dataset(view["dataset"])["y_test"])
    correct = int(explorer.decode_bits(run["test_correct"][index], n_test).sum())
    mean, std = _seed_spread(data, view)
    caption = page.inner_text("#explorer-caption")
    activation = data.labels[view["activation"]]
    dataset = data.labels[view["dataset"]]
    n_seeds = len(data.choices["seed"])
    expected = [
        f"{activation}, depth {view['depth']}, seed {view['seed']}, "
        f"epoch {view['epoch']} on {dataset}",
        f"test accuracy {_percent(run['test_accuracy'][index])} ",
        f"({correct} of {n_test} test samples)",
        f"training loss {run['train_loss'][index]:.4f}.",
        f"Over the {n_seeds} seeds: mean test accuracy {_percent(mean)}",
        f"standard deviation {std * 100:.1f} percentage points",
    ]
    for text in expected:
        assert text in caption

    rows = page.locator("#explorer-seeds tbody tr").all_inner_texts()
    assert len(rows) == len(data.choices["seed"])
    shown_rows = [row for row in rows if "(shown)" in row]
    assert len(shown_rows) == 1
    assert shown_rows[0].startswith(view["seed"])
    assert _percent(run["test_accuracy"][index]) in shown_rows[0]
    footer = page.inner_text("#explorer-seeds tfoot")
    assert f"{_percent(mean)} ± {std * 100:.1f}" in footer


CANVAS_PIXELS_JS = """
points => {
  const canvas = document.getElementById("explorer-canvas");
  const context = canvas.getContext("2d");
  const pixels = context.getImageData(0, 0, canvas.width, canvas.height).data;
  return points.map(([x, y]) => {
    const offset = 4 * (y * canvas.width + x);
    return Array.from(pixels.slice(offset, offset + 3));
  });
}
"""


def _rgb255(colour) -> list[int]:
    return [round(channel * 255) for channel in to_rgb(colour)]


def _colour_matches(actual: list[int], expected: list[int]) -> bool:
    return all(abs(a - e) <= COLOUR_TOLERANCE for a, e in zip(actual, expected))


def _check_canvas(page, data: ExplorerData, view: dict) -> None:
    """Compare the canvas with the run file, away from the samples and at them.

    Catches a grid drawn upside down or transposed, swapped classes and samples
    drawn in the wrong place or colour.
    """
    width = page.evaluate("document.getElementById('explorer-canvas').width")
    size = data.index["grid_size"]
    dataset = data.dataset(view["dataset"])
    run = data.run(view)
    classes = explorer.decode_bits(
        run["grid"][run["epochs"].index(int(view["epoch"]))], size * size
    )
    x1_min, x1_max, x2_min, x2_max = dataset["bounds"]
    samples = [
        (
            (x1 - x1_min) / (x1_max - x1_min) * width,
            (1 - (x2 - x2_min) / (x2_max - x2_min)) * width,
        )
        for x1, x2 in dataset["X_test"]
    ]

    def clear_of_samples(x: float, y: float, skip: int | None = None) -> bool:
        return all(
            math.hypot(x - sx, y - sy) > SAMPLE_CLEARANCE
            for number, (sx, sy) in enumerate(samples)
            if number != skip
        )

    cells, points = [], []
    cell = width / size
    for k in range(size * size):
        row, column = divmod(k, size)
        x, y = (column + 0.5) * cell, (size - 1 - row + 0.5) * cell
        if clear_of_samples(x, y):
            cells.append(k)
            points.append([int(x), int(y)])
    assert len(points) > size, "too few grid cells away from the samples to check"
    region_colours = [_rgb255(colour) for colour in REGION_COLORS]
    actual = page.evaluate(CANVAS_PIXELS_JS, points)
    wrong = [
        (k, colour) for k, colour in zip(cells, actual)
        if not _colour_matches(colour, region_colours[int(classes[k])])
    ]
    assert not wrong, f"grid cells shaded unlike the run file (k, rgb): {wrong[:10]}"

    isolated = [
        number
        for number, (x, y) in enumerate(samples)
        if clear_of_samples(x, y, number)
    ]
    centres = [[int(x), int(y)] for x, y in (samples[number] for number in isolated)]
    actual = page.evaluate(CANVAS_PIXELS_JS, centres)
    class_colours = [_rgb255(colour) for colour in CLASS_COLORS]
    wrong = [
        (number, colour) for number, colour in zip(isolated, actual)
        if not _colour_matches(colour, class_colours[dataset["y_test"][number]])
    ]
    assert not wrong, f"test samples drawn in the wrong place or colour: {wrong[:10]}"


def test_default_view_without_query(browser, root_url, data):
    context, page, record = open_recorded_page(browser, root_url)
    with context:
        page.goto(root_url + PAGE, wait_until="load")
        view = data.default_view()
        _wait_for_view(page, view)
        assert _url_view(page.url) == view
        _check_view(page, data, view)
        _check_canvas(page, data, view)
        assert page.locator("#explorer-notice").is_hidden()
        assert page.locator("#explorer-error").is_hidden()

        # Screen readers get the caption as the picture's name and hear it change.
        caption = page.locator("#explorer-caption")
        assert caption.get_attribute("aria-live") == "polite"
        picture = page.get_by_role("img", name=caption.inner_text(), exact=True)
        assert picture.count() == 1
        assert picture.evaluate("element => element.tagName") == "CANVAS"
        assert_clean(record)


FOCUS_JS = """
() => {
  const element = document.activeElement;
  const style = getComputedStyle(element);
  return {
    tag: element.tagName.toLowerCase(),
    name: element.name || "",
    focusVisible: element.matches(":focus-visible"),
    outlineStyle: style.outlineStyle,
    outlineWidth: parseFloat(style.outlineWidth),
  };
}
"""


def _tab_to_first_control(page) -> dict:
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        focus = page.evaluate(FOCUS_JS)
        if focus["name"] == PARAMETERS[0]:
            return focus
    pytest.fail(f"{MAX_TABS} Tab presses did not reach the {PARAMETERS[0]} control")


def _next_value(values: list[str], current: str, tag: str) -> str:
    """Return the value one step on: a select stops at its end, radio groups wrap."""
    position = values.index(current) + 1
    if tag == "select":
        return values[min(position, len(values) - 1)]
    return values[position % len(values)]


def test_keyboard_changes_each_control(browser, root_url, data):
    context, page, record = open_recorded_page(browser, root_url)
    with context:
        page.goto(root_url + PAGE, wait_until="load")
        view = data.default_view()
        _wait_for_view(page, view)
        focus = _tab_to_first_control(page)
        for number, name in enumerate(PARAMETERS):
            if number > 0:
                page.keyboard.press("Tab")
                focus = page.evaluate(FOCUS_JS)
            assert focus["name"] == name, f"Tab moved to {focus} instead of {name}"
            assert focus["focusVisible"], f"{name} has focus but no :focus-visible"
            assert focus["outlineStyle"] != "none", f"{name} shows no focus outline"
            assert focus["outlineWidth"] >= 2, f"{name} focus outline is too thin"

            expected = _next_value(data.choices[name], view[name], focus["tag"])
            assert expected != view[name], f"{name} has one choice; nothing to change"
            page.keyboard.press(STEP_KEYS[focus["tag"]])
            view = {**view, name: expected}
            _wait_for_view(page, view)
            assert _url_view(page.url) == view
            _check_view(page, data, view)
            focus = page.evaluate(FOCUS_JS)
            assert focus["name"] == name, "changing the view moved the focus"
        _check_canvas(page, data, view)
        assert_clean(record)


def test_link_and_reload_restore_view(browser, base_url, data):
    context, page, record = open_recorded_page(browser, base_url)
    with context:
        view = data.other_view()
        url = base_url + PAGE + _query(view)
        page.goto(url, wait_until="load")
        _wait_for_view(page, view)
        assert page.url == url
        _check_view(page, data, view)
        _check_canvas(page, data, view)
        caption = page.inner_text("#explorer-caption")

        page.reload(wait_until="load")
        _wait_for_view(page, view)
        assert page.url == url
        assert page.inner_text("#explorer-caption") == caption
        _check_view(page, data, view)
        assert page.locator("#explorer-notice").is_hidden()
        data_requests = [url for url in record.requests if "/data/explorer/" in url]
        assert data_requests, "the page loaded no data files"
        outside = [url for url in data_requests if not url.startswith(base_url)]
        assert not outside, f"data requested outside the site's folder: {outside}"
        assert_clean(record)


INVALID_CASES = {
    "unknown dataset": ("dataset", "nope"),
    "unknown activation": ("activation", "ReLU"),
    "depth not recorded": ("depth", "-1"),
    "seed not a number": ("seed", "forty-two"),
    "empty epoch": ("epoch", ""),
}


@pytest.mark.parametrize(
    "name, value", INVALID_CASES.values(), ids=INVALID_CASES.keys()
)
def test_invalid_value_falls_back(browser, root_url, data, name, value):
    context, page, record = open_recorded_page(browser, root_url)
    with context:
        requested = {**data.other_view(), name: value}
        page.goto(root_url + PAGE + _query(requested), wait_until="load")
        expected = {**requested, name: data.default_view()[name]}
        _wait_for_view(page, expected)
        assert _url_view(page.url) == expected
        _check_view(page, data, expected)
        notice = page.locator("#explorer-notice")
        assert notice.is_visible()
        assert f"Ignored {name}={value} " in notice.inner_text()
        assert_clean(record)


def test_unknown_parameter_is_named(browser, root_url, data):
    context, page, record = open_recorded_page(browser, root_url)
    with context:
        view = data.other_view()
        page.goto(root_url + PAGE + _query(view) + "&colour=red", wait_until="load")
        _wait_for_view(page, view)
        assert _url_view(page.url) == view
        assert "Ignored colour=red " in page.inner_text("#explorer-notice")
        assert_clean(record)


def test_missing_run_file_shows_error(browser, root_url, data):
    context, page, record = open_recorded_page(browser, root_url)
    with context:
        view = data.default_view()
        target = {**view, "dataset": data.other_view()["dataset"]}
        # Another seed's file: the spread over the seeds needs every run file.
        other_seed = data.choices["seed"][-1]
        missing = data.index["run_path"].format(**{**target, "seed": other_seed})
        context.route(
            f"**/data/explorer/{missing}",
            lambda route: route.fulfill(status=404, body="not found"),
        )
        page.goto(root_url + PAGE, wait_until="load")
        _wait_for_view(page, view)

        page.select_option("#explorer-dataset", target["dataset"])
        error = page.locator("#explorer-error")
        error.wait_for(state="visible")
        assert missing in error.inner_text()
        assert "HTTP 404" in error.inner_text()
        assert _url_view(page.url) == target
        # The picture and the texts of the previous view are gone.
        assert page.evaluate(SHOWN_JS)["view"] is None
        assert page.inner_text("#explorer-caption") == ""
        assert page.locator("#explorer-seeds tbody tr").count() == 0
        assert not record.blocked, f"requests to other hosts: {record.blocked}"
        assert not record.page_errors, f"uncaught exceptions: {record.page_errors}"


def _halfway_view(data: ExplorerData) -> dict | None:
    """Return a view whose test accuracy in percent lies exactly halfway between two
    one-decimal values and rounds down to an even digit in Python, as 56.25 does."""
    names = ("dataset", "activation", "depth", "seed")
    for values in itertools.product(*(data.choices[name] for name in names)):
        view = dict(zip(names, values))
        run = data.run(view)
        for epoch, accuracy in zip(run["epochs"], run["test_accuracy"]):
            # The exact value of the float that both Python and the page format.
            tenths = Decimal(accuracy * 100) * 10
            if tenths % 1 == Decimal("0.5") and int(tenths) % 2 == 0:
                return {**view, "epoch": str(epoch)}
    return None


def test_accuracy_rounds_like_build_text(browser, root_url, data):
    view = _halfway_view(data)
    if view is None:
        pytest.skip("no test accuracy in the data lies exactly halfway between two "
                    "one-decimal percentages")
    context, page, record = open_recorded_page(browser, root_url)
    with context:
        page.goto(root_url + PAGE + _query(view), wait_until="load")
        _wait_for_view(page, view)
        _check_view(page, data, view)
        assert_clean(record)


def _click_nav_link(page, url: str) -> None:
    links = page.locator("nav.md-nav--primary a.md-nav__link")
    hrefs = links.evaluate_all("links => links.map(link => link.href)")
    assert url in hrefs, f"no link to {url} in the navigation: {hrefs}"
    links.nth(hrefs.index(url)).click()


def test_works_after_instant_navigation(browser, base_url, data):
    context, page, record = open_recorded_page(browser, base_url)
    with context:
        page.goto(base_url + "atlas/", wait_until="load")
        page.evaluate("window.fullLoadMarker = true")
        _click_nav_link(page, base_url + PAGE)
        view = data.default_view()
        _wait_for_view(page, view)
        assert page.evaluate("window.fullLoadMarker === true"), (
            "the click reloaded the page instead of navigation.instant"
        )
        assert page.url == base_url + PAGE + _query(view)
        _check_view(page, data, view)
        _check_canvas(page, data, view)

        changed = {**view, "dataset": data.other_view()["dataset"]}
        page.select_option("#explorer-dataset", changed["dataset"])
        _wait_for_view(page, changed)

        # Away and back by instant navigation: the page sets up once per visit.
        _click_nav_link(page, base_url + "atlas/sweep/")
        page.wait_for_url(base_url + "atlas/sweep/")
        page.go_back()
        _wait_for_view(page, changed)
        assert page.url == base_url + PAGE + _query(changed)
        options = page.locator("#explorer-dataset option").count()
        assert options == len(data.choices["dataset"])
        radios = page.locator("#explorer-form input[type=radio]").count()
        radio_names = ("depth", "seed", "epoch")
        assert radios == sum(len(data.choices[name]) for name in radio_names)
        _check_view(page, data, changed)
        reloaded = not page.evaluate("window.fullLoadMarker === true")
        assert not reloaded, "going back reloaded the page"
        assert_clean(record)


def _contrast(foreground: str, background: str) -> float:
    lighter, darker = sorted(
        (relative_luminance(foreground), relative_luminance(background)), reverse=True
    )
    return (lighter + 0.05) / (darker + 0.05)


TEXT_COLOURS_JS = """
() => {
  const body = getComputedStyle(document.body).backgroundColor;
  const pick = selector => Array.from(document.querySelectorAll(selector));
  const texts = pick("#explorer label, #explorer legend, #explorer figcaption, "
                     + "#explorer-seeds td, #explorer .explorer__legend li");
  return {
    text: texts.map(element => [element.textContent.trim().slice(0, 30),
                                getComputedStyle(element).color, body]),
    selects: pick("#explorer select").map(element => [
      element.name, getComputedStyle(element).color,
      getComputedStyle(element).backgroundColor]),
  };
}
"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_accessible_in_colour_scheme(browser, root_url, data, scheme):
    context, page, record = open_recorded_page(
        browser, root_url, color_scheme=scheme, viewport={"width": 1280, "height": 1800}
    )
    with context:
        view = data.other_view()
        page.goto(root_url + PAGE + _query(view), wait_until="load")
        _wait_for_view(page, view)
        applied = page.get_attribute("body", "data-md-color-scheme")
        assert applied == {"light": "default", "dark": "slate"}[scheme]
        colours = page.evaluate(TEXT_COLOURS_JS)
        for text, foreground, background in colours["text"] + colours["selects"]:
            # Table rows and the page share the body background in both schemes.
            if parse_rgba(background)[3] < 1:
                continue
            assert _contrast(foreground, background) >= 4.5, (
                f"{text!r}: {foreground} on {background} is below 4.5:1"
            )
        _check_canvas(page, data, view)
        # The site-wide axe test may run before the script fills the controls.
        results = Axe().run(page, context="#explorer").response
        violations = [
            f"{item['id']} ({item['impact']}): {item['help']}"
            for item in results["violations"]
        ]
        assert not violations, violations
        SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
        screenshot = SCREENSHOT_DIR / f"explorer-{scheme}.png"
        page.locator("#explorer").screenshot(path=screenshot)
        assert_clean(record)

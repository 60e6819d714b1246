/*
 * The explorer page (docs/atlas/explorer.md): decision regions of the atlas
 * networks, drawn from the JSON files that the build publishes under
 * data/explorer/. The module nonlinear.atlas.explorer describes their layout.
 *
 * The page contains the markup with empty controls and a link to index.json.
 * This script fills the controls from index.json, keeps the view in the query
 * string, and draws the chosen network's predicted classes and the test samples
 * on a canvas. mkdocs-material's instant navigation swaps pages without a reload,
 * so the setup runs on every emission of its document$ observable.
 */
(function () {
  "use strict";

  // Version of the file layout this script reads (nonlinear.atlas.explorer.FORMAT).
  const FORMAT = 1;

  // Okabe-Ito blue and orange, the class colours of the site's figures.
  const CLASS_COLORS = ["#0072B2", "#E69F00"];

  // Share of white mixed into a class colour to shade its region, as in the
  // static figures (nonlinear.atlas.plotting.REGION_LIGHTNESS).
  const REGION_LIGHTNESS = 0.65;

  // Query parameters, in the order they appear in the URL.
  const PARAMETERS = ["dataset", "activation", "depth", "seed", "epoch"];

  // The default activation is the article's, if the data has it.
  const PREFERRED_ACTIVATION = "relu";

  // Marker sizes are in canvas pixels, and CSS scales the canvas down.
  const MARKER_SIZE = 13;
  const MARKER_EDGE = 1.5;
  const ERROR_RING_RADIUS = 11;
  const RING_WIDTH = 2;

  // Parsed JSON by absolute URL. The files of one build never change, so they
  // stay cached across instant navigations.
  const jsonCache = new Map();

  function fetchJson(url) {
    if (!jsonCache.has(url)) {
      const promise = fetch(url).then((response) => {
        if (!response.ok) {
          throw new Error(`${url} returned HTTP ${response.status}`);
        }
        return response.json();
      });
      // A failed request is tried again the next time the view needs it.
      promise.catch(() => jsonCache.delete(url));
      jsonCache.set(url, promise);
    }
    return jsonCache.get(url);
  }

  // ---------------------------------------------------------------------------
  // Choices and the state in the URL
  // ---------------------------------------------------------------------------

  function choicesFrom(index) {
    const named = (items) => items.map((item) => ({ value: item.name, label: item.label }));
    const numbered = (values) => values.map((value) => (
      { value: String(value), label: String(value) }
    ));
    return {
      dataset: named(index.datasets),
      activation: named(index.activations),
      depth: numbered(index.depths),
      seed: numbered(index.seeds),
      epoch: numbered(index.epochs),
    };
  }

  // The first data set and seed, the article's activation, the deepest networks
  // and the end of training.
  function defaultState(choices) {
    const preferred = choices.activation.find((choice) => choice.value === PREFERRED_ACTIVATION);
    return {
      dataset: choices.dataset[0].value,
      activation: (preferred || choices.activation[0]).value,
      depth: choices.depth[choices.depth.length - 1].value,
      seed: choices.seed[0].value,
      epoch: choices.epoch[choices.epoch.length - 1].value,
    };
  }

  // Returns the state that the query string names, and the parameters it
  // ignored. A parameter whose value is missing from the choices keeps its
  // default, and a name that is not a parameter of the explorer has no effect.
  function readQuery(search, choices) {
    const query = new URLSearchParams(search);
    const state = defaultState(choices);
    const ignored = [];
    for (const [name, value] of query) {
      if (!PARAMETERS.includes(name)) {
        ignored.push({ name, value, known: false });
      } else if (choices[name].some((choice) => choice.value === value)) {
        state[name] = value;
      } else {
        ignored.push({ name, value, known: true });
      }
    }
    return { state, ignored };
  }

  function queryString(state) {
    const query = new URLSearchParams();
    for (const name of PARAMETERS) {
      query.set(name, state[name]);
    }
    return "?" + query.toString();
  }

  function writeQuery(state) {
    const url = new URL(window.location.href);
    url.search = queryString(state);
    // Keep mkdocs-material's history state, which stores the scroll position.
    window.history.replaceState(window.history.state, "", url.href);
  }

  function labelOf(choices, name, value) {
    return choices[name].find((choice) => choice.value === value).label;
  }

  // ---------------------------------------------------------------------------
  // Controls
  // ---------------------------------------------------------------------------

  function fillSelect(select, choices) {
    select.replaceChildren(
      ...choices.map((choice) => new Option(choice.label, choice.value))
    );
  }

  function fillRadioGroup(fieldset, name, choices) {
    const options = document.createElement("div");
    options.className = "explorer__options";
    for (const choice of choices) {
      const input = document.createElement("input");
      input.type = "radio";
      input.name = name;
      input.value = choice.value;
      input.id = `explorer-${name}-${choice.value}`;
      const label = document.createElement("label");
      label.htmlFor = input.id;
      label.textContent = choice.label;
      const item = document.createElement("span");
      item.className = "explorer__option";
      item.append(input, label);
      options.append(item);
    }
    fieldset.append(options);
  }

  function buildControls(form, choices) {
    for (const name of PARAMETERS) {
      const control = form.querySelector(`[data-parameter="${name}"]`);
      if (control instanceof HTMLSelectElement) {
        fillSelect(control, choices[name]);
      } else {
        fillRadioGroup(control, name, choices[name]);
      }
    }
  }

  function setControls(form, state) {
    for (const name of PARAMETERS) {
      form.elements[name].value = state[name];
    }
  }

  function readControls(form) {
    const state = {};
    for (const name of PARAMETERS) {
      state[name] = form.elements[name].value;
    }
    return state;
  }

  // ---------------------------------------------------------------------------
  // Decoding and statistics
  // ---------------------------------------------------------------------------

  // Unpacks a base64 string of numpy.packbits(bits, bitorder="big") into
  // `count` bits, first bit in the most significant place of the first byte.
  function decodeBits(text, count) {
    const bytes = Uint8Array.from(atob(text), (character) => character.charCodeAt(0));
    if (count > 8 * bytes.length) {
      throw new Error(
        `a bit string contains ${8 * bytes.length} bits, expected at least ${count}`
      );
    }
    const bits = new Uint8Array(count);
    for (let k = 0; k < count; k++) {
      bits[k] = (bytes[k >> 3] >> (7 - (k & 7))) & 1;
    }
    return bits;
  }

  // Mean and population standard deviation (divided by n), as numpy.std and the
  // atlas tables compute it.
  function meanAndStd(values) {
    const mean = values.reduce((sum, value) => sum + value, 0) / values.length;
    const variance = values.reduce((sum, value) => sum + (value - mean) ** 2, 0) / values.length;
    return { mean, std: Math.sqrt(variance) };
  }

  // Formats a non-negative number with `digits` decimals as Python's
  // format(value, f".{digits}f") does, which the build's own text uses. Both
  // round the exact binary value, but toFixed rounds an exact tie up and Python
  // rounds it to even, so (56.25).toFixed(1) is "56.3" and Python gives "56.2".
  function formatFixed(value, digits) {
    const rounded = value.toFixed(digits);
    // toFixed with 100 decimals gives the exact decimal expansion of the double.
    const exact = value.toFixed(100);
    const point = exact.indexOf(".");
    const cut = point + 1 + digits;
    const isTie = exact[cut] === "5" && /^0*$/.test(exact.slice(cut + 1));
    const truncated = digits === 0 ? exact.slice(0, point) : exact.slice(0, cut);
    const lastDigit = Number(truncated[truncated.length - 1]);
    return isTie && lastDigit % 2 === 0 ? truncated : rounded;
  }

  function percent(value) {
    return `${formatFixed(value * 100, 1)}%`;
  }

  function percentagePoints(value) {
    return formatFixed(value * 100, 1);
  }

  // ---------------------------------------------------------------------------
  // Drawing
  // ---------------------------------------------------------------------------

  function rgb(hex) {
    return [1, 3, 5].map((start) => parseInt(hex.slice(start, start + 2), 16));
  }

  function regionColor(hex) {
    return rgb(hex).map((channel) => Math.round(channel + (255 - channel) * REGION_LIGHTNESS));
  }

  // Draws the predicted classes, one cell per grid point, with row 0 at the
  // bottom, stretched over the canvas like the static figures' imshow.
  function drawRegions(context, classes, size) {
    const cells = new ImageData(size, size);
    const colors = CLASS_COLORS.map(regionColor);
    for (let k = 0; k < size * size; k++) {
      const row = size - 1 - Math.floor(k / size);
      const offset = 4 * (row * size + (k % size));
      cells.data.set([...colors[classes[k]], 255], offset);
    }
    const grid = document.createElement("canvas");
    grid.width = size;
    grid.height = size;
    grid.getContext("2d").putImageData(cells, 0, 0);
    context.imageSmoothingEnabled = false;
    context.drawImage(grid, 0, 0, context.canvas.width, context.canvas.height);
  }

  function markerPath(context, label, x, y) {
    const half = MARKER_SIZE / 2;
    context.beginPath();
    if (label === 0) {
      context.rect(x - half, y - half, MARKER_SIZE, MARKER_SIZE);
    } else {
      const height = MARKER_SIZE * 1.1;
      context.moveTo(x, y - (2 / 3) * height);
      context.lineTo(x + half * 1.15, y + height / 3);
      context.lineTo(x - half * 1.15, y + height / 3);
      context.closePath();
    }
  }

  // Draws the test samples as in the static figures, class 0 as blue squares and
  // class 1 as orange triangles with black edges, and rings the wrong ones.
  function drawSamples(context, dataset, correct) {
    const [x1Min, x1Max, x2Min, x2Max] = dataset.bounds;
    const { width, height } = context.canvas;
    context.lineWidth = MARKER_EDGE;
    context.strokeStyle = "#000";
    dataset.X_test.forEach(([x1, x2], index) => {
      const x = ((x1 - x1Min) / (x1Max - x1Min)) * width;
      const y = (1 - (x2 - x2Min) / (x2Max - x2Min)) * height;
      const label = dataset.y_test[index];
      markerPath(context, label, x, y);
      context.fillStyle = CLASS_COLORS[label];
      context.fill();
      context.stroke();
      if (!correct[index]) {
        context.beginPath();
        context.arc(x, y, ERROR_RING_RADIUS, 0, 2 * Math.PI);
        context.lineWidth = RING_WIDTH;
        context.stroke();
        context.lineWidth = MARKER_EDGE;
      }
    });
  }

  function setLegendColors(root) {
    CLASS_COLORS.forEach((hex, label) => {
      root.style.setProperty(`--explorer-class-${label}`, hex);
      root.style.setProperty(`--explorer-region-${label}`, `rgb(${regionColor(hex).join(", ")})`);
    });
  }

  // ---------------------------------------------------------------------------
  // Text
  // ---------------------------------------------------------------------------

  function describeView(app, state, run, epochIndex, correctCount, spread) {
    const choices = app.choices;
    const activation = labelOf(choices, "activation", state.activation);
    const dataset = labelOf(choices, "dataset", state.dataset);
    const testCount = app.dataset.y_test.length;
    return (
      `${activation}, depth ${state.depth}, seed ${state.seed}, epoch ${state.epoch} ` +
      `on ${dataset}: test accuracy ${percent(run.test_accuracy[epochIndex])} ` +
      `(${correctCount} of ${testCount} test samples), ` +
      `training loss ${formatFixed(run.train_loss[epochIndex], 4)}. ` +
      `Over the ${spread.count} seeds: mean test accuracy ${percent(spread.mean)}, ` +
      `standard deviation ${percentagePoints(spread.std)} percentage points.`
    );
  }

  function fillSeedTable(table, state, runs, epochIndex, spread) {
    const body = table.tBodies[0];
    body.replaceChildren();
    runs.forEach((run) => {
      const row = body.insertRow();
      const isShownSeed = String(run.seed) === state.seed;
      row.classList.toggle("explorer__current", isShownSeed);
      const values = [
        isShownSeed ? `${run.seed} (shown)` : String(run.seed),
        percent(run.test_accuracy[epochIndex]),
        formatFixed(run.train_loss[epochIndex], 4),
      ];
      for (const value of values) {
        row.insertCell().textContent = value;
      }
    });
    table.querySelector("[data-field=mean]").textContent = percent(spread.mean);
    table.querySelector("[data-field=std]").textContent = percentagePoints(spread.std);
    table.querySelector("[data-field=epoch]").textContent = state.epoch;
  }

  function showNotice(element, message) {
    element.textContent = message;
    element.hidden = !message;
  }

  function describeIgnored(ignored, state, choices) {
    return ignored
      .map(({ name, value, known }) => (
        known
          ? `Ignored ${name}=${value} from the link, which is not one of the choices. ` +
            `Showing ${labelOf(choices, name, state[name])} instead.`
          : `Ignored ${name}=${value} from the link, because the explorer has no ` +
            `setting ${name}.`
      ))
      .join(" ");
  }

  // ---------------------------------------------------------------------------
  // Loading a view
  // ---------------------------------------------------------------------------

  function fileUrl(app, pattern, values) {
    const path = pattern.replace(/\{(\w+)\}/g, (placeholder, key) => (
      encodeURIComponent(values[key])
    ));
    return new URL(path, app.indexUrl).href;
  }

  async function loadRuns(app, state) {
    const datasetUrl = fileUrl(app, app.index.dataset_path, state);
    const runUrls = app.choices.seed.map((seed) => (
      fileUrl(app, app.index.run_path, { ...state, seed: seed.value })
    ));
    const [dataset, ...runs] = await Promise.all([datasetUrl, ...runUrls].map(fetchJson));
    return { dataset, runs };
  }

  function epochIndexOf(run, epoch) {
    const index = run.epochs.indexOf(Number(epoch));
    if (index < 0) {
      throw new Error(
        `the run file of seed ${run.seed} has no results after epoch ${epoch}`
      );
    }
    return index;
  }

  async function showView(app, state) {
    const token = ++app.token;
    app.root.setAttribute("aria-busy", "true");
    try {
      const { dataset, runs } = await loadRuns(app, state);
      if (token !== app.token) {
        return;
      }
      app.dataset = dataset;
      render(app, state, runs);
      showNotice(app.error, "");
    } catch (error) {
      if (token === app.token) {
        clearView(app);
        showNotice(app.error, `The explorer could not show this view: ${error.message}.`);
      }
    } finally {
      if (token === app.token) {
        app.root.removeAttribute("aria-busy");
      }
    }
  }

  // Removes the previous view, so that the picture never disagrees with the controls.
  function clearView(app) {
    const context = app.canvas.getContext("2d");
    context.clearRect(0, 0, app.canvas.width, app.canvas.height);
    app.caption.textContent = "";
    app.seedTable.tBodies[0].replaceChildren();
    delete app.root.dataset.view;
  }

  function render(app, state, runs) {
    const size = app.index.grid_size;
    const run = runs.find((candidate) => String(candidate.seed) === state.seed);
    const epochIndex = epochIndexOf(run, state.epoch);
    const sampleCount = app.dataset.y_test.length;
    const classes = decodeBits(run.grid[epochIndex], size * size);
    const correct = decodeBits(run.test_correct[epochIndex], sampleCount);
    const accuracies = runs.map(
      (seedRun) => seedRun.test_accuracy[epochIndexOf(seedRun, state.epoch)]
    );
    const spread = { ...meanAndStd(accuracies), count: runs.length };

    const context = app.canvas.getContext("2d");
    drawRegions(context, classes, size);
    drawSamples(context, app.dataset, correct);
    const correctCount = correct.reduce((sum, bit) => sum + bit, 0);
    app.caption.textContent = describeView(app, state, run, epochIndex, correctCount, spread);
    fillSeedTable(app.seedTable, state, runs, epochIndex, spread);
    // Tests wait for this attribute to name the view they requested.
    app.root.dataset.view = queryString(state);
  }

  // ---------------------------------------------------------------------------
  // Setup
  // ---------------------------------------------------------------------------

  async function setup(root) {
    const app = {
      root,
      token: 0,
      form: root.querySelector("#explorer-form"),
      canvas: root.querySelector("#explorer-canvas"),
      caption: root.querySelector("#explorer-caption"),
      notice: root.querySelector("#explorer-notice"),
      error: root.querySelector("#explorer-error"),
      seedTable: root.querySelector("#explorer-seeds"),
    };
    const link = document.getElementById("explorer-data");
    try {
      if (!link) {
        throw new Error("the page has no link to index.json (#explorer-data)");
      }
      app.indexUrl = link.href;
      app.index = await fetchJson(app.indexUrl);
      if (app.index.format !== FORMAT) {
        throw new Error(
          `index.json has format ${app.index.format}, but this page reads format ${FORMAT}. ` +
          "Rebuild the site"
        );
      }
    } catch (error) {
      app.caption.textContent = "";
      showNotice(app.error, `The explorer could not load its data: ${error.message}.`);
      return;
    }
    app.choices = choicesFrom(app.index);
    buildControls(app.form, app.choices);
    setLegendColors(root);

    const { state, ignored } = readQuery(window.location.search, app.choices);
    setControls(app.form, state);
    showNotice(app.notice, describeIgnored(ignored, state, app.choices));
    writeQuery(state);
    app.form.hidden = false;
    app.form.addEventListener("submit", (event) => event.preventDefault());
    app.form.addEventListener("change", () => {
      const changed = readControls(app.form);
      writeQuery(changed);
      showView(app, changed);
    });
    await showView(app, state);
  }

  function setupPage() {
    const root = document.getElementById("explorer");
    if (root) {
      setup(root);
    }
  }

  if (typeof window.document$ !== "undefined") {
    window.document$.subscribe(setupPage);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setupPage);
  } else {
    setupPage();
  }
})();
